//! The returned-data table of a method page → the type of `result`: the `result` row with its
//! nested tables (by anchor or heading), the rows beside it that describe its keys, and fields
//! documented on another page that a row links (`deal[]` → `crm-deal-get.md#deal`,
//! `./fields.md`).

use std::path::Path;

use bitrix_spec::{Field, Kind, Type};

use super::{is_typed, main_object, Step};
use crate::cell::{code_spans, name_cell};
use crate::fieldtable;
use crate::linked::{self, Linked};
use crate::page::Page;
use crate::text;

/// What the returned-data table says.
pub(crate) struct FromTable {
    /// The type of `result`.
    pub(crate) ty: Type,
    /// An object whose fields another page documents, and where it sits in `ty`.
    pub(crate) linked: Option<(Vec<Step>, Linked)>,
    /// Whether the table has a `result` row (else its rows are the keys of `result`).
    pub(crate) has_result_row: bool,
    /// Whether the `result` row says it may be `null` or `false` instead ("returns `false` if
    /// the user has no access to the chat").
    pub(crate) may_be_absent: bool,
}

/// The returned-data section: `### Returned Data` and its spellings (SURVEY.md §2).
pub(crate) fn section(page: &Page<'_>) -> Option<(usize, usize)> {
    page.find_section(
        3,
        &["returned", "result", "success", "fields returned"],
        &["error"],
    )
}

/// Reads the first field table of the returned-data section; `None` when there is none.
/// `depth` 0 follows links to other method pages; their own links are not followed.
pub(crate) fn read(root: &Path, rel: &str, page: &Page<'_>, depth: u8) -> Option<FromTable> {
    let range = section(page)?;
    let table = page.tables_in(range).find(|t| {
        t.rows.first().is_some_and(|r| {
            fieldtable::is_header(r) || r.first().and_then(|c| name_cell(c)).is_some()
        })
    })?;
    let mut used = std::collections::BTreeSet::from([table.line]);
    let (fields, patterns) = fieldtable::fields_of(page, table, &mut used, &mut Vec::new());
    // Each row's whole text, for the links it holds.
    let rows: Vec<(String, String)> = table
        .rows
        .iter()
        .filter_map(|r| {
            let cell = r.first().and_then(|c| name_cell(c))?;
            Some((cell.name, r.join("\n")))
        })
        .collect();
    // A list row's text includes its element row's (`items[]` links the element's fields).
    let row_text = |name: &str| {
        let element = format!("{name}[]");
        rows.iter()
            .filter(|(n, _)| n == name || *n == element)
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let result = fields.iter().find(|f| f.name == "result").cloned();
    let mut others: Vec<Field> = fields
        .into_iter()
        .filter(|f| f.name != "result" && !fieldtable::is_envelope(f))
        .collect();
    let mut linked = None;
    let has_result_row = result.is_some();
    let may_be_absent = has_result_row && says_may_be_absent(&row_text("result"));
    let ty = match result {
        Some(r) if is_typed(&r.ty) => r.ty,
        Some(r) if others.is_empty() && patterns.is_empty() => {
            let mut ty = r.ty;
            let text = &row_text("result");
            if let Some(map) = field_map(text, page) {
                ty = map;
            } else if ty.kind == Kind::object() && says_keyed_map(text) {
                ty = keyed_map();
            } else if let Some((ty_linked, l)) = follow(root, rel, page, &ty, text, "result", depth)
            {
                ty = ty_linked;
                let step = ty.items().map(|_| vec![Step::Items]).unwrap_or_default();
                linked = Some((step, l));
            }
            ty
        }
        // The rows beside a loose `result` are its keys (`result` → `measure`, `items`).
        result => {
            for f in &mut others {
                if is_typed(&f.ty) || linked.is_some() {
                    continue;
                }
                let text = &row_text(&f.name);
                if f.ty.kind == Kind::object() && says_keyed_map(text) {
                    f.ty.kind = keyed_map().kind;
                    continue;
                }
                if let Some((ty, l)) = follow(root, rel, page, &f.ty, text, &f.name, depth) {
                    let mut path = vec![Step::Field(f.name.clone())];
                    if ty.items().is_some() {
                        path.push(Step::Items);
                    }
                    f.ty = ty;
                    linked = Some((path, l));
                }
            }
            let object = Type::of(Kind::Object {
                fields: others,
                patterns: patterns.clone(),
            });
            match result.map(|r| r.ty.kind) {
                Some(Kind::Array(_)) => {
                    if let Some((path, _)) = &mut linked {
                        path.insert(0, Step::Items);
                    }
                    Type::of(Kind::array_of(object))
                }
                _ => object,
            }
        }
    };
    Some(FromTable {
        ty,
        linked,
        has_result_row,
        may_be_absent,
    })
}

/// The fields a row's links document, as an object (or a list of them when the row says so).
fn follow(
    root: &Path,
    rel: &str,
    page: &Page<'_>,
    ty: &Type,
    text: &str,
    name: &str,
    depth: u8,
) -> Option<(Type, Linked)> {
    for (target, anchor) in linked::page_links(text) {
        let found =
            linked::fields_at(root, rel, &target, anchor.as_deref(), name, page).or_else(|| {
                (depth == 0)
                    .then(|| method_result(root, rel, &target, page))
                    .flatten()
            });
        // The docs' required flags stay: generated result types read every field as optional.
        let Some(l) = found else {
            continue;
        };
        let object = Type::of(Kind::Object {
            fields: l.fields.clone(),
            patterns: l.patterns.clone(),
        });
        let lower = text.to_lowercase();
        let list = matches!(ty.kind, Kind::Array(_))
            || lower.contains("array of")
            || lower.contains("list of");
        let ty = if list {
            Type::of(Kind::array_of(object))
        } else {
            object
        };
        return Some((ty, l));
    }
    None
}

/// The entity a linked method page answers with ("see [`crm.lead.get`](./crm-lead-get.md)"):
/// the object of its returned-data table.
fn method_result(root: &Path, rel: &str, target: &str, from: &Page<'_>) -> Option<Linked> {
    let path = text::resolve(root, &root.join(rel), target);
    let content = text::load(root, &path)?;
    let linked = Page::new(&content, from.known);
    let source = path
        .strip_prefix(root)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    let ty = read(root, &source, &linked, 1)?.ty;
    let path = main_object(&ty, false)?;
    let object = path.iter().try_fold(&ty, |t, step| match step {
        Step::Items => t.items(),
        Step::Field(k) => t.fields().iter().find(|f| f.name == *k).map(|f| &f.ty),
    })?;
    let title = linked
        .headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| h.title.clone())
        .unwrap_or_default();
    Some(Linked {
        fields: object.fields().to_vec(),
        patterns: object.patterns().to_vec(),
        source,
        title,
        read_only: Default::default(),
    })
}

/// Whether a row describes its object as a map whose keys are data, not field names ("where
/// the key is the user ID", "an object of the form `connector_id: connector_name`").
fn says_keyed_map(text: &str) -> bool {
    let lower = text.to_lowercase();
    let form = code_spans(text).iter().any(|s| {
        s.split_once(':').is_some_and(|(k, v)| {
            let word = |w: &str| {
                let w = w.trim();
                !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            };
            word(k) && word(v) && !k.trim().chars().all(|c| c.is_ascii_digit())
        })
    });
    form || ["where the key is", "the key is the", "keys are the"]
        .iter()
        .any(|w| lower.contains(w))
}

/// Whether a `result` row names `null` or `false` as an answer of its own, in its type cell
/// (`object` or `null`) or its description ("on error = `null`").
/// A row that also names `true` speaks of a flag's values, not of the answer.
fn says_may_be_absent(text: &str) -> bool {
    let spans = code_spans(text);
    let says = |word: &str| spans.iter().any(|s| s.trim() == word);
    (says("null") || says("false")) && !says("true")
}

/// Whether a sentence of the response section, outside its tables and examples, says the
/// answer may be `null` or `false` instead ("Returns `{ success: true }` if the blocks are
/// deleted, otherwise `null`").
pub(crate) fn prose_says_may_be_absent(page: &Page<'_>) -> bool {
    let Some((start, end)) = page.find_section(2, &["response"], &["error"]) else {
        return false;
    };
    let (mut in_example, mut in_table) = (false, false);
    page.lines[start..end].iter().any(|line| {
        let line = line.trim();
        if text::is_fence(line) {
            in_example = !in_example;
        } else if !in_example && line.starts_with("#|") {
            in_table = true;
        } else if !in_example && line.starts_with("|#") {
            in_table = false;
            return false;
        }
        let lower = line.to_lowercase();
        let about_answer = lower.starts_with("return") || lower.contains("otherwise");
        !in_example && !in_table && about_answer && says_may_be_absent(line)
    })
}

/// A map with any keys whose values the response example types (see `reconcile`).
fn keyed_map() -> Type {
    Type::of(Kind::map_of(Type::of(Kind::Any)))
}

/// `{field_1: value_1, …}` where each value is a documented named type
/// (`crm_rest_field_description`): a map of that type under the `*` pattern.
fn field_map(text: &str, page: &Page<'_>) -> Option<Type> {
    if !(text.contains("field_1") || text.contains("field_n") || text.contains("field_N")) {
        return None;
    }
    let named = code_spans(text)
        .into_iter()
        .chain(anchors(text))
        .find(|w| page.known.contains(w))?;
    Some(Type::of(Kind::map_of(Type::of(Kind::Named(named)))))
}

/// Anchors of links (`…/data-types.md#crm_rest_field_description`).
fn anchors(text: &str) -> Vec<String> {
    text.split("](")
        .skip(1)
        .filter_map(|s| {
            let target = &s[..s.find(')').unwrap_or(s.len())];
            target.split_once('#').map(|(_, a)| a.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn response_prose_that_says_the_answer_may_be_null() {
        let known = std::collections::BTreeSet::new();
        let page = |body: &str| {
            format!("# M\n\n## Response Handling\n\n{body}\n\n## Error Handling\n\nNone.\n")
        };
        let says = |body: &str| {
            let text = page(body);
            super::prose_says_may_be_absent(&crate::page::Page::new(&text, &known))
        };
        assert!(says(
            "Returns `{ success: true }` if the blocks are deleted, otherwise `null`."
        ));
        // Examples, table rows and sentences about something else do not count.
        assert!(!says("```json\n{\"result\": null}\n```"));
        assert!(!says(
            "#|\n|| **result**\n[`object`](x.md) | The deal, otherwise `null` ||\n|#"
        ));
        // A line of a cell that runs over several lines is still the table's.
        assert!(!says(
            "#|\n|| **MODE**\n[`string`](x.md) | Mode:\n- `N` — otherwise `null`\n||\n|#"
        ));
        assert!(!says("The `null` value of a field means it is not set."));
        assert!(!says("Returns `true` on success, otherwise `false`."));
    }

    #[test]
    fn result_rows_that_say_the_answer_may_be_null_or_false() {
        for text in [
            "[`object`](../data-types.md) | Root element. Returns `false` if the user has no access",
            "[`object`](../data-types.md) or `null` | If there is no transcription, `null`",
            "[`object`](../data-types.md) | On success, an object with `id`; on error = `null`",
        ] {
            assert!(super::says_may_be_absent(text), "{text}");
        }
        for text in [
            "[`object`](../data-types.md) | Root element of the response",
            "[`array`](../data-types.md) | `isExisting => true/false` for each method",
            "[`object`](../data-types.md) | Flags such as `ACTIVE` (`true`/`false` strings)",
        ] {
            assert!(!super::says_may_be_absent(text), "{text}");
        }
    }

    #[test]
    fn rows_that_describe_a_map_keyed_by_data() {
        for text in [
            "An object of the form `connector_id: connector_name` for available connectors",
            "An object where the key is the voice identifier and the value is its name",
            "Keys are the codes of the regions",
        ] {
            assert!(super::says_keyed_map(text), "{text}");
        }
        for text in [
            "Information about the request execution time",
            "Time in the format `12:30`",
            "See `a: b c`",
        ] {
            assert!(!super::says_keyed_map(text), "{text}");
        }
    }
}
