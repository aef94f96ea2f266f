//! Wire names → Rust identifiers, in one place.
//!
//! Every generated or macro-expanded identifier comes from here: keywords get a trailing `_`,
//! names that collide after case conversion get a numeric suffix, and type names that would
//! shadow the prelude get a suffix. The wire name itself is always kept for serde.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict, reserved, and edition-dependent) that cannot be plain identifiers.
pub const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names a generated item must not take: prelude items the generated code relies on.
pub const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Default",
    "Debug",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Iterator",
    "IntoIterator",
    "Extend",
    "FromIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    // Imported by name in generated files.
    "Value",
    "Map",
    "BTreeMap",
    "Secret",
];

/// Method names a field must not take because the generated API defines them.
pub const RESERVED_MEMBERS: &[&str] = &["new", "validate", "validate_into"];

/// Module names a scope group must not take: names with a meaning of their own at a crate root
/// (`main.rs`, `lib.rs`, `build.rs`, `mod.rs`, `tests/`), the generated crate's fixed groups
/// and files (`types`, `event_payloads`, `list_paging`, `event`), and the lowercase names its
/// root re-exports from the runtime (`serde_json`, `conformance`, and with the `axum` feature
/// `axum`, `event_route`, `event_route_with`). Every other runtime name at the root is a type, trait or
/// constant in `UpperCamelCase` or `SCREAMING_CASE`, so a scope module cannot collide with it.
pub const RESERVED_MODULES: &[&str] = &[
    "main",
    "lib",
    "build",
    "mod",
    "tests",
    "types",
    "event_payloads",
    "list_paging",
    "event",
    "serde_json",
    "conformance",
    "axum",
    "event_route",
    "event_route_with",
];

/// Module identifier of a scope group: [`snake_ident`], with `_scope` appended to reserved names.
pub fn module_ident(scope: &str) -> String {
    let s = snake_ident(scope);
    if RESERVED_MODULES.contains(&s.as_str()) {
        format!("{s}_scope")
    } else {
        s
    }
}

/// Whether `s` is a Rust keyword.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Replaces everything but ASCII letters and digits by `_`, so heck splits words there.
fn words(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// `snake_case` identifier for a wire name: `ownerTypeId` → `owner_type_id`,
/// `ID` → `id`, `type` → `type_`, `1C` → `n1c`.
pub fn snake_ident(wire: &str) -> String {
    let mut s = words(wire).to_snake_case();
    if s.is_empty() {
        s.push_str("value");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'n');
    }
    if is_keyword(&s) || RESERVED_MEMBERS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// `UpperCamelCase` identifier: `crm.activity.todo.updateColor` → `CrmActivityTodoUpdateColor`.
/// A leading digit gets an `N` prefix; an empty name becomes `Value`.
pub fn pascal_ident(wire: &str) -> String {
    let mut s = words(wire).to_upper_camel_case();
    if s.is_empty() {
        s.push_str("Value");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'N');
    }
    s
}

/// Type identifier: [`pascal_ident`], with `suffix` appended when the name would shadow a
/// prelude item or keyword (`result` → `ResultMethod` with suffix `Method`).
pub fn type_ident(wire: &str, suffix: &str) -> String {
    let s = pascal_ident(wire);
    if RESERVED_TYPES.contains(&s.as_str()) || is_keyword(&s) {
        format!("{s}{suffix}")
    } else {
        s
    }
}

/// Suffix of a method's error enum (`CrmDealAdd` → `CrmDealAddError`): a method type name
/// must not take another method's error enum name.
pub const ERROR_SUFFIX: &str = "Error";

/// The base Rust type name of a method: [`type_ident`] of the wire name (suffix `Method`),
/// with `V3` appended to the REST 3.0 twin of a v1 method of the same name.
pub fn method_type_base(name: &str, v3_twin_of_v1: bool) -> String {
    let base = type_ident(name, "Method");
    if v3_twin_of_v1 {
        format!("{base}V3")
    } else {
        base
    }
}

/// A method type name from `base` that neither `taken` nor the error enums of `taken` hold,
/// and whose own error enum is free: `base`, else `baseMethod`, `baseMethod3`, ….
pub fn unique_method_type(base: &str, taken: &std::collections::BTreeSet<String>) -> String {
    let free = |n: &str| {
        !taken.contains(n)
            && !taken.contains(&format!("{n}{ERROR_SUFFIX}"))
            && n.strip_suffix(ERROR_SUFFIX)
                .is_none_or(|owner| !taken.contains(owner))
    };
    let mut name = base.to_owned();
    let mut n = 2;
    while !free(&name) {
        name = if n == 2 {
            format!("{base}Method")
        } else {
            format!("{base}Method{n}")
        };
        n += 1;
    }
    name
}

/// Whether `s` can be a method's recorded type name: an ASCII `UpperCamelCase` identifier
/// that is no keyword or reserved prelude name.
pub fn is_method_type_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && !RESERVED_TYPES.contains(&s)
        && !is_keyword(s)
}

/// Field identifiers for the wire names of one object, in order, unique within it.
///
/// Names that collide after conversion (`ID` and `id`) are numbered: the wire name that is
/// already the identifier (`id`) keeps it, the others get `_2`, `_3`, … in order.
pub fn field_idents<S: AsRef<str>>(wires: &[S]) -> Vec<String> {
    let bases: Vec<String> = wires.iter().map(|w| snake_ident(w.as_ref())).collect();
    dedupe(wires, &bases, |base, n| format!("{base}_{n}"))
}

/// Variant identifier for an error code: `NOT_FOUND` → `NotFound`, `100` → `Code100`,
/// `insufficient_scope` → `InsufficientScope`. `None` for an empty code.
pub fn error_variant(code: &str) -> Option<String> {
    if code.trim().is_empty() {
        return None;
    }
    let s = pascal_ident(code);
    let s = if code.starts_with(|c: char| c.is_ascii_digit()) {
        format!("Code{}", s.trim_start_matches('N'))
    } else {
        s
    };
    Some(reserve_variant(s))
}

/// Words a message-named variant leaves out: they make names long and tell nothing apart.
const MESSAGE_STOP_WORDS: &[&str] = &[
    "a", "an", "the", "for", "of", "to", "is", "are", "was", "be", "by", "in", "on", "with",
    "this", "that", "method", "or",
];

/// Longest message-named variant, in words, unless two messages need more to differ.
pub const MESSAGE_WORDS: usize = 6;

/// Variant identifier for an error the docs list by its message only:
/// `Access denied.` → `AccessDenied`, `The required parameter "name" for the method
/// "calendar.event.add" is not set` → `RequiredParameterNameNotSet`. Quoted dotted names
/// (method names) and filler words are left out, and the name stops after `words` words
/// ([`MESSAGE_WORDS`] unless two messages of one enum need more to differ).
pub fn message_variant(message: &str, words: usize) -> String {
    let mut kept = Vec::new();
    for quoted_or_word in message
        .split(['"', '\'', '`'])
        .enumerate()
        .flat_map(|(i, part)| {
            // Odd parts sit between quotes: a dotted one names a method, not the error.
            let skip = i % 2 == 1 && part.contains('.') && !part.contains(' ');
            (!skip).then_some(part)
        })
    {
        for word in quoted_or_word.split(|c: char| !c.is_ascii_alphanumeric()) {
            if word.is_empty() || MESSAGE_STOP_WORDS.contains(&word.to_ascii_lowercase().as_str()) {
                continue;
            }
            if kept.len() < words {
                kept.push(word.to_ascii_lowercase());
            }
        }
    }
    if kept.is_empty() {
        return "Message".to_owned();
    }
    let s = pascal_ident(&kept.join("_"));
    let s = if s.starts_with('N') && kept[0].starts_with(|c: char| c.is_ascii_digit()) {
        format!("Message{}", &s[1..])
    } else {
        s
    };
    reserve_variant(s)
}

/// Variant identifier for an enum value: its label when the docs give one, else the value
/// (`1` → `V1`, `-1` → `VMinus1`, `"ASC"` → `Asc`).
pub fn enum_variant(value: &str, label: Option<&str>) -> String {
    // A label starting with a digit would only get an `N` prefix; the value reads better.
    let from_label = label
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .map(pascal_ident);
    let s = match from_label {
        Some(s) => s,
        None => {
            if let Some(rest) = value.strip_prefix('-') {
                format!("VMinus{}", pascal_ident(rest).trim_start_matches('N'))
            } else if value.starts_with(|c: char| c.is_ascii_digit()) {
                format!("V{}", pascal_ident(value).trim_start_matches('N'))
            } else {
                pascal_ident(value)
            }
        }
    };
    reserve_variant(s)
}

/// Makes a list of variant names unique: later duplicates get `2`, `3`, … appended.
pub fn unique_variants(names: &[String]) -> Vec<String> {
    dedupe(names, names, |base, n| format!("{base}{n}"))
}

/// `Unknown` is the catch-all variant of every generated enum; `Self` is a keyword.
fn reserve_variant(s: String) -> String {
    match s.as_str() {
        "Unknown" | "Self" => format!("{s}Value"),
        _ => s,
    }
}

fn dedupe<W: AsRef<str>>(
    wires: &[W],
    bases: &[String],
    numbered: impl Fn(&str, usize) -> String,
) -> Vec<String> {
    let mut out: Vec<Option<String>> = vec![None; bases.len()];
    let mut taken = std::collections::BTreeSet::new();
    // First pass: a wire name equal to its identifier keeps it; otherwise the first of a group.
    for (i, base) in bases.iter().enumerate() {
        let exact = wires[i].as_ref() == base;
        let first_of_group = !bases[..i].contains(base);
        let exact_elsewhere = bases
            .iter()
            .enumerate()
            .any(|(j, b)| j != i && b == base && wires[j].as_ref() == b);
        if !taken.contains(base) && (exact || (first_of_group && !exact_elsewhere)) {
            taken.insert(base.clone());
            out[i] = Some(base.clone());
        }
    }
    for (i, base) in bases.iter().enumerate() {
        if out[i].is_none() {
            let mut n = 2;
            let name = loop {
                let candidate = numbered(base, n);
                if !taken.contains(&candidate) && !bases.contains(&candidate) {
                    break candidate;
                }
                n += 1;
            };
            taken.insert(name.clone());
            out[i] = Some(name);
        }
    }
    out.into_iter().map(|s| s.unwrap_or_default()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_converts_case_and_escapes_keywords() {
        assert_eq!(snake_ident("ownerTypeId"), "owner_type_id");
        assert_eq!(snake_ident("OWNER_TYPE_ID"), "owner_type_id");
        assert_eq!(snake_ident("ID"), "id");
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("ref"), "ref_");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("new"), "new_");
        assert_eq!(snake_ident("1C"), "n1c");
        assert_eq!(snake_ident(""), "value");
        assert_eq!(snake_ident("data[FIELDS]"), "data_fields");
    }

    #[test]
    fn pascal_and_type_idents() {
        assert_eq!(
            pascal_ident("crm.activity.todo.updateColor"),
            "CrmActivityTodoUpdateColor"
        );
        assert_eq!(
            pascal_ident("mail.message.createchat"),
            "MailMessageCreatechat"
        );
        assert_eq!(type_ident("result", "Method"), "ResultMethod");
        assert_eq!(type_ident("option", "Method"), "OptionMethod");
        assert_eq!(type_ident("vec", "Type"), "VecType");
        assert_eq!(type_ident("crm.item.delete", "Method"), "CrmItemDelete");
    }

    #[test]
    fn method_type_names() {
        assert_eq!(
            method_type_base("disk.file.copyTo", false),
            "DiskFileCopyTo"
        );
        assert_eq!(method_type_base("tasks.task.get", true), "TasksTaskGetV3");
        assert_eq!(method_type_base("result", false), "ResultMethod");
        let taken: std::collections::BTreeSet<String> =
            ["AB".to_owned(), "ABMethod".to_owned(), "CD".to_owned()].into();
        assert_eq!(unique_method_type("AB", &taken), "ABMethod3");
        assert_eq!(unique_method_type("X", &taken), "X");
        // `CDError` is the error enum of the method `CD`.
        assert_eq!(unique_method_type("CDError", &taken), "CDErrorMethod");
        let taken: std::collections::BTreeSet<String> = ["EFError".to_owned()].into();
        assert_eq!(unique_method_type("EF", &taken), "EFMethod");
        assert!(is_method_type_name("CrmDealAdd"));
        assert!(!is_method_type_name("crmDealAdd"));
        assert!(!is_method_type_name("Crm_Deal"));
        assert!(!is_method_type_name("Result"));
        assert!(!is_method_type_name(""));
    }

    #[test]
    fn reserved_modules() {
        assert_eq!(module_ident("main"), "main_scope");
        assert_eq!(module_ident("serde_json"), "serde_json_scope");
        assert_eq!(module_ident("client"), "client");
        assert_eq!(module_ident("events"), "events");
        assert_eq!(module_ident("event_payloads"), "event_payloads_scope");
        assert_eq!(module_ident("crm"), "crm");
        assert_eq!(module_ident("sale.cashbox"), "sale_cashbox");
    }

    #[test]
    fn colliding_fields_get_numbered() {
        assert_eq!(field_idents(&["ID", "id"]), ["id_2", "id"]);
        assert_eq!(field_idents(&["id", "ID"]), ["id", "id_2"]);
        assert_eq!(field_idents(&["ID", "Id"]), ["id", "id_2"]);
        assert_eq!(field_idents(&["a", "A", "a_2"]), ["a", "a_3", "a_2"]);
        assert_eq!(field_idents(&["type", "TYPE"]), ["type_", "type__2"]);
    }

    #[test]
    fn error_variants() {
        assert_eq!(error_variant("NOT_FOUND").as_deref(), Some("NotFound"));
        assert_eq!(error_variant("100").as_deref(), Some("Code100"));
        assert_eq!(
            error_variant("insufficient_scope").as_deref(),
            Some("InsufficientScope")
        );
        assert_eq!(error_variant("UNKNOWN").as_deref(), Some("UnknownValue"));
        assert_eq!(error_variant(""), None);
    }

    #[test]
    fn message_variants() {
        assert_eq!(
            message_variant("Access denied.", MESSAGE_WORDS),
            "AccessDenied"
        );
        assert_eq!(
            message_variant(
                r#"The required parameter "name" for the method "calendar.event.add" is not set"#,
                MESSAGE_WORDS
            ),
            "RequiredParameterNameNotSet"
        );
        assert_eq!(
            message_variant("ID is not defined or invalid", MESSAGE_WORDS),
            "IdNotDefinedInvalid"
        );
        assert_eq!(message_variant("404 page", MESSAGE_WORDS), "Message404Page");
        assert_eq!(message_variant("Unknown", MESSAGE_WORDS), "UnknownValue");
        assert_eq!(message_variant("...", MESSAGE_WORDS), "Message");
        assert_eq!(
            message_variant("\"Inadmissible fields for selection.", MESSAGE_WORDS),
            "InadmissibleFieldsSelection"
        );
    }

    #[test]
    fn enum_variants() {
        assert_eq!(enum_variant("1", Some("meeting")), "Meeting");
        assert_eq!(enum_variant("1", None), "V1");
        assert_eq!(enum_variant("-1", None), "VMinus1");
        assert_eq!(enum_variant("ASC", None), "Asc");
        assert_eq!(enum_variant("2", Some("2nd")), "V2");
        assert_eq!(enum_variant("1", Some("New")), "New");
        assert_eq!(enum_variant("0", Some("None")), "None");
        assert_eq!(
            unique_variants(&["A".into(), "B".into(), "A".into()]),
            ["A", "B", "A2"]
        );
    }
}
