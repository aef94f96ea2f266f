//! One event page → one spec event: name (title token), scope, payload table with its nested
//! `data`/`FIELDS`/`auth` tables, and the documented payload when it is JSON.

use std::collections::BTreeSet;
use std::path::Path;

use bitrix_spec::{Event, Example, ExampleKind};

use crate::examples;
use crate::fieldtable::fields_of;
use crate::identity::{scope, title_without};
use crate::page::Page;
use crate::text;

/// An event name as the titles spell it: `onCrmDealAdd`, `OnTaskAdd`, `ONIMBOTJOINCHAT`,
/// `CATALOG.PRODUCT.ON.ADD`.
fn is_event_name(t: &str) -> bool {
    let chars: Vec<char> = t.chars().collect();
    let word = |c: &char| c.is_ascii_alphanumeric() || *c == '_' || *c == '.';
    if chars.len() < 4 || !chars.iter().all(word) || t.ends_with('.') {
        return false;
    }
    let camel = (t.starts_with("on") || t.starts_with("On"))
        && chars[2].is_ascii_uppercase()
        && !t.contains('.');
    let upper = t.starts_with("ON")
        && t.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let dotted = t.contains(".ON")
        && t.chars()
            .all(|c| c.is_ascii_uppercase() || c == '.' || c == '_');
    camel || upper || dotted
}

/// Imports one event page, or `None` when it is not one.
pub fn event(root: &Path, rel: &str, known: &BTreeSet<String>) -> Option<Event> {
    if rel.ends_with("index.md") || rel.contains("widgets/") {
        return None;
    }
    let text = text::load(root, &root.join(rel))?;
    let page = Page::new(&text, known);
    let h1 = page.headings.iter().find(|h| h.level == 1)?.title.clone();
    let intro_end = page.intro_end();
    // The title names the event, or else the introduction does ("The `onBookingUpdate`
    // event …").
    let title_name = h1
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| matches!(c, '`' | ':' | ',' | '(' | ')')))
        .rfind(|t| is_event_name(t))
        .map(str::to_owned);
    let name = title_name.clone().or_else(|| {
        page.lines[..intro_end]
            .iter()
            .flat_map(|l| crate::cell::code_spans(l))
            .find(|t| is_event_name(t))
    })?;
    let handler_section = page.find_section(2, &["handler receives"], &[]);
    let in_events_folder = rel.contains("/events/") || rel.contains("/events-");
    let subscribable = page.lines.iter().any(|l| l.contains("Who can subscribe"))
        || handler_section.is_some()
        // Older event pages: an events folder and the event's name in the title.
        || (in_events_folder && title_name.is_some());
    if !subscribable {
        return None;
    }
    let range = handler_section
        .or_else(|| page.find_section(2, &["parameters"], &[]))
        .or_else(|| page.find_section(2, &["response handling"], &[]))
        .unwrap_or((intro_end, intro_end));
    let mut reasons = Vec::new();
    let payload = match page.tables_in(range).next() {
        Some(table) => {
            let mut used = BTreeSet::from([table.line]);
            fields_of(&page, table, &mut used, &mut reasons).0
        }
        None => Vec::new(),
    };
    let mut examples = Vec::new();
    if let Some(block) = examples::json_block(&page.lines[range.0..range.1]) {
        if let Some((body, _)) = examples::parse(&block) {
            examples.push(Example {
                kind: ExampleKind::Request,
                status: None,
                body,
            });
        }
    }
    Some(Event {
        scope: scope(&page, rel),
        title: title_without(&h1, &name),
        doc_url: format!(
            "https://apidocs.bitrix24.com/{}.html",
            rel.trim_end_matches(".md")
        ),
        source: rel.to_owned(),
        payload,
        examples,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::is_event_name;

    #[test]
    fn event_name_spellings() {
        for yes in [
            "onCrmDealAdd",
            "OnTaskAdd",
            "ONIMBOTJOINCHAT",
            "CATALOG.PRODUCT.ON.ADD",
        ] {
            assert!(is_event_name(yes), "{yes}");
        }
        for no in ["on", "online", "crm.deal.add", "One", "Event", "ONLY."] {
            assert!(!is_event_name(no), "{no}");
        }
    }
}
