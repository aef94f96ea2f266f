//! Named types of the data-types pages (`api-reference/data-types.md` and the module ones):
//! structures (a heading naming the type over a field table) and identifier types (rows of a
//! `Type | Description` table: integer or string references).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bitrix_spec::{Kind, NamedType, Type};

use crate::cell::code_spans;
use crate::fieldtable::fields_of;
use crate::page::Page;
use crate::text::{self, Heading};

/// Every `data-types.md` under `api-reference`, the general one first.
fn pages(docs: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.file_name().is_some_and(|n| n == "data-types.md") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&docs.join("api-reference"), &mut out);
    out.sort_by_key(|p| (p.components().count(), p.clone()));
    out
}

fn is_type_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && !Kind::is_primitive_name(s)
        && !matches!(
            s,
            "string"
                | "integer"
                | "boolean"
                | "double"
                | "text"
                | "char"
                | "enum"
                | "function"
                | "callable"
        )
}

/// The type a heading names: its anchor when that is an identifier, else a single-token title,
/// else the title's last token when it looks like a type name (`… crm_rest_field_description`).
fn heading_name(h: &Heading) -> Option<String> {
    if let Some(a) = h.anchor.as_deref().filter(|a| is_type_name(a)) {
        return Some(a.to_owned());
    }
    let title = h.title.trim_matches('`');
    if is_type_name(title) {
        return Some(title.to_owned());
    }
    h.title
        .split_whitespace()
        .last()
        .map(|t| t.trim_matches('`'))
        .filter(|t| is_type_name(t) && t.contains('_'))
        .map(str::to_owned)
}

/// Names first (so structures can refer to each other), then the types.
pub fn import(docs: &Path) -> BTreeMap<String, NamedType> {
    let texts: Vec<(String, String)> = pages(docs)
        .into_iter()
        .filter_map(|p| {
            let rel = p
                .strip_prefix(docs)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some((rel, text::load(docs, &p)?))
        })
        .collect();
    let empty = BTreeSet::new();
    let mut known = BTreeSet::new();
    for (_, text) in &texts {
        let page = Page::new(text, &empty);
        known.extend(structures(&page).into_iter().map(|(name, _, _)| name));
        known.extend(identifiers(&page).into_keys());
    }
    let mut out: BTreeMap<String, NamedType> = BTreeMap::new();
    for (rel, text) in &texts {
        let page = Page::new(text, &known);
        let url = format!(
            "https://apidocs.bitrix24.com/{}.html",
            rel.trim_end_matches(".md")
        );
        for (name, h, table) in structures(&page) {
            let mut used = BTreeSet::from([table]);
            let t = page
                .tables
                .iter()
                .find(|t| t.line == table)
                .expect("found above");
            let (fields, patterns) = fields_of(&page, t, &mut used, &mut Vec::new());
            let ty = Type::of(Kind::Object { fields, patterns });
            // Two sections may define one name differently (`rest_field_description` of
            // catalog and of sale): the later one is its section's (`sale_…`), and
            // [`prefer_local`] points that section's methods at it.
            let name = match (out.get(&name), section(rel)) {
                (Some(first), Some(section)) if first.ty != ty => format!("{section}_{name}"),
                _ => name,
            };
            out.entry(name.clone())
                .or_insert_with(|| named(&name, &h.title, &url, h.anchor.as_deref(), rel, ty));
        }
        for (name, kind) in identifiers(&page) {
            out.entry(name.clone())
                .or_insert_with(|| named(&name, &name, &url, None, rel, Type::of(kind)));
        }
    }
    out
}

/// The section of a page (`sale` of `api-reference/sale/data-types.md`); none for the
/// general data-types page.
fn section(rel: &str) -> Option<&str> {
    let mut parts = rel.strip_prefix("api-reference/")?.split('/');
    let section = parts.next()?;
    parts.next().is_some().then_some(section)
}

/// Points the methods of a section at the section's own definition of a name another section
/// defines too (`sale.status.getfields` → `sale_rest_field_description`).
pub(crate) fn prefer_local(import: &mut crate::Import) {
    let local: Vec<(String, String, String)> = import
        .types
        .values()
        .filter_map(|t| {
            let section = section(&t.source)?;
            let base = t.name.strip_prefix(section)?.strip_prefix('_')?;
            let own_page = t.source == format!("api-reference/{section}/data-types.md");
            (own_page && import.types.contains_key(base))
                .then(|| (section.to_owned(), base.to_owned(), t.name.clone()))
        })
        .collect();
    for (section, base, name) in local {
        let prefix = format!("api-reference/{section}/");
        for m in import.methods.values_mut() {
            if m.source.starts_with(&prefix) {
                m.params
                    .iter_mut()
                    .for_each(|f| crate::results::entity::rename_in(&mut f.ty, &base, &name));
                crate::results::entity::rename_in(&mut m.result, &base, &name);
            }
        }
    }
}

fn named(
    name: &str,
    title: &str,
    url: &str,
    anchor: Option<&str>,
    rel: &str,
    ty: Type,
) -> NamedType {
    NamedType {
        name: name.to_owned(),
        title: title.to_owned(),
        doc_url: anchor.map_or_else(|| url.to_owned(), |a| format!("{url}#{a}")),
        source: rel.to_owned(),
        ty,
    }
}

/// `(name, heading, table line)` of every heading that names a type over a field table.
fn structures<'p>(page: &'p Page<'_>) -> Vec<(String, &'p Heading, usize)> {
    let mut out = Vec::new();
    for h in &page.headings {
        let Some(name) = heading_name(h) else {
            continue;
        };
        let section = page.section(h);
        let first = page
            .headings
            .iter()
            .find(|o| o.line > h.line)
            .map_or(section.1, |o| o.line);
        let Some(table) = page.tables_in((section.0, first)).next() else {
            continue;
        };
        let has_fields = table
            .rows
            .iter()
            .skip(1)
            .any(|r| r.first().is_some_and(|c| c.trim_start().starts_with("**")));
        if has_fields {
            out.push((name, h, table.line));
        }
    }
    out
}

/// Identifier types of `Type | Description` tables: `integer` or `string` references.
fn identifiers(page: &Page<'_>) -> BTreeMap<String, Kind> {
    let mut out = BTreeMap::new();
    for t in &page.tables {
        let Some(header) = t.rows.first() else {
            continue;
        };
        if !header
            .first()
            .is_some_and(|c| c.to_lowercase().contains("**type**"))
        {
            continue;
        }
        for row in &t.rows[1..] {
            let Some(name) = row.first().and_then(|c| code_spans(c).into_iter().next()) else {
                continue;
            };
            let description = row.get(1).map(|d| d.to_lowercase()).unwrap_or_default();
            let kind = if description.contains("integer identifier") {
                Kind::Integer
            } else if description.contains("string identifier")
                || description.contains("string value")
            {
                Kind::String
            } else {
                continue;
            };
            if is_type_name(&name) {
                out.insert(name, kind);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::fs;

    use bitrix_spec::{Kind, Version};

    #[test]
    fn a_name_two_sections_define_differently_is_each_sections_own() {
        let root = std::env::temp_dir().join(format!("b24-datatypes-{}", std::process::id()));
        let types = |value: &str| {
            format!("# Types\n\n### rest_field_description {{#rest_field_description}}\n\n#|\n|| **Value**\n`type` | **Description** ||\n|| **type**\n[`string`](../data-types.md) | Type. Possible values:\n- `integer`\n- `{value}`\n||\n|#\n")
        };
        for (section, value) in [
            ("catalog", "productpropertysettings"),
            ("sale", "productproperty"),
        ] {
            let dir = root.join("api-reference").join(section);
            fs::create_dir_all(dir.join("thing")).unwrap();
            fs::write(dir.join("data-types.md"), types(value)).unwrap();
            let page = format!("# Fields {section}.thing.getfields\n\n> Scope: [`{section}`](../scopes.md)\n\nThe method `{section}.thing.getfields` gives fields.\n\n## Method Parameters\n\nNo parameters.\n\n## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **result**\n[`rest_field_description[]`](../data-types.md#rest_field_description) | Fields ||\n|#\n\n## Error Handling\n\nNone.\n");
            fs::write(dir.join("thing/thing-getfields.md"), page).unwrap();
        }
        let import = crate::import(&root);
        fs::remove_dir_all(&root).unwrap();
        let local = &import.types["sale_rest_field_description"];
        assert_eq!(local.source, "api-reference/sale/data-types.md");
        assert_eq!(
            import.types["rest_field_description"].source,
            "api-reference/catalog/data-types.md"
        );
        let item = |name: &str| {
            let m = &import.methods[&(name.to_owned(), Version::V1)];
            m.result.items().map(|t| t.kind.clone())
        };
        assert_eq!(
            item("sale.thing.getfields"),
            Some(Kind::Named("sale_rest_field_description".into()))
        );
        assert_eq!(
            item("catalog.thing.getfields"),
            Some(Kind::Named("rest_field_description".into()))
        );
        assert_eq!(super::section("api-reference/data-types.md"), None);
    }
}
