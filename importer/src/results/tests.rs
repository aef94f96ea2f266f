//! Synthetic docs trees, one kind of evidence each, imported whole (so the entity sharing that
//! runs once every page is read is part of what is tested).

use std::fs;
use std::path::PathBuf;

use bitrix_spec::{Kind, Method, Type, Version};

use crate::Import;

/// A method page: title, scope, an optional response example and returned-data rows.
fn page(name: &str, example: Option<&str>, rows: &str, after: &str) -> String {
    let example = example
        .map(|e| format!("HTTP Status: **200**\n\n```json\n{e}\n```\n\n"))
        .unwrap_or_default();
    let table = if rows.is_empty() {
        String::new()
    } else {
        format!(
            "### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n{rows}\n|| **time**\n[`time`](../data-types.md) | Timing ||\n|#\n\n{after}"
        )
    };
    format!(
        "# Do it {name}\n\n> Scope: [`crm`](../scopes.md)\n\nThe method `{name}` does it.\n\n## Method Parameters\n\nNo parameters.\n\n## Response Handling\n\n{example}{table}\n## Error Handling\n\nNone.\n"
    )
}

/// Imports the pages (path under `api-reference/crm/thing/`, text) of one docs tree.
fn import(test: &str, pages: &[(&str, String)]) -> Import {
    let root: PathBuf =
        std::env::temp_dir().join(format!("b24-results-{test}-{}", std::process::id()));
    let dir = root.join("api-reference/crm/thing");
    fs::create_dir_all(&dir).unwrap();
    for (file, text) in pages {
        fs::write(dir.join(file), text).unwrap();
    }
    let import = crate::import(&root);
    fs::remove_dir_all(&root).unwrap();
    import
}

fn method<'i>(import: &'i Import, name: &str) -> &'i Method {
    import
        .methods
        .get(&(name.to_owned(), Version::V1))
        .unwrap_or_else(|| panic!("{name} is not imported: {:?}", import.methods.keys()))
}

fn reasons(m: &Method) -> Vec<&str> {
    m.confidence
        .iter()
        .flat_map(|c| c.reasons.iter().map(String::as_str))
        .collect()
}

fn field_kinds(ty: &Type) -> Vec<(&str, &str, bool)> {
    ty.fields()
        .iter()
        .map(|f| (f.name.as_str(), f.ty.kind.name(), f.required))
        .collect()
}

const THING_ROWS: &str = "|| **ID***\n[`integer`](../data-types.md) | Id ||\n|| **TITLE**\n[`string`](../data-types.md) | Title ||";

#[test]
fn a_primitive_result_row_types_the_result() {
    let text = page(
        "crm.thing.delete",
        Some(r#"{"result": true}"#),
        "|| **result**\n[`boolean`](../data-types.md) | Done ||",
        "",
    );
    let i = import("primitive", &[("crm-thing-delete.md", text)]);
    let m = method(&i, "crm.thing.delete");
    assert_eq!(m.result.kind, Kind::Boolean);
    assert!(reasons(m).contains(&"result: typed by the returned-data table"));
    assert!(i
        .documented_results
        .contains(&("crm.thing.delete".into(), Version::V1)));
}

#[test]
fn a_nested_table_by_anchor_becomes_one_named_entity_for_get_and_list() {
    let get = page(
        "crm.thing.get",
        Some(r#"{"result": {"ID": "5", "TITLE": "A"}}"#),
        "|| **result**\n[`thing`](#thing) | The thing, described [below](#thing) ||",
        &format!("#### Thing {{#thing}}\n\n#|\n|| **Name**\n`type` | **Description** ||\n{THING_ROWS}\n|#\n\n"),
    );
    let list = page(
        "crm.thing.list",
        Some(r#"{"result": [{"ID": "5"}], "total": 1}"#),
        "|| **result**\n[`thing[]`](crm-thing-get.md#thing) | The things ||\n|| **total**\n[`integer`](../data-types.md) | Count ||",
        "",
    );
    let i = import(
        "anchor",
        &[("crm-thing-get.md", get), ("crm-thing-list.md", list)],
    );
    let named = Type::of(Kind::Named("crm_thing".into()));
    assert_eq!(method(&i, "crm.thing.get").result, named);
    assert_eq!(method(&i, "crm.thing.list").result.items(), Some(&named));
    let thing = &i.types["crm_thing"];
    // The docs' required marks stay as written; generated answers read every field as optional.
    assert_eq!(
        field_kinds(&thing.ty),
        [("ID", "integer", true), ("TITLE", "string", false)]
    );
    assert_eq!(thing.source, "api-reference/crm/thing/crm-thing-get.md");
    assert_eq!(thing.title, "Thing");
    assert!(reasons(method(&i, "crm.thing.list"))
        .iter()
        .any(|r| r.starts_with("result: the entity is the shared named type `crm_thing`")));
    let measures = super::measure::measure(&i);
    assert_eq!(measures.typed_lists, (1, 1));
    assert_eq!(measures.typed_results, (2, 2));
}

#[test]
fn a_fields_page_link_types_a_wrapped_list() {
    let fields = format!(
        "# Thing fields\n\n#|\n|| **Name**\n`type` | **Description** ||\n{THING_ROWS}\n|#\n"
    );
    let list = page(
        "crm.thing.list",
        Some(r#"{"result": {"items": [{"ID": 1, "TITLE": "A"}]}}"#),
        "|| **result**\n[`object`](../data-types.md) | Holds `items` ||\n|| **items**\n[`item[]`](./thing-fields.md) | The things, see [fields](./thing-fields.md) ||",
        "",
    );
    let i = import(
        "wrapper",
        &[("thing-fields.md", fields), ("crm-thing-list.md", list)],
    );
    let result = &method(&i, "crm.thing.list").result;
    assert_eq!(field_kinds(result), [("items", "array", false)]);
    assert_eq!(
        result.fields()[0].ty.items().map(|t| &t.kind),
        Some(&Kind::Named("crm_thing".into()))
    );
    assert_eq!(
        i.types["crm_thing"].source,
        "api-reference/crm/thing/thing-fields.md"
    );
    assert_eq!(i.types["crm_thing"].title, "Thing fields");
}

#[test]
fn the_sibling_fields_method_defines_an_entity_its_list_page_does_not() {
    let fields = page(
        "crm.thing.fields",
        Some(
            r#"{"result": {"ID": {"type": "integer", "isRequired": false}, "TAGS": {"type": "string", "isRequired": false, "isMultiple": true}}}"#,
        ),
        "",
        "",
    );
    let list = page(
        "crm.thing.list",
        Some(r#"{"result": [{"ID": "3", "TAGS": ["a"]}]}"#),
        "",
        "",
    );
    let i = import(
        "sibling",
        &[("crm-thing-fields.md", fields), ("crm-thing-list.md", list)],
    );
    let m = method(&i, "crm.thing.list");
    assert_eq!(
        m.result.items().map(|t| &t.kind),
        Some(&Kind::Named("crm_thing".into()))
    );
    let thing = &i.types["crm_thing"].ty;
    assert_eq!(
        field_kinds(thing),
        [("ID", "integer", false), ("TAGS", "array", false)]
    );
    assert_eq!(
        thing.fields()[1].ty.items().map(|t| &t.kind),
        Some(&Kind::String)
    );
}

#[test]
fn a_fields_page_without_an_answer_defines_the_entity_by_its_own_field_table() {
    let fields = "# Thing fields crm.thing.fields\n\n> Scope: [`crm`](../scopes.md)\n\nThe method `crm.thing.fields` describes them.\n\n## Code Examples\n\nNone.\n\n## Fields\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **ID**\n[`integer`](../data-types.md) | Id ||\n|| **NAME**\n[`string`](../data-types.md) | Name ||\n|#\n".to_owned();
    let list = "# Things crm.thing.list\n\n> Scope: [`crm`](../scopes.md)\n\nThe method `crm.thing.list` lists them.\n\n## Method Parameters\n\nNo parameters.\n".to_owned();
    let i = import(
        "own-table",
        &[("crm-thing-fields.md", fields), ("crm-thing-list.md", list)],
    );
    // The fields method's own answer stays undocumented; the list answers with the entity.
    assert_eq!(method(&i, "crm.thing.fields").result.kind, Kind::Any);
    let m = method(&i, "crm.thing.list");
    assert_eq!(
        m.result.items().map(|t| &t.kind),
        Some(&Kind::Named("crm_thing".into()))
    );
    assert_eq!(
        field_kinds(&i.types["crm_thing"].ty),
        [("ID", "integer", false), ("NAME", "string", false)]
    );
}

#[test]
fn an_example_alone_gives_its_shape_with_every_field_optional() {
    let text = page(
        "crm.thing.status",
        Some(r#"{"result": {"state": "on", "count": 2, "tags": [], "extra": null}}"#),
        "",
        "",
    );
    let i = import("example", &[("crm-thing-status.md", text)]);
    let m = method(&i, "crm.thing.status");
    assert_eq!(
        field_kinds(&m.result),
        [
            ("count", "integer", false),
            ("extra", "any", false),
            ("state", "string", false),
            ("tags", "array", false)
        ]
    );
    assert!(reasons(m)
        .contains(&"result: shape inferred from the response example, every field optional"));
}

#[test]
fn a_result_that_stays_untyped_says_why() {
    let text = page("crm.thing.ping", Some(r#"{"result": null}"#), "", "");
    let i = import("untyped", &[("crm-thing-ping.md", text)]);
    let m = method(&i, "crm.thing.ping");
    assert_eq!(m.result.kind, Kind::Any);
    assert!(reasons(m).contains(&"result untyped: the response example's result is null"));
    let measures = super::measure::measure(&i);
    assert_eq!(measures.typed_results, (0, 1));
    assert_eq!(
        measures.untyped_reasons,
        [("the response example's result is null".to_owned(), 1)]
    );
}

#[test]
fn the_example_wins_where_the_table_contradicts_it() {
    // The table documents the object under `thing`; the answer wraps it in a list.
    let text = page(
        "crm.thing.get",
        Some(r#"{"result": {"things": [{"ID": 1}]}}"#),
        THING_ROWS,
        "",
    );
    let i = import("contradiction", &[("crm-thing-get.md", text)]);
    let m = method(&i, "crm.thing.get");
    assert_eq!(field_kinds(&m.result), [("things", "array", false)]);
    assert!(reasons(m).contains(
        &"result: the table's fields are those of each `things` element in the response example"
    ));
}

#[test]
fn a_table_key_spelt_unlike_the_examples_one_key_is_that_key() {
    // The table says `thingItem`, the answer sends `thingItems`: one key, the wire's spelling.
    let rows = "|| **result**\n[`object`](../data-types.md) | Root ||\n|| **thingItem**\n[`object[]`](../data-types.md) | Things ||";
    let text = page(
        "crm.thing.list",
        Some(r#"{"result": {"thingItems": [{"ID": 1}]}}"#),
        rows,
        "",
    );
    let i = import("spelt", &[("crm-thing-list.md", text)]);
    let m = method(&i, "crm.thing.list");
    assert_eq!(field_kinds(&m.result), [("thingItems", "array", false)]);
    assert!(reasons(m).contains(
        &"result: the table's `thingItem` is the response example's `thingItems`, spelt differently; the example's spelling is kept"
    ));
    // Keys far apart in spelling are not taken for one another.
    assert!(!super::spelt_alike("thingItem", "products"));
    assert!(!super::spelt_alike("id", "ids"));
    assert!(super::spelt_alike(
        "paymentItemBasket",
        "paymentItemsBasket"
    ));
}

#[test]
fn entity_names_are_the_method_prefix_in_snake_case() {
    use super::entity::entity_name;
    assert_eq!(entity_name("crm.deal.list").as_deref(), Some("crm_deal"));
    assert_eq!(
        entity_name("sale.paymentItemShipment.add").as_deref(),
        Some("sale_payment_item_shipment")
    );
    assert_eq!(entity_name("profile"), None);
}

#[test]
fn a_table_of_the_wrapper_key_types_the_wrapped_answer() {
    use bitrix_spec::{Field, Kind, Type};
    let task = Type::of(Kind::object_of(vec![Field {
        name: "id".to_owned(),
        required: false,
        ty: Type::of(Kind::Integer),
    }]));
    let documented = Type::of(Kind::object_of(vec![Field {
        name: "items".to_owned(),
        required: false,
        ty: Type::of(Kind::array_of(task.clone())),
    }]));
    let inner = super::wrapped_key(&documented, &serde_json::json!([{"id": 1}])).unwrap();
    assert_eq!(inner.ty, Type::of(Kind::array_of(task)));
    // An answer that still has the key is the documented object itself.
    assert!(super::wrapped_key(&documented, &serde_json::json!({"items": []})).is_none());
    assert!(super::wrapped_key(&documented, &serde_json::json!(true)).is_none());
}

#[test]
fn a_method_whose_title_says_list_returns_a_list_of_the_documented_object() {
    // `calendar.event.get` is titled "Get Calendar Events List"; its table documents one event.
    let text = page("crm.thing.get", None, THING_ROWS, "")
        .replace("# Do it crm.thing.get", "# Get Things List crm.thing.get");
    let i = import("title-list", &[("crm-thing-get.md", text)]);
    let m = method(&i, "crm.thing.get");
    let item = m.result.items().expect("a list");
    let fields = match &item.kind {
        Kind::Named(n) => i.types[n.as_str()].ty.fields().to_vec(),
        _ => item.fields().to_vec(),
    };
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["ID", "TITLE"]);
}

#[test]
fn another_action_of_the_family_answering_with_the_entitys_fields_shares_its_type() {
    let rows = "|| **ID***\n[`integer`](../data-types.md) | Id ||\n|| **TITLE**\n[`string`](../data-types.md) | Title ||\n|| **SIZE**\n[`integer`](../data-types.md) | Size ||\n|| **OWNER**\n[`integer`](../data-types.md) | Owner ||";
    let get = page(
        "crm.thing.get",
        None,
        &format!("|| **result**\n[`object`](../data-types.md) | The thing ||\n{rows}"),
        "",
    );
    let three = "|| **ID**\n[`integer`](../data-types.md) | Id ||\n|| **TITLE**\n[`string`](../data-types.md) | Title ||\n|| **SIZE**\n[`integer`](../data-types.md) | Size ||";
    let moved = page("crm.thing.moveto", None, three, "");
    // A field the entity lacks: its own object stays.
    let renamed = page(
        "crm.thing.rename",
        None,
        &format!("{three}\n|| **NEW_NAME**\n[`string`](../data-types.md) | Name ||"),
        "",
    );
    // Too few fields to tell.
    let touched = page(
        "crm.thing.touch",
        None,
        "|| **ID**\n[`integer`](../data-types.md) | Id ||",
        "",
    );
    let i = import(
        "family",
        &[
            ("crm-thing-get.md", get),
            ("crm-thing-moveto.md", moved),
            ("crm-thing-rename.md", renamed),
            ("crm-thing-touch.md", touched),
        ],
    );
    let named = Type::of(Kind::Named("crm_thing".into()));
    assert_eq!(method(&i, "crm.thing.get").result, named);
    assert_eq!(method(&i, "crm.thing.moveto").result, named);
    assert!(reasons(method(&i, "crm.thing.moveto"))
        .iter()
        .any(|r| r.starts_with("result: its object has only fields of the entity `crm_thing`")));
    assert_eq!(method(&i, "crm.thing.rename").result.fields().len(), 4);
    assert_eq!(method(&i, "crm.thing.touch").result.fields().len(), 1);
}

#[test]
fn a_fields_method_whose_table_documents_each_description_keeps_that_object() {
    let example = r#"{"result": {"TITLE": {"title": "Title", "type": "string"}, "ID": {"title": "Id", "type": "integer", "primary": true}}}"#;
    let rows = "|| **result**\n[`object`](../data-types.md) | Object with fields. For each field, an object with a description is returned [(detailed description)](#field-description) ||";
    let after = "#### Field Description Object {#field-description}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **title**\n[`string`](../data-types.md) | Title ||\n|| **type**\n[`string`](../data-types.md) | Type ||\n|| **primary**\n[`boolean`](../data-types.md) | Primary ||\n|#\n\n";
    let import = import(
        "field-descriptions",
        &[(
            "crm-thing-fields.md",
            page("crm.thing.fields", Some(example), rows, after),
        )],
    );
    let m = method(&import, "crm.thing.fields");
    let [each] = m.result.patterns() else {
        panic!("{:?}", m.result)
    };
    assert_eq!(
        field_kinds(&each.ty),
        [
            ("title", "string", false),
            ("type", "string", false),
            ("primary", "boolean", false)
        ]
    );
    assert!(
        reasons(m).contains(&"result: typed by the returned-data table"),
        "{:?}",
        reasons(m)
    );
}
