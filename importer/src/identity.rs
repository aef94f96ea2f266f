//! Who a page documents: the method name decided by agreement of the page's signals (title,
//! cURL URL, opening sentence, SDK call), the title without the name, and the scope.

use crate::cell::code_spans;
use crate::page::Page;

/// The method name from the title, the cURL URLs, the "The method `x`" sentence and the SDK
/// calls of the examples: the name most of them agree on (case-insensitively), with how many
/// signals back it. A disagreement is a reason; the cURL name wins a tie because it is what
/// the server answers.
pub(crate) fn decide_name(
    h1: Option<&str>,
    curl: &[String],
    sentence: Option<&str>,
    sdk: Option<&str>,
    reasons: &mut Vec<String>,
) -> Option<(String, usize)> {
    // In order of precedence on a tie: the cURL name first.
    let signals = [
        ("the cURL example", curl.first().map(String::as_str)),
        ("the title", h1),
        ("the opening sentence", sentence),
        ("the SDK example", sdk),
    ];
    let support = |name: &str| {
        signals
            .iter()
            .filter(|(_, s)| s.is_some_and(|s| s.eq_ignore_ascii_case(name)))
            .count()
    };
    let candidates = signals.iter().filter_map(|(_, s)| *s);
    let top = candidates.clone().map(support).max()?;
    // The first of the best supported (`max_by_key` would take the last).
    let best = candidates.clone().find(|c| support(c) == top)?;
    // The cURL spelling is preferred when it agrees: the title sometimes changes the case.
    let spelled = curl
        .iter()
        .find(|c| c.eq_ignore_ascii_case(best))
        .map_or(best, String::as_str);
    for (what, other) in signals {
        match other {
            Some(other) if !other.eq_ignore_ascii_case(spelled) => reasons.push(format!(
                "{what} names `{other}`, the page is imported as `{spelled}`"
            )),
            _ => {}
        }
    }
    Some((spelled.to_owned(), top))
}

/// Methods called by the SDK examples (`BX24.callMethod`, `CRest::call`, `->call`, `.call`),
/// in order: the first quoted name after the call, on its line or the next.
pub(crate) fn sdk_methods(lines: &[&str]) -> Vec<String> {
    const CALLS: [&str; 4] = ["callMethod(", "CRest::call(", "->call(", ".call("];
    let mut out: Vec<String> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = CALLS.iter().find_map(|c| line.find(c).map(|p| p + c.len())) else {
            continue;
        };
        let rest = line[at..].trim();
        let arg = if rest.is_empty() {
            lines.get(i + 1).map_or("", |l| l.trim())
        } else {
            rest
        };
        let Some(quote) = arg.chars().next().filter(|c| matches!(c, '\'' | '"')) else {
            continue;
        };
        let name = arg[1..].split(quote).next().unwrap_or_default();
        if is_dotted(name) && !out.iter().any(|o| o == name) {
            out.push(name.to_owned());
        }
    }
    out
}

/// The method named by the opening sentence ("The method `x` …"), before the first section.
pub(crate) fn sentence_method(lines: &[&str]) -> Option<String> {
    lines
        .iter()
        .take_while(|l| !l.starts_with("## "))
        .find_map(|l| {
            let at = l.find("method `")? + "method `".len();
            let name = l[at..].split('`').next()?;
            is_dotted(name).then(|| name.to_owned())
        })
}

pub(crate) fn is_dotted(token: &str) -> bool {
    token.contains('.') && bitrix_spec::validate::is_valid_method_name(token)
}

/// The dotted method token of the H1 (the last one).
pub(crate) fn h1_method(h1: &str) -> Option<String> {
    h1.split_whitespace()
        .map(|t| t.trim_matches(|c: char| matches!(c, '(' | ')' | ':' | ',' | '`' | '.')))
        .rfind(|t| is_dotted(t))
        .map(str::to_owned)
}

/// Method names called by the page's cURL examples, in order, without repeats.
pub(crate) fn curl_methods(lines: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        let Some(at) = line.find("/rest/") else {
            continue;
        };
        if !line.contains("https://") && !line.contains("http://") {
            continue;
        }
        let url = &line[at..];
        let url: String = url
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '`' | ')'))
            .collect();
        let last = url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        let last = last
            .split('?')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".json");
        if is_dotted(last) && !out.iter().any(|o| o == last) {
            out.push(last.to_owned());
        }
    }
    out
}

pub(crate) fn title_without(h1: &str, name: &str) -> String {
    let t = h1.replace(name, "").replace("v 3.0", "");
    let t = t.trim().trim_end_matches(':').trim_end_matches(" -").trim();
    if t.is_empty() {
        name.to_owned()
    } else {
        t.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

pub(crate) fn scope(page: &Page<'_>, rel: &str) -> String {
    let from_line = page
        .lines
        .iter()
        .find(|l| l.trim_start().starts_with("> Scope"))
        .and_then(|l| code_spans(l).into_iter().next())
        // `sale, cashbox`: the method needs both; the first names its module.
        .map(|s| s.split(',').next().unwrap_or_default().trim().to_owned());
    let raw = from_line.unwrap_or_else(|| rel.split('/').nth(1).unwrap_or("common").to_owned());
    let s: String = raw
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let s = s.trim_matches('_').to_owned();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        "common".to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_agreement() {
        let mut reasons = Vec::new();
        let curl = vec!["crm.automation.trigger.delete".to_owned()];
        let (name, evidence) = decide_name(
            Some("ctrigger.delete"),
            &curl,
            None,
            Some("crm.automation.trigger.delete"),
            &mut reasons,
        )
        .unwrap();
        assert_eq!(
            (name.as_str(), evidence),
            ("crm.automation.trigger.delete", 2)
        );
        assert_eq!(
            reasons,
            ["the title names `ctrigger.delete`, the page is imported as `crm.automation.trigger.delete`"]
        );
        // A tie goes to the first candidate, the cURL name.
        let (name, _) =
            decide_name(Some("a.b"), &["a.c".to_owned()], None, None, &mut reasons).unwrap();
        assert_eq!(name, "a.c");
        assert_eq!(
            sdk_methods(&[
                "BX24.callMethod(",
                "  'crm.deal.get',",
                "$b24->call('x.y', [])"
            ]),
            ["crm.deal.get", "x.y"]
        );
        assert_eq!(
            sentence_method(&["# T", "The method `crm.deal.get` returns", "## P"]).as_deref(),
            Some("crm.deal.get")
        );
    }
}
