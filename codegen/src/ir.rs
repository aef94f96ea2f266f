//! The intermediate representation: what Rust items the spec becomes, with every name
//! decided. Lowering (spec → IR) lives in `lower.rs`; emission (IR → tokens) in `emit.rs`.

use bitrix_spec::{ErrorEntry, Version};

/// A Rust type as generated code spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustTy {
    /// `i64`
    Int,
    /// `f64`
    Float,
    /// `bool`
    Bool,
    /// `String`
    Str,
    /// `bitrix24::Secret`: a string kept out of `Debug`
    Secret,
    /// `serde_json::Value`
    Json,
    /// `bitrix24::EventAuth`: the `auth` block of an event post
    EventAuth,
    /// `serde_json::Map<String, Value>`
    JsonMap,
    /// `BTreeMap<String, T>`
    Map(Box<RustTy>),
    /// `Vec<T>`
    Vec(Box<RustTy>),
    /// `Option<T>`
    Option(Box<RustTy>),
    /// An item of the same module.
    Local(String),
    /// A named type of the `types` module.
    Named(String),
}

impl RustTy {
    /// Wraps in `Option` unless already optional.
    pub fn optional(self) -> RustTy {
        match self {
            RustTy::Option(_) => self,
            other => RustTy::Option(Box::new(other)),
        }
    }
}

/// Constraints and wire flags of a field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldFlags {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub non_empty: bool,
    pub yn: bool,
    pub extra: bool,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub ident: String,
    pub wire: String,
    pub ty: RustTy,
    pub flags: FieldFlags,
    pub doc: String,
}

/// A `#[bitrix_object]` struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
    /// Only the server sends it (an answer, an event post): decoded, never built, so it has
    /// no constructor or setters.
    pub received: bool,
}

/// One documented value of a `#[bitrix_enum]`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub ident: String,
    pub value: bitrix_spec::EnumLiteral,
    pub doc: String,
}

/// A `#[bitrix_enum]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub name: String,
    pub doc: String,
    pub integer: bool,
    pub variants: Vec<EnumVariant>,
}

/// `pub type Name = T;`
#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    pub name: String,
    pub doc: String,
    pub ty: RustTy,
}

/// A `#[bitrix_method]` struct.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodItem {
    pub name: String,
    pub doc: String,
    pub wire: String,
    pub version: Version,
    pub scope: String,
    pub mutates: bool,
    pub wrapper: Option<&'static str>,
    /// How a list stream traverses it, for list methods.
    pub paging: Option<Box<bitrix_spec::ListShape>>,
    pub result: RustTy,
    pub errors: Vec<ErrorEntry>,
    pub fields: Vec<Field>,
}

/// Any generated item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Method(MethodItem),
    Object(Object),
    Enum(Enum),
    Alias(Alias),
}

/// One generated file: a module holding the items of one method, named type or event.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// Module (and file) name, snake_case.
    pub name: String,
    /// Spec file it comes from, for the header.
    pub source: String,
    /// Module doc line.
    pub doc: String,
    /// Cargo feature that gates the module, if any (events are gated by their scope).
    pub feature: Option<String>,
    pub items: Vec<Item>,
}

/// A group of modules: a scope (`crm`), `types` or `event_payloads`.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub doc: String,
    /// Cargo feature that gates the group, if any.
    pub feature: Option<String>,
    pub modules: Vec<Module>,
}

/// One event of the spec, for the `Event` enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EventItem {
    /// The name as the spec spells it (`onCrmDealAdd`).
    pub wire: String,
    /// Its scope, the cargo feature that gates it.
    pub scope: String,
    /// Page title.
    pub title: String,
    /// The payload struct in `event_payloads` (also the variant's name).
    pub payload: String,
    /// Other names, upper case, that the event's documented examples post it under (a page
    /// whose title names the event otherwise).
    pub aliases: Vec<String>,
}

/// Everything to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Crate {
    /// `types` first, then the scopes sorted, then `event_payloads`.
    pub groups: Vec<Group>,
    /// The spec's events, in its order.
    pub events: Vec<EventItem>,
    /// All scopes (cargo features), sorted.
    pub scopes: Vec<String>,
    pub method_count: usize,
}
