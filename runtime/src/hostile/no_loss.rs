//! No loss: any JSON object decodes (outside strict mode) into a result struct of the shape the
//! macros generate, and serializes back to the same JSON modulo the wire quirks — what the
//! conformance check requires of every documented answer, here on arbitrary answers.

use proptest::prelude::*;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{config, json_text, key};
use crate::conformance::answer::lost;
use crate::object::{lenient, list, optional, read_keeping, Num, Yn};

/// A result struct as `#[bitrix_object]` generates it: every field optional, an `extra` map.
#[derive(Debug, Default)]
struct Answer {
    id: Option<i64>,
    sum: Option<f64>,
    flag: Option<bool>,
    name: Option<String>,
    ids: Option<Vec<i64>>,
    inner: Option<Box<Answer>>,
    items: Option<Vec<Answer>>,
    extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_keeping(d, "Answer", |f| {
            Ok(Answer {
                id: f.defaulted("ID", lenient)?,
                sum: f.defaulted("SUM", lenient)?,
                flag: f.defaulted("FLAG", lenient)?,
                name: f.defaulted("NAME", lenient)?,
                ids: f.defaulted("IDS", lenient)?,
                inner: f.defaulted("INNER", optional)?,
                items: f.defaulted("ITEMS", list)?,
                extra: f.rest(),
            })
        })
    }
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(None)?;
        if let Some(v) = &self.id {
            m.serialize_entry("ID", v)?;
        }
        if let Some(v) = &self.sum {
            m.serialize_entry("SUM", &Num(v))?;
        }
        if let Some(v) = &self.flag {
            m.serialize_entry("FLAG", &Yn(v))?;
        }
        if let Some(v) = &self.name {
            m.serialize_entry("NAME", v)?;
        }
        if let Some(v) = &self.ids {
            m.serialize_entry("IDS", v)?;
        }
        if let Some(v) = &self.inner {
            m.serialize_entry("INNER", v)?;
        }
        if let Some(v) = &self.items {
            m.serialize_entry("ITEMS", v)?;
        }
        for (k, v) in &self.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// An answer object: the struct's keys and others, with any values.
fn answer() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        3 => prop::sample::select(&["ID", "SUM", "FLAG", "NAME", "IDS", "INNER", "ITEMS"][..])
            .prop_map(str::to_owned),
        1 => key(),
    ];
    prop::collection::vec((field, json_text()), 0..6).prop_map(|e| super::object(&e))
}

proptest! {
    #![proptest_config(config(1))]

    #[test]
    fn any_answer_decodes_and_re_encodes_with_no_loss(text in answer()) {
        // Text a `Value` cannot hold (`1e400`) is not an answer serde_json would hand over.
        let Ok(sent) = serde_json::from_str::<Value>(&text) else { return Ok(()) };
        let decoded: Answer = serde_json::from_value(sent.clone())
            .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        let back = serde_json::to_value(&decoded).unwrap();
        if let Some(failure) = lost("result", &sent, &back) {
            return Err(TestCaseError::fail(format!("{text} → {back}: {failure}")));
        }
    }
}
