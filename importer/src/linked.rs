//! Object parameters whose fields are documented on another page: a `fields` row that says
//! "see [the invoice fields](./crm-invoice-recurring-fields.md)" or links `./rpa-type-add.md`.
//!
//! The linked page describes the entity, not this call, so its fields are adopted as optional,
//! except by the method that creates the entity (`*.add`), which requires what the page marks
//! required.
//! `filter`, `order` and `select` link to field pages too, but their keys carry operators and
//! directions, so they keep their loose type.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::Path;

use bitrix_spec::{Field, KeyPattern, Kind};

use crate::cell::name_cell;
use crate::fieldtable;
use crate::page::Page;
use crate::text;
use crate::yfm::Table;

/// A parameter object whose fields, all optional here, another page documents.
#[derive(Debug, Clone)]
pub(crate) struct LinkedParam {
    /// The keys from the parameters down to the object (`fields`, `ADDITIONAL_FIELDS`).
    pub(crate) path: Vec<String>,
    /// The page, relative to the docs root.
    pub(crate) source: String,
}

/// Gives every object parameter of `page` without documented fields, at any depth of the
/// parameter tables (`fields.ADDITIONAL_FIELDS`), the fields its row links; returns those
/// whose fields are all optional here, for [`crate::linked_entities`].
pub(crate) fn resolve(
    root: &Path,
    rel: &str,
    page: &Page<'_>,
    params: &mut [Field],
    creates: bool,
    reasons: &mut Vec<String>,
) -> Vec<LinkedParam> {
    let Some(table) = fieldtable::param_table(page, &mut Vec::new()) else {
        return Vec::new();
    };
    let cx = Cx {
        root,
        rel,
        page,
        creates,
        found: RefCell::new(Vec::new()),
    };
    cx.rows(table, params, &[], 0, reasons);
    cx.found.into_inner()
}

/// What every level of the walk shares.
struct Cx<'a, 'p> {
    root: &'a Path,
    rel: &'a str,
    page: &'a Page<'p>,
    creates: bool,
    /// The linked objects found so far.
    found: RefCell<Vec<LinkedParam>>,
}

/// Nested tables deeper than this are not followed (the docs nest three at most).
const MAX_DEPTH: usize = 4;

impl Cx<'_, '_> {
    /// The rows of `table`, documenting `fields` (at `path`).
    fn rows(
        &self,
        table: &Table,
        fields: &mut [Field],
        path: &[String],
        depth: usize,
        reasons: &mut Vec<String>,
    ) {
        for row in &table.rows {
            let Some(cell) = row.first().and_then(|c| name_cell(c)) else {
                continue;
            };
            let Some(field) = fields.iter_mut().find(|p| p.name == cell.name) else {
                continue;
            };
            if fieldtable::NOT_FIELD_SETS
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&cell.name))
            {
                continue;
            }
            let description = row[1..].join("\n");
            let here: Vec<String> = path.iter().chain([&cell.name]).cloned().collect();
            // The docs call associative arrays `array`; one without an item type may be a
            // field set.
            let inner = match &mut field.ty.kind {
                Kind::Object { fields, patterns } if fields.is_empty() && patterns.is_empty() => {
                    None
                }
                Kind::Any | Kind::Array(None) => None,
                Kind::Object { fields, .. } => Some(fields),
                Kind::Array(Some(item)) => match item.fields_mut() {
                    Some(fields) => Some(fields),
                    None => continue,
                },
                _ => continue,
            };
            match inner {
                // A documented structure: its own table may link fields further down.
                Some(inner) => {
                    if depth >= MAX_DEPTH {
                        continue;
                    }
                    let child = fieldtable::child_table(
                        self.page,
                        table,
                        &cell.name,
                        &description,
                        &BTreeSet::new(),
                    );
                    if let Some(child) = child {
                        self.rows(child, inner, &here, depth + 1, reasons);
                    }
                }
                None => self.link(field, &here, &description, reasons),
            }
        }
    }

    /// Gives the loose `field` the fields its row's description links, if any.
    fn link(
        &self,
        field: &mut Field,
        path: &[String],
        description: &str,
        reasons: &mut Vec<String>,
    ) {
        let here = path.join(".");
        // `{"field_1": "value_1", …}`, "the list of keys is not fixed": a map whose keys are
        // named elsewhere, not a structure.
        let lower = description.to_lowercase();
        let free_keys = [
            "field_1",
            "field_n",
            "keys is not fixed",
            "set of keys depends",
        ];
        if free_keys.iter().any(|k| lower.contains(k)) {
            return;
        }
        for (target, anchor) in page_links(description) {
            let Some(Linked {
                mut fields,
                patterns,
                source,
                read_only,
                ..
            }) = fields_at(
                self.root,
                self.rel,
                &target,
                anchor.as_deref(),
                &field.name,
                self.page,
            )
            else {
                continue;
            };
            // A call cannot set what the page says is read-only (`ID`, `DATE_CREATE`).
            let before = fields.len();
            fields.retain(|f| !read_only.contains(&f.name));
            let left_out = match before - fields.len() {
                0 => String::new(),
                n => format!(", {n} read-only left out"),
            };
            let required = fields.iter().filter(|f| f.required).count();
            let rule = if self.creates && required > 0 {
                format!("{required} required, as that page marks them, for creating")
            } else {
                all_optional(&mut fields);
                self.found.borrow_mut().push(LinkedParam {
                    path: path.to_vec(),
                    source,
                });
                "none required here".to_owned()
            };
            reasons.push(format!(
                "`{here}`: {} fields from {target}{}{left_out}, {rule}",
                fields.len(),
                anchor.map(|a| format!("#{a}")).unwrap_or_default()
            ));
            field.ty.kind = Kind::Object { fields, patterns };
            return;
        }
    }
}

/// Local `.md` links of a cell, with their anchors; data-type and how-to pages, and overview
/// pages without an anchor, are not field lists.
pub(crate) fn page_links(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let end = after.find(')').unwrap_or(after.len());
        let target = &after[..end];
        rest = &after[end..];
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a.to_owned())),
            None => (target, None),
        };
        let local = !path.contains("://") && path.ends_with(".md");
        // An overview page (`index.md`) is no field list, but a table on it that the link's
        // anchor names is.
        let field_list = !path.contains("data-types")
            && !path.contains("how-to")
            && (!path.ends_with("index.md") || anchor.is_some());
        if local && field_list {
            out.push((path.to_owned(), anchor));
        }
    }
    out
}

/// Fields documented on another page, and where.
#[derive(Debug)]
pub(crate) struct Linked {
    /// The fields, as that page documents them.
    pub(crate) fields: Vec<Field>,
    /// Keys that are patterns (`UF_*` custom fields), as that page documents them.
    pub(crate) patterns: Vec<KeyPattern>,
    /// The page, relative to the docs root.
    pub(crate) source: String,
    /// The heading over the table: the anchor's, else the page's title.
    pub(crate) title: String,
    /// Top-level fields the page says cannot be written ("Read-only", or "No" under "Write").
    pub(crate) read_only: BTreeSet<String>,
}

/// The fields the link documents: the table under the anchor; or the same-named parameter of
/// a sibling method's page; or the first field table of a page about the fields.
pub(crate) fn fields_at(
    root: &Path,
    rel: &str,
    target: &str,
    anchor: Option<&str>,
    name: &str,
    from: &Page<'_>,
) -> Option<Linked> {
    let path = text::resolve(root, &root.join(rel), target);
    let content = text::load(root, &path)?;
    let linked = Page::new(&content, from.known);
    let source = path
        .strip_prefix(root)
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/");
    let mut title = linked
        .headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| h.title.clone())
        .unwrap_or_default();
    let mut ignored = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    let field_table =
        |t: &&crate::yfm::Table| t.rows.first().is_some_and(|r| fieldtable::is_header(r));
    let tables: Vec<&Table> = match anchor {
        Some(anchor) => {
            let heading = linked
                .headings
                .iter()
                .find(|h| h.anchor.as_deref() == Some(anchor))?;
            title.clone_from(&heading.title);
            vec![linked
                .tables_in(linked.section(heading))
                .find(field_table)?]
        }
        None => {
            // A sibling method of the same entity (`rpa.type.update` → `rpa-type-add.md`)
            // documents the same parameter.
            if siblings(rel, target) {
                if let Some(params) = fieldtable::param_table(&linked, &mut ignored) {
                    let (fields, _) =
                        fieldtable::fields_of(&linked, params, &mut used, &mut ignored);
                    let same = fields
                        .into_iter()
                        .find(|f| f.name.eq_ignore_ascii_case(name));
                    if let Some(Kind::Object { fields, patterns }) = same.map(|f| f.ty.kind) {
                        if !fields.is_empty() {
                            return Some(Linked {
                                fields,
                                patterns,
                                source,
                                title,
                                read_only: BTreeSet::new(),
                            });
                        }
                    }
                }
            }
            // A page of its own about the entity's fields (`crm-invoice-recurring-fields.md`).
            if !target.ends_with("fields.md") {
                return None;
            }
            let params = linked.find_section(2, &["parameter"], &["return", "error"]);
            let answer = linked.find_section(2, &["return", "response"], &["error"]);
            let tables: Vec<&Table> = linked.tables.iter().filter(field_table).collect();
            // A table under an anchored heading is an object of its own that the others
            // link (`## Object group {#group}`), or one entity of several (`### Deal {#deal}`).
            let topics = tables.len() > 1
                && tables.iter().all(|t| {
                    linked
                        .heading_of(t)
                        .is_some_and(|h| h.level > 1 && h.anchor.is_none())
                });
            if params.is_none() && answer.is_none() && topics {
                // An article about the fields, not a method's page, with a table per topic
                // (`additional-fields.md`): each lists some of them.
                tables
            } else {
                // The first field table that is not in the parameters section of a fields
                // method.
                let params = params.unwrap_or((0, 0));
                vec![*tables
                    .iter()
                    .find(|t| t.line < params.0 || t.line >= params.1)?]
            }
        }
    };
    used.extend(tables.iter().map(|t| t.line));
    let read_only = tables.iter().flat_map(|t| read_only_rows(t)).collect();
    let mut fields: Vec<Field> = Vec::new();
    let mut patterns: Vec<KeyPattern> = Vec::new();
    for table in tables {
        let (more, their_patterns) = fieldtable::fields_of(&linked, table, &mut used, &mut ignored);
        fieldtable::merge_tab(&mut fields, more);
        for p in their_patterns {
            if !patterns.iter().any(|known| known.pattern == p.pattern) {
                patterns.push(p);
            }
        }
    }
    let fields = without_envelope(fields)?;
    (!fields.is_empty()).then_some(Linked {
        fields,
        patterns,
        source,
        title,
        read_only,
    })
}

/// The names of the rows of `table` that cannot be written: a sentence of the description is
/// just "Read-only" ("Identifier. Read-only", "Read-only. Possible values:"), or the row says
/// "No" in a "Write" column. A field *about* read-only-ness ("Read-only indicator") is not one.
fn read_only_rows(table: &Table) -> Vec<String> {
    let header = table.rows.first();
    let write_column = header.and_then(|h| {
        h.iter()
            .position(|c| c.trim().trim_matches('*').eq_ignore_ascii_case("write"))
    });
    let says_read_only = |description: &str| {
        description
            .split(['.', '\n', ','])
            .any(|sentence| sentence.trim().eq_ignore_ascii_case("read-only"))
    };
    table
        .rows
        .iter()
        .skip(1)
        .filter_map(|row| {
            let cell = name_cell(row.first()?)?;
            let by_column = write_column
                .and_then(|i| row.get(i))
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("no"));
            let described = row.get(1).is_some_and(|d| says_read_only(d));
            (by_column || described).then_some(cell.name)
        })
        .collect()
}

/// The fields of `result` when the table is an answer's (`result` beside `time`): a fields
/// page documents the entity inside its answer. `None` for an answer whose `result` has no
/// fields of its own: it documents no entity.
fn without_envelope(fields: Vec<Field>) -> Option<Vec<Field>> {
    let result = fields.iter().find(|f| f.name == "result");
    let inner = result.map(|r| match r.ty.items() {
        Some(item) => item.fields(),
        None => r.ty.fields(),
    });
    match inner {
        Some(inner)
            if fields
                .iter()
                .all(|f| f.name == "result" || fieldtable::is_envelope(f)) =>
        {
            (!inner.is_empty()).then(|| inner.to_vec())
        }
        _ => Some(fields),
    }
}

/// `…/rpa-type-update.md` and `./rpa-type-add.md`: the same folder and entity, another action.
fn siblings(rel: &str, target: &str) -> bool {
    let entity = |path: &str| {
        let file = path
            .rsplit('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".md")
            .to_owned();
        file.rsplit_once('-').map(|(e, _)| e.to_owned())
    };
    let same_folder = !target.trim_start_matches("./").contains('/');
    same_folder && entity(rel).is_some() && entity(rel) == entity(target)
}

/// Makes every field, at every depth, optional: the fields describe an entity, not this call.
pub(crate) fn all_optional(fields: &mut [Field]) {
    for f in fields {
        f.required = false;
        match &mut f.ty.kind {
            Kind::Object { fields, .. } => all_optional(fields),
            Kind::Array(Some(item)) => {
                if let Some(fields) = item.fields_mut() {
                    all_optional(fields);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "linked_tests.rs"]
mod tests;
