//! One named type per entity, shared by every method that answers with it: `crm.deal.get`,
//! `crm.deal.list` and `crm.deal.add` all return `crm_deal`, defined once from the strongest
//! evidence of the entity's pages (a linked or returned-data field table, else the sibling
//! `*.fields` method's field map, else a response example), never copied per method.
//!
//! An entity named like an identifier type of the data-types pages (`crm_deal`, "the integer
//! id of a deal") takes the name, and the identifier becomes `crm_deal.id`, the spelling the
//! catalog types use (`catalog_measure.id`).

use std::collections::BTreeMap;

use bitrix_spec::{
    ExampleKind, Field, KeyPattern, Kind, Method, MethodKey, NamedType, Type, Version,
};
use serde_json::Value;

use super::{EntityUse, Origin, Step};
use crate::{reconcile, typewords, Import};

/// The named type of an entity: the method name without its action, in snake case
/// (`sale.paymentItemShipment.add` → `sale_payment_item_shipment`); `None` for one-word names.
pub(crate) fn entity_name(method: &str) -> Option<String> {
    let (prefix, _) = method.rsplit_once('.')?;
    let mut out = String::new();
    let mut prev_lower = false;
    for c in prefix.chars() {
        if c == '.' {
            out.push('_');
            prev_lower = false;
        } else if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    Some(out)
}

/// One definition offered for an entity, by one method.
struct Offer {
    /// Strength of the evidence: 4 a field table of its own (a fields page, an anchor other
    /// pages link), 3 a method's returned-data table, 2 the sibling `*.fields` map, 1 a
    /// response example.
    rank: u8,
    fields: Vec<Field>,
    /// Keys that are patterns (`UF_*` custom fields).
    patterns: Vec<KeyPattern>,
    title: String,
    source: String,
}

/// Replaces the entity objects of `uses` by one named type per entity and adds those types.
pub(crate) fn share(import: &mut Import, uses: BTreeMap<MethodKey, EntityUse>) {
    let mut uses = uses;
    // A list whose page documents no answer joins its entity's group without offering
    // anything: it returns that entity when the other pages define it (see `undocumented_lists`).
    for (key, m) in &import.methods {
        let documented = import.documented_results.contains(key);
        if !documented && m.result.kind == Kind::Any && super::measure::is_list(&m.name) {
            uses.entry(key.clone()).or_insert(EntityUse {
                path: vec![Step::Items],
                origin: Origin::Example,
            });
        }
    }
    // Entities by (type name, version), with their users.
    let mut groups: BTreeMap<(String, Version), Vec<(MethodKey, EntityUse)>> = BTreeMap::new();
    for (key, u) in uses {
        if let Some(name) = entity_name(&key.0) {
            groups.entry((name, key.1)).or_default().push((key, u));
        }
    }
    let both: Vec<String> = groups
        .keys()
        .filter(|(n, v)| *v == Version::V3 && groups.contains_key(&(n.clone(), Version::V1)))
        .map(|(n, _)| n.clone())
        .collect();
    // Decide every definition first, then rename the identifier types the entities take the
    // name of (in the offers too), then define and use.
    let mut plans = Vec::new();
    let mut renames = Vec::new();
    for ((name, version), users) in groups {
        let name = if version == Version::V3 && both.contains(&name) {
            format!("{name}_v3")
        } else {
            name
        };
        let mut offers: Vec<Offer> = users
            .iter()
            .filter_map(|(key, u)| offer(&import.methods[key], u))
            .collect();
        if let Some(o) = sibling_fields(import, &users[0].0) {
            offers.push(o);
        }
        offers.sort_by(|a, b| {
            (b.rank, b.fields.len(), &a.source).cmp(&(a.rank, a.fields.len(), &b.source))
        });
        let Some(best) = offers.into_iter().next() else {
            continue;
        };
        let best = match import.types.get(&name).map(|t| &t.ty.kind) {
            // A structure the data-types pages define: the answers use it as it is.
            Some(Kind::Object { fields, .. }) if !fields.is_empty() => None,
            Some(_) => {
                let id = format!("{name}.id");
                if import.types.contains_key(&id) {
                    continue;
                }
                renames.push((name.clone(), id));
                Some(best)
            }
            None => Some(best),
        };
        plans.push((name, version, best, users));
    }
    for (from, to) in &renames {
        rename(import, from, to);
        for (_, _, best, _) in &mut plans {
            if let Some(o) = best {
                o.fields
                    .iter_mut()
                    .for_each(|f| rename_in(&mut f.ty, from, to));
            }
        }
    }
    let mut entities = BTreeMap::new();
    for (name, version, best, users) in plans {
        if let Some(best) = best {
            define(import, &name, best);
        }
        if let Some((key, _)) = users.first() {
            entities.insert(
                (
                    key.0.rsplit_once('.').map(|(p, _)| p.to_ascii_lowercase()),
                    version,
                ),
                name.clone(),
            );
        }
        for (key, u) in users {
            let Some(m) = import.methods.get_mut(&key) else {
                continue;
            };
            if !matches!(u.origin, Origin::FieldsTable(_)) {
                use_entity(m, &u.path, &name, import.types.get(&name));
            }
        }
    }
    undocumented_lists(import, &entities);
    family_answers(import, &entities);
    check_against_examples(import);
    inline_aliases(import);
}

/// Identifier aliases (`user.id`: an integer) inside answers become their primitive, keeping
/// the docs' name as `doc_type`: answers send them in every spelling of that primitive
/// (`"139"` for 139), which the primitive's decoding accepts. Enum lists stay named.
fn inline_aliases(import: &mut Import) {
    let aliases: BTreeMap<String, Kind> = import
        .types
        .values()
        .filter(|t| t.ty.enum_values.is_empty() && is_scalar(&t.ty.kind))
        .map(|t| (t.name.clone(), t.ty.kind.clone()))
        .collect();
    for m in import.methods.values_mut() {
        inline_in(&mut m.result, &aliases);
    }
    for t in import.types.values_mut() {
        if matches!(t.ty.kind, Kind::Object { .. }) {
            inline_in(&mut t.ty, &aliases);
        }
    }
}

fn is_scalar(kind: &Kind) -> bool {
    !matches!(
        kind,
        Kind::Object { .. } | Kind::Array(_) | Kind::Union(_) | Kind::Named(_) | Kind::Any
    )
}

fn inline_in(ty: &mut Type, aliases: &BTreeMap<String, Kind>) {
    match &mut ty.kind {
        Kind::Named(n) => {
            if let Some(kind) = aliases.get(n) {
                ty.doc_type.get_or_insert_with(|| n.clone());
                ty.kind = kind.clone();
            }
        }
        Kind::Object { fields, patterns } => {
            fields
                .iter_mut()
                .for_each(|f| inline_in(&mut f.ty, aliases));
            patterns
                .iter_mut()
                .for_each(|p| inline_in(&mut p.ty, aliases));
        }
        Kind::Array(Some(item)) => inline_in(item, aliases),
        Kind::Union(variants) => variants.iter_mut().for_each(|v| inline_in(v, aliases)),
        _ => {}
    }
}

/// A list method whose page documents no answer at all returns the list of its entity, when
/// the entity's other pages document it.
fn undocumented_lists(import: &mut Import, entities: &BTreeMap<(Option<String>, Version), String>) {
    for (key, m) in &mut import.methods {
        let documented = import.documented_results.contains(key);
        if documented || m.result.kind != Kind::Any || !super::measure::is_list(&m.name) {
            continue;
        }
        let prefix = m.name.rsplit_once('.').map(|(p, _)| p.to_ascii_lowercase());
        let Some(name) = entities.get(&(prefix, m.version)) else {
            continue;
        };
        m.result = Type::of(Kind::array_of(Type::of(Kind::Named(name.clone()))));
        if let Some(c) = &mut m.confidence {
            c.reasons.push(format!(
                "result: the page documents no answer; a list of the entity `{name}` its other pages document"
            ));
        }
    }
}

/// Methods of an entity's family that are not among its actions (`disk.file.moveto`,
/// `disk.file.rename`) answer with the entity when their object has only its fields: at least
/// three, every one a field of the entity. Then the answers share the type, not a copy each.
fn family_answers(import: &mut Import, entities: &BTreeMap<(Option<String>, Version), String>) {
    for m in import.methods.values_mut() {
        let Some((prefix, action)) = m.name.rsplit_once('.') else {
            continue;
        };
        // A `*.fields` answer describes the entity's fields; it holds none of their values.
        if ["fields", "getfields"].contains(&action.to_ascii_lowercase().as_str()) {
            continue;
        }
        let Some(name) = entities.get(&(Some(prefix.to_ascii_lowercase()), m.version)) else {
            continue;
        };
        let Some(entity) = import.types.get(name) else {
            continue;
        };
        let list = super::measure::is_list(&m.name);
        let Some(path) = super::main_object(&m.result, list) else {
            continue;
        };
        let Some(object) = at(&m.result, &path) else {
            continue;
        };
        let own = object.fields();
        let known = |f: &Field| {
            entity
                .ty
                .fields()
                .iter()
                .any(|e| e.name == f.name && alike(&e.ty.kind, &f.ty.kind))
        };
        if own.len() < 3 || !own.iter().all(known) {
            continue;
        }
        if let Some(object) = at_mut(&mut m.result, &path) {
            *object = Type::of(Kind::Named(name.clone()));
        }
        if let Some(c) = &mut m.confidence {
            c.reasons.push(format!(
                "result: its object has only fields of the entity `{name}`; the shared named type ({})",
                entity.source
            ));
        }
    }
}

/// Whether two kinds can describe one field: both objects, both lists, both scalars (a
/// number arrives as a string), or either unknown or named. A structure and a scalar cannot.
fn alike(a: &Kind, b: &Kind) -> bool {
    let loose = |k: &Kind| matches!(k, Kind::Any | Kind::Named(_));
    let same_shape = matches!(
        (a, b),
        (Kind::Object { .. }, Kind::Object { .. }) | (Kind::Array(_), Kind::Array(_))
    );
    same_shape || loose(a) || loose(b) || (is_scalar(a) && is_scalar(b))
}

/// What a method's own answer says of its entity.
fn offer(m: &Method, u: &EntityUse) -> Option<Offer> {
    let (rank, fields, patterns, title, source) = match &u.origin {
        Origin::Linked(l) => (
            4,
            l.fields.clone(),
            l.patterns.clone(),
            l.title.clone(),
            l.source.clone(),
        ),
        Origin::FieldsTable(fields) => (
            2,
            fields.clone(),
            Vec::new(),
            m.title.clone(),
            m.source.clone(),
        ),
        Origin::Table | Origin::Example => {
            let object = at(&m.result, &u.path)?;
            let rank = if matches!(u.origin, Origin::Table) {
                3
            } else {
                1
            };
            (
                rank,
                object.fields().to_vec(),
                object.patterns().to_vec(),
                m.title.clone(),
                m.source.clone(),
            )
        }
    };
    (!fields.is_empty()).then_some(Offer {
        rank,
        fields,
        patterns,
        title,
        source,
    })
}

/// The entity's fields from the sibling `*.fields` / `*.getFields` method's response example:
/// a map of field name → description with the docs' `type` word.
fn sibling_fields(import: &Import, user: &MethodKey) -> Option<Offer> {
    let (prefix, _) = user.0.rsplit_once('.')?;
    let m = ["fields", "getFields", "getfields"]
        .iter()
        .find_map(|a| import.methods.get(&(format!("{prefix}.{a}"), user.1)))?;
    let example = m.examples.iter().find(|e| e.kind == ExampleKind::Response);
    let Some(map) = example.and_then(|e| e.body.get("result")?.as_object()) else {
        // No example: the fields page's own table lists the entity's fields with their types.
        let fields = m.result.fields();
        return (fields.len() >= 2 && super::is_typed(&m.result)).then(|| Offer {
            rank: 2,
            fields: fields.to_vec(),
            patterns: Vec::new(),
            title: m.title.clone(),
            source: m.source.clone(),
        });
    };
    let known = import.types.keys().cloned().collect();
    let mut fields = Vec::new();
    for (key, description) in map {
        let word = description.get("type")?.as_str()?.to_owned();
        let mut ty = typewords::from_words(&[word], false, &known);
        if description.get("isMultiple") == Some(&Value::Bool(true)) {
            ty = Type::of(Kind::array_of(ty));
        }
        fields.push(Field::new(key.clone(), false, ty));
    }
    (fields.len() >= 2).then(|| Offer {
        rank: 2,
        fields,
        patterns: Vec::new(),
        title: m.title.clone(),
        source: m.source.clone(),
    })
}

fn define(import: &mut Import, name: &str, offer: Offer) {
    // The docs' required flags stay (a type may also be sent in requests); generated result
    // types read every field as optional whatever the flag.
    let (fields, patterns) = (offer.fields, offer.patterns);
    let doc_url = format!(
        "https://apidocs.bitrix24.com/{}.html",
        offer.source.trim_end_matches(".md")
    );
    import.types.insert(
        name.to_owned(),
        NamedType {
            name: name.to_owned(),
            title: offer.title,
            doc_url,
            source: offer.source,
            ty: Type::of(Kind::Object { fields, patterns }),
        },
    );
}

/// Puts the named entity where the method's answer had its object, when the two describe the
/// same thing (they share a field, or the object has none of its own).
fn use_entity(m: &mut Method, path: &[Step], name: &str, entity: Option<&NamedType>) {
    let Some(entity) = entity else { return };
    let Some(object) = at_mut(&mut m.result, path) else {
        return;
    };
    // A map keyed by id holds entities; it is not one.
    if object.fields().is_empty() && !object.patterns().is_empty() {
        return;
    }
    let own = object.fields();
    let shares = own.is_empty()
        || own
            .iter()
            .any(|f| entity.ty.fields().iter().any(|e| e.name == f.name));
    if !shares {
        return;
    }
    *object = Type::of(Kind::Named(name.to_owned()));
    if let Some(c) = &mut m.confidence {
        c.reasons.push(format!(
            "result: the entity is the shared named type `{name}` ({})",
            entity.source
        ));
    }
}

/// Every shared type checked against the response examples of the methods using it: a field
/// whose example value contradicts its type takes the example's (see [`reconcile::result`]).
fn check_against_examples(import: &mut Import) {
    let kinds: reconcile::Kinds = import
        .types
        .values()
        .map(|t| (t.name.clone(), t.ty.kind.clone()))
        .collect();
    for m in import.methods.values_mut() {
        let Some(example) = m.examples.iter().find(|e| e.kind == ExampleKind::Response) else {
            continue;
        };
        let Some(value) = crate::answers::result_value(&example.body, m.result_wrapper) else {
            continue;
        };
        let mut found = Vec::new();
        named_values(&m.result, value, &mut found);
        let mut reasons = Vec::new();
        for (name, value) in found {
            if let Some(t) = import.types.get_mut(&name) {
                reconcile::result(&mut t.ty, value, &kinds, &mut reasons);
            }
        }
        if let Some(c) = &mut m.confidence {
            c.reasons.extend(reasons);
        }
    }
}

/// The values an example holds at the places the type names an entity object.
fn named_values<'v>(ty: &Type, value: &'v Value, out: &mut Vec<(String, &'v Value)>) {
    match (&ty.kind, value) {
        (Kind::Named(n), Value::Object(_)) => out.push((n.clone(), value)),
        (Kind::Array(Some(item)), Value::Array(values)) => {
            for v in values {
                named_values(item, v, out);
            }
        }
        (Kind::Object { fields, .. }, Value::Object(map)) => {
            for f in fields {
                if let Some(v) = map.get(&f.name) {
                    named_values(&f.ty, v, out);
                }
            }
        }
        _ => {}
    }
}

fn at<'t>(ty: &'t Type, path: &[Step]) -> Option<&'t Type> {
    path.iter().try_fold(ty, |t, step| match step {
        Step::Items => t.items(),
        Step::Field(k) => t.fields().iter().find(|f| f.name == *k).map(|f| &f.ty),
    })
}

fn at_mut<'t>(ty: &'t mut Type, path: &[Step]) -> Option<&'t mut Type> {
    path.iter()
        .try_fold(ty, |t, step| match (step, &mut t.kind) {
            (Step::Items, Kind::Array(Some(item))) => Some(&mut **item),
            (Step::Field(k), Kind::Object { fields, .. }) => {
                fields.iter_mut().find(|f| f.name == *k).map(|f| &mut f.ty)
            }
            _ => None,
        })
}

/// Renames a named type and every reference to it.
fn rename(import: &mut Import, from: &str, to: &str) {
    if let Some(mut t) = import.types.remove(from) {
        t.name = to.to_owned();
        import.types.insert(to.to_owned(), t);
    }
    let each = |ty: &mut Type| rename_in(ty, from, to);
    for m in import.methods.values_mut() {
        m.params.iter_mut().for_each(|f| each(&mut f.ty));
        each(&mut m.result);
    }
    for e in import.events.values_mut() {
        e.payload.iter_mut().for_each(|f| each(&mut f.ty));
    }
    for t in import.types.values_mut() {
        each(&mut t.ty);
    }
}

/// Renames every reference to the named type `from` inside `ty`, keeping the docs' spelling.
pub(crate) fn rename_in(ty: &mut Type, from: &str, to: &str) {
    match &mut ty.kind {
        Kind::Named(n) if n == from => {
            *n = to.to_owned();
            ty.doc_type.get_or_insert_with(|| from.to_owned());
        }
        Kind::Object { fields, patterns } => {
            fields
                .iter_mut()
                .for_each(|f| rename_in(&mut f.ty, from, to));
            patterns
                .iter_mut()
                .for_each(|p| rename_in(&mut p.ty, from, to));
        }
        Kind::Array(Some(item)) => rename_in(item, from, to),
        Kind::Union(variants) => variants.iter_mut().for_each(|v| rename_in(v, from, to)),
        _ => {}
    }
}
