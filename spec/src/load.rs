//! Loading a spec directory: every file is parsed, every problem is collected.

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::model::{ErrorCatalogue, Event, Method, NamedType, Spec};
use crate::problem::Problems;
use crate::raw;
pub use crate::raw::FileKind;
use crate::validate;

/// A loaded spec with every problem found on the way (parse errors and validation).
#[derive(Debug, Clone, Default)]
pub struct LoadedSpec {
    /// Everything that parsed.
    pub spec: Spec,
    /// Every problem, sorted.
    pub problems: Problems,
}

impl LoadedSpec {
    /// The spec when it has no errors (warnings are allowed), else every problem.
    pub fn into_result(self) -> Result<Spec, Problems> {
        if self.problems.has_errors() {
            Err(self.problems)
        } else {
            Ok(self.spec)
        }
    }
}

/// Loads and validates the spec under `root` (the folder holding `methods/`, `types/`, …).
///
/// Never stops at the first problem: unreadable or malformed files are reported and skipped,
/// and the rest is validated as a whole.
pub fn load_dir(root: &Path) -> LoadedSpec {
    let mut loaded = LoadedSpec::default();
    if !root.is_dir() {
        loaded.problems.error(
            &root.display().to_string(),
            "$",
            "spec directory does not exist",
        );
        return loaded;
    }
    for (kind, folder) in [
        (FileKind::Method, "methods"),
        (FileKind::Type, "types"),
        (FileKind::Event, "events"),
        (FileKind::Catalogue, "errors"),
    ] {
        for path in json_files(&root.join(folder)) {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            match fs::read_to_string(&path) {
                Ok(text) => add_file(&mut loaded, kind, &rel, &text),
                Err(e) => loaded
                    .problems
                    .error(&rel, "$", format!("cannot read: {e}")),
            }
        }
    }
    validate::validate(&loaded.spec.clone(), &mut loaded.problems);
    loaded.problems.sort();
    loaded
}

/// Parses one file's text into `loaded` (used by [`load_dir`] and by tests of single files).
/// `rel` is the file's path relative to the spec root; it decides file-name checks.
pub fn add_file(loaded: &mut LoadedSpec, kind: FileKind, rel: &str, text: &str) {
    let problems = &mut loaded.problems;
    let spec = &mut loaded.spec;
    let mut doc = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(doc) => doc,
        Err(e) => {
            problems.error(rel, "$", format!("invalid JSON: {e}"));
            return;
        }
    };
    // A repaired document is read as repaired (its problems are reported already); else the
    // text is read, so that serde's messages carry line and column.
    let repaired = raw::check(kind, rel, &mut doc, problems).then_some(&doc);
    let source = Source { text, repaired };
    match kind {
        FileKind::Method => {
            if let Some(m) = parse::<Method>(rel, &source, problems) {
                validate::method_file_name(rel, &m, problems);
                let key = (m.name.clone(), m.version);
                match spec.methods.entry(key) {
                    std::collections::btree_map::Entry::Occupied(_) => problems.error(
                        rel,
                        "$.name",
                        format!("duplicate method ({}, {})", m.name, m.version),
                    ),
                    std::collections::btree_map::Entry::Vacant(slot) => {
                        slot.insert(m);
                    }
                }
            }
        }
        FileKind::Type => {
            if let Some(t) = parse::<NamedType>(rel, &source, problems) {
                validate::named_file_name(rel, &t.name, problems);
                if spec.types.contains_key(&t.name) {
                    problems.error(rel, "$.name", format!("duplicate type `{}`", t.name));
                } else {
                    spec.types.insert(t.name.clone(), t);
                }
            }
        }
        FileKind::Event => {
            if let Some(e) = parse::<Event>(rel, &source, problems) {
                validate::named_file_name(rel, &e.name, problems);
                if spec.events.contains_key(&e.name) {
                    problems.error(rel, "$.name", format!("duplicate event `{}`", e.name));
                } else {
                    spec.events.insert(e.name.clone(), e);
                }
            }
        }
        FileKind::Catalogue => {
            if let Some(c) = parse::<ErrorCatalogue>(rel, &source, problems) {
                validate::named_file_name(rel, &c.name, problems);
                spec.catalogues.insert(c.name.clone(), c);
            }
        }
    }
}

/// What serde reads a file from: its text, or the raw pass's repair of it.
struct Source<'a> {
    text: &'a str,
    repaired: Option<&'a serde_json::Value>,
}

fn parse<T: DeserializeOwned>(
    rel: &str,
    source: &Source<'_>,
    problems: &mut Problems,
) -> Option<T> {
    let result = match source.repaired {
        Some(doc) => serde_path_to_error::deserialize::<_, T>(doc).map_err(|e| {
            let path = e.path().to_string();
            (path, e.into_inner())
        }),
        None => {
            let de = &mut serde_json::Deserializer::from_str(source.text);
            serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
                let path = e.path().to_string();
                (path, e.into_inner())
            })
        }
    };
    match result {
        Ok(v) => Some(v),
        Err((path, inner)) => {
            // Missing keys are all reported by the raw pass; serde only names the first.
            if inner.to_string().starts_with("missing field") {
                return None;
            }
            let path = if path == "." || path == "?" {
                "$".to_owned()
            } else {
                format!("$.{path}")
            };
            problems.error(rel, &path, format!("{inner}"));
            None
        }
    }
}

/// `*.json` files under `dir`, recursively, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
