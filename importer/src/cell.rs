//! The name cell of a field row: wire name, the required marker in every spelling, and the
//! type expression (linked, bare, `T[]`, unions); plus inline code spans and the values a
//! description lists.

/// What a name cell says.
#[derive(Debug, Clone, PartialEq)]
pub struct NameCell {
    pub name: String,
    pub required: bool,
    /// Placeholder names (`UF_CRM_...`, `<selector>`, `PARAM_*`) describe key patterns.
    pub placeholder: bool,
    /// The type spans, in order (`["integer"]`, `["string", "null"]`).
    pub types: Vec<String>,
    /// The bold text is a phrase ("Automation rule name"), not a wire name: `name` is only
    /// its first word.
    pub label: bool,
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
    let dotted = name.ends_with("...");
    let mut name = name.trim_end_matches('.').to_owned();
    // `UF_RPA_...`, `PARENT_ID_`: a prefix of keys, which the spec writes `UF_RPA_*`.
    if placeholder && (dotted || name.ends_with('_')) && !name.ends_with('*') {
        name.push('*');
    }
    let bold = after.find("**").map_or(after, |end| &after[..end]);
    let label = bold.split_whitespace().count() > 1
        && bold
            .split_whitespace()
            .all(|w| w.starts_with(|c: char| c.is_alphabetic()));
    let tail_start = cell.len() - rest.len() + marker.len();
    let types = type_spans(&cell[tail_start.min(cell.len())..]);
    Some(NameCell {
        name,
        required,
        placeholder,
        types,
        label,
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

/// The values a description cell lists, each with its label: as bullets (`- \`1\` — red`),
/// else as lines of their own without a bullet (`\`N\` — negative`, two or more), else inline
/// after "values:" (`Possible values: \`secs\`, \`mins\``). `null` stands for no value and is
/// left out.
pub fn listed_values(description: &str) -> Vec<(String, Option<String>)> {
    let mut listed = value_lines(description, true);
    if listed.is_empty() {
        listed = value_lines(description, false);
        // A line "`USER_TYPE` — type:" introduces values of its own: these are keys.
        let keys = listed
            .iter()
            .any(|(_, label)| label.as_deref().is_some_and(|l| l.ends_with(':')));
        if keys {
            return Vec::new();
        }
        if listed.len() < 2 {
            listed = inline_values(description);
        }
    }
    listed.retain(|(v, _)| v != "null");
    listed
}

/// Lines that start with a value: bulleted ones, or (`bulleted` false) unbulleted ones whose
/// value a dash separates from its label.
fn value_lines(description: &str, bulleted: bool) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for line in description.lines() {
        let t = line.trim_start();
        let item = if bulleted {
            match t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
                Some(item) => item.trim(),
                None => continue,
            }
        } else {
            t.trim()
        };
        if !item.starts_with('`') {
            continue;
        }
        let Some(close) = item[1..].find('`').map(|i| i + 2) else {
            continue;
        };
        let after = &item[close..];
        if !bulleted
            && !["—", "–", "-"]
                .iter()
                .any(|d| after.trim_start().starts_with(d))
        {
            continue;
        }
        let label = after
            .trim_start_matches([' ', '—', '–', '-', ':', ','])
            .trim()
            .trim_end_matches([';', '.', ','])
            .to_owned();
        let label = (!label.is_empty() && label.len() <= 60).then_some(label);
        out.push((literal(&item[1..close - 1]), label));
    }
    out
}

/// Code spans right after "values:" on the same line, separated by nothing but commas, `/`,
/// `|`, "or" and "and", up to the end of the sentence; a list that other text interrupts
/// (`a`, `b` (default), `c`) gives none, since a closed set missing a value would refuse it.
/// "Examples of valid values:" shows some values, not all of them.
fn inline_values(description: &str) -> Vec<(String, Option<String>)> {
    let lower = description.to_ascii_lowercase();
    let Some(at) = lower.find("values:") else {
        return Vec::new();
    };
    let lead = lower[..at].rsplit(['.', '\n']).next().unwrap_or_default();
    if lead.contains("example") || lead.contains("such as") {
        return Vec::new();
    }
    let line = description[at + "values:".len()..]
        .lines()
        .next()
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut rest = line.trim_start();
    while let Some(after) = rest.strip_prefix('`') {
        let Some(end) = after.find('`') else {
            return Vec::new();
        };
        out.push((literal(&after[..end]), None));
        rest = after[end + 1..].trim_start_matches([',', '/', '|', ' ']);
        for word in ["or ", "and "] {
            if let Some(r) = rest.strip_prefix(word) {
                rest = r.trim_start();
            }
        }
    }
    // The sentence ends here, or the list was cut short by other text.
    let ended = rest.is_empty() || rest.starts_with(['.', ';']);
    if ended {
        out
    } else {
        Vec::new()
    }
}

/// A listed value as sent, without the quotes it may be written in: `''` and `""` are the
/// empty string, written so it can be seen.
fn literal(code: &str) -> String {
    let quoted = |q: char| code.len() >= 2 && code.starts_with(q) && code.ends_with(q);
    if quoted('\'') || quoted('"') {
        // `"Mon"`: the value written with its quotes.
        code[1..code.len() - 1].to_owned()
    } else {
        code.to_owned()
    }
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
    fn a_phrase_in_bold_is_a_label_not_a_wire_name() {
        assert!(nc("**Automation rule name** \n[`string`](x)").label);
        for cell in [
            "**typeId** \n[`integer`](x)",
            "**id***\n`integer`",
            "**UF_\\***\n`any`",
        ] {
            assert!(!nc(cell).label, "{cell}");
        }
    }

    #[test]
    fn placeholders_and_unions() {
        let c = nc("**UF_CRM_...**\n[`string`](x)");
        assert!(c.placeholder);
        assert_eq!(c.name, "UF_CRM_*");
        assert_eq!(nc("**PARENT_ID_**\n`integer`").name, "PARENT_ID_*");
        assert_eq!(nc("**ufCrm...**\n`any`").name, "ufCrm*");
        assert_eq!(nc("**PROPERTY_<id>**\n`any`").name, "PROPERTY_<id>");
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
        let v = listed_values("Color:\n- `1` — red\n- `2` – green,\n* `3`");
        assert_eq!(
            v,
            [
                ("1".into(), Some("red".into())),
                ("2".into(), Some("green".into())),
                ("3".into(), None)
            ]
        );
        let v = listed_values("Reset:\n- `''` — never\n- `\"\"` — never either\n- `day`");
        let values: Vec<&str> = v.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(values, ["", "", "day"]);
    }

    #[test]
    fn values_on_lines_of_their_own_or_inline() {
        let values = |text: &str| -> Vec<String> {
            listed_values(text).into_iter().map(|(v, _)| v).collect()
        };
        // Lines without bullets; `null` is no value.
        assert_eq!(
            listed_values(
                "Rating. Possible values:\n`N` — negative\n`P` — positive\n`null` — none"
            ),
            [
                ("N".into(), Some("negative".into())),
                ("P".into(), Some("positive".into()))
            ]
        );
        assert_eq!(
            values("Unit. Possible values: `secs`, `mins`, `hours` or `days`. Default `days`"),
            ["secs", "mins", "hours", "days"]
        );
        assert_eq!(values("Direction, values: `asc`/`desc`"), ["asc", "desc"]);
        // Keys with values of their own are no values.
        assert!(
            values("Filter:\n`USER_TYPE` — type:\n`employee` — staff\n`NAME` — name").is_empty()
        );
        // A line that only starts with code, and code in prose, are no list.
        assert!(values("`ID` of the deal\n`TITLE` is its name").is_empty());
        assert!(values("Send `Y` to confirm, see values: in [the table](x.md)").is_empty());
        assert!(
            values("Must start with a letter. Examples of valid values: `a-b`, `c:1`").is_empty()
        );
        assert!(values("Possible values: `Y` (yes), `N` (no)").is_empty());
        assert!(values("Possible values: `a`, `b` (default), `c`").is_empty());
    }
}
