//! Types checked against the page's own examples. The tables and the examples of one page do
//! not always agree (a `select` typed `object` that the example sends as a list of names, an
//! `integer` status id sent as `"MS"`, keys the table does not list). The example is a call the
//! server accepts, so where the two contradict in JSON kind the type follows the example, and
//! each change is a reason (the method's confidence drops to medium).

use std::collections::BTreeMap;

use bitrix_spec::Ty;
use serde_json::Value;

/// Kinds of the named types, by name (a named type's own `type`).
pub type Kinds = BTreeMap<String, String>;

/// Reconciles the parameters with the request example (a JSON object); `v1` says whether the
/// method is REST v1 (which reads top-level keys in any case).
pub fn request(
    params: &mut Vec<Ty>,
    example: &Value,
    kinds: &Kinds,
    v1: bool,
    reasons: &mut Vec<String>,
) {
    let Value::Object(sent) = example else {
        return;
    };
    let mut cx = Cx {
        kinds,
        reasons,
        loosen_only: false,
        adopt_case: v1,
    };
    cx.fields(params, &[], sent, "");
}

/// Reconciles a result type with the `result` of a response example: where they contradict,
/// the type becomes loose JSON (`any`) at that point.
pub fn result(result: &mut Ty, value: &Value, kinds: &Kinds, reasons: &mut Vec<String>) {
    let mut cx = Cx {
        kinds,
        reasons,
        loosen_only: true,
        adopt_case: false,
    };
    cx.ty(result, value, "result");
}

struct Cx<'a> {
    kinds: &'a Kinds,
    reasons: &'a mut Vec<String>,
    /// Results: a contradiction makes the type `any` instead of retyping it.
    loosen_only: bool,
    /// Whether a key the example spells in another case takes the example's spelling.
    adopt_case: bool,
}

impl Cx<'_> {
    fn fields(
        &mut self,
        fields: &mut Vec<Ty>,
        patterns: &[Ty],
        sent: &serde_json::Map<String, Value>,
        path: &str,
    ) {
        for (key, value) in sent {
            let here = join(path, key);
            if let Some(f) = fields.iter_mut().find(|f| f.wire_name() == key) {
                self.ty(f, value, &here);
                continue;
            }
            // A result's extra field, a placeholder's key, or a key of a free-form map (a
            // filter): not a parameter of its own.
            let free_form = !path.is_empty() && fields.is_empty();
            if self.loosen_only || !patterns.is_empty() || free_form {
                continue;
            }
            // Inside a documented object, an unlisted key is more often a slip of the example
            // than a field: it is reported, not added.
            if !path.is_empty() {
                self.reasons.push(format!(
                    "`{here}` is not in the table; the request example sends it (not added)"
                ));
                continue;
            }
            // A key spelled in another case than the table's row: REST v1 reads such keys
            // case-insensitively, and the example is a call the server answered, so a v1 method
            // sends the example's spelling; REST 3.0 keeps the table's.
            if let Some(f) = fields
                .iter_mut()
                .find(|f| f.wire_name().eq_ignore_ascii_case(key))
            {
                let table = f.wire_name().to_owned();
                if self.adopt_case {
                    f.name = Some(key.clone());
                    self.ty(f, value, &here);
                }
                self.reasons.push(format!(
                    "`{here}`: the table spells it `{table}`; {}",
                    if self.adopt_case {
                        "the request example's spelling is sent (REST v1)"
                    } else {
                        "the table's spelling is kept"
                    }
                ));
                continue;
            }
            let mut f = infer(value);
            f.name = Some(key.clone());
            f.required = Some(false);
            self.reasons.push(format!(
                "`{here}` is not in the table; the request example sends it (typed {})",
                describe(&f)
            ));
            fields.push(f);
        }
    }

    /// The kind a type has on the wire: named types by their own kind.
    fn base<'k>(&'k self, ty: &'k Ty) -> &'k str {
        self.kinds
            .get(&ty.kind)
            .map_or(ty.kind.as_str(), String::as_str)
    }

    fn ty(&mut self, ty: &mut Ty, value: &Value, path: &str) {
        let base = self.base(ty).to_owned();
        let fits = match (base.as_str(), value) {
            (_, Value::Null) | ("any" | "union" | "file", _) => true,
            ("integer" | "timestamp", Value::Number(n)) => n.is_i64() || n.is_u64(),
            ("integer" | "timestamp", Value::String(s)) => {
                s.trim().is_empty() || s.trim().parse::<i64>().is_ok()
            }
            ("double", Value::Number(_)) => true,
            ("double", Value::String(s)) => s.trim().is_empty() || s.trim().parse::<f64>().is_ok(),
            // An identifier the table calls a string but the example sends as an integer is
            // an integer (the tables type many ids loosely).
            ("string", Value::Number(n)) if !self.loosen_only && (n.is_i64() || n.is_u64()) => {
                !names_an_id(ty.wire_name())
            }
            ("string" | "date" | "datetime", Value::String(_) | Value::Number(_)) => true,
            ("boolean", Value::Bool(_)) | ("yn", Value::Bool(_)) => true,
            ("yn", Value::String(s)) => matches!(s.as_str(), "Y" | "N"),
            ("boolean", Value::String(s)) if matches!(s.as_str(), "Y" | "N") => {
                if !self.loosen_only {
                    ty.kind = "yn".to_owned();
                    self.reasons.push(format!(
                        "`{path}`: the docs say boolean, the example sends `{s}`; typed Y/N"
                    ));
                }
                true
            }
            ("object", Value::Object(map)) => {
                if ty.kind == "object" {
                    let patterns = ty.patterns.clone();
                    self.fields(&mut ty.fields, &patterns, map, path);
                }
                true
            }
            ("object", Value::Array(items)) => items.is_empty(),
            ("array", Value::Array(items)) => {
                if let Some(item) = ty.items.as_deref_mut() {
                    for (i, v) in items.iter().enumerate() {
                        self.ty(item, v, &format!("{path}[{i}]"));
                    }
                }
                true
            }
            // PHP sends a list with holes, or a keyed list, as an object.
            ("array", Value::Object(map)) => {
                self.loosen_only && map.keys().all(|k| k.parse::<u64>().is_ok())
            }
            _ => false,
        };
        if !fits {
            self.retype(ty, value, path);
        }
    }

    fn retype(&mut self, ty: &mut Ty, value: &Value, path: &str) {
        let before = describe(ty);
        let name = ty.name.take();
        let required = ty.required;
        let doc_type = ty.doc_type.clone().or_else(|| Some(before.clone()));
        let new = if self.loosen_only {
            Ty::of("any")
        } else {
            match (ty.kind.as_str(), value) {
                // A documented object sent as a list: a list of such objects, or of names.
                ("object", Value::Array(items)) => {
                    let mut t = Ty::of("array");
                    let item = if items.iter().all(Value::is_object) {
                        let mut item = Ty::of("object");
                        item.fields = std::mem::take(&mut ty.fields);
                        item.patterns = std::mem::take(&mut ty.patterns);
                        item
                    } else {
                        infer(&items[0])
                    };
                    t.items = Some(Box::new(item));
                    t
                }
                // A documented list sent as an object: an object of its items' fields.
                ("array", Value::Object(_)) => {
                    let mut t = Ty::of("object");
                    if let Some(item) = ty.items.take() {
                        if item.kind == "object" {
                            t.fields = item.fields;
                            t.patterns = item.patterns;
                        }
                    }
                    t
                }
                // A scalar sent where a list or object is documented, or the other way round,
                // or a number sent as text: the example's kind.
                _ => infer(value),
            }
        };
        *ty = Ty {
            name,
            required,
            doc_type,
            ..new
        };
        self.reasons.push(format!(
            "`{path}`: the docs say {before}, the {} example sends {}; typed {}",
            if self.loosen_only {
                "response"
            } else {
                "request"
            },
            kind_of(value),
            describe(ty)
        ));
        // Within the new type, the example has the last word too.
        if let ("object", Value::Object(map), false) = (ty.kind.as_str(), value, self.loosen_only) {
            let patterns = ty.patterns.clone();
            self.fields(&mut ty.fields, &patterns, map, path);
        }
    }
}

/// Whether a field name names an identifier (`ID`, `ENTITY_ID`, `psInvoiceId`, `host` is not).
fn names_an_id(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "id" || lower.ends_with("_id") || (lower.ends_with("id") && name.ends_with("Id"))
}

/// A type for a value the tables do not describe.
fn infer(value: &Value) -> Ty {
    match value {
        Value::Bool(_) => Ty::of("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ty::of("integer"),
        Value::Number(_) => Ty::of("double"),
        Value::String(_) => Ty::of("string"),
        Value::Array(items) => {
            let mut t = Ty::of("array");
            if let Some(first) = items.first().filter(|v| !v.is_object() && !v.is_array()) {
                let item = infer(first);
                // Every element must fit the first one's type.
                if items.iter().all(|v| kind_of(v) == kind_of(first)) {
                    t.items = Some(Box::new(item));
                }
            }
            t
        }
        Value::Object(_) => Ty::of("object"),
        Value::Null => Ty::of("any"),
    }
}

fn describe(ty: &Ty) -> String {
    match &ty.items {
        Some(item) => format!("{}[]", describe(item)),
        None => ty.kind.clone(),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(s) if s.trim().parse::<f64>().is_ok() => "a number as text",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn param(name: &str, kind: &str) -> Ty {
        let mut t = Ty::of(kind);
        t.name = Some(name.to_owned());
        t.required = Some(false);
        t
    }

    #[test]
    fn the_example_decides_where_the_kinds_contradict() {
        let mut select = param("select", "object");
        select.fields = vec![param("ID", "integer")];
        let mut params = vec![select, param("id", "integer"), param("filter", "array")];
        let mut reasons = Vec::new();
        let example = json!({"select": ["ID"], "id": "MS", "filter": {"ID": 1}, "extra": 5});
        request(&mut params, &example, &Kinds::new(), true, &mut reasons);
        let kinds: Vec<String> = params.iter().map(describe).collect();
        assert_eq!(kinds, ["string[]", "string", "object", "integer"]);
        assert_eq!(params[3].wire_name(), "extra");
        assert_eq!(params[3].required, Some(false));
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(
            reasons.contains(
                &"`select`: the docs say object, the request example sends a list; typed string[]"
                    .to_owned()
            ),
            "{reasons:?}"
        );
    }

    #[test]
    fn ids_sent_as_integers_are_integers() {
        let mut params = vec![param("ENTITY_ID", "string"), param("CODE", "string")];
        let mut reasons = Vec::new();
        request(
            &mut params,
            &json!({"ENTITY_ID": 1, "CODE": 796}),
            &Kinds::new(),
            true,
            &mut reasons,
        );
        assert_eq!(
            (params[0].kind.as_str(), params[1].kind.as_str()),
            ("integer", "string")
        );
        assert!(names_an_id("psInvoiceId") && names_an_id("id") && !names_an_id("paid"));
    }

    #[test]
    fn agreeing_examples_change_nothing() {
        let mut params = vec![param("id", "integer"), param("flag", "yn")];
        let before = params.clone();
        let mut reasons = Vec::new();
        request(
            &mut params,
            &json!({"id": "5", "flag": "Y"}),
            &Kinds::new(),
            true,
            &mut reasons,
        );
        assert_eq!(params, before);
        assert!(reasons.is_empty());
    }

    #[test]
    fn case_differences_take_the_examples_spelling_in_v1_only() {
        for (v1, sent) in [(true, "FILTER"), (false, "filter")] {
            let mut params = vec![param("filter", "object")];
            let mut reasons = Vec::new();
            request(
                &mut params,
                &json!({"FILTER": {}}),
                &Kinds::new(),
                v1,
                &mut reasons,
            );
            assert_eq!(params[0].wire_name(), sent);
            assert_eq!((params.len(), reasons.len()), (1, 1));
        }
    }

    #[test]
    fn results_only_loosen() {
        let mut t = Ty::of("boolean");
        let mut reasons = Vec::new();
        result(&mut t, &json!({"task": true}), &Kinds::new(), &mut reasons);
        assert_eq!(t.kind, "any");
        assert_eq!(reasons.len(), 1);
    }
}
