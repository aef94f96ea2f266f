//! Page text before parsing: `{% include %}` expansion, build-only blocks dropped, and the
//! heading outline (outside code fences).

use std::path::{Path, PathBuf};

/// Includes that are not content: the shared system-error table and notes.
const SKIPPED_INCLUDES: &[&str] = &["system-errors.md"];

/// Reads `file` with every `{% include … (path) %}` replaced by the included text.
pub fn load(root: &Path, file: &Path) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    Some(close_unclosed_fences(&expand(root, file, &text, 0)))
}

/// Closes a code block left open where the next one opens: a fence with a language
/// (```` ```bash ````) cannot close a block, so inside one it means the page forgot the
/// closing fence, which would otherwise swallow every section that follows.
fn close_unclosed_fences(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        if is_fence(line) {
            let indent = &line[..line.len() - line.trim_start().len()];
            let info = line.trim().trim_start_matches('`').trim();
            match open {
                Some(opener) if !info.is_empty() => {
                    out.push_str(opener);
                    out.push_str("```\n");
                    open = Some(indent);
                }
                Some(_) => open = None,
                None => open = Some(indent),
            }
        }
        out.push_str(line);
    }
    out
}

fn expand(root: &Path, file: &Path, text: &str, depth: usize) -> String {
    let text = drop_dev_blocks(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find("{% include") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("%}") else {
            rest = &rest[start..];
            break;
        };
        let directive = &rest[start..start + end + 2];
        rest = &rest[start + end + 2..];
        let Some(target) = include_target(directive) else {
            continue;
        };
        if SKIPPED_INCLUDES.iter().any(|s| target.ends_with(s)) || depth > 4 {
            continue;
        }
        let path = resolve(root, file, &target);
        if let Ok(included) = std::fs::read_to_string(&path) {
            out.push_str(&expand(root, &path, &included, depth + 1));
        }
    }
    out.push_str(rest);
    out
}

/// The path inside `(…)` of an include directive.
fn include_target(directive: &str) -> Option<String> {
    let open = directive.rfind('(')?;
    let close = directive[open..].find(')')? + open;
    Some(directive[open + 1..close].trim().to_owned())
}

/// `target` (a link or include path) relative to `file`, or to `root` when it starts with `/`.
pub(crate) fn resolve(root: &Path, file: &Path, target: &str) -> PathBuf {
    if let Some(abs) = target.strip_prefix('/') {
        return root.join(abs);
    }
    let mut p = file.parent().map(Path::to_path_buf).unwrap_or_default();
    for part in target.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                p.pop();
            }
            other => p.push(other),
        }
    }
    p
}

/// `{% if build == 'dev' %} … {% endif %}` holds unpublished drafts.
fn drop_dev_blocks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{% if build == 'dev' %}") {
        out.push_str(&rest[..start]);
        match rest[start..].find("{% endif %}") {
            Some(end) => rest = &rest[start + end + "{% endif %}".len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` with each Markdown link `[text](target)` as its text.
pub fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|mid| {
            let close = after[mid + 2..].find(')')?;
            // A link's text has no `[` of its own (`a[i]` in code is no link).
            (!after[..mid].contains('[')).then_some((mid, mid + 2 + close))
        });
        match link {
            Some((mid, close)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..mid]);
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a line opens or closes a fenced code block. A line that also closes its backticks
/// (```` ```^[0-9]+$``` || ````, code inline in a table cell) does neither.
pub fn is_fence(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("```")
        .is_some_and(|rest| !rest.trim_start_matches('`').contains("```"))
}

/// A heading: level, title without its `{#anchor}`, the anchor, and its line index.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: usize,
    pub title: String,
    pub anchor: Option<String>,
    pub line: usize,
}

/// The headings of `lines`, skipping code fences and table rows.
pub fn headings(lines: &[&str]) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut fence = false;
    for (i, line) in lines.iter().enumerate() {
        if is_fence(line) {
            fence = !fence;
            continue;
        }
        if fence || !line.starts_with('#') || line.starts_with("#|") {
            continue;
        }
        let level = line.chars().take_while(|c| *c == '#').count();
        let Some(rest) = line[level..].strip_prefix(' ') else {
            continue;
        };
        let (title, anchor) = match (rest.rfind("{#"), rest.rfind('}')) {
            (Some(a), Some(b)) if b > a => (
                rest[..a].trim().to_owned(),
                Some(rest[a + 2..b].trim().to_owned()),
            ),
            _ => (rest.trim().to_owned(), None),
        };
        out.push(Heading {
            level,
            title,
            anchor,
            line: i,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{close_unclosed_fences, unlink};

    #[test]
    fn links_become_their_text() {
        assert_eq!(
            unlink("Cannot delete [system statuses](./index.md). See [a](b) and `x[i]`"),
            "Cannot delete system statuses. See a and `x[i]`"
        );
        assert_eq!(unlink("[unclosed](x"), "[unclosed](x");
    }

    #[test]
    fn a_block_left_open_closes_where_the_next_one_opens() {
        let page = "- A\n\n    ```bash\n    curl …/task.comm\n\n- B\n\n    ```bash\n    curl\n    ```\n\n## Response\n";
        let fixed = close_unclosed_fences(page);
        assert_eq!(
            fixed,
            "- A\n\n    ```bash\n    curl …/task.comm\n\n- B\n\n    ```\n    ```bash\n    curl\n    ```\n\n## Response\n"
        );
        let lines: Vec<&str> = fixed.lines().collect();
        let headings = super::headings(&lines);
        assert_eq!(headings.len(), 1, "the section after the blocks is seen");
        // Well-formed blocks are left as they are.
        let fine = "```json\n{}\n```\ntext\n```\nplain\n```\n";
        assert_eq!(close_unclosed_fences(fine), fine);
    }
}
