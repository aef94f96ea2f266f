//! YFM tables (`#|` … `|#`, rows `|| a | b ||`) as the docs write them: multi-line cells,
//! fenced code and nested tables inside cells, `\|` escapes, `|` inside inline code.

use crate::text::is_fence;

/// One table: its rows of cells (trimmed text) and the line where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub line: usize,
    pub rows: Vec<Vec<String>>,
}

/// Every top-level table of `lines`.
pub fn tables(lines: &[&str]) -> Vec<Table> {
    let mut out = Vec::new();
    let mut fence = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_fence(line) {
            fence = !fence;
        } else if !fence && line.trim_start().starts_with("#|") {
            let (body, end) = collect(lines, i);
            out.push(Table {
                line: i,
                rows: tokenize(&body),
            });
            i = end;
        }
        i += 1;
    }
    out
}

/// The text between the opening `#|` at `start` and its closing `|#`, and the closing line.
fn collect(lines: &[&str], start: usize) -> (String, usize) {
    let mut body = String::new();
    let mut depth = 0usize;
    let mut fence = false;
    for (i, raw) in lines.iter().enumerate().skip(start) {
        let t = raw.trim();
        let mut line = t.to_owned();
        if i == start {
            line = t.trim_start_matches("#|").to_owned();
            depth = 1;
        } else if is_fence(t) {
            fence = !fence;
        } else if !fence && t.starts_with("#|") {
            depth += 1;
        }
        if !fence && t.ends_with("|#") && (i != start || t.len() > 2) {
            depth -= 1;
            if depth == 0 {
                line = line.trim_end_matches("|#").to_owned();
                body.push_str(&line);
                return (body, i);
            }
        }
        body.push_str(&line);
        body.push('\n');
    }
    (body, lines.len())
}

fn tokenize(body: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row: Option<Vec<String>> = None;
    let mut cell = String::new();
    let mut fence = false;
    let mut nested = 0usize;
    for line in body.split('\n') {
        let t = line.trim();
        if is_fence(t) && row.is_some() {
            // A fence may close on the row's last line: "``` ||".
            let closes_row = fence && t.ends_with("||");
            fence = !fence;
            if closes_row {
                cell.push_str(t.trim_end_matches("||").trim_end());
                end_row(&mut rows, &mut row, &mut cell);
            } else {
                cell.push_str(t);
                cell.push('\n');
            }
            continue;
        }
        if fence || nested > 0 || (row.is_some() && t.starts_with("#|")) {
            if !fence && t.starts_with("#|") {
                nested += 1;
            }
            if !fence && t.ends_with("|#") && nested > 0 {
                nested -= 1;
            }
            cell.push_str(t);
            cell.push('\n');
            continue;
        }
        scan_line(t, &mut rows, &mut row, &mut cell);
        if row.is_some() {
            cell.push('\n');
        }
    }
    if let Some(mut r) = row.take() {
        if !cell.trim().is_empty() {
            r.push(cell.trim().to_owned());
        }
        if !r.is_empty() {
            rows.push(r);
        }
    }
    rows
}

fn end_row(rows: &mut Vec<Vec<String>>, row: &mut Option<Vec<String>>, cell: &mut String) {
    if let Some(mut r) = row.take() {
        r.push(cell.trim().to_owned());
        rows.push(r);
    }
    cell.clear();
}

fn scan_line(
    line: &str,
    rows: &mut Vec<Vec<String>>,
    row: &mut Option<Vec<String>>,
    cell: &mut String,
) {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' if next == Some('|') => {
                cell.push('|');
                i += 2;
                continue;
            }
            '`' => {
                // Inline code is atomic when it closes on the same line.
                let ticks = chars[i..].iter().take_while(|c| **c == '`').count();
                let close = (i + ticks..chars.len()).find(|&j| {
                    chars[j..].iter().take_while(|c| **c == '`').count() == ticks
                        && (j == 0 || chars[j - 1] != '`')
                });
                if let Some(j) = close {
                    cell.extend(&chars[i..j + ticks]);
                    i = j + ticks;
                    continue;
                }
                cell.push(c);
            }
            '|' if next == Some('|') => {
                if row.is_some() {
                    end_row(rows, row, cell);
                } else {
                    *row = Some(Vec::new());
                    cell.clear();
                }
                i += 2;
                continue;
            }
            '|' if row.is_some() => {
                let r = row.as_mut().expect("checked");
                r.push(cell.trim().to_owned());
                cell.clear();
            }
            _ => {
                if row.is_some() {
                    cell.push(c);
                }
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Table> {
        let lines: Vec<&str> = text.lines().collect();
        tables(&lines)
    }

    #[test]
    fn rows_cells_and_multiline() {
        let t = parse("#|\n|| **Name**\n`type` | **Description** ||\n|| **id***\n[`integer`](x.md) | The id,\nsecond line ||\n|#");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].rows[0], ["**Name**\n`type`", "**Description**"]);
        assert_eq!(
            t[0].rows[1],
            ["**id***\n[`integer`](x.md)", "The id,\nsecond line"]
        );
    }

    #[test]
    fn escapes_code_and_fences() {
        let t = parse("#|\n|| **a**\n[`string|null`](x) | x \\| y ||\n|| **b** | text\n```json\n{\"a\": \"|\"}\n``` ||\n|| **c** | z ||\n|#");
        let rows = &t[0].rows;
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0][0], "**a**\n[`string|null`](x)");
        assert_eq!(rows[0][1], "x | y");
        assert!(rows[1][1].contains("{\"a\": \"|\"}"));
        assert_eq!(rows[2], ["**c**", "z"]);
    }

    #[test]
    fn nested_tables_stay_in_their_cell() {
        let t = parse("#|\n|| **a** | list:\n#|\n||X|1||\n||Y|2||\n|#\n ||\n|| **b** | c ||\n|#");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].rows.len(), 2, "{:?}", t[0].rows);
        assert!(t[0].rows[0][1].contains("||X|1||"));
        assert_eq!(t[0].rows[1], ["**b**", "c"]);
    }

    #[test]
    fn a_fence_closing_a_cell_and_inline_triple_backticks_leave_later_tables_whole() {
        let text = "#|\n|| **a** | format:\n```\n{}\n```\nmore:\n```\n[]\n``` ||\n|#\n\n#|\n|| **b** | pattern:\n```^[0-9]+$``` ||\n|#\n\n#|\n|| **c** | d ||\n|#";
        let t = parse(text);
        assert_eq!(t.len(), 3, "{t:?}");
        assert_eq!(t[0].rows[0][0], "**a**");
        assert_eq!(t[1].rows[0][1], "pattern:\n```^[0-9]+$```");
        assert_eq!(t[2].rows, [["**c**", "d"]]);
    }
}
