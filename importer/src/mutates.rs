//! Whether a method changes data, decided from its page (SURVEY.md §13): the title's verb, the
//! opening sentence's verb, side effects the page states (a parameter that deletes by
//! default, "marks … as read"), an example's HTTP verb where it is not POST, the answer's
//! shape and the SDK's list helpers, and the name only as a last resort.
//!
//! The retry layer never retries a write blindly, so any sign of a write wins over every sign
//! of a read: a read verb in the title does not outweigh a write verb in the sentence, nor a
//! name that is a write verb (`bizproc.event.send` "returns the output parameters to" a
//! workflow). The decisive evidence is recorded as a reason
//! (`mutates: read by title: verb "Get"`), which [`census`] counts for the report.

use std::collections::BTreeMap;

use bitrix_spec::{Example, ExampleKind, Field, Method};
use serde_json::Value;

use crate::text::is_fence;
use crate::verbs::{classify, prose_words, Class, AMBIGUOUS, READ_NAMES, WRITE};

/// Where the decisive evidence was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// The page's title.
    Title,
    /// The page's opening sentence (or its prose stating a side effect).
    Sentence,
    /// A parameter that deletes or clears by default.
    Parameters,
    /// An example's HTTP verb.
    Example,
    /// The documented answer's shape or the SDK's list helpers.
    Answer,
    /// The method's name.
    Name,
}

impl Source {
    /// The word of reasons and of the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Title => "title",
            Source::Sentence => "sentence",
            Source::Parameters => "parameters",
            Source::Example => "example",
            Source::Answer => "answer",
            Source::Name => "name",
        }
    }

    const ALL: [Source; 6] = [
        Source::Title,
        Source::Sentence,
        Source::Parameters,
        Source::Example,
        Source::Answer,
        Source::Name,
    ];
}

/// A decision and its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decision {
    /// Whether the method changes data.
    pub(crate) mutates: bool,
    /// Where the decisive evidence is.
    pub(crate) source: Source,
    /// The evidence, quoted.
    pub(crate) why: String,
    /// Whether the evidence is weak (an ambiguous verb, the name alone): the confidence drops.
    pub(crate) doubtful: bool,
}

impl Decision {
    fn new(mutates: bool, source: Source, why: String, doubtful: bool) -> Decision {
        Decision {
            mutates,
            source,
            why,
            doubtful,
        }
    }

    /// The confidence reason: `mutates: write by title: verb "Delete"`.
    pub(crate) fn reason(&self) -> String {
        let what = if self.mutates { "write" } else { "read" };
        format!("mutates: {what} by {}: {}", self.source.as_str(), self.why)
    }
}

/// What the page says, as the decision reads it.
pub(crate) struct Page<'a> {
    /// Wire name of the method.
    pub(crate) name: &'a str,
    /// The title without the method name.
    pub(crate) title: &'a str,
    /// The page's lines.
    pub(crate) lines: &'a [&'a str],
    /// Where the introduction ends (the first `##` heading).
    pub(crate) intro_end: usize,
    /// The parameters, with their defaults.
    pub(crate) params: &'a [Field],
    /// The documented examples.
    pub(crate) examples: &'a [Example],
}

/// Decides whether the method changes data; a write wins any conflict.
pub(crate) fn decide(page: &Page<'_>) -> Decision {
    let title = first_verb(page.title, true);
    let sentence_text = opening_sentence(page.lines, page.intro_end);
    let sentence = sentence_text.as_deref().and_then(|s| first_verb(s, false));
    let said = |class: Class| {
        [(Source::Title, &title), (Source::Sentence, &sentence)]
            .into_iter()
            .find_map(|(source, verb)| match verb {
                Some((c, word)) if *c == class => Some((source, word.clone())),
                _ => None,
            })
    };
    if let Some((source, word)) = said(Class::Write) {
        return Decision::new(true, source, format!("verb \"{word}\""), false);
    }
    if let Some(param) = destructive_default(page) {
        return Decision::new(
            true,
            Source::Parameters,
            format!("parameter `{param}` deletes by default"),
            false,
        );
    }
    let prose = page.lines[..page.intro_end.min(page.lines.len())].join(" ");
    let read_said = said(Class::Read);
    if let Some(phrase) = side_effect(&prose) {
        return Decision::new(true, Source::Sentence, format!("\"{phrase}\""), false);
    }
    let unaltered = prose.contains("without altering") || prose.contains("without changing");
    if let Some((source, word)) = said(Class::Ambiguous) {
        // "Show …" that "returns", or "reads" "without altering its state", only reads.
        let guarded = read_said.is_some() && word.to_lowercase().starts_with("show")
            || read_said.is_some() && word.to_lowercase().starts_with("display")
            || unaltered && word.to_lowercase().starts_with("read");
        if !guarded {
            return Decision::new(true, source, format!("ambiguous verb \"{word}\""), true);
        }
    }
    let name = name_class(page.name);
    let segment = page.name.rsplit('.').next().unwrap_or_default();
    if name == NameClass::Write {
        // A write name beside reading words: the words may be wrong, a retried write is worse.
        let doubtful = read_said.is_some();
        let why = if doubtful {
            format!("`{segment}` is a write verb, though the page's words read")
        } else {
            format!("`{segment}` is a write verb")
        };
        return Decision::new(true, Source::Name, why, doubtful);
    }
    if name == NameClass::Ambiguous {
        let why = format!("`{segment}` may change data");
        return Decision::new(true, Source::Name, why, true);
    }
    if let Some((source, word)) = read_said {
        return Decision::new(false, source, format!("verb \"{word}\""), false);
    }
    if has_get_example(page.lines) {
        return Decision::new(
            false,
            Source::Example,
            "cURL with `-X GET`".to_owned(),
            false,
        );
    }
    if let Some(answer) = write_answer(page.examples) {
        return Decision::new(
            true,
            Source::Answer,
            format!("the answer is {answer}"),
            true,
        );
    }
    if page.lines.iter().any(|l| is_list_helper(l)) {
        let why = "the SDK example walks it as a list".to_owned();
        return Decision::new(false, Source::Answer, why, true);
    }
    match name {
        NameClass::HeadWrite => Decision::new(
            true,
            Source::Name,
            format!("`{segment}` starts with a write verb"),
            true,
        ),
        NameClass::Read => Decision::new(false, Source::Name, format!("`{segment}` reads"), true),
        _ => Decision::new(
            true,
            Source::Name,
            format!("nothing says `{segment}` only reads"),
            true,
        ),
    }
}

/// The first verb of a title (its first word) or a sentence (its first word that is a verb,
/// skipping code spans and link targets), with its class. In a sentence a word after an
/// article is a noun ("a set of"), and a gerund is a complement ("for creating").
fn first_verb(text: &str, title: bool) -> Option<(Class, String)> {
    let words = prose_words(text);
    if title {
        // "Permanently Delete …": the verb after an adverb; "List …" reads.
        let first = words.iter().find(|w| !w.to_lowercase().ends_with("ly"))?;
        let class = if first.eq_ignore_ascii_case("list") {
            Some(Class::Read)
        } else {
            classify(first)
        };
        return class.map(|c| (c, first.clone()));
    }
    let noun_before = |i: usize| {
        i > 0
            && matches!(
                words[i - 1].to_lowercase().as_str(),
                "a" | "an" | "the" | "of" | "this" | "that" | "its" | "your"
            )
    };
    let (i, class) = words.iter().enumerate().find_map(|(i, w)| {
        let gerund = w.to_lowercase().ends_with("ing");
        let class = classify(w).filter(|_| !gerund && !noun_before(i))?;
        Some((i, class))
    })?;
    // "performs a search" only reads.
    let searches = words[i].to_lowercase().starts_with("perform")
        && words[i + 1..]
            .iter()
            .take(3)
            .any(|w| w.eq_ignore_ascii_case("search"));
    let class = if searches { Class::Read } else { class };
    Some((class, words[i].clone()))
}

/// The first sentence of the introduction's first paragraph, past notes, the scope block
/// and directives.
fn opening_sentence(lines: &[&str], intro_end: usize) -> Option<String> {
    let mut note = false;
    let mut paragraph = String::new();
    for line in lines.iter().take(intro_end).skip(1) {
        let t = line.trim();
        if t.starts_with("{% note") {
            note = true;
        }
        if t.starts_with("{% endnote") {
            note = false;
            continue;
        }
        let skip = note || t.starts_with('>') || t.starts_with("{%") || t.starts_with('#');
        if skip || t.is_empty() {
            if !paragraph.is_empty() && !note {
                break;
            }
            continue;
        }
        paragraph.push_str(t);
        paragraph.push(' ');
    }
    // Split at a full stop that ends a word, not one inside a method name.
    let end = paragraph.find(". ").unwrap_or(paragraph.len());
    let sentence = paragraph[..end].trim();
    (!sentence.is_empty()).then(|| sentence.to_owned())
}

/// A stated side effect of a method that otherwise reads: items marked as read, a record
/// created when missing.
fn side_effect(prose: &str) -> Option<&'static str> {
    let lower = prose.to_lowercase();
    if lower.contains("if it does not exist") {
        return Some("if it does not exist");
    }
    // "marks … as read", not "has read access".
    ["as read", "as unread"].into_iter().find(|phrase| {
        lower.match_indices(phrase).any(|(at, _)| {
            let before = &lower[..at];
            let start = before.len().saturating_sub(60);
            let window = before.get(start..).unwrap_or(before);
            window.contains("mark")
        })
    })
}

/// A parameter whose row says it deletes or clears and whose default is on (the field's
/// default, or the row's "Default is `1`").
fn destructive_default(page: &Page<'_>) -> Option<String> {
    let lines = page.lines;
    lines.iter().enumerate().find_map(|(at, line)| {
        let name = line.trim().strip_prefix("|| **")?.split("**").next()?;
        let row = lines[at..]
            .iter()
            .take(8)
            .enumerate()
            .take_while(|(i, l)| *i == 0 || !l.trim_start().starts_with("||") && !l.contains("|#"))
            .map(|(_, l)| l.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let deletes = ["delete", "clear", "remove"]
            .iter()
            .any(|w| row.contains(w));
        let field_on = page
            .params
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.ty.default.as_ref())
            .is_some_and(is_on);
        (deletes && (field_on || row_default_on(&row))).then(|| name.to_owned())
    })
}

/// A default that turns a switch on: `true`, a non-zero number, `Y`.
fn is_on(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => matches!(s.as_str(), "Y" | "1" | "true"),
        _ => false,
    }
}

/// Whether a row's text says its default is `1`, `Y` or `true`.
fn row_default_on(row: &str) -> bool {
    row.match_indices("default").any(|(at, word)| {
        let after = &row[at + word.len()..];
        after
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .find(|t| !matches!(*t, "is" | "value" | "by" | "set" | "to"))
            .is_some_and(|t| matches!(t, "1" | "y" | "true"))
    })
}

/// Whether a cURL example calls with GET (all the docs' examples POST today).
fn has_get_example(lines: &[&str]) -> bool {
    let mut fence = false;
    lines.iter().any(|l| {
        if is_fence(l) {
            fence = !fence;
        }
        fence && l.contains("curl") && (l.contains("-X GET") || l.contains("--request GET"))
    })
}

/// The answer of a write: `true`, a new id or `null`.
fn write_answer(examples: &[Example]) -> Option<&'static str> {
    let result = examples
        .iter()
        .find(|e| e.kind == ExampleKind::Response)?
        .body
        .get("result")?;
    match result {
        Value::Bool(true) => Some("`true`"),
        Value::Number(_) => Some("an id"),
        Value::Null => Some("`null`"),
        _ => None,
    }
}

/// The JS SDK's list helpers, which walk a list's pages.
fn is_list_helper(line: &str) -> bool {
    [
        "callListMethod",
        "fetchListMethod",
        "callList.make",
        "fetchList.make",
    ]
    .iter()
    .any(|h| line.contains(h))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameClass {
    /// The last segment is a write verb, or a write verb and a capitalised word
    /// (`updateAvatar`).
    Write,
    /// The last segment starts with a write verb in lower case (`addblock`; but `addresstype`).
    HeadWrite,
    /// The last segment is or starts with a verb that may write (`open`, `showblock`).
    Ambiguous,
    /// The last segment is of the read family (`list`, `get…`, `…fields`).
    Read,
    Other,
}

fn name_class(name: &str) -> NameClass {
    let segment = name.rsplit('.').next().unwrap_or_default();
    let lower = segment.to_lowercase();
    // `read`/`unread` segments mark messages; as a title verb "read" is only ambiguous.
    if WRITE.contains(&lower.as_str()) || matches!(lower.as_str(), "read" | "unread") {
        return NameClass::Write;
    }
    let head = WRITE
        .iter()
        .filter(|v| lower.starts_with(*v))
        .max_by_key(|v| v.len());
    if let Some(verb) = head {
        let camel = segment[verb.len()..].starts_with(|c: char| c.is_ascii_uppercase());
        return if camel {
            NameClass::Write
        } else {
            NameClass::HeadWrite
        };
    }
    if AMBIGUOUS.iter().any(|v| lower.starts_with(v)) {
        return NameClass::Ambiguous;
    }
    let reads = READ_NAMES.contains(&lower.as_str())
        || lower.starts_with("get")
        || lower.starts_with("list")
        || lower.ends_with("fields");
    if reads {
        NameClass::Read
    } else {
        NameClass::Other
    }
}

/// The `mutates` measures of an import.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Census {
    /// Methods that change data.
    pub writes: usize,
    /// Methods that only read.
    pub reads: usize,
    /// Methods by the source of their decisive evidence; `None`: no recorded decision (an
    /// override set the flag).
    pub by: BTreeMap<Option<Source>, usize>,
}

/// Counts the flags of `methods` and where their decisions come from.
pub fn census<'a>(methods: impl IntoIterator<Item = &'a Method>) -> Census {
    let mut c = Census::default();
    for m in methods {
        if m.mutates {
            c.writes += 1;
        } else {
            c.reads += 1;
        }
        let source = m
            .confidence
            .iter()
            .flat_map(|c| &c.reasons)
            .find_map(|r| source_of(r, m.mutates));
        *c.by.entry(source).or_default() += 1;
    }
    c
}

/// The source of a `mutates:` reason that agrees with the flag (an override may have
/// turned the flag since).
fn source_of(reason: &str, mutates: bool) -> Option<Source> {
    let what = if mutates { "write" } else { "read" };
    let rest = reason.strip_prefix("mutates: ")?.strip_prefix(what)?;
    let source = rest.strip_prefix(" by ")?.split(':').next()?;
    Source::ALL.into_iter().find(|s| s.as_str() == source)
}

#[cfg(test)]
#[path = "mutates_tests.rs"]
mod tests;
