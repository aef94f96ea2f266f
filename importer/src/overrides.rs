//! Hand fixes that survive re-import: `spec/overrides/methods/<version>/<name>.json` holds the
//! top-level keys of a method that replace the imported ones (a whole method where the docs
//! have no page for it). `record` writes them from hand-edited spec files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bitrix_spec::{Method, MethodKey};
use serde_json::{Map, Value};

use crate::Import;

/// Overrides by method key.
pub type Overrides = BTreeMap<MethodKey, Map<String, Value>>;

fn file(dir: &Path, key: &MethodKey) -> PathBuf {
    dir.join(bitrix_spec::validate::method_file(&key.0, key.1))
}

/// Reads every override under `dir` (`dir/methods/<version>/<name>.json`); problems are
/// returned, not fatal.
pub fn load(dir: &Path) -> (Overrides, Vec<String>) {
    let mut out = Overrides::new();
    let mut problems = Vec::new();
    for version in [bitrix_spec::Version::V1, bitrix_spec::Version::V3] {
        let folder = dir.join("methods").join(version.as_str());
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
                continue;
            };
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    serde_json::from_str::<Map<String, Value>>(&t).map_err(|e| e.to_string())
                });
            match parsed {
                Ok(map) => {
                    out.insert((name, version), map);
                }
                Err(e) => problems.push(format!("{}: {e}", path.display())),
            }
        }
    }
    (out, problems)
}

/// Applies `overrides` to `import`; returns the problems (an override that does not make a
/// valid method is skipped).
pub fn apply(import: &mut Import, overrides: &Overrides) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, patch) in overrides {
        let base = match import.methods.get(key) {
            Some(m) => serde_json::to_value(m).unwrap_or(Value::Null),
            None => Value::Object(Map::new()),
        };
        let Value::Object(mut merged) = base else {
            continue;
        };
        for (k, v) in patch {
            merged.insert(k.clone(), v.clone());
        }
        match serde_json::from_value::<Method>(Value::Object(merged)) {
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
    problems
}

/// The override that turns `imported` (if any) into `curated`: the top-level keys that differ.
pub fn needed(imported: Option<&Method>, curated: &Method) -> Map<String, Value> {
    let Value::Object(curated) = serde_json::to_value(curated).unwrap_or(Value::Null) else {
        return Map::new();
    };
    let imported = imported.and_then(|m| serde_json::to_value(m).ok());
    curated
        .into_iter()
        .filter(|(k, v)| imported.as_ref().and_then(|i| i.get(k)) != Some(v))
        .collect()
}

/// Writes under `dir` the overrides that make every method of `curated` come out of a
/// re-import exactly as it is, and removes overrides that are no longer needed. Returns how
/// many overrides were written.
///
/// # Errors
/// I/O errors.
pub fn record(
    dir: &Path,
    import: &Import,
    curated: &BTreeMap<MethodKey, Method>,
) -> std::io::Result<usize> {
    let mut written = 0;
    for (key, method) in curated {
        let patch = needed(import.methods.get(key), method);
        let path = file(dir, key);
        if patch.is_empty() {
            if path.exists() {
                std::fs::remove_file(&path)?;
            }
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut text =
            serde_json::to_string_pretty(&Value::Object(patch)).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)?;
        written += 1;
    }
    Ok(written)
}
