//! Cross-checks the hand transcription against the docs snapshot in ../shared/b24restdocs:
//! every page exists and names its method, and every top-level parameter's required flag
//! agrees with the page's `*` marker. Skips itself (saying so) where the snapshot is absent.

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
        for p in &m.params {
            let name = p.wire_name();
            if p.is_required() != marked_required(&page, name) {
                problems.push(format!(
                    "{}: `{name}` required={} disagrees with the page",
                    m.name,
                    p.is_required()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
