//! Recorded Rust names: a method is generated under the `rust_name` its spec records, even when
//! the wire name's casing changed or an item nested in another method would take that name.

use bitrix_spec::{Method, Spec};

fn method(name: &str, rust_name: Option<&str>, params: serde_json::Value) -> Method {
    serde_json::from_value(serde_json::json!({
        "name": name, "version": "v1", "rust_name": rust_name, "scope": "lists", "title": "T",
        "doc_url": "https://apidocs.bitrix24.com/x.html", "source": "x.md", "mutates": false,
        "deprecated": null, "params": params, "result": {"type": "any"}, "errors": []
    }))
    .expect("a valid method")
}

fn generate(methods: Vec<Method>) -> String {
    let spec = Spec {
        methods: methods
            .into_iter()
            .map(|m| ((m.name.clone(), m.version), m))
            .collect(),
        ..Spec::default()
    };
    let mut problems = bitrix_spec::Problems::default();
    bitrix_spec::validate::validate(&spec, &mut problems);
    assert!(!problems.has_errors(), "{problems}");
    bitrix_codegen::generate_file(&spec, "test")
}

fn enum_param() -> serde_json::Value {
    serde_json::json!([{"name": "IBLOCK_TYPE_ID", "type": "string", "required": true,
        "enum": [{"value": "lists"}, {"value": "bitrix_processes"}]}])
}

#[test]
fn a_recorded_name_wins_over_a_nested_item_and_over_the_wire_casing() {
    let text = generate(vec![
        // Its parameter's enum would be `ListsGetIblockTypeId` …
        method("lists.get", Some("ListsGet"), enum_param()),
        // … which this method records as its own name.
        method(
            "lists.get.iblock.type.id",
            Some("ListsGetIblockTypeId"),
            serde_json::json!([]),
        ),
        // The docs now spell it `copyTo`; the type keeps its recorded name.
        method(
            "disk.file.copyTo",
            Some("DiskFileCopyto"),
            serde_json::json!([]),
        ),
    ]);
    for expected in [
        "pub struct ListsGetIblockTypeId {}",
        "pub enum ListsGetIblockTypeId2 {",
        "pub struct DiskFileCopyto {}",
    ] {
        assert!(text.contains(expected), "no `{expected}` in:\n{text}");
    }
    assert!(!text.contains("DiskFileCopyTo"), "{text}");
}

#[test]
fn without_a_recorded_name_the_name_is_derived_and_gives_way() {
    let text = generate(vec![
        method("lists.get", None, enum_param()),
        method("lists.get.iblock.type.id", None, serde_json::json!([])),
    ]);
    assert!(text.contains("pub enum ListsGetIblockTypeId {"), "{text}");
    assert!(
        text.contains("pub struct ListsGetIblockTypeIdMethod {}"),
        "{text}"
    );
}
