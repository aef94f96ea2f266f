//! Cross-checks the hand transcription against the docs snapshot in ../shared/b24restdocs:
//! every page exists and names its method, and every parameter's and named type field's
//! required flag agrees with the page's `*` marker, nested fields included. Skips itself
//! (saying so) where the snapshot is absent.

use std::path::{Path, PathBuf};

fn docs_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs");
    root.is_dir().then_some(root)
}

/// Whether the page marks `name` as required in one of the docs' spellings.
fn marked_required(page: &str, name: &str) -> bool {
    [
        format!("**{name}***"),
        format!("**{name}**^*^"),
        format!("**{name}^*^**"),
        format!("**{name}\\***"),
        format!("**{name}**\\*"),
    ]
    .iter()
    .any(|m| page.contains(m.as_str()))
}

/// Deliberate departures from a page's markers, each with its reason.
const DEPARTURES: &[(&str, &str)] = &[
    // The record marks ID, ACTIVITY_ID and TYPE_ID required; the server assigns them, and the
    // pages' examples send only VALUE, ENTITY_ID and ENTITY_TYPE_ID (which the record stars).
    ("crm.activity.add", "fields.COMMUNICATIONS[]"),
    ("crm.activity.update", "fields.COMMUNICATIONS[]"),
    // `id` is required for the restEvent action only; one struct serves all action types.
    ("ActionDto", "ActionDto.id"),
    // `type` selects the block's kind; the general structure table stars nothing.
    ("ContentBlockDto", "ContentBlockDto.type"),
];

fn departs(owner: &str, path: &str) -> bool {
    DEPARTURES
        .iter()
        .any(|(o, p)| *o == owner && (path == *p || path.starts_with(&format!("{p}."))))
}

/// Checks `fields` (and their nested fields) against `page`.
fn check_fields(
    owner: &str,
    page: &str,
    path: &str,
    fields: &[bitrix_spec::Ty],
    problems: &mut Vec<String>,
) {
    for f in fields {
        let name = f.wire_name();
        let here = if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        if !departs(owner, &here) && f.is_required() != marked_required(page, name) {
            problems.push(format!(
                "{owner}: `{here}` required={} disagrees with the page",
                f.is_required()
            ));
        }
        check_fields(owner, page, &here, &f.fields, problems);
        if let Some(items) = &f.items {
            check_fields(owner, page, &format!("{here}[]"), &items.fields, problems);
        }
    }
}

#[test]
fn transcription_agrees_with_the_docs() {
    let Some(docs) = docs_root() else {
        eprintln!(
            "skipped: ../shared/b24restdocs is not here (a user's clone has no docs snapshot)"
        );
        return;
    };
    let spec = bitrix_spec::load_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .into_result()
        .unwrap();
    let mut problems = Vec::new();
    for m in spec.methods.values() {
        let Ok(page) = std::fs::read_to_string(docs.join(&m.source)) else {
            problems.push(format!("{}: page {} missing", m.name, m.source));
            continue;
        };
        if !page.contains(&m.name) {
            problems.push(format!("{}: page does not name the method", m.name));
        }
        check_fields(&m.name, &page, "", &m.params, &mut problems);
    }
    for t in spec.types.values() {
        let source = t.source.split('#').next().unwrap_or_default();
        match std::fs::read_to_string(docs.join(source)) {
            Ok(page) => check_fields(&t.name, &page, &t.name, &t.fields, &mut problems),
            Err(_) => problems.push(format!("{}: page {source} missing", t.name)),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
