//! Tests of [`super`]: linked field pages, on small pages written to a temporary directory.

use std::collections::BTreeSet;
use std::fs;

use crate::method;

const THING_FIELDS: &str = "# Thing fields crm.thing.fields\n\n> Scope: [`crm`](../scopes.md)\n\n## Returned Data\n\n#|\n|| **Field** / **Type** | **Description** ||\n|| **ID**\n[`integer`](../data-types.md) | Identifier. Read-only ||\n|| **TITLE**\n[`string`](../data-types.md) | Title ||\n|| **SORT***\n[`integer`](../data-types.md) | Order ||\n|#\n";

fn add_page(action: &str, fields_row: &str) -> String {
    format!(
        "# Change a thing crm.thing.{action}\n\n> Scope: [`crm`](../scopes.md)\n\nThe method `crm.thing.{action}` changes a thing.\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **id***\n[`integer`](../data-types.md) | Id ||\n{fields_row}\n|| **filter**\n[`object`](../data-types.md) | Filter by [the fields](./crm-thing-fields.md) ||\n|| **values**\n[`object`](../data-types.md) | Format `{{\"field_1\": \"value_1\"}}`, see [fields](./crm-thing-fields.md) ||\n|#\n"
    )
}

fn import(fields_row: &str) -> bitrix_spec::Method {
    import_as("update", fields_row)
}

fn import_as(action: &str, fields_row: &str) -> bitrix_spec::Method {
    let root = std::env::temp_dir().join(format!(
        "b24-linked-{}-{action}-{}",
        std::process::id(),
        fields_row.len()
    ));
    let dir = root.join("api-reference/crm/thing");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("crm-thing-fields.md"), THING_FIELDS).unwrap();
    let file = format!("crm-thing-{action}.md");
    fs::write(dir.join(&file), add_page(action, fields_row)).unwrap();
    let known = BTreeSet::new();
    let imported = method::method(
        &root,
        &format!("api-reference/crm/thing/{file}"),
        &known,
        &Default::default(),
    );
    fs::remove_dir_all(&root).unwrap();
    match imported {
        Ok(i) => i.method,
        Err(_) => panic!("the test page does not import"),
    }
}

#[test]
fn fields_documented_on_another_page_are_adopted_as_optional() {
    let m = import("|| **fields***\n[`array`](../data-types.md) | Values; see [thing fields](./crm-thing-fields.md) ||");
    let fields = m.params.iter().find(|p| p.name == "fields").unwrap();
    assert!(matches!(fields.ty.kind, bitrix_spec::Kind::Object { .. }));
    let names: Vec<(&str, &str, Option<bool>)> = fields
        .ty
        .fields()
        .iter()
        .map(|f| (f.name.as_str(), f.ty.kind.name(), Some(f.required)))
        .collect();
    assert_eq!(
        names,
        [
            ("TITLE", "string", Some(false)),
            ("SORT", "integer", Some(false))
        ]
    );
    assert!(m
        .confidence
        .unwrap()
        .reasons
        .iter()
        .any(|r| r == "`fields`: 2 fields from ./crm-thing-fields.md, 1 read-only left out, none required here"));
    // Filters link field pages too, and free-form maps name their keys elsewhere.
    for loose in ["filter", "values"] {
        assert!(
            m.params
                .iter()
                .find(|p| p.name == loose)
                .unwrap()
                .ty
                .fields()
                .is_empty(),
            "{loose}"
        );
    }
}

#[test]
fn an_overview_page_is_a_field_list_only_where_an_anchor_points() {
    let links = super::page_links(
        "See [fields](./index.md#fields), [the overview](../index.md), [types](../data-types.md#x)",
    );
    assert_eq!(
        links,
        [("./index.md".to_owned(), Some("fields".to_owned()))]
    );
}

#[test]
fn links_to_unrelated_or_missing_pages_change_nothing() {
    let m = import("|| **fields***\n[`object`](../data-types.md) | See [how to upload](../files/how-to-upload-files.md) and [gone](./crm-gone-fields.md) ||");
    let fields = m.params.iter().find(|p| p.name == "fields").unwrap();
    assert!(fields.ty.fields().is_empty());
    assert!(super::siblings(
        "a/crm-thing-update.md",
        "./crm-thing-add.md"
    ));
    assert!(!super::siblings(
        "a/sale-pay-system-add.md",
        "./sale-pay-system-handler-add.md"
    ));
    assert!(!super::siblings(
        "a/crm-thing-update.md",
        "../other/crm-thing-add.md"
    ));
}

#[test]
fn a_fields_page_documenting_its_answer_gives_the_fields_inside_result() {
    use bitrix_spec::{Field, Kind, Type};
    let inner = vec![
        Field::new("ID", false, Type::of(Kind::Integer)),
        Field::new("XML_ID", false, Type::of(Kind::String)),
    ];
    let answer = vec![
        Field::new("result", false, Type::of(Kind::object_of(inner.clone()))),
        Field::new("time", false, Type::of(Kind::Any)),
    ];
    assert_eq!(super::without_envelope(answer), Some(inner.clone()));
    // A table of the entity itself that has a `result` key among others stays whole.
    let entity = vec![
        Field::new("result", false, Type::of(Kind::object_of(inner.clone()))),
        Field::new("NAME", false, Type::of(Kind::String)),
    ];
    assert_eq!(super::without_envelope(entity.clone()), Some(entity));
    // An answer whose result is a bare value documents no entity.
    let bare = vec![
        Field::new("result", false, Type::of(Kind::Integer)),
        Field::new("time", false, Type::of(Kind::Any)),
    ];
    assert_eq!(super::without_envelope(bare), None);
}

#[test]
fn the_method_that_creates_the_entity_requires_what_its_fields_page_requires() {
    let row =
        "|| **fields**\n[`object`](../data-types.md) | The [fields](./crm-thing-fields.md) ||";
    let m = import_as("add", row);
    let fields = m.params.iter().find(|p| p.name == "fields").unwrap();
    let required: Vec<(&str, bool)> = fields
        .ty
        .fields()
        .iter()
        .map(|f| (f.name.as_str(), f.required))
        .collect();
    assert_eq!(required, [("TITLE", false), ("SORT", true)]);
    let reasons = m.confidence.unwrap().reasons;
    assert!(reasons.iter().any(|r| r
        == "`fields`: 2 fields from ./crm-thing-fields.md, 1 read-only left out, 1 required, as that page marks them, for creating"), "{reasons:?}");
}

#[test]
fn a_nested_row_links_an_article_whose_tables_all_list_fields() {
    let root = std::env::temp_dir().join(format!("b24-linked-nested-{}", std::process::id()));
    let dir = root.join("api-reference/crm/thing");
    fs::create_dir_all(&dir).unwrap();
    let article = "# Extra fields\n\nPassed in `EXTRA`.\n\n## Theme\n\n#|\n|| **Field**\n`type` | **Description** ||\n|| **THEME**\n[`string`](../data-types.md) | Theme ||\n|#\n\n## Meta\n\n#|\n|| **Field**\n`type` | **Description** ||\n|| **META_TITLE**\n[`string`](../data-types.md) | Title ||\n|| **THEME**\n[`string`](../data-types.md) | Again ||\n|#\n";
    fs::write(dir.join("extra-fields.md"), article).unwrap();
    let page = "# Change a thing crm.thing.update\n\n> Scope: [`crm`](../scopes.md)\n\nThe method `crm.thing.update` changes a thing.\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **fields***\n[`object`](../data-types.md) | Values, [below](#fields) ||\n|#\n\n### Parameter fields {#fields}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **TITLE**\n[`string`](../data-types.md) | Title ||\n|| **EXTRA**\n[`object`](../data-types.md) | See [Extra fields](./extra-fields.md) ||\n|#\n";
    fs::write(dir.join("crm-thing-update.md"), page).unwrap();
    let imported = method::method(
        &root,
        "api-reference/crm/thing/crm-thing-update.md",
        &BTreeSet::new(),
        &Default::default(),
    );
    fs::remove_dir_all(&root).unwrap();
    let Ok(imported) = imported else {
        panic!("the test page does not import")
    };
    let m = imported.method;
    let fields = m.params.iter().find(|p| p.name == "fields").unwrap();
    let extra = fields
        .ty
        .fields()
        .iter()
        .find(|f| f.name == "EXTRA")
        .unwrap();
    let names: Vec<&str> = extra.ty.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["THEME", "META_TITLE"]);
    let reasons = m.confidence.unwrap().reasons;
    assert!(
        reasons
            .iter()
            .any(|r| r == "`fields.EXTRA`: 2 fields from ./extra-fields.md, none required here"),
        "{reasons:?}"
    );
}

#[test]
fn rows_the_page_says_cannot_be_written_are_read_only() {
    let table = |text: &str| crate::yfm::tables(&text.lines().collect::<Vec<_>>()).remove(0);
    let described = table("#|\n|| **Name**\n`type` | **Description** ||\n|| **ID**\n[`integer`](t.md) | Identifier. Read-only ||\n|| **TYPE**\n[`integer`](t.md) | Type. Read-only. Possible values: ||\n|| **FILES**\n[`array`](t.md) | Multiple, read-only ||\n|| **LOCKED**\n[`boolean`](t.md) | Read-only indicator ||\n|| **NAME**\n[`string`](t.md) | Name ||\n|#\n");
    assert_eq!(super::read_only_rows(&described), ["ID", "TYPE", "FILES"]);
    let by_column = table("#|\n|| **Name**\n`type` | **Description** | **Read** | **Write** ||\n|| **ID**\n[`integer`](t.md) | Id | Yes | No ||\n|| **TITLE**\n[`string`](t.md) | Title | Yes | Yes ||\n|#\n");
    assert_eq!(super::read_only_rows(&by_column), ["ID"]);
}
