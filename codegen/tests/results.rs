//! Result types on a tiny synthetic spec: every result struct, and every named type an answer
//! reaches, has all-optional fields and an `extra` map; a named type only requests use keeps
//! its required fields; field docs say the docs' type as the docs' type.

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::json;

fn method(name: &str, params: serde_json::Value, result: serde_json::Value) -> serde_json::Value {
    json!({
        "name": name, "version": "v1", "scope": "demo", "title": "Fixture",
        "doc_url": "https://apidocs.bitrix24.com/fixture.html", "source": "fixture.md",
        "mutates": false, "deprecated": null, "params": params, "result": result,
        "result_wrapper": null, "paging": null, "errors": []
    })
}

fn named(name: &str, ty: serde_json::Value) -> serde_json::Value {
    let mut t = json!({
        "name": name, "title": "Demo", "source": "demo.md",
        "doc_url": format!("https://apidocs.bitrix24.com/{name}.html"),
    });
    t.as_object_mut()
        .unwrap()
        .extend(ty.as_object().unwrap().clone());
    t
}

/// The generated single file of the synthetic spec, built once: the tests run in parallel and
/// would otherwise remove and rewrite the same fixture directory under each other.
fn generated() -> String {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(generate_synthetic).clone()
}

fn generate_synthetic() -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("results-spec");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("methods/v1")).unwrap();
    fs::create_dir_all(dir.join("types")).unwrap();
    let write = |path: &str, value: serde_json::Value| {
        fs::write(dir.join(path), serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    };
    write(
        "types/demo_deal.json",
        named(
            "demo_deal",
            json!({"type": "object", "fields": [
                {"name": "ID", "type": "integer", "required": true},
                {"name": "CLOSED", "type": "yn", "required": true},
                {"name": "CURRENCY", "type": "demo_tag", "required": false},
            ]}),
        ),
    );
    write(
        "types/demo_tag.json",
        named(
            "demo_tag",
            json!({"type": "object", "fields": [
                {"name": "NAME", "type": "string", "required": true},
            ]}),
        ),
    );
    write(
        "types/demo_filter.json",
        named(
            "demo_filter",
            json!({"type": "object", "fields": [
                {"name": "STAGE", "type": "string", "required": true},
            ]}),
        ),
    );
    write(
        "methods/v1/demo.deal.list.json",
        method(
            "demo.deal.list",
            json!([{"name": "filter", "type": "demo_filter", "required": true},
                   {"name": "tag", "type": "demo_tag", "required": false}]),
            json!({"type": "array", "items": {"type": "demo_deal"}}),
        ),
    );
    write(
        "methods/v1/demo.deal.get.json",
        method(
            "demo.deal.get",
            json!([]),
            json!({"type": "object", "fields": [
                {"name": "ID", "type": "integer", "required": true},
                {"name": "DEALS", "type": "array", "required": true,
                 "items": {"type": "object", "fields": [
                     {"name": "TITLE", "type": "string", "required": true}]}},
            ]}),
        ),
    );
    let mut read = method(
        "demo.chat.read",
        json!([]),
        json!({"type": "object", "fields": [{"name": "chatId", "type": "integer", "required": false}]}),
    );
    read["result_optional"] = json!(true);
    write("methods/v1/demo.chat.read.json", read);
    let loaded = bitrix_spec::load_dir(&dir);
    assert!(!loaded.problems.has_errors(), "{}", loaded.problems);
    bitrix_codegen::generate_file(&loaded.spec, "synthetic")
}

/// The lines of `pub struct {name} { … }`, trimmed.
fn struct_body(text: &str, name: &str) -> String {
    let start = text
        .find(&format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("no struct {name} in:\n{text}"));
    text[start..]
        .lines()
        .map(str::trim)
        .take_while(|l| *l != "}")
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn result_structs_are_all_optional_and_keep_unknown_keys() {
    let text = generated();
    let result = struct_body(&text, "DemoDealGetResult");
    assert!(result.contains("pub id: Option<i64>,"), "{result}");
    assert!(
        result.contains("pub deals: Option<Vec<DemoDealGetResultDealsItem>>,"),
        "{result}"
    );
    assert!(
        result.contains("#[bitrix(extra)]\npub extra: Map<String, Value>,"),
        "{result}"
    );
    let item = struct_body(&text, "DemoDealGetResultDealsItem");
    assert!(item.contains("pub title: Option<String>,"), "{item}");
    assert!(item.contains("pub extra: Map<String, Value>,"), "{item}");
}

#[test]
fn named_types_an_answer_reaches_are_all_optional() {
    let text = generated();
    // Reached by `demo.deal.list`'s result.
    let deal = struct_body(&text, "DemoDeal");
    assert!(deal.contains("pub id: Option<i64>,"), "{deal}");
    assert!(deal.contains("pub closed: Option<bool>,"), "{deal}");
    assert!(deal.contains("pub extra: Map<String, Value>,"), "{deal}");
    // Reached by a request and, through `demo_deal`, by a result.
    let tag = struct_body(&text, "DemoTag");
    assert!(tag.contains("pub name: Option<String>,"), "{tag}");
    // Only a request uses it: its required field stays a constructor argument.
    let filter = struct_body(&text, "DemoFilter");
    assert!(filter.contains("pub stage: String,"), "{filter}");
    assert!(
        filter.contains("pub extra: Map<String, Value>,"),
        "{filter}"
    );
}

#[test]
fn field_docs_name_the_documented_type() {
    let text = generated();
    let deal = struct_body(&text, "DemoDeal");
    assert!(
        deal.contains("/// `ID`: documented as integer.\n"),
        "{deal}"
    );
    assert!(
        deal.contains("/// `CLOSED`: documented as Y/N flag.\n"),
        "{deal}"
    );
    assert!(
        deal.contains("/// `CURRENCY`: documented as `demo_tag`.\n"),
        "{deal}"
    );
    let filter = struct_body(&text, "DemoFilter");
    assert!(
        filter.contains("/// `STAGE`: documented as string, required.\n"),
        "{filter}"
    );
    // A named type links the page it comes from.
    assert!(
        text.contains("/// [Official documentation](https://apidocs.bitrix24.com/demo_deal.html)"),
        "{text}"
    );
}

#[test]
fn a_result_the_docs_say_may_be_false_or_null_is_an_option() {
    let text = generated();
    assert!(
        text.contains("result = Option<DemoChatReadResult>,"),
        "{text}"
    );
    assert!(
        text.contains(
            "/// Answers `None` when the server sends `null` or `false` instead of a result"
        ),
        "{text}"
    );
    // Other results stay as they are.
    assert!(text.contains("result = DemoDealGetResult,"), "{text}");
}

/// The attribute line right above `pub struct {name}`.
fn object_attribute(text: &str, name: &str) -> String {
    let start = text
        .find(&format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("no struct {name} in:\n{text}"));
    // Only the lines right above the struct: its doc and attributes.
    text[..start]
        .trim_end()
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
        .find(|l| l.starts_with("#[bitrix_object"))
        .map(str::to_owned)
        .unwrap_or_default()
}

#[test]
fn structures_only_answers_reach_are_received_and_have_no_builder() {
    let text = generated();
    for answer in [
        "DemoDeal",
        "DemoDealGetResult",
        "DemoDealGetResultDealsItem",
    ] {
        assert_eq!(
            object_attribute(&text, answer),
            "#[bitrix_object(received)]",
            "{answer}"
        );
    }
    // A request sends these, one of them also answers reach: callers build them.
    for sent in ["DemoTag", "DemoFilter"] {
        assert_eq!(object_attribute(&text, sent), "#[bitrix_object]", "{sent}");
    }
}
