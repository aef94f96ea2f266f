//! Hand fixes that survive re-import. `spec/overrides/methods/<version>/<name>.json`,
//! `events/<name>.json`, `types/<name>.json` and `errors/<name>.json` hold the top-level keys
//! that replace the imported ones, or a whole item where the import has none: the error
//! catalogues (`system`, `rest-v3`) are curated by hand, and so are the seed methods, events
//! and types transcribed before the importer existed. `record` writes them from hand-edited
//! spec files, so the curation is never lost.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bitrix_spec::{ErrorCatalogue, Event, Method, MethodKey, NamedType, Version};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{write_json, Import};

/// Overrides of methods and events.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Overrides {
    /// By method key.
    pub methods: BTreeMap<MethodKey, Map<String, Value>>,
    /// By event name.
    pub events: BTreeMap<String, Map<String, Value>>,
    /// By named type.
    pub types: BTreeMap<String, Map<String, Value>>,
    /// By error catalogue name.
    pub catalogues: BTreeMap<String, Map<String, Value>>,
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "json"));
    paths.sort();
    paths
}

fn read(path: &Path) -> Result<(String, Map<String, Value>), String> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let map = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((stem, map))
}

/// Reads every override under `dir`; problems are returned, not fatal.
pub fn load(dir: &Path) -> (Overrides, Vec<String>) {
    let mut out = Overrides::default();
    let mut problems = Vec::new();
    for version in [Version::V1, Version::V3] {
        for path in json_files(&dir.join("methods").join(version.as_str())) {
            match read(&path) {
                Ok((name, map)) => {
                    out.methods.insert((name, version), map);
                }
                Err(e) => problems.push(e),
            }
        }
    }
    for (folder, target) in [
        ("events", &mut out.events),
        ("types", &mut out.types),
        ("errors", &mut out.catalogues),
    ] {
        for path in json_files(&dir.join(folder)) {
            match read(&path) {
                Ok((name, map)) => {
                    target.insert(name, map);
                }
                Err(e) => problems.push(e),
            }
        }
    }
    (out, problems)
}

/// `base` (or nothing) with the keys of `patch` replaced.
fn patched<T: Serialize + DeserializeOwned>(
    base: Option<&T>,
    patch: &Map<String, Value>,
) -> Result<T, String> {
    let mut merged = match base.map(serde_json::to_value) {
        Some(Ok(Value::Object(m))) => m,
        _ => Map::new(),
    };
    for (k, v) in patch {
        merged.insert(k.clone(), v.clone());
    }
    serde_json::from_value(Value::Object(merged)).map_err(|e| e.to_string())
}

/// Applies `overrides` to `import`; returns the problems (an override that does not make a
/// valid item is skipped).
pub fn apply(import: &mut Import, overrides: &Overrides) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, patch) in &overrides.methods {
        // A fix of the keys only follows the method when the docs respell it (the server
        // ignores case); a whole method keeps its own spelling.
        let key = if import.methods.contains_key(key) || patch.contains_key("name") {
            key.clone()
        } else {
            import
                .methods
                .keys()
                .find(|(n, v)| *v == key.1 && n.eq_ignore_ascii_case(&key.0))
                .unwrap_or(key)
                .clone()
        };
        let key = &key;
        match patched::<Method>(import.methods.get(key), patch) {
            Ok(m) if (m.name.clone(), m.version) == *key => {
                import.methods.insert(key.clone(), m);
            }
            Ok(m) => problems.push(format!(
                "override for {} ({}) renames it to {} ({})",
                key.0, key.1, m.name, m.version
            )),
            Err(e) => problems.push(format!(
                "override for {} ({}) does not make a method: {e}",
                key.0, key.1
            )),
        }
    }
    apply_named(
        &mut import.events,
        &overrides.events,
        "event",
        |e: &Event| e.name.clone(),
        &mut problems,
    );
    apply_named(
        &mut import.types,
        &overrides.types,
        "type",
        |t: &NamedType| t.name.clone(),
        &mut problems,
    );
    apply_named(
        &mut import.catalogues,
        &overrides.catalogues,
        "error catalogue",
        |c: &ErrorCatalogue| c.name.clone(),
        &mut problems,
    );
    problems
}

/// Applies overrides to items keyed by name.
fn apply_named<T: Serialize + DeserializeOwned>(
    items: &mut BTreeMap<String, T>,
    overrides: &BTreeMap<String, Map<String, Value>>,
    what: &str,
    name_of: impl Fn(&T) -> String,
    problems: &mut Vec<String>,
) {
    for (name, patch) in overrides {
        match patched::<T>(items.get(name), patch) {
            Ok(item) if name_of(&item) == *name => {
                items.insert(name.clone(), item);
            }
            Ok(item) => problems.push(format!(
                "override for {what} {name} renames it to {}",
                name_of(&item)
            )),
            Err(e) => problems.push(format!("override for {what} {name} does not make one: {e}")),
        }
    }
}

/// The override that turns `imported` (if any) into `curated`: the top-level keys that differ.
pub fn needed<T: Serialize>(imported: Option<&T>, curated: &T) -> Map<String, Value> {
    let Ok(Value::Object(curated)) = serde_json::to_value(curated) else {
        return Map::new();
    };
    let imported = imported.and_then(|m| serde_json::to_value(m).ok());
    curated
        .into_iter()
        .filter(|(k, v)| imported.as_ref().and_then(|i| i.get(k)) != Some(v))
        .collect()
}

/// Writes (or removes, when nothing differs) one override file.
fn put(path: &Path, patch: Map<String, Value>) -> std::io::Result<bool> {
    if patch.is_empty() {
        if path.exists() {
            std::fs::remove_file(path)?;
        }
        return Ok(false);
    }
    write_json(path, &Value::Object(patch))?;
    Ok(true)
}

/// Writes under `dir` the overrides that make every curated method and event come out of a
/// re-import exactly as it is, and removes those no longer needed. Returns how many were written.
///
/// # Errors
/// I/O errors.
pub fn record(dir: &Path, import: &Import, curated: &bitrix_spec::Spec) -> std::io::Result<usize> {
    let mut written = 0;
    for (key, method) in &curated.methods {
        let path = dir.join(bitrix_spec::validate::method_file(&key.0, key.1));
        written += usize::from(put(&path, needed(import.methods.get(key), method))?);
    }
    for (name, event) in &curated.events {
        let path = dir.join(format!("events/{name}.json"));
        written += usize::from(put(&path, needed(import.events.get(name), event))?);
    }
    for (name, ty) in &curated.types {
        let path = dir.join(format!("types/{name}.json"));
        written += usize::from(put(&path, needed(import.types.get(name), ty))?);
    }
    for (name, cat) in &curated.catalogues {
        let path = dir.join(format!("errors/{name}.json"));
        written += usize::from(put(&path, needed(import.catalogues.get(name), cat))?);
    }
    Ok(written)
}
