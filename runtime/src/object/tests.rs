//! Reading and writing objects the way generated structs do.

use super::*;
use serde_json::json;

use crate::wire::lenient as wire_lenient;

#[derive(Debug, PartialEq)]
struct Pair {
    id: i64,
    name: Option<String>,
    rest: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Pair {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |f| {
            let id = f.required("ID", wire_lenient)?;
            let name = f.defaulted("NAME", plain)?;
            let rest = f.rest();
            Ok(Pair { id, name, rest })
        })
    }
}

/// A contact as a generated result struct reads and writes it.
#[derive(Debug, Default, PartialEq)]
struct Contact {
    id: Option<i64>,
    extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Contact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_keeping(d, "Contact", |f| {
            let id = f.defaulted("ID", lenient)?;
            let extra = f.rest();
            Ok(Contact { id, extra })
        })
    }
}

impl Serialize for Contact {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(None)?;
        if let Some(v) = &self.id {
            m.serialize_entry("ID", v)?;
        }
        for (k, v) in &self.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A deal as a generated result struct reads and writes it: every field optional.
#[derive(Debug, Default, PartialEq)]
struct Deal {
    id: Option<i64>,
    opportunity: Option<f64>,
    closed: Option<bool>,
    contact: Option<Contact>,
    contacts: Option<Vec<Contact>>,
    extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Deal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_keeping(d, "Deal", |f| {
            let id = f.defaulted("ID", lenient)?;
            let opportunity = f.defaulted("OPPORTUNITY", lenient)?;
            let closed = f.defaulted("CLOSED", lenient)?;
            let contact = f.defaulted("CONTACT", optional)?;
            let contacts = f.defaulted("CONTACTS", list)?;
            let extra = f.rest();
            Ok(Deal {
                id,
                opportunity,
                closed,
                contact,
                contacts,
                extra,
            })
        })
    }
}

impl Serialize for Deal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(None)?;
        if let Some(v) = &self.id {
            m.serialize_entry("ID", v)?;
        }
        if let Some(v) = &self.opportunity {
            m.serialize_entry("OPPORTUNITY", &Num(v))?;
        }
        if let Some(v) = &self.closed {
            m.serialize_entry("CLOSED", &Yn(v))?;
        }
        if let Some(v) = &self.contact {
            m.serialize_entry("CONTACT", v)?;
        }
        if let Some(v) = &self.contacts {
            m.serialize_entry("CONTACTS", v)?;
        }
        for (k, v) in &self.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

fn deal(value: Value) -> Deal {
    serde_json::from_value(value).unwrap()
}

fn strict_error<T: DeserializeOwned + std::fmt::Debug>(value: Value) -> String {
    strict(|| serde_json::from_value::<T>(value))
        .unwrap_err()
        .to_string()
}

#[test]
fn fields_are_taken_by_wire_name_and_the_rest_is_kept() {
    let p: Pair = serde_json::from_value(json!({"ID": "7", "X": 1})).unwrap();
    assert_eq!(p.id, 7);
    assert_eq!(p.name, None);
    assert_eq!(p.rest.get("X"), Some(&json!(1)));
}

#[test]
fn bad_input_names_the_field() {
    let e = serde_json::from_value::<Pair>(json!({"NAME": "x"})).unwrap_err();
    assert_eq!(e.to_string(), "missing field `ID`");
    let e = serde_json::from_value::<Pair>(json!({"ID": "abc"})).unwrap_err();
    assert_eq!(e.to_string(), "`ID`: expected an integer, found \"abc\"");
    let e = serde_json::from_value::<Pair>(json!({"ID": 1, "NAME": 5})).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("`NAME`: invalid type: integer `5`"),
        "{e}"
    );
    let e = serde_json::from_value::<Pair>(json!("x")).unwrap_err();
    assert_eq!(e.to_string(), "expected an object, found string \"x\"");
    let e = serde_json::from_value::<Pair>(json!([1])).unwrap_err();
    assert_eq!(e.to_string(), "expected an object, found a non-empty array");
}

#[test]
fn php_empty_array_is_an_empty_object() {
    let e = serde_json::from_value::<Pair>(json!([])).unwrap_err();
    assert_eq!(e.to_string(), "missing field `ID`");
    assert_eq!(deal(json!([])), Deal::default());
}

#[test]
fn wire_quirks_of_results_decode() {
    let d = deal(json!({
        "ID": "12",
        "OPPORTUNITY": "12.50",
        "CLOSED": "Y",
        "CONTACT": [],
        "CONTACTS": {"1": {"ID": "8"}, "0": {"ID": 7}},
    }));
    assert_eq!(d.id, Some(12));
    assert_eq!(d.opportunity, Some(12.5));
    assert_eq!(d.closed, Some(true));
    assert_eq!(d.contact, None);
    let ids: Vec<Option<i64>> = d.contacts.unwrap().iter().map(|c| c.id).collect();
    assert_eq!(ids, [Some(7), Some(8)]);
    assert!(d.extra.is_empty());
    for absent in [json!(null), json!(""), json!(false)] {
        let d = deal(json!({"ID": absent.clone(), "CONTACT": absent.clone(), "CLOSED": null}));
        assert_eq!(d, Deal::default(), "{absent}");
    }
    // `[]` is PHP's empty object, not a number: kept as it came.
    assert_eq!(deal(json!({"ID": []})).extra.get("ID"), Some(&json!([])));
    for (flag, set) in [
        ("N", false),
        ("1", true),
        ("0", false),
        ("true", true),
        ("false", false),
    ] {
        assert_eq!(deal(json!({"CLOSED": flag})).closed, Some(set), "{flag}");
    }
    assert_eq!(deal(json!({"CLOSED": 1})).closed, Some(true));
    assert_eq!(deal(json!({"CONTACTS": ""})).contacts, None);
}

#[test]
fn unknown_keys_are_kept_and_written_back() {
    let sent = json!({"ID": 1, "UF_CRM_1700000000": "x", "ufCrm5Size": [1, 2]});
    let d = deal(sent.clone());
    assert_eq!(d.extra.get("UF_CRM_1700000000"), Some(&json!("x")));
    assert_eq!(d.extra.get("ufCrm5Size"), Some(&json!([1, 2])));
    assert_eq!(serde_json::to_value(&d).unwrap(), sent);
}

#[test]
fn a_misfit_is_kept_raw_unless_strict() {
    let sent = json!({"ID": {"a": 1}, "CONTACT": {"ID": "x"}, "CONTACTS": {"5": {"ID": 1}}});
    let d = deal(sent.clone());
    assert_eq!(d.id, None);
    assert_eq!(d.extra.get("ID"), Some(&json!({"a": 1})));
    // The nested contact kept its own misfit.
    let contact = d.contact.as_ref().unwrap();
    assert_eq!(contact.id, None);
    assert_eq!(contact.extra.get("ID"), Some(&json!("x")));
    // A sparse PHP array is not a list: its keys may be ids.
    assert_eq!(d.contacts, None);
    assert_eq!(d.extra.get("CONTACTS"), Some(&json!({"5": {"ID": 1}})));
    assert_eq!(serde_json::to_value(&d).unwrap(), sent);
}

#[test]
fn strict_errors_name_the_json_path() {
    assert_eq!(
        strict_error::<Deal>(json!({"ID": {"a": 1}})),
        r#"`ID`: expected an integer, found {"a":1}"#
    );
    assert_eq!(
        strict_error::<Deal>(json!({"CONTACT": {"ID": "x"}})),
        r#"`CONTACT.ID`: expected an integer, found "x""#
    );
    assert_eq!(
        strict_error::<Deal>(json!({"CONTACTS": [{"ID": 1}, {"ID": {}}]})),
        "`CONTACTS[1].ID`: expected an integer, found {}"
    );
    // `plain` adds the path serde walked (here the list index) to the one the message names.
    let list = json!([{}, {}, {}, {"CONTACT": {"ID": []}}]);
    assert_eq!(
        strict(|| plain::<Vec<Deal>>(list)).unwrap_err(),
        "`[3].CONTACT.ID`: expected an integer, found []"
    );
    assert_eq!(
        strict_error::<Deal>(json!({"CONTACT": 5})),
        "`CONTACT`: expected an object, found number `5`"
    );
    assert!(strict_error::<Deal>(json!({"CONTACTS": {"5": {}}}))
        .starts_with("`CONTACTS`: invalid type: map, expected a sequence"));
    // Strictness ends with the closure.
    assert_eq!(deal(json!({"ID": {}})).extra.get("ID"), Some(&json!({})));
}

#[test]
fn paths_nest() {
    assert_eq!(nest("CONTACT", "`ID`: bad"), "`CONTACT.ID`: bad");
    assert_eq!(nest("CONTACTS", "`[2].ID`: bad"), "`CONTACTS[2].ID`: bad");
    assert_eq!(nest("[0]", "bad"), "`[0]`: bad");
    assert_eq!(nest("ID", "missing field `X`"), "`ID`: missing field `X`");
    assert_eq!(split_path("`A.B`: r"), Some(("A.B", "r")));
    assert_eq!(split_path("`a`b`: r"), None);
}

#[test]
fn integral_numbers_are_written_as_integers() {
    assert_eq!(serde_json::to_string(&Num(&15.0)).unwrap(), "15");
    assert_eq!(serde_json::to_string(&Num(&-3.0)).unwrap(), "-3");
    assert_eq!(serde_json::to_string(&Num(&2.5)).unwrap(), "2.5");
    assert_eq!(serde_json::to_string(&Num(&1e300)).unwrap(), "1e+300");
    assert_eq!(serde_json::to_string(&Num(&f64::NAN)).unwrap(), "null");
}

#[test]
fn yn_flags() {
    assert_eq!(serde_json::to_value(Yn(&true)).unwrap(), json!("Y"));
    assert_eq!(serde_json::to_value(Yn(&false)).unwrap(), json!("N"));
}
