//! Semantic validation of a whole spec. Reports every problem with file and JSON path.

use std::collections::BTreeMap;

use crate::model::{EnumLiteral, Field, Kind, Method, Spec, Type, Version};
use crate::naming;
use crate::problem::Problems;

/// What the docs write in a code cell for "no code"; the spec leaves `code` out instead.
pub const PLACEHOLDERS: [&str; 3] = ["", "-", "\u{2014}"];

const EMPTY_CODE: &str =
    "an error without a code leaves `code` out (not \"\", \"-\" or \"\u{2014}\")";

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
    rust_names(spec, problems);
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
        c.ty("$", &t.ty);
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
            match e.code.as_deref() {
                None => problems.error(&file, &path, "catalogue error without a code"),
                Some(code) if code.trim().is_empty() => problems.error(&file, &path, EMPTY_CODE),
                Some(code) => {
                    if let Some(first) = seen.insert(code.to_owned(), i) {
                        problems.error(
                            &file,
                            &path,
                            format!("code `{code}` repeats $.errors[{first}]"),
                        );
                    }
                }
            }
        }
    }
}

/// Recorded Rust type names: well formed, and unique across the spec together with their
/// error enums; and no two methods whose names differ only by case (one identity on the wire).
fn rust_names(spec: &Spec, problems: &mut Problems) {
    let mut owners: BTreeMap<String, &Method> = BTreeMap::new();
    let mut spellings: BTreeMap<(String, Version), &str> = BTreeMap::new();
    for m in spec.methods.values() {
        let file = method_file(&m.name, m.version);
        if let Some(first) = spellings.insert((m.name.to_lowercase(), m.version), &m.name) {
            problems.error(
                &file,
                "$.name",
                format!(
                    "`{}` and `{first}` differ only by case: the server takes them for one method",
                    m.name
                ),
            );
        }
        let Some(rust) = &m.rust_name else { continue };
        if !naming::is_method_type_name(rust) {
            problems.error(
                &file,
                "$.rust_name",
                format!("`{rust}` is not an UpperCamelCase type name of ASCII letters and digits"),
            );
            continue;
        }
        let error_enum = format!("{rust}{}", naming::ERROR_SUFFIX);
        for taken in [rust, &error_enum] {
            if let Some(other) = owners.get(taken.as_str()) {
                problems.error(
                    &file,
                    "$.rust_name",
                    format!(
                        "`{taken}` is also a name of {} ({})",
                        other.name, other.version
                    ),
                );
            }
        }
        owners.insert(rust.clone(), m);
        owners.insert(error_enum, m);
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
        if let Some(p) = &m.paging {
            // A v3 kind on a v1 method (or the reverse) would not compile in the macro.
            if p.kind.is_v3() != (m.version == Version::V3) {
                self.error(
                    "$.paging.kind",
                    format!(
                        "paging kind `{}` does not belong to {} methods",
                        p.kind.as_str(),
                        m.version
                    ),
                );
            }
        }
        if m.result_optional {
            // `false` and `null` are values of these results, not their absence.
            let kind = &self.spec.resolve(&m.result).kind;
            if kind.holds_false_and_null() {
                self.error(
                    "$.result_optional",
                    format!(
                        "result_optional on a result of kind `{}`, which holds `false` and `null` itself",
                        kind.name()
                    ),
                );
            }
            if m.paging.is_some() {
                self.error(
                    "$.result_optional",
                    "result_optional on a paged list, whose pages are never absent",
                );
            }
        }
        self.fields("$.params", &m.params);
        self.ty("$.result", &m.result);
        for (i, e) in m.errors.iter().enumerate() {
            let path = format!("$.errors[{i}]");
            match e.code.as_deref() {
                Some(code) if code.trim().is_empty() || PLACEHOLDERS.contains(&code) => {
                    self.error(&path, EMPTY_CODE);
                }
                Some(code) if m.version == Version::V3 && e.exception.is_none() => {
                    self.warning(&path, format!("REST 3.0 error `{code}` has no exception"));
                }
                None if e.message.trim().is_empty() => {
                    self.error(
                        &path,
                        "an error without a code needs its message: nothing else tells it apart",
                    );
                }
                _ => {}
            }
            if m.version == Version::V1 && (e.exception.is_some() || e.field.is_some()) {
                self.error(&path, "exception and field belong to REST 3.0 errors");
            }
        }
    }

    /// The fields of one object: names must be unique, and names that collide after case
    /// conversion are reported. (Missing and empty names are the raw pass's to report.)
    fn fields(&mut self, path: &str, fields: &[Field]) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        let mut idents: BTreeMap<String, usize> = BTreeMap::new();
        for (i, f) in fields.iter().enumerate() {
            let fpath = format!("{path}[{i}]");
            let name = f.name.as_str();
            if !name.is_empty() {
                if let Some(first) = seen.insert(name, i) {
                    self.error(
                        &fpath,
                        format!("duplicate field `{name}` (also {path}[{first}])"),
                    );
                } else {
                    let ident = naming::snake_ident(name);
                    if let Some(first) = idents.insert(ident.clone(), i) {
                        let other = &fields[first].name;
                        self.warning(
                            &fpath,
                            format!(
                                "`{name}` and `{other}` collide after case conversion (`{ident}`); the generator numbers them"
                            ),
                        );
                    }
                }
            }
            self.ty(&fpath, &f.ty);
        }
    }

    fn ty(&mut self, path: &str, t: &Type) {
        match &t.kind {
            Kind::Named(name) if name.is_empty() => {
                self.error(path, "missing key `type`");
                return;
            }
            Kind::Named(name) if !self.spec.types.contains_key(name) => {
                self.error(path, format!("unknown type `{name}`"));
            }
            Kind::Array(Some(items)) => self.ty(&format!("{path}.items"), items),
            Kind::Object { fields, patterns } => {
                self.fields(&format!("{path}.fields"), fields);
                for (i, p) in patterns.iter().enumerate() {
                    self.ty(&format!("{path}.patterns[{i}]"), &p.ty);
                }
            }
            Kind::Union(variants) => {
                if variants.len() < 2 {
                    self.error(path, "a union needs at least two `variants`");
                }
                for (i, v) in variants.iter().enumerate() {
                    self.ty(&format!("{path}.variants[{i}]"), v);
                }
            }
            _ => {}
        }
        // What the value really is, looking through a named type.
        let base = &self.spec.resolve(t).kind;
        if t.secret && *base != Kind::String {
            self.error(path, format!("`secret` applies to strings, not `{base}`"));
        }
        self.enum_values(path, base, t);
        self.constraints(path, base, t);
    }

    fn enum_values(&mut self, path: &str, base: &Kind, t: &Type) {
        let mut seen = BTreeMap::new();
        for (i, v) in t.enum_values.iter().enumerate() {
            let vpath = format!("{path}.enum[{i}]");
            let fits = matches!(
                (&v.value, base),
                (EnumLiteral::Int(_), Kind::Integer)
                    | (
                        EnumLiteral::Str(_),
                        Kind::String | Kind::Yn | Kind::Date | Kind::DateTime
                    )
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

    fn constraints(&mut self, path: &str, base: &Kind, t: &Type) {
        let Some(c) = &t.constraints else { return };
        let numeric = base.is_numeric();
        let stringy = base.is_text();
        let collection = matches!(base, Kind::Array(_) | Kind::Object { .. });
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
            wrong("min_items", collection);
        }
        if c.max_items.is_some() {
            wrong("max_items", collection);
        }
    }
}
