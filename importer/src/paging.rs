//! How a list method pages, from what its page documents: the paging parameters (`start`,
//! `START`, `NAV_PARAMS`, `offset`, `LAST_ID`, `page`, REST 3.0 `pagination` and `cursor`),
//! the answer (`next`/`total` beside `result`, REST 3.0 `pagination` or cursor keys inside it)
//! and the page's words (a link to the description of list methods, which page by `start`).
//! Each decision is recorded as a confidence reason. Once the method is built, the spellings
//! a client needs (id key, order and filter parameters, rows key) are recorded beside the kind.
//!
//! [`census`] measures the result for the importer's report: how many methods whose page
//! documents paging got a kind, and why the list-named methods without one have none.

use std::collections::BTreeMap;

use bitrix_spec::{Example, ExampleKind, Field, Method, Paging, PagingKind, ResultWrapper};
use serde_json::Value;

use crate::text::is_fence;

/// Why a page is taken to document paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// A top-level request parameter, with the kind it means.
    Param(PagingKind, String),
    /// `next` beside `result` in a documented answer (v1).
    Next,
    /// `total` beside a `result` that holds rows (v1).
    Total,
    /// A REST 3.0 key inside `result` (`pagination`, `cursor`, `nextCursor`).
    V3Key(PagingKind, String),
    /// The page's words: a link to the description of list methods.
    Words,
}

impl Evidence {
    /// The kind this evidence means for a method of the given generation.
    fn kind(&self, v3: bool) -> Option<PagingKind> {
        match self {
            Evidence::Param(kind, _) | Evidence::V3Key(kind, _) => Some(*kind),
            Evidence::Next | Evidence::Total | Evidence::Words if !v3 => Some(PagingKind::Start),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Evidence::Param(_, name) => format!("the `{name}` parameter"),
            Evidence::Next => "`next` in the documented answer".to_owned(),
            Evidence::Total => "`total` beside the rows of the documented answer".to_owned(),
            Evidence::V3Key(_, key) => format!("`{key}` in the documented answer's result"),
            Evidence::Words => "the page's link to the description of list methods".to_owned(),
        }
    }
}

/// The paging a page documents, strongest evidence first (parameters, answer, words), with
/// the decision pushed to `reasons`.
pub(crate) fn decide(
    params: &[Field],
    examples: &[Example],
    lines: &[&str],
    v3: bool,
    reasons: &mut Vec<String>,
) -> Option<PagingKind> {
    let mut evidence = documented(params, examples, v3);
    if !v3 && links_list_methods(lines) {
        evidence.push(Evidence::Words);
    }
    let (kind, why) = evidence
        .iter()
        .find_map(|e| e.kind(v3).map(|k| (k, e.describe())))?;
    reasons.push(format!("paging: `{}`, from {why}", kind.as_str()));
    Some(kind)
}

/// Records, beside the kind, the spellings [`Method::list_shape`] derives: the id key, the
/// order and filter parameters, the rows key.
pub(crate) fn record_shape(method: &mut Method) {
    if let Some(shape) = method.list_shape() {
        method.paging = Some(Paging {
            kind: shape.kind,
            id: shape.id_field,
            order: shape.order,
            filter: shape.filter,
            items: shape.items,
        });
    }
}

/// What the parameters and the answers of a method document about paging, strongest first.
pub fn documented(params: &[Field], examples: &[Example], v3: bool) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = param_kinds(v3)
        .iter()
        .filter_map(|(spellings, kind)| {
            params
                .iter()
                .find(|p| spellings.contains(&p.name.as_str()))
                .map(|p| Evidence::Param(*kind, p.name.clone()))
        })
        .collect();
    let answers = examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response && e.status.unwrap_or(200) == 200)
        .map(|e| &e.body);
    for body in answers {
        let result = body.get("result");
        if v3 {
            let inner = result.and_then(|r| {
                r.get(ResultWrapper::Items.key())
                    .filter(|i| i.is_object())
                    .or(Some(r))
            });
            for (key, kind) in [
                ("pagination", PagingKind::Pagination),
                ("cursor", PagingKind::Cursor),
                ("nextCursor", PagingKind::Cursor),
            ] {
                if inner.and_then(|r| r.get(key)).is_some() {
                    out.push(Evidence::V3Key(kind, key.to_owned()));
                }
            }
        } else if body.get("next").is_some() {
            out.push(Evidence::Next);
        } else if body.get("total").is_some() && result.is_some_and(holds_rows) {
            out.push(Evidence::Total);
        }
    }
    out.dedup();
    out
}

/// The parameter spellings of each kind, strongest first: a page documenting `start` and
/// `LIMIT` pages by `start`; one documenting `OFFSET`, `LIMIT` and `LAST_ID` by offset.
fn param_kinds(v3: bool) -> &'static [(&'static [&'static str], PagingKind)] {
    if v3 {
        &[
            (&["cursor"], PagingKind::Cursor),
            (&["pagination"], PagingKind::Pagination),
        ]
    } else {
        &[
            (&["start"], PagingKind::Start),
            (&["START"], PagingKind::StartUpper),
            (&["NAV_PARAMS", "navParams"], PagingKind::NavParams),
            (&["offset", "OFFSET"], PagingKind::OffsetLimit),
            (&["LAST_ID", "lastId", "last_id"], PagingKind::LastId),
            (&["page", "PAGE"], PagingKind::Page),
        ]
    }
}

/// Whether `result` holds rows: a list, or an object with exactly one list (`{tasks: […]}`).
/// A `total` beside one object or a map of counters is a count, not a page.
fn holds_rows(result: &Value) -> bool {
    match result {
        Value::Array(_) => true,
        Value::Object(map) => map.values().filter(|v| v.is_array()).count() == 1,
        _ => false,
    }
}

/// Whether the page's prose (not its code) links the description of list methods, the
/// shared page of v1 `start` paging.
fn links_list_methods(lines: &[&str]) -> bool {
    let mut fence = false;
    lines.iter().any(|line| {
        if is_fence(line) {
            fence = !fence;
            return false;
        }
        !fence
            && (line.contains("[list methods](")
                || line.contains("list-methods-pecularities")
                || line.contains("common/index.md"))
    })
}

/// The paging measures of an import.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Census {
    /// Methods whose page documents paging.
    pub documented: usize,
    /// Of those, the ones with a paging kind.
    pub paged: usize,
    /// Methods with a paging kind, by kind.
    pub by_kind: BTreeMap<PagingKind, usize>,
    /// Methods whose page documents paging but that have no kind (an override removed it).
    pub missing: Vec<String>,
    /// List-named methods (`.list`, `.getlist`, `.search`) without a paging kind, with why.
    pub unpaged_lists: Vec<(String, String)>,
}

/// Measures the paging of `methods`: a method documents paging when its parameters or
/// answers do (see [`documented`]) or when it has a kind (decided from the page's words).
pub fn census<'a>(methods: impl IntoIterator<Item = &'a Method>) -> Census {
    let mut c = Census::default();
    for m in methods {
        let v3 = m.version == bitrix_spec::Version::V3;
        let evidence = documented(&m.params, &m.examples, v3);
        if let Some(p) = &m.paging {
            *c.by_kind.entry(p.kind).or_default() += 1;
        }
        if evidence.is_empty() && m.paging.is_none() {
            if crate::results::measure::is_list(&m.name) {
                c.unpaged_lists
                    .push((format!("{} ({})", m.name, m.version), unpaged_reason(m)));
            }
            continue;
        }
        c.documented += 1;
        if m.paging.is_some() {
            c.paged += 1;
        } else {
            c.missing.push(format!("{} ({})", m.name, m.version));
        }
    }
    c
}

/// Why a list-named method has no paging kind.
fn unpaged_reason(m: &Method) -> String {
    let nested = m.params.iter().find_map(|p| {
        p.ty.fields().iter().find_map(|f| {
            let paging = ["NAV_PARAMS", "offset", "start"]
                .iter()
                .any(|n| f.name.eq_ignore_ascii_case(n));
            paging.then(|| format!("`{}.{}`", p.name, f.name))
        })
    });
    if let Some(path) = nested {
        return format!("its paging parameter {path} is nested, which no kind expresses");
    }
    let answered = m
        .examples
        .iter()
        .any(|e| e.kind == ExampleKind::Response && e.status.unwrap_or(200) == 200);
    if answered {
        "the answer is not paged: no paging parameter, no `next`/`total` beside its rows".to_owned()
    } else {
        "no paging parameter and no documented answer".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use bitrix_spec::{Kind, Type};
    use serde_json::json;

    use super::*;

    fn params(names: &[&str]) -> Vec<Field> {
        names
            .iter()
            .map(|n| Field::new(*n, false, Type::of(Kind::Any)))
            .collect()
    }

    fn answer(body: Value) -> Vec<Example> {
        vec![Example {
            kind: ExampleKind::Response,
            status: None,
            body,
        }]
    }

    fn kind(names: &[&str], examples: &[Example], lines: &[&str], v3: bool) -> Option<String> {
        let mut reasons = Vec::new();
        let kind = decide(&params(names), examples, lines, v3, &mut reasons);
        assert_eq!(kind.is_some(), reasons.len() == 1, "{reasons:?}");
        kind.map(|k| format!("{} | {}", k.as_str(), reasons[0]))
    }

    #[test]
    fn parameters_decide_each_v1_kind() {
        let cases: [(&[&str], &str); 7] = [
            (
                &["order", "filter", "start"],
                "start | paging: `start`, from the `start` parameter",
            ),
            (
                &["select", "START"],
                "start_upper | paging: `start_upper`, from the `START` parameter",
            ),
            (
                &["ORDER", "NAV_PARAMS"],
                "nav_params | paging: `nav_params`, from the `NAV_PARAMS` parameter",
            ),
            (
                &["FIND", "OFFSET", "LIMIT"],
                "offset_limit | paging: `offset_limit`, from the `OFFSET` parameter",
            ),
            (
                &["LIMIT", "LAST_ID", "OFFSET"],
                "offset_limit | paging: `offset_limit`, from the `OFFSET` parameter",
            ),
            (
                &["CHAT_ID", "LAST_ID", "LIMIT"],
                "last_id | paging: `last_id`, from the `LAST_ID` parameter",
            ),
            (
                &["filter", "page"],
                "page | paging: `page`, from the `page` parameter",
            ),
        ];
        for (names, want) in cases {
            assert_eq!(
                kind(names, &[], &[], false).as_deref(),
                Some(want),
                "{names:?}"
            );
        }
        // `start` outranks a `limit`; a `limit` alone does not page.
        assert_eq!(
            kind(&["limit", "start"], &[], &[], false).unwrap(),
            "start | paging: `start`, from the `start` parameter"
        );
        assert_eq!(
            kind(&["filter", "limit", "pageSize"], &[], &[], false),
            None
        );
        // v1 spellings mean nothing on a REST 3.0 page, and the reverse.
        assert_eq!(kind(&["start", "offset"], &[], &[], true), None);
        assert_eq!(kind(&["pagination", "cursor"], &[], &[], false), None);
    }

    #[test]
    fn rest3_parameters_and_answers() {
        assert_eq!(
            kind(&["filter", "pagination"], &[], &[], true).unwrap(),
            "pagination | paging: `pagination`, from the `pagination` parameter"
        );
        assert_eq!(
            kind(&["cursor"], &[], &[], true).unwrap(),
            "cursor | paging: `cursor`, from the `cursor` parameter"
        );
        let paged = answer(json!({"result": {"items": [], "pagination": {"page": 1}}}));
        assert_eq!(
            kind(&[], &paged, &[], true).unwrap(),
            "pagination | paging: `pagination`, from `pagination` in the documented answer's result"
        );
        let cursor = answer(json!({"result": {"items": [{"id": 3}], "nextCursor": "x"}}));
        assert_eq!(
            kind(&[], &cursor, &[], true).unwrap().split(' ').next(),
            Some("cursor")
        );
    }

    #[test]
    fn v1_answers_page_by_start() {
        let next = answer(json!({"result": [{"ID": 1}], "next": 50, "total": 51}));
        assert_eq!(
            kind(&["filter"], &next, &[], false).unwrap(),
            "start | paging: `start`, from `next` in the documented answer"
        );
        let rows = answer(json!({"result": {"tasks": [{"id": 1}]}, "total": 1}));
        assert_eq!(
            kind(&[], &rows, &[], false).unwrap(),
            "start | paging: `start`, from `total` beside the rows of the documented answer"
        );
        // A `total` beside one object or a map of counters is not a page.
        let one = answer(json!({"result": {"basketItem": {"id": 1}}, "total": 1}));
        let counters = answer(json!({"result": {"a": {"n": 1}, "b": {"n": 2}}, "total": 1}));
        assert_eq!(kind(&[], &one, &[], false), None);
        assert_eq!(kind(&[], &counters, &[], false), None);
        // An error answer with `total` says nothing.
        let error = vec![Example {
            kind: ExampleKind::Response,
            status: Some(400),
            body: json!({"result": [], "total": 0}),
        }];
        assert_eq!(kind(&[], &error, &[], false), None);
    }

    #[test]
    fn words_page_by_start_only_outside_code() {
        let prose = [
            "## Parameters",
            "See the description of [list methods](../common/index.md).",
        ];
        assert_eq!(
            kind(&["order"], &[], &prose, false).unwrap(),
            "start | paging: `start`, from the page's link to the description of list methods"
        );
        let code = ["```js", "// see [list methods](../common/index.md)", "```"];
        assert_eq!(kind(&["order"], &[], &code, false), None);
    }

    fn method(extra: Value) -> Method {
        let mut m = json!({
            "name": "crm.status.list", "version": "v1", "scope": "crm", "title": "Statuses",
            "doc_url": "https://example.com", "source": "crm/status.md", "mutates": false,
            "params": [{"name": "order", "required": false, "type": "any"},
                       {"name": "filter", "required": false, "type": "any"}],
            "result": {"type": "any"}, "result_wrapper": null, "paging": null,
            "errors": [], "examples": [],
        });
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        serde_json::from_value(m).expect("a valid method")
    }

    #[test]
    fn the_shape_is_recorded_beside_the_kind() {
        let mut m = method(json!({
            "paging": "start",
            "examples": [{"kind": "response",
                          "body": {"result": {"tasks": [{"id": 4}]}, "total": 1}}],
        }));
        record_shape(&mut m);
        assert_eq!(
            serde_json::to_value(&m.paging).unwrap(),
            json!({"kind": "start", "id": "id", "order": "order", "filter": "filter",
                   "items": "tasks"})
        );
        let mut plain = method(json!({}));
        record_shape(&mut plain);
        assert_eq!(plain.paging, None);
    }

    #[test]
    fn the_census_counts_documented_paging_and_explains_unpaged_lists() {
        let paged = method(json!({"paging": {"kind": "start"},
            "examples": [{"kind": "response", "body": {"result": [], "total": 0}}]}));
        let lost = method(json!({"name": "im.notify.get",
            "params": [{"name": "LAST_ID", "required": false, "type": "integer"}]}));
        let flat = method(json!({"name": "crm.vat.list",
            "examples": [{"kind": "response", "body": {"result": [{"ID": "1"}]}}]}));
        let nested = method(json!({"name": "task.item.list",
            "params": [{"name": "PARAMS", "required": false, "type": "object",
                        "fields": [{"name": "NAV_PARAMS", "required": false, "type": "any"}]}]}));
        let bare = method(json!({"name": "mailservice.list", "params": []}));
        let c = census([&paged, &lost, &flat, &nested, &bare]);
        assert_eq!((c.documented, c.paged), (2, 1));
        assert_eq!(c.missing, ["im.notify.get (v1)"]);
        assert_eq!(c.by_kind, BTreeMap::from([(PagingKind::Start, 1)]));
        let reasons: Vec<&str> = c.unpaged_lists.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "the answer is not paged: no paging parameter, no `next`/`total` beside its rows",
                "its paging parameter `PARAMS.NAV_PARAMS` is nested, which no kind expresses",
                "no paging parameter and no documented answer",
            ]
        );
    }
}
