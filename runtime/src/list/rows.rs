//! Rows of a list page as they come: `result` is the list, or wraps it under a key
//! (`{"tasks": [...]}`); PHP writes a list with holes as an object keyed by position. Rows are
//! kept as raw JSON until they are handed out, so a page in memory costs its text.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

/// The rows of a page's `result`, under `items` when the answer wraps them.
///
/// # Errors
/// What does not fit, as a message.
pub(crate) fn of(result: &RawValue, items: Option<&str>) -> Result<Vec<Box<RawValue>>, String> {
    let list = match items {
        Some(key) => {
            // Owned keys throughout: a borrowed `&str` cannot hold a key PHP wrote with
            // escapes (`json_encode` writes non-ASCII as `\u041d…`), and the whole map failed.
            let outer: BTreeMap<String, &RawValue> = serde_json::from_str(result.get())
                .map_err(|e| format!("`result` is not an object: {e}"))?;
            match outer.get(key) {
                Some(list) => *list,
                None => return Ok(Vec::new()),
            }
        }
        None => result,
    };
    let text = list.get().trim_start();
    if text.starts_with('{') {
        // A PHP list with holes: an object keyed by position, in position order.
        let keyed: BTreeMap<String, Box<RawValue>> =
            serde_json::from_str(text).map_err(|e| format!("the rows are not a list: {e}"))?;
        let mut rows: Vec<(u64, Box<RawValue>)> = keyed
            .into_iter()
            .map(|(k, v)| (k.parse().unwrap_or(u64::MAX), v))
            .collect();
        rows.sort_by_key(|(k, _)| *k);
        return Ok(rows.into_iter().map(|(_, v)| v).collect());
    }
    if text == "null" || text == "false" {
        return Ok(Vec::new());
    }
    serde_json::from_str(text).map_err(|e| format!("the rows are not a list: {e}"))
}

/// The id of a row (`"161"` or `161`), when it has one.
pub(crate) fn id(row: &RawValue, field: &str) -> Option<i64> {
    let map: BTreeMap<String, &RawValue> = serde_json::from_str(row.get()).ok()?;
    let raw = map.get(field)?.get();
    raw.trim_matches('"').trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    fn texts(rows: &[Box<RawValue>]) -> Vec<&str> {
        rows.iter().map(|r| r.get()).collect()
    }

    #[test]
    fn rows_in_every_shape() {
        assert_eq!(
            texts(&of(&raw(r#"[{"ID":"1"},{"ID":"2"}]"#), None).unwrap()),
            [r#"{"ID":"1"}"#, r#"{"ID":"2"}"#]
        );
        assert_eq!(
            texts(&of(&raw(r#"{"tasks":[{"id":3}],"total":1}"#), Some("tasks")).unwrap()),
            [r#"{"id":3}"#]
        );
        assert_eq!(
            texts(&of(&raw(r#"{"10":{"ID":"b"},"2":{"ID":"a"}}"#), None).unwrap()),
            [r#"{"ID":"a"}"#, r#"{"ID":"b"}"#]
        );
        assert!(of(&raw("[]"), None).unwrap().is_empty());
        assert!(of(&raw(r#"{"items":[]}"#), Some("tasks"))
            .unwrap()
            .is_empty());
        assert_eq!(
            of(&raw("5"), None).unwrap_err(),
            "the rows are not a list: invalid type: integer `5`, expected a sequence at line 1 column 1"
        );
    }

    #[test]
    fn ids_as_text_or_numbers() {
        assert_eq!(id(&raw(r#"{"ID":"161"}"#), "ID"), Some(161));
        assert_eq!(id(&raw(r#"{"id":7}"#), "id"), Some(7));
        assert_eq!(id(&raw(r#"{"ID":"x"}"#), "ID"), None);
        assert_eq!(id(&raw(r#"{"id":7}"#), "ID"), None);
    }

    #[test]
    fn keys_written_with_escapes_are_read() {
        let row = raw(r#"{"ID":"5","\u041d\u0430\u0437\u0432\u0430\u043d\u0438\u0435":"x"}"#);
        assert_eq!(id(&row, "ID"), Some(5));
        let page = raw(r#"{"\u0074asks":[{"id":3}],"\u00e9":1}"#);
        assert_eq!(texts(&of(&page, Some("tasks")).unwrap()), [r#"{"id":3}"#]);
    }
}
