//! The generated Rust type name of every method, recorded in the spec so that it outlives a
//! change of the wire name's casing in the docs: a method keeps the name the checked-in spec
//! records for it (same version, name compared ignoring case); only a new method gets one
//! derived by the rules of `bitrix_spec::naming`, unique across the spec.

use std::collections::BTreeSet;

use bitrix_spec::naming::{method_type_base, unique_method_type, ERROR_SUFFIX};
use bitrix_spec::{Spec, Version};

use crate::Import;

/// Fills `rust_name` of the methods that have none (an override may have set it): from
/// `checked`, else derived. Returns how many were derived.
pub fn assign(import: &mut Import, checked: &Spec) -> usize {
    let mut taken = BTreeSet::new();
    for m in import.methods.values_mut() {
        if m.rust_name.is_none() {
            m.rust_name = checked
                .method_ignoring_case(&m.name, m.version)
                .and_then(|c| c.rust_name.clone());
        }
        if let Some(rust) = &m.rust_name {
            taken.insert(rust.clone());
            taken.insert(format!("{rust}{ERROR_SUFFIX}"));
        }
    }
    let v1: BTreeSet<String> = import
        .methods
        .keys()
        .filter(|(_, v)| *v == Version::V1)
        .map(|(n, _)| n.to_lowercase())
        .collect();
    let mut derived = 0;
    // In key order, so the numbering of colliding names is deterministic.
    for m in import.methods.values_mut() {
        if m.rust_name.is_some() {
            continue;
        }
        let twin = m.version == Version::V3 && v1.contains(&m.name.to_lowercase());
        let rust = unique_method_type(&method_type_base(&m.name, twin), &taken);
        taken.insert(format!("{rust}{ERROR_SUFFIX}"));
        taken.insert(rust.clone());
        m.rust_name = Some(rust);
        derived += 1;
    }
    derived
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_spec::Method;

    fn method(name: &str, version: &str, rust: Option<&str>) -> Method {
        serde_json::from_value(serde_json::json!({
            "name": name, "version": version, "rust_name": rust, "scope": "disk", "title": "T",
            "doc_url": "https://apidocs.bitrix24.com/x.html", "source": "x.md", "mutates": true,
            "deprecated": null, "params": [], "result": {"type": "any"}, "errors": []
        }))
        .unwrap()
    }

    fn import(methods: &[Method]) -> Import {
        Import {
            methods: methods
                .iter()
                .map(|m| ((m.name.clone(), m.version), m.clone()))
                .collect(),
            ..Import::default()
        }
    }

    fn names(import: &Import) -> Vec<(String, String)> {
        import
            .methods
            .values()
            .map(|m| (m.name.clone(), m.rust_name.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_new_casing_keeps_the_recorded_name_and_new_methods_get_free_names() {
        let checked = import(&[
            method("disk.file.copyto", "v1", Some("DiskFileCopyto")),
            method("a.b", "v1", Some("AB")),
        ]);
        let checked = Spec {
            methods: checked.methods,
            ..Spec::default()
        };
        let mut new = import(&[
            method("disk.file.copyTo", "v1", None),
            method("a.b", "v1", None),
            // Its derived name `AB` is taken by `a.b`.
            method("a_b", "v1", None),
            method("tasks.task.get", "v1", None),
            method("tasks.task.get", "v3", None),
            // An override's name stays.
            method("x.y", "v1", Some("Renamed")),
        ]);
        assert_eq!(assign(&mut new, &checked), 3);
        assert_eq!(
            names(&new),
            [
                ("a.b".into(), "AB".into()),
                ("a_b".into(), "ABMethod".into()),
                ("disk.file.copyTo".into(), "DiskFileCopyto".into()),
                ("tasks.task.get".into(), "TasksTaskGet".into()),
                ("tasks.task.get".into(), "TasksTaskGetV3".into()),
                ("x.y".into(), "Renamed".into()),
            ]
        );
    }
}
