//! v1 list semantics shared by every stateful `*.list`: `filter` (with `>ID`, `<=`, `!`, `%`,
//! `@` operators), `order`, `select`, and pages of 50 from `start` (`-1`: no `total`).

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::http::params;

/// Page size of every v1 list.
pub const PAGE: usize = 50;

/// A list request, read from `filter`, `order`, `select` and `start`.
#[derive(Debug, Clone, Default)]
pub struct Query {
    filter: Vec<(Op, String, Value)>,
    order: Vec<(String, bool)>,
    select: Vec<String>,
    start: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Like,
    In,
    NotIn,
}

/// A page of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The rows, reduced to the selected fields.
    pub rows: Vec<Value>,
    /// Every row matching the filter (absent for `start=-1`).
    pub total: Option<u64>,
    /// `start` of the next page, when there is one (absent for `start=-1`).
    pub next: Option<u64>,
}

impl Query {
    /// Reads the list parameters of a v1 call. `rename` maps a client field name to the
    /// stored one (crm.item's `stageId` → `STAGE_ID`).
    pub fn read(params_map: &Map<String, Value>, rename: &dyn Fn(&str) -> String) -> Query {
        let mut q = Query::default();
        if let Some(Value::Object(filter)) = params::get(params_map, "filter") {
            for (key, value) in filter {
                let (op, field) = split_operator(key);
                q.filter.push((op, rename(field), value.clone()));
            }
        }
        if let Some(Value::Object(order)) = params::get(params_map, "order") {
            for (field, dir) in order {
                let desc = params::text(dir).is_some_and(|d| d.eq_ignore_ascii_case("desc"));
                q.order.push((rename(field), desc));
            }
        }
        match params::get(params_map, "select") {
            Some(Value::Array(items)) => {
                q.select = items
                    .iter()
                    .filter_map(params::text)
                    .map(|f| rename(&f))
                    .collect();
            }
            Some(Value::String(s)) if !s.is_empty() => q.select = vec![rename(s)],
            _ => {}
        }
        q.start = match params::get(params_map, "start").and_then(params::int) {
            Some(-1) => None,
            Some(n) => Some(usize::try_from(n.max(0)).unwrap_or(0)),
            None => Some(0),
        };
        q
    }

    /// Filters, orders, pages and projects `rows`.
    pub fn run<'a>(&self, rows: impl Iterator<Item = &'a Map<String, Value>>) -> Page {
        let mut matching: Vec<&Map<String, Value>> = rows
            .filter(|row| self.filter.iter().all(|(op, f, v)| matches(row, *op, f, v)))
            .collect();
        matching.sort_by(|a, b| {
            for (field, desc) in &self.order {
                let o = compare(params::get(a, field), params::get(b, field));
                if o != Ordering::Equal {
                    return if *desc { o.reverse() } else { o };
                }
            }
            compare(a.get("ID"), b.get("ID"))
        });
        let total = matching.len();
        let offset = self.start.unwrap_or(0).min(total);
        let rows: Vec<Value> = matching[offset..]
            .iter()
            .take(PAGE)
            .map(|row| Value::Object(self.project(row)))
            .collect();
        let counted = self.start.is_some();
        let next = offset + PAGE;
        Page {
            rows,
            total: counted.then(|| u64::try_from(total).unwrap_or(u64::MAX)),
            next: (counted && next < total).then(|| u64::try_from(next).unwrap_or(u64::MAX)),
        }
    }

    fn project(&self, row: &Map<String, Value>) -> Map<String, Value> {
        if self.select.is_empty() || self.select.iter().any(|s| s == "*") {
            return row.clone();
        }
        let mut out = Map::new();
        if let Some(id) = row.get("ID") {
            out.insert("ID".into(), id.clone());
        }
        for field in &self.select {
            if let Some((key, v)) = row.iter().find(|(k, _)| k.eq_ignore_ascii_case(field)) {
                out.insert(key.clone(), v.clone());
            }
        }
        out
    }
}

fn split_operator(key: &str) -> (Op, &str) {
    const OPS: [(&str, Op); 11] = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("!=", Op::Ne),
        ("!@", Op::NotIn),
        ("=%", Op::Like),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("!", Op::Ne),
        ("=", Op::Eq),
        ("%", Op::Like),
        ("@", Op::In),
    ];
    for (prefix, op) in OPS {
        if let Some(rest) = key.strip_prefix(prefix) {
            return (op, rest);
        }
    }
    (Op::Eq, key)
}

fn matches(row: &Map<String, Value>, op: Op, field: &str, wanted: &Value) -> bool {
    let actual = params::get(row, field);
    let list = match wanted {
        Value::Array(items) => Some(items.as_slice()),
        _ => None,
    };
    let eq = |w: &Value| compare(actual, Some(w)) == Ordering::Equal;
    match op {
        Op::Eq | Op::In => list.map_or_else(|| eq(wanted), |l| l.iter().any(eq)),
        Op::Ne | Op::NotIn => list.map_or_else(|| !eq(wanted), |l| !l.iter().any(eq)),
        Op::Gt => compare(actual, Some(wanted)) == Ordering::Greater,
        Op::Ge => compare(actual, Some(wanted)) != Ordering::Less,
        Op::Lt => compare(actual, Some(wanted)) == Ordering::Less,
        Op::Le => compare(actual, Some(wanted)) != Ordering::Greater,
        Op::Like => {
            let needle = params::text(wanted).unwrap_or_default().to_lowercase();
            actual
                .and_then(params::text)
                .is_some_and(|a| a.to_lowercase().contains(needle.trim_matches('%')))
        }
    }
}

/// Numbers (and numeric strings) compare as numbers, everything else as text; absent first.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a.filter(|v| !v.is_null()), b.filter(|v| !v.is_null())) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => match (params::number(a), params::number(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => params::text(a)
                .unwrap_or_default()
                .cmp(&params::text(b).unwrap_or_default()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(n: u64) -> Vec<Map<String, Value>> {
        (1..=n)
            .map(|i| crate::state::store::obj(json!({"ID": i, "TITLE": format!("t{i}"), "STAGE_ID": if i % 2 == 0 {"WON"} else {"NEW"}})))
            .collect()
    }

    fn query(p: Value) -> Query {
        Query::read(p.as_object().unwrap(), &|s: &str| s.to_owned())
    }

    #[test]
    fn pages_of_fifty_with_next_and_total() {
        let data = rows(120);
        let first = query(json!({})).run(data.iter());
        assert_eq!(
            (first.rows.len(), first.total, first.next),
            (50, Some(120), Some(50))
        );
        let last = query(json!({"start": "100"})).run(data.iter());
        assert_eq!(
            (last.rows.len(), last.total, last.next),
            (20, Some(120), None)
        );
        assert_eq!(last.rows[0]["ID"], json!(101));
    }

    #[test]
    fn start_minus_one_skips_counting() {
        let data = rows(120);
        let page = query(json!({"start": -1, "filter": {">ID": 60}, "order": {"ID": "ASC"}}))
            .run(data.iter());
        assert_eq!((page.rows.len(), page.total, page.next), (50, None, None));
        assert_eq!(page.rows[0]["ID"], json!(61));
    }

    #[test]
    fn filter_order_and_select() {
        let data = rows(10);
        let page = query(json!({"filter": {"STAGE_ID": "WON", "<=ID": "8"}, "order": {"ID": "DESC"}, "select": ["TITLE"]})).run(data.iter());
        assert_eq!(
            page.rows,
            vec![
                json!({"ID": 8, "TITLE": "t8"}),
                json!({"ID": 6, "TITLE": "t6"}),
                json!({"ID": 4, "TITLE": "t4"}),
                json!({"ID": 2, "TITLE": "t2"})
            ]
        );
        let page = query(json!({"filter": {"@ID": [1, 3], "%TITLE": "T"}})).run(data.iter());
        assert_eq!(page.total, Some(2));
        let page = query(json!({"filter": {"!STAGE_ID": "WON"}})).run(data.iter());
        assert_eq!(page.total, Some(5));
    }
}
