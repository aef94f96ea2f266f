//! The type a JSON example shows, for results the tables leave untyped. Conservative: every
//! field is optional (an example shows one answer, not every key), numbers and strings stay as
//! sent, and values that disagree (a key holding text in one element and an object in
//! another) are `any`.

use bitrix_spec::{Field, KeyPattern, Kind, Type};
use serde_json::{Map, Value};

/// The type of `value` as an example shows it.
pub(crate) fn infer(value: &Value) -> Type {
    let kind = match value {
        Value::Null => Kind::Any,
        Value::Bool(_) => Kind::Boolean,
        Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
        Value::Number(_) => Kind::Double,
        Value::String(_) => Kind::String,
        Value::Array(items) => {
            let item = items
                .iter()
                .map(infer)
                .reduce(merge)
                .filter(|t| t.kind != Kind::Any);
            Kind::Array(item.map(Box::new))
        }
        Value::Object(map) => object(map),
    };
    Type::of(kind)
}

/// An object's keys as fields; keys that are all numbers are ids, not names (PHP sends a
/// keyed list as an object), and a key no field is spelled like (`#block28175`, `.navbar`,
/// `/about/`) is data too: a map under the `*` pattern.
fn object(map: &Map<String, Value>) -> Kind {
    let id = |k: &String| k.parse::<u64>().is_ok();
    let not_a_name = |k: &String| k.starts_with(['#', '.', '/']);
    if !map.is_empty() && (map.keys().all(id) || map.keys().any(not_a_name)) {
        let values = map.values().map(infer).reduce(merge).unwrap_or_default();
        return Kind::map_of(values);
    }
    let fields = map
        .iter()
        .map(|(k, v)| Field::new(k.clone(), false, infer(v)))
        .collect();
    Kind::object_of(fields)
}

/// One type for two values seen at one place: the same kind (objects with the union of their
/// keys), integers widened to doubles, `null` giving way to the other, anything else `any`.
pub(crate) fn merge(a: Type, b: Type) -> Type {
    let kind = match (a.kind, b.kind) {
        (Kind::Any, other) | (other, Kind::Any) => other,
        (Kind::Integer, Kind::Double) | (Kind::Double, Kind::Integer) => Kind::Double,
        (
            Kind::Object {
                fields: mut left,
                patterns: lp,
            },
            Kind::Object {
                fields: right,
                patterns: rp,
            },
        ) => {
            if lp.is_empty() != rp.is_empty() {
                Kind::Any
            } else {
                for f in right {
                    match left.iter_mut().find(|l| l.name == f.name) {
                        Some(l) => l.ty = merge(std::mem::take(&mut l.ty), f.ty),
                        None => left.push(f),
                    }
                }
                left.sort_by(|x, y| x.name.cmp(&y.name));
                let patterns = match (lp.into_iter().next(), rp.into_iter().next()) {
                    (Some(l), Some(r)) => vec![KeyPattern {
                        pattern: l.pattern,
                        ty: merge(l.ty, r.ty),
                    }],
                    _ => Vec::new(),
                };
                Kind::Object {
                    fields: left,
                    patterns,
                }
            }
        }
        (Kind::Array(l), Kind::Array(r)) => match (l, r) {
            (Some(l), Some(r)) => {
                let item = merge(*l, *r);
                Kind::Array((item.kind != Kind::Any).then(|| Box::new(item)))
            }
            (l, r) => Kind::Array(l.or(r)),
        },
        (l, r) if l == r => l,
        _ => Kind::Any,
    };
    Type::of(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(t: &Type) -> Vec<(&str, &str)> {
        t.fields()
            .iter()
            .map(|f| (f.name.as_str(), f.ty.kind.name()))
            .collect()
    }

    #[test]
    fn values_keep_the_kind_they_are_sent_as() {
        let t = infer(&json!({"ID": "37", "SORT": 10, "PRICE": 1.5, "ACTIVE": true, "X": null}));
        assert_eq!(
            names(&t),
            [
                ("ACTIVE", "boolean"),
                ("ID", "string"),
                ("PRICE", "double"),
                ("SORT", "integer"),
                ("X", "any")
            ]
        );
        assert!(t.fields().iter().all(|f| !f.required));
    }

    #[test]
    fn list_elements_merge_and_disagreements_are_any() {
        let t = infer(&json!([{"a": 1, "b": "x"}, {"a": 2.5, "c": [1]}, {"b": {"k": 1}}]));
        let item = t.items().expect("an array of objects");
        assert_eq!(names(item), [("a", "double"), ("b", "any"), ("c", "array")]);
        assert_eq!(infer(&json!([])).kind, Kind::Array(None));
        assert_eq!(infer(&json!([1, "a"])).kind, Kind::Array(None));
    }

    #[test]
    fn keys_no_field_is_spelled_like_are_a_map() {
        let t = infer(&json!({"#block1": {"x": 1}, ".navbar": {"x": 2, "y": "a"}}));
        assert!(t.fields().is_empty());
        assert_eq!(t.patterns()[0].pattern, "*");
        assert_eq!(
            names(&t.patterns()[0].ty),
            [("x", "integer"), ("y", "string")]
        );
    }

    #[test]
    fn numeric_keys_are_a_map() {
        let t = infer(&json!({"12": {"ID": "12"}, "14": {"ID": "14", "NAME": "n"}}));
        assert!(t.fields().is_empty());
        assert_eq!(t.patterns()[0].pattern, "*");
        assert_eq!(
            names(&t.patterns()[0].ty),
            [("ID", "string"), ("NAME", "string")]
        );
    }
}
