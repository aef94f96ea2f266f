//! Checking the writes against the portal's state file, read as plain JSON: a write the
//! client acknowledged must be there once, and no write may be there twice.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::ops::{Mark, Said, Write};

/// What the state file shows.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Acknowledged writes that are not in the data.
    pub lost: usize,
    /// Writes applied more than once.
    pub duplicated: usize,
    /// Writes whose outcome the client did not know, and that turned out applied.
    pub unknown_applied: usize,
}

/// What the state file holds of the marks: titles and note names by count, comments by deal.
struct Data {
    titles: HashMap<String, usize>,
    notes: HashMap<String, usize>,
    comments: HashMap<i64, String>,
}

fn rows<'a>(table: &'a Value) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
    table
        .get("rows")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn text(row: &Value, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn read(path: &Path) -> Result<Data, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let state: Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let mut data = Data {
        titles: HashMap::new(),
        notes: HashMap::new(),
        comments: HashMap::new(),
    };
    let deals = &state["items"]["2"];
    for (id, row) in rows(deals) {
        if let Some(title) = text(row, "TITLE") {
            *data.titles.entry(title).or_default() += 1;
        }
        if let (Ok(id), Some(comment)) = (id.parse(), text(row, "COMMENTS")) {
            data.comments.insert(id, comment);
        }
    }
    for (_, row) in rows(&state["note_collections"]) {
        if let Some(name) = text(row, "name") {
            *data.notes.entry(name).or_default() += 1;
        }
    }
    Ok(data)
}

/// Checks `writes` against the state file at `path`.
///
/// # Errors
/// When the file cannot be read or is not JSON.
pub fn check(path: &Path, writes: &[&Write]) -> Result<Checked, String> {
    let data = read(path)?;
    let mut checked = Checked::default();
    for write in writes {
        // Times applied; an update shows only whether its value is the deal's now (each
        // update has a deal of its own, so nothing else overwrites it).
        let applied = match &write.mark {
            Mark::DealTitle(t) => data.titles.get(t).copied().unwrap_or(0),
            Mark::NoteName(n) => data.notes.get(n).copied().unwrap_or(0),
            Mark::DealComment { id, text } => usize::from(data.comments.get(id) == Some(text)),
        };
        if applied > 1 {
            checked.duplicated += 1;
        }
        match write.said {
            Said::Acknowledged if applied == 0 => checked.lost += 1,
            Said::Unknown if applied > 0 => checked.unknown_applied += 1,
            _ => {}
        }
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_and_duplicated_writes_are_found() {
        let dir = std::env::temp_dir().join(format!("soak-verify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let state = serde_json::json!({
            "items": {"2": {"rows": {
                "1": {"ID": 1, "TITLE": "twice"},
                "2": {"ID": 2, "TITLE": "twice"},
                "3": {"ID": 3, "TITLE": "once", "COMMENTS": "updated"},
            }}},
            "note_collections": {"rows": {"1": {"ID": 1, "name": "note"}}},
        });
        std::fs::write(&path, state.to_string()).unwrap();
        let write = |mark: Mark, said: Said| Write {
            mark,
            rest3: false,
            said,
        };
        let writes = [
            write(Mark::DealTitle("twice".into()), Said::Acknowledged),
            write(Mark::DealTitle("once".into()), Said::Unknown),
            write(Mark::DealTitle("missing".into()), Said::Acknowledged),
            write(
                Mark::DealTitle("failed".into()),
                Said::Failed("timeout".into()),
            ),
            write(Mark::NoteName("note".into()), Said::Acknowledged),
            write(
                Mark::DealComment {
                    id: 3,
                    text: "updated".into(),
                },
                Said::Acknowledged,
            ),
            write(
                Mark::DealComment {
                    id: 3,
                    text: "other".into(),
                },
                Said::Acknowledged,
            ),
        ];
        let refs: Vec<&Write> = writes.iter().collect();
        assert_eq!(
            check(&path, &refs).unwrap(),
            Checked {
                lost: 2,
                duplicated: 1,
                unknown_applied: 1
            }
        );
        let e = check(&dir.join("absent.json"), &refs).err().unwrap();
        assert!(e.starts_with("cannot read"), "{e}");
        std::fs::write(&path, "{").unwrap();
        assert!(check(&path, &refs).err().unwrap().contains("is not JSON"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
