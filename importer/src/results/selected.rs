//! Fields a method's `select` parameter lists ("Available fields: `name`, `type`, …") are
//! fields of its answer's objects, whatever the response example happens to show. An object
//! typed from an example alone lacks the ones the example left out; they are added, optional
//! and of any type (the list names them, it does not type them).

use std::collections::BTreeMap;

use bitrix_spec::{Field, Kind, MethodKey, Type};

use crate::cell::{listed_values, name_cell};
use crate::fieldtable;
use crate::page::Page;
use crate::Import;

/// The field names the `select` row of the page's parameter table lists: identifiers only
/// (`*` and `UF_*` stand for many), two or more.
pub(crate) fn listed(page: &Page<'_>) -> Vec<String> {
    let Some(table) = fieldtable::param_table(page, &mut Vec::new()) else {
        return Vec::new();
    };
    let row = table.rows.iter().find(|r| {
        r.first()
            .and_then(|c| name_cell(c))
            .is_some_and(|c| c.name.eq_ignore_ascii_case("select"))
    });
    let Some(row) = row else {
        return Vec::new();
    };
    let names: Vec<String> = listed_values(&row[1..].join("\n"))
        .into_iter()
        .map(|(name, _)| name)
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .filter(|n| !fills_in(n))
        .collect();
    if names.len() < 2 {
        return Vec::new();
    }
    names
}

/// Whether a name has a part for the reader to fill in: `PROPERTY_PropertyId` mixes an
/// upper-case part with a camel-case one.
fn fills_in(name: &str) -> bool {
    let parts: Vec<&str> = name.split('_').filter(|p| !p.is_empty()).collect();
    let upper = |p: &&str| p.chars().all(|c| !c.is_ascii_lowercase());
    parts.len() > 1 && parts.iter().any(upper) && !parts.iter().all(upper)
}

/// Adds to each answer's object (or its named type) the fields its method's `select` lists
/// and the object lacks, when the object already has at least one of them: then the list
/// names this object's fields.
pub(crate) fn add(import: &mut Import, selectable: &BTreeMap<MethodKey, Vec<String>>) {
    for (key, names) in selectable {
        let Some(m) = import.methods.get_mut(key) else {
            continue;
        };
        let object = match answer_object(&mut m.result) {
            Some(Target::Inline(object)) => object,
            Some(Target::Named(name)) => match import.types.get_mut(&name) {
                Some(t) => &mut t.ty,
                None => continue,
            },
            None => continue,
        };
        let Some(fields) = object.fields_mut() else {
            continue;
        };
        if !fields.iter().any(|f| names.contains(&f.name)) {
            continue;
        }
        let missing: Vec<&String> = names
            .iter()
            .filter(|n| !fields.iter().any(|f| f.name == **n))
            .collect();
        if missing.is_empty() {
            continue;
        }
        fields.extend(
            missing
                .iter()
                .map(|n| Field::new(n.as_str(), false, Type::of(Kind::Any))),
        );
        let added = missing
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(c) = &mut m.confidence {
            c.reasons.push(format!(
                "result: {added} from the fields `select` lists, typed any"
            ));
        }
    }
}

/// Where an answer's objects are described.
enum Target<'t> {
    /// Inside the method's own result type.
    Inline(&'t mut Type),
    /// In a named type.
    Named(String),
}

/// The object of an answer: the result, the elements of a result list, or the elements of the
/// one list the result wraps (`{items: […]}`).
fn answer_object(ty: &mut Type) -> Option<Target<'_>> {
    if let Some(name) = ty.kind.named() {
        return Some(Target::Named(name.to_owned()));
    }
    let wraps_one_list = matches!(
        &ty.kind,
        Kind::Object { fields, .. } if fields.len() == 1 && fields[0].ty.items().is_some()
    );
    if wraps_one_list {
        return match &mut ty.kind {
            Kind::Object { fields, .. } => answer_object(&mut fields[0].ty),
            _ => None,
        };
    }
    match ty.kind {
        Kind::Array(Some(ref mut item)) => answer_object(item),
        Kind::Object { .. } => Some(Target::Inline(ty)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use bitrix_spec::{Field, Kind, Type};

    use super::{answer_object, listed, Target};
    use crate::page::Page;

    #[test]
    fn the_fields_select_lists_are_read_off_its_row() {
        let text = "# M\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **select**\n[`array`](x.md) | Fields to return. Available fields:\n- `name` — field name\n- `validationRules` — rules\n- `UF_*` — custom\n- `PROPERTY_PropertyId` — a property ||\n|#\n";
        let known = BTreeSet::new();
        assert_eq!(
            listed(&Page::new(text, &known)),
            ["name", "validationRules"]
        );
        let one = "# M\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **select**\n[`array`](x.md) | Fields, e.g. `*` ||\n|#\n";
        assert!(listed(&Page::new(one, &known)).is_empty());
    }

    #[test]
    fn the_answer_object_is_found_through_lists_and_one_wrapping_key() {
        let item = Type::of(Kind::object_of(vec![Field::new(
            "name",
            false,
            Type::of(Kind::String),
        )]));
        let mut wrapped = Type::of(Kind::object_of(vec![Field::new(
            "items",
            false,
            Type::of(Kind::array_of(item)),
        )]));
        match answer_object(&mut wrapped) {
            Some(Target::Inline(object)) => assert_eq!(object.fields()[0].name, "name"),
            _ => panic!("no object"),
        }
        let mut named = Type::of(Kind::array_of(Type::of(Kind::Named("thing".into()))));
        assert!(matches!(answer_object(&mut named), Some(Target::Named(n)) if n == "thing"));
        assert!(answer_object(&mut Type::of(Kind::Boolean)).is_none());
    }
}
