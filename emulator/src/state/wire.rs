//! Rows written the way the portal writes them, whatever form they were stored in (a JSON
//! body stores numbers, a form body strings, synthetic rows strings):
//!
//! - REST v1 entity methods (`crm.deal.get`, `crm.activity.list`, …) are PHP arrays encoded
//!   as they come from the database: every id and number is a string (`"ID": "161"`,
//!   `"OPPORTUNITY": "19999.99"`), flags are `"Y"`/`"N"`, an empty object is `[]`;
//! - `crm.item.*` writes ids as integers (`"id": 250`, `"assignedById": 1`), money as a
//!   number (`"opportunity": 999.9`) and flags as `"Y"`/`"N"` (the docs' crm.item.get example).

use serde_json::{Map, Number, Value};

use crate::http::params;

/// A v1 entity row: scalars as strings, booleans as `Y`/`N`, `{}` as `[]`, recursively.
pub fn v1(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => flag(*b),
        Value::Array(items) => Value::Array(items.iter().map(v1).collect()),
        Value::Object(map) if map.is_empty() => Value::Array(Vec::new()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), v1(v))).collect()),
        Value::Null | Value::String(_) => value.clone(),
    }
}

/// A v1 row (a stored map) as the portal writes it.
pub fn v1_row(row: &Map<String, Value>) -> Value {
    v1(&Value::Object(row.clone()))
}

/// One field of a `crm.item` answer (camelCase `key`): ids as integers, money as numbers,
/// booleans as `Y`/`N`, `{}` as `[]`; other values as stored.
pub fn item_field(key: &str, value: &Value) -> Value {
    let id_like = key == "id" || key.ends_with("Id") || key.ends_with("By");
    let money = matches!(key, "opportunity" | "taxValue");
    match value {
        Value::String(s) if id_like => s
            .parse::<u64>()
            .map_or_else(|_| value.clone(), |n| Value::Number(n.into())),
        Value::String(_) if money => params::number(value)
            .and_then(Number::from_f64)
            .map_or_else(|| value.clone(), Value::Number),
        Value::Bool(b) => flag(*b),
        Value::Object(map) if map.is_empty() => Value::Array(Vec::new()),
        _ => value.clone(),
    }
}

fn flag(b: bool) -> Value {
    Value::String(if b { "Y" } else { "N" }.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v1_rows_are_written_with_strings() {
        let row = json!({"ID": 161, "OPPORTUNITY": 19999.99, "CATEGORY_ID": 0, "OPENED": true,
            "CLOSED": false, "LEAD_ID": null, "TITLE": "t", "EXTRA": {},
            "PHONE": [{"ID": 5, "VALUE": "+1"}]});
        assert_eq!(
            v1(&row),
            json!({"ID": "161", "OPPORTUNITY": "19999.99", "CATEGORY_ID": "0", "OPENED": "Y",
                "CLOSED": "N", "LEAD_ID": null, "TITLE": "t", "EXTRA": [],
                "PHONE": [{"ID": "5", "VALUE": "+1"}]})
        );
    }

    #[test]
    fn crm_item_fields_follow_the_docs_example() {
        assert_eq!(item_field("id", &json!("250")), json!(250));
        assert_eq!(item_field("assignedById", &json!("1")), json!(1));
        assert_eq!(item_field("createdBy", &json!(1)), json!(1));
        assert_eq!(item_field("stageId", &json!("NEW")), json!("NEW"));
        assert_eq!(item_field("opportunity", &json!("999.90")), json!(999.9));
        assert_eq!(item_field("opened", &json!(true)), json!("Y"));
        assert_eq!(item_field("opened", &json!("Y")), json!("Y"));
        assert_eq!(item_field("title", &json!("161")), json!("161"));
        assert_eq!(item_field("fm", &json!({})), json!([]));
    }
}
