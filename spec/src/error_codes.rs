//! Error codes as enums see them: one entry per wire code with its messages merged (or, for
//! an error the docs list without a code, one entry per message), the variant name and the
//! variant doc. The macros build each method's error enum from this and the generator builds
//! the shared `CommonError` from the catalogues, so both name and document a code the same way.

use crate::model::ErrorCatalogue;
use crate::naming;

/// One code with what the docs say about it (messages merged by code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The wire code; `None` for an error the docs list by its message only, which the server
    /// sends with an empty code and this message.
    pub code: Option<String>,
    /// HTTP status, when known.
    pub status: Option<u16>,
    /// The documented messages, without repeats. A code-less entry has exactly one.
    pub messages: Vec<String>,
    /// REST 3.0 exception class, which names the variant when present.
    pub exception: Option<String>,
    /// `None` for a method's own codes, else the catalogue the code comes from.
    pub catalogue: Option<String>,
}

impl Code {
    /// The message a code-less entry is recognised by.
    pub fn matched_message(&self) -> Option<&str> {
        match self.code {
            None => self.messages.first().map(String::as_str),
            Some(_) => None,
        }
    }

    /// The variant name: from the exception class when there is one, else from the code,
    /// else from the message's first [`naming::MESSAGE_WORDS`] words.
    pub fn variant_name(&self) -> String {
        self.name_of(naming::MESSAGE_WORDS)
    }

    fn name_of(&self, words: usize) -> String {
        let from_code = self
            .exception
            .as_deref()
            .and_then(naming::error_variant)
            .or_else(|| self.code.as_deref().and_then(naming::error_variant));
        match from_code {
            Some(name) => name,
            None => naming::message_variant(self.matched_message().unwrap_or_default(), words),
        }
    }

    /// The variant doc: the code (or how the variant is recognised), its status, where it
    /// comes from and its messages.
    pub fn variant_doc(&self) -> String {
        let mut doc = match (&self.code, self.matched_message()) {
            (Some(code), _) => format!("`{code}`"),
            (None, Some(message)) => format!("No code; recognised by the message \"{message}\""),
            (None, None) => "No code".to_owned(),
        };
        if let Some(s) = self.status {
            doc.push_str(&format!(" (HTTP {s})"));
        }
        match self.catalogue.as_deref() {
            Some("system") => doc.push_str(", a system error any method may return"),
            Some(other) => doc.push_str(&format!(", shared `{other}` error")),
            None => {}
        }
        if self.code.is_some() {
            let messages: Vec<&str> = self
                .messages
                .iter()
                .map(String::as_str)
                .filter(|m| !m.is_empty())
                .collect();
            if !messages.is_empty() {
                doc.push_str(": ");
                doc.push_str(&messages.join("; "));
            }
        }
        doc
    }
}

/// Adds `entry` to `codes`, merging the messages of a code seen before, and a code-less entry
/// into one with the same message. A code-less entry without a message is left out: nothing
/// the server sends could be recognised as it.
pub fn merge(codes: &mut Vec<Code>, mut entry: Code) {
    entry.messages.retain(|m| !m.trim().is_empty());
    if entry.code.is_none() {
        entry.messages.truncate(1);
        let Some(message) = entry.messages.first() else {
            return;
        };
        let key = message_key(message);
        let same = |c: &Code| c.matched_message().map(message_key).as_ref() == Some(&key);
        if let Some(existing) = codes.iter_mut().find(|c| same(c)) {
            existing.status = existing.status.or(entry.status);
        } else {
            codes.push(entry);
        }
        return;
    }
    if let Some(existing) = codes.iter_mut().find(|c| c.code == entry.code) {
        for m in entry.messages {
            if !existing.messages.contains(&m) {
                existing.messages.push(m);
            }
        }
        existing.status = existing.status.or(entry.status);
        existing.exception = existing.exception.take().or(entry.exception);
    } else {
        codes.push(entry);
    }
}

/// Two documented messages that differ only in case, spacing, surrounding quotes or a final
/// full stop name one error (the runtime compares received messages the same way).
fn message_key(message: &str) -> String {
    message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(['"', '\'', '`'])
        .trim_end_matches(['.', '!'])
        .trim()
        .to_lowercase()
}

/// The variant names of `codes`, in order: unique, and never `Common` (the variant nesting
/// the shared codes) nor `Unknown` (the catch-all).
pub fn variant_names(codes: &[Code]) -> Vec<String> {
    let short: Vec<String> = codes.iter().map(Code::variant_name).collect();
    // Messages that agree in their first words are named by all of their words.
    let names: Vec<String> = codes
        .iter()
        .zip(&short)
        .map(|(c, n)| {
            let clash = short.iter().filter(|o| *o == n).count() > 1;
            if clash && c.code.is_none() {
                c.name_of(usize::MAX)
            } else {
                n.clone()
            }
        })
        .collect();
    // A message named like one of the codes says how it differs.
    let coded: Vec<&String> = codes
        .iter()
        .zip(&names)
        .filter(|(c, _)| c.code.is_some())
        .map(|(_, n)| n)
        .collect();
    let names: Vec<String> = codes
        .iter()
        .zip(&names)
        .map(|(c, n)| {
            if c.code.is_none() && coded.contains(&n) {
                format!("{n}WithoutCode")
            } else {
                n.clone()
            }
        })
        .map(|n| {
            if n == "Common" {
                "CommonCode".to_owned()
            } else {
                n
            }
        })
        .collect();
    naming::unique_variants(&names)
}

/// What an error answer decodes to in a method's enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// The method's own variant at this index of its codes.
    Own(usize),
    /// A shared code, nested as `Common`.
    Common,
    /// The catch-all.
    Unknown,
}

/// Which variant of a method's enum an answer with wire `code` and `message` decodes to,
/// in the order the generated `from_answer` tries them: the method's codes by equality, then
/// its code-less entries by `is_message(documented, code, message)` (the runtime's
/// `codes::is_message`), then the shared codes by `is_shared(code)`.
pub fn decode(
    codes: &[Code],
    code: &str,
    message: &str,
    is_message: impl Fn(&str, &str, &str) -> bool,
    is_shared: impl Fn(&str) -> bool,
) -> Decoded {
    if let Some(i) = codes.iter().position(|c| c.code.as_deref() == Some(code)) {
        return Decoded::Own(i);
    }
    let by_message = codes.iter().position(|c| {
        c.matched_message()
            .is_some_and(|documented| is_message(documented, code, message))
    });
    match by_message {
        Some(i) => Decoded::Own(i),
        None if is_shared(code) => Decoded::Common,
        None => Decoded::Unknown,
    }
}

/// The codes of `catalogues`, in their order (system first, then REST 3.0).
pub fn shared(catalogues: &[&ErrorCatalogue]) -> Vec<Code> {
    let mut codes = Vec::new();
    for cat in catalogues {
        for e in &cat.errors {
            merge(
                &mut codes,
                Code {
                    code: e.code.clone(),
                    status: Some(e.status),
                    messages: vec![e.message.clone()],
                    exception: e.exception.clone(),
                    catalogue: Some(cat.name.clone()),
                },
            );
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(code: Option<&str>, message: &str) -> Code {
        Code {
            code: code.map(str::to_owned),
            status: Some(400),
            messages: vec![message.to_owned()],
            exception: None,
            catalogue: None,
        }
    }

    #[test]
    fn messages_merge_by_code_and_code_less_entries_by_message() {
        let mut codes = Vec::new();
        merge(&mut codes, code(Some("NOT_FOUND"), "SPA not found"));
        merge(&mut codes, code(Some("NOT_FOUND"), "Item not found"));
        merge(&mut codes, code(None, "Access denied"));
        merge(&mut codes, code(None, "Access  denied."));
        merge(&mut codes, code(None, "\"Access denied"));
        merge(&mut codes, code(None, " "));
        assert_eq!(codes.len(), 2);
        assert_eq!(
            codes[0].variant_doc(),
            "`NOT_FOUND` (HTTP 400): SPA not found; Item not found"
        );
        assert_eq!(codes[0].variant_name(), "NotFound");
        assert_eq!(
            codes[1].variant_doc(),
            "No code; recognised by the message \"Access denied\" (HTTP 400)"
        );
        assert_eq!(codes[1].variant_name(), "AccessDenied");
    }

    #[test]
    fn messages_alike_in_their_first_words_are_named_by_all_of_them() {
        let codes = [
            code(None, "Section at index i does not have a title"),
            code(None, "Section at index i does not have a name"),
        ];
        assert_eq!(
            variant_names(&codes),
            [
                "SectionAtIndexIDoesNotHaveTitle",
                "SectionAtIndexIDoesNotHaveName"
            ]
        );
    }

    #[test]
    fn names_never_collide_nor_take_the_nesting_variant() {
        let codes = [
            code(Some("ACCESS_DENIED"), "Access denied"),
            code(None, "Access denied"),
            code(Some("COMMON"), ""),
        ];
        assert_eq!(
            variant_names(&codes),
            ["AccessDenied", "AccessDeniedWithoutCode", "CommonCode"]
        );
    }

    #[test]
    fn decode_tries_codes_then_messages_then_shared_codes() {
        let codes = [code(Some("NOT_FOUND"), "x"), code(None, "Access denied")];
        let is_message = |doc: &str, c: &str, m: &str| c.is_empty() && doc == m;
        let is_shared = |c: &str| c == "QUERY_LIMIT_EXCEEDED";
        let d = |c: &str, m: &str| decode(&codes, c, m, is_message, is_shared);
        assert_eq!(d("NOT_FOUND", "Access denied"), Decoded::Own(0));
        assert_eq!(d("", "Access denied"), Decoded::Own(1));
        assert_eq!(d("", "other"), Decoded::Unknown);
        assert_eq!(d("QUERY_LIMIT_EXCEEDED", ""), Decoded::Common);
        assert_eq!(d("NEW", ""), Decoded::Unknown);
    }
}
