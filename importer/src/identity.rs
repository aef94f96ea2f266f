//! Who a page documents: whether it documents a method at all (or only calls one, as guides,
//! overviews and widget pages do), the method name decided by agreement of the page's signals
//! (title, cURL URL, opening sentence, SDK call, file name), the title without the name, and
//! the scope.

use std::fmt;

use crate::cell::code_spans;
use crate::page::Page;

/// Why a page that names a method is not imported as that method.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// The page cannot be read.
    Unreadable,
    /// No method name anywhere: not a method page (not reported).
    NoMethod,
    /// It names a JavaScript SDK call (`BX24.…`), not a REST method.
    JsInterface(String),
    /// It calls the method in its examples, but neither its title, its opening sentence nor
    /// its file name names it: a guide, an overview or a widget page.
    CallsOnly(String),
    /// It names the method but has neither a scope line nor a cURL example (change logs,
    /// migration notes).
    NoScopeNorCurl(String),
    /// Its signals name no well-formed method.
    Malformed,
}

impl Skip {
    /// The reason without the method name, to count pages by reason.
    pub fn kind(&self) -> &'static str {
        match self {
            Skip::Unreadable => "unreadable page",
            Skip::NoMethod => "no method name",
            Skip::JsInterface(_) => "a JavaScript SDK call, not a REST method",
            Skip::CallsOnly(_) => {
                "calls a method without documenting it (not named by title, opening sentence or file name)"
            }
            Skip::NoScopeNorCurl(_) => "names a method but has no scope line and no cURL example",
            Skip::Malformed => "no well-formed method name",
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::JsInterface(n) | Skip::CallsOnly(n) | Skip::NoScopeNorCurl(n) => {
                write!(f, "{} (`{n}`)", self.kind())
            }
            _ => f.write_str(self.kind()),
        }
    }
}

/// A name reduced to its lowercase letters and digits: `crm.activity.todo.updateColor` and
/// the file `crm-activity-todo-update-color.md` both give `crmactivitytodoupdatecolor`.
pub(crate) fn slug(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The file name of a page without its folder and `.md`.
pub(crate) fn file_stem(rel: &str) -> &str {
    rel.rsplit('/')
        .next()
        .unwrap_or(rel)
        .trim_end_matches(".md")
}

/// Whether a page documents a method rather than only calling one, from its signals: the page
/// is about a method when its title or opening sentence names one, or when its file name is
/// the name of a method it calls (`common/users/profile.md` calls `profile`). `Ok` with the
/// names the page is about; the reason otherwise.
pub(crate) fn documents(
    rel: &str,
    h1: Option<&str>,
    sentence: Option<&str>,
    called: &[&str],
    has_scope: bool,
    has_curl: bool,
) -> Result<(), Skip> {
    let first = h1.or(sentence).or(called.first().copied());
    let Some(first) = first else {
        return Err(Skip::NoMethod);
    };
    if let Some(js) = h1
        .into_iter()
        .chain(sentence)
        .chain(called.iter().copied())
        .find(|n| n.to_ascii_lowercase().starts_with("bx24."))
    {
        return Err(Skip::JsInterface(js.to_owned()));
    }
    let stem = slug(file_stem(rel));
    let own = h1.is_some() || sentence.is_some() || called.iter().any(|n| slug(n) == stem);
    if !own {
        return Err(Skip::CallsOnly(first.to_owned()));
    }
    if !has_scope && !has_curl {
        return Err(Skip::NoScopeNorCurl(first.to_owned()));
    }
    Ok(())
}

/// The method name from the title, the cURL URLs, the "The method `x`" sentence, the SDK
/// calls of the examples and the file name: the name most of them back (case-insensitively;
/// the file name backs a name with its slug, `crm-item-update` backs `crm.item.update`), with
/// how many signals back it. A disagreement is a reason. On a tie the name the file name
/// backs wins (examples are often copied from another page), then the cURL name, which is
/// what the server answers.
pub(crate) fn decide_name(
    h1: Option<&str>,
    curl: &[String],
    sentence: Option<&str>,
    sdk: Option<&str>,
    stem: &str,
    reasons: &mut Vec<String>,
) -> Option<(String, usize)> {
    // In order of precedence on a tie: the cURL name first.
    let signals = [
        ("the cURL example", curl.first().map(String::as_str)),
        ("the title", h1),
        ("the opening sentence", sentence),
        ("the SDK example", sdk),
    ];
    let stem = slug(stem);
    let by_file = |name: &str| slug(name) == stem;
    let support = |name: &str| {
        signals
            .iter()
            .filter(|(_, s)| s.is_some_and(|s| s.eq_ignore_ascii_case(name)))
            .count()
            + usize::from(by_file(name))
    };
    let candidates = signals.iter().filter_map(|(_, s)| *s);
    let top = candidates.clone().map(support).max()?;
    // The first of the best supported (`max_by_key` would take the last).
    let best = candidates
        .clone()
        .find(|c| support(c) == top && by_file(c))
        .or_else(|| candidates.clone().find(|c| support(c) == top))?;
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

/// Method names called by the page's cURL examples, in order, without repeats. A name without
/// a dot (`profile`, `methods`) counts only when it is the page's file name, `stem`: a bare
/// last segment is otherwise a folder of the URL (`/rest/api/`).
pub(crate) fn curl_methods(lines: &[&str], stem: &str) -> Vec<String> {
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
        let bare = !last.contains('.')
            && last.eq_ignore_ascii_case(stem)
            && bitrix_spec::validate::is_valid_method_name(last);
        if (is_dotted(last) || bare) && !out.iter().any(|o| o == last) {
            out.push(last.to_owned());
        }
    }
    out
}

/// The page's title without the method's name, in whatever case the title spells it
/// (`sale.paymentItemShipment.list` for `sale.paymentitemshipment.list`), and without "v 3.0".
pub(crate) fn title_without(h1: &str, name: &str) -> String {
    // ASCII lowering keeps every byte offset, so the matches index `h1` itself. An undotted
    // name (`profile`) is also a word of titles ("… User Profile"), so only its own case goes.
    let dotted = name.contains('.');
    let lower = if dotted {
        h1.to_ascii_lowercase()
    } else {
        h1.to_owned()
    };
    let needle = if dotted {
        name.to_ascii_lowercase()
    } else {
        name.to_owned()
    };
    let mut t = String::with_capacity(h1.len());
    let mut from = 0;
    while let Some(at) = (!needle.is_empty())
        .then(|| lower[from..].find(&needle))
        .flatten()
    {
        t.push_str(&h1[from..from + at]);
        from += at + needle.len();
    }
    t.push_str(&h1[from..]);
    let t = t.replace("v 3.0", "");
    let t = t.trim().trim_end_matches(':').trim_end_matches(" -").trim();
    if t.is_empty() {
        name.to_owned()
    } else {
        t.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// A method's scope: [`scope`], unless the page's `> Scope` line names no scope in one word
/// ("depending on the placement"): then the method family (`userfieldtype`) stands in.
pub(crate) fn method_scope(page: &Page<'_>, rel: &str, name: &str) -> String {
    let named = page
        .lines
        .iter()
        .find(|l| l.trim_start().starts_with("> Scope"))
        .is_none_or(|l| {
            code_spans(l)
                .iter()
                .flat_map(|s| s.split(','))
                .any(|s| !s.trim().is_empty() && !s.trim().contains(char::is_whitespace))
        });
    if named {
        scope(page, rel)
    } else {
        clean_scope(name.split('.').next().unwrap_or_default())
    }
}

/// The scope of the page's `> Scope` line, else the docs folder.
pub(crate) fn scope(page: &Page<'_>, rel: &str) -> String {
    let from_line = page
        .lines
        .iter()
        .find(|l| l.trim_start().starts_with("> Scope"))
        .and_then(|l| code_spans(l).into_iter().next())
        // `sale, cashbox`: the method needs both; the first names its module.
        .map(|s| s.split(',').next().unwrap_or_default().trim().to_owned());
    let raw = from_line.unwrap_or_else(|| rel.split('/').nth(1).unwrap_or("common").to_owned());
    clean_scope(&raw)
}

/// A scope as a cargo feature: lowercase letters, digits and `_`, `common` when nothing is left.
fn clean_scope(raw: &str) -> String {
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
    fn the_title_loses_the_name_in_any_case() {
        assert_eq!(
            title_without(
                "Get a list of bindings sale.paymentItemShipment.list",
                "sale.paymentitemshipment.list"
            ),
            "Get a list of bindings"
        );
        assert_eq!(
            title_without("Add a deal crm.deal.add v 3.0", "crm.deal.add"),
            "Add a deal"
        );
        assert_eq!(
            title_without("crm.deal.add", "crm.deal.add"),
            "crm.deal.add"
        );
        assert_eq!(
            title_without("Get the Current User Profile profile", "profile"),
            "Get the Current User Profile"
        );
    }

    #[test]
    fn names_by_agreement() {
        let mut reasons = Vec::new();
        let curl = vec!["crm.automation.trigger.delete".to_owned()];
        let (name, evidence) = decide_name(
            Some("ctrigger.delete"),
            &curl,
            None,
            Some("crm.automation.trigger.delete"),
            "crm-automation-trigger-delete",
            &mut reasons,
        )
        .unwrap();
        assert_eq!(
            (name.as_str(), evidence),
            ("crm.automation.trigger.delete", 3)
        );
        assert_eq!(
            reasons,
            ["the title names `ctrigger.delete`, the page is imported as `crm.automation.trigger.delete`"]
        );
        // A tie goes to the first candidate, the cURL name …
        let (name, _) = decide_name(
            Some("a.b"),
            &["a.c".to_owned()],
            None,
            None,
            "x",
            &mut reasons,
        )
        .unwrap();
        assert_eq!(name, "a.c");
        // … unless the file name backs the other: the examples were copied from elsewhere.
        let copied = vec!["crm.paysystem.list".to_owned()];
        let (name, evidence) = decide_name(
            Some("crm.invoice.userfield.add"),
            &copied,
            None,
            Some("crm.paysystem.list"),
            "crm-invoice-user-field-add",
            &mut reasons,
        )
        .unwrap();
        assert_eq!((name.as_str(), evidence), ("crm.invoice.userfield.add", 2));
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

    #[test]
    fn a_page_documents_a_method_only_when_it_names_it_itself() {
        let curl = ["crm.item.update"];
        // An overview page that calls the method in an example.
        assert_eq!(
            documents("crm/deals/index.md", None, None, &curl, true, true),
            Err(Skip::CallsOnly("crm.item.update".to_owned()))
        );
        // The method's own page, named only by its file name and cURL.
        assert_eq!(
            documents(
                "crm/universal/crm-item-update.md",
                None,
                None,
                &curl,
                true,
                true
            ),
            Ok(())
        );
        assert_eq!(
            documents(
                "widgets/x.md",
                Some("BX24.placement.call"),
                None,
                &[],
                true,
                false
            ),
            Err(Skip::JsInterface("BX24.placement.call".to_owned()))
        );
        assert_eq!(
            documents("im/migration.md", Some("imbot.v2"), None, &[], false, false),
            Err(Skip::NoScopeNorCurl("imbot.v2".to_owned()))
        );
        assert_eq!(
            documents("a.md", None, None, &[], true, true),
            Err(Skip::NoMethod)
        );
        assert_eq!(
            Skip::CallsOnly("x.y".to_owned()).to_string(),
            "calls a method without documenting it (not named by title, opening sentence or file name) (`x.y`)"
        );
    }

    #[test]
    fn a_bare_curl_name_counts_only_as_the_file_name() {
        let lines = [
            "https://**put_your_bitrix24_address**/rest/profile",
            "https://**portal**/rest/api/",
            "curl https://x/rest/1/abc/crm.deal.get.json?ID=1",
        ];
        assert_eq!(curl_methods(&lines, "profile"), ["profile", "crm.deal.get"]);
        assert_eq!(curl_methods(&lines, "api"), ["api", "crm.deal.get"]);
        assert_eq!(curl_methods(&lines, "other"), ["crm.deal.get"]);
        assert_eq!(
            slug("crm.activity.todo.updateColor"),
            slug("crm-activity-todo-update-color")
        );
        assert_eq!(file_stem("a/b/crm-item-update.md"), "crm-item-update");
    }
}
