//! Types checked against the page's own examples. The tables and the examples of one page do
//! not always agree (a `select` typed `object` that the example sends as a list of names, an
//! `integer` status id sent as `"MS"`, keys the table does not list). The example is a call the
//! server accepts, so where the two contradict in JSON kind the type follows the example, and
//! each change is a reason (the method's confidence drops to medium).

use std::collections::BTreeMap;

use bitrix_spec::{Field, KeyPattern, Kind, Type};
use serde_json::Value;

/// Kinds of the named types, by name (a named type's own kind).
pub type Kinds = BTreeMap<String, Kind>;

/// Reconciles the parameters with the request example (a JSON object); `v1` says whether the
/// method is REST v1 (which reads top-level keys in any case).
pub fn request(
    params: &mut Vec<Field>,
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
    cx.fields(params, false, sent, "");
}

/// Reconciles a result type with the `result` of a response example: where they contradict,
/// the type follows the example at that point (its shape as [`crate::shape`] infers it).
pub fn result(result: &mut Type, value: &Value, kinds: &Kinds, reasons: &mut Vec<String>) {
    let mut cx = Cx {
        kinds,
        reasons,
        loosen_only: true,
        adopt_case: false,
    };
    cx.ty(result, "", value, "result");
}

/// What a type accepts on the wire, as far as reconciling is concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wire {
    /// Anything: `any`, unions, files.
    Loose,
    /// Integers and timestamps.
    Integer,
    Double,
    /// Strings, dates and date-times.
    Text,
    /// Exactly `string` (an id sent as a number may retype it).
    String,
    Boolean,
    Yn,
    Object,
    Array,
    /// A named type that names another named type, or one the spec lacks.
    Unresolved,
}

impl Wire {
    fn of(kind: &Kind) -> Wire {
        match kind {
            Kind::Any | Kind::Union(_) | Kind::File => Wire::Loose,
            Kind::Integer | Kind::Timestamp => Wire::Integer,
            Kind::Double => Wire::Double,
            Kind::String => Wire::String,
            Kind::Date | Kind::DateTime => Wire::Text,
            Kind::Boolean => Wire::Boolean,
            Kind::Yn => Wire::Yn,
            Kind::Object { .. } => Wire::Object,
            Kind::Array(_) => Wire::Array,
            Kind::Named(_) => Wire::Unresolved,
        }
    }
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
    /// `has_patterns`: the object also takes keys by pattern, so an unlisted key is one of those.
    fn fields(
        &mut self,
        fields: &mut Vec<Field>,
        has_patterns: bool,
        sent: &serde_json::Map<String, Value>,
        path: &str,
    ) {
        for (key, value) in sent {
            let here = join(path, key);
            if let Some(f) = fields.iter_mut().find(|f| f.name == *key) {
                self.ty(&mut f.ty, key, value, &here);
                continue;
            }
            // A result's extra field, a placeholder's key, or a key of a free-form map (a
            // filter): not a parameter of its own.
            let free_form = !path.is_empty() && fields.is_empty();
            if self.loosen_only || has_patterns || free_form {
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
            if let Some(f) = fields.iter_mut().find(|f| f.name.eq_ignore_ascii_case(key)) {
                let table = f.name.clone();
                if self.adopt_case {
                    f.name.clone_from(key);
                    self.ty(&mut f.ty, key, value, &here);
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
            let f = Field::new(key.clone(), false, infer(value));
            self.reasons.push(format!(
                "`{here}` is not in the table; the request example sends it (typed {})",
                describe(&f.ty)
            ));
            fields.push(f);
        }
    }

    /// How the type is sent: named types by their own kind.
    fn wire(&self, ty: &Type) -> Wire {
        match ty.kind.named().and_then(|n| self.kinds.get(n)) {
            Some(kind) => Wire::of(kind),
            None => Wire::of(&ty.kind),
        }
    }

    /// Checks `ty` (of the field `name`, or `""`) against the `value` an example sends.
    fn ty(&mut self, ty: &mut Type, name: &str, value: &Value, path: &str) {
        // An answer's field whose row gives no type at all: the kind its example sends.
        let untyped_field = !name.is_empty() && ty.kind == Kind::Any && ty.doc_type.is_none();
        if self.loosen_only && untyped_field {
            let shown = infer(value);
            if matches!(
                shown.kind,
                Kind::Integer | Kind::Double | Kind::String | Kind::Boolean
            ) {
                self.reasons.push(format!(
                    "`{path}`: no type in the table; typed {} from the response example",
                    describe(&shown)
                ));
                ty.kind = shown.kind;
                return;
            }
        }
        let fits = match (self.wire(ty), value) {
            (_, Value::Null) | (Wire::Loose, _) => true,
            // `your_product_id`, `**put_id_here**`: a slot for the reader, not a value.
            (_, Value::String(s)) if is_fill_in(s) => true,
            (Wire::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Wire::Integer, Value::String(s)) => {
                s.trim().is_empty() || s.trim().parse::<i64>().is_ok()
            }
            (Wire::Double, Value::Number(_)) => true,
            (Wire::Double, Value::String(s)) => {
                s.trim().is_empty() || s.trim().parse::<f64>().is_ok()
            }
            // An identifier the table calls a string but the example sends as an integer is
            // an integer (the tables type many ids loosely).
            (Wire::String, Value::Number(n)) if !self.loosen_only && (n.is_i64() || n.is_u64()) => {
                !names_an_id(name)
            }
            (Wire::String | Wire::Text, Value::String(_) | Value::Number(_)) => true,
            (Wire::Boolean | Wire::Yn, Value::Bool(_)) => true,
            (Wire::Yn, Value::String(s)) => matches!(s.as_str(), "Y" | "N"),
            // Requests and answers alike: a flag sent as `Y`/`N` is a Y/N flag.
            (Wire::Boolean, Value::String(s)) if matches!(s.as_str(), "Y" | "N") => {
                if ty.kind == Kind::Boolean {
                    ty.kind = Kind::Yn;
                    self.reasons.push(format!(
                        "`{path}`: the docs say boolean, the example sends `{s}`; typed Y/N"
                    ));
                }
                true
            }
            (Wire::Object, Value::Object(map)) => {
                if self.loosen_only {
                    self.keyed_map(ty, map, path);
                }
                // A named object type is checked where it is defined, not at each use.
                if let Kind::Object { fields, patterns } = &mut ty.kind {
                    self.fields(fields, !patterns.is_empty(), map, path);
                }
                true
            }
            (Wire::Object, Value::Array(items)) => items.is_empty(),
            (Wire::Array, Value::Array(items)) => {
                match &mut ty.kind {
                    Kind::Array(Some(item)) => {
                        for (i, v) in items.iter().enumerate() {
                            self.ty(item, "", v, &format!("{path}[{i}]"));
                        }
                    }
                    Kind::Array(items_type @ None) => {
                        if let Some(item) = self.items_shown(items, path) {
                            *items_type = Some(Box::new(item));
                        }
                    }
                    _ => {}
                }
                true
            }
            // PHP sends a list with holes, or a keyed list, as an object: a request may send
            // either; an answer that does so does not decode as a list (see `retype`).
            (Wire::Array, Value::Object(_)) => false,
            _ => false,
        };
        if !fits {
            self.retype(ty, value, path);
        }
    }

    /// The item type of a list the docs leave untyped (`array`), from the items an example
    /// sends when they are scalars of one kind (`to: ["a@b.c"]`).
    fn items_shown(&mut self, items: &[Value], path: &str) -> Option<Type> {
        let item = items
            .iter()
            .map(crate::shape::infer)
            .reduce(crate::shape::merge)?;
        let scalar = matches!(
            item.kind,
            Kind::Integer | Kind::Double | Kind::String | Kind::Boolean
        );
        // Objects are left to the answer's own reading, which names the entity they are.
        if !scalar {
            return None;
        }
        self.reasons.push(format!(
            "`{path}`: a list by the docs; its items are typed {} from the {} example",
            describe(&item),
            if self.loosen_only {
                "response"
            } else {
                "request"
            }
        ));
        Some(item)
    }

    /// The one key an answer's example wraps a documented map of objects in (`{"fields":
    /// {"id": {…}, "name": {…}}}` where the table says the result is that map).
    fn map_wrapper(
        &self,
        fields: &[Field],
        patterns: &[KeyPattern],
        map: &serde_json::Map<String, Value>,
    ) -> Option<String> {
        let [only] = patterns else { return None };
        let element = match &only.ty.kind {
            Kind::Named(name) => self.kinds.get(name)?,
            kind => kind,
        };
        let Kind::Object {
            fields: element, ..
        } = element
        else {
            return None;
        };
        let (key, Value::Object(inner)) = map.iter().next()? else {
            return None;
        };
        let wrapped = fields.is_empty()
            && only.pattern == "*"
            && map.len() == 1
            && !element.is_empty()
            && !crate::results::values_are(element, map)
            && crate::results::values_are(element, inner);
        wrapped.then(|| key.clone())
    }

    /// An answer's object that the example shows as a map of objects keyed by id or code
    /// (`{"23": {…}, "27": {…}}`, `{"de": {…}, "uk": {…}}`) becomes that map: each value is the
    /// documented object, or the shape the values share when the table lists no fields.
    fn keyed_map(&mut self, ty: &mut Type, map: &serde_json::Map<String, Value>, path: &str) {
        let Kind::Object { fields, patterns } = &ty.kind else {
            return;
        };
        if let Some(wrapper) = self.map_wrapper(fields, patterns, map) {
            self.reasons.push(format!(
                "`{path}`: the response example puts the documented map under `{wrapper}`"
            ));
            let inner = std::mem::take(&mut ty.kind);
            ty.kind = Kind::object_of(vec![Field::new(wrapper, false, Type::of(inner))]);
            return;
        }
        // A map the table describes without saying what its values are: the example's.
        if let [only] = patterns.as_slice() {
            if fields.is_empty() && only.pattern == "*" && only.ty.kind == Kind::Any {
                if let Some(element) = map
                    .values()
                    .map(crate::shape::infer)
                    .reduce(crate::shape::merge)
                {
                    self.reasons.push(format!(
                        "`{path}`: a map by the table; each value is typed from the response example"
                    ));
                    ty.kind = Kind::map_of(element);
                }
                return;
            }
        }
        if map.is_empty() || !patterns.is_empty() || !map.values().all(Value::is_object) {
            return;
        }
        let ids = map.keys().all(|k| k.parse::<u64>().is_ok());
        let element = if fields.is_empty() {
            // Without a table, only ids say the keys are not names of fields.
            if !ids {
                return;
            }
            map.values()
                .map(crate::shape::infer)
                .reduce(crate::shape::merge)
                .unwrap_or_default()
        } else {
            // Two keys at least: one unknown key over a documented object is a wrapper.
            if !(ids || map.len() >= 2) || !crate::results::values_are(fields, map) {
                return;
            }
            Type::of(Kind::object_of(fields.clone()))
        };
        self.reasons.push(format!(
            "`{path}`: the response example sends a map keyed by {}; each value is {}",
            if ids { "id" } else { "code" },
            if fields.is_empty() {
                "typed from the example"
            } else {
                "the documented object"
            }
        ));
        ty.kind = Kind::map_of(element);
    }

    fn retype(&mut self, ty: &mut Type, value: &Value, path: &str) {
        let before = describe(ty);
        let doc_type = ty.doc_type.clone().or_else(|| Some(before.clone()));
        let kind = if self.loosen_only {
            match (std::mem::take(&mut ty.kind), value) {
                // A documented object sent as a list of such objects.
                (Kind::Object { fields, patterns }, Value::Array(items))
                    if !fields.is_empty() && items.iter().all(Value::is_object) =>
                {
                    Kind::array_of(Type::of(Kind::Object { fields, patterns }))
                }
                // A documented list of objects sent as one such object.
                (Kind::Array(Some(item)), Value::Object(map))
                    if !item.fields().is_empty()
                        && !map.keys().all(|k| k.parse::<u64>().is_ok()) =>
                {
                    item.kind
                }
                // An object documented without its fields, sent as a list of objects: the
                // list the example shows.
                (Kind::Object { fields, .. }, Value::Array(items))
                    if fields.is_empty()
                        && !items.is_empty()
                        && items.iter().all(Value::is_object) =>
                {
                    crate::shape::infer(value).kind
                }
                // A scalar documented where the example sends a structure: the structure.
                (old, Value::Array(_) | Value::Object(_))
                    if !matches!(old, Kind::Object { .. } | Kind::Array(_)) =>
                {
                    crate::shape::infer(value).kind
                }
                // Otherwise what both allow, `any` where they differ: an answer typed one way
                // by one example and another way by the next settles on `any`, not on the
                // last one seen.
                (old, _) => crate::shape::merge(Type::of(old), crate::shape::infer(value)).kind,
            }
        } else {
            match (std::mem::take(&mut ty.kind), value) {
                // A documented object sent as a list: a list of such objects, or of names.
                (Kind::Object { fields, patterns }, Value::Array(items)) => {
                    let item = if items.iter().all(Value::is_object) {
                        Type::of(Kind::Object { fields, patterns })
                    } else {
                        infer(&items[0])
                    };
                    Kind::array_of(item)
                }
                // A documented list sent as an object: an object of its items' fields.
                (Kind::Array(item), Value::Object(_)) => match item.map(|i| i.kind) {
                    Some(Kind::Object { fields, patterns }) => Kind::Object { fields, patterns },
                    _ => Kind::object(),
                },
                // A scalar sent where a list or object is documented, or the other way round,
                // or a number sent as text: the example's kind.
                _ => infer(value).kind,
            }
        };
        // Only the page's spelling survives; what the docs said of the old type no longer fits.
        *ty = Type {
            kind,
            doc_type,
            ..Type::default()
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
        // Within the new type, the example has the last word too (a documented object kept
        // from a list the answer does not send is checked key by key).
        if let (Kind::Object { fields, patterns }, Value::Object(map)) = (&mut ty.kind, value) {
            self.fields(fields, !patterns.is_empty(), map, path);
        }
    }
}

/// Whether an example's text is a slot the reader fills in (`your_invoice_id`,
/// `**put_id_here**`, `<ID>`) rather than a value of some type.
fn is_fill_in(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    t.starts_with("your_")
        || t.starts_with("put_")
        || t.contains("**")
        || t.ends_with("_here")
        || (t.starts_with('<') && t.ends_with('>'))
}

/// Whether a field name names an identifier (`ID`, `ENTITY_ID`, `psInvoiceId`, `host` is not).
fn names_an_id(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "id" || lower.ends_with("_id") || (lower.ends_with("id") && name.ends_with("Id"))
}

/// A type for a value the tables do not describe.
fn infer(value: &Value) -> Type {
    let kind = match value {
        Value::Bool(_) => Kind::Boolean,
        Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
        Value::Number(_) => Kind::Double,
        Value::String(_) => Kind::String,
        Value::Array(items) => {
            let first = items.first().filter(|v| !v.is_object() && !v.is_array());
            // Every element must fit the first one's type.
            match first {
                Some(first) if items.iter().all(|v| kind_of(v) == kind_of(first)) => {
                    Kind::array_of(infer(first))
                }
                _ => Kind::Array(None),
            }
        }
        Value::Object(_) => Kind::object(),
        Value::Null => Kind::Any,
    };
    Type::of(kind)
}

fn describe(ty: &Type) -> String {
    match ty.items() {
        Some(item) => format!("{}[]", describe(item)),
        None => ty.kind.name().to_owned(),
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
#[path = "reconcile_tests.rs"]
mod tests;
