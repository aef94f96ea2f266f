//! v1 list semantics shared by every stateful `*.list`: `filter` (with `>ID`, `<=`, `!`, `%`,
//! `@` operators), `order`, `select`, and pages of 50 from `start` (`-1`: no `total`).

use std::cmp::Ordering;
use std::ops::Bound;

use serde_json::{Map, Value};

use crate::http::params;
use crate::state::table::Table;

/// Page size of every v1 list.
pub const PAGE: usize = 50;

/// One `filter` entry: operator, field, wanted value.
type Clause = (Op, String, Value);

/// A list request, read from `filter`, `order`, `select` and `start`.
#[derive(Debug, Clone, Default)]
pub struct Query {
    filter: Vec<Clause>,
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
    /// Rows counted for `total` (0 for `start=-1`): what the cost model charges for.
    pub counted: u64,
    /// Rows read to build the page (synthetic rows computed, stored rows looked up).
    pub examined: u64,
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

    /// Filters, orders, pages and projects the rows of `table`.
    ///
    /// `>ID`, `>=ID`, `<ID`, `<=ID` and `ID` filters become a range of the table's id index,
    /// and an order by `ID` (or none) walks that range in order: a page with `start=-1` reads
    /// O(page) rows however large the table is. Counting (`start` ≥ 0) counts every match:
    /// from the index alone when no other filter is left, else by reading the rows. Other
    /// orders read and sort every match.
    pub fn run(&self, table: &Table) -> Page {
        let Some((lo, hi, rest)) = self.id_range() else {
            return self.page(Vec::new(), 0, 0);
        };
        let (lower, upper) = (Bound::Included(lo), Bound::Included(hi));
        // A filter reads only its own fields (cheap for synthetic rows); a page is read whole.
        let filtered: Vec<&str> = rest.iter().map(|(_, f, _)| f.as_str()).collect();
        let mut examined = 0u64;
        let mut test = |id: &u64| {
            examined += 1;
            rest.is_empty()
                || table
                    .fields(*id, &filtered)
                    .is_some_and(|row| rest.iter().all(|(op, f, v)| matches(&row, *op, f, v)))
        };
        let whole = |id: u64| table.get(id).map(|row| self.project(&row));
        let descending = match self.order.as_slice() {
            [] => Some(false),
            order if order.iter().all(|(f, _)| f == "ID") => Some(order[0].1),
            _ => None,
        };
        let Some(descending) = descending else {
            let sorted: Vec<&str> = self.order.iter().map(|(f, _)| f.as_str()).collect();
            // Sort keys are read once per row, not once per comparison.
            let mut matching: Vec<(Vec<Key>, u64)> = table
                .ids(lower, upper, false)
                .filter(&mut test)
                .filter_map(|id| {
                    let row = table.fields(id, &sorted)?;
                    Some((
                        sorted
                            .iter()
                            .map(|f| Key::of(params::get(&row, f)))
                            .collect(),
                        id,
                    ))
                })
                .collect();
            matching.sort_by(|(a, x), (b, y)| {
                let by_fields = a.iter().zip(b).zip(&self.order).map(|((a, b), (_, desc))| {
                    let o = a.cmp(b);
                    if *desc {
                        o.reverse()
                    } else {
                        o
                    }
                });
                by_fields
                    .fold(Ordering::Equal, Ordering::then)
                    .then(x.cmp(y))
            });
            let total = matching.len();
            let offset = self.start.unwrap_or(0).min(total);
            let rows = matching[offset..]
                .iter()
                .take(PAGE)
                .filter_map(|(_, id)| whole(*id))
                .collect();
            return self.page(rows, total, examined);
        };
        let ids = table.ids(lower, upper, descending);
        let Some(offset) = self.start else {
            let rows = ids.filter(&mut test).take(PAGE).filter_map(whole).collect();
            return self.page(rows, 0, examined);
        };
        if rest.is_empty() {
            let total = table.ids(lower, upper, descending).count();
            let rows: Vec<Value> = ids.skip(offset).take(PAGE).filter_map(whole).collect();
            let examined = rows.len() as u64;
            return self.page(rows, total, examined);
        }
        let mut total = 0;
        let mut rows = Vec::new();
        for id in ids.filter(&mut test) {
            if (offset..offset + PAGE).contains(&total) {
                rows.extend(whole(id));
            }
            total += 1;
        }
        self.page(rows, total, examined)
    }

    /// The id range the filter allows (inclusive), and the filters left over; `None` when
    /// the range is empty.
    fn id_range(&self) -> Option<(u64, u64, Vec<&Clause>)> {
        let (mut lo, mut hi) = (0i128, i128::from(u64::MAX));
        let mut rest = Vec::new();
        for clause in &self.filter {
            let (op, field, value) = clause;
            let n = if field == "ID" && !value.is_array() {
                params::int(value).map(i128::from)
            } else {
                None
            };
            match (op, n) {
                (Op::Gt, Some(n)) => lo = lo.max(n + 1),
                (Op::Ge, Some(n)) => lo = lo.max(n),
                (Op::Lt, Some(n)) => hi = hi.min(n - 1),
                (Op::Le, Some(n)) => hi = hi.min(n),
                (Op::Eq, Some(n)) => (lo, hi) = (lo.max(n), hi.min(n)),
                _ => rest.push(clause),
            }
        }
        let lo = u64::try_from(lo.max(0)).ok()?;
        let hi = u64::try_from(hi).ok()?;
        (lo <= hi).then_some((lo, hi, rest))
    }

    /// A page of `rows` out of `total` matches (ignored for `start=-1`).
    fn page(&self, rows: Vec<Value>, total: usize, examined: u64) -> Page {
        let counted = self.start.is_some();
        let total = u64::try_from(total).unwrap_or(u64::MAX);
        let next = self.start.unwrap_or(0) as u64 + PAGE as u64;
        Page {
            rows,
            total: counted.then_some(total),
            next: (counted && next < total).then_some(next),
            counted: if counted { total } else { 0 },
            examined,
        }
    }

    fn project(&self, row: &Map<String, Value>) -> Value {
        if self.select.is_empty() || self.select.iter().any(|s| s == "*") {
            return Value::Object(row.clone());
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
        Value::Object(out)
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

/// A value as a sort key, read once: [`compare`]'s order.
#[derive(Debug)]
struct Key {
    present: bool,
    number: Option<f64>,
    text: String,
}

impl Key {
    fn of(value: Option<&Value>) -> Key {
        match value.filter(|v| !v.is_null()) {
            None => Key {
                present: false,
                number: None,
                text: String::new(),
            },
            Some(v) => Key {
                present: true,
                number: params::number(v),
                text: params::text(v).unwrap_or_default(),
            },
        }
    }

    fn cmp(&self, other: &Key) -> Ordering {
        match (self.present, other.present) {
            (false, false) => Ordering::Equal,
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            (true, true) => match (self.number, other.number) {
                (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
                _ => self.text.cmp(&other.text),
            },
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

    fn rows(n: u64) -> Table {
        let mut t = Table::default();
        for i in 1..=n {
            t.insert(crate::state::store::obj(
                json!({"TITLE": format!("t{i}"), "STAGE_ID": if i % 2 == 0 {"WON"} else {"NEW"}}),
            ));
        }
        t
    }

    fn query(p: Value) -> Query {
        Query::read(p.as_object().unwrap(), &|s: &str| s.to_owned())
    }

    #[test]
    fn pages_of_fifty_with_next_and_total() {
        let data = rows(120);
        let first = query(json!({})).run(&data);
        assert_eq!(
            (first.rows.len(), first.total, first.next),
            (50, Some(120), Some(50))
        );
        let last = query(json!({"start": "100"})).run(&data);
        assert_eq!(
            (last.rows.len(), last.total, last.next),
            (20, Some(120), None)
        );
        assert_eq!(last.rows[0]["ID"], json!(101));
    }

    #[test]
    fn start_minus_one_skips_counting() {
        let data = rows(120);
        let page =
            query(json!({"start": -1, "filter": {">ID": 60}, "order": {"ID": "ASC"}})).run(&data);
        assert_eq!((page.rows.len(), page.total, page.next), (50, None, None));
        assert_eq!(page.rows[0]["ID"], json!(61));
    }

    #[test]
    fn filter_order_and_select() {
        let data = rows(10);
        let page = query(json!({"filter": {"STAGE_ID": "WON", "<=ID": "8"}, "order": {"ID": "DESC"}, "select": ["TITLE"]})).run(&data);
        assert_eq!(
            page.rows,
            vec![
                json!({"ID": 8, "TITLE": "t8"}),
                json!({"ID": 6, "TITLE": "t6"}),
                json!({"ID": 4, "TITLE": "t4"}),
                json!({"ID": 2, "TITLE": "t2"})
            ]
        );
        let page = query(json!({"filter": {"@ID": [1, 3], "%TITLE": "T"}})).run(&data);
        assert_eq!(page.total, Some(2));
        let page = query(json!({"filter": {"!STAGE_ID": "WON"}})).run(&data);
        assert_eq!(page.total, Some(5));
    }

    #[test]
    fn id_filters_and_order_read_only_the_page_of_a_big_table() {
        let big = Table::generated(1_000_000, 1);
        let fast = query(json!({"start": -1, "filter": {">ID": 700_000}, "order": {"ID": "ASC"}}))
            .run(&big);
        assert_eq!((fast.rows.len(), fast.total, fast.counted), (50, None, 0));
        assert_eq!(fast.rows[0]["ID"], json!(700001));
        assert_eq!(fast.examined, 50);
        let down = query(
            json!({"start": -1, "filter": {"<ID": 300, ">=ID": "10"}, "order": {"ID": "desc"}}),
        )
        .run(&big);
        assert_eq!(down.rows[0]["ID"], json!(299));
        assert_eq!(down.examined, 50);
        // Counting counts every match, from the index: still only the page is read.
        let counted = query(json!({"start": 100, "filter": {">ID": 999_000}})).run(&big);
        assert_eq!(
            (counted.total, counted.counted, counted.next),
            (Some(1000), 1000, Some(150))
        );
        assert_eq!(
            (counted.examined, counted.rows[0]["ID"].clone()),
            (50, json!(999101))
        );
        // Another filter is evaluated on each row in the range.
        let won = query(json!({"filter": {">ID": 999_000, "STAGE_ID": "WON"}})).run(&big);
        assert_eq!(won.examined, 1000);
        assert!(won.total.is_some_and(|t| t > 0 && t < 1000) && won.counted == won.total.unwrap());
        let by_money = query(json!({"filter": {"<=ID": 300}, "order": {"OPPORTUNITY": "DESC"}}))
            .run(&Table::generated(1000, 1));
        let money: Vec<f64> = by_money
            .rows
            .iter()
            .map(|r| r["OPPORTUNITY"].as_str().unwrap().parse().unwrap())
            .collect();
        assert_eq!((money.len(), by_money.total), (50, Some(300)));
        assert!(money.windows(2).all(|w| w[0] >= w[1]), "{money:?}");
        let empty = query(json!({"filter": {">ID": 10, "<ID": 5}})).run(&big);
        assert_eq!(
            (empty.rows.len(), empty.total, empty.examined),
            (0, Some(0), 0)
        );
    }
}
