//! Presence of required keys, checked on the raw JSON before serde sees it, so that every
//! missing key of a file is reported with its path (serde stops at the first).

use serde_json::Value;

use crate::load::FileKind;
use crate::problem::Problems;

const METHOD: &[&str] = &[
    "name",
    "version",
    "scope",
    "title",
    "doc_url",
    "source",
    "mutates",
    "deprecated",
    "params",
    "result",
    "errors",
];
const NAMED_TYPE: &[&str] = &["name", "title", "doc_url", "source", "type"];
const EVENT: &[&str] = &["name", "scope", "title", "doc_url", "source", "payload"];
const CATALOGUE: &[&str] = &["name", "title", "doc_url", "source", "errors"];
const FIELD: &[&str] = &["name", "required", "type"];
const PATTERN: &[&str] = &["pattern", "type"];
const TYPE: &[&str] = &["type"];
const ERROR: &[&str] = &["code", "status", "message"];

/// Reports every missing required key of a file's JSON.
pub fn check(kind: FileKind, file: &str, doc: &Value, problems: &mut Problems) {
    let top = match kind {
        FileKind::Method => METHOD,
        FileKind::Type => NAMED_TYPE,
        FileKind::Event => EVENT,
        FileKind::Catalogue => CATALOGUE,
    };
    let mut c = Walk { file, problems };
    c.object("$", doc, top);
}

struct Walk<'a> {
    file: &'a str,
    problems: &'a mut Problems,
}

impl Walk<'_> {
    fn object(&mut self, path: &str, v: &Value, required: &[&str]) {
        let Some(map) = v.as_object() else {
            self.problems
                .error(self.file, path, "expected a JSON object");
            return;
        };
        for key in required {
            if !map.contains_key(*key) {
                self.problems
                    .error(self.file, path, format!("missing key `{key}`"));
            }
        }
        for (key, keys) in [
            ("params", FIELD),
            ("fields", FIELD),
            ("payload", FIELD),
            ("patterns", PATTERN),
            ("variants", TYPE),
            ("errors", ERROR),
        ] {
            if let Some(Value::Array(items)) = map.get(key) {
                for (i, item) in items.iter().enumerate() {
                    self.object(&format!("{path}.{key}[{i}]"), item, keys);
                }
            }
        }
        for key in ["items", "result"] {
            if let Some(inner) = map.get(key) {
                self.object(&format!("{path}.{key}"), inner, TYPE);
            }
        }
    }
}
