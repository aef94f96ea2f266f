//! Spec → IR: decides every Rust name and type. Deterministic: the spec is walked in its
//! sorted order and names are claimed in that order.

use std::collections::{BTreeMap, BTreeSet};

use bitrix_spec::naming::{
    enum_variant, field_idents, method_type_base, module_ident, pascal_ident, snake_ident,
    type_ident, unique_variants,
};
use bitrix_spec::{EnumLiteral, Field as SpecField, Kind, Method, Spec, Type, Version};

mod docs;
mod events;

use docs::field_doc;

use crate::ir::{
    Alias, Crate, Enum, EnumVariant, Field, FieldFlags, Group, Item, MethodItem, Module, Object,
    RustTy,
};

/// How a type is used: it decides optionality and what the `extra` map every object has says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Request parameters: required flags hold; the extra map sends undocumented keys.
    Request,
    /// Results, and named types some result or event reaches: everything may be absent (servers
    /// omit keys, list methods return only the selected fields), and the extra map keeps
    /// undocumented keys and misfits, so no answer fails to decode or loses a value.
    Result,
    /// Event payloads: as results, and an untyped `array` is PHP's (a list or a map), so it
    /// stays JSON.
    Event,
    /// Named types only requests use: required flags hold.
    Named,
}

/// Names taken in one group (all items of a group are re-exported side by side).
#[derive(Default)]
struct Names(BTreeSet<String>);

impl Names {
    /// Claims `base`, or `base2`, `base3`, … when taken.
    fn claim(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 2;
        while self.0.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.0.insert(name.clone());
        name
    }

    /// Claims a method struct name together with its `…Error` enum.
    fn claim_method(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 2;
        while self.0.contains(&name) || self.0.contains(&format!("{name}Error")) {
            name = if n == 2 {
                format!("{base}Method")
            } else {
                format!("{base}Method{n}")
            };
            n += 1;
        }
        self.0.insert(name.clone());
        self.0.insert(format!("{name}Error"));
        name
    }
}

/// Lowers a whole spec.
pub fn lower(spec: &Spec) -> Crate {
    let type_names = named_type_names(spec);
    let mut groups = Vec::new();

    // Named types. Those an answer reaches (a result or an event) decode what servers send:
    // everything in them may be absent; only those that requests alone use keep required flags.
    let received = spec.types_in_answers();
    let sent = spec.types_in_requests();
    let mut names = Names(type_names.values().cloned().collect());
    let mut modules = Vec::new();
    for t in spec.types.values() {
        let rust = type_names[&t.name].clone();
        let mut cx = Cx::new(
            spec,
            &type_names,
            &mut names,
            true,
            format!(
                "Part of the `{}` type ([official documentation]({})).",
                t.name, t.doc_url
            ),
        );
        cx.sent = sent.contains(&t.name);
        let doc = named_type_doc(t);
        let role = if received.contains(&t.name) {
            Role::Result
        } else {
            Role::Named
        };
        cx.named(&rust, &t.ty, &doc, role);
        modules.push(Module {
            name: snake_ident(&t.name),
            source: format!("spec/types/{}.json", t.name),
            doc: format!("The `{}` type.", t.name),
            feature: None,
            items: cx.items,
        });
    }
    groups.push(Group {
        name: "types".to_owned(),
        doc: "Named types of the documentation's data-types pages, shared by methods and events."
            .to_owned(),
        feature: None,
        modules,
    });

    // Methods, one group per scope.
    let mut by_scope: BTreeMap<&str, Vec<&Method>> = BTreeMap::new();
    for m in spec.methods.values() {
        by_scope.entry(m.scope.as_str()).or_default().push(m);
    }
    // Every scope is a cargo feature, also one only events use (they are gated by it).
    let scopes: Vec<String> = by_scope
        .keys()
        .copied()
        .chain(spec.events.values().map(|e| e.scope.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(str::to_owned)
        .collect();
    for (scope, methods) in &by_scope {
        let mut names = Names::default();
        // Recorded names are claimed first, so that the items a method nests never take them.
        let recorded: BTreeMap<(&str, Version), String> = methods
            .iter()
            .filter_map(|m| {
                let rust = m.rust_name.as_deref()?;
                Some(((m.name.as_str(), m.version), names.claim_method(rust)))
            })
            .collect();
        let mut modules = Vec::new();
        for m in methods {
            let both = m.version == Version::V3 && spec.method(&m.name, Version::V1).is_some();
            let rust = match recorded.get(&(m.name.as_str(), m.version)) {
                Some(rust) => rust.clone(),
                None => names.claim_method(&method_type_base(&m.name, both)),
            };
            let mut cx = Cx::new(
                spec,
                &type_names,
                &mut names,
                false,
                format!(
                    "Part of `{}` (REST {}, [official documentation]({})).",
                    m.name,
                    version_label(m.version),
                    m.doc_url
                ),
            );
            cx.method(&rust, m);
            let mut file = if both {
                format!("{}_v3", snake_ident(&m.name))
            } else {
                snake_ident(&m.name)
            };
            // `events` of the `events` scope: a module is not named like the one holding it.
            if file == module_ident(scope) {
                file.push_str("_method");
            }
            modules.push(Module {
                name: file,
                source: format!(
                    "spec/{}",
                    bitrix_spec::validate::method_file(&m.name, m.version)
                ),
                doc: format!("`{}` (REST {}).", m.name, version_label(m.version)),
                feature: None,
                items: cx.items,
            });
        }
        groups.push(Group {
            name: module_ident(scope),
            doc: format!("Methods of the `{scope}` scope (cargo feature `{scope}`)."),
            feature: Some((*scope).to_owned()),
            modules,
        });
    }

    let events = match events::lower_events(spec, &type_names) {
        Some((group, events)) => {
            groups.push(group);
            events
        }
        None => Vec::new(),
    };

    Crate {
        groups,
        events,
        scopes,
        method_count: spec.methods.len(),
    }
}

fn version_label(v: Version) -> &'static str {
    match v {
        Version::V1 => "v1",
        Version::V3 => "3.0",
    }
}

/// A named type's doc: its title and name, and the page it comes from.
fn named_type_doc(t: &bitrix_spec::NamedType) -> String {
    let mut doc = format!("{} (`{}`).", t.title, t.name);
    if !t.doc_url.is_empty() {
        doc.push_str(&format!("\n\n[Official documentation]({})", t.doc_url));
    }
    doc
}

/// Rust names of the named types, decided before anything refers to them.
fn named_type_names(spec: &Spec) -> BTreeMap<String, String> {
    let mut names = Names::default();
    spec.types
        .keys()
        .map(|n| (n.clone(), names.claim(&type_ident(n, "Type"))))
        .collect()
}

/// Lowering context of one module.
struct Cx<'a> {
    spec: &'a Spec,
    type_names: &'a BTreeMap<String, String>,
    names: &'a mut Names,
    items: Vec<Item>,
    in_types: bool,
    /// Whether requests send the named type being lowered, which then keeps its builders even
    /// where answers reach it too.
    sent: bool,
    /// Doc sentence naming the method, type or event the nested items belong to.
    owner: String,
}

impl<'a> Cx<'a> {
    fn new(
        spec: &'a Spec,
        type_names: &'a BTreeMap<String, String>,
        names: &'a mut Names,
        in_types: bool,
        owner: String,
    ) -> Self {
        Cx {
            spec,
            type_names,
            names,
            items: Vec::new(),
            in_types,
            sent: false,
            owner,
        }
    }

    fn method(&mut self, rust: &str, m: &Method) {
        let mut result = self.ty(&m.result, None, &format!("{rust}Result"), Role::Result);
        if m.result_optional {
            result = result.optional();
        }
        let fields = self.fields(rust, &m.params, Role::Request, false);
        let mut doc = format!(
            "{} — `{}` (REST {}, scope `{}`).\n\n[Official documentation]({})",
            m.title,
            m.name,
            version_label(m.version),
            m.scope,
            m.doc_url
        );
        if m.result_optional {
            doc.push_str(
                "\n\nAnswers `None` when the server sends `null` or `false` instead of a \
                 result, which the documentation says it may (nothing found, no access).",
            );
        }
        if let Some(dep) = &m.deprecated {
            match &dep.replacement {
                Some(r) => doc.push_str(&format!(
                    "\n\nDeprecated by the documentation: use `{r}` instead."
                )),
                None => doc.push_str("\n\nDeprecated by the documentation."),
            }
        }
        let item = Item::Method(MethodItem {
            name: rust.to_owned(),
            doc,
            wire: m.name.clone(),
            version: m.version,
            scope: m.scope.clone(),
            mutates: m.mutates,
            wrapper: m.result_wrapper.map(|w| w.key()),
            // `page` and `last_id` lists stay plain calls: no list stream walks them.
            paging: m
                .list_shape()
                .filter(|s| s.kind.runtime_kind().is_some())
                .map(Box::new),
            result,
            errors: self.errors(m),
            fields,
        });
        // The method struct first, then the items it needs.
        self.items.insert(0, item);
    }

    /// The method's documented errors; a shared code the page lists without its REST 3.0
    /// exception takes the catalogue's, which names its variant.
    fn errors(&self, m: &Method) -> Vec<bitrix_spec::ErrorEntry> {
        let mut errors = m.errors.clone();
        for e in errors.iter_mut().filter(|e| e.exception.is_none()) {
            e.exception = self
                .spec
                .catalogues
                .values()
                .flat_map(|c| &c.errors)
                .find(|shared| e.code.is_some() && shared.code == e.code)
                .and_then(|shared| shared.exception.clone());
        }
        errors
    }

    /// Whether an object of this role is only ever sent by the server.
    fn received(&self, role: Role) -> bool {
        matches!(role, Role::Result | Role::Event) && !self.sent
    }

    /// A named type's item.
    fn named(&mut self, rust: &str, t: &Type, doc: &str, role: Role) {
        if !t.fields().is_empty() {
            self.object(rust, t.fields(), role, doc);
        } else if let Some(e) = self.enumeration(rust, t, doc) {
            self.items.push(Item::Enum(e));
        } else {
            let ty = self.ty(t, None, &format!("{rust}Item"), role);
            self.items.insert(
                0,
                Item::Alias(Alias {
                    name: rust.to_owned(),
                    doc: doc.to_owned(),
                    ty,
                }),
            );
        }
    }

    fn object(&mut self, rust: &str, fields: &[SpecField], role: Role, doc: &str) {
        let pos = self.items.len();
        let fields = self.fields(rust, fields, role, true);
        self.items.insert(
            pos,
            Item::Object(Object {
                name: rust.to_owned(),
                doc: doc.to_owned(),
                fields,
                received: self.received(role),
            }),
        );
    }

    fn fields(
        &mut self,
        parent: &str,
        fields: &[SpecField],
        role: Role,
        extra: bool,
    ) -> Vec<Field> {
        let wires: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let mut idents = field_idents(&wires);
        if extra {
            // The extra map takes `extra` unless a documented field already has it.
            let extra_ident = if idents.iter().any(|i| i == "extra") {
                "extra_keys"
            } else {
                "extra"
            };
            idents.push(extra_ident.to_owned());
        }
        let mut out = Vec::new();
        for (f, ident) in fields.iter().zip(&idents) {
            let ctx = format!("{parent}{}", pascal_ident(&f.name));
            let ty = self.ty(&f.ty, Some(&f.name), &ctx, role);
            let required = matches!(role, Role::Request | Role::Named) && f.required;
            let mut flags = flags(&f.ty, &self.spec.resolve(&f.ty).kind);
            if !matches!(ty, RustTy::Vec(_) | RustTy::Map(_) | RustTy::JsonMap) {
                // A documented object became a struct: its key count is fixed by the type.
                flags.min_items = None;
                flags.max_items = None;
            }
            let ty = if required { ty } else { ty.optional() };
            out.push(Field {
                ident: ident.clone(),
                wire: f.name.clone(),
                ty,
                flags,
                doc: field_doc(f, required),
            });
        }
        if extra {
            out.push(Field {
                ident: idents.last().cloned().unwrap_or_default(),
                wire: String::new(),
                ty: RustTy::JsonMap,
                flags: FieldFlags {
                    extra: true,
                    ..FieldFlags::default()
                },
                doc: match role {
                    Role::Request | Role::Named => "Undocumented keys sent as they are.",
                    Role::Result | Role::Event => {
                        "Undocumented keys (custom fields such as `UF_CRM_…`) and values \
                         that do not fit their documented type, as they came; see `get_extra`."
                    }
                }
                .to_owned(),
            });
        }
        out
    }

    /// The Rust type of `t`; `name` is the wire name of the field it types, if any, and `ctx`
    /// the name for items it needs.
    fn ty(&mut self, t: &Type, name: Option<&str>, ctx: &str, role: Role) -> RustTy {
        if let Some(rust) = t.kind.named().and_then(|n| self.type_names.get(n)) {
            return RustTy::Named(rust.clone());
        }
        if let Some(e) = self.enumeration(
            ctx,
            t,
            &format!(
                "Documented values of `{}`. {}",
                name.unwrap_or(ctx),
                self.owner
            ),
        ) {
            let name = e.name.clone();
            self.items.push(Item::Enum(e));
            return RustTy::Local(name);
        }
        match &t.kind {
            Kind::Integer | Kind::Timestamp => RustTy::Int,
            Kind::Double => RustTy::Float,
            Kind::Boolean | Kind::Yn => RustTy::Bool,
            Kind::String if t.secret => RustTy::Secret,
            Kind::String | Kind::Date | Kind::DateTime => RustTy::Str,
            Kind::Array(None) if role == Role::Event => RustTy::Json,
            Kind::Array(items) => {
                let item = match items {
                    Some(items) => self.ty(items, None, &format!("{ctx}Item"), role),
                    None => RustTy::Json,
                };
                RustTy::Vec(Box::new(item))
            }
            Kind::Object { fields, .. } if !fields.is_empty() => {
                let rust = self.names.claim(ctx);
                let doc = format!("The `{}` object. {}", name.unwrap_or(ctx), self.owner);
                self.object(&rust, fields, role, &doc);
                RustTy::Local(rust)
            }
            Kind::Object { patterns, .. } => match patterns.as_slice() {
                [only] => RustTy::Map(Box::new(self.ty(
                    &only.ty,
                    None,
                    &format!("{ctx}Value"),
                    role,
                ))),
                _ => RustTy::JsonMap,
            },
            _ => RustTy::Json,
        }
    }

    /// An inline or named list of documented integer or string values.
    fn enumeration(&mut self, ctx: &str, t: &Type, doc: &str) -> Option<Enum> {
        let integer = match t.kind {
            Kind::Integer => true,
            Kind::String => false,
            _ => return None,
        };
        if t.enum_values.is_empty() {
            return None;
        }
        let name = if self.type_names.values().any(|n| n == ctx) && self.in_types {
            ctx.to_owned()
        } else {
            self.names.claim(ctx)
        };
        // String values name their variants (labels are often descriptions, e.g. colours);
        // integer values take their label.
        let raw: Vec<String> = t
            .enum_values
            .iter()
            .map(|v| {
                let label = v.name.as_deref().filter(|s| integer && !s.is_empty());
                enum_variant(&v.value.to_string(), label)
            })
            .collect();
        let idents = unique_variants(&raw);
        let variants = t
            .enum_values
            .iter()
            .zip(idents)
            .map(|(v, ident)| EnumVariant {
                ident,
                value: v.value.clone(),
                doc: match &v.name {
                    Some(label) if !label.is_empty() => format!("`{}`: {label}", literal(&v.value)),
                    _ => format!("`{}`", literal(&v.value)),
                },
            })
            .collect();
        Some(Enum {
            name,
            doc: doc.to_owned(),
            integer,
            variants,
        })
    }
}

fn literal(v: &EnumLiteral) -> String {
    match v {
        EnumLiteral::Int(i) => i.to_string(),
        EnumLiteral::Str(s) => format!("{s:?}"),
    }
}

fn flags(t: &Type, base: &Kind) -> FieldFlags {
    let c = t.constraints.clone().unwrap_or_default();
    let numeric = base.is_numeric();
    let stringy = base.is_text();
    FieldFlags {
        min: c.minimum.filter(|_| numeric),
        max: c.maximum.filter(|_| numeric),
        min_len: c.min_length.filter(|_| stringy),
        max_len: c.max_length.filter(|_| stringy),
        min_items: c.min_items,
        max_items: c.max_items,
        non_empty: c.non_empty.unwrap_or(false) && (stringy || matches!(t.kind, Kind::Array(_))),
        yn: t.kind == Kind::Yn,
        extra: false,
    }
}
