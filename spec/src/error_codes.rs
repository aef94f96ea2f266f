//! Error codes as enums see them: one entry per wire code with its messages merged, the
//! variant name and the variant doc. The macros build each method's error enum from this and
//! the generator builds the shared `CommonError` from the catalogues, so both name and
//! document a code the same way.

use crate::model::ErrorCatalogue;
use crate::naming;

/// One code with what the docs say about it (messages merged by code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The wire code.
    pub code: String,
    /// HTTP status, when known.
    pub status: Option<u16>,
    /// The documented messages, without repeats.
    pub messages: Vec<String>,
    /// REST 3.0 exception class, which names the variant when present.
    pub exception: Option<String>,
    /// `None` for a method's own codes, else the catalogue the code comes from.
    pub catalogue: Option<String>,
}

impl Code {
    /// The variant name: from the exception class when there is one, else from the code.
    pub fn variant_name(&self) -> String {
        self.exception
            .as_deref()
            .and_then(naming::error_variant)
            .or_else(|| naming::error_variant(&self.code))
            .unwrap_or_else(|| "Empty".to_owned())
    }

    /// The variant doc: the code, its status, where it comes from and its messages.
    pub fn variant_doc(&self) -> String {
        let mut doc = format!("`{}`", self.code);
        if let Some(s) = self.status {
            doc.push_str(&format!(" (HTTP {s})"));
        }
        match self.catalogue.as_deref() {
            Some("system") => doc.push_str(", a system error any method may return"),
            Some(other) => doc.push_str(&format!(", shared `{other}` error")),
            None => {}
        }
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
        doc
    }
}

/// Adds `entry` to `codes`, merging the messages of a code seen before. Entries without a code
/// are left out: no enum variant could match them.
pub fn merge(codes: &mut Vec<Code>, entry: Code) {
    if entry.code.trim().is_empty() {
        return;
    }
    if let Some(existing) = codes.iter_mut().find(|c| c.code == entry.code) {
        for m in entry.messages {
            if !m.is_empty() && !existing.messages.contains(&m) {
                existing.messages.push(m);
            }
        }
        existing.status = existing.status.or(entry.status);
        existing.exception = existing.exception.take().or(entry.exception);
    } else {
        codes.push(entry);
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

    fn code(code: &str, message: &str) -> Code {
        Code {
            code: code.to_owned(),
            status: Some(400),
            messages: vec![message.to_owned()],
            exception: None,
            catalogue: None,
        }
    }

    #[test]
    fn messages_merge_by_code_and_empty_codes_are_left_out() {
        let mut codes = Vec::new();
        merge(&mut codes, code("NOT_FOUND", "SPA not found"));
        merge(&mut codes, code("NOT_FOUND", "Item not found"));
        merge(&mut codes, code("", "Empty"));
        assert_eq!(codes.len(), 1);
        assert_eq!(
            codes[0].variant_doc(),
            "`NOT_FOUND` (HTTP 400): SPA not found; Item not found"
        );
        assert_eq!(codes[0].variant_name(), "NotFound");
    }
}
