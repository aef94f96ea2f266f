//! How a list method's rows are traversed, read from its spec: the paging scheme, the names of
//! its order and filter parameters, where the rows sit in `result` and which key holds a row's
//! id. A list stream needs nothing else, so every list method gets one with no per-method code.
//!
//! The spec records these spellings in the method's `paging` object; what it does not record
//! (files written before the object form) is derived here: the parameters give the order and
//! filter names; the first documented successful answer gives where the rows are and their id
//! key (the pages spell them as the portal does: `ID` for the classic CRM, `id` for the
//! catalog, rows under `products`, `tasks`, …). The importer records what this derives.

use serde_json::Value;

use crate::model::{ExampleKind, Kind, Method, PagingKind, Type};

/// What a list stream needs to know of a list method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListShape {
    /// The paging scheme.
    pub kind: PagingKind,
    /// Key of a row's id (`ID`, `id`), when the rows carry one.
    pub id_field: Option<String>,
    /// Name of the order parameter, when the method takes one.
    pub order: Option<String>,
    /// Name of the filter parameter, when the method takes one.
    pub filter: Option<String>,
    /// Key of the rows inside `result` (inside the REST 3.0 wrapper, if any), when `result`
    /// is not the list itself.
    pub items: Option<String>,
}

impl Method {
    /// How the method's rows are traversed; `None` when it is not a list.
    pub fn list_shape(&self) -> Option<ListShape> {
        let paging = self.paging.as_ref()?;
        let param = |names: &[&str]| {
            names.iter().find_map(|name| {
                self.params
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(name))
                    .map(|p| p.name.clone())
            })
        };
        let recorded = paging.id.is_some() || paging.items.is_some();
        let (items, id_field) = match (recorded, self.documented_rows()) {
            (true, _) => (paging.items.clone(), paging.id.clone()),
            (false, Some((items, first_row))) => {
                (items, first_row.as_ref().and_then(id_key_of_row))
            }
            (false, None) => (None, id_key_of_type(&self.result)),
        };
        Some(ListShape {
            kind: paging.kind,
            id_field,
            order: paging.order.clone().or_else(|| param(&["order", "sort"])),
            filter: paging.filter.clone().or_else(|| param(&["filter"])),
            items,
        })
    }

    /// Where the rows are in the first documented successful answer, and its first row.
    fn documented_rows(&self) -> Option<(Option<String>, Option<Value>)> {
        let mut result = self
            .examples
            .iter()
            .filter(|e| e.kind == ExampleKind::Response && e.status.unwrap_or(200) == 200)
            .find_map(|e| e.body.get("result"))?;
        if let Some(wrapped) = self
            .result_wrapper
            .and_then(|w| result.as_object()?.get(w.key()))
        {
            result = wrapped;
        }
        match result {
            Value::Array(rows) => Some((None, rows.first().cloned())),
            Value::Object(map) => {
                let mut lists = map.iter().filter(|(_, v)| v.is_array());
                let (key, rows) = lists.next()?;
                if lists.next().is_some() {
                    return None;
                }
                Some((Some(key.clone()), rows.get(0).cloned()))
            }
            _ => None,
        }
    }
}

/// `ID` or `id`, whichever the row has.
fn id_key_of_row(row: &Value) -> Option<String> {
    let row = row.as_object()?;
    ["ID", "id"]
        .into_iter()
        .find(|k| row.contains_key(*k))
        .map(str::to_owned)
}

/// `ID` or `id` among the fields of a documented list of objects.
fn id_key_of_type(ty: &Type) -> Option<String> {
    let Kind::Array(Some(item)) = &ty.kind else {
        return None;
    };
    let Kind::Object { fields, .. } = &item.kind else {
        return None;
    };
    ["ID", "id"]
        .into_iter()
        .find(|k| fields.iter().any(|f| f.name == *k))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn method(extra: Value) -> Method {
        let mut m = json!({
            "name": "crm.deal.list", "version": "v1", "scope": "crm", "title": "Deals",
            "doc_url": "https://example.com", "source": "crm/deals.md", "mutates": false,
            "params": [{"name": "ORDER", "required": false, "type": "any"},
                       {"name": "FILTER", "required": false, "type": "any"},
                       {"name": "start", "required": false, "type": "integer"}],
            "result": {"type": "any"}, "result_wrapper": null, "paging": "start",
            "errors": [], "examples": [],
        });
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        serde_json::from_value(m).expect("a valid method")
    }

    fn answer(result: Value) -> Value {
        json!({"examples": [
            {"kind": "response", "status": 400, "body": {"result": {"other": [{"x": 1}]}}},
            {"kind": "response", "body": {"result": result}},
        ]})
    }

    #[test]
    fn rows_and_id_come_from_the_first_successful_answer() {
        let shape = method(answer(json!([{"ID": "1", "TITLE": "a"}])))
            .list_shape()
            .unwrap();
        assert_eq!(
            shape,
            ListShape {
                kind: PagingKind::Start,
                id_field: Some("ID".into()),
                order: Some("ORDER".into()),
                filter: Some("FILTER".into()),
                items: None,
            }
        );
        // Rows under one key of `result`, ids spelled in lower case.
        let shape = method(answer(json!({"products": [{"id": 7}], "total": 1})))
            .list_shape()
            .unwrap();
        assert_eq!(shape.items.as_deref(), Some("products"));
        assert_eq!(shape.id_field.as_deref(), Some("id"));
    }

    #[test]
    fn what_the_docs_do_not_show_stays_unknown() {
        // Two lists in `result`: which one holds the rows is not guessed.
        let shape = method(answer(json!({"a": [], "b": []})))
            .list_shape()
            .unwrap();
        assert_eq!((shape.items, shape.id_field), (None, None));
        // No example: the documented result type, when it lists objects with an id.
        let typed = json!({"result": {"type": "array", "items": {"type": "object",
            "fields": [{"name": "id", "required": true, "type": "integer"}]}}});
        assert_eq!(
            method(typed).list_shape().unwrap().id_field.as_deref(),
            Some("id")
        );
        assert_eq!(method(json!({})).list_shape().unwrap().id_field, None);
        // Not a list.
        assert_eq!(method(json!({"paging": null})).list_shape(), None);
    }

    #[test]
    fn rest3_rows_sit_inside_the_wrapper() {
        let m = method(json!({
            "version": "v3", "paging": "pagination", "result_wrapper": "items",
            "params": [{"name": "pagination", "required": false, "type": "any"}],
            "examples": [{"kind": "response", "body": {"result": {"items": [{"id": 1}]}}}],
        }));
        let shape = m.list_shape().unwrap();
        assert_eq!(shape.kind, PagingKind::Pagination);
        assert_eq!((shape.items, shape.id_field.as_deref()), (None, Some("id")));
        assert_eq!((shape.order, shape.filter), (None, None));
    }

    #[test]
    fn recorded_spellings_win_over_derived_ones() {
        let m = method(json!({
            "paging": {"kind": "offset_limit", "id": "chatId", "items": "chats",
                       "order": "SORT_BY"},
            "params": [{"name": "sort", "required": false, "type": "any"},
                       {"name": "FILTER", "required": false, "type": "any"}],
            "examples": [{"kind": "response", "body": {"result": [{"ID": 1}]}}],
        }));
        assert_eq!(
            m.list_shape().unwrap(),
            ListShape {
                kind: PagingKind::OffsetLimit,
                id_field: Some("chatId".into()),
                order: Some("SORT_BY".into()),
                filter: Some("FILTER".into()),
                items: Some("chats".into()),
            }
        );
        // Unrecorded, `sort` is the order parameter when there is no `order`.
        let m = method(json!({
            "paging": "offset_limit",
            "params": [{"name": "sort", "required": false, "type": "any"}],
        }));
        assert_eq!(m.list_shape().unwrap().order.as_deref(), Some("sort"));
    }
}
