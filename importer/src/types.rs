//! Docs type spellings → spec types. Unknown names become `any` keeping the spelling in
//! `doc_type`, so an import never references a type the spec does not define.

use std::collections::BTreeSet;

use bitrix_spec::Ty;

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
fn word(t: &str, flag_values: bool, known: &BTreeSet<String>) -> Ty {
    let t = t.trim();
    if known.contains(t) {
        return Ty::of(t);
    }
    if let Some(inner) = t.strip_suffix("[]") {
        let mut ty = Ty::of("array");
        ty.items = Some(Box::new(word(inner, false, known)));
        ty.doc_type = Some(t.to_owned());
        return ty;
    }
    if let Some(inner) = t.strip_prefix("array<").and_then(|s| s.strip_suffix('>')) {
        let mut ty = Ty::of("array");
        ty.items = Some(Box::new(word(inner, false, known)));
        ty.doc_type = Some(t.to_owned());
        return ty;
    }
    let lower = t.to_ascii_lowercase();
    let (kind, keep) = match lower.as_str() {
        "integer" | "int" => ("integer", false),
        "double" | "float" | "number" => ("double", lower != "double"),
        "string" => ("string", false),
        "text" => ("string", true),
        "boolean" | "bool" if flag_values => ("yn", true),
        "boolean" | "bool" => ("boolean", lower != "boolean"),
        "char" if flag_values => ("yn", true),
        "char" => ("string", true),
        "date" => ("date", false),
        "datetime" => ("datetime", false),
        "timestamp" => ("timestamp", false),
        "file" | "diskfile" | "attached_diskfile" => ("file", lower != "file"),
        "object" => ("object", false),
        "array" => ("array", false),
        "any" | "mixed" => ("any", lower != "any"),
        _ if is_integer_ref(t) => ("integer", true),
        _ if is_string_ref(t) => ("string", true),
        _ => ("any", true),
    };
    let mut ty = Ty::of(kind);
    if keep {
        ty.doc_type = Some(t.to_owned());
    }
    ty
}

/// The type of a field from its type words; `flag_values` says the description documents
/// `Y`/`N` values (then `char` and `boolean` are `yn`).
pub fn from_words(words: &[String], flag_values: bool, known: &BTreeSet<String>) -> Ty {
    let real: Vec<&String> = words
        .iter()
        .filter(|w| !matches!(w.to_ascii_lowercase().as_str(), "null" | "undefined"))
        .collect();
    match real.as_slice() {
        [] => Ty::of("any"),
        [one] => word(one, flag_values, known),
        many => {
            let variants: Vec<Ty> = many.iter().map(|w| word(w, flag_values, known)).collect();
            let mut ty = Ty::of("union");
            ty.doc_type = Some(
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
            );
            ty.variants = variants;
            ty
        }
    }
}

/// Whether a description documents `Y`/`N` flag values.
pub fn documents_flags(description: &str) -> bool {
    let d = description;
    (d.contains("`Y`") && d.contains("`N`")) || d.contains("Y/N") || d.contains("`Y/N`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Ty {
        from_words(
            &words.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            false,
            &BTreeSet::new(),
        )
    }

    #[test]
    fn spellings() {
        assert_eq!(w(&["integer"]).kind, "integer");
        assert_eq!(w(&["int"]).kind, "integer");
        assert_eq!(w(&["string", "null"]).kind, "string");
        assert_eq!(w(&["user"]).doc_type.as_deref(), Some("user"));
        assert_eq!(w(&["catalog_vat.id"]).kind, "integer");
        assert_eq!(w(&["crm_status"]).kind, "string");
        let arr = w(&["crm_contact[]"]);
        assert_eq!(
            (arr.kind.as_str(), arr.items.unwrap().kind.as_str()),
            ("array", "integer")
        );
        let u = w(&["string", "array"]);
        assert_eq!((u.kind.as_str(), u.variants.len()), ("union", 2));
        assert_eq!(w(&["LayoutDto"]).kind, "any");
        assert_eq!(
            from_words(&["char".into()], true, &BTreeSet::new()).kind,
            "yn"
        );
        let known = BTreeSet::from(["crm_multifield".to_owned()]);
        let t = from_words(&["crm_multifield[]".into()], false, &known);
        assert_eq!(t.items.unwrap().kind, "crm_multifield");
    }
}
