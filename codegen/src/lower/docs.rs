//! Field docs: the docs' type said as the docs say it ("documented as integer", "documented
//! as `crm_currency`", "documented as Y/N flag"), never as if it were the Rust type.

use bitrix_spec::{Field as SpecField, Kind, Type};

/// The docs' type of `t` in words, as the docs spell it: "integer", "`crm_currency`",
/// "Y/N flag", "array of `crm_activity_communication`".
fn describe(t: &Type) -> String {
    /// Type words of the docs that read as plain English; anything else is a name.
    const WORDS: &[&str] = &[
        "integer",
        "int",
        "double",
        "float",
        "number",
        "string",
        "text",
        "char",
        "boolean",
        "bool",
        "date",
        "datetime",
        "time",
        "timestamp",
        "file",
        "array",
        "object",
    ];
    if let Some(items) = t.items() {
        return format!("array of {}", describe(items));
    }
    if t.kind == Kind::Yn {
        return "Y/N flag".to_owned();
    }
    if t.kind == Kind::Any && t.doc_type.is_none() {
        return "any JSON value".to_owned();
    }
    let name = t.doc_type.as_deref().unwrap_or_else(|| t.kind.name());
    if t.kind.named().is_none() && WORDS.contains(&name.to_ascii_lowercase().as_str()) {
        name.to_owned()
    } else {
        format!("`{name}`")
    }
}

pub(super) fn field_doc(f: &SpecField, required: bool) -> String {
    let t = &f.ty;
    let mut doc = format!("`{}`: documented as {}", f.name, describe(t));
    if required {
        doc.push_str(", required");
    }
    if let Some(d) = &t.default {
        doc.push_str(&format!("; default `{d}`"));
    }
    if !t.patterns().is_empty() {
        let p: Vec<String> = t
            .patterns()
            .iter()
            .map(|p| format!("`{}`", p.pattern))
            .collect();
        doc.push_str(&format!("; keys: {}", p.join(", ")));
    }
    if t.deprecated {
        doc.push_str("; deprecated by the documentation");
    }
    doc.push('.');
    doc
}
