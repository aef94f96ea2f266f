//! What a method page says comes back: the type of `result` (checked against the response
//! example by the caller) and the REST 3.0 wrapper key. List paging is [`crate::paging`]'s
//! job and the documented errors [`crate::errors`]'.

use bitrix_spec::{ExampleKind, Kind, ResultWrapper, Type};
use serde_json::Value;

use crate::cell::name_cell;
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

}
