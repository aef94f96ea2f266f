//! Answers a page documents by naming another method's: "It is equivalent to calling the
//! [`crm.status.list`] method …", "Returns a response similar to the [rpa.type.get] method".
//! A page that documents no answer of its own takes the named method's result type once every
//! page is read.

use std::collections::BTreeMap;

use bitrix_spec::{Kind, MethodKey};

use crate::identity::is_dotted;
use crate::page::Page;
use crate::Import;

/// Words that say two methods answer alike.
const ALIKE: [&str; 4] = ["equivalent to", "identical to", "similar to", "same as"];

/// The method whose answer this page says its own is like, from a sentence about the method
/// or its answer ("It is equivalent to …", "This method is similar to …", "Returns a response
/// similar to …"), outside code and tables. A sentence about something else ("The logic for
/// adding entities is similar to …") names no answer.
pub(crate) fn said(page: &Page<'_>) -> Option<String> {
    let mut code = false;
    page.lines.iter().find_map(|line| {
        if crate::text::is_fence(line) {
            code = !code;
        }
        if code || line.trim_start().starts_with("||") {
            return None;
        }
        line.split(". ").find_map(sentence_names)
    })
}

/// The method a sentence says the answer is like, when it is about the method or its answer.
fn sentence_names(sentence: &str) -> Option<String> {
    let lower = sentence.to_lowercase();
    // Indices of the lower-case text; `get` refuses one that is not a boundary of the original.
    let (before, after) = ALIKE.iter().find_map(|w| {
        let at = lower.find(w)?;
        Some((&lower[..at], sentence.get(at + w.len()..)?))
    })?;
    let before = before.trim_start();
    let about_answer = ["it is ", "this method is ", "the method is "]
        .iter()
        .any(|s| before.starts_with(s))
        || ["response", "result", "returns"]
            .iter()
            .any(|w| before.contains(w));
    if !about_answer {
        return None;
    }
    // The first dotted name after the words, in a link's text or in backticks.
    after
        .split(['[', ']', '`', '(', ')', ' ', ','])
        .find(|t| is_dotted(t))
        .map(str::to_owned)
}

/// Gives each method without a typed answer the result of the method its page names, when
/// that one is typed, with a reason. `alike` maps methods to the names their pages give.
pub(crate) fn apply(import: &mut Import, alike: &BTreeMap<MethodKey, String>) {
    for (key, other) in alike {
        let found = import
            .methods
            .iter()
            .find(|((n, v), _)| *v == key.1 && n.eq_ignore_ascii_case(other))
            .map(|(_, m)| (m.result.clone(), m.result_wrapper, m.name.clone()));
        let Some((result, wrapper, name)) = found else {
            continue;
        };
        let Some(m) = import.methods.get_mut(key) else {
            continue;
        };
        if m.result.kind != Kind::Any || !super::is_typed(&result) {
            continue;
        }
        m.result = result;
        m.result_wrapper = wrapper;
        if let Some(c) = &mut m.confidence {
            c.reasons.push(format!(
                "result: the page says the answer is like `{name}`'s; typed as that one"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sentence_names;

    #[test]
    fn a_sentence_about_the_answer_names_the_method_it_is_like() {
        assert_eq!(
            sentence_names(
                "It is equivalent to calling the [`crm.status.list`](../x.md) method with `ENTITY_ID`"
            )
            .as_deref(),
            Some("crm.status.list")
        );
        assert_eq!(
            sentence_names(
                "Returns a response similar to the [rpa.type.get](./rpa-type-get.md) method"
            )
            .as_deref(),
            Some("rpa.type.get")
        );
    }

    #[test]
    fn a_sentence_about_something_else_names_none() {
        assert_eq!(
            sentence_names(
                "The logic for adding entities is similar to the [crm.item.import](x.md) method"
            ),
            None
        );
        assert_eq!(sentence_names("It is equivalent to a filter"), None);
    }
}
