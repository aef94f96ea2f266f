//! Bad spec input is reported with file and JSON path, every problem at once.

use std::fs;
use std::path::PathBuf;

use bitrix_spec::{load_dir, Severity};

/// A throwaway spec directory under the target dir.
fn spec_dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("spec-{name}"));
    let _ = fs::remove_dir_all(&dir);
    for (rel, text) in files {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn method(name: &str, version: &str, params: &str) -> String {
    format!(
        r#"{{"name": "{name}", "version": "{version}", "scope": "crm", "title": "T",
        "doc_url": "https://apidocs.bitrix24.com/x.html", "source": "x.md", "mutates": false,
        "deprecated": null, "params": {params}, "result": {{"type": "boolean"}}, "errors": []}}"#
    )
}

fn messages(dir: &std::path::Path) -> Vec<String> {
    load_dir(dir)
        .problems
        .0
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_checked_in_spec_has_no_errors() {
    let loaded = load_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let errors: Vec<_> = loaded.problems.errors().collect();
    assert!(errors.is_empty(), "{}", loaded.problems);
    assert!(loaded.spec.methods.len() >= 33);
}

#[test]
fn missing_keys_and_unknown_types_are_reported_with_paths() {
    let dir = spec_dir(
        "missing",
        &[
            (
                "methods/v1/crm.a.json",
                &method(
                    "crm.a",
                    "v1",
                    r#"[{"name": "fields", "type": "object", "required": true, "fields": [
                        {"name": "X", "type": "crm_nowhere", "required": true},
                        {"type": "integer", "required": false},
                        {"name": "Y", "type": "integer"}
                    ]}]"#,
                ),
            ),
            (
                "methods/v1/crm.b.json",
                r#"{"name": "crm.b", "version": "v1"}"#,
            ),
        ],
    );
    let m = messages(&dir);
    let text = m.join("\n");
    assert!(
        text.contains(
            "error: methods/v1/crm.a.json: $.params[0].fields[0]: unknown type `crm_nowhere`"
        ),
        "{text}"
    );
    assert!(
        text.contains("error: methods/v1/crm.a.json: $.params[0].fields[1]: missing key `name`"),
        "{text}"
    );
    assert!(
        text.contains(
            "error: methods/v1/crm.a.json: $.params[0].fields[2]: missing key `required`"
        ),
        "{text}"
    );
    // Every missing key of crm.b, not only the first.
    for key in [
        "scope",
        "title",
        "doc_url",
        "source",
        "mutates",
        "deprecated",
        "params",
        "result",
        "errors",
    ] {
        let expected = format!("error: methods/v1/crm.b.json: $: missing key `{key}`");
        assert!(text.contains(&expected), "{key}: {text}");
    }
    assert_eq!(m.len(), 12, "{text}");
}

#[test]
fn duplicates_and_collisions() {
    let dir = spec_dir(
        "dup",
        &[
            (
                "methods/v1/crm.a.json",
                &method(
                    "crm.a",
                    "v1",
                    r#"[{"name": "ID", "type": "integer", "required": true},
                        {"name": "id", "type": "integer", "required": true},
                        {"name": "id", "type": "string", "required": false}]"#,
                ),
            ),
            // Same key as crm.a in another file.
            ("methods/v1/crm.copy.json", &method("crm.a", "v1", "[]")),
        ],
    );
    let loaded = load_dir(&dir);
    let text = loaded.problems.to_string();
    assert!(
        text.contains("methods/v1/crm.copy.json: $.name: duplicate method (crm.a, v1)"),
        "{text}"
    );
    assert!(text.contains("methods/v1/crm.copy.json: $.name: method (crm.a, v1) must live in `methods/v1/crm.a.json`"), "{text}");
    assert!(
        text.contains("$.params[2]: duplicate field `id` (also $.params[1])"),
        "{text}"
    );
    let collision = loaded
        .problems
        .0
        .iter()
        .find(|p| p.message.contains("collide after case conversion"))
        .expect("collision reported");
    assert_eq!(collision.severity, Severity::Warning);
    assert_eq!(collision.path, "$.params[1]");
}

#[test]
fn malformed_json_and_wrong_constraints() {
    let dir = spec_dir(
        "malformed",
        &[
            ("methods/v1/crm.bad.json", "{ not json"),
            (
                "methods/v1/crm..x.json",
                &method(
                    "crm..x",
                    "v1",
                    r#"[{"name": "n", "type": "integer", "required": true, "constraints": {"max_length": 3}}]"#,
                ),
            ),
            (
                "methods/v1/crm.e.json",
                &method(
                    "crm.e",
                    "v1",
                    r#"[{"name": "n", "type": "integer", "required": true, "enum": [{"value": "a"}]}]"#,
                ),
            ),
        ],
    );
    let text = messages(&dir).join("\n");
    assert!(
        text.contains("methods/v1/crm.bad.json: $: invalid JSON: key must be a string"),
        "{text}"
    );
    assert!(text.contains("malformed method name `crm..x`"), "{text}");
    assert!(
        text.contains("constraint `max_length` does not apply to type `integer`"),
        "{text}"
    );
    assert!(
        text.contains("enum value `a` does not fit type `integer`"),
        "{text}"
    );
}

#[test]
fn paging_of_the_wrong_generation_or_shape_is_reported() {
    let with_paging = |name: &str, version: &str, paging: &str| {
        let m = method(name, version, "[]");
        format!("{}, \"paging\": {paging}}}", m.trim_end_matches('}'))
    };
    let dir = spec_dir(
        "paging",
        &[
            (
                "methods/v1/crm.a.list.json",
                &with_paging("crm.a.list", "v1", r#"{"kind": "cursor", "id": "id"}"#),
            ),
            (
                "methods/v3/crm.b.list.json",
                &with_paging("crm.b.list", "v3", r#""start""#),
            ),
            (
                "methods/v1/crm.c.list.json",
                &with_paging("crm.c.list", "v1", r#"{"kind": "start", "rows": "x"}"#),
            ),
            (
                "methods/v1/crm.d.list.json",
                &with_paging("crm.d.list", "v1", r#"{"kind": "start_upper", "id": "ID"}"#),
            ),
        ],
    );
    let text = messages(&dir).join("\n");
    assert!(
        text.contains(
            "crm.a.list.json: $.paging.kind: paging kind `cursor` does not belong to v1 methods"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "crm.b.list.json: $.paging.kind: paging kind `start` does not belong to v3 methods"
        ),
        "{text}"
    );
    assert!(text.contains("unknown field `rows`"), "{text}");
    assert!(!text.contains("crm.d.list"), "{text}");
}

#[test]
fn an_optional_result_must_be_able_to_be_absent() {
    let with = |name: &str, result: &str, extra: &str| {
        let m = method(name, "v1", "[]").replace(r#""type": "boolean""#, result);
        format!(
            "{}, \"result_optional\": true{extra}}}",
            m.trim_end_matches('}')
        )
    };
    let object =
        r#""type": "object", "fields": [{"name": "ID", "required": false, "type": "integer"}]"#;
    let dir = spec_dir(
        "result-optional",
        &[
            (
                "methods/v1/crm.a.get.json",
                &with("crm.a.get", r#""type": "boolean""#, ""),
            ),
            (
                "methods/v1/crm.b.get.json",
                &with("crm.b.get", r#""type": "any""#, ""),
            ),
            (
                "methods/v1/crm.c.list.json",
                &with("crm.c.list", r#""type": "array""#, r#", "paging": "start""#),
            ),
            ("methods/v1/crm.d.get.json", &with("crm.d.get", object, "")),
        ],
    );
    let text = messages(&dir).join("\n");
    assert!(
        text.contains(
            "crm.a.get.json: $.result_optional: result_optional on a result of kind `boolean`, which holds `false` and `null` itself"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "crm.b.get.json: $.result_optional: result_optional on a result of kind `any`"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "crm.c.list.json: $.result_optional: result_optional on a paged list, whose pages are never absent"
        ),
        "{text}"
    );
    assert!(!text.contains("crm.d.get"), "{text}");
}

#[test]
fn a_missing_directory_is_an_error_not_a_panic() {
    let loaded = load_dir(std::path::Path::new("/nonexistent/spec"));
    assert!(loaded.problems.has_errors());
    assert!(loaded
        .problems
        .to_string()
        .contains("spec directory does not exist"));
}

#[test]
fn parts_that_do_not_fit_their_kind_are_all_reported_and_the_rest_still_checked() {
    let dir = spec_dir(
        "misplaced",
        &[(
            "methods/v1/crm.m.json",
            &method(
                "crm.m",
                "v1",
                r#"[{"name": "a", "type": "string", "required": true, "items": {"type": "any"}},
                    {"name": "b", "type": "array", "required": true, "fields": [
                        {"name": "x", "type": "integer", "required": true}]},
                    {"name": "c", "type": "array", "required": true,
                     "items": {"name": "i", "type": "integer"}},
                    {"name": "d", "type": "object", "required": true, "pattern": "P_*"},
                    {"name": "e", "type": "object", "required": true,
                     "patterns": [{"type": "any"}], "variants": [{"type": "any"}]},
                    {"name": "f", "type": "crm_nowhere", "required": true}]"#,
            ),
        )],
    );
    let text = messages(&dir).join("\n");
    let file = "error: methods/v1/crm.m.json";
    for expected in [
        "$.params[0]: `items` on a `string`; only arrays have items",
        "$.params[1]: `fields` on a `array`; only objects have fields",
        "$.params[2].items: only fields take `name`/`required`",
        "$.params[3]: `pattern` belongs to `patterns` entries, not to fields",
        "$.params[4].patterns[0]: missing key `pattern`",
        "$.params[4]: `variants` on a `object`; only unions have variants",
        // The repaired file is still validated as a whole.
        "$.params[5]: unknown type `crm_nowhere`",
    ] {
        assert!(
            text.contains(&format!("{file}: {expected}")),
            "{expected}\n{text}"
        );
    }
    assert_eq!(text.lines().count(), 7, "{text}");
}

#[test]
fn no_code_is_spelled_by_leaving_code_out() {
    let errors = r#"[
        {"code": "", "status": 400, "message": "Empty"},
        {"code": "-", "status": 400, "message": "Dash"},
        {"code": "\u2014", "status": 400, "message": "Em dash"},
        {"status": 400, "message": " "},
        {"status": 400, "message": "Access denied"},
        {"code": "NOT_FOUND", "status": 400, "message": ""}
    ]"#;
    let text =
        method("crm.a", "v1", "[]").replace(r#""errors": []"#, &format!(r#""errors": {errors}"#));
    let catalogue = r#"{"name": "system", "title": "T", "doc_url": "https://apidocs.bitrix24.com/e.html",
        "source": "e.md", "errors": [{"status": 500, "message": "No code"}, {"code": " ", "status": 500, "message": "Blank"}]}"#;
    let dir = spec_dir(
        "no-code",
        &[
            ("methods/v1/crm.a.json", &text),
            ("errors/system.json", catalogue),
        ],
    );
    let empty = "an error without a code leaves `code` out (not \"\", \"-\" or \"\u{2014}\")";
    assert_eq!(
        messages(&dir),
        [
            "error: errors/system.json: $.errors[0]: catalogue error without a code".to_owned(),
            format!("error: errors/system.json: $.errors[1]: {empty}"),
            format!("error: methods/v1/crm.a.json: $.errors[0]: {empty}"),
            format!("error: methods/v1/crm.a.json: $.errors[1]: {empty}"),
            format!("error: methods/v1/crm.a.json: $.errors[2]: {empty}"),
            "error: methods/v1/crm.a.json: $.errors[3]: an error without a code needs its message: nothing else tells it apart".to_owned(),
        ]
    );
}

/// `method` with a recorded Rust name.
fn named(name: &str, rust_name: &str) -> String {
    method(name, "v1", "[]").replacen(
        r#""scope""#,
        &format!(r#""rust_name": "{rust_name}", "scope""#),
        1,
    )
}

#[test]
fn rust_names_must_be_type_names_unique_with_their_error_enums() {
    let dir = spec_dir(
        "rust-names",
        &[
            ("methods/v1/a.b.json", &named("a.b", "AB")),
            ("methods/v1/a.c.json", &named("a.c", "AB")),
            ("methods/v1/a.d.json", &named("a.d", "ABError")),
            ("methods/v1/a.e.json", &named("a.e", "snake_case")),
            ("methods/v1/a.f.json", &named("a.f", "Result")),
        ],
    );
    assert_eq!(
        messages(&dir),
        [
            "error: methods/v1/a.c.json: $.rust_name: `ABError` is also a name of a.b (v1)",
            "error: methods/v1/a.c.json: $.rust_name: `AB` is also a name of a.b (v1)",
            "error: methods/v1/a.d.json: $.rust_name: `ABError` is also a name of a.c (v1)",
            "error: methods/v1/a.e.json: $.rust_name: `snake_case` is not an UpperCamelCase type name of ASCII letters and digits",
            "error: methods/v1/a.f.json: $.rust_name: `Result` is not an UpperCamelCase type name of ASCII letters and digits",
        ]
    );
}

#[test]
fn two_spellings_of_one_method_are_an_error() {
    let dir = spec_dir(
        "spellings",
        &[
            (
                "methods/v1/disk.file.copyto.json",
                &method("disk.file.copyto", "v1", "[]"),
            ),
            (
                "methods/v1/disk.file.copyTo.json",
                &method("disk.file.copyTo", "v1", "[]"),
            ),
            (
                "methods/v3/disk.file.copyto.json",
                &method("disk.file.copyto", "v3", "[]"),
            ),
        ],
    );
    assert_eq!(
        messages(&dir),
        ["error: methods/v1/disk.file.copyto.json: $.name: `disk.file.copyto` and `disk.file.copyTo` differ only by case: the server takes them for one method"]
    );
}
