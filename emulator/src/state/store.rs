//! The portal's data: CRM items (deals, contacts, …), activities, badges, activity types,
//! e-mail messages and their chats, event handlers, users. One JSON document, used alike for
//! `--fixtures` (a data set to start from) and `--state` (where changes are kept).

use std::collections::BTreeMap;
use std::path::Path;

pub use super::table::Table;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A user of the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// User id (the webhook's `{user}` segment).
    pub id: u64,
    /// First name.
    #[serde(default)]
    pub name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// E-mail address.
    #[serde(default)]
    pub email: String,
    /// Whether the user is a portal administrator.
    #[serde(default)]
    pub admin: bool,
    /// A read-only user gets `ACCESS_DENIED` from every call that changes CRM or mail data.
    #[serde(default)]
    pub read_only: bool,
}

/// A bound event handler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handler {
    /// Handler id.
    pub id: u64,
    /// Event name in upper case (`ONCRMACTIVITYADD`).
    pub event: String,
    /// The handler URL (loopback only).
    pub handler: String,
    /// The user whose rights the handler gets (`auth_type`, 0 for the binding user).
    #[serde(default)]
    pub auth_type: u64,
    /// The user who bound the handler.
    #[serde(default = "first_user")]
    pub user_id: u64,
    /// Bound with `event_type=offline`: events are queued, not posted.
    #[serde(default)]
    pub offline: bool,
}

/// One record of the offline event queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineRecord {
    /// `ID`.
    pub id: u64,
    /// `MESSAGE_ID`.
    pub message_id: String,
    /// `EVENT_NAME`, upper case.
    pub event: String,
    /// The object the event is about (`EVENT_DATA[FIELDS][ID]`).
    pub object_id: u64,
    /// `TIMESTAMP_X`: the last change.
    pub timestamp: String,
    /// The process that reserved it (`event.offline.get` with `clear=0`).
    pub process_id: Option<String>,
    /// Marked by `event.offline.error`.
    pub error: bool,
}

/// The chat created for an e-mail message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chat {
    /// Chat id.
    pub chat_id: u64,
    /// Id of the first chat message.
    pub message_id: u64,
}

/// Everything the emulated portal stores.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Data {
    /// Users; the webhooks authenticate as one of them.
    pub users: Vec<User>,
    /// CRM items by entity type id (`"2"` deals, `"3"` contacts, `"1"` leads, `"4"` companies).
    pub items: BTreeMap<String, Table>,
    /// CRM activities (`crm.activity.*`); bindings live in each row's `BINDINGS`.
    pub activities: Table,
    /// Additional content blocks by activity id (`crm.activity.layout.blocks.*`).
    pub layout_blocks: BTreeMap<u64, Value>,
    /// Activity badges by code (`crm.activity.badge.*`).
    pub badges: BTreeMap<String, Value>,
    /// Custom activity types by `TYPE_ID` (`crm.activity.type.*`).
    pub activity_types: BTreeMap<String, Value>,
    /// E-mail messages (REST 3.0 `mail.message.*`).
    pub mail_messages: Table,
    /// Chats created from e-mail messages, by message id.
    pub mail_chats: BTreeMap<u64, Chat>,
    /// The last chat id handed out.
    pub last_chat_id: u64,
    /// Note collections (REST 3.0 `note.collection.*`).
    pub note_collections: Table,
    /// Bound event handlers.
    pub handlers: Vec<Handler>,
    /// The last handler id handed out.
    pub last_handler_id: u64,
    /// The offline event queue.
    pub offline: Vec<OfflineRecord>,
    /// The last offline record id handed out.
    pub last_offline_id: u64,
    /// The last `process_id` handed out (as a number).
    pub last_offline_process: u64,
}

/// CRM entity types the portal knows without configuration.
pub const ENTITY_TYPES: [(u64, &str); 6] = [
    (1, "lead"),
    (2, "deal"),
    (3, "contact"),
    (4, "company"),
    (7, "quote"),
    (31, "smart_invoice"),
];

impl Data {
    /// The demo data set: deals and contacts 1–5, e-mail messages 1–10, user 1 (an
    /// administrator) and user 2 (read-only).
    pub fn demo() -> Data {
        let mut data = Data {
            users: vec![
                User {
                    id: 1,
                    name: "Anna".into(),
                    last_name: "Admin".into(),
                    email: "admin@example.test".into(),
                    admin: true,
                    read_only: false,
                },
                User {
                    id: 2,
                    name: "Rita".into(),
                    last_name: "Reader".into(),
                    email: "reader@example.test".into(),
                    admin: false,
                    read_only: true,
                },
            ],
            ..Data::default()
        };
        for n in 1..=5 {
            data.table(2).insert(obj(json!({
                "TITLE": format!("Demo deal {n}"),
                "STAGE_ID": "NEW",
                "CATEGORY_ID": 0,
                "OPPORTUNITY": format!("{}.00", 1000 * n),
                "CURRENCY_ID": "USD",
                "CONTACT_ID": n,
                "ASSIGNED_BY_ID": 1,
                "CREATED_BY_ID": 1,
                "DATE_CREATE": "2026-01-05T10:00:00+00:00",
                "OPENED": "Y",
                "CLOSED": "N",
            })));
            data.table(3).insert(obj(json!({
                "NAME": format!("Contact{n}"),
                "LAST_NAME": "Demo",
                "TYPE_ID": "CLIENT",
                "ASSIGNED_BY_ID": 1,
                "CREATED_BY_ID": 1,
                "DATE_CREATE": "2026-01-05T10:00:00+00:00",
                "OPENED": "Y",
            })));
        }
        for n in 1..=10 {
            data.mail_messages.insert(obj(json!({
                "mailboxId": 1,
                "mailboxEmail": "admin@example.test",
                "subject": format!("Demo message {n}"),
                "body": format!("Body of demo message {n}"),
                "from": format!("sender{n}@example.test"),
                "to": "admin@example.test",
                "cc": null,
                "date": format!("2026-01-{n:02}T09:00:00+00:00"),
                "isSeen": n > 5,
                "hasAttachments": false,
                "bindings": [],
                "url": format!("/mail/message/{n}"),
            })));
        }
        data.fix_up();
        data
    }

    /// Reads a data set (fixtures or saved state).
    ///
    /// # Errors
    /// A message naming the file and what is wrong with it.
    pub fn load(path: &Path) -> Result<Data, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut data: Data = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not an emulator data set: {e}", path.display()))?;
        data.fix_up();
        Ok(data)
    }

    /// Writes the data set, atomically (a temporary file renamed over the old one).
    ///
    /// # Errors
    /// The I/O error, with the file name.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text + "\n")
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Makes ids consistent after loading: every row's `ID` is its key, counters are past them.
    fn fix_up(&mut self) {
        let tables = self.items.values_mut().chain([
            &mut self.activities,
            &mut self.mail_messages,
            &mut self.note_collections,
        ]);
        for table in tables {
            table.fix_up();
        }
        let chats = self
            .mail_chats
            .values()
            .map(|c| c.chat_id)
            .max()
            .unwrap_or(0);
        self.last_chat_id = self.last_chat_id.max(chats);
        let handlers = self.handlers.iter().map(|h| h.id).max().unwrap_or(0);
        self.last_handler_id = self.last_handler_id.max(handlers);
    }

    /// The items of an entity type (created empty on first use).
    pub fn table(&mut self, entity_type_id: u64) -> &mut Table {
        self.items.entry(entity_type_id.to_string()).or_default()
    }

    /// Whether the entity type exists: a built-in one, or one the data set has items for.
    pub fn entity_type_exists(&self, entity_type_id: u64) -> bool {
        ENTITY_TYPES.iter().any(|(id, _)| *id == entity_type_id)
            || self.items.contains_key(&entity_type_id.to_string())
    }

    /// Whether a CRM item exists.
    pub fn item_exists(&self, entity_type_id: u64, id: u64) -> bool {
        self.items
            .get(&entity_type_id.to_string())
            .is_some_and(|t| t.contains(id))
    }

    /// Replaces the deals with `count` synthetic ones from `seed` (ids `1..=count`).
    pub fn generate_deals(&mut self, count: u64, seed: u64) {
        self.items.insert("2".into(), Table::generated(count, seed));
    }

    /// A user by id.
    pub fn user(&self, id: u64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }
}

fn first_user() -> u64 {
    1
}

/// A JSON object literal as a map.
pub fn obj(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_set() {
        let d = Data::demo();
        assert_eq!(d.items["2"].rows.len(), 5);
        assert_eq!(d.items["3"].rows.len(), 5);
        assert_eq!(d.mail_messages.rows.len(), 10);
        assert_eq!(d.items["2"].next_id, 6);
        assert!(d.user(1).is_some_and(|u| u.admin && !u.read_only));
    }

    #[test]
    fn saves_and_loads_the_same_data() {
        let dir = std::env::temp_dir().join(format!("b24emu-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let mut d = Data::demo();
        d.table(2).insert(obj(json!({"TITLE": "x"})));
        d.save(&path).unwrap();
        assert_eq!(Data::load(&path).unwrap(), d);
        std::fs::write(&path, "{\"dealz\": 1}").unwrap();
        let err = Data::load(&path).unwrap_err();
        assert!(
            err.contains("not an emulator data set") && err.contains("dealz"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
