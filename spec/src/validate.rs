//! Semantic validation of a whole spec. Reports every problem with file and JSON path.

use std::collections::BTreeMap;

use crate::model::{EnumLiteral, Method, Spec, Ty, Version};
use crate::naming;
use crate::problem::Problems;

/// The file a method lives in: `methods/<version>/<name>.json`.
pub fn method_file(name: &str, version: Version) -> String {
    format!("methods/{version}/{name}.json")
}

/// Checks that a method sits in the file its key names.
pub fn method_file_name(rel: &str, m: &Method, problems: &mut Problems) {
    let expected = method_file(&m.name, m.version);
    if !rel.ends_with(&expected) {
        problems.error(
            rel,
            "$.name",
            format!(
                "method ({}, {}) must live in `{expected}`",
                m.name, m.version
            ),
        );
    }
}

/// Checks that a named item (type, event, catalogue) sits in `<name>.json`.
pub fn named_file_name(rel: &str, name: &str, problems: &mut Problems) {
    let stem = rel.rsplit('/').next().unwrap_or(rel);
    if stem.strip_suffix(".json") != Some(name) {
        problems.error(
            rel,
            "$.name",
            format!("`{name}` must live in `{name}.json`"),
        );
    }
}

/// Whether a method name is well formed: dot-separated segments of ASCII letters, digits and
/// `_`, starting with a letter.
pub fn is_valid_method_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.split('.').all(|seg| {
            !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Validates everything in `spec`, appending to `problems`.
pub fn validate(spec: &Spec, problems: &mut Problems) {
    for m in spec.methods.values() {
        let mut c = Checker {
            spec,
            problems,
            file: method_file(&m.name, m.version),
        };
        c.method(m);
    }
    for t in spec.types.values() {
        let mut c = Checker {
            spec,
            problems,
            file: format!("types/{}.json", t.name),
        };
        c.header(&t.title, &t.doc_url);
        c.ty("$", &t.ty());
    }
    for e in spec.events.values() {
        let mut c = Checker {
            spec,
            problems,
            file: format!("events/{}.json", e.name),
        };
        c.header(&e.title, &e.doc_url);
        c.fields("$.payload", &e.payload);
    }
    for cat in spec.catalogues.values() {
        let file = format!("errors/{}.json", cat.name);
        let mut seen = BTreeMap::new();
        for (i, e) in cat.errors.iter().enumerate() {
            let path = format!("$.errors[{i}]");
            if e.code.trim().is_empty() {
                problems.error(&file, &path, "catalogue error without a code");
            } else if let Some(first) = seen.insert(e.code.clone(), i) {
                problems.error(
                    &file,
                    &path,
                    format!("code `{}` repeats $.errors[{first}]", e.code),
                );
            }
        }
    }
}

struct Checker<'a> {
    spec: &'a Spec,
    problems: &'a mut Problems,
    file: String,
}

impl Checker<'_> {
    fn error(&mut self, path: &str, msg: impl Into<String>) {
        self.problems.error(&self.file, path, msg);
    }

    fn warning(&mut self, path: &str, msg: impl Into<String>) {
        self.problems.warning(&self.file, path, msg);
    }

    fn header(&mut self, title: &str, doc_url: &str) {
        if title.trim().is_empty() {
            self.error("$.title", "missing title");
        }
        if !doc_url.starts_with("https://") {
            self.error(
                "$.doc_url",
                format!("doc_url `{doc_url}` is not an https URL"),
            );
        }
    }

    fn method(&mut self, m: &Method) {
        if !is_valid_method_name(&m.name) {
            self.error("$.name", format!("malformed method name `{}`", m.name));
        }
        if m.scope.is_empty()
            || !m
                .scope
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            self.error("$.scope", format!("malformed scope `{}`", m.scope));
        }
        self.header(&m.title, &m.doc_url);
        if let Some(replacement) = m.deprecated.as_ref().and_then(|d| d.replacement.as_ref()) {
            let known = self.spec.methods.keys().any(|(n, _)| n == replacement);
            if !known {
                self.warning(
                    "$.deprecated.replacement",
                    format!("replacement `{replacement}` is not in the spec"),
                );
            }
        }
        if m.version == Version::V1 && m.result_wrapper.is_some() {
            self.error(
                "$.result_wrapper",
                "result_wrapper is a REST 3.0 key; v1 has none",
            );
        }
        self.fields("$.params", &m.params);
        self.ty("$.result", &m.result);
        for (i, e) in m.errors.iter().enumerate() {
            let path = format!("$.errors[{i}]");
            if m.version == Version::V3 && !e.code.is_empty() && e.exception.is_none() {
                self.warning(
                    &path,
                    format!("REST 3.0 error `{}` has no exception", e.code),
                );
            }
            if m.version == Version::V1 && (e.exception.is_some() || e.field.is_some()) {
                self.error(&path, "exception and field belong to REST 3.0 errors");
            }
        }
    }

    /// The fields of one object: each must have a name and a required flag, names must be
    /// unique, and names that collide after case conversion are reported.
    fn fields(&mut self, path: &str, fields: &[Ty]) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        let mut idents: BTreeMap<String, usize> = BTreeMap::new();
        for (i, f) in fields.iter().enumerate() {
            let fpath = format!("{path}[{i}]");
            match f.name.as_deref() {
                None => self.error(&fpath, "missing key `name`"),
                Some("") => self.error(&fpath, "empty `name`"),
                Some(name) => {
                    if let Some(first) = seen.insert(name, i) {
                        self.error(
                            &fpath,
                            format!("duplicate field `{name}` (also {path}[{first}])"),
                        );
                    } else {
                        let ident = naming::snake_ident(name);
                        if let Some(first) = idents.insert(ident.clone(), i) {
                            let other = fields[first].wire_name();
                            self.warning(
                                &fpath,
                                format!(
                                    "`{name}` and `{other}` collide after case conversion (`{ident}`); the generator numbers them"
                                ),
                            );
                        }
                    }
                }
            }
            if f.required.is_none() {
                self.error(&fpath, "missing key `required`");
            }
            if f.pattern.is_some() {
                self.error(
                    &fpath,
                    "`pattern` belongs to `patterns` entries, not to fields",
                );
            }
            self.ty(&fpath, f);
        }
    }

    fn ty(&mut self, path: &str, t: &Ty) {
        let kind = t.kind.as_str();
        if kind.is_empty() {
            self.error(path, "missing key `type`");
            return;
        }
        let named = self.spec.types.get(kind);
        if !t.is_primitive() && named.is_none() {
            self.error(path, format!("unknown type `{kind}`"));
        }
        // What the value really is, looking through a named type.
        let base = named.map(|n| n.kind.as_str()).unwrap_or(kind);

        if t.items.is_some() && kind != "array" {
            self.error(
                path,
                format!("`items` on a `{kind}`; only arrays have items"),
            );
        }
        if let Some(items) = &t.items {
            if items.name.is_some() || items.required.is_some() {
                self.error(
                    &format!("{path}.items"),
                    "array items take no `name`/`required`",
                );
            }
            self.ty(&format!("{path}.items"), items);
        }
        if !t.fields.is_empty() && kind != "object" {
            self.error(
                path,
                format!("`fields` on a `{kind}`; only objects have fields"),
            );
        }
        self.fields(&format!("{path}.fields"), &t.fields);
        for (i, p) in t.patterns.iter().enumerate() {
            let ppath = format!("{path}.patterns[{i}]");
            if kind != "object" {
                self.error(
                    &ppath,
                    format!("`patterns` on a `{kind}`; only objects have patterns"),
                );
            }
            if p.pattern.as_deref().is_none_or(str::is_empty) {
                self.error(&ppath, "missing key `pattern`");
            }
            self.ty(&ppath, p);
        }
        if kind == "union" && t.variants.len() < 2 {
            self.error(path, "a union needs at least two `variants`");
        }
        if kind != "union" && !t.variants.is_empty() {
            self.error(
                path,
                format!("`variants` on a `{kind}`; only unions have variants"),
            );
        }
        for (i, v) in t.variants.iter().enumerate() {
            self.ty(&format!("{path}.variants[{i}]"), v);
        }
        if t.secret && base != "string" {
            self.error(path, format!("`secret` applies to strings, not `{base}`"));
        }
        self.enum_values(path, base, t);
        self.constraints(path, base, t);
    }

    fn enum_values(&mut self, path: &str, base: &str, t: &Ty) {
        let mut seen = BTreeMap::new();
        for (i, v) in t.enum_values.iter().enumerate() {
            let vpath = format!("{path}.enum[{i}]");
            let fits = matches!(
                (&v.value, base),
                (EnumLiteral::Int(_), "integer")
                    | (EnumLiteral::Str(_), "string" | "yn" | "date" | "datetime")
            );
            if !fits {
                self.error(
                    &vpath,
                    format!("enum value `{}` does not fit type `{base}`", v.value),
                );
            }
            if let Some(first) = seen.insert(v.value.clone(), i) {
                self.error(
                    &vpath,
                    format!("enum value `{}` repeats {path}.enum[{first}]", v.value),
                );
            }
        }
    }

    fn constraints(&mut self, path: &str, base: &str, t: &Ty) {
        let Some(c) = &t.constraints else { return };
        let numeric = matches!(base, "integer" | "double" | "timestamp");
        let stringy = matches!(base, "string" | "date" | "datetime");
        let cpath = format!("{path}.constraints");
        let mut wrong = |name: &str, ok: bool| {
            if !ok {
                self.problems.error(
                    &self.file,
                    &cpath,
                    format!("constraint `{name}` does not apply to type `{base}`"),
                );
            }
        };
        if c.minimum.is_some() {
            wrong("minimum", numeric);
        }
        if c.maximum.is_some() {
            wrong("maximum", numeric);
        }
        if c.min_length.is_some() {
            wrong("min_length", stringy);
        }
        if c.max_length.is_some() {
            wrong("max_length", stringy);
        }
        if c.pattern.is_some() {
            wrong("pattern", stringy);
        }
        if c.min_items.is_some() {
            wrong("min_items", matches!(base, "array" | "object"));
        }
        if c.max_items.is_some() {
            wrong("max_items", matches!(base, "array" | "object"));
        }
    }
}
