//! The raw-JSON pass over a spec file, run before serde reads it. Serde stops at the first
//! problem of a file; this pass reports every missing key and every part that does not fit its
//! kind (`items` on a string, `name` on an array's items), each with its JSON path.
//!
//! It also repairs what it reported, where that lets the rest of the file be read and checked:
//! a field without `name` or `required` gets an empty name and `false`, a misplaced part is
//! dropped, a missing `type` becomes `any`. A repaired file is never accepted: every repair
//! comes with an error.

use serde_json::{Map, Value};

use crate::model::{message, Kind};
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
const NAMED_TYPE: &[&str] = &["name", "title", "doc_url", "source"];
const EVENT: &[&str] = &["name", "scope", "title", "doc_url", "source", "payload"];
const CATALOGUE: &[&str] = &["name", "title", "doc_url", "source", "errors"];
// `code` is absent for an error the server sends without one (validation checks catalogues).
const ERROR: &[&str] = &["status", "message"];

/// What a spec file holds, decided by its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `methods/<version>/<name>.json`
    Method,
    /// `types/<name>.json`
    Type,
    /// `events/<name>.json`
    Event,
    /// `errors/<name>.json`
    Catalogue,
}

/// Builds the message about a part on the wrong kind, from the kind's spelling.
type Message = fn(&str) -> String;

/// What a JSON object of a spec file stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A known key of an object: name, required flag and type.
    Field,
    /// A key pattern: pattern and type.
    Pattern,
    /// A bare type (a result, an array's items, a union's alternative).
    Type,
}

/// Reports every missing key and misplaced part of a file's JSON, repairing them so that the
/// rest of the file can be read. Returns whether anything was repaired.
pub fn check(kind: FileKind, file: &str, doc: &mut Value, problems: &mut Problems) -> bool {
    let mut walk = Walk {
        file,
        problems,
        repaired: false,
    };
    let Some(top) = walk.object("$", doc) else {
        return false;
    };
    let required = match kind {
        FileKind::Method => METHOD,
        FileKind::Type => NAMED_TYPE,
        FileKind::Event => EVENT,
        FileKind::Catalogue => CATALOGUE,
    };
    walk.missing("$", top, required);
    match kind {
        FileKind::Method => {
            walk.list("$", top, "params", Role::Field);
            if let Some(result) = top.get_mut("result") {
                walk.ty("$.result", result, Role::Type);
            }
            walk.errors(top);
        }
        FileKind::Type => walk.type_keys("$", top),
        FileKind::Event => walk.list("$", top, "payload", Role::Field),
        FileKind::Catalogue => walk.errors(top),
    }
    walk.repaired
}

struct Walk<'a> {
    file: &'a str,
    problems: &'a mut Problems,
    repaired: bool,
}

impl Walk<'_> {
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.problems.error(self.file, path, message);
    }

    fn object<'v>(&mut self, path: &str, v: &'v mut Value) -> Option<&'v mut Map<String, Value>> {
        if !v.is_object() {
            self.error(path, "expected a JSON object");
        }
        v.as_object_mut()
    }

    fn missing(&mut self, path: &str, map: &Map<String, Value>, keys: &[&str]) {
        for key in keys {
            if !map.contains_key(*key) {
                self.error(path, format!("missing key `{key}`"));
            }
        }
    }

    /// Puts `value` under `key` in place of a reported problem.
    fn repair(&mut self, map: &mut Map<String, Value>, key: &str, value: Value) {
        map.insert(key.to_owned(), value);
        self.repaired = true;
    }

    /// Drops `key`, whose problem was reported.
    fn drop_key(&mut self, map: &mut Map<String, Value>, key: &str) {
        map.remove(key);
        self.repaired = true;
    }

    fn errors(&mut self, top: &mut Map<String, Value>) {
        if let Some(Value::Array(errors)) = top.get_mut("errors") {
            for (i, e) in errors.iter_mut().enumerate() {
                let path = format!("$.errors[{i}]");
                if let Some(map) = self.object(&path, e) {
                    self.missing(&path, map, ERROR);
                }
            }
        }
    }

    /// Every element of the array under `key`, in the given role.
    fn list(&mut self, path: &str, map: &mut Map<String, Value>, key: &str, role: Role) {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            for (i, item) in items.iter_mut().enumerate() {
                self.ty(&format!("{path}.{key}[{i}]"), item, role);
            }
        }
    }

    /// A type in the given role: the keys of its role, then the keys of the type.
    fn ty(&mut self, path: &str, v: &mut Value, role: Role) {
        let Some(map) = self.object(path, v) else {
            return;
        };
        let has = |key: &str| map.contains_key(key);
        let (name, required, pattern) = (has("name"), has("required"), has("pattern"));
        match role {
            Role::Field => {
                if !name {
                    self.error(path, "missing key `name`");
                    self.repair(map, "name", Value::from(""));
                } else if map["name"].as_str() == Some("") {
                    self.error(path, "empty `name`");
                }
                if !required {
                    self.error(path, "missing key `required`");
                    self.repair(map, "required", Value::from(false));
                }
                if pattern {
                    self.error(path, message::PATTERN_ON_FIELD);
                    self.drop_key(map, "pattern");
                }
            }
            Role::Pattern | Role::Type => {
                if name || required {
                    self.error(path, message::NOT_A_FIELD);
                    self.drop_key(map, "name");
                    self.drop_key(map, "required");
                }
                let empty = map.get("pattern").and_then(Value::as_str) == Some("");
                if role == Role::Pattern && (!pattern || empty) {
                    self.error(path, "missing key `pattern`");
                    self.repair(map, "pattern", Value::from(""));
                } else if role == Role::Type && pattern {
                    self.error(path, message::NOT_A_PATTERN);
                    self.drop_key(map, "pattern");
                }
            }
        }
        self.type_keys(path, map);
    }

    /// The keys of a type: `type`, and only the parts its kind has.
    fn type_keys(&mut self, path: &str, map: &mut Map<String, Value>) {
        let kind = match map.get("type") {
            Some(Value::String(kind)) if !kind.is_empty() => kind.clone(),
            // Not a string: serde reports it.
            Some(other) if !other.is_string() => return,
            _ => {
                self.error(path, "missing key `type`");
                let any = Kind::Any.name().to_owned();
                self.repair(map, "type", Value::from(any.clone()));
                any
            }
        };
        let shape = Kind::from_name(&kind);
        let object = matches!(shape, Kind::Object { .. });
        let parts: [(&str, bool, Message); 4] = [
            ("items", matches!(shape, Kind::Array(_)), message::items_on),
            ("fields", object, message::fields_on),
            ("patterns", object, message::patterns_on),
            (
                "variants",
                matches!(shape, Kind::Union(_)),
                message::variants_on,
            ),
        ];
        for (key, fits, message) in parts {
            let present = match map.get(key) {
                Some(Value::Array(items)) => !items.is_empty(),
                Some(_) => true,
                None => false,
            };
            if present && !fits {
                self.error(path, message(&kind));
                self.drop_key(map, key);
            }
        }
        if let Some(items) = map.get_mut("items") {
            self.ty(&format!("{path}.items"), items, Role::Type);
        }
        self.list(path, map, "fields", Role::Field);
        self.list(path, map, "patterns", Role::Pattern);
        self.list(path, map, "variants", Role::Type);
    }
}
