//! Docs type spellings → spec types. Unknown names become `any` keeping the spelling in
//! `doc_type`, so an import never references a type the spec does not define.

use std::collections::BTreeSet;

use bitrix_spec::{Kind, Type};

/// ID references: integers in the docs' own words.
fn is_integer_ref(t: &str) -> bool {
    matches!(
        t,
        "user"
            | "crm_lead"
            | "crm_deal"
            | "crm_contact"
            | "crm_company"
            | "crm_quote"
            | "crm_category"
            | "crm_entity"
            | "crm_item_product_row"
            | "group"
            | "task"
            | "section"
    ) || t.ends_with(".id")
        || t.ends_with(".ID")
}

/// String references (codes, language ids, status ids).
fn is_string_ref(t: &str) -> bool {
    matches!(t, "crm_status" | "crm")
        || [".code", ".CODE", ".lid", ".LID", ".CURRENCY", ".xmlId"]
            .iter()
            .any(|s| t.ends_with(s))
}

/// One type word.
fn word(t: &str, flag_values: bool, known: &BTreeSet<String>) -> Type {
    let t = t.trim();
    if known.contains(t) {
        return Type::of(Kind::Named(t.to_owned()));
    }
    // Pages spell a type's name in their own case (`catalog_documentContractor`); a plain
    // word (`User`) may be another page's entity, so only prefixed names match so.
    let prefixed = t.contains('_');
    if let Some(name) = known.iter().find(|k| prefixed && k.eq_ignore_ascii_case(t)) {
        let mut ty = Type::of(Kind::Named(name.clone()));
        ty.doc_type = Some(t.to_owned());
        return ty;
    }
    let element = t
        .strip_suffix("[]")
        .or_else(|| t.strip_prefix("array<").and_then(|s| s.strip_suffix('>')));
    if let Some(inner) = element {
        let mut ty = Type::of(Kind::array_of(word(inner, false, known)));
        ty.doc_type = Some(t.to_owned());
        return ty;
    }
    let lower = t.to_ascii_lowercase();
    let (kind, keep) = match lower.as_str() {
        "integer" | "int" => (Kind::Integer, false),
        "double" | "float" | "number" => (Kind::Double, lower != "double"),
        "string" => (Kind::String, false),
        "text" => (Kind::String, true),
        "boolean" | "bool" if flag_values => (Kind::Yn, true),
        "boolean" | "bool" => (Kind::Boolean, lower != "boolean"),
        "char" if flag_values => (Kind::Yn, true),
        "char" => (Kind::String, true),
        // A value list of `Y`/`N`; other lists take their kind from the values the
        // description lists (see `fieldtable`), and stay `any` without them.
        "enum" if flag_values => (Kind::Yn, true),
        "date" => (Kind::Date, false),
        "datetime" => (Kind::DateTime, false),
        "timestamp" => (Kind::Timestamp, false),
        "file" | "diskfile" | "attached_diskfile" => (Kind::File, lower != "file"),
        "object" => (Kind::object(), false),
        "array" => (Kind::Array(None), false),
        "any" | "mixed" => (Kind::Any, lower != "any"),
        _ if is_integer_ref(t) => (Kind::Integer, true),
        _ if is_string_ref(t) => (Kind::String, true),
        _ => (Kind::Any, true),
    };
    let mut ty = Type::of(kind);
    if keep {
        ty.doc_type = Some(t.to_owned());
    }
    ty
}

/// The type of a field from its type words; `flag_values` says the description documents
/// `Y`/`N` values (then `char` and `boolean` are `yn`).
pub fn from_words(words: &[String], flag_values: bool, known: &BTreeSet<String>) -> Type {
    let real = meaningful(words);
    match real.as_slice() {
        [] => Type::of(Kind::Any),
        [one] => word(one, flag_values, known),
        many => {
            let variants: Vec<Type> = many.iter().map(|w| word(w, flag_values, known)).collect();
            let mut ty = Type::of(Kind::Union(variants));
            ty.doc_type = Some(
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
            );
            ty
        }
    }
}

/// The type words without `null` and `undefined`, which say a value may be absent, not what
/// it is.
pub fn meaningful(words: &[String]) -> Vec<&String> {
    words
        .iter()
        .filter(|w| !matches!(w.to_ascii_lowercase().as_str(), "null" | "undefined"))
        .collect()
}

/// Whether a description documents `Y`/`N` flag values.
pub fn documents_flags(description: &str) -> bool {
    let d = description;
    (d.contains("`Y`") && d.contains("`N`"))
        || d.contains("Y/N")
        || d.contains("`Y/N`")
        || d.contains("Y or N")
}

/// Whether a description says a list holds ids of users or departments ("Array of user IDs",
/// "Identifiers of deputy team leaders", "List of participant identifiers"), which are
/// integers. Other identifiers (site ids, access codes, prefixed CRM ids) may be strings.
pub fn lists_people_ids(description: &str) -> bool {
    const BEFORE: [&str; 5] = ["user", "participant", "member", "employee", "department"];
    const AFTER: [&str; 7] = [
        "users",
        "employees",
        "heads",
        "leaders",
        "members",
        "participants",
        "departments",
    ];
    const BETWEEN: [&str; 5] = ["the", "deputy", "department", "team", "portal"];
    let lower = description.to_lowercase();
    // "User IDs or access codes (`U1`, `DR2`)": strings.
    if lower.contains("code") {
        return false;
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        if !matches!(*w, "ids" | "identifiers") {
            return false;
        }
        let before = i > 0 && BEFORE.contains(&words[i - 1]);
        let after = words.get(i + 1) == Some(&"of")
            && words[i + 2..]
                .iter()
                .find(|w| !BETWEEN.contains(w))
                .is_some_and(|w| AFTER.contains(w));
        before || after
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Type {
        from_words(
            &words.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            false,
            &BTreeSet::new(),
        )
    }

    #[test]
    fn ids_of_users_and_departments() {
        for yes in [
            "Array of user identifiers to be added.",
            "List of user IDs who have disabled notifications",
            "Identifiers of deputy heads of the department",
            "Identifiers of team participants.",
            "List of participant identifiers for the event.",
            "List of user department identifiers",
        ] {
            assert!(lists_people_ids(yes), "{yes}");
        }
        for no in [
            "List of site identifiers to which the group belongs",
            "Identifiers of event participants",
            "Identifier or list of identifiers of the permissions to check access for",
            "Array of CRM object identifiers to link to the event",
            "An array of identifiers for the chat participants",
            "List of user IDs or access codes (`U1`, `DR2`)",
        ] {
            assert!(!lists_people_ids(no), "{no}");
        }
    }

    #[test]
    fn spellings() {
        assert_eq!(w(&["integer"]).kind, Kind::Integer);
        assert_eq!(w(&["int"]).kind, Kind::Integer);
        assert_eq!(w(&["string", "null"]).kind, Kind::String);
        assert_eq!(w(&["user"]).doc_type.as_deref(), Some("user"));
        assert_eq!(w(&["catalog_vat.id"]).kind, Kind::Integer);
        assert_eq!(w(&["crm_status"]).kind, Kind::String);
        let arr = w(&["crm_contact[]"]);
        assert_eq!(
            (arr.kind.name(), arr.items().map(|i| &i.kind)),
            ("array", Some(&Kind::Integer))
        );
        let u = w(&["string", "array"]);
        assert_eq!((u.kind.name(), u.variants().len()), ("union", 2));
        assert_eq!(w(&["LayoutDto"]).kind, Kind::Any);
        let e = w(&["enum"]);
        assert_eq!((&e.kind, e.doc_type.as_deref()), (&Kind::Any, Some("enum")));
        let flags = from_words(&["enum".into()], true, &BTreeSet::new());
        assert_eq!(flags.kind, Kind::Yn);
        assert_eq!(
            from_words(&["char".into()], true, &BTreeSet::new()).kind,
            Kind::Yn
        );
        for flags in [
            "Allowed values are Y or N",
            "`Y` — yes, `N` — no",
            "Y/N flag",
        ] {
            assert!(documents_flags(flags), "{flags}");
        }
        assert!(!documents_flags("Year of birth or name"));
        let known = BTreeSet::from(["crm_multifield".to_owned()]);
        let t = from_words(&["crm_multifield[]".into()], false, &known);
        assert_eq!(
            t.items().map(|i| &i.kind),
            Some(&Kind::Named("crm_multifield".to_owned()))
        );
        // A name in another case is the known type, the page's spelling kept.
        let t = from_words(&["crm_MultiField".into()], false, &known);
        assert_eq!(t.kind, Kind::Named("crm_multifield".to_owned()));
        assert_eq!(t.doc_type.as_deref(), Some("crm_MultiField"));
    }
}
