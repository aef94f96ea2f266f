//! The Bitrix24 REST documentation (Markdown, YFM dialect) → the bitrix24-rs spec.
//!
//! [`import`] reads every page under `api-reference` and gives the whole spec: methods (name
//! decided by agreement of title, cURL URL, opening sentence and SDK call; REST 3.0 by folder,
//! note or `/rest/api/` URL; scope, title, deprecation; parameters with every spelling of the
//! required marker, types, enum values, key patterns, nested and linked field tables; result,
//! REST 3.0 wrapper, paging, errors and the documented JSON examples, checked against each
//! other), events with their payloads, and the named types of the data-types pages. Each
//! method carries its confidence and the reasons for it. [`render`], [`write`] and [`check`]
//! turn an import into spec files; hand fixes in `spec/overrides` survive re-import
//! ([`overrides`]); [`diff`] reports what a docs update changed. `SURVEY.md` measures the
//! docs' variety.
//!
//! Reading a page goes, without cycles: `text` (includes, headings) and `yfm` (tables)
//! → `page` (the outline) → `cell`, `typewords` and `fieldtable` (field tables) → `linked`
//! (fields documented on another page), `identity`, `answers`, `examples`, `shape` (a
//! type from an example), `reconcile`, `paging` (list kinds) and `mutates` (with `verbs`)
//! → `results` (result types, shared entity types) → `method`, `event` and `datatypes`, one
//! per kind of page. Once every page is read, `field_refs` types a value documented as a
//! field of a named type (`catalog_measure.code`) as that field.

mod alternatives;
mod answers;
mod cell;
mod datatypes;
mod defaults;
pub mod diff;
mod errors;
pub use errors::report as error_report;
mod event;
mod examples;
mod field_refs;
mod fieldtable;
mod identity;
mod linked;
mod linked_entities;
mod method;
pub mod mutates;
pub mod overrides;
mod page;
pub mod paging;
mod reconcile;
pub mod results;
mod rowpath;
pub mod rust_names;
mod secrets;
mod shape;
mod sorting;
mod text;
mod typewords;
mod verbs;
mod yfm;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bitrix_spec::tree::{self, Files, Owned, Stale};
use bitrix_spec::{ConfidenceLevel, ErrorCatalogue, Event, Method, MethodKey, NamedType, Version};

pub use identity::Skip;

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
    /// Pages that name a method but are not imported as one, with the reason, in path order.
    pub skipped: Vec<(String, Skip)>,
    /// Pages read.
    pub pages: usize,
    /// Methods whose page documents a result (a returned-data table or a response example).
    pub documented_results: BTreeSet<MethodKey>,
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
    import_with_progress(docs, |_, _| {})
}

/// [`import`], calling `progress(pages done, pages in all)` after each page.
pub fn import_with_progress(docs: &Path, mut progress: impl FnMut(usize, usize)) -> Import {
    let mut files = Vec::new();
    walk(&docs.join("api-reference"), &mut files);
    files.sort();
    let total = files.len();
    let mut import = Import {
        types: datatypes::import(docs),
        ..Import::default()
    };
    let direction = sorting::sort_direction();
    import.types.insert(direction.name.clone(), direction);
    let known: BTreeSet<String> = import.types.keys().cloned().collect();
    let kinds: reconcile::Kinds = import
        .types
        .values()
        .map(|t| (t.name.clone(), t.ty.kind.clone()))
        .collect();
    // The kept page of each method, with its evidence, until every page has been seen. Keyed
    // by the lowercase name: the server does not tell `copyto` from `copyTo`.
    let mut kept: BTreeMap<MethodKey, method::Imported> = BTreeMap::new();
    // Spellings of each method other than the kept page's, with their page.
    let mut spellings: BTreeMap<MethodKey, BTreeSet<(String, String)>> = BTreeMap::new();
    for file in files {
        let rel = file
            .strip_prefix(docs)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        import.pages += 1;
        progress(import.pages, total);
        if let Some(e) = event::event(docs, &rel, &known) {
            // The first page of an event wins (pages are walked in path order).
            if import.events.contains_key(&e.name) {
                import.duplicates.push(rel);
            } else {
                import.events.insert(e.name.clone(), e);
            }
            continue;
        }
        let candidate = match method::method(docs, &rel, &known, &kinds) {
            Ok(candidate) => candidate,
            Err(Skip::NoMethod) => continue,
            Err(skip) => {
                import.skipped.push((rel, skip));
                continue;
            }
        };
        let key = (
            candidate.method.name.to_lowercase(),
            candidate.method.version,
        );
        spellings
            .entry(key.clone())
            .or_default()
            .insert((candidate.method.name.clone(), rel.clone()));
        match kept.get(&key) {
            Some(existing) if !preferred(&candidate, existing) => import.duplicates.push(rel),
            Some(existing) => {
                import.duplicates.push(existing.method.source.clone());
                kept.insert(key, candidate);
            }
            None => {
                kept.insert(key, candidate);
            }
        }
    }
    let mut entities = BTreeMap::new();
    let mut alike = BTreeMap::new();
    let mut linked = BTreeMap::new();
    let mut selectable = BTreeMap::new();
    for (key, imported) in kept {
        let mut m = imported.method;
        note_spellings(&mut m, spellings.get(&key));
        let key = (m.name.clone(), m.version);
        if imported.documents_result {
            import.documented_results.insert(key.clone());
        }
        if let Some(entity) = imported.entity {
            entities.insert(key.clone(), entity);
        }
        if let Some(other) = imported.answers_like {
            alike.insert(key.clone(), other);
        }
        if !imported.linked_params.is_empty() {
            linked.insert(key.clone(), imported.linked_params);
        }
        if !imported.selectable.is_empty() {
            selectable.insert(key.clone(), imported.selectable);
        }
        import.methods.insert(key, m);
    }
    results::entity::share(&mut import, entities);
    linked_entities::share(&mut import, &linked);
    results::selected::add(&mut import, &selectable);
    results::alike::apply(&mut import, &alike);
    results::field_answers::apply(&mut import);
    datatypes::prefer_local(&mut import);
    field_refs::apply(&mut import);
    secrets::mark(&mut import);
    import
}

/// Records in the kept method's reasons the other spellings its pages use: one is kept, the
/// kept page's, because the server takes them all for one method.
fn note_spellings(m: &mut Method, seen: Option<&BTreeSet<(String, String)>>) {
    let others: Vec<String> = seen
        .into_iter()
        .flatten()
        .filter(|(name, _)| *name != m.name)
        .map(|(name, page)| format!("`{name}` (`{page}`)"))
        .collect();
    if others.is_empty() {
        return;
    }
    if let Some(c) = m.confidence.as_mut() {
        c.reasons.push(format!(
            "also spelled {}; one method on the wire, named as on its kept page",
            others.join(", ")
        ));
    }
}

/// Which of two pages of one method to keep: REST 3.0 pages from the `rest-v3` folder, else
/// the page with more evidence that it documents the method, else the shorter path, else the
/// first in order.
fn preferred(candidate: &method::Imported, existing: &method::Imported) -> bool {
    let rank = |i: &method::Imported| {
        let m = &i.method;
        (
            m.version == Version::V3 && m.source.contains("rest-v3/"),
            i.evidence,
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

/// The folders of a spec that an import owns; everything else (overrides, schema, docs) is
/// curated by hand.
pub const OWNED: [&str; 5] = ["methods/v1", "methods/v3", "events", "types", "errors"];

/// The spec files of an import, by path relative to the spec root: pretty JSON with a final
/// newline, the bytes `write` puts on disk.
///
/// # Errors
/// Only if a value cannot be serialized (not expected for the spec model).
pub fn render(import: &Import) -> serde_json::Result<Files> {
    let mut files = Files::new();
    for m in import.methods.values() {
        let path = bitrix_spec::validate::method_file(&m.name, m.version);
        files.insert(path, json_text(m)?);
    }
    for e in import.events.values() {
        files.insert(format!("events/{}.json", e.name), json_text(e)?);
    }
    for t in import.types.values() {
        files.insert(format!("types/{}.json", t.name), json_text(t)?);
    }
    for c in import.catalogues.values() {
        files.insert(format!("errors/{}.json", c.name), json_text(c)?);
    }
    Ok(files)
}

/// A spec file's text: pretty JSON with a final newline.
fn json_text<T: serde::Serialize>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(value).map(|text| text + "\n")
}

/// The spec folders an import owns: their `.json` files are all imported.
const IMPORTED: Owned<'static> = Owned {
    folders: &OWNED,
    extension: ".json",
};

/// Writes the import into the spec at `out`, removing files of the owned folders that the
/// import no longer has (a method dropped from the docs).
///
/// # Errors
/// The first file that cannot be written or removed.
pub fn write(out: &Path, import: &Import) -> std::io::Result<()> {
    let files = render(import).map_err(std::io::Error::other)?;
    tree::write(out, &files, IMPORTED)
}

/// How the spec at `dir` differs from the import: one line per file that differs, is missing
/// or should not be there. Empty when they are equal byte for byte.
///
/// # Errors
/// If the import cannot be rendered or the spec folder cannot be read.
pub fn check(dir: &Path, import: &Import) -> std::io::Result<Vec<String>> {
    let files = render(import).map_err(std::io::Error::other)?;
    let stale = tree::check(dir, &files, IMPORTED)?;
    Ok(stale
        .into_iter()
        .map(|s| match s {
            Stale::Missing(p) => format!("missing: {p}"),
            Stale::Changed(p) => format!("differs: {p}"),
            Stale::Extra(p) => format!("not in the import: {p}"),
        })
        .collect())
}

/// Writes one spec file (see [`json_text`]).
pub(crate) fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, json_text(value).map_err(std::io::Error::other)?)
}
