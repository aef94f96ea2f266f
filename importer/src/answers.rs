//! What a method page says comes back: the type of `result` (checked against the response
//! example by the caller), the REST 3.0 wrapper key, list paging, and the documented errors.

use bitrix_spec::{ErrorEntry, ExampleKind, Field, Kind, Paging, ResultWrapper, Type};
use serde_json::Value;

use crate::cell::{code_spans, name_cell};
use crate::page::Page;
use crate::typewords;

/// The type of `result` from the returned-data table, loose (`any`) where it is not documented.
pub(crate) fn result_type(page: &Page<'_>) -> Type {
    let Some(range) = page.find_section(3, &["returned", "result"], &["error"]) else {
        return Type::of(Kind::Any);
    };
    for table in page.tables_in(range) {
        for row in &table.rows {
            let Some(cell) = row.first().and_then(|c| name_cell(c)) else {
                continue;
            };
            if cell.name == "result" {
                let ty = typewords::from_words(&cell.types, false, page.known);
                // Object and array results are typed only where a field table is linked;
                // until then they stay loose.
                return match ty.kind {
                    Kind::Object { .. } | Kind::Array(_) | Kind::Union(_) => Type::of(Kind::Any),
                    _ => ty,
                };
            }
        }
    }
    Type::of(Kind::Any)
}

/// What a response example says `result` (unwrapped) is; a page may show `result` alone.
pub(crate) fn result_value(response: &Value, wrapper: Option<ResultWrapper>) -> Option<&Value> {
    let result = match response.get("result") {
        Some(r) => r,
        None if response.get("error").is_none() => response,
        None => return None,
    };
    match wrapper {
        Some(w) => result.get(w.key()),
        None => Some(result),
    }
}

pub(crate) fn wrapper(response: Option<&Value>) -> Option<ResultWrapper> {
    let result = response?.get("result")?.as_object()?;
    if result.contains_key("item") {
        Some(ResultWrapper::Item)
    } else if result.contains_key("items") {
        Some(ResultWrapper::Items)
    } else {
        None
    }
}

pub(crate) fn errors(page: &Page<'_>, v3: bool) -> Vec<ErrorEntry> {
    let Some(range) = page.find_section(2, &["error"], &[]) else {
        return Vec::new();
    };
    let status = page.lines[range.0..range.1]
        .iter()
        .find(|l| l.to_lowercase().contains("http status"))
        .and_then(|l| l.split("**").nth(1))
        .and_then(|s| s.trim().parse::<u16>().ok())
        .unwrap_or(400);
    let mut out = Vec::new();
    for table in page.tables_in(range) {
        let Some(header) = table.rows.first() else {
            continue;
        };
        let cols: Vec<String> = header.iter().map(|c| c.to_lowercase()).collect();
        let col = |words: &[&str]| {
            cols.iter()
                .position(|c| words.iter().any(|w| c.contains(w)))
        };
        let code_col = col(&["code"]);
        let field_col = col(&["field"]);
        let status_col = col(&["status"]);
        let message_col = col(&["error message", "error text", "error description"])
            .or_else(|| col(&["description"]));
        if code_col.is_none() && !(v3 && field_col.is_some()) {
            continue;
        }
        // REST 3.0 groups tables under "Error code: `BITRIX_REST_V3_…`".
        let group = page.lines[range.0..table.line]
            .iter()
            .rev()
            .find(|l| l.to_lowercase().contains("error code:"))
            .and_then(|l| code_spans(l).into_iter().next());
        for row in &table.rows[1..] {
            let get = |c: Option<usize>| {
                c.and_then(|i| row.get(i))
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default()
            };
            let message = clean(&get(message_col));
            let row_status = get(status_col).trim_matches('`').parse().unwrap_or(status);
            if v3 && code_col.is_none() {
                let Some(code) = group.clone() else { continue };
                let field = get(field_col);
                let field = code_spans(&field).into_iter().next().filter(|f| f != "-");
                let exception = bitrix_spec::catalog::find(&code).and_then(|e| e.exception.clone());
                out.push(ErrorEntry {
                    code,
                    status: row_status,
                    message,
                    exception,
                    field,
                });
                continue;
            }
            let raw = get(code_col);
            let codes = code_spans(&raw);
            let codes = if codes.is_empty() {
                vec![raw.clone()]
            } else {
                codes
            };
            for code in codes {
                let code = code.trim().to_owned();
                if code.contains(' ') {
                    // A message where the code column should be (the page lists messages only).
                    out.push(ErrorEntry {
                        code: String::new(),
                        status: row_status,
                        message: code,
                        exception: None,
                        field: None,
                    });
                } else if !code.is_empty() {
                    out.push(ErrorEntry {
                        code,
                        status: row_status,
                        message: message.clone(),
                        exception: None,
                        field: None,
                    });
                }
            }
        }
    }
    out
}

/// The code of the documented error answer, when the code table does not list it (and it is
/// not a shared system or REST 3.0 code).
pub(crate) fn error_example_code(
    examples: &[bitrix_spec::Example],
    errors: &mut Vec<ErrorEntry>,
    reasons: &mut Vec<String>,
) {
    let Some(example) = examples.iter().find(|e| e.kind == ExampleKind::Error) else {
        return;
    };
    let error = &example.body["error"];
    let (code, message) = match error {
        Value::String(code) => (
            code.clone(),
            example.body["error_description"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ),
        Value::Object(o) => (
            o.get("code")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            o.get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ),
        _ => return,
    };
    let shared = bitrix_spec::catalog::find(&code).is_some();
    if code.is_empty() || shared || errors.iter().any(|e| e.code == code) {
        return;
    }
    reasons.push(format!(
        "error `{code}` comes from the page's error example; the code table does not list it"
    ));
    let status = example.status.unwrap_or(400);
    errors.push(ErrorEntry {
        code,
        status,
        message,
        exception: None,
        field: None,
    });
}

/// A cell's text without Markdown decoration.
fn clean(s: &str) -> String {
    s.replace("**", "")
        .replace('`', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a list method pages, from its parameters: v1 `start`, REST 3.0 `pagination`.
pub(crate) fn paging(params: &[Field], v3: bool) -> Option<Paging> {
    let has = |name: &str| params.iter().any(|p| p.name == name);
    if has("start") && !v3 {
        Some(Paging::Start)
    } else if has("pagination") && v3 {
        Some(Paging::Pagination)
    } else {
        None
    }
}
