//! Parameters as a v1 batch command carries them: PHP's `http_build_query` form
//! (`filter[>ID]=5&select[0]=ID`), which the portal decodes back into the same structure.

use serde_json::Value;
use url::form_urlencoded::Serializer;

/// `params` (a JSON object) as a query string. `null` values and empty objects and lists are
/// left out, as PHP leaves them out; booleans are `1` and `0`.
pub(crate) fn encode(params: &Value) -> String {
    let mut out = Serializer::new(String::new());
    if let Value::Object(map) = params {
        for (key, value) in map {
            pairs(key, value, &mut out);
        }
    }
    out.finish()
}

fn pairs(key: &str, value: &Value, out: &mut Serializer<'_, String>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => {
            out.append_pair(key, if *b { "1" } else { "0" });
        }
        Value::Number(n) => {
            out.append_pair(key, &n.to_string());
        }
        Value::String(s) => {
            out.append_pair(key, s);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pairs(&format!("{key}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                pairs(&format!("{key}[{k}]"), item, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn decoded(query: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn nested_parameters_take_php_brackets() {
        let q = encode(&json!({
            "order": {"ID": "ASC"},
            "filter": {">ID": "$result[c0][49][ID]", "STAGE_ID": ["NEW", "WON"]},
            "start": -1,
            "flag": true,
            "skip": null,
            "empty": {},
        }));
        assert_eq!(
            decoded(&q),
            [
                ("empty", None),
                ("filter[>ID]", Some("$result[c0][49][ID]")),
                ("filter[STAGE_ID][0]", Some("NEW")),
                ("filter[STAGE_ID][1]", Some("WON")),
                ("flag", Some("1")),
                ("order[ID]", Some("ASC")),
                ("start", Some("-1")),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned())))
            .collect::<Vec<_>>()
        );
        // Characters that mean something in a query string survive.
        let q = encode(&json!({"fields": {"TITLE": "a&b=c #1"}}));
        assert_eq!(
            decoded(&q),
            [("fields[TITLE]".to_owned(), "a&b=c #1".to_owned())]
        );
        assert_eq!(encode(&json!([1, 2])), "");
    }
}
