//! The annotated items as the macros see them: fields with their wire names, parsed
//! `#[bitrix]` arguments and the syntactic shape of their types.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{
    Attribute, Fields, GenericArgument, Ident, ItemEnum, ItemStruct, Lit, PathArguments, Type,
};

use crate::attr::{self, FieldArgs};
use crate::errors::Errors;

/// What a field's type is, as far as serialization and validation care.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Option(Box<Shape>),
    Vec(Box<Shape>),
    Box(Box<Shape>),
    Int,
    Float,
    Bool,
    Str,
    /// `serde_json::Value`
    Json,
    /// `Map<String, Value>`, `BTreeMap<String, T>`, `HashMap<String, T>`
    Map,
    /// A user or generated type (struct or enum) that implements the traits itself.
    Other,
    /// Something the wire format cannot carry as an owned value.
    Unsupported(&'static str),
}

impl Shape {
    pub fn of(ty: &Type) -> Shape {
        match ty {
            Type::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else {
                    return Shape::Unsupported("an empty path");
                };
                let inner = || match &last.arguments {
                    PathArguments::AngleBracketed(a) => a.args.iter().find_map(|arg| match arg {
                        GenericArgument::Type(t) => Some(Box::new(Shape::of(t))),
                        _ => None,
                    }),
                    _ => None,
                };
                match last.ident.to_string().as_str() {
                    "Option" => {
                        inner().map_or(Shape::Unsupported("`Option` without a type"), Shape::Option)
                    }
                    "Vec" => inner().map_or(Shape::Unsupported("`Vec` without a type"), Shape::Vec),
                    "Box" => inner().map_or(Shape::Unsupported("`Box` without a type"), Shape::Box),
                    "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => Shape::Int,
                    "isize" | "usize" | "i128" | "u128" => {
                        Shape::Unsupported("a platform- or 128-bit integer; use i64 or u64")
                    }
                    "f32" | "f64" => Shape::Float,
                    "bool" => Shape::Bool,
                    "String" => Shape::Str,
                    "Value" => Shape::Json,
                    "Map" | "BTreeMap" | "HashMap" => Shape::Map,
                    "str" => Shape::Unsupported("a borrowed string; use String"),
                    _ => {
                        if matches!(last.arguments, PathArguments::None) {
                            Shape::Other
                        } else {
                            Shape::Unsupported(
                                "a generic type other than Option, Vec, Box or a map",
                            )
                        }
                    }
                }
            }
            Type::Reference(_) => {
                Shape::Unsupported("a reference; request and result types own their data")
            }
            Type::Tuple(_) => Shape::Unsupported("a tuple; use a struct"),
            Type::Array(_) | Type::Slice(_) => Shape::Unsupported("an array or slice; use Vec"),
            Type::Paren(p) => Shape::of(&p.elem),
            Type::Group(g) => Shape::of(&g.elem),
            _ => Shape::Unsupported("this kind of type"),
        }
    }

    /// Looks through `Box`.
    fn core(&self) -> &Shape {
        match self {
            Shape::Box(inner) => inner.core(),
            other => other,
        }
    }

    /// Looks through `Option` and `Box`.
    pub fn unwrap_option(&self) -> &Shape {
        match self.core() {
            Shape::Option(inner) => inner.unwrap_option(),
            other => other,
        }
    }

    /// `Option` of a user or generated type: decoded with `[]` and `null` as absent.
    pub fn is_optional_other(&self) -> bool {
        matches!(self, Shape::Option(inner) if **inner == Shape::Other)
    }

    /// A list (or optional list) of user or generated types: a PHP list sent as an object
    /// with the keys `"0"`, `"1"`, … is accepted.
    pub fn is_list_of_other(&self) -> bool {
        match self {
            Shape::Option(inner) => matches!(&**inner, Shape::Vec(i) if **i == Shape::Other),
            Shape::Vec(i) => **i == Shape::Other,
            _ => false,
        }
    }

    pub fn is_option(&self) -> bool {
        matches!(self.core(), Shape::Option(_))
    }

    /// Built only from numbers, flags, strings, `Option`, `Vec` and `Box`: decoded leniently.
    pub fn is_lenient(&self) -> bool {
        match self {
            Shape::Int | Shape::Float | Shape::Bool | Shape::Str | Shape::Map => true,
            Shape::Option(i) | Shape::Vec(i) | Shape::Box(i) => i.is_lenient(),
            _ => false,
        }
    }

    /// Whether `Default` gives a meaningful "absent" value, so a missing key can decode.
    pub fn has_default(&self) -> bool {
        matches!(
            self.core(),
            Shape::Option(_)
                | Shape::Vec(_)
                | Shape::Int
                | Shape::Float
                | Shape::Bool
                | Shape::Str
                | Shape::Json
                | Shape::Map
        )
    }

    /// Emptiness is meaningful (strings, arrays, maps, JSON values).
    pub fn can_be_empty(&self) -> bool {
        matches!(
            self.unwrap_option(),
            Shape::Str | Shape::Vec(_) | Shape::Map | Shape::Json
        )
    }

    /// The first unsupported part, if any.
    pub fn unsupported(&self) -> Option<&'static str> {
        match self {
            Shape::Unsupported(why) => Some(why),
            Shape::Option(i) | Shape::Vec(i) | Shape::Box(i) => i.unsupported(),
            _ => None,
        }
    }
}

/// A named field of an annotated struct.
pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    pub shape: Shape,
    pub args: FieldArgs,
    /// `rename`, or the Rust name.
    pub wire: String,
    pub wire_span: Span,
    /// Doc comments, copied to the setter.
    pub docs: Vec<Attribute>,
}

impl Field {
    pub fn required(&self) -> bool {
        !self.shape.is_option() && self.args.extra.is_none()
    }
}

/// An annotated struct: the item with `#[bitrix]` attributes removed, and its fields.
pub struct Struct {
    pub item: ItemStruct,
    pub fields: Vec<Field>,
}

pub fn parse_struct(mut item: ItemStruct, errors: &mut Errors) -> Struct {
    if !item.generics.params.is_empty() {
        errors.at(
            item.generics.span(),
            "generic request and result types are not supported",
        );
    }
    let mut fields = Vec::new();
    match &mut item.fields {
        Fields::Named(named) => {
            for f in &mut named.named {
                let args = attr::field_args(&f.attrs, errors);
                f.attrs.retain(|a| !a.path().is_ident("bitrix"));
                let Some(ident) = f.ident.clone() else {
                    continue;
                };
                let (wire, wire_span) = match &args.rename {
                    Some(lit) => (lit.value(), lit.span()),
                    None => (
                        ident.to_string().trim_start_matches("r#").to_owned(),
                        ident.span(),
                    ),
                };
                fields.push(Field {
                    shape: Shape::of(&f.ty),
                    ty: f.ty.clone(),
                    docs: f
                        .attrs
                        .iter()
                        .filter(|a| a.path().is_ident("doc"))
                        .cloned()
                        .collect(),
                    ident,
                    args,
                    wire,
                    wire_span,
                });
            }
        }
        Fields::Unnamed(_) => errors.at(
            item.ident.span(),
            "tuple structs are not supported: name the fields after the wire parameters",
        ),
        Fields::Unit => {}
    }
    Struct { item, fields }
}

/// One variant of an annotated enum.
pub struct Variant {
    pub ident: Ident,
    pub value: Option<Lit>,
    pub span: Span,
}

/// An annotated enum.
pub struct Enum {
    pub item: ItemEnum,
    pub variants: Vec<Variant>,
}

pub fn parse_enum(mut item: ItemEnum, errors: &mut Errors) -> Enum {
    if !item.generics.params.is_empty() {
        errors.at(item.generics.span(), "generic enums are not supported");
    }
    let mut variants = Vec::new();
    for v in &mut item.variants {
        let value = attr::variant_value(&v.attrs, errors);
        v.attrs.retain(|a| !a.path().is_ident("bitrix"));
        if !matches!(v.fields, Fields::Unit) {
            errors.at(
                v.ident.span(),
                "documented values are unit variants; `Unknown` is added by the macro",
            );
        }
        if let Some((_, d)) = &v.discriminant {
            errors.at(
                d.span(),
                "write the wire value as #[bitrix(value = ...)], not as a discriminant",
            );
        }
        variants.push(Variant {
            ident: v.ident.clone(),
            value,
            span: v.ident.span(),
        });
    }
    Enum { item, variants }
}
