//! A value documented as a field of a named type (`catalog_measure.code`,
//! `sale_order.id`) has that field's type. While a page is read only the type names are known,
//! so `typewords` guesses from the suffix (`.code` text, `.id` integer) or leaves `any`; once
//! every type is imported, this pass gives such values the kind, and the documented values,
//! of the field they name.

use std::collections::{BTreeMap, BTreeSet};

use bitrix_spec::{EnumValue, Kind, NamedType, Type};

use crate::Import;

/// What a `type.field` reference resolves to.
#[derive(Debug, Clone)]
struct Target {
    kind: Kind,
    enum_values: Vec<EnumValue>,
}

/// Gives every `type.field` reference in methods, events and named types the type of the field
/// it names, and records in each changed method which references were followed.
pub(crate) fn apply(import: &mut Import) {
    let targets = targets(&import.types);
    if targets.is_empty() {
        return;
    }
    for m in import.methods.values_mut() {
        let mut followed = BTreeSet::new();
        for p in &mut m.params {
            follow(&mut p.ty, &targets, &mut followed);
        }
        follow(&mut m.result, &targets, &mut followed);
        if followed.is_empty() {
            continue;
        }
        if let Some(c) = &mut m.confidence {
            let list: Vec<String> = followed.into_iter().collect();
            c.reasons.push(format!(
                "typed as the fields they name: {}",
                list.join(", ")
            ));
        }
    }
    for e in import.events.values_mut() {
        for f in &mut e.payload {
            follow(&mut f.ty, &targets, &mut BTreeSet::new());
        }
    }
    for t in import.types.values_mut() {
        follow(&mut t.ty, &targets, &mut BTreeSet::new());
    }
}

/// Every scalar field of every named object type, by `type.field` (as the type and the field
/// are spelled, and in lower case for pages that spell them otherwise).
fn targets(types: &BTreeMap<String, NamedType>) -> BTreeMap<String, Target> {
    let mut out = BTreeMap::new();
    for t in types.values() {
        for f in t.ty.fields() {
            let scalar = matches!(
                f.ty.kind,
                Kind::Integer
                    | Kind::Double
                    | Kind::String
                    | Kind::Boolean
                    | Kind::Yn
                    | Kind::Date
                    | Kind::DateTime
                    | Kind::Timestamp
            );
            if !scalar {
                continue;
            }
            let target = Target {
                kind: f.ty.kind.clone(),
                enum_values: f.ty.enum_values.clone(),
            };
            let exact = format!("{}.{}", t.name, f.name);
            out.entry(exact.to_lowercase())
                .or_insert_with(|| target.clone());
            out.insert(exact, target);
        }
    }
    out
}

/// Follows the references in `ty`, at every depth; notes each one followed as
/// "`reference` → kind".
fn follow(ty: &mut Type, targets: &BTreeMap<String, Target>, followed: &mut BTreeSet<String>) {
    match &mut ty.kind {
        Kind::Object { fields, patterns } => {
            for f in fields {
                follow(&mut f.ty, targets, followed);
            }
            for p in patterns {
                follow(&mut p.ty, targets, followed);
            }
            return;
        }
        Kind::Array(Some(item)) => return follow(item, targets, followed),
        Kind::Union(variants) => {
            for v in variants {
                follow(v, targets, followed);
            }
            return;
        }
        _ => {}
    }
    let Some(reference) = ty.doc_type.as_deref() else {
        return;
    };
    let target = targets
        .get(reference)
        .or_else(|| targets.get(&reference.to_lowercase()));
    let Some(target) = target else {
        return;
    };
    // Ids are numbers on the wire even where a data-types table writes `string`; the integer
    // an id reference already has stays.
    let id = reference.to_lowercase().ends_with(".id");
    let keep = ty.kind == target.kind
        || (id && ty.kind == Kind::Integer)
        || !ty.enum_values.is_empty()
        || !matches!(ty.kind, Kind::Any | Kind::String | Kind::Integer);
    if keep {
        return;
    }
    followed.insert(format!("`{reference}` → {}", target.kind.name()));
    ty.kind = target.kind.clone();
    ty.enum_values = target.enum_values.clone();
}

#[cfg(test)]
mod tests {
    use bitrix_spec::{Field, Kind, Method, NamedType, Type};

    use crate::Import;

    fn referring(reference: &str, kind: Kind) -> Type {
        let mut ty = Type::of(kind);
        ty.doc_type = Some(reference.to_owned());
        ty
    }

    #[test]
    fn a_reference_to_a_field_of_a_named_type_takes_that_fields_type() {
        let mut import = Import::default();
        import.types.insert(
            "catalog_measure".into(),
            NamedType {
                name: "catalog_measure".into(),
                ty: Type::of(Kind::object_of(vec![
                    Field::new("code", false, Type::of(Kind::Integer)),
                    Field::new("symbol", false, Type::of(Kind::String)),
                    Field::new("id", false, Type::of(Kind::String)),
                ])),
                ..Default::default()
            },
        );
        let row = Type::of(Kind::object_of(vec![
            Field::new(
                "MEASURE_CODE",
                false,
                referring("catalog_measure.code", Kind::String),
            ),
            Field::new(
                "MEASURE_NAME",
                false,
                referring("catalog_measure.symbol", Kind::Any),
            ),
            Field::new(
                "MEASURE_ID",
                false,
                referring("catalog_measure.id", Kind::Integer),
            ),
            Field::new(
                "OTHER",
                false,
                referring("catalog_other.code", Kind::String),
            ),
        ]));
        let mut m: Method = serde_json::from_value(serde_json::json!({
            "name": "crm.thing.rows.set", "version": "v1", "scope": "crm", "title": "t",
            "doc_url": "https://example.com", "source": "s.md", "mutates": true,
            "params": [], "result": {"type": "any"}, "errors": [],
        }))
        .unwrap();
        m.params = vec![Field::new("rows", true, Type::of(Kind::array_of(row)))];
        m.result = referring("CATALOG_MEASURE.CODE", Kind::Any);
        m.confidence = Some(bitrix_spec::Confidence {
            level: bitrix_spec::ConfidenceLevel::High,
            reasons: Vec::new(),
        });
        import.methods.insert((m.name.clone(), m.version), m);
        super::apply(&mut import);
        let m = import.methods.values().next().unwrap();
        let row = m.params[0].ty.items().unwrap();
        let kinds: Vec<&str> = row.fields().iter().map(|f| f.ty.kind.name()).collect();
        // The id keeps its integer; a type the spec lacks changes nothing.
        assert_eq!(kinds, ["integer", "string", "integer", "string"]);
        assert_eq!(m.result.kind, Kind::Integer, "matched in any case");
        assert_eq!(
            m.confidence.as_ref().unwrap().reasons,
            ["typed as the fields they name: `CATALOG_MEASURE.CODE` → integer, `catalog_measure.code` → integer, `catalog_measure.symbol` → string"]
        );
        // The spelling stays as the docs' type.
        assert_eq!(
            row.fields()[0].ty.doc_type.as_deref(),
            Some("catalog_measure.code")
        );
    }
}
