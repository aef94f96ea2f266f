//! Documented wire examples: the cURL (webhook) request body, the success answer and the error
//! answer, as JSON. Invalid JSON is repaired where the fault is mechanical (comments, trailing
//! commas, shell substitutions) and the repair is recorded.

use bitrix_spec::{Example, ExampleKind};
use serde_json::Value;

use crate::text::{is_fence, Heading};

/// The page's examples; `reasons` gets a line for every repair or failure.
pub fn extract(lines: &[&str], headings: &[Heading], reasons: &mut Vec<String>) -> Vec<Example> {
    let mut out = Vec::new();
    if let Some(body) = curl_body(lines) {
        match parse(&body) {
            Some((v, repaired)) => {
                if repaired {
                    reasons.push("the request example was repaired to parse as JSON".to_owned());
                }
                if let Value::Object(mut map) = v {
                    map.remove("auth");
                    out.push(Example {
                        kind: ExampleKind::Request,
                        status: None,
                        body: Value::Object(map),
                    });
                }
            }
            None => reasons.push("the request example is not JSON".to_owned()),
        }
    }
    for (kind, words, status) in [
        (
            ExampleKind::Response,
            &["response", "success", "returned"][..],
            200,
        ),
        (ExampleKind::Error, &["error"][..], 400),
    ] {
        let Some(h) = headings.iter().find(|h| {
            let t = h.title.to_lowercase();
            h.level == 2
                && words.iter().any(|w| t.contains(w))
                && (kind == ExampleKind::Error || !t.contains("error"))
        }) else {
            continue;
        };
        let end = headings
            .iter()
            .find(|o| o.line > h.line && o.level <= 2)
            .map_or(lines.len(), |o| o.line);
        let Some(block) = json_block(&lines[h.line..end]) else {
            continue;
        };
        match parse(&block) {
            Some((body, repaired)) => {
                if repaired {
                    reasons.push(format!(
                        "the {} example was repaired to parse as JSON",
                        label(kind)
                    ));
                }
                out.push(Example {
                    kind,
                    status: Some(status),
                    body,
                });
            }
            None => reasons.push(format!("the {} example is not JSON", label(kind))),
        }
    }
    out
}

fn label(kind: ExampleKind) -> &'static str {
    match kind {
        ExampleKind::Request => "request",
        ExampleKind::Response => "response",
        ExampleKind::Error => "error",
    }
}

/// The `-d '…'` payload of the first cURL example.
fn curl_body(lines: &[&str]) -> Option<String> {
    let text = lines.join("\n");
    let start = text.find("curl ")?;
    let rest = &text[start..];
    let d = rest.find("-d '")? + 4;
    let after = &rest[d..];
    let end = after.find("' \\").or_else(|| after.find("'\n"))?;
    Some(after[..end].to_owned())
}

/// The first fenced block in `lines` whose content starts like JSON.
pub(crate) fn json_block(lines: &[&str]) -> Option<String> {
    let mut inside = false;
    let mut buf = Vec::new();
    for line in lines {
        if is_fence(line) {
            if inside {
                let text = buf.join("\n");
                if text.trim_start().starts_with(['{', '[']) {
                    return Some(text);
                }
                buf.clear();
            }
            inside = !inside;
            continue;
        }
        if inside {
            buf.push(*line);
        }
    }
    None
}

/// Parses JSON, repairing mechanical faults; says whether it had to.
pub fn parse(text: &str) -> Option<(Value, bool)> {
    if let Ok(v) = serde_json::from_str(text) {
        return Some((v, false));
    }
    let repaired = repair(text);
    serde_json::from_str(&repaired).ok().map(|v| (v, true))
}

fn repair(text: &str) -> String {
    // Shell substitutions inside the quoted payload: "'"$(date -Iseconds)"'".
    let mut s = text.to_owned();
    while let Some(a) = s.find("\"'\"$(") {
        let Some(b) = s[a..].find(")\"'\"") else {
            break;
        };
        s.replace_range(a..a + b + 4, "\"2025-01-01T00:00:00+00:00\"");
    }
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let line = strip_comment(line);
        // An elision standing for more elements (`... // one per property`).
        if matches!(line.trim(), "..." | "...," | "…" | "…,") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    remove_trailing_commas(&out)
}

/// A line without its `// comment` (outside strings).
fn strip_comment(line: &str) -> &str {
    let mut in_str = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'/' if !in_str && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

fn remove_trailing_commas(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' && (i == 0 || chars[i - 1] != '\\') {
            in_str = !in_str;
        }
        if c == ',' && !in_str {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_comments_commas_and_substitutions() {
        let (v, repaired) = parse("{\"a\": 1, // note\n \"b\": [1, 2,],\n}").unwrap();
        assert!(repaired);
        assert_eq!(v, serde_json::json!({"a": 1, "b": [1, 2]}));
        let (v, _) =
            parse("{\"deadline\":\"'\"$(date -Iseconds)\"'\",\"url\":\"http://x\"}").unwrap();
        assert_eq!(v["url"], "http://x");
        assert!(parse("{nope").is_none());
    }

    #[test]
    fn an_elided_element_line_is_dropped() {
        let text = "{\"items\": [\n  {\"id\": 1},\n  ... // one per item\n],\n\"next\": 50}";
        let (v, repaired) = parse(text).unwrap();
        assert!(repaired);
        assert_eq!(v, serde_json::json!({"items": [{"id": 1}], "next": 50}));
        // An elision inside a string is text.
        let (v, repaired) = parse("{\"a\": \"...\"}").unwrap();
        assert!(!repaired);
        assert_eq!(v["a"], "...");
    }
}
