//! Field tables: the parameter table of a method page, and any table of fields (`**NAME***`
//! rows with type words and descriptions) with its nested tables, dotted rows and enum values.

use std::collections::BTreeSet;

use bitrix_spec::{EnumLiteral, EnumValue, Field, KeyPattern, Kind, Type};

use crate::cell::{code_spans, name_cell, value_bullets};
use crate::page::Page;
use crate::typewords;
use crate::yfm::Table;

/// Whether a table row is a header row (`Name`, `Parameter`, `Field`, … in its first cell).
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

pub(crate) fn params(page: &Page<'_>, reasons: &mut Vec<String>) -> Vec<Field> {
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
        let mut ty =
            typewords::from_words(&words, typewords::documents_flags(&description), page.known);
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
    crate::rowpath::nest_paths(&mut fields);
    (fields, patterns)
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
