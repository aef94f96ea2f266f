//! The errors a method page documents, as the server sends them: its error tables in their
//! column variants (v1 code/message tables, message-only tables, REST 3.0 tables grouped under
//! an `Error code:` line) and the codes its error examples show.
//!
//! One spelling for "no code": the entry's `code` is absent. The docs write it as "Empty
//! string", "Empty value", `-`, `—`, a message in the code column, or an HTTP status there.

use bitrix_spec::ErrorEntry;

use crate::cell::code_spans;
use crate::page::Page;
use crate::yfm::Table;

/// The page's documented errors, as [`read`] finds them.
pub(crate) struct Read {
    /// The errors.
    pub(crate) errors: Vec<ErrorEntry>,
    /// Why an error section gave no error: a fact about the page, not a doubt about the
    /// transcription, so it is recorded without lowering the confidence.
    pub(crate) none_because: Option<String>,
}

/// The page's documented errors; `reasons` gets a line for every decision the docs left open.
pub(crate) fn read(page: &Page<'_>, v3: bool, reasons: &mut Vec<String>) -> Read {
    let Some(range) = page.find_section(2, &["error"], &[]) else {
        return Read {
            errors: Vec::new(),
            none_because: None,
        };
    };
    let lines = &page.lines[range.0..range.1];
    let answers = example_answers(lines);
    let mut out = Vec::new();
    let mut notes = Notes::default();
    let mut tables = 0;
    for table in page.tables_in(range) {
        let Some(cols) = table.rows.first().and_then(|h| Columns::of(h, v3)) else {
            continue;
        };
        tables += 1;
        let before = &page.lines[range.0..table.line];
        let status = section_status(before).unwrap_or(400);
        // REST 3.0 groups tables under "Error code: `BITRIX_REST_V3_…`".
        let group = before
            .iter()
            .rev()
            .find(|l| l.to_lowercase().contains("error code:"))
            .and_then(|l| code_spans(l).into_iter().next());
        read_table(table, &cols, status, group, &answers, &mut notes, &mut out);
    }
    let status = section_status(lines).unwrap_or(400);
    from_examples(&answers, status, &mut out, &mut notes);
    notes.explain(reasons);
    dedupe(&mut out);
    let none_because = out.is_empty().then(|| {
        let why = if tables > 0 {
            "its error tables have no row it can read"
        } else if answers.is_empty() {
            "it refers to the system errors only"
        } else {
            "its example shows a shared system error only"
        };
        format!("{NO_ERRORS}: {why}")
    });
    Read {
        errors: out,
        none_because,
    }
}

/// How a reason about an error section without method errors starts.
const NO_ERRORS: &str = "the error section documents no method error";

/// The report's lines about errors: placeholder codes (the goal is none), entries and
/// methods, and the pages whose error section gave no error, by reason.
pub fn report<'a>(methods: impl IntoIterator<Item = &'a bitrix_spec::Method>) -> Vec<String> {
    let (mut entries, mut with_errors, mut without_code, mut placeholders) = (0, 0, 0, 0);
    let mut empty: std::collections::BTreeMap<&str, usize> = Default::default();
    for m in methods {
        entries += m.errors.len();
        with_errors += usize::from(!m.errors.is_empty());
        without_code += m.errors.iter().filter(|e| e.code.is_none()).count();
        placeholders += m
            .errors
            .iter()
            .filter_map(|e| e.code.as_deref())
            .filter(|c| is_placeholder(c))
            .count();
        let reasons = m.confidence.iter().flat_map(|c| &c.reasons);
        for r in reasons.filter_map(|r| r.strip_prefix(NO_ERRORS)) {
            *empty.entry(r.trim_start_matches(": ")).or_default() += 1;
        }
    }
    let why: Vec<String> = empty.iter().map(|(r, n)| format!("{n} {r}")).collect();
    vec![
        format!("placeholder error codes: {placeholders}"),
        format!(
            "error entries: {entries} in {with_errors} methods ({without_code} without a code)"
        ),
        format!(
            "error sections without an imported error: {} ({})",
            empty.values().sum::<usize>(),
            why.join("; ")
        ),
    ]
}

/// Decisions taken on a page, said once each in its confidence reasons.
#[derive(Default)]
struct Notes {
    /// HTTP statuses the code column held, read as statuses.
    statuses: Vec<String>,
    /// HTTP statuses the code column held that the examples send as codes.
    status_codes: Vec<String>,
    /// Codes only the error examples show.
    example_codes: Vec<String>,
    /// An example's message where the tables list none.
    example_messages: usize,
}

impl Notes {
    fn explain(self, reasons: &mut Vec<String>) {
        if !self.statuses.is_empty() {
            reasons.push(format!(
                "the error table's code column holds HTTP status {}: read as the status of errors the server sends without a code",
                self.statuses.join(", ")
            ));
        }
        if !self.status_codes.is_empty() {
            reasons.push(format!(
                "error code {} looks like an HTTP status, but the error example sends it as the code",
                self.status_codes.join(", ")
            ));
        }
        for code in self.example_codes {
            reasons.push(format!(
                "error `{code}` comes from the page's error example; the code table does not list it"
            ));
        }
        if self.example_messages > 0 {
            reasons.push(
                "an error without a code comes from the page's error example; no table lists it"
                    .to_owned(),
            );
        }
    }
}

/// Which column of an error table holds what, by header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    code: Option<usize>,
    status: Option<usize>,
    field: Option<usize>,
    message: Option<usize>,
    /// The message column is named as the server's message (`Error message`, `Error text`,
    /// or `Description` beside an explanation column), not a description that may only
    /// explain the error.
    message_is_wire: bool,
}

impl Columns {
    /// The roles of an error table's header; `None` for a table that is not an error table
    /// (the included `error`/`error_description` field table, troubleshooting tables).
    fn of(header: &[String], v3: bool) -> Option<Columns> {
        let cols: Vec<String> = header
            .iter()
            .map(|c| c.replace(['*', '`'], "").trim().to_lowercase())
            .collect();
        let find = |pred: &dyn Fn(&str) -> bool| cols.iter().position(|c| pred(c));
        if find(&|c| c.starts_with("name") || c.contains("type")).is_some() {
            return None;
        }
        let status = find(&|c| c.contains("status"));
        let code = find(&|c| c.contains("code") && !c.contains("status"));
        let field = find(&|c| c == "field");
        let explicit = find(&|c| {
            c.contains("message")
                || c.contains("error text")
                || c == "error"
                || c == "error description"
        });
        let explains = find(&|c| {
            c.contains("value") || c.contains("additional") || c.contains("when") || c == "status"
        });
        let description = find(&|c| c == "description");
        let message = explicit.or(description);
        let message_is_wire = explicit.is_some() || (description.is_some() && explains.is_some());
        let how_to = find(&|c| c.starts_with("how to")).is_some();
        let wanted = code.is_some()
            || (v3 && field.is_some())
            || (message.is_some() && !how_to && field.is_none());
        wanted.then_some(Columns {
            code,
            status,
            field,
            message,
            message_is_wire,
        })
    }
}

fn read_table(
    table: &Table,
    cols: &Columns,
    status: u16,
    group: Option<String>,
    answers: &[Answer],
    notes: &mut Notes,
    out: &mut Vec<ErrorEntry>,
) {
    for row in table.rows.iter().skip(1) {
        let get = |c: Option<usize>| c.and_then(|i| row.get(i)).map_or("", |s| s.trim());
        // "Empty string" in the message column: the server sends no message.
        let message = Some(get(cols.message))
            .filter(|m| !is_placeholder(m))
            .map(|m| clean(quoted_message(m)))
            .unwrap_or_default();
        let row_status = get(cols.status)
            .trim_matches('`')
            .parse()
            .ok()
            .filter(is_http_status)
            .unwrap_or(status);
        if cols.code.is_none() && cols.field.is_some() {
            // A REST 3.0 table: its code is the group's; without one the rows cannot be told.
            if let Some(code) = &group {
                let field = code_spans(get(cols.field))
                    .into_iter()
                    .next()
                    .filter(|f| !is_placeholder(f));
                let exception = bitrix_spec::catalog::find(code).and_then(|e| e.exception.clone());
                out.push(ErrorEntry {
                    code: Some(code.clone()),
                    status: row_status,
                    message,
                    exception,
                    field,
                });
            }
            continue;
        }
        let cell = get(cols.code);
        for part in code_cell(cell) {
            let entry = match part {
                CodeCell::None => without_code(row_status, &message),
                CodeCell::Code(code) => match code.parse::<u16>().ok().filter(is_http_status) {
                    Some(http) if !answers.iter().any(|a| a.code == code) => {
                        if !notes.statuses.contains(&code) {
                            notes.statuses.push(code.clone());
                        }
                        without_code(http, &message)
                    }
                    Some(_) => {
                        if !notes.status_codes.contains(&code) {
                            notes.status_codes.push(code.clone());
                        }
                        with_code(code, row_status, message.clone())
                    }
                    None => with_code(code, row_status, message.clone()),
                },
                CodeCell::Message(text) => {
                    // Two-column tables explain the error beside it; the text in the code
                    // column is then what the server says.
                    let wire = if cols.message_is_wire && !message.is_empty() {
                        message.clone()
                    } else {
                        clean(&text)
                    };
                    without_code(row_status, &wire)
                }
            };
            if let Some(entry) = entry {
                out.push(entry);
            }
        }
    }
}

fn with_code(code: String, status: u16, message: String) -> Option<ErrorEntry> {
    Some(ErrorEntry {
        code: Some(code),
        status,
        message,
        exception: None,
        field: None,
    })
}

/// An error the server sends without a code; nothing to recognise it by without a message.
fn without_code(status: u16, message: &str) -> Option<ErrorEntry> {
    (!message.is_empty()).then(|| ErrorEntry {
        code: None,
        status,
        message: message.to_owned(),
        exception: None,
        field: None,
    })
}

/// What one code cell says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CodeCell {
    /// The docs' "no code" ("Empty string", `-`, `—`, an empty cell).
    None,
    /// A wire code.
    Code(String),
    /// A message where the code should be.
    Message(String),
}

/// The codes of a cell: one, several (`` `A`, `B` `` or one per line), or none.
fn code_cell(cell: &str) -> Vec<CodeCell> {
    if is_placeholder(cell) {
        return vec![CodeCell::None];
    }
    let spans = code_spans(cell);
    let parts = if spans.is_empty() {
        vec![cell.to_owned()]
    } else {
        spans
    };
    parts
        .into_iter()
        .map(|p| {
            let p = p.trim();
            if is_placeholder(p) {
                CodeCell::None
            } else if p.contains(char::is_whitespace) {
                CodeCell::Message(p.to_owned())
            } else {
                CodeCell::Code(p.to_owned())
            }
        })
        .collect()
}

/// The docs' spellings of "no code".
fn is_placeholder(cell: &str) -> bool {
    let t = cell
        .trim()
        .trim_matches(|c: char| matches!(c, '`' | '"' | '\'' | '‘' | '’') || c.is_whitespace())
        .to_lowercase();
    t.is_empty()
        || matches!(t.as_str(), "-" | "—" | "–")
        || t.starts_with("empty string")
        || t.starts_with("empty value")
        || t.contains("(empty error code)")
}

fn is_http_status(s: &u16) -> bool {
    (400..=599).contains(s)
}

/// The HTTP status the last `HTTP status: **400**` line of `lines` gives.
fn section_status(lines: &[&str]) -> Option<u16> {
    lines
        .iter()
        .rev()
        .filter(|l| l.to_lowercase().contains("http status"))
        .find_map(|l| l.split("**").nth(1)?.trim().parse::<u16>().ok())
}

/// An error answer an example of the section shows: the code as the server writes it
/// (`"error": 422` and `"error": "422"` alike) and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Answer {
    code: String,
    message: String,
}

/// The error answers of the section's examples, read line by line so that an example that is
/// not valid JSON still counts: v1 `"error": …` with `"error_description"`, REST 3.0
/// `"code": …` with `"message"`.
fn example_answers(lines: &[&str]) -> Vec<Answer> {
    let mut out = Vec::new();
    let mut fence = false;
    for (i, line) in lines.iter().enumerate() {
        if crate::text::is_fence(line) {
            fence = !fence;
            continue;
        }
        if !fence {
            continue;
        }
        let (code, message_key) = match (json_value(line, "error"), json_value(line, "code")) {
            (Some(code), _) => (code, "error_description"),
            (None, Some(code)) => (code, "message"),
            _ => continue,
        };
        let message = lines[i + 1..]
            .iter()
            .take(3)
            .find_map(|l| json_value(l, message_key))
            .unwrap_or_default();
        out.push(Answer { code, message });
    }
    out
}

/// The string or number value of `"key":` on one line.
fn json_value(line: &str, key: &str) -> Option<String> {
    let pattern = format!("\"{key}\"");
    let after = line.trim().strip_prefix(&pattern)?.trim_start();
    let value = after.strip_prefix(':')?.trim().trim_end_matches(',').trim();
    if let Some(s) = value.strip_prefix('"') {
        // The value runs to the last quote: the docs leave inner quotes unescaped.
        Some(
            s.rfind('"')
                .map_or(s, |end| &s[..end])
                .replace("\\\"", "\""),
        )
    } else if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) {
        Some(value.to_owned())
    } else {
        None
    }
}

/// Codes only the examples show, and a code-less example's message when no table lists any
/// error. Shared system and REST 3.0 codes stay out (every enum has them as `Common`), and so
/// do HTTP statuses written as the code.
fn from_examples(answers: &[Answer], status: u16, out: &mut Vec<ErrorEntry>, notes: &mut Notes) {
    let tables_empty = out.is_empty();
    for a in answers {
        let listed_message = |m: &str| {
            out.iter()
                .any(|e| e.code.is_none() && message_key(&e.message) == message_key(m))
        };
        if a.code.trim().is_empty() || a.code.contains(char::is_whitespace) {
            // No code, or the message sent as the code: recognised by the message.
            let text = if a.code.trim().is_empty() {
                &a.message
            } else {
                &a.code
            };
            if (tables_empty || !a.code.trim().is_empty()) && !listed_message(text) {
                if let Some(e) = without_code(status, text) {
                    notes.example_messages += 1;
                    out.push(e);
                }
            }
            continue;
        }
        // An HTTP status the table does not list as a code is the answer's status, shown
        // where the code belongs.
        let status_only = a.code.parse::<u16>().ok().filter(is_http_status).is_some();
        let shared = status_only || bitrix_spec::catalog::find(&a.code).is_some();
        let listed = out
            .iter()
            .any(|e| e.code.as_deref() == Some(a.code.as_str()));
        // The example shows an error a table lists by its message: its code, when the table
        // gives none, is the example's; a code the table gives wins over the example's.
        let same_message = out.iter_mut().find(|e| {
            !a.message.trim().is_empty() && message_key(&e.message) == message_key(&a.message)
        });
        if let (false, Some(entry)) = (shared, same_message) {
            if entry.code.is_none() {
                if !listed {
                    notes.example_codes.push(a.code.clone());
                }
                entry.code = Some(a.code.clone());
            }
            continue;
        }
        if !shared && !listed {
            notes.example_codes.push(a.code.clone());
            out.extend(with_code(a.code.clone(), status, a.message.clone()));
        }
    }
}

/// Messages that differ only in case, spacing, a final full stop or a final `<br>`.
fn message_key(m: &str) -> String {
    // Legacy methods end their messages with an HTML line break.
    m.trim_end()
        .trim_end_matches("<br>")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', '!'])
        .to_lowercase()
}

/// Drops repeats of an entry (pages repeat rows across tables).
fn dedupe(out: &mut Vec<ErrorEntry>) {
    let mut seen = Vec::new();
    out.retain(|e| {
        let key = (e.code.clone(), e.message.clone(), e.field.clone());
        let new = !seen.contains(&key);
        if new {
            seen.push(key);
        }
        new
    });
}

/// The server's message when a cell quotes it on a line of its own and explains it below
/// (`` `Order not found` `` then "The order does not exist"); else the whole cell.
fn quoted_message(cell: &str) -> &str {
    let mut lines = cell.lines();
    let first = lines.next().unwrap_or_default().trim();
    let quoted = first.len() > 2
        && first.starts_with('`')
        && first.ends_with('`')
        && first.matches('`').count() == 2;
    if quoted && lines.any(|l| !l.trim().is_empty()) {
        &first[1..first.len() - 1]
    } else {
        cell
    }
}

/// A cell's text without Markdown decoration, and without a quote the docs left unclosed.
fn clean(s: &str) -> String {
    // Markdown escapes (`Bitrix\\Document`, `\*`) stand for their character, except in code
    // spans, which keep them as written; bold markers go first, so `\*\*` stays two stars.
    let text = index_placeholders(&unescape(&crate::text::unlink(&s.replace("**", ""))))
        .replace('`', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.matches('"').count() % 2 == 1 {
        text.trim_matches('"').to_owned()
    } else {
        text
    }
}

/// `text` with each code span that names a loop index (`` `i` ``, `` `data[i].type` ``) as a
/// placeholder (`{i}`): the server puts the index or the value there ("Section at index 1").
fn index_placeholders(text: &str) -> String {
    let is_index = |span: &str| {
        let one_letter = |s: &str| s.len() == 1 && s.bytes().all(|b| b.is_ascii_lowercase());
        one_letter(span)
            || span
                .split('[')
                .skip(1)
                .any(|rest| rest.split_once(']').is_some_and(|(i, _)| one_letter(i)))
    };
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split('`');
    out.push_str(parts.next().unwrap_or_default());
    let mut inside = true;
    for part in parts {
        if inside && is_index(part) {
            out.push('{');
            out.push_str(part);
            out.push('}');
        } else if inside {
            out.push('`');
            out.push_str(part);
            out.push('`');
        } else {
            out.push_str(part);
        }
        inside = !inside;
    }
    out
}

/// `text` with each Markdown escape (a backslash before ASCII punctuation) outside code spans
/// as its character.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_span = false;
    while let Some(c) = chars.next() {
        in_span ^= c == '`';
        match chars.peek() {
            Some(&next) if !in_span && c == '\\' && next.is_ascii_punctuation() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "errors_tests.rs"]
mod tests;
