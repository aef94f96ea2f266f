//! How much of the API answers with types: the share of documented results that are typed,
//! the share of list methods that return a list of entities, and why the rest stay untyped.

use std::collections::BTreeMap;

use bitrix_spec::{Kind, Method, Type};

use super::is_typed;
use crate::Import;

/// The prefix of the reason an untyped result carries.
const UNTYPED: &str = "result untyped: ";

/// The typed-answer measures of an import.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Measures {
    /// Methods whose page documents a result and whose result is typed, and those documented.
    pub typed_results: (usize, usize),
    /// List methods (`.list`, `.getlist`, `.search`) returning a typed list, and all of them: a
    /// list of entities, or of the scalars (ids, codes) the page documents it to hold.
    pub typed_lists: (usize, usize),
    /// Why documented results stay untyped, most frequent first.
    pub untyped_reasons: Vec<(String, usize)>,
    /// The list methods without a typed list, by name.
    pub untyped_lists: Vec<String>,
}

impl Measures {
    /// The one-line machine-readable form: `measures: typed_results=X/Y typed_lists=X/Y`.
    pub fn line(&self) -> String {
        let (a, b) = self.typed_results;
        let (c, d) = self.typed_lists;
        format!("measures: typed_results={a}/{b} typed_lists={c}/{d}")
    }
}

/// `part/whole (percent%)`.
pub fn ratio((part, whole): (usize, usize)) -> String {
    let percent = if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    };
    format!("{part}/{whole} ({percent:.0}%)")
}

/// Measures an import (after overrides).
pub fn measure(import: &Import) -> Measures {
    let mut out = Measures::default();
    let mut why: BTreeMap<String, usize> = BTreeMap::new();
    for (key, m) in &import.methods {
        if import.documented_results.contains(key) {
            out.typed_results.1 += 1;
            if is_typed(&m.result) {
                out.typed_results.0 += 1;
            } else {
                let reason = reasons(m)
                    .find_map(|r| r.strip_prefix(UNTYPED))
                    .unwrap_or("no reason recorded");
                *why.entry(reason.to_owned()).or_default() += 1;
            }
        }
        if is_list(&m.name) {
            out.typed_lists.1 += 1;
            if lists_typed(&m.result, import) {
                out.typed_lists.0 += 1;
            } else {
                out.untyped_lists.push(m.name.clone());
            }
        }
    }
    let mut why: Vec<(String, usize)> = why.into_iter().collect();
    why.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.untyped_reasons = why;
    out
}

fn reasons(m: &Method) -> impl Iterator<Item = &str> {
    m.confidence
        .iter()
        .flat_map(|c| c.reasons.iter().map(String::as_str))
}

/// Whether a method name says it lists (`.list`, `.getlist`, `.search`, any case).
pub fn is_list(name: &str) -> bool {
    let last = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(last.as_str(), "list" | "getlist" | "search")
}

/// A list of entities (named structures or objects with keys), or an object wrapping one.
fn lists_typed(ty: &Type, import: &Import) -> bool {
    let element = |t: &Type| match &t.kind {
        Kind::Named(n) => import.types.contains_key(n.as_str()),
        Kind::Object { .. } | Kind::Array(_) => is_typed(t),
        Kind::Any | Kind::Union(_) => false,
        _ => true,
    };
    // A list, or a map keyed by id (`{"12": {…}}`, documented as a key pattern).
    let list =
        |t: &Type| t.items().is_some_and(element) || t.patterns().iter().any(|p| element(&p.ty));
    list(ty) || ty.fields().iter().any(|f| list(&f.ty))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_spec::{Confidence, ConfidenceLevel, Field, NamedType, Version};

    fn method(name: &str, result: Type, reasons: &[&str]) -> Method {
        // Through JSON, so that fields added to the model later keep their defaults.
        let mut m: Method = serde_json::from_value(serde_json::json!({
            "name": name, "version": "v1", "scope": "crm", "title": "t",
            "doc_url": "https://x", "source": "s.md", "mutates": false,
            "params": [], "result": {"type": "any"}, "errors": []
        }))
        .expect("a minimal method");
        m.result = result;
        m.confidence = Some(Confidence {
            level: ConfidenceLevel::High,
            reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
        });
        m
    }

    #[test]
    fn counts_typed_results_lists_and_reasons() {
        let deal = Type::of(Kind::Named("crm_deal".into()));
        let mut import = Import::default();
        import.types.insert(
            "crm_deal".into(),
            NamedType {
                name: "crm_deal".into(),
                ty: Type::of(Kind::object_of(vec![Field::new(
                    "ID",
                    false,
                    Type::of(Kind::Integer),
                )])),
                ..NamedType::default()
            },
        );
        let items = Type::of(Kind::object_of(vec![Field::new(
            "items",
            false,
            Type::of(Kind::array_of(deal.clone())),
        )]));
        let methods = [
            method("crm.deal.list", Type::of(Kind::array_of(deal)), &[]),
            method("crm.item.LIST", items, &[]),
            method(
                "crm.x.search",
                Type::of(Kind::Array(None)),
                &["result untyped: the response example's result is null"],
            ),
            method("crm.deal.delete", Type::of(Kind::Boolean), &[]),
            // A documented list of ids is a typed list too.
            method(
                "im.chat.user.list",
                Type::of(Kind::array_of(Type::of(Kind::Integer))),
                &[],
            ),
            method("crm.deal.fields", Type::of(Kind::object()), &[]),
            // Not documented: counts for lists only.
            method("crm.y.getlist", Type::of(Kind::Any), &[]),
        ];
        for (i, m) in methods.into_iter().enumerate() {
            let key = (m.name.clone(), Version::V1);
            if i < 6 {
                import.documented_results.insert(key.clone());
            }
            import.methods.insert(key, m);
        }
        let m = measure(&import);
        assert_eq!(m.typed_results, (4, 6));
        assert_eq!(m.typed_lists, (3, 5));
        assert_eq!(m.untyped_lists, ["crm.x.search", "crm.y.getlist"]);
        assert_eq!(
            m.untyped_reasons,
            [
                ("no reason recorded".to_owned(), 1),
                ("the response example's result is null".to_owned(), 1)
            ]
        );
        assert_eq!(m.line(), "measures: typed_results=4/6 typed_lists=3/5");
        assert_eq!(ratio(m.typed_results), "4/6 (67%)");
        assert_eq!(ratio((0, 0)), "0/0 (0%)");
    }
}
