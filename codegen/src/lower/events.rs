//! Events → IR: one payload struct per event of the spec, in the `event_payloads` group,
//! and what the generated `Event` enum needs of each.

use std::collections::{BTreeMap, BTreeSet};

use bitrix_spec::naming::{snake_ident, type_ident};
use bitrix_spec::{Field as SpecField, Kind, Spec, Type};

use super::{Cx, Names, Role};
use crate::ir::{EventItem, Field, FieldFlags, Group, Item, Module, Object, RustTy};

/// The `event_payloads` group and the events, or `None` when the spec has no events.
pub(super) fn lower_events(
    spec: &Spec,
    type_names: &BTreeMap<String, String>,
) -> Option<(Group, Vec<EventItem>)> {
    if spec.events.is_empty() {
        return None;
    }
    let mut events = Vec::new();
    let mut names = Names::default();
    let mut modules = Vec::new();
    for e in spec.events.values() {
        let rust = names.claim(&type_ident(&e.name, "Event"));
        let mut cx = Cx::new(
            spec,
            type_names,
            &mut names,
            false,
            format!(
                "Part of the `{}` event ([official documentation]({})).",
                e.name, e.doc_url
            ),
        );
        let doc = format!(
            "Payload of the `{}` event (scope `{}`): {}.\n\n[Official documentation]({})",
            e.name, e.scope, e.title, e.doc_url
        );
        cx.event(&rust, &e.payload, &doc);
        modules.push(Module {
            name: snake_ident(&e.name),
            source: format!("spec/events/{}.json", e.name),
            doc: format!("The `{}` event.", e.name),
            feature: Some(e.scope.clone()),
            items: cx.items,
        });
        events.push(EventItem {
            wire: e.name.clone(),
            scope: e.scope.clone(),
            title: e.title.clone(),
            payload: rust,
            aliases: event_aliases(spec, e),
        });
    }
    let group = Group {
        name: "event_payloads".to_owned(),
        doc: "Event payloads, each gated by its scope's cargo feature.".to_owned(),
        feature: None,
        modules,
    };
    Some((group, events))
}

/// The names an event's request examples post it under, upper case, where they are not its
/// own name nor another event's.
fn event_aliases(spec: &Spec, e: &bitrix_spec::Event) -> Vec<String> {
    let taken: BTreeSet<String> = spec.events.keys().map(|n| n.to_ascii_uppercase()).collect();
    let posted: BTreeSet<String> = e
        .examples
        .iter()
        .filter(|x| x.kind == bitrix_spec::ExampleKind::Request)
        .filter_map(|x| x.body.get("event")?.as_str())
        .map(str::to_ascii_uppercase)
        .filter(|n| !n.is_empty() && !taken.contains(n))
        .collect();
    posted.into_iter().collect()
}

impl Cx<'_> {
    /// An event's payload struct: the envelope every post has (`event`, `event_handler_id`,
    /// `data`, `ts`, `auth`), with `data` as the spec describes it. A spec payload without a
    /// `data` key lists the keys of `data` itself (the older pages do so); `auth` is always
    /// the runtime's `EventAuth`, whose tokens stay out of `Debug`.
    fn event(&mut self, rust: &str, payload: &[SpecField], doc: &str) {
        let field = |name: &str, kind: Kind| SpecField {
            name: name.to_owned(),
            required: false,
            ty: Type {
                kind,
                ..Type::default()
            },
        };
        let documented = |name: &str| payload.iter().find(|f| f.name == name).cloned();
        let data = match documented("data") {
            Some(data) => data,
            None if payload.is_empty() => field("data", Kind::Any),
            None => field(
                "data",
                Kind::Object {
                    fields: payload.to_vec(),
                    patterns: Vec::new(),
                },
            ),
        };
        let envelope = [
            documented("event").unwrap_or_else(|| field("event", Kind::String)),
            field("event_handler_id", Kind::Integer),
            data,
            field("ts", Kind::Timestamp),
        ];
        let pos = self.items.len();
        let mut fields = self.fields(rust, &envelope, Role::Event, true);
        // Before the `extra` map, which comes last.
        fields.insert(
            envelope.len(),
            Field {
                ident: "auth".to_owned(),
                wire: "auth".to_owned(),
                ty: RustTy::EventAuth.optional(),
                flags: FieldFlags::default(),
                doc: "`auth`: the portal's credentials for this post.".to_owned(),
            },
        );
        self.items.insert(
            pos,
            Item::Object(Object {
                name: rust.to_owned(),
                doc: doc.to_owned(),
                fields,
                received: self.received(Role::Event),
            }),
        );
    }
}
