//! What changed between two specs, as a maintainer reads a docs update: methods added and
//! removed, parameters added, removed, retyped or with a flipped required flag, error codes
//! added or removed, deprecation. Wording (titles, messages, examples) is ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use bitrix_spec::{Event, Field, Method, MethodKey};

/// One reported change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A method only the new spec has.
    Added(String),
    /// A method only the old spec has.
    Removed(String),
    /// A change inside a method present in both.
    Changed(String, String),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Added(m) => write!(f, "+ {m}"),
            Change::Removed(m) => write!(f, "- {m}"),
            Change::Changed(m, what) => write!(f, "~ {m}: {what}"),
        }
    }
}

fn label(key: &MethodKey) -> String {
    format!("{} ({})", key.0, key.1)
}

/// Differences from `old` to `new`, sorted.
pub fn methods(
    old: &BTreeMap<MethodKey, Method>,
    new: &BTreeMap<MethodKey, Method>,
) -> Vec<Change> {
    let mut out = Vec::new();
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        out.push(Change::Removed(label(key)));
    }
    for (key, n) in new {
        let Some(o) = old.get(key) else {
            out.push(Change::Added(label(key)));
            continue;
        };
        let mut what = Vec::new();
        let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
        flatten(&o.params, "", &mut a);
        flatten(&n.params, "", &mut b);
        for (path, (req, ty)) in &a {
            match b.get(path) {
                None => what.push(format!("param `{path}` removed")),
                Some((nreq, nty)) => {
                    if nty != ty {
                        what.push(format!("param `{path}` retyped {ty} → {nty}"));
                    }
                    if nreq != req {
                        what.push(format!("param `{path}` required {req} → {nreq}"));
                    }
                }
            }
        }
        for path in b.keys().filter(|p| !a.contains_key(*p)) {
            what.push(format!("param `{path}` added"));
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
            what.push(format!("error {c} added"));
        }
        for c in oc.difference(&nc) {
            what.push(format!("error {c} removed"));
        }
        if o.deprecated != n.deprecated {
            what.push(match &n.deprecated {
                Some(d) => format!(
                    "deprecated (replacement {})",
                    d.replacement.as_deref().unwrap_or("none")
                ),
                None => "no longer deprecated".to_owned(),
            });
        }
        out.extend(what.into_iter().map(|w| Change::Changed(label(key), w)));
    }
    out.sort();
    out
}

/// Events added, removed, or with payload fields added, removed, retyped or flipped.
pub fn events(old: &BTreeMap<String, Event>, new: &BTreeMap<String, Event>) -> Vec<Change> {
    let mut out = Vec::new();
    for name in old.keys().filter(|k| !new.contains_key(*k)) {
        out.push(Change::Removed(format!("event {name}")));
    }
    for (name, n) in new {
        let Some(o) = old.get(name) else {
            out.push(Change::Added(format!("event {name}")));
            continue;
        };
        let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
        flatten(&o.payload, "", &mut a);
        flatten(&n.payload, "", &mut b);
        for path in a.keys().filter(|p| !b.contains_key(*p)) {
            out.push(Change::Changed(
                format!("event {name}"),
                format!("payload `{path}` removed"),
            ));
        }
        for (path, v) in &b {
            match a.get(path) {
                None => out.push(Change::Changed(
                    format!("event {name}"),
                    format!("payload `{path}` added"),
                )),
                Some(old) if old != v => out.push(Change::Changed(
                    format!("event {name}"),
                    format!("payload `{path}` changed"),
                )),
                Some(_) => {}
            }
        }
    }
    out.sort();
    out
}

/// Wire path → (required, type description) of every field, nested and array items included.
fn flatten(fields: &[Field], path: &str, out: &mut BTreeMap<String, (bool, String)>) {
    for f in fields {
        let p = if path.is_empty() {
            f.name.clone()
        } else {
            format!("{path}.{}", f.name)
        };
        let ty = match f.ty.items() {
            Some(items) => format!("array of {}", items.kind),
            None => f.ty.kind.to_string(),
        };
        out.insert(p.clone(), (f.required, ty));
        flatten(f.ty.fields(), &p, out);
        if let Some(items) = f.ty.items() {
            flatten(items.fields(), &format!("{p}[]"), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_spec::Version;

    fn method(name: &str, params: serde_json::Value) -> (MethodKey, Method) {
        let m: Method = serde_json::from_value(serde_json::json!({
            "name": name, "version": "v1", "scope": "crm", "title": "T",
            "doc_url": "https://apidocs.bitrix24.com/x.html", "source": "x.md", "mutates": false,
            "deprecated": null, "params": params, "result": {"type": "any"}, "errors": []
        }))
        .unwrap();
        ((name.to_owned(), Version::V1), m)
    }

    #[test]
    fn reports_structure_not_wording() {
        let old: BTreeMap<_, _> = [
            method(
                "a.get",
                serde_json::json!([{"name": "id", "type": "integer", "required": true}]),
            ),
            method("a.gone", serde_json::json!([])),
        ]
        .into();
        let mut renamed = method(
            "a.get",
            serde_json::json!([{"name": "id", "type": "string", "required": false}, {"name": "x", "type": "integer", "required": false}]),
        );
        renamed.1.title = "Reworded".to_owned();
        let new: BTreeMap<_, _> = [renamed, method("a.new", serde_json::json!([]))].into();
        let text: Vec<String> = methods(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            text,
            [
                "+ a.new (v1)",
                "- a.gone (v1)",
                "~ a.get (v1): param `id` required true → false",
                "~ a.get (v1): param `id` retyped integer → string",
                "~ a.get (v1): param `x` added",
            ]
        );
    }

    fn event(name: &str, payload: serde_json::Value) -> (String, Event) {
        let e: Event = serde_json::from_value(serde_json::json!({
            "name": name, "scope": "crm", "title": "T", "doc_url": "https://apidocs.bitrix24.com/x.html",
            "source": "x.md", "payload": payload
        }))
        .unwrap();
        (name.to_owned(), e)
    }

    #[test]
    fn reports_event_payload_changes() {
        let old: BTreeMap<_, _> = [event(
            "onA",
            serde_json::json!([{"name": "ts", "type": "timestamp", "required": false}]),
        )]
        .into();
        let new: BTreeMap<_, _> = [
            event(
                "onA",
                serde_json::json!([{"name": "ts", "type": "integer", "required": false}]),
            ),
            event("onB", serde_json::json!([])),
        ]
        .into();
        let text: Vec<String> = events(&old, &new).iter().map(ToString::to_string).collect();
        assert_eq!(text, ["+ event onB", "~ event onA: payload `ts` changed"]);
    }
}
