//! The Bitrix24 REST documentation (Markdown, YFM dialect) → the bitrix24-rs spec.
//!
//! This first slice imports method pages: name (title and cURL example agreeing, conflicts
//! reported), version (REST 3.0 by folder, note or `/rest/api/` URL), scope, title,
//! deprecation, parameters with every spelling of the required marker, types, enum values,
//! key patterns and nested field tables, errors, and the documented JSON examples. Each method
//! carries its confidence and the reasons for it. Hand fixes live in `spec/overrides` and
//! survive re-import ([`overrides`]); [`diff`] reports what a docs update changed. Named
//! types and events come next; `SURVEY.md` measures the docs' variety.

mod cell;
mod datatypes;
pub mod diff;
mod event;
mod examples;
pub mod overrides;
mod page;
mod text;
mod types;
mod yfm;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bitrix_spec::{ConfidenceLevel, ErrorCatalogue, Event, Method, MethodKey, NamedType, Version};

/// The result of an import.
#[derive(Debug, Default, Clone)]
pub struct Import {
    /// Methods by key.
    pub methods: BTreeMap<MethodKey, Method>,
    /// Events by name.
    pub events: BTreeMap<String, Event>,
    /// Named types by name: the data-types pages' structures and identifier types.
    pub types: BTreeMap<String, NamedType>,
    /// Error catalogues by name (curated by hand, from overrides).
    pub catalogues: BTreeMap<String, ErrorCatalogue>,
    /// Pages that document a method already imported from another page (kept: the first by
    /// the preference rule).
    pub duplicates: Vec<String>,
    /// Pages read.
    pub pages: usize,
}

impl Import {
    /// Number of methods per confidence level.
    pub fn by_confidence(&self) -> BTreeMap<ConfidenceLevel, usize> {
        let mut out = BTreeMap::new();
        for m in self.methods.values() {
            let level = m
                .confidence
                .as_ref()
                .map_or(ConfidenceLevel::Low, |c| c.level);
            *out.entry(level).or_insert(0) += 1;
        }
        out
    }
}

/// Imports every method and event page under `docs/api-reference`.
pub fn import(docs: &Path) -> Import {
    let mut files = Vec::new();
    walk(&docs.join("api-reference"), &mut files);
    files.sort();
    let mut import = Import {
        types: datatypes::import(docs),
        ..Import::default()
    };
    let known: BTreeSet<String> = import.types.keys().cloned().collect();
    let mut evidences = BTreeMap::new();
    for file in files {
        let rel = file
            .strip_prefix(docs)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        import.pages += 1;
        if let Some(e) = event::event(docs, &rel, &known) {
            // The first page of an event wins (pages are walked in path order).
            if import.events.contains_key(&e.name) {
                import.duplicates.push(rel);
            } else {
                import.events.insert(e.name.clone(), e);
            }
            continue;
        }
        let Ok(page::Imported {
            method: m,
            evidence,
        }) = page::method(docs, &rel, &known)
        else {
            continue;
        };
        let key = (m.name.clone(), m.version);
        match import.methods.get(&key) {
            Some(existing) if !preferred((&m, evidence), (existing, evidences[&key])) => {
                import.duplicates.push(rel)
            }
            Some(existing) => {
                import.duplicates.push(existing.source.clone());
                evidences.insert(key.clone(), evidence);
                import.methods.insert(key, m);
            }
            None => {
                evidences.insert(key.clone(), evidence);
                import.methods.insert(key, m);
            }
        }
    }
    import
}

/// Which of two pages of one method to keep: REST 3.0 pages from the `rest-v3` folder, else
/// the page with more evidence that it documents the method, else the shorter path, else the
/// first in order.
fn preferred(candidate: (&Method, usize), existing: (&Method, usize)) -> bool {
    let in_v3_folder = |m: &Method| m.version == Version::V3 && m.source.contains("rest-v3/");
    let rank = |(m, evidence): (&Method, usize)| {
        (
            in_v3_folder(m),
            evidence,
            std::cmp::Reverse((m.source.len(), m.source.clone())),
        )
    };
    rank(candidate) > rank(existing)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            if !p.ends_with("_includes") {
                walk(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

/// Writes the spec under `out`: `methods/<version>/<name>.json`, `events/`, `types/` and
/// `errors/`.
///
/// # Errors
/// I/O errors.
pub fn write(out: &Path, import: &Import) -> std::io::Result<()> {
    for m in import.methods.values() {
        write_json(
            &out.join(bitrix_spec::validate::method_file(&m.name, m.version)),
            m,
        )?;
    }
    for e in import.events.values() {
        write_json(&out.join(format!("events/{}.json", e.name)), e)?;
    }
    for t in import.types.values() {
        write_json(&out.join(format!("types/{}.json", t.name)), t)?;
    }
    for c in import.catalogues.values() {
        write_json(&out.join(format!("errors/{}.json", c.name)), c)?;
    }
    Ok(())
}

/// Writes one spec file: pretty JSON with a final newline.
pub(crate) fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path, text)
}
