//! The reconciler on small types and examples, one disagreement between table and example each.

use super::*;
use serde_json::json;

fn param(name: &str, kind: Kind) -> Field {
    Field::new(name, false, Type::of(kind))
}

#[test]
fn the_example_decides_where_the_kinds_contradict() {
    let select = param("select", Kind::object_of(vec![param("ID", Kind::Integer)]));
    let mut params = vec![
        select,
        param("id", Kind::Integer),
        param("filter", Kind::Array(None)),
    ];
    let mut reasons = Vec::new();
    let example = json!({"select": ["ID"], "id": "MS", "filter": {"ID": 1}, "extra": 5});
    request(&mut params, &example, &Kinds::new(), true, &mut reasons);
    let kinds: Vec<String> = params.iter().map(|p| describe(&p.ty)).collect();
    assert_eq!(kinds, ["string[]", "string", "object", "integer"]);
    assert_eq!(params[3].name, "extra");
    assert!(!params[3].required);
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(
        reasons.contains(
            &"`select`: the docs say object, the request example sends a list; typed string[]"
                .to_owned()
        ),
        "{reasons:?}"
    );
}

#[test]
fn a_slot_to_fill_in_does_not_retype_what_the_docs_say() {
    let mut params = vec![
        param("id", Kind::Integer),
        param("attachId", Kind::Integer),
        param("entityId", Kind::Integer),
    ];
    let mut reasons = Vec::new();
    let example =
        json!({"id": "your_product_id", "attachId": "**put_attach_id**", "entityId": "<ID>"});
    request(&mut params, &example, &Kinds::new(), true, &mut reasons);
    let kinds: Vec<String> = params.iter().map(|p| describe(&p.ty)).collect();
    assert_eq!(kinds, ["integer", "integer", "integer"]);
    assert!(reasons.is_empty(), "{reasons:?}");
}

#[test]
fn an_untyped_list_takes_the_item_type_its_example_sends() {
    let mut params = vec![
        param("to", Kind::Array(None)),
        param("mixed", Kind::Array(None)),
        param("rows", Kind::Array(None)),
    ];
    let mut reasons = Vec::new();
    let example = json!({"to": ["a@example.com"], "mixed": [1, "x"], "rows": [{"A": 1}]});
    request(&mut params, &example, &Kinds::new(), true, &mut reasons);
    let kinds: Vec<String> = params.iter().map(|p| describe(&p.ty)).collect();
    // Scalar items of one kind only: a mixed list, or one of objects, stays untyped.
    assert_eq!(kinds, ["string[]", "array", "array"]);
    assert_eq!(
        reasons,
        ["`to`: a list by the docs; its items are typed string from the request example"]
    );
}

#[test]
fn an_answers_field_without_a_type_takes_the_examples_scalar_kind() {
    let mut t = Type::of(Kind::object_of(vec![
        param("code", Kind::Any),
        param("isSystem", Kind::Any),
        param("data", Kind::Any),
    ]));
    let mut mixed = Type::of(Kind::Any);
    mixed.doc_type = Some("mixed".to_owned());
    t.fields_mut()
        .unwrap()
        .push(Field::new("value", false, mixed));
    let mut reasons = Vec::new();
    let sent = json!({"code": "call", "isSystem": true, "data": {"a": 1}, "value": 5});
    result(&mut t, &sent, &Kinds::new(), &mut reasons);
    let kinds: Vec<String> = t.fields().iter().map(|f| describe(&f.ty)).collect();
    // Structures and a documented `mixed` stay loose.
    assert_eq!(kinds, ["string", "boolean", "any", "any"]);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
}

#[test]
fn ids_sent_as_integers_are_integers() {
    let mut params = vec![
        param("ENTITY_ID", Kind::String),
        param("CODE", Kind::String),
    ];
    let mut reasons = Vec::new();
    request(
        &mut params,
        &json!({"ENTITY_ID": 1, "CODE": 796}),
        &Kinds::new(),
        true,
        &mut reasons,
    );
    assert_eq!(
        (&params[0].ty.kind, &params[1].ty.kind),
        (&Kind::Integer, &Kind::String)
    );
    assert!(names_an_id("psInvoiceId") && names_an_id("id") && !names_an_id("paid"));
}

#[test]
fn agreeing_examples_change_nothing() {
    let mut params = vec![param("id", Kind::Integer), param("flag", Kind::Yn)];
    let before = params.clone();
    let mut reasons = Vec::new();
    request(
        &mut params,
        &json!({"id": "5", "flag": "Y"}),
        &Kinds::new(),
        true,
        &mut reasons,
    );
    assert_eq!(params, before);
    assert!(reasons.is_empty());
}

#[test]
fn case_differences_take_the_examples_spelling_in_v1_only() {
    for (v1, sent) in [(true, "FILTER"), (false, "filter")] {
        let mut params = vec![param("filter", Kind::object())];
        let mut reasons = Vec::new();
        request(
            &mut params,
            &json!({"FILTER": {}}),
            &Kinds::new(),
            v1,
            &mut reasons,
        );
        assert_eq!(params[0].name, sent);
        assert_eq!((params.len(), reasons.len()), (1, 1));
    }
}

#[test]
fn results_follow_the_example_where_they_contradict() {
    let mut t = Type::of(Kind::Boolean);
    let mut reasons = Vec::new();
    result(&mut t, &json!({"task": true}), &Kinds::new(), &mut reasons);
    assert_eq!(t.fields()[0].name, "task");
    assert_eq!(t.fields()[0].ty.kind, Kind::Boolean);
    assert_eq!(
        reasons,
        ["`result`: the docs say boolean, the response example sends an object; typed object"]
    );
}

#[test]
fn a_documented_map_the_example_wraps_in_one_key_is_under_that_key() {
    let description = vec![
        Field::new("type", false, Type::of(Kind::String)),
        Field::new("isRequired", false, Type::of(Kind::Boolean)),
    ];
    let kinds = Kinds::from([("field_description".to_owned(), Kind::object_of(description))]);
    let map = Kind::map_of(Type::of(Kind::Named("field_description".to_owned())));
    let sent = json!({"fields": {
        "id": {"type": "integer", "isRequired": false},
        "name": {"type": "string", "isRequired": true}
    }});
    let mut t = Type::of(map.clone());
    let mut reasons = Vec::new();
    result(&mut t, &sent, &kinds, &mut reasons);
    assert_eq!(t.fields()[0].name, "fields");
    assert_eq!(t.fields()[0].ty.kind, map);
    assert_eq!(
        reasons,
        ["`result`: the response example puts the documented map under `fields`"]
    );
    // The map itself, sent as documented, stays.
    let mut t = Type::of(map.clone());
    let mut reasons = Vec::new();
    let sent = json!({"id": {"type": "integer", "isRequired": false}});
    result(&mut t, &sent, &kinds, &mut reasons);
    assert_eq!((t.kind, reasons.len()), (map, 0));
}

#[test]
fn a_documented_object_sent_as_a_map_keyed_by_id_or_code_is_that_map() {
    let region = vec![
        Field::new("code", false, Type::of(Kind::String)),
        Field::new("title", false, Type::of(Kind::String)),
    ];
    let mut t = Type::of(Kind::object_of(vec![Field::new(
        "regions",
        false,
        Type::of(Kind::object_of(region.clone())),
    )]));
    let sent = json!({"regions": {
        "de": {"code": "de", "title": "Germany"},
        "1": {"code": "1", "title": "Custom", "formatName": "#NAME#"}
    }});
    let mut reasons = Vec::new();
    result(&mut t, &sent, &Kinds::new(), &mut reasons);
    let regions = &t.fields()[0].ty;
    assert!(regions.fields().is_empty());
    assert_eq!(regions.patterns()[0].ty.fields(), region.as_slice());
    assert_eq!(
        reasons,
        ["`result.regions`: the response example sends a map keyed by code; each value is the documented object"]
    );
    // Without a table, keys that are ids make a map of the values' shape.
    let mut items = Type::of(Kind::object());
    let mut reasons = Vec::new();
    let sent = json!({"23": {"id": "23"}, "27": {"id": "27", "title": "x"}});
    result(&mut items, &sent, &Kinds::new(), &mut reasons);
    let names: Vec<&str> = items.patterns()[0]
        .ty
        .fields()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["id", "title"]);
    // A key that is a field (in any case), a single unknown key, or values that are not
    // mostly documented fields: the object as documented.
    for sent in [
        json!({"CODE": {"code": "x"}, "uk": {"code": "uk"}}),
        json!({"de": {"code": "de"}}),
        json!({"de": {"type": "string", "isRequired": true, "code": "x"}, "uk": {"code": "uk"}}),
        json!({"de": {"code": "de"}, "uk": "United Kingdom"}),
    ] {
        let mut t = Type::of(Kind::object_of(region.clone()));
        result(&mut t, &sent, &Kinds::new(), &mut Vec::new());
        assert_eq!(t.fields(), region.as_slice(), "{sent}");
    }
    // Names of fields are not ids: without a table, such a map stays as sent.
    let mut free = Type::of(Kind::object());
    result(
        &mut free,
        &json!({"a": {"x": 1}, "b": {"x": 2}}),
        &Kinds::new(),
        &mut Vec::new(),
    );
    assert!(free.patterns().is_empty());
}
