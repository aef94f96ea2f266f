//! `application/x-www-form-urlencoded` bodies in PHP's bracket notation
//! (`data[FIELDS][PRODUCTS][0][ID]=1`), as portals post events, read into nested JSON.
//!
//! Every value is a string (the form has no types; typed payloads read numbers leniently).
//! An object whose keys are exactly `0..n` becomes an array, as PHP's `json_encode` would
//! write it; `a[]=x` appends. Sizes are capped before anything is allocated for them, so a
//! hostile body costs at most its own length.

use serde_json::{Map, Value};

use super::EventDecodeError;

/// Caps on what a body may hold; see [`EventDecoder`](super::EventDecoder).
#[derive(Debug, Clone, Copy)]
pub(super) struct Caps {
    pub max_depth: usize,
    pub max_fields: usize,
}

/// Reads a whole form body.
pub(super) fn parse(body: &[u8], caps: Caps) -> Result<Map<String, Value>, EventDecodeError> {
    let mut root = Node::Object(Vec::new());
    let mut fields = 0usize;
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        fields += 1;
        if fields > caps.max_fields {
            return Err(EventDecodeError::TooManyFields {
                limit: caps.max_fields,
            });
        }
        let (raw_key, raw_value) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let key = decode_component(raw_key)?;
        let value = decode_component(raw_value)?;
        let path = split_key(&key, caps.max_depth)?;
        insert(&mut root, &path, &key, value)?;
    }
    match root.into_value() {
        Value::Object(map) => Ok(map),
        // A body of only `0=…&1=…` keys reads as an array; it has no `event` either way.
        _ => Err(EventDecodeError::NotAnObject),
    }
}

/// A key or value: `+` is a space, `%XX` a byte, and the bytes must be UTF-8.
fn decode_component(raw: &[u8]) -> Result<String, EventDecodeError> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let byte = raw
                    .get(i + 1..i + 3)
                    .and_then(|h| Some(hex(h[0])? << 4 | hex(h[1])?))
                    .ok_or_else(|| EventDecodeError::BadPercentEncoding {
                        at: String::from_utf8_lossy(&raw[i..raw.len().min(i + 3)]).into_owned(),
                    })?;
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| EventDecodeError::InvalidUtf8)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `a[b][]` → `["a", "b", ""]`; the empty segment means "append".
fn split_key(key: &str, max_depth: usize) -> Result<Vec<&str>, EventDecodeError> {
    let malformed = || EventDecodeError::MalformedKey {
        key: key.to_owned(),
    };
    let (name, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if name.is_empty() {
        return Err(malformed());
    }
    let mut path = vec![name];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(malformed)?;
        let close = inner.find(']').ok_or_else(malformed)?;
        let segment = &inner[..close];
        if segment.contains('[') {
            return Err(malformed());
        }
        path.push(segment);
        if path.len() > max_depth {
            return Err(EventDecodeError::TooDeep { limit: max_depth });
        }
        rest = &inner[close + 1..];
    }
    Ok(path)
}

/// The tree while it is built: objects keep insertion order, so that `a[]` appends after
/// what came before, and lookups are linear in one object's width (capped by the field count).
enum Node {
    Leaf(String),
    Object(Vec<(String, Node)>),
}

fn insert(
    node: &mut Node,
    path: &[&str],
    key: &str,
    value: String,
) -> Result<(), EventDecodeError> {
    let conflict = || EventDecodeError::ConflictingKey {
        key: key.to_owned(),
    };
    let Node::Object(entries) = node else {
        return Err(conflict());
    };
    let (head, tail) = match path.split_first() {
        Some(split) => split,
        None => return Err(conflict()),
    };
    let name = if head.is_empty() {
        next_index(entries).to_string()
    } else {
        (*head).to_owned()
    };
    let existing = entries.iter().position(|(k, _)| *k == name);
    if tail.is_empty() {
        // A value where something already is: `a=1&a=2` or `a[b]=1&a=2`.
        if existing.is_some() {
            return Err(conflict());
        }
        entries.push((name, Node::Leaf(value)));
        return Ok(());
    }
    let child = match existing {
        Some(i) => &mut entries[i].1,
        None => {
            entries.push((name, Node::Object(Vec::new())));
            let last = entries.len() - 1;
            &mut entries[last].1
        }
    };
    insert(child, tail, key, value)
}

/// PHP's next index for `[]`: one past the largest integer key, or 0.
fn next_index(entries: &[(String, Node)]) -> u64 {
    entries
        .iter()
        .filter_map(|(k, _)| array_index(k))
        .max()
        .map_or(0, |max| max.saturating_add(1))
}

/// `"0"`, `"17"`: a canonical non-negative integer key.
fn array_index(key: &str) -> Option<u64> {
    if key.is_empty() || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    key.parse().ok()
}

impl Node {
    fn into_value(self) -> Value {
        match self {
            Node::Leaf(s) => Value::String(s),
            Node::Object(entries) => {
                let n = entries.len();
                let mut seen = vec![false; n];
                let dense = entries.iter().all(|(k, _)| match array_index(k) {
                    Some(i) if (i as usize) < n && !seen[i as usize] => {
                        seen[i as usize] = true;
                        true
                    }
                    _ => false,
                });
                if dense && n > 0 {
                    let mut items: Vec<(u64, Value)> = entries
                        .into_iter()
                        .map(|(k, v)| (array_index(&k).unwrap_or(0), v.into_value()))
                        .collect();
                    items.sort_by_key(|(i, _)| *i);
                    Value::Array(items.into_iter().map(|(_, v)| v).collect())
                } else {
                    Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k, v.into_value()))
                            .collect(),
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CAPS: Caps = Caps {
        max_depth: 8,
        max_fields: 100,
    };

    fn form(body: &str) -> Result<Value, EventDecodeError> {
        parse(body.as_bytes(), CAPS).map(Value::Object)
    }

    #[test]
    fn brackets_nest_and_dense_indexes_become_arrays() {
        let v = form(
            "event=ONCRMDEALADD&data[FIELDS][ID]=6641&data[FIELDS][PRODUCTS][1][ID]=2\
             &data[FIELDS][PRODUCTS][0][ID]=1&data[LIST][]=a&data[LIST][]=b&data[SPARSE][3]=x",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({
                "event": "ONCRMDEALADD",
                "data": {
                    "FIELDS": {"ID": "6641", "PRODUCTS": [{"ID": "1"}, {"ID": "2"}]},
                    "LIST": ["a", "b"],
                    "SPARSE": {"3": "x"},
                }
            })
        );
    }

    #[test]
    fn percent_encoding_and_plus() {
        let v =
            form("data%5BFIELDS%5D%5BTITLE%5D=Caf%C3%A9+%26+bar%3D1&e=a%2Bb&empty=&bare").unwrap();
        assert_eq!(
            v,
            json!({"data": {"FIELDS": {"TITLE": "Café & bar=1"}}, "e": "a+b", "empty": "", "bare": ""})
        );
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let e = form("a=%zz").unwrap_err();
        assert_eq!(e.to_string(), "bad percent-encoding at `%zz`");
        assert!(matches!(
            form("a=%4").unwrap_err(),
            EventDecodeError::BadPercentEncoding { .. }
        ));
        assert_eq!(form("a=%FF").unwrap_err(), EventDecodeError::InvalidUtf8);
        let e = form("a=1&a[b]=2").unwrap_err();
        assert_eq!(e.to_string(), "key `a[b]` conflicts with an earlier key");
        assert!(matches!(
            form("a[b]=2&a=1").unwrap_err(),
            EventDecodeError::ConflictingKey { .. }
        ));
        assert!(matches!(
            form("a=1&a=2").unwrap_err(),
            EventDecodeError::ConflictingKey { .. }
        ));
        for key in ["[a]", "a[b", "a[b]c", "a[b[c]]", "=1"] {
            assert!(
                matches!(
                    form(&format!("{key}=1")).unwrap_err(),
                    EventDecodeError::MalformedKey { .. }
                ),
                "{key}"
            );
        }
        assert_eq!(
            form("a[1][2][3][4][5][6][7][8]=x").unwrap_err(),
            EventDecodeError::TooDeep { limit: 8 }
        );
        let many = vec!["a[]=1"; 101].join("&");
        assert_eq!(
            form(&many).unwrap_err(),
            EventDecodeError::TooManyFields { limit: 100 }
        );
        assert_eq!(form("0=a&1=b").unwrap_err(), EventDecodeError::NotAnObject);
    }

    #[test]
    fn huge_indexes_allocate_nothing() {
        let v = form("a[4294967295]=x&a[]=y").unwrap();
        assert_eq!(v, json!({"a": {"4294967295": "x", "4294967296": "y"}}));
        // No index after the largest: PHP refuses it too.
        let e = form("a[18446744073709551615]=x&a[]=y").unwrap_err();
        assert!(matches!(e, EventDecodeError::ConflictingKey { .. }));
    }
}
