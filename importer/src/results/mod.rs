//! The type of a method's `result`, from the page's evidence in this order: the returned-data
//! table (nested tables by anchor or heading), a row linking an entity's fields on another
//! page, the sibling `*.fields` method's field map (in [`entity`], once every page is read),
//! and last the response example's shape. Each decision is a reason on the method; an answer
//! that stays untyped says why.
//!
//! A page is read alone ([`result`]); objects that describe an entity (`crm.deal.get`'s deal,
//! `crm.deal.list`'s items) are then shared by every method of that entity as one named type
//! ([`entity::share`]). [`measure`] counts how much of the API is typed.

pub(crate) mod alike;
pub(crate) mod entity;
pub(crate) mod field_answers;
pub mod measure;
pub(crate) mod selected;
mod table;

use std::path::Path;

use bitrix_spec::{Field, Kind, Type};
use serde_json::Value;

use crate::fieldtable;
use crate::linked::Linked;
use crate::page::Page;
use crate::reconcile;
use crate::shape;

/// One step from `result` down to an object inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// The value of this key.
    Field(String),
    /// The elements of a list.
    Items,
}

/// Where an entity's object sits in a result, and what documents its fields.
#[derive(Debug)]
pub(crate) struct EntityUse {
    /// The steps from `result` to the object.
    pub(crate) path: Vec<Step>,
    /// What documents the fields.
    pub(crate) origin: Origin,
}

/// What documents an entity's fields, strongest first.
#[derive(Debug)]
pub(crate) enum Origin {
    /// A field table on another page (or under an anchor of one).
    Linked(Linked),
    /// This page's returned-data table.
    Table,
    /// Only this page's response example.
    Example,
    /// The field table of the entity's `*.fields` page, whose own answer is a map of field
    /// descriptions: it offers the fields without using the entity.
    FieldsTable(Vec<Field>),
}

/// The result of one page.
pub(crate) struct Found {
    /// The type of `result` (inside the REST 3.0 wrapper).
    pub(crate) ty: Type,
    /// The entity object inside it, for methods that answer with an entity.
    pub(crate) entity: Option<EntityUse>,
    /// Whether the page documents a result (a returned-data table or a response example).
    pub(crate) documented: bool,
    /// Where the type comes from: reasons that record evidence rather than doubt.
    pub(crate) notes: Vec<String>,
    /// The method whose answer the page says this one's is like, when it documents none.
    pub(crate) alike: Option<String>,
    /// Whether the page says the answer may be `null` or `false` instead of this type.
    pub(crate) may_be_absent: bool,
}

/// Last name segments of methods that answer with their entity (or a list of them).
const ENTITY_ACTIONS: [&str; 7] = ["get", "list", "getlist", "search", "add", "update", "set"];

/// The page's result type, checked against its response example (`example` is `result`
/// without the REST 3.0 wrapper). Contradictions and gaps go to `reasons`.
pub(crate) fn result(
    root: &Path,
    rel: &str,
    page: &Page<'_>,
    name: &str,
    example: Option<&Value>,
    kinds: &reconcile::Kinds,
    reasons: &mut Vec<String>,
) -> Found {
    let mut notes = Vec::new();
    let action = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let from_table = table::read(root, rel, page, 0);
    let says_absent = from_table.as_ref().is_some_and(|t| t.may_be_absent)
        || table::prose_says_may_be_absent(page);
    let has_section = table::section(page).is_some();
    let documented = from_table.is_some() || example.is_some();
    let mut origin = Origin::Table;
    let mut path = None;
    let fields_method = matches!(action.as_str(), "fields" | "getfields");
    let map = example.and_then(|v| field_map(v, name, page));
    let mut ty = match from_table {
        // A `*.fields` table lists the entity's fields; the answer describes each of them —
        // unless the table itself documents the map and the object under each key.
        Some(t) if fields_method && map.is_some() && !documents_map(&t.ty) => {
            if !t.ty.fields().is_empty() {
                origin = Origin::FieldsTable(t.ty.fields().to_vec());
                path = Some(Vec::new());
            }
            notes.push(
                "result: a map of field descriptions (response example); the table's fields describe the entity"
                    .to_owned(),
            );
            map.clone().unwrap_or_default()
        }
        Some(t) if is_typed(&t.ty) => {
            notes.push("result: typed by the returned-data table".to_owned());
            if let Some((p, linked)) = t.linked {
                notes.push(format!(
                    "result: {} entity fields from {}",
                    linked.fields.len(),
                    linked.source
                ));
                path = Some(p);
                origin = Origin::Linked(linked);
            }
            let mut ty = t.ty;
            // A table of the keys of `result` for an answer that is a list of such objects.
            if !t.has_result_row && example.is_some_and(Value::is_array) {
                ty = Type::of(Kind::array_of(ty));
                notes.push("result: the table's keys are those of each listed object".to_owned());
            }
            ty
        }
        // No returned-data table nor example: a field table under a heading of its own
        // ("## Fields") still describes the entity, though not this answer.
        None if fields_method && map.is_none() => {
            if let Some(fields) = own_field_table(page) {
                notes.push(format!(
                    "entity: {} fields from the page's own field table",
                    fields.len()
                ));
                origin = Origin::FieldsTable(fields);
                path = Some(Vec::new());
            }
            Type::of(Kind::Any)
        }
        _ => Type::of(Kind::Any),
    };
    if let Some(inner) = example.and_then(|value| wrapped_key(&ty, value)) {
        notes.push(format!(
            "result: the table documents the wrapper key `{}`; typed by its value",
            inner.name
        ));
        ty = inner.ty;
    }
    if !is_typed(&ty) {
        if let Some(value) = example {
            ty = match map {
                Some(map) => {
                    notes.push("result: a map of field descriptions (response example)".to_owned());
                    map
                }
                None => {
                    origin = Origin::Example;
                    reasons.push(
                        "result: shape inferred from the response example, every field optional"
                            .to_owned(),
                    );
                    shape::infer(value)
                }
            };
        }
    }
    // A list by name (`*.list`), or by its title ("Get Calendar Events List" for
    // `calendar.event.get`).
    let list = measure::is_list(name) || title_says_list(page);
    // An answer whose result is `null` has no shape to decode, whatever the table says.
    if example == Some(&Value::Null) && ty.kind != Kind::Any {
        reasons.push("result: the response example's result is null; typed any".to_owned());
        ty = Type::of(Kind::Any);
    }
    match example {
        Some(value) => {
            fit_to_example(&mut ty, value, reasons);
            reconcile::result(&mut ty, value, kinds, reasons);
        }
        // A list answers with a list: a table of one object's keys describes each element.
        None if list && main_object(&ty, true).is_none() && !ty.fields().is_empty() => {
            ty = Type::of(Kind::array_of(ty));
            reasons.push(
                "result: the table's fields are those of each listed object (a list method)"
                    .to_owned(),
            );
        }
        None => {}
    }
    let path = path.or_else(|| {
        ENTITY_ACTIONS
            .contains(&action.as_str())
            .then(|| main_object(&ty, list))
            .flatten()
    });
    if !is_typed(&ty) && documented {
        reasons.push(format!(
            "result untyped: {}",
            why_untyped(&ty, example, has_section)
        ));
    }
    Found {
        alike: (!documented).then(|| alike::said(page)).flatten(),
        entity: path.map(|path| EntityUse { path, origin }),
        // `false` and `null` are values of a flag or an untyped answer, not its absence.
        may_be_absent: says_absent && !ty.kind.holds_false_and_null(),
        ty,
        documented,
        notes,
    }
}

/// The fields of a `*.fields` page's field table under a section about fields (not the
/// parameters, errors or examples): at least two, or `None`.
fn own_field_table(page: &Page<'_>) -> Option<Vec<Field>> {
    let heading = page.headings.iter().find(|h| {
        let t = h.title.to_lowercase();
        h.level >= 2
            && t.contains("field")
            && !["parameter", "error", "example"]
                .iter()
                .any(|w| t.contains(w))
    })?;
    let table = page
        .tables_in(page.section(heading))
        .find(|t| t.rows.first().is_some_and(|r| fieldtable::is_header(r)))?;
    let mut used = std::collections::BTreeSet::from([table.line]);
    let (fields, _) = fieldtable::fields_of(page, table, &mut used, &mut Vec::new());
    (fields.len() >= 2).then_some(fields)
}

/// The one key of a documented object whose value the response example is: a REST 3.0 table
/// documents `result` → `items` (the wrapper the example is already taken out of).
fn wrapped_key(ty: &Type, value: &Value) -> Option<Field> {
    let [only] = ty.fields() else { return None };
    if value
        .as_object()
        .is_some_and(|o| o.contains_key(&only.name))
    {
        return None;
    }
    let fits = match &only.ty.kind {
        Kind::Array(_) => value.is_array(),
        Kind::Object { .. } => value.is_object(),
        _ => false,
    };
    fits.then(|| only.clone())
}

/// A documented object (or list of objects) none of whose keys the response example has: the
/// table describes the object under the example's one key (`{booking: [{…}]}`, or a map keyed
/// by ids), or else the example is followed.
fn fit_to_example(ty: &mut Type, value: &Value, reasons: &mut Vec<String>) {
    let Value::Object(sent) = value else { return };
    let object = match ty.items() {
        Some(item) => item,
        None => &*ty,
    };
    let own = object.fields();
    if own.is_empty() || sent.is_empty() || own.iter().any(|f| sent.contains_key(&f.name)) {
        return;
    }
    let object = object.clone();
    // The table's one key and the example's one key, of one kind and spelt alike
    // (`paymentItemBasket`, `paymentItemsBasket`): the same key, as the wire spells it.
    if let (1, 1, None, Some((key, sent_value))) =
        (own.len(), sent.len(), ty.items(), sent.iter().next())
    {
        let field = &own[0];
        let same_kind = matches!(
            (&field.ty.kind, sent_value),
            (Kind::Array(_), Value::Array(_)) | (Kind::Object { .. }, Value::Object(_))
        );
        if same_kind && spelt_alike(&field.name, key) {
            reasons.push(format!(
                "result: the table's `{}` is the response example's `{key}`, spelt differently; the example's spelling is kept",
                field.name
            ));
            let key = key.clone();
            // Renamed in place: the object keeps its doc type and patterns.
            if let Some(field) = ty.fields_mut().and_then(|f| f.first_mut()) {
                field.name = key;
            }
            return;
        }
    }
    // A map keyed by id (`{"12": {…}}`) or by code (two keys at least: one is a wrapper),
    // whose every value has some of the table's keys.
    let ids = sent.keys().all(|k| k.parse::<u64>().is_ok());
    let keyed = (ids || sent.len() >= 2) && values_are(own, sent);
    let mut keys = sent.iter();
    *ty = match (keys.next(), keys.next()) {
        _ if keyed => {
            reasons.push(format!(
                "result: the table's fields are those of each value of a map keyed by {} in the response example",
                if ids { "id" } else { "code" }
            ));
            Type::of(Kind::map_of(object))
        }
        (Some((key, Value::Array(_))), None) => {
            reasons.push(format!(
                "result: the table's fields are those of each `{key}` element in the response example"
            ));
            Type::of(Kind::object_of(vec![Field::new(
                key.clone(),
                false,
                Type::of(Kind::array_of(object)),
            )]))
        }
        (Some((key, Value::Object(_))), None) => {
            reasons.push(format!(
                "result: the table's fields are those of `{key}` in the response example"
            ));
            Type::of(Kind::object_of(vec![Field::new(
                key.clone(),
                false,
                object,
            )]))
        }
        _ => {
            reasons.push(
                "result: the response example has none of the table's keys; typed from the example"
                    .to_owned(),
            );
            shape::infer(value)
        }
    };
}

/// Whether two key names of six letters or more differ by at most two letters, case aside (a
/// plural `s`, a typo).
fn spelt_alike(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (
        a.to_lowercase().chars().collect(),
        b.to_lowercase().chars().collect(),
    );
    // Edit distance, one row at a time.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()] <= 2 && a.len().min(b.len()) >= 6
}

/// Whether the values of `map` are the documented object of `fields` rather than `map` being
/// that object: no key of `map` is a field (in any case), and most keys of every value are.
pub(crate) fn values_are(fields: &[Field], map: &serde_json::Map<String, Value>) -> bool {
    let documented = |k: &String| fields.iter().any(|f| f.name.eq_ignore_ascii_case(k));
    !map.is_empty()
        && !map.keys().any(documented)
        && map.values().all(|v| {
            v.as_object().is_some_and(|o| {
                let known = o.keys().filter(|k| documented(k)).count();
                known > 0 && 2 * known >= o.len()
            })
        })
}

/// Why a documented result stays `any`.
fn why_untyped(ty: &Type, example: Option<&Value>, has_section: bool) -> &'static str {
    match example {
        Some(Value::Null) => "the response example's result is null",
        Some(Value::Array(a)) if a.is_empty() => "the response example's result is an empty list",
        Some(Value::Object(o)) if o.is_empty() => {
            "the response example's result is an empty object"
        }
        Some(_) => "the response example's result mixes kinds",
        None if !has_section => "no returned-data section and no response example",
        None => match ty.kind {
            Kind::Union(_) => "the table documents alternatives and there is no response example",
            _ => "the table documents no fields and there is no response example",
        },
    }
}

/// A result worth a name: anything but `any`, an object without keys, a list of unknowns, or
/// a union (which generated code holds as JSON).
pub(crate) fn is_typed(ty: &Type) -> bool {
    match &ty.kind {
        Kind::Any | Kind::Union(_) | Kind::Array(None) => false,
        Kind::Object { fields, patterns } => !fields.is_empty() || !patterns.is_empty(),
        Kind::Array(Some(item)) => is_typed(item),
        _ => true,
    }
}

/// The object an entity answer is about: the result itself, the elements of a result list,
/// or the object or list under the one key that wraps it (`{item: …}`, `{tasks: […]}`). A
/// `list` answer is about the elements of a list.
pub(crate) fn main_object(ty: &Type, list: bool) -> Option<Vec<Step>> {
    // Entities may take custom fields by pattern (`UF_CRM_*`) beside their named ones.
    let described = |t: &Type| !t.fields().is_empty();
    let listed = |t: &Type| t.items().is_some_and(described);
    match &ty.kind {
        Kind::Array(Some(item)) if described(item) => Some(vec![Step::Items]),
        Kind::Object { fields, .. } if list => {
            let mut lists: Vec<&Field> = fields.iter().filter(|f| listed(&f.ty)).collect();
            if lists.is_empty() {
                // The one list of objects whose fields the page leaves out (`items: [{}]`):
                // the entity its sibling pages document.
                let objects = |t: &Type| {
                    t.items()
                        .is_some_and(|i| matches!(i.kind, Kind::Object { .. }))
                };
                lists = fields.iter().filter(|f| objects(&f.ty)).collect();
            }
            match lists.as_slice() {
                [f] => Some(vec![Step::Field(f.name.clone()), Step::Items]),
                _ => None,
            }
        }
        Kind::Object { fields, .. } => match fields.as_slice() {
            [one] if described(&one.ty) => Some(vec![Step::Field(one.name.clone())]),
            [one] => match one.ty.items() {
                Some(item) if described(item) => {
                    Some(vec![Step::Field(one.name.clone()), Step::Items])
                }
                _ => None,
            },
            [_, _, ..] => Some(Vec::new()),
            [] => None,
        },
        _ => None,
    }
}

/// A `*.fields` answer: every key a field name, every value a description with its `type`
/// (`TYPE` in older modules). A map of the docs' field description type where the keys are
/// that type's, else of the descriptions' shape.
fn field_map(value: &Value, method: &str, page: &Page<'_>) -> Option<Type> {
    let map = value.as_object()?;
    let has = |v: &Value, keys: &[&str]| keys.iter().any(|k| v.get(k).is_some());
    let described = map.len() >= 2
        && map.values().all(|v| {
            ["type", "TYPE"]
                .iter()
                .any(|k| v.get(k).is_some_and(Value::is_string))
                && has(
                    v,
                    &[
                        "isRequired",
                        "isReadOnly",
                        "title",
                        "USE_IN_FILTER",
                        "TITLE",
                    ],
                )
        });
    if !described {
        return None;
    }
    let crm = method.to_ascii_lowercase().starts_with("crm.");
    let named = map
        .values()
        .all(|v| has(v, &["type"]))
        .then(|| {
            ["crm_rest_field_description", "rest_field_description"]
                .into_iter()
                .filter(|n| crm || !n.starts_with("crm_"))
                .find(|n| page.known.contains(*n))
        })
        .flatten();
    let ty = match named {
        Some(name) => Type::of(Kind::Named(name.to_owned())),
        None => map.values().map(shape::infer).reduce(shape::merge)?,
    };
    Some(Type::of(Kind::map_of(ty)))
}

#[cfg(test)]
mod tests;

/// Whether `ty` is a map (`*` keys) whose values have documented fields.
fn documents_map(ty: &Type) -> bool {
    ty.fields().is_empty()
        && matches!(ty.patterns(), [one] if one.pattern == "*" && !one.ty.fields().is_empty())
}

/// Whether the page's title calls what the method returns a list.
fn title_says_list(page: &Page<'_>) -> bool {
    page.headings
        .iter()
        .find(|h| h.level == 1)
        .is_some_and(|h| {
            h.title
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w.eq_ignore_ascii_case("list"))
        })
}
