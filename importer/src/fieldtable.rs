//! Field tables: the parameter table of a method page, and any table of fields (`**NAME***`
//! rows with type words and descriptions) with its nested tables, dotted rows and enum values.

use std::collections::BTreeSet;

use bitrix_spec::{EnumLiteral, EnumValue, Field, KeyPattern, Kind, Type};

use crate::cell::{code_spans, listed_values, name_cell};
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

/// Parameters that link to field lists rather than being documented by them: `select` lists
/// field names, `filter` and `order` key them with operators and directions.
pub(crate) const NOT_FIELD_SETS: [&str; 4] = ["filter", "order", "select", "sort"];

/// Whether a row of an answer's table sits beside `result` (the envelope, not the payload).
pub(crate) fn is_envelope(f: &Field) -> bool {
    ENVELOPE.iter().any(|e| f.name.eq_ignore_ascii_case(e))
}

/// The keys of an answer beside `result`.
pub(crate) const ENVELOPE: [&str; 5] = ["time", "total", "next", "error", "error_description"];

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
    let names: Vec<String> = body
        .iter()
        .filter_map(|r| Some(r.first().and_then(|c| name_cell(c))?.name))
        .collect();
    let mut flat = crate::rowpath::FlatElement::new(&names);
    for row in body {
        let Some(cell) = row.first().and_then(|c| name_cell(c)) else {
            continue;
        };
        if cell.label {
            reasons.push(format!(
                "a row names its key in words (`{} …`), not by the key sent; not imported",
                cell.name
            ));
            continue;
        }
        let mut description = match type_column {
            Some(tc) => row.get(tc + 1).cloned().unwrap_or_default(),
            None => row.get(1).cloned().unwrap_or_default(),
        };
        let type_cell = match type_column {
            Some(tc) => row.get(tc).map_or("", String::as_str),
            None => row[0].as_str(),
        };
        let words = match type_column {
            Some(_) => code_spans(type_cell),
            None => cell.types.clone(),
        };
        let mut ty =
            typewords::from_words(&words, typewords::documents_flags(&description), page.known);
        // `select` names fields, custom ones included: a list of some is no closed set.
        if !cell.name.eq_ignore_ascii_case("select") {
            enum_values(&mut ty, &description);
            flag_of_values(&mut ty);
        }
        if ty.kind == Kind::Array(None) && typewords::lists_people_ids(&description) {
            ty.kind = Kind::array_of(Type::of(Kind::Integer));
        }
        if ty.default.is_none() {
            ty.default = crate::defaults::documented(&cell.name, &description, &ty);
        }
        // `[section[]](#section)`: the type is the structure this page documents under the
        // anchor, whatever the word would mean elsewhere (`section` is an id type).
        let real = typewords::meaningful(&words);
        if let ([anchor], [word]) = (anchors(type_cell).as_slice(), real.as_slice()) {
            // A plain `integer` linked to a note stays an integer.
            let structural = ty.doc_type.is_some()
                || matches!(ty.kind, Kind::Object { .. } | Kind::Array(_) | Kind::Any);
            if ty.kind.named().is_none() && structural {
                let object = Type::of(Kind::object());
                ty.kind = if word.ends_with("[]") {
                    Kind::array_of(object)
                } else {
                    object.kind
                };
                description = format!("{description} [](#{anchor})");
            }
        }
        // `select` (an array) links the fields it names: a list of their names.
        let names_fields =
            cell.name.eq_ignore_ascii_case("select") && matches!(ty.kind, Kind::Array(_));
        // A map whose values are a named type says so; a table the row also links (the
        // language ids of `{"lang_1": …}`) documents its keys, not its values.
        let map_of_named = ty.kind == Kind::object()
            && structure_named(&description, page.known).is_none()
            && map_value_type(&description, page.known).is_some();
        if matches!(ty.kind, Kind::Object { .. } | Kind::Array(_) | Kind::Any) && !map_of_named {
            if let Some(child) = child_table(page, table, &cell.name, &description, used) {
                used.insert(child.line);
                if names_fields {
                    ty.kind = Kind::array_of(Type::of(Kind::String));
                    fields.push(Field::new(cell.name, cell.required, ty));
                    continue;
                }
                let (mut fields, patterns) = fields_of(page, child, used, reasons);
                // The other tabs beside it (one table per kind of field) add their keys.
                for tab in other_tabs(page, child, used) {
                    used.insert(tab.line);
                    let (more, _) = fields_of(page, tab, used, reasons);
                    merge_tab(&mut fields, more);
                }
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
                } else if ty.kind == Kind::object() && keyed_objects(&description) {
                    // "Contains objects, each describing a [parameter](#property)": a map
                    // whose keys are names the caller picks.
                    Kind::map_of(Type::of(object))
                } else {
                    object
                };
            }
        }
        if ty.kind == Kind::object() {
            if let Some(named) = structure_named(&description, page.known) {
                // "The structure is described by the object [`type.relations`](…)".
                ty.kind = Kind::Named(named);
            } else if let Some(value) = map_value_type(&description, page.known) {
                // `{"field_1": …}` "where `value` is an object of type [rest_field_description]".
                ty.kind = Kind::map_of(Type::of(Kind::Named(value)));
            }
        }
        if cell.placeholder {
            patterns.push(KeyPattern {
                pattern: cell.name.clone(),
                ty,
            });
            continue;
        }
        crate::sorting::type_sort_object(&cell.name, &description, &mut ty);
        let name = flat.path_of(&cell.name, &ty);
        if !seen.insert(name.clone()) {
            reasons.push(format!(
                "`{}` is listed twice in one table; the first is kept",
                cell.name
            ));
            continue;
        }
        let required = cell.required && !required_only_sometimes(&description);
        if cell.required && !required {
            reasons.push(format!(
                "`{}`: required only under a condition the row states; optional here",
                cell.name
            ));
        }
        fields.push(Field::new(name, required, ty));
    }
    crate::rowpath::nest_paths(&mut fields);
    (fields, patterns)
}

/// The table documenting the fields of `name`: linked by anchor, or under a heading naming it
/// after `parent` (a parameter's sub-table above an answer's table is another object).
pub(crate) fn child_table<'p>(
    page: &'p Page<'_>,
    parent: &Table,
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
    // Unlinked, the table must be in the parent's own part of the page: a `MEMBERS` heading
    // in the answer's section documents the answer, not the parameter.
    let part_end = page
        .headings
        .iter()
        .rev()
        .find(|h| h.level <= 2 && h.line < parent.line)
        .map_or(page.lines.len(), |h| page.section(h).1);
    let after = |t: &&Table| t.line > parent.line && t.line < part_end;
    page.tables.iter().filter(free).filter(after).find(|t| {
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

/// The field tables of the other tabs of the `{% list tabs %}` block `table` is the first tab
/// of: one object whose keys depend on a kind (`SETTINGS` per field type).
fn other_tabs<'p>(page: &'p Page<'_>, table: &Table, used: &BTreeSet<usize>) -> Vec<&'p Table> {
    let directive = |i: usize, word: &str| {
        page.lines.get(i).is_some_and(|l| {
            let t = l.trim();
            t.starts_with("{%") && t.contains(word)
        })
    };
    // The block opens right before the table: only blank lines and the tab's bullet between.
    let opens = (0..table.line)
        .rev()
        .take_while(|&i| !directive(i, "endlist") && !page.lines[i].trim_start().starts_with("|#"))
        .find(|&i| directive(i, "list tabs"));
    let Some(start) = opens else {
        return Vec::new();
    };
    let end = (table.line..page.lines.len())
        .find(|&i| directive(i, "endlist"))
        .unwrap_or(page.lines.len());
    page.tables_in((start, end))
        .filter(|t| t.line != table.line && !used.contains(&t.line))
        .filter(|t| t.rows.first().is_some_and(|r| is_header(r)))
        .collect()
}

/// Adds a tab's fields to the first tab's. A key every tab types alike keeps its type (and
/// the values any tab documents); a key the tabs type differently is any value, with the docs'
/// words; a row without a type takes the other tab's.
pub(crate) fn merge_tab(fields: &mut Vec<Field>, more: Vec<Field>) {
    let untyped = |t: &Type| t.kind == Kind::Any && t.doc_type.is_none();
    for f in more {
        let Some(e) = fields.iter_mut().find(|e| e.name == f.name) else {
            fields.push(f);
            continue;
        };
        if untyped(&f.ty) {
            continue;
        }
        if untyped(&e.ty) {
            e.ty = f.ty;
        } else if e.ty.kind == f.ty.kind {
            // Values one tab documents and another leaves open are not a closed list.
            if f.ty.enum_values.is_empty() {
                e.ty.enum_values.clear();
            }
            for v in f.ty.enum_values {
                if !e.ty.enum_values.is_empty()
                    && !e.ty.enum_values.iter().any(|o| o.value == v.value)
                {
                    e.ty.enum_values.push(v);
                }
            }
        } else {
            let word = |t: &Type| {
                t.doc_type
                    .clone()
                    .unwrap_or_else(|| t.kind.name().to_owned())
            };
            let mut words: Vec<String> = word(&e.ty).split(" | ").map(str::to_owned).collect();
            if !words.contains(&word(&f.ty)) {
                words.push(word(&f.ty));
            }
            e.ty = Type::of(Kind::Any);
            e.ty.doc_type = Some(words.join(" | "));
        }
    }
}

/// Whether a row marked required says it is required only under a condition ("Required if
/// `DIALOG_ID` is not provided", "required only for webhooks"): a validator that always
/// demands it would refuse calls the server accepts.
fn required_only_sometimes(description: &str) -> bool {
    let d = description.to_lowercase();
    [
        "required if",
        "required only",
        "required when",
        "mandatory if",
        "mandatory when",
    ]
    .iter()
    .any(|w| d.contains(w))
}

/// The named type a row says its object's structure is ("The structure is described by the
/// object [`type.relations`](../data-types.md#typerelations)"), when that type is known.
fn structure_named(description: &str, known: &BTreeSet<String>) -> Option<String> {
    type_linked_after(
        description,
        &[
            "structure is described by the object",
            "structure is described by",
        ],
        known,
    )
}

/// The named type a row says each value of its map is ("`value` is an object of type
/// [rest_field_description](…)"), when that type is known.
fn map_value_type(description: &str, known: &BTreeSet<String>) -> Option<String> {
    type_linked_after(
        description,
        &["value` is an object of type", "value is an object of type"],
        known,
    )
}

/// The known type named by the link right after the first of `words` the text has.
fn type_linked_after(text: &str, words: &[&str], known: &BTreeSet<String>) -> Option<String> {
    let lower = text.to_lowercase();
    let at = words
        .iter()
        .find_map(|w| lower.find(w).map(|i| i + w.len()))?;
    let link = text.get(at..)?.trim_start().strip_prefix('[')?;
    let name = link[..link.find(']')?].trim_matches('`');
    known.contains(name).then(|| name.to_owned())
}

/// Whether a row says its object's values, not the object, are what the linked table
/// describes.
fn keyed_objects(description: &str) -> bool {
    let d = description.to_lowercase();
    !d.contains("array of objects")
        && [
            "objects, each describing",
            "objects, each of which describes",
            // "For each field, an object with a description is returned".
            "for each field, an object",
        ]
        .iter()
        .any(|w| d.contains(w))
}

/// Whether an `array` row whose elements a table describes holds a list of them: "array of
/// objects", "each element", or an array or list of things ("an array of vote questions",
/// "list of departments") — but not of fields, settings or values, nor one whose keys the
/// row names, which is how the docs speak of an associative array.
fn lists_objects(description: &str) -> bool {
    let d = description.to_lowercase();
    let said = [
        "array of objects",
        "array of structures",
        "list of objects",
        "each element",
        "elements of the array",
        "array of arrays",
    ]
    .iter()
    .any(|w| d.contains(w));
    // "… by sites, where the key is the site id": an associative array after all.
    let keyed = ["the key is", "keys are", "key — ", "keyed by"]
        .iter()
        .any(|w| d.contains(w));
    let of_things = !keyed
        && ["array of ", "list of "].iter().any(|lead| {
            d.find(lead).is_some_and(|at| {
                let entries = [
                    "field",
                    "setting",
                    "param",
                    "value",
                    "propert",
                    "key",
                    "data",
                    "description",
                ];
                let words: Vec<&str> = d[at + lead.len()..].split_whitespace().take(2).collect();
                !words.is_empty()
                    && !words
                        .iter()
                        .any(|w| entries.iter().any(|e| w.starts_with(e)))
            })
        });
    said || of_things
}

/// The values a row lists ([`listed_values`]), for a string or integer field or the items of
/// a list. A doc `enum` is integer when every listed value is one (`0` — not deleted, `3` —
/// in the trash), and stays loose when the row lists none (examples send such codes as
/// numbers and as text).
fn enum_values(ty: &mut Type, description: &str) {
    // A list's values are those of its items (`BYDAY`: `SU`, `MO`, …); an untyped list's
    // items are what its values are, unless the row speaks of objects, options, keys or
    // fields (it then lists names of keys, not values).
    match &mut ty.kind {
        Kind::Array(Some(item)) => {
            if item.enum_values.is_empty() && matches!(item.kind, Kind::Integer | Kind::String) {
                enum_values(item, description);
            }
            return;
        }
        Kind::Array(None)
            if !["object", "option", "key", "field", "param"]
                .iter()
                .any(|w| description.to_lowercase().contains(w)) =>
        {
            let listed = listed_values(description);
            // `isExisting => true/false` describes a key, not a value.
            if listed
                .iter()
                .any(|(v, _)| v.is_empty() || v.contains(char::is_whitespace))
            {
                return;
            }
            let integers = listed.iter().all(|(v, _)| v.parse::<i64>().is_ok());
            let mut item = Type::of(if integers {
                Kind::Integer
            } else {
                Kind::String
            });
            enum_values(&mut item, description);
            if !item.enum_values.is_empty() {
                ty.kind = Kind::array_of(item);
            }
            return;
        }
        _ => {}
    }
    if ty.doc_type.as_deref() == Some("enum") && ty.kind == Kind::Any {
        let bullets = listed_values(description);
        if bullets.len() < 2 {
            return;
        }
        ty.kind = if bullets.iter().all(|(v, _)| v.parse::<i64>().is_ok()) {
            Kind::Integer
        } else {
            Kind::String
        };
    }
    let integer = match ty.kind {
        Kind::Integer => true,
        Kind::String => false,
        _ => return,
    };
    let bullets = listed_values(description);
    if bullets.len() < 2 {
        return;
    }
    // `chatXXX`, `SG{id}`, `<LINE_ID>`: the list shows formats of one free value, not a set.
    // A list with a list inside names keys, each with values of its own (user.search
    // FILTER: `USER_TYPE` — `employee`, `extranet`), not the values of this field.
    if bullets.iter().any(|(v, _)| is_placeholder(v)) || has_nested_bullets(description) {
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

/// The values `Y` and `N` alone make a field a flag, as they do `char` and `boolean` rows. A
/// list of them stays a list of the two strings (`yn` is a field's wire form, not an item's).
fn flag_of_values(ty: &mut Type) {
    let flag = |e: &EnumValue| matches!(&e.value, EnumLiteral::Str(s) if s == "Y" || s == "N");
    if ty.kind == Kind::String && ty.enum_values.len() == 2 && ty.enum_values.iter().all(flag) {
        ty.doc_type.get_or_insert_with(|| "string".to_owned());
        ty.kind = Kind::Yn;
        ty.enum_values.clear();
    }
}

/// Whether a bullet list in `description` holds a list inside: an item that ends in a colon
/// ("`USER_TYPE` — it takes the values:") with items after it. Tables lose indentation, so
/// the colon is what tells.
fn has_nested_bullets(description: &str) -> bool {
    let items: Vec<&str> = description
        .lines()
        .map(str::trim)
        .filter(|t| t.starts_with("- ") || t.starts_with("* "))
        .collect();
    items
        .iter()
        .rev()
        .skip(1)
        .any(|item| item.trim_end().ends_with(':'))
}

/// Whether a listed value is a pattern with a part to fill in (`chatXXX`, `INV-{NUMBER}`,
/// `<CONNECTOR_ID>`, `# rub.`) rather than a value sent as it stands.
fn is_placeholder(value: &str) -> bool {
    let angle = value.find('<').is_some_and(|open| {
        value[open + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && value[open..].contains('>')
    });
    // `chatXXX`, `L_XX` (a part of X's between underscores): a part to fill in.
    let filled = value.contains("XXX")
        || value
            .split('_')
            .any(|part| part.len() >= 2 && part.chars().all(|c| c == 'X'));
    filled
        || (value.contains('{') && value.contains('}'))
        || angle
        || (value.contains('#') && value.contains(' '))
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

#[cfg(test)]
#[path = "fieldtable_tests.rs"]
mod tests;
