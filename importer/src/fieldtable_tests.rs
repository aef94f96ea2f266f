//! The field-table reader on small synthetic pages, one docs habit each.

use std::collections::BTreeSet;

use bitrix_spec::Kind;

use crate::page::Page;

#[test]
fn an_object_described_in_tabs_has_the_keys_of_every_tab() {
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **SETTINGS**\n[`object`](x.md) | Settings, described [below](#settings) ||\n|#\n\n### SETTINGS {#settings}\n\n{% list tabs %}\n\n- string\n\n    #|\n    || **Name**\n    `type` | **Description** ||\n    || **DEFAULT_VALUE**\n    [`string`](x.md) | Default ||\n    || **DISPLAY**\n    [`string`](x.md) | How:\n    - `LIST` — list\n    - `UI` — editable ||\n    |#\n\n- integer\n\n    #|\n    || **Name**\n    `type` | **Description** ||\n    || **DEFAULT_VALUE**\n    [`integer`](x.md) | Default ||\n    || **DISPLAY**\n    [`string`](x.md) | How:\n    - `DIALOG` — dialog\n    - `UI` — editable ||\n    || **LIST_HEIGHT** | Height ||\n    |#\n\n- enumeration\n\n    #|\n    || **Name**\n    `type` | **Description** ||\n    || **LIST_HEIGHT**\n    [`integer`](x.md) | Height ||\n    |#\n\n{% endlist %}\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    let settings = &fields[0].ty;
    let names: Vec<&str> = settings.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["DEFAULT_VALUE", "DISPLAY", "LIST_HEIGHT"]);
    let default = &settings.fields()[0].ty;
    assert_eq!(default.kind, Kind::Any);
    assert_eq!(default.doc_type.as_deref(), Some("string | integer"));
    let display: Vec<String> = settings.fields()[1]
        .ty
        .enum_values
        .iter()
        .map(|v| format!("{:?}", v.value))
        .collect();
    assert_eq!(display.len(), 3, "{display:?}");
    // The row without a type takes the type another tab gives it.
    assert_eq!(settings.fields()[2].ty.kind, Kind::Integer);
}

#[test]
fn an_object_of_objects_each_described_by_a_table_is_a_map_of_them() {
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **PROPERTIES**\n[`object`](x.md) | Contains objects, each describing a [parameter](#property) ||\n|| **EVENTS**\n[`object`](x.md) | The value is an array of objects, each describing an [event](#event) ||\n|| **FIELDS**\n[`object`](x.md) | Object with fields. For each field, an object with a description is returned [(detailed description)](#field-description) ||\n|#\n\n### PROPERTY {#property}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **Type**\n[`string`](x.md) | Type ||\n|#\n\n### EVENT {#event}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **ID**\n[`integer`](x.md) | Id ||\n|#\n\n### Field Description Object {#field-description}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **title**\n[`string`](x.md) | Title ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    let properties = &fields[0].ty;
    assert!(properties.fields().is_empty());
    let [pattern] = properties.patterns() else {
        panic!("{properties:?}")
    };
    assert_eq!(pattern.pattern, "*");
    assert_eq!(pattern.ty.fields()[0].name, "Type");
    // An array of described objects is not a map of them.
    assert!(fields[1].ty.patterns().is_empty());
    assert_eq!(fields[1].ty.fields()[0].name, "ID");
    let [per_field] = fields[2].ty.patterns() else {
        panic!("{:?}", fields[2].ty)
    };
    assert_eq!(per_field.ty.fields()[0].name, "title");
}

#[test]
fn a_row_required_only_under_a_condition_is_optional() {
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **CHAT_ID***\n[`integer`](x.md) | Chat. Required if `DIALOG_ID` is not provided ||\n|| **DIALOG_ID***\n[`string`](x.md) | Dialog ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut reasons = Vec::new();
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut BTreeSet::new(), &mut reasons);
    let required: Vec<(&str, bool)> = fields
        .iter()
        .map(|f| (f.name.as_str(), f.required))
        .collect();
    assert_eq!(required, [("CHAT_ID", false), ("DIALOG_ID", true)]);
    assert_eq!(
        reasons,
        ["`CHAT_ID`: required only under a condition the row states; optional here"]
    );
}

#[test]
fn an_object_or_map_values_the_row_names_a_type_of_have_that_type() {
    let text = "# Page\n\n## Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **measure**\n[`object`](x.md) | Format `{\"field_1\": \"value_1\"}`, where `value` is an object of type [rest_field_description](x.md#rest_field_description) ||\n|| **other**\n[`object`](x.md) | Where `value` is an object of type [unknown_type](x.md) ||\n|| **relations**\n[`object`](x.md) | Links. The structure is described by the object [`type.relations`](x.md#typerelations) ||\n|#\n";
    let known = BTreeSet::from([
        "rest_field_description".to_owned(),
        "type.relations".to_owned(),
    ]);
    let page = Page::new(text, &known);
    let (fields, _) = super::fields_of(
        &page,
        &page.tables[0],
        &mut BTreeSet::new(),
        &mut Vec::new(),
    );
    let [pattern] = fields[0].ty.patterns() else {
        panic!("{:?}", fields[0].ty)
    };
    assert_eq!(
        pattern.ty.kind,
        Kind::Named("rest_field_description".into())
    );
    // A type the spec does not define leaves the map loose.
    assert_eq!(fields[1].ty.kind, Kind::object());
    // An object whose structure the row names is that type.
    assert_eq!(fields[2].ty.kind, Kind::Named("type.relations".into()));
}

#[test]
fn a_sub_table_named_like_a_row_but_above_its_table_is_another_object() {
    let text = "# Page\n\n## Parameters\n\n### Parameter `item`\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **text***\n[`string`](x.md) | Text ||\n|#\n\n## Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **item**\n[`object`](x.md) | The result ||\n|#\n\n### Object `item`\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **id**\n[`integer`](x.md) | Id ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let answer = &page.tables[1];
    let mut used = BTreeSet::from([answer.line]);
    let (fields, _) = super::fields_of(&page, answer, &mut used, &mut Vec::new());
    let item: Vec<&str> = fields[0]
        .ty
        .fields()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(item, ["id"]);
}

#[test]
fn select_linking_the_fields_table_is_a_list_of_their_names() {
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **select**\n[`array`](x.md) | Fields to select (see [fields](#fields)) ||\n|#\n\n### Fields {#fields}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **ID**\n[`integer`](x.md) | Id ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    assert_eq!(fields[0].ty.items().map(|t| &t.kind), Some(&Kind::String));
    // The fields table is taken: no other row can nest it by name.
    assert!(used.contains(&page.tables[1].line));
}

#[test]
fn a_sort_object_keyed_by_the_entity_fields_takes_directions() {
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **SORT**\n[`object`](x.md) | Sorting: `{field: 'ASC'}` by [fields](#fields) ||\n|| **order**\n[`object`](x.md) | The order to pay, see [its fields](#order) ||\n|#\n\n### Fields {#fields}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **ID**\n[`integer`](x.md) | Id ||\n|#\n\n### Order {#order}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **id**\n[`integer`](x.md) | Id ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    let id = &fields[0].ty.fields()[0].ty;
    assert_eq!(id.kind, Kind::Named("sort_direction".into()));
    // An entity called `order` (a sale order) keeps its fields' types.
    assert_eq!(fields[1].ty.fields()[0].ty.kind, Kind::Integer);
}

#[test]
fn a_free_form_sort_object_is_a_map_of_directions() {
    let text = "# Page

## Parameters

#|
|| **Name**
`type` | **Description** ||
|| **order**
[`object`](x.md) | Sorting in the form `{field: 'asc'}`, where the direction is `asc` or `desc` ||
|| **sort**
[`object`](x.md) | Sort by the fields of the entity ||
|#
";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    let [pattern] = fields[0].ty.patterns() else {
        panic!("{:?}", fields[0].ty);
    };
    assert_eq!(pattern.pattern, "*");
    assert_eq!(pattern.ty.kind, Kind::Named("sort_direction".into()));
    // No direction named: the object stays free-form.
    assert_eq!(fields[1].ty.kind, Kind::object());
}

#[test]
fn an_enum_keeps_its_values_and_a_list_of_formats_is_no_enum() {
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **DELETED_TYPE**\n[`enum`](x.md) | Deletion status:\n- `0` — not deleted\n- `3` — in the trash ||\n|| **PRIORITY**\n[`enum`](x.md) | Priority ||\n|| **DIALOG_ID**\n[`string`](x.md) | Chat in the format:\n- `chatXXX` — chat\n- `XXX` — user ||\n|| **NUMBER**\n[`string`](x.md) | Template:\n- `INV-{NUMBER}`\n- `{NUMBER}` ||\n|| **FILTER**\n[`string`](x.md) | Fields:\n- `NAME` — name\n- `USER_TYPE` — type:\n    - `employee` — employee\n    - `email` — mail user ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    let deleted = &fields[0].ty;
    let values: Vec<String> = deleted
        .enum_values
        .iter()
        .map(|v| format!("{:?}", v.value))
        .collect();
    assert_eq!(deleted.kind, Kind::Integer);
    assert_eq!(values, ["Int(0)", "Int(3)"]);
    // An enum without values says nothing of how its codes are sent.
    assert_eq!(fields[1].ty.kind, Kind::Any);
    for placeholder in &fields[2..] {
        assert_eq!(placeholder.ty.kind, Kind::String, "{}", placeholder.name);
        assert!(
            placeholder.ty.enum_values.is_empty(),
            "{}",
            placeholder.name
        );
    }
}

#[test]
fn a_map_of_a_named_type_is_not_the_table_of_its_keys() {
    let text = "# Page\n\n## Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **LANG**\n[`object`](x.md) | Format `{\"lang_1\": \"value_1\"}`, where `value` is an object of type [crm_currency_localization](#crm_currency_localization). Keys are in the [language ids](#lang-ids) ||\n|#\n\n### Language ids {#lang-ids}\n\n#|\n|| **Language**\n`type` | **Description** ||\n|| **de**\n[`string`](x.md) | German ||\n|#\n";
    let known = BTreeSet::from(["crm_currency_localization".to_owned()]);
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    let lang = &fields[0].ty;
    assert!(lang.fields().is_empty(), "{lang:?}");
    let Kind::Object { patterns, .. } = &lang.kind else {
        panic!("{lang:?}")
    };
    assert_eq!(
        (patterns[0].pattern.as_str(), &patterns[0].ty.kind),
        ("*", &Kind::Named("crm_currency_localization".to_owned()))
    );
}

#[test]
fn an_array_of_things_with_a_table_is_a_list_and_an_array_of_fields_an_object() {
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **QUESTIONS**\n[`array`](x.md) | An array of vote questions, described [below](#q) ||\n|| **FIELDS**\n[`array`](x.md) | An array of fields to set, described [below](#f) ||\n|| **RIGHTS**\n[`array`](x.md) | Array of role rights by sites, where the key is the site id [more](#f) ||\n|#\n\n### Question {#q}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **QUESTION**\n[`string`](x.md) | Text ||\n|#\n\n### Fields {#f}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **TITLE**\n[`string`](x.md) | Title ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    let questions = fields[0].ty.items().map(|i| i.fields()[0].name.as_str());
    assert_eq!(questions, Some("QUESTION"));
    assert_eq!(fields[1].ty.fields()[0].name, "TITLE");
    assert!(fields[2].ty.items().is_none(), "{:?}", fields[2].ty);
}

#[test]
fn a_type_linked_to_an_anchor_is_the_structure_documented_there() {
    let text = "# Page\n\n## Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **result**\n[`section[]`](#section)\\|`null` | Sections ||\n|#\n\n### Section {#section}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **name**\n[`string`](x.md) | Name ||\n|| **elements**\n[`section_element[]`](#section_element) | Fields ||\n|#\n\n### Element {#section_element}\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **optionFlags**\n[`string`](x.md) | Flags ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    let section = fields[0].ty.items().expect("a list of sections");
    let names: Vec<&str> = section.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["name", "elements"]);
    let element = section.fields()[1].ty.items().expect("a list of elements");
    assert_eq!(element.fields()[0].name, "optionFlags");
}

#[test]
fn a_lists_values_are_those_of_its_items() {
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **BYDAY**\n[`array`](x.md) | Days:\n- `SU` — Sunday\n- `MO` — Monday ||\n|| **ids**\n[`integer[]`](x.md) | Ids, values: `1`, `2` ||\n|| **items**\n[`array`](x.md) | Array of objects:\n- `id` — id\n- `name` — name ||\n|| **result**\n[`array`](x.md) | Two flags:\n- `isExisting => true/false` — exists\n- `isAvailable => true/false` — callable ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let mut used = BTreeSet::from([page.tables[0].line]);
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut used, &mut Vec::new());
    let values = |i: usize| -> Vec<String> {
        let item = fields[i].ty.items().expect("a list with items");
        item.enum_values
            .iter()
            .map(|v| v.value.to_string())
            .collect()
    };
    assert_eq!(fields[0].ty.items().map(|t| &t.kind), Some(&Kind::String));
    assert_eq!(values(0), ["SU", "MO"]);
    assert_eq!(values(1), ["1", "2"]);
    // Keys of the listed objects are no values, nor are keys written with their values.
    assert_eq!(fields[2].ty.items(), None);
    assert_eq!(fields[3].ty.items(), None);
}

#[test]
fn keys_listed_flat_after_an_element_row_are_keys_of_each_element() {
    let row = |name: &str, ty: &str| format!("|| **{name}**\n[`{ty}`](x.md) | About {name} ||\n");
    let mut text =
        "# Page\n\n## Returned data\n\n#|\n|| **Name**\n`type` | **Description** ||\n".to_owned();
    for (name, ty) in [
        ("result", "object"),
        ("name", "string"),
        ("members", "array"),
        ("members[]", "object"),
        ("userId", "integer"),
        ("name", "string"),
        ("time", "time"),
    ] {
        text.push_str(&row(name, ty));
    }
    text.push_str("|#\n");
    let known = BTreeSet::new();
    let page = Page::new(&text, &known);
    let mut reasons = Vec::new();
    let (fields, _) = super::fields_of(&page, &page.tables[0], &mut BTreeSet::new(), &mut reasons);
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["result", "name", "members", "time"]);
    let member = fields[2].ty.items().expect("members is a list");
    let keys: Vec<&str> = member.fields().iter().map(|f| f.name.as_str()).collect();
    // The member's `name` is its own key, not the first `name` listed twice.
    assert_eq!(keys, ["userId", "name"]);
    assert!(reasons.is_empty(), "{reasons:?}");

    // A table that spells the element's keys by path keeps its other rows where they are.
    let text = "# Page\n\n## Returned data\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **items[]**\n[`object`](x.md) | Item ||\n|| **items[].id**\n[`integer`](x.md) | Id ||\n|| **total**\n[`integer`](x.md) | Total ||\n|| **count**\n[`integer`](x.md) | Count ||\n|#\n";
    let page = Page::new(text, &known);
    let (fields, _) = super::fields_of(
        &page,
        &page.tables[0],
        &mut BTreeSet::new(),
        &mut Vec::new(),
    );
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["items", "total", "count"]);
    assert_eq!(fields[0].ty.items().unwrap().fields().len(), 1);
}

#[test]
fn a_string_of_the_values_y_and_n_alone_is_a_flag() {
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **PIN**\n[`string`](x.md) | Pin:\n- `Y` — pin the chat\n- `N` — unpin it ||\n|| **MODE**\n[`string`](x.md) | Mode:\n- `Y` — yes\n- `N` — no\n- `D` — by default ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let (fields, _) = super::fields_of(
        &page,
        &page.tables[0],
        &mut BTreeSet::new(),
        &mut Vec::new(),
    );
    assert_eq!(fields[0].ty.kind, Kind::Yn);
    assert_eq!(fields[0].ty.doc_type.as_deref(), Some("string"));
    assert!(fields[0].ty.enum_values.is_empty());
    // A third value makes it a set of values, not a flag.
    assert_eq!(fields[1].ty.kind, Kind::String);
    assert_eq!(fields[1].ty.enum_values.len(), 3);
}

#[test]
fn keys_listed_flat_after_a_rest_3_item_row_are_the_items_keys() {
    let text = "# Page\n\n## Returned data\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **result**\n[`object`](x.md) | Root ||\n|| **item**\n[`object`](x.md) | The entry ||\n|| **id**\n[`integer`](x.md) | Id ||\n|| **title**\n[`string`](x.md) | Title ||\n|| **time**\n[`time`](x.md) | Timing ||\n|#\n";
    let known = BTreeSet::new();
    let page = Page::new(text, &known);
    let (fields, _) = super::fields_of(
        &page,
        &page.tables[0],
        &mut BTreeSet::new(),
        &mut Vec::new(),
    );
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["result", "item", "time"]);
    let keys: Vec<&str> = fields[1]
        .ty
        .fields()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(keys, ["id", "title"]);
    // An `item` that is not `result`'s first key is a key like any other.
    let text = "# Page\n\n## Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **item**\n[`object`](x.md) | Free-form ||\n|| **id**\n[`integer`](x.md) | Id ||\n|#\n";
    let page = Page::new(text, &known);
    let (fields, _) = super::fields_of(
        &page,
        &page.tables[0],
        &mut BTreeSet::new(),
        &mut Vec::new(),
    );
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["item", "id"]);
}
