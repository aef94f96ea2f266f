//! What changed between two specs, as a maintainer reads a docs update, and what each change
//! means for the generated crate's API: methods added, removed or respelled, pages moved,
//! parameters and result fields added, removed, retyped or with a flipped required flag, enum
//! values and error codes added or removed, deprecation, scope and Rust name. Wording (titles,
//! messages, examples) is ignored.
//!
//! Methods and events are matched ignoring case: the server does not tell `disk.file.copyto`
//! from `disk.file.copyTo`, so a new casing is a respelling, never a removal plus an addition.
//! Every change is [`Class`]ified, and [`semver`] gives the version bump they imply together.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use bitrix_spec::naming::type_ident;
use bitrix_spec::{Event, Field, Method, MethodKey, Type, Version};
use serde::Serialize;

/// What a change does to the generated crate's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Code using the crate may stop compiling or behave differently: a major version.
    Breaking,
    /// New API only: a minor version.
    Additive,
    /// No change to the API (a respelling the server ignores, a moved page): a patch.
    Patch,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::Breaking => "BREAKING",
            Class::Additive => "additive",
            Class::Patch => "patch",
        })
    }
}

/// The sort of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Only the new spec has the item.
    Added,
    /// Only the old spec has the item.
    Removed,
    /// The item's name is spelled with another casing.
    Renamed,
    /// The item is documented on another page.
    Moved,
    /// Something inside the item changed (`what` says what).
    Changed,
}

/// One reported change. Serialized as `{"kind", "method", "event", "version", "what",
/// "class"}`: `method` or `event` names the item (the other is null), `version` is a method's
/// (`"v1"`, `"v3"`; null for events), `what` the change inside the item (null for added and
/// removed items).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// What sort of change.
    pub kind: Kind,
    /// The method's name as the new spec spells it (the old one's when removed).
    pub method: Option<String>,
    /// The event's name, for a change of an event.
    pub event: Option<String>,
    /// The method's version.
    pub version: Option<Version>,
    /// The change inside the item.
    pub what: Option<String>,
    /// What it means for the API.
    pub class: Class,
}

impl Change {
    fn method(key: &MethodKey, kind: Kind, what: Option<String>, class: Class) -> Change {
        Change {
            kind,
            method: Some(key.0.clone()),
            event: None,
            version: Some(key.1),
            what,
            class,
        }
    }

    fn event(name: &str, kind: Kind, what: Option<String>, class: Class) -> Change {
        Change {
            kind,
            method: None,
            event: Some(name.to_owned()),
            version: None,
            what,
            class,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match (&self.method, &self.event, self.version) {
            (Some(m), _, Some(v)) => format!("{m} ({v})"),
            (_, Some(e), _) => format!("event {e}"),
            _ => String::new(),
        };
        let what = self.what.as_deref().unwrap_or_default();
        match self.kind {
            Kind::Added => write!(f, "+ {label}")?,
            Kind::Removed => write!(f, "- {label}")?,
            Kind::Renamed => write!(f, "~ {what}")?,
            Kind::Moved | Kind::Changed => write!(f, "~ {label}: {what}")?,
        }
        write!(f, " [{}]", self.class)
    }
}

/// The version bump a set of changes implies: `major` with any breaking change, `minor` with
/// any additive one, `patch` with any other, `none` without changes.
pub fn semver(changes: &[Change]) -> &'static str {
    match changes.iter().map(|c| c.class).min() {
        Some(Class::Breaking) => "major",
        Some(Class::Additive) => "minor",
        Some(Class::Patch) => "patch",
        None => "none",
    }
}

/// The summary line: the bump and the count per class.
pub fn summary(changes: &[Change]) -> String {
    let count = |class| changes.iter().filter(|c| c.class == class).count();
    format!(
        "semver: {} ({} breaking, {} additive, {} patch)",
        semver(changes),
        count(Class::Breaking),
        count(Class::Additive),
        count(Class::Patch)
    )
}

/// The changes as the JSON `--diff --json` prints: `{"changes": [...], "breaking": n,
/// "additive": n, "patch": n, "semver": "major"|"minor"|"patch"|"none"}`.
pub fn json(changes: &[Change]) -> serde_json::Value {
    let count = |class| changes.iter().filter(|c| c.class == class).count();
    serde_json::json!({
        "changes": changes,
        "breaking": count(Class::Breaking),
        "additive": count(Class::Additive),
        "patch": count(Class::Patch),
        "semver": semver(changes),
    })
}

/// Items keyed by their lowercase name (and version): one identity per spelling.
fn by_identity<K: Ord + Clone, V>(
    items: &BTreeMap<K, V>,
    fold: impl Fn(&K) -> K,
) -> BTreeMap<K, (&K, &V)> {
    items.iter().map(|(k, v)| (fold(k), (k, v))).collect()
}

/// Differences from `old` to `new`, sorted.
pub fn methods(
    old: &BTreeMap<MethodKey, Method>,
    new: &BTreeMap<MethodKey, Method>,
) -> Vec<Change> {
    let fold = |k: &MethodKey| (k.0.to_lowercase(), k.1);
    let (old, new) = (by_identity(old, fold), by_identity(new, fold));
    let mut out = Vec::new();
    for (id, (key, _)) in &old {
        if !new.contains_key(id) {
            out.push(Change::method(key, Kind::Removed, None, Class::Breaking));
        }
    }
    for (id, (key, n)) in &new {
        let Some((old_key, o)) = old.get(id) else {
            out.push(Change::method(key, Kind::Added, None, Class::Additive));
            continue;
        };
        if old_key.0 != key.0 {
            let (what, class) = match (&o.rust_name, &n.rust_name) {
                (a, b) if a == b => (
                    format!(
                        "renamed spelling: {} → {} ({}), Rust name kept {}",
                        old_key.0,
                        key.0,
                        key.1,
                        b.as_deref().unwrap_or("(derived)")
                    ),
                    Class::Patch,
                ),
                (a, b) => (
                    format!(
                        "renamed spelling: {} → {} ({}), Rust name {} → {}",
                        old_key.0,
                        key.0,
                        key.1,
                        a.as_deref().unwrap_or("(derived)"),
                        b.as_deref().unwrap_or("(derived)")
                    ),
                    Class::Breaking,
                ),
            };
            out.push(Change::method(key, Kind::Renamed, Some(what), class));
        } else if o.rust_name != n.rust_name {
            let what = format!(
                "Rust name {} → {}",
                o.rust_name.as_deref().unwrap_or("(derived)"),
                n.rust_name.as_deref().unwrap_or("(derived)")
            );
            out.push(Change::method(
                key,
                Kind::Changed,
                Some(what),
                Class::Breaking,
            ));
        }
        if o.source != n.source {
            let what = format!("page moved: {} → {}", o.source, n.source);
            out.push(Change::method(key, Kind::Moved, Some(what), Class::Patch));
        }
        for (what, class) in method_changes(o, n) {
            out.push(Change::method(key, Kind::Changed, Some(what), class));
        }
    }
    out.sort();
    out
}

/// The changes inside one method, each with its class.
fn method_changes(o: &Method, n: &Method) -> Vec<(String, Class)> {
    let mut what = Vec::new();
    if o.scope != n.scope {
        what.push((
            format!("scope (cargo feature) `{}` → `{}`", o.scope, n.scope),
            Class::Breaking,
        ));
    }
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    flatten(&o.params, "", &mut a);
    flatten(&n.params, "", &mut b);
    compare("param", &a, &b, true, &mut what);
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    shape(&o.result, "result", &mut a);
    shape(&n.result, "result", &mut b);
    compare("result", &a, &b, false, &mut what);
    if o.result_wrapper != n.result_wrapper || o.paging != n.paging {
        what.push((
            format!(
                "answer shape (wrapper {:?}, paging {:?}) → (wrapper {:?}, paging {:?})",
                o.result_wrapper, o.paging, n.result_wrapper, n.paging
            ),
            Class::Breaking,
        ));
    }
    let codes = |m: &Method| {
        m.errors
            .iter()
            // An error without a code is known by its message.
            .map(|e| match &e.code {
                Some(code) => format!("`{code}`"),
                None => format!("\"{}\" (no code)", e.message),
            })
            .collect::<BTreeSet<_>>()
    };
    let (oc, nc) = (codes(o), codes(n));
    for c in nc.difference(&oc) {
        what.push((format!("error {c} added"), Class::Additive));
    }
    for c in oc.difference(&nc) {
        what.push((format!("error {c} removed"), Class::Breaking));
    }
    if o.deprecated != n.deprecated {
        what.push(match &n.deprecated {
            Some(d) => (
                format!(
                    "deprecated (replacement {})",
                    d.replacement.as_deref().unwrap_or("none")
                ),
                Class::Additive,
            ),
            None => ("no longer deprecated".to_owned(), Class::Additive),
        });
    }
    if o.mutates != n.mutates {
        // Only whether calls are retried changes; the API does not.
        what.push((
            format!("mutates {} → {}", o.mutates, n.mutates),
            Class::Patch,
        ));
    }
    what
}

/// One documented value: whether it is required (request side), its type, its enum values.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slot {
    required: bool,
    ty: String,
    values: BTreeSet<String>,
}

fn slot(required: bool, t: &Type) -> Slot {
    let ty = match t.items() {
        Some(items) => format!("array of {}", items.kind),
        None => t.kind.to_string(),
    };
    Slot {
        required,
        ty,
        values: t.enum_values.iter().map(|v| v.value.to_string()).collect(),
    }
}

/// Compares two flattened shapes. On the request side (`request`), a new required value and
/// a flag flipped to required break callers; on the answer side, a new field never does.
fn compare(
    what: &str,
    a: &BTreeMap<String, Slot>,
    b: &BTreeMap<String, Slot>,
    request: bool,
    out: &mut Vec<(String, Class)>,
) {
    for (path, old) in a {
        let Some(new) = b.get(path) else {
            out.push((format!("{what} `{path}` removed"), Class::Breaking));
            continue;
        };
        if old.ty != new.ty {
            // Only `any` takes every value the old type took.
            let class = if new.ty == "any" {
                Class::Additive
            } else {
                Class::Breaking
            };
            out.push((
                format!("{what} `{path}` retyped {} → {}", old.ty, new.ty),
                class,
            ));
        }
        if request && old.required != new.required {
            let class = if new.required {
                Class::Breaking
            } else {
                Class::Additive
            };
            out.push((
                format!(
                    "{what} `{path}` made {}",
                    if new.required { "required" } else { "optional" }
                ),
                class,
            ));
        }
        for v in old.values.difference(&new.values) {
            out.push((
                format!("{what} `{path}` enum value `{v}` removed"),
                Class::Breaking,
            ));
        }
        for v in new.values.difference(&old.values) {
            out.push((
                format!("{what} `{path}` enum value `{v}` added"),
                Class::Additive,
            ));
        }
    }
    for (path, new) in b.iter().filter(|(p, _)| !a.contains_key(*p)) {
        let (required, class) = if request && new.required {
            (" (required)", Class::Breaking)
        } else {
            ("", Class::Additive)
        };
        out.push((format!("{what} `{path}` added{required}"), class));
    }
}

/// Events added, removed, respelled, or with payload fields added, removed or changed.
pub fn events(old: &BTreeMap<String, Event>, new: &BTreeMap<String, Event>) -> Vec<Change> {
    let fold = |k: &String| k.to_lowercase();
    let (old, new) = (by_identity(old, fold), by_identity(new, fold));
    let mut out = Vec::new();
    for (id, (name, _)) in &old {
        if !new.contains_key(id) {
            out.push(Change::event(name, Kind::Removed, None, Class::Breaking));
        }
    }
    for (id, (name, n)) in &new {
        let Some((old_name, o)) = old.get(id) else {
            out.push(Change::event(name, Kind::Added, None, Class::Additive));
            continue;
        };
        if old_name != name {
            // Event types are named from the event's name: a respelling renames them unless
            // the Rust name comes out the same.
            let class = if type_ident(old_name, "Event") == type_ident(name, "Event") {
                Class::Patch
            } else {
                Class::Breaking
            };
            let what = format!("renamed spelling: event {old_name} → {name}");
            out.push(Change::event(name, Kind::Renamed, Some(what), class));
        }
        if o.source != n.source {
            let what = format!("page moved: {} → {}", o.source, n.source);
            out.push(Change::event(name, Kind::Moved, Some(what), Class::Patch));
        }
        let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
        flatten(&o.payload, "", &mut a);
        flatten(&n.payload, "", &mut b);
        let mut what = Vec::new();
        // A payload is an answer: a new field never breaks a handler.
        compare("payload", &a, &b, false, &mut what);
        for (w, class) in what {
            out.push(Change::event(name, Kind::Changed, Some(w), class));
        }
    }
    out.sort();
    out
}

/// Wire path → slot of every field, nested and array items included.
fn flatten(fields: &[Field], path: &str, out: &mut BTreeMap<String, Slot>) {
    for f in fields {
        let p = if path.is_empty() {
            f.name.clone()
        } else {
            format!("{path}.{}", f.name)
        };
        shape(&f.ty, &p, out);
        if let Some(s) = out.get_mut(&p) {
            s.required = f.required;
        }
    }
}

/// Wire path → slot of a type and everything inside it.
fn shape(t: &Type, path: &str, out: &mut BTreeMap<String, Slot>) {
    out.insert(path.to_owned(), slot(false, t));
    flatten(t.fields(), path, out);
    if let Some(items) = t.items() {
        let p = format!("{path}[]");
        flatten(items.fields(), &p, out);
        if !items.enum_values.is_empty() {
            out.insert(p, slot(false, items));
        }
    }
}
