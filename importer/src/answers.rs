//! What a method page says comes back besides the result type (see [`crate::results`]): the
//! REST 3.0 wrapper key. List paging is [`crate::paging`]'s job and the documented errors
//! [`crate::errors`]'.

use bitrix_spec::ResultWrapper;
use serde_json::Value;

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
