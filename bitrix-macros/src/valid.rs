//! Meaning checks of the parsed items, each error spanned at the offending tokens.

use std::collections::BTreeMap;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::Lit;

use crate::ast::{Enum, Field, Shape, Struct};
use crate::attr::{EnumArgs, MethodArgs, PagingArg};
use crate::errors::Errors;

/// Enum representation on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Repr {
    Integer,
    String,
}

pub fn method(args: &MethodArgs, s: &Struct, errors: &mut Errors) {
    let call_site = Span::call_site();
    match &args.name {
        None => errors.at(call_site, "missing `name = \"...\"`: the method's wire name, e.g. name = \"crm.item.delete\""),
        Some(lit) if !bitrix_spec::validate::is_valid_method_name(&lit.value()) => errors.at(
            lit.span(),
            format!(
                "malformed method name `{}`: expected dot-separated segments of letters, digits and `_`, e.g. `crm.item.delete`",
                lit.value()
            ),
        ),
        Some(_) => {}
    }
    let version = match &args.version {
        None => {
            errors.at(
                call_site,
                "missing `version = \"v1\"` or `version = \"v3\"`",
            );
            None
        }
        Some(lit) => match lit.value().as_str() {
            "v1" | "v3" => Some(lit.value()),
            other => {
                errors.at(lit.span(), format!("unknown version `{other}`: expected \"v1\" (/rest/) or \"v3\" (/rest/api/)"));
                None
            }
        },
    };
    match &args.scope {
        None => errors.at(call_site, "missing `scope = \"...\"`, e.g. scope = \"crm\""),
        Some(lit)
            if lit.value().is_empty()
                || !lit
                    .value()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') =>
        {
            errors.at(
                lit.span(),
                format!(
                    "malformed scope `{}`: expected lowercase letters, digits and `_`",
                    lit.value()
                ),
            );
        }
        Some(_) => {}
    }
    if args.result.is_none() {
        errors.at(
            call_site,
            "missing `result = Type`: what `result` decodes into (e.g. result = bool)",
        );
    }
    if let Some(w) = &args.wrapper {
        if !matches!(w.value().as_str(), "item" | "items" | "result") {
            errors.at(
                w.span(),
                format!(
                    "unknown wrapper `{}`: expected \"item\", \"items\" or \"result\"",
                    w.value()
                ),
            );
        } else if version.as_deref() == Some("v1") {
            errors.at(
                w.span(),
                "`wrapper` applies to REST 3.0 (version = \"v3\") methods only",
            );
        }
    }
    if let Some(paging) = &args.paging {
        self::paging(paging, version.as_deref(), errors);
    }
    for e in &args.errors {
        match (&e.code, &e.message) {
            (None, None) => errors.at(
                e.span,
                "an `error(...)` needs `code = \"...\"`, or `message = \"...\"` for an error the server sends without a code",
            ),
            (Some(code), _) if code.value().trim().is_empty() => errors.at(
                code.span(),
                "an error code must not be empty: leave `code` out for an error the server sends without one",
            ),
            (None, Some(message)) if message.value().trim().is_empty() => errors.at(
                message.span(),
                "an error without a code is recognised by its message, which must not be empty",
            ),
            _ => {}
        }
        if let Some(status) = &e.status {
            match status.base10_parse::<u16>() {
                Ok(s) if (100..=599).contains(&s) => {}
                _ => errors.at(
                    status.span(),
                    "`status` must be an HTTP status between 100 and 599",
                ),
            }
        }
    }
    fields(&s.fields, errors);
}

pub fn object(s: &Struct, errors: &mut Errors) {
    fields(&s.fields, errors);
}

fn fields(fields: &[Field], errors: &mut Errors) {
    let mut wires: BTreeMap<&str, &Field> = BTreeMap::new();
    let mut extra: Option<&Field> = None;
    for f in fields {
        if let Some(why) = f.shape.unsupported() {
            errors.at(f.ty.span(), format!("unsupported field type: {why}"));
        }
        if f.ident == "new" {
            errors.at(
                f.ident.span(),
                "a field named `new` collides with the constructor: name it e.g. `new_` and keep the wire name with #[bitrix(rename = \"new\")]",
            );
        }
        if f.args.extra.is_none() {
            if let Some(first) = wires.insert(&f.wire, f) {
                errors.at(
                    f.wire_span,
                    format!(
                        "duplicate wire name `{}` (also used by field `{}`)",
                        f.wire, first.ident
                    ),
                );
            }
        }
        constraints(f, errors);
        if let Some(span) = f.args.extra {
            if let Some(first) = extra {
                errors.at(
                    span,
                    format!(
                        "only one `extra` field per struct (already `{}`)",
                        first.ident
                    ),
                );
            }
            extra = Some(f);
        }
    }
}

fn constraints(f: &Field, errors: &mut Errors) {
    let core = f.shape.unwrap_option();
    let ty = &f.ty;
    let ty_name = quote::quote!(#ty).to_string().replace(' ', "");
    let mut wrong = |span: Span, what: &str, applies_to: &str| {
        errors.at(
            span,
            format!("`{what}` does not apply to `{ty_name}`: it applies to {applies_to}"),
        );
    };
    let numeric = matches!(core, Shape::Int | Shape::Float);
    for (b, what) in [(&f.args.min, "min"), (&f.args.max, "max")] {
        if let Some(b) = b {
            if !numeric {
                wrong(b.span, what, "numbers");
            }
        }
    }
    if let (Some(lo), Some(hi)) = (&f.args.min, &f.args.max) {
        if lo.value > hi.value {
            wrong(
                hi.span,
                "max below min",
                "a range whose max is at least its min",
            );
        }
    }
    for (c, what) in [(&f.args.min_len, "min_len"), (&f.args.max_len, "max_len")] {
        if let Some(c) = c {
            if *core != Shape::Str {
                wrong(c.span, what, "strings");
            }
        }
    }
    for (c, what) in [
        (&f.args.min_items, "min_items"),
        (&f.args.max_items, "max_items"),
    ] {
        if let Some(c) = c {
            if !matches!(core, Shape::Vec(_) | Shape::Map) {
                wrong(c.span, what, "Vec and maps");
            }
        }
    }
    if let Some(span) = f.args.non_empty {
        if !f.shape.can_be_empty() {
            wrong(span, "non_empty", "strings, Vec, maps and JSON values");
        }
    }
    if let Some(span) = f.args.yn {
        if *core != Shape::Bool {
            wrong(span, "yn", "bool and Option<bool>");
        }
    }
    if let Some(span) = f.args.extra {
        if f.shape != Shape::Map {
            wrong(
                span,
                "extra",
                "a Map<String, Value> that collects undocumented keys",
            );
        }
    }
}

pub fn enumeration(args: &EnumArgs, e: &Enum, errors: &mut Errors) -> Option<Repr> {
    let repr = match &args.repr {
        None => {
            errors.at(
                Span::call_site(),
                "missing `repr = \"integer\"` or `repr = \"string\"`",
            );
            None
        }
        Some(lit) => match lit.value().as_str() {
            "integer" => Some(Repr::Integer),
            "string" => Some(Repr::String),
            other => {
                errors.at(
                    lit.span(),
                    format!("unknown repr `{other}`: expected \"integer\" or \"string\""),
                );
                None
            }
        },
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for v in &e.variants {
        if v.ident == "Unknown" {
            errors.at(
                v.span,
                "`Unknown` is added by the macro for values the docs do not list",
            );
            continue;
        }
        let Some(value) = &v.value else {
            errors.at(
                v.span,
                format!("variant `{}` needs #[bitrix(value = ...)]", v.ident),
            );
            continue;
        };
        let key = match (value, repr) {
            (Lit::Int(i), Some(Repr::Integer)) => i.base10_digits().to_owned(),
            (Lit::Str(s), Some(Repr::String)) => s.value(),
            (_, None) => continue,
            (other, Some(Repr::Integer)) => {
                errors.at(
                    other.span(),
                    "expected an integer value for repr = \"integer\"",
                );
                continue;
            }
            (other, Some(Repr::String)) => {
                errors.at(
                    other.span(),
                    "expected a string value for repr = \"string\"",
                );
                continue;
            }
        };
        if let Some(first) = seen.insert(key.clone(), v.ident.to_string()) {
            errors.at(
                value.span(),
                format!("value `{key}` is already used by `{first}`"),
            );
        }
    }
    repr
}

/// The paging schemes `paging(kind = ...)` names, with the generation each belongs to.
pub const PAGING_KINDS: [(&str, &str); 6] = [
    ("start", "v1"),
    ("start_upper", "v1"),
    ("nav_params", "v1"),
    ("offset_limit", "v1"),
    ("pagination", "v3"),
    ("cursor", "v3"),
];

fn paging(p: &PagingArg, version: Option<&str>, errors: &mut Errors) {
    match &p.kind {
        None => errors.at(
            p.span,
            "`paging(...)` needs `kind = \"...\"`, e.g. kind = \"start\"",
        ),
        Some(kind) => match PAGING_KINDS.iter().find(|(k, _)| *k == kind.value()) {
            None => {
                let known: Vec<&str> = PAGING_KINDS.iter().map(|(k, _)| *k).collect();
                errors.at(
                    kind.span(),
                    format!(
                        "unknown paging kind `{}`: expected one of {}",
                        kind.value(),
                        known.join(", ")
                    ),
                );
            }
            Some((_, generation)) if version.is_some_and(|v| v != *generation) => errors.at(
                kind.span(),
                format!(
                    "paging kind `{}` belongs to {generation} methods",
                    kind.value()
                ),
            ),
            Some(_) => {}
        },
    }
    for lit in [&p.id, &p.order, &p.filter, &p.items].into_iter().flatten() {
        let v = lit.value();
        if v.is_empty() || v.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '_')) {
            errors.at(
                lit.span(),
                format!("malformed key `{v}`: expected letters, digits and `_`"),
            );
        }
    }
}
