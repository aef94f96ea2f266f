//! Cross-checks the hand transcription against the docs snapshot in ../shared/b24restdocs:
//! every page exists and names its method, and every parameter's and named type field's
//! required flag agrees with the page's `*` marker, nested fields included. Skips itself
//! (saying so) where the snapshot is absent. The check reads table rows by name, independently
//! of the importer; a name whose rows disagree on one page (two objects with a field of that
//! name) is left to the importer's own tests.

use std::path::{Path, PathBuf};

use bitrix_spec::Kind;

fn docs_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs");
    root.is_dir().then_some(root)
}

/// Whether the page's rows contradict the flag, both for the name in its own case and in any
/// case (a REST v1 method sends the spelling of the page's request example when it differs from
/// the table's only in case).
fn disagrees(page: &str, name: &str, required: bool) -> bool {
    if named_as_alternative(page, name) {
        return false; // "At least one of the parameters must be specified: `A` or `B`"
    }
    [false, true]
        .iter()
        .all(|&any_case| page_says_as(page, name, any_case).is_some_and(|says| says != required))
}

/// Whether a sentence of the page names `name` as one of alternatives to send: then the page
/// may mark each required, and each is optional on its own.
fn named_as_alternative(page: &str, name: &str) -> bool {
    let code = format!("`{name}`");
    page.lines().any(|line| {
        let lower = line.to_ascii_lowercase();
        ["at least one of the", "one of the parameters must be"]
            .iter()
            .any(|lead| lower.contains(lead))
            && line.contains(&code)
    })
}

/// What the page's table rows say of `name`: `Some(required)` when every row naming it
/// agrees, `None` when rows of different tables disagree (two objects with a field of the same
/// name) — then the check cannot tell which row is this field's — or when the only rows say
/// it is required only under a condition.
fn page_says_as(page: &str, name: &str, any_case: bool) -> Option<bool> {
    let mut seen = (false, false);
    let mut conditional = false;
    let lines: Vec<&str> = page.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(cell) = line.trim_start().strip_prefix("|| **") else {
            continue;
        };
        let head = cell.get(..name.len()).unwrap_or_default();
        let matches = if any_case {
            head.eq_ignore_ascii_case(name)
        } else {
            head == name
        };
        let Some(rest) = cell.get(name.len()..).filter(|_| matches) else {
            continue;
        };
        let (required, optional) = (row_required(rest), rest.starts_with("**"));
        if !required && !optional {
            continue; // a longer name with this prefix
        }
        if required && required_only_sometimes(&lines[i..]) {
            conditional = true; // "Required if `ATTACH` is not provided": either flag is right
            continue;
        }
        if required {
            seen.0 = true;
        } else {
            seen.1 = true;
        }
    }
    match seen {
        (true, true) => None,
        (true, false) => Some(true),
        (false, true) => Some(false),
        // Not a row of a table: fall back to the marker anywhere on the page.
        (false, false) if conditional => None,
        (false, false) => Some(marked_required(page, name)),
    }
}

/// Whether the row starting at `rows[0]` says it is required only under a condition.
fn required_only_sometimes(rows: &[&str]) -> bool {
    let mut text = String::new();
    for (i, line) in rows.iter().enumerate() {
        text.push_str(&line.to_lowercase());
        text.push('\n');
        if i > 0 && line.trim_end().ends_with("||") {
            break;
        }
    }
    [
        "required if",
        "required only",
        "required when",
        "mandatory if",
        "mandatory when",
    ]
    .iter()
    .any(|w| text.contains(w))
}

/// Whether what follows a row's name is one of the required markers. `**name****` (two
/// trailing stars) marks a field that is required only when no product gives its value.
fn row_required(rest: &str) -> bool {
    let starred = ["***", "**^*^", "^*^**", "\\***", "**\\*"]
        .iter()
        .any(|m| rest.starts_with(m));
    starred && !rest.starts_with("****")
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
    fields: &[bitrix_spec::Field],
    answer: bool,
    problems: &mut Vec<String>,
) {
    for f in fields {
        let name = f.name.as_str();
        let here = if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        // A nested field may be a row of its parent's table, spelled `parent.name`.
        let parent = path
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .trim_end_matches("[]");
        let dotted = format!("{parent}.{name}");
        let disagree = disagrees(page, name, f.required)
            && (parent.is_empty()
                || !page.contains(&format!("**{dotted}"))
                || disagrees(page, &dotted, f.required));
        // An answer's field is optional whatever a request table of its page says.
        let optional_answer = answer && !f.required;
        if !departs(owner, &here) && disagree && !optional_answer {
            problems.push(format!(
                "{owner}: `{here}` required={} disagrees with the page",
                f.required
            ));
        }
        check_fields(owner, page, &here, f.ty.fields(), answer, problems);
        if let Some(items) = f.ty.items() {
            check_fields(
                owner,
                page,
                &format!("{here}[]"),
                items.fields(),
                answer,
                problems,
            );
        }
    }
}

/// Clears the fields adopted from another page at `path` (`fields` or `fields.ADDITIONAL_FIELDS`,
/// through lists too) under `field`, keeping what this page documents.
fn without_adopted(field: &mut bitrix_spec::Field, path: &str) {
    let (head, rest) = match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    if field.name != head {
        return;
    }
    let fields = match &mut field.ty.kind {
        Kind::Object { fields, .. } => fields,
        Kind::Array(Some(item)) => match item.fields_mut() {
            Some(fields) => fields,
            None => return,
        },
        _ => return,
    };
    match rest {
        None => fields.clear(),
        Some(rest) => {
            for f in fields {
                without_adopted(f, rest);
            }
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
        // Fields adopted from another page (the importer says so in a reason) describe the
        // entity there, not this page's rows; they are all optional by design.
        let elsewhere: Vec<String> = m
            .confidence
            .iter()
            .flat_map(|c| &c.reasons)
            .filter(|r| r.contains(" fields from "))
            .filter_map(|r| r.strip_prefix('`')?.split('`').next().map(str::to_owned))
            .collect();
        for param in &m.params {
            let mut own = param.clone();
            for path in &elsewhere {
                without_adopted(&mut own, path);
            }
            check_fields(&m.name, &page, "", &[own], false, &mut problems);
        }
    }
    for t in spec.types.values() {
        let source = t.source.split('#').next().unwrap_or_default();
        match std::fs::read_to_string(docs.join(source)) {
            // A type read off a method page (an entity its answers return) describes answers;
            // the data-types pages' structures are checked flag for flag.
            Ok(page) => {
                let answer = page.contains("> Scope");
                check_fields(
                    &t.name,
                    &page,
                    &t.name,
                    t.ty.fields(),
                    answer,
                    &mut problems,
                )
            }
            Err(_) => problems.push(format!("{}: page {source} missing", t.name)),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
