//! Answers of `*.fields` methods whose page documents the entity, not the answer. Such a page
//! (`crm.catalog.fields`) has a "returned data" table of the catalog's own fields (`ID`
//! integer, `NAME` string), but the method answers with a description of each field
//! (`{"ID": {"type": "integer", "isRequired": false, …}, …}`), as the same scope's `.fields`
//! methods with a response example show. Once every page is read, such a method takes the
//! answer those siblings agree on: a map of their description type.

use std::collections::BTreeMap;

use bitrix_spec::{ExampleKind, Kind, Method, Type};

use crate::Import;

/// Whether a method name is a field-description method (`crm.deal.fields`,
/// `sale.order.getFields`).
fn describes_fields(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".fields") || lower.ends_with(".getfields")
}

/// The scope part of a name: `crm` of `crm.catalog.fields`.
fn scope(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

fn has_response_example(m: &Method) -> bool {
    m.examples.iter().any(|e| e.kind == ExampleKind::Response)
}

/// The named type of each value when `ty` is a map of one (`*` → `crm_rest_field_description`).
fn described_by(ty: &Type) -> Option<&str> {
    match &ty.kind {
        Kind::Object { fields, patterns } if fields.is_empty() => match patterns.as_slice() {
            [only] if only.pattern == "*" => only.ty.kind.named(),
            _ => None,
        },
        _ => None,
    }
}

/// Gives each `.fields` method without a response example, whose table typed its answer as
/// the entity's own fields, the description map its scope's other `.fields` methods answer
/// with, when those with an example all agree.
pub(crate) fn apply(import: &mut Import) {
    let mut shown: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for m in import.methods.values() {
        if describes_fields(&m.name) && has_response_example(m) {
            if let Some(named) = described_by(&m.result) {
                *shown
                    .entry(scope(&m.name).to_owned())
                    .or_default()
                    .entry(named.to_owned())
                    .or_default() += 1;
            }
        }
    }
    for m in import.methods.values_mut() {
        if !describes_fields(&m.name) || has_response_example(m) {
            continue;
        }
        // The entity's fields: named, with types, and none of a description's keys.
        let fields = m.result.fields();
        let entity = fields.len() >= 2
            && !fields
                .iter()
                .any(|f| f.name == "type" || f.name == "isRequired");
        if !entity {
            continue;
        }
        // One description type, shown by two answers at least.
        let agreed = match shown.get(scope(&m.name)) {
            Some(by) if by.len() == 1 => match by.iter().next() {
                Some((name, &count)) if count >= 2 => name.clone(),
                _ => continue,
            },
            _ => continue,
        };
        m.result = Type::of(Kind::map_of(Type::of(Kind::Named(agreed.clone()))));
        if let Some(c) = m.confidence.as_mut() {
            c.reasons.push(format!(
                "result: a map of `{agreed}`, as the other `{}.*.fields` methods answer; the page's table lists the fields described, not the answer",
                scope(&m.name)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use bitrix_spec::{Confidence, ConfidenceLevel, Example, Field, Version};
    use serde_json::json;

    use super::*;

    fn method(name: &str, result: Type, example: bool) -> Method {
        let examples = example.then(|| Example {
            kind: ExampleKind::Response,
            status: None,
            body: json!({"result": {}}),
        });
        Method {
            name: name.to_owned(),
            version: Version::V1,
            rust_name: None,
            scope: "crm".to_owned(),
            title: String::new(),
            doc_url: String::new(),
            source: String::new(),
            mutates: false,
            deprecated: None,
            params: Vec::new(),
            result,
            result_optional: false,
            result_wrapper: None,
            paging: None,
            errors: Vec::new(),
            examples: examples.into_iter().collect(),
            confidence: Some(Confidence {
                level: ConfidenceLevel::High,
                reasons: Vec::new(),
            }),
        }
    }

    #[test]
    fn an_entity_table_on_a_fields_page_gives_way_to_the_scopes_description_map() {
        let map = Type::of(Kind::map_of(Type::of(Kind::Named(
            "crm_rest_field_description".to_owned(),
        ))));
        let entity = Type::of(Kind::object_of(vec![
            Field::new("ID", false, Type::of(Kind::Integer)),
            Field::new("NAME", false, Type::of(Kind::String)),
        ]));
        let mut import = Import::default();
        for m in [
            method("crm.deal.fields", map.clone(), true),
            method("crm.lead.fields", map.clone(), true),
            method("crm.catalog.fields", entity.clone(), false),
            method("crm.catalog.list", entity.clone(), false),
            method("user.fields", entity.clone(), false),
        ] {
            import.methods.insert((m.name.clone(), m.version), m);
        }
        apply(&mut import);
        let result = |n: &str| &import.methods[&(n.to_owned(), Version::V1)].result;
        assert_eq!(result("crm.catalog.fields"), &map);
        // Not a `.fields` method, or no sibling shows the answer: as the page says.
        assert_eq!(result("crm.catalog.list"), &entity);
        assert_eq!(result("user.fields"), &entity);
        let reasons = &import.methods[&("crm.catalog.fields".to_owned(), Version::V1)]
            .confidence
            .as_ref()
            .unwrap()
            .reasons;
        assert_eq!(reasons.len(), 1, "{reasons:?}");
    }
}
