//! Property tests of hostile input to the decoders: arbitrary bytes, truncated answers, deep
//! nesting, huge numbers and wrong types never panic, and each bad input is an error naming
//! what was wrong. Shared here: the run's config, the generators and a probe output type.
//!
//! `PROPTEST_CASES=100000 cargo test -p bitrix-runtime --lib hostile` runs longer.

mod batch;
mod events;
mod no_loss;
mod response;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::object::{optional, plain, read};
use crate::wire::lenient;

/// Cases of a property in CI, unless `PROPTEST_CASES` asks for more (or fewer).
const CASES: u32 = 2000;

/// The run's config: `CASES / share` cases, or `PROPTEST_CASES / share` when it is set.
///
/// `proptest!` applies `PROPTEST_CASES` over the config it is given, so properties with a
/// share other than 1 run through [`run_shared`].
pub(crate) fn config(share: u32) -> Config {
    // `Config::default()` reads `PROPTEST_CASES`; only its absence gets the CI count.
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = CASES;
    }
    config.cases = (config.cases / share).max(1);
    // A failure becomes a named regression test beside the code it broke, not an opaque
    // seed file.
    config.failure_persistence = None;
    config
}

/// Runs a property whose cases are costly (deep nesting: up to 400 kB each) on a share of the
/// cases, `PROPTEST_CASES` or not. Panics with the smallest failing input.
pub(crate) fn run_shared<S: Strategy>(
    share: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    if let Err(e) = TestRunner::new(config(share)).run(&strategy, test) {
        panic!("{e}");
    }
}

/// Numbers that do not fit where integers are expected, or fit only just.
pub(crate) const ODD_NUMBERS: &[&str] = &[
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "-0.0",
    "1E+2",
    "0.5",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "123456789012345678901234567890",
];

/// Strings Bitrix24 sends for numbers and flags, escapes, and escapes JSON refuses.
const ODD_STRINGS: &[&str] = &[
    r#""""#,
    r#"" ""#,
    r#""Y""#,
    r#""N""#,
    r#""42""#,
    r#""1e400""#,
    r#""inf""#,
    r#""NaN""#,
    r#""18446744073709551616""#,
    r#""it\u0065m""#,
    r#""\u041d""#,
    r#""\u0000""#,
    r#""\ud800""#,
];

/// Keys of answers, batch answers and the probe type, so generated objects hit real paths.
const KEYS: &[&str] = &[
    "result",
    "error",
    "error_description",
    "code",
    "message",
    "validation",
    "field",
    "time",
    "start",
    "operating",
    "total",
    "next",
    "item",
    "items",
    "result_error",
    "result_total",
    "result_next",
    "result_time",
    "c00",
    "c01",
    "0",
    "1",
    "ID",
    "NAME",
    "FLAG",
    "IDS",
    "INNER",
    "x",
];

fn select(texts: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(texts).prop_map(str::to_owned)
}

/// A JSON key, from [`KEYS`] mostly.
pub(crate) fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(KEYS),
        1 => "[a-z_]{0,6}",
    ]
}

/// A JSON value as text, with odd numbers and strings at its leaves. Text rather than a
/// `Value`, which cannot hold `1e400` or a lone surrogate.
pub(crate) fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| Value::from(f).to_string()),
        select(ODD_NUMBERS),
        select(ODD_STRINGS),
        "[a-zA-Z0-9 ]{0,8}".prop_map(|s| Value::String(s).to_string()),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key(), inner), 0..4).prop_map(|entries| object(&entries)),
        ]
    })
}

/// An object's text from keys and value texts.
pub(crate) fn object(entries: &[(String, String)]) -> String {
    let entries: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
        .collect();
    format!("{{{}}}", entries.join(","))
}

/// `depth` nested openers of one style, closed or cut off.
pub(crate) fn deep(depth: usize, style: usize, closed: bool) -> String {
    let (open, leaf, close) = [
        ("[", "1", "]"),
        (r#"{"a":"#, "1", "}"),
        (r#"[{"INNER":"#, "{}", "}]"),
    ][style % 3];
    let mut s = open.repeat(depth);
    if closed {
        s.push_str(leaf);
        s.push_str(&close.repeat(depth));
    }
    s
}

/// What `#[bitrix_object]` generates, written out: lenient numbers, flags and lists, a nested
/// optional object of its own type, and the keys no field took.
#[derive(Debug)]
#[allow(dead_code)] // read only through `Debug`
pub(crate) struct Probe {
    id: i64,
    name: Option<String>,
    flag: bool,
    ids: Vec<u32>,
    inner: Option<Box<Probe>>,
    tags: Vec<String>,
    extra: Map<String, Value>,
}

impl Probe {
    pub(crate) fn id(&self) -> i64 {
        self.id
    }
}

impl<'de> Deserialize<'de> for Probe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |f| {
            Ok(Probe {
                id: f.required("ID", lenient)?,
                name: f.defaulted("NAME", lenient)?,
                flag: f.defaulted("FLAG", lenient)?,
                ids: f.defaulted("IDS", lenient)?,
                inner: f.defaulted("INNER", optional)?,
                tags: f.defaulted("TAGS", plain)?,
                extra: f.rest(),
            })
        })
    }
}
