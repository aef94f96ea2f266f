//! `diff`: every change classed for the generated crate's API, methods and events matched
//! ignoring case, and the semver bump of a set of changes.

use std::collections::BTreeMap;

use bitrix_import::diff::{self, Change, Class};
use bitrix_spec::{Event, Method, MethodKey};
use serde_json::{json, Value};

fn method(name: &str, patch: Value) -> (MethodKey, Method) {
    let mut m = json!({
        "name": name, "version": "v1", "rust_name": "AGet", "scope": "crm", "title": "T",
        "doc_url": "https://apidocs.bitrix24.com/x.html", "source": "x.md", "mutates": false,
        "deprecated": null, "params": [], "result": {"type": "any"}, "errors": []
    });
    for (k, v) in patch.as_object().unwrap() {
        m[k] = v.clone();
    }
    let m: Method = serde_json::from_value(m).unwrap();
    ((m.name.clone(), m.version), m)
}

fn lines(changes: &[Change]) -> Vec<String> {
    changes.iter().map(ToString::to_string).collect()
}

/// The diff of one method from `old` to `new` (keys of the method JSON).
fn one(old: Value, new: Value) -> Vec<String> {
    let old: BTreeMap<_, _> = [method("a.get", old)].into();
    let new: BTreeMap<_, _> = [method("a.get", new)].into();
    lines(&diff::methods(&old, &new))
}

fn param(name: &str, ty: &str, required: bool) -> Value {
    json!({"name": name, "type": ty, "required": required})
}

#[test]
fn methods_added_and_removed() {
    let old: BTreeMap<_, _> = [method("a.gone", json!({}))].into();
    let new: BTreeMap<_, _> = [method("a.new", json!({}))].into();
    let changes = diff::methods(&old, &new);
    assert_eq!(
        lines(&changes),
        ["+ a.new (v1) [additive]", "- a.gone (v1) [BREAKING]"]
    );
    assert_eq!(diff::semver(&changes), "major");
    assert_eq!(
        diff::summary(&changes),
        "semver: major (1 breaking, 1 additive, 0 patch)"
    );
}

#[test]
fn a_new_casing_is_a_respelling_and_a_moved_page_is_no_removal() {
    let old: BTreeMap<_, _> = [method(
        "disk.file.copyto",
        json!({"rust_name": "DiskFileCopyto", "source": "disk/a.md"}),
    )]
    .into();
    let new: BTreeMap<_, _> = [method(
        "disk.file.copyTo",
        json!({"rust_name": "DiskFileCopyto", "source": "disk/file/b.md"}),
    )]
    .into();
    let changes = diff::methods(&old, &new);
    assert_eq!(
        lines(&changes),
        [
            "~ renamed spelling: disk.file.copyto → disk.file.copyTo (v1), Rust name kept DiskFileCopyto [patch]",
            "~ disk.file.copyTo (v1): page moved: disk/a.md → disk/file/b.md [patch]",
        ]
    );
    assert_eq!(diff::semver(&changes), "patch");
    // A maintainer's rename of the Rust type breaks callers.
    let renamed: BTreeMap<_, _> = [method(
        "disk.file.copyto",
        json!({"rust_name": "DiskFileCopy", "source": "disk/a.md"}),
    )]
    .into();
    assert_eq!(
        lines(&diff::methods(&old, &renamed)),
        ["~ disk.file.copyto (v1): Rust name DiskFileCopyto → DiskFileCopy [BREAKING]"]
    );
}

#[test]
fn params_classed_by_what_callers_must_change() {
    let old = json!({"params": [
        param("id", "integer", true),
        param("gone", "string", false),
        param("flag", "string", true),
        param("loose", "integer", false),
        {"name": "order", "type": "string", "required": false,
         "enum": [{"value": "ASC"}, {"value": "DESC"}]},
    ]});
    let new = json!({"params": [
        param("id", "string", true),
        param("flag", "string", false),
        param("loose", "any", true),
        {"name": "order", "type": "string", "required": false,
         "enum": [{"value": "ASC"}, {"value": "RAND"}]},
        param("extra", "integer", false),
        param("must", "integer", true),
    ]});
    assert_eq!(
        one(old, new),
        [
            "~ a.get (v1): param `extra` added [additive]",
            "~ a.get (v1): param `flag` made optional [additive]",
            "~ a.get (v1): param `gone` removed [BREAKING]",
            "~ a.get (v1): param `id` retyped integer → string [BREAKING]",
            "~ a.get (v1): param `loose` made required [BREAKING]",
            "~ a.get (v1): param `loose` retyped integer → any [additive]",
            "~ a.get (v1): param `must` added (required) [BREAKING]",
            "~ a.get (v1): param `order` enum value `DESC` removed [BREAKING]",
            "~ a.get (v1): param `order` enum value `RAND` added [additive]",
        ]
    );
}

#[test]
fn result_fields_errors_and_deprecation() {
    let field = |name: &str, ty: &str| json!({"name": name, "type": ty, "required": false});
    let old = json!({
        "result": {"type": "object", "fields": [field("ID", "integer"), field("OLD", "string")]},
        "errors": [{"code": "GONE", "status": 400, "message": "m"}],
    });
    let new = json!({
        "result": {"type": "object", "fields": [field("ID", "integer"), field("NEW", "string")]},
        "errors": [{"code": "NEW_CODE", "status": 400, "message": "m"}],
        "deprecated": {"replacement": "a.get2"},
        "mutates": true,
    });
    let changes = one(old, new);
    assert_eq!(
        changes,
        [
            "~ a.get (v1): deprecated (replacement a.get2) [additive]",
            "~ a.get (v1): error `GONE` removed [BREAKING]",
            "~ a.get (v1): error `NEW_CODE` added [additive]",
            "~ a.get (v1): mutates false → true [patch]",
            "~ a.get (v1): result `result.NEW` added [additive]",
            "~ a.get (v1): result `result.OLD` removed [BREAKING]",
        ]
    );
    // A result typed where it was untyped changes the Rust type.
    assert_eq!(
        one(json!({}), json!({"result": {"type": "integer"}})),
        ["~ a.get (v1): result `result` retyped any → integer [BREAKING]"]
    );
    assert_eq!(
        one(json!({}), json!({"scope": "sale"})),
        ["~ a.get (v1): scope (cargo feature) `crm` → `sale` [BREAKING]"]
    );
}

#[test]
fn only_additions_make_a_minor_bump_and_nothing_none() {
    let added = one(json!({}), json!({"params": [param("x", "integer", false)]}));
    assert_eq!(added, ["~ a.get (v1): param `x` added [additive]"]);
    let old: BTreeMap<_, _> = [method("a.get", json!({}))].into();
    let new: BTreeMap<_, _> = [method(
        "a.get",
        json!({"params": [param("x", "integer", false)]}),
    )]
    .into();
    let changes = diff::methods(&old, &new);
    assert_eq!(diff::semver(&changes), "minor");
    assert_eq!(diff::semver(&diff::methods(&old, &old)), "none");
    assert_eq!(changes[0].class, Class::Additive);
}

#[test]
fn json_has_the_documented_shape() {
    let old: BTreeMap<_, _> = [method("disk.file.copyto", json!({}))].into();
    let new: BTreeMap<_, _> = [method("disk.file.copyTo", json!({}))].into();
    let value = diff::json(&diff::methods(&old, &new));
    assert_eq!(
        value,
        json!({
            "changes": [{
                "kind": "renamed", "method": "disk.file.copyTo", "event": null, "version": "v1",
                "what": "renamed spelling: disk.file.copyto → disk.file.copyTo (v1), Rust name kept AGet",
                "class": "patch"
            }],
            "breaking": 0, "additive": 0, "patch": 1, "semver": "patch"
        })
    );
}

fn event(name: &str, payload: Value) -> (String, Event) {
    let e: Event = serde_json::from_value(json!({
        "name": name, "scope": "crm", "title": "T", "doc_url": "https://apidocs.bitrix24.com/x.html",
        "source": "x.md", "payload": payload
    }))
    .unwrap();
    (name.to_owned(), e)
}

#[test]
fn events_matched_ignoring_case_with_payload_changes() {
    let ts = |ty: &str| json!([{"name": "ts", "type": ty, "required": false}]);
    let old: BTreeMap<_, _> = [
        event("onA", ts("timestamp")),
        event("onCrmDealAdd", json!([])),
        event("onGone", json!([])),
    ]
    .into();
    let new: BTreeMap<_, _> = [
        event("onA", ts("integer")),
        event("OnCrmDealAdd", json!([])),
        event("onB", json!([])),
    ]
    .into();
    assert_eq!(
        lines(&diff::events(&old, &new)),
        [
            "+ event onB [additive]",
            "- event onGone [BREAKING]",
            "~ renamed spelling: event onCrmDealAdd → OnCrmDealAdd [patch]",
            "~ event onA: payload `ts` retyped timestamp → integer [BREAKING]",
        ]
    );
}
