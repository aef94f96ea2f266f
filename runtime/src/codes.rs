//! Error codes: the [`ErrorCode`] trait every per-method error enum implements. Its shared
//! implementation, `CommonError`, is generated from the spec's catalogues into
//! `common_error.rs`.

use std::fmt;

/// A server error code decoded into a type. Unknown codes are kept, never rejected.
pub trait ErrorCode:
    Sized + Clone + fmt::Debug + fmt::Display + PartialEq + Send + Sync + 'static
{
    /// Decodes a wire code; a code the type does not know becomes its `Unknown` variant.
    fn from_code(code: &str) -> Self;
    /// Decodes an error answer from its wire code and message. Errors the docs list by their
    /// message only arrive with an empty code; a method's enum recognises them by the message
    /// (see [`is_message`]). Without such errors this is [`ErrorCode::from_code`].
    fn from_answer(code: &str, message: &str) -> Self {
        let _ = message;
        Self::from_code(code)
    }
    /// The wire code.
    fn code(&self) -> &str;
    /// Whether this is the catch-all for a code the type does not know.
    fn is_unknown(&self) -> bool;
}

/// Whether an answer with wire `code` and `message` is the error the docs list, without a
/// code, by the message `documented`.
///
/// The server sends such an error with an empty code and the message in `error_description`
/// (REST 3.0: `error.message`); some methods put the message in `error` itself. Messages
/// compare without regard to case, spacing, quotes around them or a final full stop, and a
/// placeholder in the documented message (`{id}`, `#ID#`, `<id>`, a quoted number, `...`, or
/// whatever follows a final colon) stands for any text. The portal writes messages in its own
/// language, so a portal that is not in English sends messages this cannot recognise; they
/// stay `Unknown`.
pub fn is_message(documented: &str, code: &str, message: &str) -> bool {
    (code.is_empty() && same_message(documented, message)) || same_message(documented, code)
}

/// `received` is the `documented` message, placeholders matching any text.
fn same_message(documented: &str, received: &str) -> bool {
    let received = normalize(received);
    let documented = normalize(documented);
    if received.is_empty() || documented.is_empty() {
        return false;
    }
    let mut parts = literal_parts(&documented);
    if documented.ends_with(':') {
        parts.push(String::new());
    }
    if parts.len() == 1 {
        return parts[0] == received;
    }
    let (first, last) = (&parts[0], &parts[parts.len() - 1]);
    if !received.starts_with(first.as_str()) || received.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &received[first.len()..received.len() - last.len()];
    if !received.ends_with(last.as_str()) {
        return false;
    }
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle.as_str()) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Lower case, single spaces, without surrounding quotes and a final `.` or `!`.
fn normalize(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s.trim_matches(['"', '\'', '`'])
        .trim_end_matches(['.', '!'])
        .trim()
        .to_lowercase()
}

/// The literal text between the placeholders of a documented message: `{…}`, `#…#`, `<…>`,
/// a quoted number (`'235'`) and `...`/`…` stand for any text.
fn literal_parts(documented: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = documented.chars().peekable();
    while let Some(c) = chars.next() {
        let close = match c {
            '{' => Some('}'),
            '<' => Some('>'),
            '#' => Some('#'),
            '\'' | '"' => Some(c),
            _ => None,
        };
        if let Some(close) = close {
            let inner: String = chars.clone().take_while(|&x| x != close).collect();
            let closed = chars.clone().nth(inner.chars().count()) == Some(close);
            // A quoted number is the page's example value (`ID '235'`); other quoted text
            // is part of the message.
            let quoted = matches!(c, '\'' | '"');
            let word = !inner.is_empty()
                && !inner.contains(' ')
                && (!quoted || inner.chars().all(|x| x.is_ascii_digit()));
            if closed && word {
                chars.nth(inner.chars().count());
                parts.push(String::new());
                continue;
            }
        }
        if c == '\u{2026}' || (c == '.' && chars.peek() == Some(&'.')) {
            while chars.peek() == Some(&'.') {
                chars.next();
            }
            parts.push(String::new());
            continue;
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    if documented.ends_with(':') {
        if let Some(last) = parts.last_mut() {
            *last = last.trim_end_matches(':').to_owned();
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CommonError;

    #[test]
    fn messages_match_loosely_and_placeholders_match_any_text() {
        assert!(is_message("Access denied", "", "Access denied."));
        assert!(is_message("Access denied", "", "  access   DENIED!"));
        assert!(is_message("`Not found`", "", "Not found"));
        assert!(is_message("Incorrect list id", "Incorrect list id", ""));
        assert!(is_message(
            "Required fields:",
            "",
            "Required fields: title, name"
        ));
        assert!(is_message(
            "The entity with ID '235' is not found",
            "",
            "The entity with ID '17' is not found."
        ));
        assert!(!is_message(
            "Field 'TITLE' is required",
            "",
            "Field 'NAME' is required"
        ));
        assert!(is_message(
            "Could not find value for parameter {id}",
            "",
            "Could not find value for parameter id"
        ));
        assert!(is_message(
            "My company ... not found",
            "",
            "My company Acme not found"
        ));
        assert!(is_message("Task #ID# not found", "", "Task 15 not found"));
        assert!(!is_message("Access denied", "ERROR_CORE", "Access denied"));
        assert!(!is_message("Access denied", "", "Access denied for user"));
        assert!(!is_message("Access denied", "", ""));
        assert!(!is_message("", "", ""));
        assert!(!is_message("Required fields:", "", "Required"));
        assert!(!is_message("My company ... not found", "", "My company"));
        assert!(!is_message("a {x} b {y} c", "", "a 1 c 2 b"));
        assert!(is_message("a {x} b {y} c", "", "a 1 b 2 c"));
    }

    #[test]
    fn without_message_errors_an_answer_decodes_by_its_code() {
        assert_eq!(
            CommonError::from_answer("QUERY_LIMIT_EXCEEDED", "anything"),
            CommonError::QueryLimitExceeded
        );
        assert_eq!(
            CommonError::from_answer("", "Access denied"),
            CommonError::Unknown(String::new())
        );
    }

    #[test]
    fn common_codes_round_trip_and_unknown_is_kept() {
        let c = CommonError::from_code("QUERY_LIMIT_EXCEEDED");
        assert_eq!(c, CommonError::QueryLimitExceeded);
        assert_eq!(c.code(), "QUERY_LIMIT_EXCEEDED");
        assert!(!c.is_unknown());
        let v3 = CommonError::from_code(
            "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
        );
        assert_eq!(v3, CommonError::RequestValidationException);
        let u = CommonError::from_code("SOMETHING_NEW");
        assert_eq!(u, CommonError::Unknown("SOMETHING_NEW".into()));
        assert_eq!(u.code(), "SOMETHING_NEW");
        assert!(u.is_unknown());
        assert_eq!(
            CommonError::from_code("expired_token").to_string(),
            "expired_token"
        );
    }
}
