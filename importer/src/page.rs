//! One method page → one spec method, with the reasons for its confidence.

use std::collections::BTreeSet;
use std::path::Path;

use bitrix_spec::{
    Confidence, ConfidenceLevel, Deprecation, EnumLiteral, EnumValue, ErrorEntry, ExampleKind,
    Field, KeyPattern, Kind, Method, Paging, ResultWrapper, Type, Version,
};
use serde_json::Value;

use crate::cell::{code_spans, name_cell, value_bullets};
use crate::examples;
use crate::reconcile;
use crate::text::{self, Heading};
use crate::types;
use crate::yfm::{self, Table};

/// A page read and outlined.
pub(crate) struct Page<'a> {
    /// Named types that type words may refer to.
    pub(crate) known: &'a BTreeSet<String>,
    pub(crate) lines: Vec<&'a str>,
    pub(crate) headings: Vec<Heading>,
    pub(crate) tables: Vec<Table>,
}

impl<'a> Page<'a> {
    /// Outlines a page's text.
    pub(crate) fn new(text: &'a str, known: &'a BTreeSet<String>) -> Page<'a> {
        let lines: Vec<&str> = text.lines().collect();
        Page {
            known,
            headings: text::headings(&lines),
            tables: yfm::tables(&lines),
            lines,
        }
    }

    /// The line where the first section (`## …`) starts: the introduction ends there.
    pub(crate) fn intro_end(&self) -> usize {
        self.headings
            .iter()
            .find(|h| h.level == 2)
            .map_or(self.lines.len(), |h| h.line)
    }

    /// Line range of the section under heading `h` (up to the next heading of its level or above).
    pub(crate) fn section(&self, h: &Heading) -> (usize, usize) {
        let end = self
            .headings
            .iter()
            .find(|o| o.line > h.line && o.level <= h.level)
            .map_or(self.lines.len(), |o| o.line);
        (h.line, end)
    }

    pub(crate) fn find_section(
        &self,
        level: usize,
        words: &[&str],
        not: &[&str],
    ) -> Option<(usize, usize)> {
        self.headings
            .iter()
            .find(|h| {
                let t = h.title.to_lowercase();
                h.level <= level
                    && words.iter().any(|w| t.contains(w))
                    && !not.iter().any(|w| t.contains(w))
            })
            .map(|h| self.section(h))
    }

    pub(crate) fn tables_in(&self, (start, end): (usize, usize)) -> impl Iterator<Item = &Table> {
        self.tables
            .iter()
            .filter(move |t| t.line >= start && t.line < end)
    }

    /// The heading a table sits under.
    fn heading_of(&self, t: &Table) -> Option<&Heading> {
        self.headings.iter().rev().find(|h| h.line < t.line)
    }
}

/// Why a page was not imported as a method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// No method name in the H1 or a cURL example.
    NoMethod,
}

/// A method page's import, with how strongly the page is about that method: the number of
/// signals naming it (title, cURL, opening sentence, SDK call) plus one for a scope line. When two pages
/// document one method, the stronger one is kept.
pub struct Imported {
    /// The method.
    pub method: Method,
    /// Signals backing the page, 0–5.
    pub evidence: usize,
}

/// Imports one page. `rel` is its path under the docs root.
pub fn method(
    root: &Path,
    rel: &str,
    known: &BTreeSet<String>,
    kinds: &reconcile::Kinds,
) -> Result<Imported, Skip> {
    let text = text::load(root, &root.join(rel)).ok_or(Skip::NoMethod)?;
    let page = Page::new(&text, known);
    let mut reasons = Vec::new();
    let h1 = page
        .headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| h.title.clone())
        .unwrap_or_default();
    let h1_name = h1_method(&h1);
    let curl_names = curl_methods(&page.lines);
    let sentence_name = sentence_method(&page.lines);
    let sdk_name = sdk_methods(&page.lines).into_iter().next();
    let has_scope = page
        .lines
        .iter()
        .any(|l| l.trim_start().starts_with("> Scope"));
    // A guide page (no scope line, no method in its title or its opening sentence) may call a
    // method in its examples without documenting it.
    let is_guide = !has_scope && h1_name.is_none() && sentence_name.is_none();
    if rel.contains("widgets/") || is_guide || (!has_scope && curl_names.is_empty()) {
        return Err(Skip::NoMethod);
    }
    let Some((name, evidence)) = decide_name(
        h1_name.as_deref(),
        &curl_names,
        sentence_name.as_deref(),
        sdk_name.as_deref(),
        &mut reasons,
    ) else {
        return Err(Skip::NoMethod);
    };
    if !bitrix_spec::validate::is_valid_method_name(&name) {
        return Err(Skip::NoMethod);
    }
    let v3 = rel.contains("rest-v3/")
        || text.contains("belongs to REST 3.0")
        || page.lines.iter().any(|l| l.contains("/rest/api/"));
    let version = if v3 { Version::V3 } else { Version::V1 };
    let title = title_without(&h1, &name);

    let mut params = params(&page, &mut reasons);
    crate::linked::resolve(root, rel, &page, &mut params, &mut reasons);
    let examples = examples::extract(&page.lines, &page.headings, &mut reasons);
    let response = examples
        .iter()
        .find(|e| e.kind == ExampleKind::Response)
        .map(|e| &e.body);
    let result_wrapper = if v3 { wrapper(response) } else { None };
    if let Some(request) = examples.iter().find(|e| e.kind == ExampleKind::Request) {
        reconcile::request(&mut params, &request.body, kinds, !v3, &mut reasons);
    }
    let mut result = result_type(&page);
    if let Some(value) = response.and_then(|r| result_value(r, result_wrapper)) {
        reconcile::result(&mut result, value, kinds, &mut reasons);
    }
    let paging = if params.iter().any(|p| p.name == "start") && !v3 {
        Some(Paging::Start)
    } else if params.iter().any(|p| p.name == "pagination") && v3 {
        Some(Paging::Pagination)
    } else {
        None
    };
    let mut errors = errors(&page, v3);
    error_example_code(&examples, &mut errors, &mut reasons);
    let level = confidence(&reasons, evidence);
    reasons.insert(0, "imported".to_owned());
    let method = Method {
        mutates: mutates(&name),
        scope: scope(&page, rel),
        title,
        doc_url: format!(
            "https://apidocs.bitrix24.com/{}",
            rel.trim_end_matches(".md").to_owned() + ".html"
        ),
        source: rel.to_owned(),
        deprecated: deprecation(&page.lines),
        params,
        result,
        result_wrapper,
        paging,
        errors,
        examples,
        confidence: Some(Confidence { level, reasons }),
        name,
        version,
    };
    Ok(Imported {
        method,
        evidence: evidence + usize::from(has_scope),
    })
}

/// High when nothing needed a decision; low when only one signal names the method or the
/// page needed many decisions (its tables and examples disagree in several places); medium
/// otherwise.
fn confidence(reasons: &[String], name_evidence: usize) -> ConfidenceLevel {
    /// Decisions beyond which a page is more guessed than read.
    const MANY: usize = 4;
    if reasons.is_empty() && name_evidence > 1 {
        ConfidenceLevel::High
    } else if name_evidence <= 1 || reasons.len() >= MANY {
        ConfidenceLevel::Low
    } else {
        ConfidenceLevel::Medium
    }
}

/// The method name from the title, the cURL URLs, the "The method `x`" sentence and the SDK
/// calls of the examples: the name most of them agree on (case-insensitively), with how many
/// signals back it. A disagreement is a reason; the cURL name wins a tie because it is what
/// the server answers.
fn decide_name(
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
fn sdk_methods(lines: &[&str]) -> Vec<String> {
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
fn sentence_method(lines: &[&str]) -> Option<String> {
    lines
        .iter()
        .take_while(|l| !l.starts_with("## "))
        .find_map(|l| {
            let at = l.find("method `")? + "method `".len();
            let name = l[at..].split('`').next()?;
            is_dotted(name).then(|| name.to_owned())
        })
}

fn is_dotted(token: &str) -> bool {
    token.contains('.') && bitrix_spec::validate::is_valid_method_name(token)
}

/// The dotted method token of the H1 (the last one).
fn h1_method(h1: &str) -> Option<String> {
    h1.split_whitespace()
        .map(|t| t.trim_matches(|c: char| matches!(c, '(' | ')' | ':' | ',' | '`' | '.')))
        .rfind(|t| is_dotted(t))
        .map(str::to_owned)
}

/// Method names called by the page's cURL examples, in order, without repeats.
fn curl_methods(lines: &[&str]) -> Vec<String> {
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

fn mutates(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or_default().to_lowercase();
    let reads = [
        "get",
        "list",
        "fields",
        "search",
        "count",
        "getlist",
        "getfields",
        "info",
        "current",
        "status",
        "version",
    ];
    !(reads.contains(&last.as_str())
        || last.starts_with("get")
        || last.starts_with("list")
        || last.ends_with("fields"))
}

fn deprecation(lines: &[&str]) -> Option<Deprecation> {
    let start = lines
        .iter()
        .position(|l| l.contains("{% note") && l.to_uppercase().contains("DEPRECATED"))?;
    let body = lines[start..]
        .iter()
        .skip(1)
        .take_while(|l| !l.contains("{% endnote %}"))
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    let replacement = link_texts(&body)
        .into_iter()
        .map(|t| t.trim_matches('`').to_owned())
        .find(|t| is_dotted(t));
    Some(Deprecation { replacement })
}

/// Texts of `[text](target)` links.
fn link_texts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(a) = rest.find('[') {
        let after = &rest[a + 1..];
        let Some(b) = after.find("](") else { break };
        out.push(after[..b].to_owned());
        rest = &after[b + 2..];
    }
    out
}

/// `#anchor` targets of in-page links.
fn anchors(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(a) = rest.find("](#") {
        let after = &rest[a + 3..];
        let end = after.find(')').unwrap_or(after.len());
        out.push(after[..end].to_owned());
        rest = &after[end..];
    }
    out
}

pub(crate) fn is_header(row: &[String]) -> bool {
    let first = row.first().map(|c| c.to_lowercase()).unwrap_or_default();
    let word = first
        .trim_start_matches("**")
        .split(['*', '\n', ' '])
        .next()
        .unwrap_or_default()
        .to_owned();
    matches!(
        word.as_str(),
        "name" | "parameter" | "field" | "key" | "value" | "title" | "code" | "status" | "method"
    ) && !first.contains("***")
}

/// The parameter table: under a "parameters" section, or right after the introduction.
pub(crate) fn param_table<'p>(page: &'p Page<'_>, reasons: &mut Vec<String>) -> Option<&'p Table> {
    let range = match page.find_section(2, &["parameter"], &["return", "event", "error"]) {
        Some(range) => range,
        None => {
            // Some pages put the parameter table right after the introduction, with no
            // heading of its own: a field table before the first section.
            let intro_end = page.intro_end();
            let field_table = page
                .tables_in((0, intro_end))
                .find(|t| t.rows.first().is_some_and(|r| is_header(r)));
            match field_table {
                Some(t) => {
                    reasons.push("the parameter table has no section heading".to_owned());
                    (t.line, intro_end)
                }
                // No parameters (`*.fields`, `app.info`); a request example that sends
                // keys anyway adds them, with reasons (see `reconcile`).
                None => return None,
            }
        }
    };
    page.tables_in(range).next()
}

fn params(page: &Page<'_>, reasons: &mut Vec<String>) -> Vec<Field> {
    let Some(table) = param_table(page, reasons) else {
        return Vec::new();
    };
    let mut used = BTreeSet::from([table.line]);
    let (fields, _) = fields_of(page, table, &mut used, reasons);
    fields
}

/// Fields (and key patterns) of a field table, nested tables resolved.
pub(crate) fn fields_of(
    page: &Page<'_>,
    table: &Table,
    used: &mut BTreeSet<usize>,
    reasons: &mut Vec<String>,
) -> (Vec<Field>, Vec<KeyPattern>) {
    let mut fields = Vec::new();
    let mut patterns = Vec::new();
    let rows = &table.rows;
    let header = rows.first().filter(|r| is_header(r));
    let type_column =
        header.and_then(|h| h.iter().position(|c| c.to_lowercase().contains("**type**")));
    let body = if header.is_some() {
        &rows[1..]
    } else {
        &rows[..]
    };
    let mut seen = BTreeSet::new();
    for row in body {
        let Some(cell) = row.first().and_then(|c| name_cell(c)) else {
            continue;
        };
        let description = match type_column {
            Some(tc) => row.get(tc + 1).cloned().unwrap_or_default(),
            None => row.get(1).cloned().unwrap_or_default(),
        };
        let words = match type_column {
            Some(tc) => code_spans(row.get(tc).map_or("", String::as_str)),
            None => cell.types.clone(),
        };
        let mut ty = types::from_words(&words, types::documents_flags(&description), page.known);
        enum_values(&mut ty, &description);
        if matches!(ty.kind, Kind::Object { .. } | Kind::Array(_) | Kind::Any) {
            if let Some(child) = child_table(page, &cell.name, &description, used) {
                used.insert(child.line);
                let (fields, patterns) = fields_of(page, child, used, reasons);
                let object = Kind::Object { fields, patterns };
                // The docs call associative arrays `array`: a linked field table makes it an
                // object unless the array has an item type or the description says it holds
                // a list of such objects.
                let list = match &ty.kind {
                    Kind::Array(items) => items.is_some() || lists_objects(&description),
                    _ => false,
                };
                ty.kind = if list {
                    Kind::array_of(Type::of(object))
                } else {
                    object
                };
            }
        }
        if cell.placeholder {
            patterns.push(KeyPattern {
                pattern: cell.name.clone(),
                ty,
            });
            continue;
        }
        if !seen.insert(cell.name.clone()) {
            reasons.push(format!(
                "`{}` is listed twice in one table; the first is kept",
                cell.name
            ));
            continue;
        }
        fields.push(Field::new(cell.name, cell.required, ty));
    }
    nest_dotted_rows(&mut fields);
    (fields, patterns)
}

/// Rows named `parent.child` in the parent's own table (`fields.COMPANY_ID` under `fields`)
/// are fields of that parent.
fn nest_dotted_rows(fields: &mut Vec<Field>) {
    let mut i = 0;
    while i < fields.len() {
        let name = fields[i].name.clone();
        let parent = name
            .split_once('.')
            .and_then(|(p, _)| fields.iter().position(|f| f.name == p));
        let Some(parent) =
            parent.filter(|p| matches!(fields[*p].ty.kind, Kind::Object { .. } | Kind::Any))
        else {
            i += 1;
            continue;
        };
        let mut child = fields.remove(i);
        let parent = if parent > i { parent - 1 } else { parent };
        let (_, rest) = name.split_once('.').unwrap_or_default();
        child.name = rest.to_owned();
        let parent = &mut fields[parent].ty;
        if parent.kind == Kind::Any {
            parent.kind = Kind::object();
        }
        if let Some(fields) = parent.fields_mut() {
            fields.push(child);
        }
    }
}

/// The table documenting the fields of `name`: linked by anchor, or under a heading naming it.
fn child_table<'p>(
    page: &'p Page<'_>,
    name: &str,
    description: &str,
    used: &BTreeSet<usize>,
) -> Option<&'p Table> {
    let free = |t: &&Table| !used.contains(&t.line);
    for anchor in anchors(description) {
        if let Some(h) = page
            .headings
            .iter()
            .find(|h| h.anchor.as_deref() == Some(anchor.as_str()))
        {
            if let Some(t) = page.tables_in(page.section(h)).find(free) {
                return Some(t);
            }
        }
    }
    let ticked = format!("`{name}`");
    page.tables.iter().filter(free).find(|t| {
        page.heading_of(t).is_some_and(|h| {
            h.level >= 3
                && (h.title.contains(&ticked)
                    || h.title.split_whitespace().any(|w| w == name)
                    || h.anchor
                        .as_deref()
                        .is_some_and(|a| a.eq_ignore_ascii_case(name)))
        })
    })
}

fn lists_objects(description: &str) -> bool {
    let d = description.to_lowercase();
    [
        "array of objects",
        "array of structures",
        "list of objects",
        "each element",
        "elements of the array",
        "array of arrays",
    ]
    .iter()
    .any(|w| d.contains(w))
}

fn enum_values(ty: &mut Type, description: &str) {
    let integer = match ty.kind {
        Kind::Integer => true,
        Kind::String => false,
        _ => return,
    };
    let bullets = value_bullets(description);
    if bullets.len() < 2 {
        return;
    }
    let mut values = Vec::new();
    for (v, label) in bullets {
        let value = if integer {
            match v.parse::<i64>() {
                Ok(i) => EnumLiteral::Int(i),
                Err(_) => return,
            }
        } else {
            EnumLiteral::Str(v)
        };
        if values.iter().any(|e: &EnumValue| e.value == value) {
            return;
        }
        values.push(EnumValue { value, name: label });
    }
    ty.enum_values = values;
}

/// The type of `result` from the returned-data table, loose (`any`) where it is not documented.
fn result_type(page: &Page<'_>) -> Type {
    let Some(range) = page.find_section(3, &["returned", "result"], &["error"]) else {
        return Type::of(Kind::Any);
    };
    for table in page.tables_in(range) {
        for row in &table.rows {
            let Some(cell) = row.first().and_then(|c| name_cell(c)) else {
                continue;
            };
            if cell.name == "result" {
                let ty = types::from_words(&cell.types, false, page.known);
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
fn result_value(response: &Value, wrapper: Option<ResultWrapper>) -> Option<&Value> {
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

fn wrapper(response: Option<&Value>) -> Option<ResultWrapper> {
    let result = response?.get("result")?.as_object()?;
    if result.contains_key("item") {
        Some(ResultWrapper::Item)
    } else if result.contains_key("items") {
        Some(ResultWrapper::Items)
    } else {
        None
    }
}

fn errors(page: &Page<'_>, v3: bool) -> Vec<ErrorEntry> {
    let Some(range) = page.find_section(2, &["error"], &[]) else {
        return Vec::new();
    };
    let status = page.lines[range.0..range.1]
        .iter()
        .find(|l| l.to_lowercase().contains("http status"))
        .and_then(|l| l.split("**").nth(1))
        .and_then(|s| s.trim().parse::<u16>().ok())
        .unwrap_or(400);
    let mut out = Vec::new();
    for table in page.tables_in(range) {
        let Some(header) = table.rows.first() else {
            continue;
        };
        let cols: Vec<String> = header.iter().map(|c| c.to_lowercase()).collect();
        let col = |words: &[&str]| {
            cols.iter()
                .position(|c| words.iter().any(|w| c.contains(w)))
        };
        let code_col = col(&["code"]);
        let field_col = col(&["field"]);
        let status_col = col(&["status"]);
        let message_col = col(&["error message", "error text", "error description"])
            .or_else(|| col(&["description"]));
        if code_col.is_none() && !(v3 && field_col.is_some()) {
            continue;
        }
        // REST 3.0 groups tables under "Error code: `BITRIX_REST_V3_…`".
        let group = page.lines[range.0..table.line]
            .iter()
            .rev()
            .find(|l| l.to_lowercase().contains("error code:"))
            .and_then(|l| code_spans(l).into_iter().next());
        for row in &table.rows[1..] {
            let get = |c: Option<usize>| {
                c.and_then(|i| row.get(i))
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default()
            };
            let message = clean(&get(message_col));
            let row_status = get(status_col).trim_matches('`').parse().unwrap_or(status);
            if v3 && code_col.is_none() {
                let Some(code) = group.clone() else { continue };
                let field = get(field_col);
                let field = code_spans(&field).into_iter().next().filter(|f| f != "-");
                let exception = bitrix_spec::catalog::find(&code).and_then(|e| e.exception.clone());
                out.push(ErrorEntry {
                    code,
                    status: row_status,
                    message,
                    exception,
                    field,
                });
                continue;
            }
            let raw = get(code_col);
            let codes = code_spans(&raw);
            let codes = if codes.is_empty() {
                vec![raw.clone()]
            } else {
                codes
            };
            for code in codes {
                let code = code.trim().to_owned();
                if code.contains(' ') {
                    // A message where the code column should be (the page lists messages only).
                    out.push(ErrorEntry {
                        code: String::new(),
                        status: row_status,
                        message: code,
                        exception: None,
                        field: None,
                    });
                } else if !code.is_empty() {
                    out.push(ErrorEntry {
                        code,
                        status: row_status,
                        message: message.clone(),
                        exception: None,
                        field: None,
                    });
                }
            }
        }
    }
    out
}

/// The code of the documented error answer, when the code table does not list it (and it is
/// not a shared system or REST 3.0 code).
fn error_example_code(
    examples: &[bitrix_spec::Example],
    errors: &mut Vec<ErrorEntry>,
    reasons: &mut Vec<String>,
) {
    let Some(example) = examples.iter().find(|e| e.kind == ExampleKind::Error) else {
        return;
    };
    let error = &example.body["error"];
    let (code, message) = match error {
        Value::String(code) => (
            code.clone(),
            example.body["error_description"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ),
        Value::Object(o) => (
            o.get("code")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            o.get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ),
        _ => return,
    };
    let shared = bitrix_spec::catalog::find(&code).is_some();
    if code.is_empty() || shared || errors.iter().any(|e| e.code == code) {
        return;
    }
    reasons.push(format!(
        "error `{code}` comes from the page's error example; the code table does not list it"
    ));
    let status = example.status.unwrap_or(400);
    errors.push(ErrorEntry {
        code,
        status,
        message,
        exception: None,
        field: None,
    });
}

/// A cell's text without Markdown decoration.
fn clean(s: &str) -> String {
    s.replace("**", "")
        .replace('`', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, kind: Kind) -> Field {
        Field::new(name, true, Type::of(kind))
    }

    #[test]
    fn dotted_rows_nest_under_their_parent() {
        let mut fields = vec![
            field("id", Kind::Integer),
            field("fields", Kind::object()),
            field("fields.COMPANY_ID", Kind::Integer),
            field("other.x", Kind::Integer),
        ];
        nest_dotted_rows(&mut fields);
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "fields", "other.x"]);
        assert_eq!(fields[1].ty.fields()[0].name, "COMPANY_ID");
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
