//! PHP-style form encoding, as Bitrix24 reads and writes it: `fields[TITLE]=Deal`,
//! `cmd[list]=crm.deal.list?start=0`, `ids[]=1&ids[]=2`.

use serde_json::{Map, Value};

/// Decodes `application/x-www-form-urlencoded` text (or a query string) into a JSON object.
/// Every leaf is a string, as PHP sees it; maps keyed `0..n` become arrays, as PHP's
/// `json_encode` writes them.
pub fn decode(text: &str) -> Map<String, Value> {
    let mut root = Value::Object(Map::new());
    for (key, value) in form_urlencoded::parse(text.as_bytes()) {
        let path = split_key(&key);
        if path.is_empty() {
            continue;
        }
        insert(&mut root, &path, Value::String(value.into_owned()));
    }
    match sequential_to_arrays(root) {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `a[b][]` → `["a", "b", ""]`; an empty segment means "append".
fn split_key(key: &str) -> Vec<String> {
    let Some(open) = key.find('[') else {
        return if key.is_empty() {
            Vec::new()
        } else {
            vec![key.to_owned()]
        };
    };
    let mut path = vec![key[..open].to_owned()];
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(close) = stripped.find(']') else {
            break;
        };
        path.push(stripped[..close].to_owned());
        rest = &stripped[close + 1..];
    }
    if path[0].is_empty() {
        return Vec::new();
    }
    path
}

fn insert(node: &mut Value, path: &[String], leaf: Value) {
    let Some((head, tail)) = path.split_first() else {
        *node = leaf;
        return;
    };
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    let Value::Object(map) = node else {
        return;
    };
    let key = if head.is_empty() {
        // `[]` appends: the next free integer key, as PHP does.
        (0..)
            .map(|i: usize| i.to_string())
            .find(|k| !map.contains_key(k))
            .unwrap_or_default()
    } else {
        head.clone()
    };
    let slot = map.entry(key).or_insert(Value::Null);
    if tail.is_empty() {
        *slot = leaf;
    } else {
        insert(slot, tail, leaf);
    }
}

/// Objects whose keys are exactly `0..n` become arrays, recursively.
pub fn sequential_to_arrays(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let sequential =
                !map.is_empty() && (0..map.len()).all(|i| map.contains_key(&i.to_string()));
            if sequential {
                let mut map = map;
                Value::Array(
                    (0..map.len())
                        .map(|i| {
                            sequential_to_arrays(map.remove(&i.to_string()).unwrap_or_default())
                        })
                        .collect(),
                )
            } else {
                Value::Object(
                    map.into_iter()
                        .map(|(k, v)| (k, sequential_to_arrays(v)))
                        .collect(),
                )
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sequential_to_arrays).collect()),
        other => other,
    }
}

/// Encodes a JSON object as PHP-style form text (`data[FIELDS][ID]=5`).
pub fn encode(value: &Map<String, Value>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, v) in value {
        encode_into(&mut out, key, v);
    }
    out.finish()
}

fn encode_into(out: &mut form_urlencoded::Serializer<'_, String>, key: &str, value: &Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                encode_into(out, &format!("{key}[{k}]"), v);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                encode_into(out, &format!("{key}[{i}]"), v);
            }
        }
        Value::Null => {
            out.append_pair(key, "");
        }
        Value::Bool(b) => {
            out.append_pair(key, if *b { "1" } else { "" });
        }
        Value::String(s) => {
            out.append_pair(key, s);
        }
        Value::Number(n) => {
            out.append_pair(key, &n.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_brackets_lists_and_plain_keys() {
        let v = decode(
            "fields[TITLE]=Deal+1&fields[OPPORTUNITY]=10&ids[]=1&ids[]=2&start=50&order[ID]=ASC",
        );
        assert_eq!(
            Value::Object(v),
            json!({"fields": {"TITLE": "Deal 1", "OPPORTUNITY": "10"}, "ids": ["1", "2"],
                   "start": "50", "order": {"ID": "ASC"}})
        );
    }

    #[test]
    fn numbered_keys_become_arrays_and_filters_keep_operators() {
        let v = decode("select[0]=ID&select[1]=TITLE&filter[%3EID]=5&cmd[a]=crm.deal.get%3Fid%3D1");
        assert_eq!(
            Value::Object(v),
            json!({"select": ["ID", "TITLE"], "filter": {">ID": "5"}, "cmd": {"a": "crm.deal.get?id=1"}})
        );
    }

    #[test]
    fn malformed_keys_are_skipped_not_fatal() {
        let v = decode("[x]=1&a[b=2&=3&ok=4");
        assert_eq!(Value::Object(v), json!({"a": "2", "ok": "4"}));
    }

    #[test]
    fn encodes_nested_objects_php_style() {
        let body = json!({"event": "ONCRMACTIVITYADD", "data": {"FIELDS": {"ID": 7}}, "auth": {"application_token": "t"}});
        let text = encode(body.as_object().unwrap());
        assert_eq!(
            text,
            "auth%5Bapplication_token%5D=t&data%5BFIELDS%5D%5BID%5D=7&event=ONCRMACTIVITYADD"
        );
        assert_eq!(
            Value::Object(decode(&text)),
            json!({"event": "ONCRMACTIVITYADD", "data": {"FIELDS": {"ID": "7"}}, "auth": {"application_token": "t"}})
        );
    }
}
