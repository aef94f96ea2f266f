//! The name cell of a field row: wire name, the required marker in every spelling, and the
//! type expression (linked, bare, `T[]`, unions); plus inline code spans and value bullets.

/// What a name cell says.
#[derive(Debug, Clone, PartialEq)]
pub struct NameCell {
    pub name: String,
    pub required: bool,
    /// Placeholder names (`UF_CRM_...`, `<selector>`, `PARAM_*`) describe key patterns.
    pub placeholder: bool,
    /// The type spans, in order (`["integer"]`, `["string", "null"]`).
    pub types: Vec<String>,
}

/// Characters of a wire name.
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '_' | '.' | '-' | '[' | ']' | '<' | '>' | '{' | '}' | '$' | ':'
        )
}

/// Parses the name cell; `None` when it has no bold name.
pub fn name_cell(cell: &str) -> Option<NameCell> {
    let start = cell.find("**")?;
    let after = &cell[start + 2..];
    let after_ticks = after.trim_start_matches('`');
    let name_len: usize = after_ticks
        .chars()
        .take_while(|c| name_char(*c))
        .map(char::len_utf8)
        .sum();
    let mut name = after_ticks[..name_len].to_owned();
    if name.is_empty() {
        return None;
    }
    let rest = after_ticks[name_len..].trim_start_matches('`');
    // The marker run right after the name, up to whitespace or a link.
    let marker: String = rest
        .chars()
        .take_while(|c| matches!(c, '*' | '^' | '\\' | '.'))
        .collect();
    let mut placeholder =
        name.contains("...") || name.contains('<') || name.contains('{') || name.ends_with('_');
    let unescaped = marker.replace("\\*", "*");
    let mut required = false;
    if name.ends_with('_') && marker.starts_with("\\*") {
        // `UF_\*`: a literal star in a placeholder, not a marker.
        name.push('*');
        placeholder = true;
    } else if let Some(m) = unescaped
        .strip_prefix("**")
        .or_else(|| unescaped.strip_suffix("**"))
    {
        required = m == "*" || m == "^*^";
    }
    if marker.starts_with("...") {
        name.push_str("...");
        placeholder = true;
    }
    let name = name.trim_end_matches('.').to_owned();
    let tail_start = cell.len() - rest.len() + marker.len();
    let types = type_spans(&cell[tail_start.min(cell.len())..]);
    Some(NameCell {
        name,
        required,
        placeholder,
        types,
    })
}

/// Every inline code span of `text`.
pub fn code_spans(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(a) = rest.find('`') {
        let after = &rest[a + 1..];
        let Some(b) = after.find('`') else { break };
        out.push(after[..b].to_owned());
        rest = &after[b + 1..];
    }
    out
}

/// The type words of the rest of a name cell: code spans, split on `|`, `/` and `or`.
fn type_spans(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for span in code_spans(text) {
        for part in span.split(['|', '/']) {
            let part = part.trim();
            if !part.is_empty() && part != "or" {
                out.push(part.to_owned());
            }
        }
    }
    out
}

/// Values listed as bullets in a description cell: `- \`1\` — red` → `("1", Some("red"))`.
pub fn value_bullets(description: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for line in description.lines() {
        let t = line.trim_start();
        let Some(item) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) else {
            continue;
        };
        let item = item.trim();
        if !item.starts_with('`') {
            continue;
        }
        let spans = code_spans(item);
        let Some(value) = spans.first() else { continue };
        let close = item[1..].find('`').map_or(item.len(), |i| i + 2);
        let label = item[close..]
            .trim_start_matches([' ', '—', '–', '-', ':', ','])
            .trim()
            .trim_end_matches([';', '.', ','])
            .to_owned();
        let label = (!label.is_empty() && label.len() <= 60).then_some(label);
        // `''` and `""` in code are the empty string, written so it can be seen.
        let value = match value.as_str() {
            "''" | "\"\"" => String::new(),
            _ => value.clone(),
        };
        out.push((value, label));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nc(cell: &str) -> NameCell {
        name_cell(cell).unwrap()
    }

    #[test]
    fn required_marker_spellings() {
        for (cell, name, required) in [
            ("**id***\n[`integer`](x)", "id", true),
            ("**id**^*^\n[`integer`](x)", "id", true),
            ("**id^*^**\n[`integer`](x)", "id", true),
            ("**id\\***\n`integer`", "id", true),
            ("**id**\n[`integer`](x)", "id", false),
            ("**id****\n`integer`", "id", false),
        ] {
            let c = nc(cell);
            assert_eq!((c.name.as_str(), c.required), (name, required), "{cell}");
            assert_eq!(c.types, ["integer"], "{cell}");
        }
    }

    #[test]
    fn placeholders_and_unions() {
        let c = nc("**UF_CRM_...**\n[`string`](x)");
        assert!(c.placeholder);
        let c = nc("**UF_\\***\n`any`");
        assert_eq!(
            (c.name.as_str(), c.placeholder, c.required),
            ("UF_*", true, false)
        );
        assert_eq!(
            nc("**a**\n[`string`\\|`array`](x)").types,
            ["string", "array"]
        );
        assert_eq!(nc("**a**\n[`string|null`](x)").types, ["string", "null"]);
        assert_eq!(
            nc("**a**\n[`object`](x) or `null`").types,
            ["object", "null"]
        );
    }

    #[test]
    fn bullets() {
        let v = value_bullets("Color:\n- `1` — red\n- `2` – green,\n* `3`");
        assert_eq!(
            v,
            [
                ("1".into(), Some("red".into())),
                ("2".into(), Some("green".into())),
                ("3".into(), None)
            ]
        );
        let v = value_bullets("Reset:\n- `''` — never\n- `\"\"` — never either\n- `day`");
        let values: Vec<&str> = v.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(values, ["", "", "day"]);
    }
}
