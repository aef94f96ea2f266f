//! Every file in spec/ validates against spec/schema/spec.schema.json.

use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

#[test]
fn every_spec_file_matches_the_json_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema_path = root.join("schema/spec.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&schema_path).unwrap()).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (folder, def) in [
        ("methods", "method"),
        ("types", "named_type"),
        ("events", "event"),
        ("errors", "error_catalogue"),
    ] {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource("spec.schema.json", schema.clone())
            .unwrap();
        let id = compiler
            .compile(&format!("spec.schema.json#/$defs/{def}"), &mut schemas)
            .unwrap();
        let mut list = Vec::new();
        files(&root.join(folder), &mut list);
        assert!(!list.is_empty(), "no files in {folder}");
        for path in list {
            let doc: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
            if let Err(e) = schemas.validate(&doc, id) {
                failures.push(format!("{}: {e:#}", path.display()));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 60, "only {checked} files checked");
}

#[test]
fn the_schema_rejects_what_it_should() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("schema/spec.schema.json")).unwrap())
            .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("spec.schema.json", schema).unwrap();
    let id = compiler
        .compile("spec.schema.json#/$defs/method", &mut schemas)
        .unwrap();
    let bad = serde_json::json!({
        "name": "crm.x", "version": "v2", "scope": "crm", "title": "t",
        "doc_url": "http://insecure", "source": "s", "mutates": false, "deprecated": null,
        "params": [{"name": "a", "type": "integer"}], "result": {"type": "any"}, "errors": [],
        "surprise": 1
    });
    let err = format!("{:#}", schemas.validate(&bad, id).unwrap_err());
    for expected in ["/version", "/doc_url", "/params/0", "surprise"] {
        assert!(err.contains(expected), "{expected} not in {err}");
    }
}
