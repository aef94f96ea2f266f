//! Overrides without the docs: recording the keys that differ and applying them back.

use bitrix_import::{overrides, Import};
use bitrix_spec::{Method, Version};

fn method(title: &str, required: bool) -> Method {
    serde_json::from_value(serde_json::json!({
        "name": "a.b", "version": "v1", "scope": "crm", "title": title,
        "doc_url": "https://apidocs.bitrix24.com/x.html", "source": "x.md", "mutates": true,
        "deprecated": null, "params": [{"name": "id", "type": "integer", "required": required}],
        "result": {"type": "boolean"}, "errors": []
    }))
    .unwrap()
}

#[test]
fn recorded_overrides_reproduce_the_curated_method() {
    let key = ("a.b".to_owned(), Version::V1);
    let imported = method("Imported title", false);
    let curated = method("Curated title", true);
    let patch = overrides::needed(Some(&imported), &curated);
    let keys: Vec<&String> = patch.keys().collect();
    assert_eq!(keys, ["params", "title"]);

    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("overrides-test");
    let _ = std::fs::remove_dir_all(&dir);
    let mut import = Import::default();
    import.methods.insert(key.clone(), imported);
    let written = overrides::record(
        &dir,
        &import,
        &bitrix_spec::Spec {
            methods: [(key.clone(), curated.clone())].into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(written, 1);
    let (loaded, problems) = overrides::load(&dir);
    assert!(problems.is_empty());
    assert!(overrides::apply(&mut import, &loaded).is_empty());
    assert_eq!(import.methods[&key], curated);
}

#[test]
fn a_bad_override_is_reported_not_applied() {
    let key = ("a.b".to_owned(), Version::V1);
    let mut import = Import::default();
    import.methods.insert(key.clone(), method("T", true));
    let bad = serde_json::json!({"version": "v9"});
    let fixes = overrides::Overrides {
        methods: [(key.clone(), bad.as_object().unwrap().clone())].into(),
        ..Default::default()
    };
    let problems = overrides::apply(&mut import, &fixes);
    assert!(
        problems[0].contains("does not make a method"),
        "{problems:?}"
    );
    assert_eq!(import.methods[&key].title, "T");
}

#[test]
fn a_fix_follows_its_method_when_the_docs_respell_it() {
    let mut respelled = method("T", false);
    respelled.name = "a.B".to_owned();
    let key = ("a.B".to_owned(), Version::V1);
    let mut import = Import::default();
    import.methods.insert(key.clone(), respelled);
    let fix = serde_json::json!({"title": "Fixed"});
    let fixes = overrides::Overrides {
        methods: [(
            ("a.b".to_owned(), Version::V1),
            fix.as_object().unwrap().clone(),
        )]
        .into(),
        ..Default::default()
    };
    assert!(overrides::apply(&mut import, &fixes).is_empty());
    assert_eq!(import.methods.len(), 1);
    assert_eq!(import.methods[&key].title, "Fixed");
}
