//! Answers for methods with no state behind them: the page's documented response when it has
//! one, else a value built from the spec's result type. Never an error.

use bitrix_spec::{ExampleKind, Kind, Method, PagingKind, Type};
use serde_json::{json, Map, Value};

use super::index::SpecIndex;
use crate::clock;
use crate::http::reply::Done;

/// The answer of a stateless method.
pub fn answer(index: &SpecIndex, method: &Method) -> Done {
    let documented = method
        .examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response)
        .find_map(|e| e.body.get("result"));
    let result = match documented {
        Some(result) => result.clone(),
        None => {
            let value = build(index, &method.result, 0);
            match method.result_wrapper {
                Some(w) => json!({ w.key(): value }),
                None => value,
            }
        }
    };
    // A list answers with a consistent `total` and no `next`, so clients stop after one page.
    let counted = method
        .paging
        .as_ref()
        .is_some_and(|p| matches!(p.kind, PagingKind::Start | PagingKind::StartUpper));
    let total = counted.then(|| rows(&result));
    Done {
        result,
        total,
        next: None,
    }
}

fn rows(result: &Value) -> u64 {
    let n = match result {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.values().find_map(Value::as_array).map_or(0, Vec::len),
        _ => 0,
    };
    u64::try_from(n).unwrap_or(0)
}

/// A value of type `ty`: enum values take their first documented value, objects get every
/// documented field, arrays one element (nesting is bounded).
pub fn build(index: &SpecIndex, ty: &Type, depth: usize) -> Value {
    let ty = index.resolve(ty);
    if let Some(first) = ty.enum_values.first() {
        return serde_json::to_value(&first.value).unwrap_or(Value::Null);
    }
    if let Some(default) = &ty.default {
        return default.clone();
    }
    match &ty.kind {
        Kind::Integer => json!(1),
        Kind::Double => json!(1.5),
        Kind::String => json!(""),
        Kind::Boolean => json!(true),
        Kind::Yn => json!("Y"),
        Kind::Date => json!(clock::iso(clock::now())[..10]),
        Kind::DateTime => json!(clock::iso(clock::now())),
        Kind::Timestamp => json!(clock::now().floor()),
        Kind::Array(Some(item)) if depth < 4 => json!([build(index, item, depth + 1)]),
        Kind::Array(_) => json!([]),
        Kind::Object { fields, .. } if depth < 4 => {
            let map: Map<String, Value> = fields
                .iter()
                .map(|f| (f.name.clone(), build(index, &f.ty, depth + 1)))
                .collect();
            Value::Object(map)
        }
        Kind::Union(variants) => variants
            .first()
            .map_or(Value::Null, |v| build(index, v, depth + 1)),
        Kind::Any => Value::Null,
        _ => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_spec::Version;

    #[test]
    fn documented_answers_first_then_the_result_type() {
        let index = SpecIndex::embedded();
        let m = index
            .method("crm.activity.badge.list", Version::V1)
            .unwrap();
        assert_eq!(
            answer(&index, m).result["badges"][0]["code"],
            json!("missedCall")
        );
        let ty: Type = serde_json::from_value(json!({"type": "object", "fields": [
            {"name": "id", "required": true, "type": "integer"},
            {"name": "tags", "required": false, "type": "array", "items": {"type": "string"}},
            {"name": "done", "required": false, "type": "yn"}]}))
        .unwrap();
        assert_eq!(
            build(&index, &ty, 0),
            json!({"id": 1, "tags": [""], "done": "Y"})
        );
    }
}
