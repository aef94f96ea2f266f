//! Hostile input to the spec loader: arbitrary text, truncated and mutated real spec files,
//! deep nesting and huge numbers never panic, and every problem names its file, a JSON path
//! and what is wrong.
//!
//! `PROPTEST_CASES=100000 cargo test -p bitrix-spec --test hostile` runs longer.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use bitrix_spec::load::{add_file, FileKind};
use bitrix_spec::{load_dir, validate, LoadedSpec, Severity};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseResult, TestRunner};
use serde_json::Value;

/// Cases of a property in CI, unless `PROPTEST_CASES` asks for more (or fewer).
const CASES: u32 = 2000;

/// The run's config: `CASES / share` cases, or `PROPTEST_CASES / share` when it is set.
///
/// `proptest!` applies `PROPTEST_CASES` over the config it is given, so properties with a
/// share other than 1 run through [`run_shared`].
fn config(share: u32) -> Config {
    // `Config::default()` reads `PROPTEST_CASES`; only its absence gets the CI count.
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = CASES;
    }
    config.cases = (config.cases / share).max(1);
    // A failure becomes a named regression test below, not an opaque seed file.
    config.failure_persistence = None;
    config
}

/// Runs a property whose cases are costly on a share of the cases, `PROPTEST_CASES` or not.
/// Panics with the smallest failing input.
fn run_shared<S: Strategy>(share: u32, strategy: S, test: impl Fn(S::Value) -> TestCaseResult) {
    if let Err(e) = TestRunner::new(config(share)).run(&strategy, test) {
        panic!("{e}");
    }
}

/// Every checked-in spec file: its kind, path relative to the spec root, and text.
fn samples() -> &'static [(FileKind, String, String)] {
    static SAMPLES: OnceLock<Vec<(FileKind, String, String)>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for (kind, folder) in [
            (FileKind::Method, "methods/v1"),
            (FileKind::Method, "methods/v3"),
            (FileKind::Type, "types"),
            (FileKind::Event, "events"),
            (FileKind::Catalogue, "errors"),
        ] {
            let mut paths: Vec<PathBuf> = fs::read_dir(root.join(folder))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            paths.sort();
            for path in paths {
                let rel = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
                out.push((kind, rel, fs::read_to_string(&path).unwrap()));
            }
        }
        out
    })
}

fn kind() -> impl Strategy<Value = FileKind> {
    prop::sample::select(vec![
        FileKind::Method,
        FileKind::Type,
        FileKind::Event,
        FileKind::Catalogue,
    ])
}

fn load(kind: FileKind, rel: &str, text: &str) -> LoadedSpec {
    let mut loaded = LoadedSpec::default();
    add_file(&mut loaded, kind, rel, text);
    loaded
}

/// Every problem names `rel`, a JSON path and something wrong.
fn assert_named(loaded: &LoadedSpec, rel: &str) {
    for p in &loaded.problems.0 {
        assert_eq!(p.file, rel, "{p}");
        assert!(p.path.starts_with('$'), "{p}");
        assert!(!p.message.trim().is_empty(), "{p}");
    }
}

/// The one problem of a file that is not JSON: where serde stopped.
fn assert_not_json(loaded: &LoadedSpec, rel: &str) {
    let problems = &loaded.problems.0;
    assert_eq!(problems.len(), 1, "{}", loaded.problems);
    let p = &problems[0];
    assert_eq!(
        (p.severity, p.file.as_str(), p.path.as_str()),
        (Severity::Error, rel, "$")
    );
    assert!(p.message.starts_with("invalid JSON: "), "{p}");
    assert!(p.message.contains(" at line "), "{p}");
}

/// JSON that goes where spec values go: keys of the format, huge and odd numbers, escapes.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        prop::sample::select(vec![
            "1e400",
            "-1e400",
            "1e-400",
            "-0",
            "18446744073709551616",
            "-9223372036854775809",
            "0.5",
            r#""""#,
            r#""string""#,
            r#""object""#,
            r#""array""#,
            r#""v1""#,
            r#""\ud800""#,
            r#""\u0000""#,
            r#""a b""#,
        ])
        .prop_map(str::to_owned),
    ];
    let key = prop::sample::select(vec![
        "name",
        "type",
        "items",
        "fields",
        "required",
        "pattern",
        "patterns",
        "variants",
        "enum",
        "default",
        "constraints",
        "code",
        "status",
        "message",
        "x",
    ]);
    leaf.prop_recursive(4, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key.clone(), inner), 0..4).prop_map(|entries| {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", entries.join(","))
            }),
        ]
    })
}

/// `depth` nested openers of one style, closed or cut off.
fn deep(depth: usize, style: usize, closed: bool) -> String {
    let (open, leaf, close) = [
        ("[", "1", "]"),
        (r#"{"a":"#, "1", "}"),
        (r#"{"type":"array","items":"#, r#"{"type":"string"}"#, "}"),
    ][style % 3];
    let mut s = open.repeat(depth);
    if closed {
        s.push_str(leaf);
        s.push_str(&close.repeat(depth));
    }
    s
}

/// `doc` with the node at `at` (in document order) replaced by the raw JSON `text`.
fn replace_node(doc: &Value, at: Index, text: &str) -> String {
    const HOLE: &str = "\u{1}hole\u{1}";
    fn nodes<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
        out.push(v);
        match v {
            Value::Array(items) => items.iter().for_each(|i| nodes(i, out)),
            Value::Object(map) => map.values().for_each(|i| nodes(i, out)),
            _ => {}
        }
    }
    fn mark(v: &mut Value, target: usize, seen: &mut usize) -> bool {
        if *seen == target {
            *v = Value::String(HOLE.to_owned());
            return true;
        }
        *seen += 1;
        match v {
            Value::Array(items) => items.iter_mut().any(|i| mark(i, target, seen)),
            Value::Object(map) => map.values_mut().any(|i| mark(i, target, seen)),
            _ => false,
        }
    }
    let mut all = Vec::new();
    nodes(doc, &mut all);
    let mut marked = doc.clone();
    mark(&mut marked, at.index(all.len()), &mut 0);
    marked
        .to_string()
        .replacen(&Value::String(HOLE.to_owned()).to_string(), text, 1)
}

proptest! {
    #![proptest_config(config(1))]

    #[test]
    fn arbitrary_text_is_reported(kind in kind(), text in any::<String>()) {
        let loaded = load(kind, "methods/v1/x.json", &text);
        assert_named(&loaded, "methods/v1/x.json");
        if serde_json::from_str::<Value>(&text).is_err() {
            assert_not_json(&loaded, "methods/v1/x.json");
        } else {
            prop_assert!(loaded.problems.has_errors(), "{}", loaded.problems);
        }
    }

    #[test]
    fn json_alphabet_text_is_reported(
        kind in kind(),
        text in "[\\[\\]{}\":,0-9eE.+\\- \\\\untrl]{0,64}",
    ) {
        let loaded = load(kind, "types/x.json", &text);
        assert_named(&loaded, "types/x.json");
        if serde_json::from_str::<Value>(&text).is_err() {
            assert_not_json(&loaded, "types/x.json");
        }
    }

    #[test]
    fn truncated_spec_files_are_reported(file in any::<Index>(), cut in any::<Index>()) {
        let (kind, rel, text) = file.get(samples());
        let mut end = cut.index(text.len() + 1);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let loaded = load(*kind, rel, &text[..end]);
        if text[..end].trim_end() == text.trim_end() {
            // Only trailing whitespace is gone: the file is whole.
            prop_assert!(!loaded.problems.has_errors(), "{}", loaded.problems);
        } else {
            assert_not_json(&loaded, rel);
        }
    }

    #[test]
    fn mutated_spec_files_are_reported(
        file in any::<Index>(),
        at in any::<Index>(),
        replacement in json_text(),
    ) {
        let (kind, rel, text) = file.get(samples());
        let doc: Value = serde_json::from_str(text).unwrap();
        let mutated = replace_node(&doc, at, &replacement);
        let mut loaded = load(*kind, rel, &mutated);
        assert_named(&loaded, rel);
        if serde_json::from_str::<Value>(&mutated).is_err() {
            // 1e400 and lone surrogates: serde_json refuses the whole file.
            assert_not_json(&loaded, rel);
        }
        // What parsed is validated; its problems name the file its name says it lives in.
        let parsed = loaded.problems.0.len();
        validate::validate(&loaded.spec.clone(), &mut loaded.problems);
        for p in &loaded.problems.0[parsed..] {
            prop_assert!(p.file.ends_with(".json") && p.path.starts_with('$'), "{p}");
            prop_assert!(!p.message.trim().is_empty(), "{p}");
        }
    }
}

/// Each case is up to 200 kB of text.
#[test]
fn deep_nesting_is_reported() {
    let cases = (
        any::<Index>(),
        any::<Index>(),
        1usize..20_000,
        0usize..3,
        any::<bool>(),
    );
    run_shared(20, cases, |(file, at, depth, style, closed)| {
        let (kind, rel, text) = file.get(samples());
        let doc: Value = serde_json::from_str(text).unwrap();
        let mutated = replace_node(&doc, at, &deep(depth, style, closed));
        let mut loaded = load(*kind, rel, &mutated);
        assert_named(&loaded, rel);
        if !closed {
            assert_not_json(&loaded, rel);
        } else if depth > 128 {
            assert_not_json(&loaded, rel);
            let message = &loaded.problems.0[0].message;
            prop_assert!(
                message.starts_with("invalid JSON: recursion limit exceeded"),
                "{message}"
            );
        }
        validate::validate(&loaded.spec.clone(), &mut loaded.problems);
        Ok(())
    });
}

/// Each case writes a spec directory.
#[test]
fn unreadable_files_are_reported() {
    run_shared(40, prop::collection::vec(any::<u8>(), 0..256), |bytes| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("spec-hostile-bytes");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("methods/v1")).unwrap();
        fs::write(dir.join("methods/v1/x.json"), &bytes).unwrap();
        let loaded = load_dir(&dir);
        let ours: Vec<_> = loaded
            .problems
            .errors()
            .filter(|p| p.file == "methods/v1/x.json")
            .collect();
        prop_assert!(!ours.is_empty(), "{}", loaded.problems);
        if std::str::from_utf8(&bytes).is_err() {
            prop_assert_eq!(ours.len(), 1);
            prop_assert!(ours[0].message.starts_with("cannot read: "), "{}", ours[0]);
        }
        Ok(())
    });
}

/// The deepest type trees JSON lets through (serde_json stops at 128 levels) are read and
/// validated on a test thread's 2 MiB stack.
#[test]
fn the_deepest_type_trees_are_read_and_validated() {
    let method = |result: &str| {
        format!(
            r#"{{"name": "crm.a", "version": "v1", "scope": "crm", "title": "T",
            "doc_url": "https://apidocs.bitrix24.com/x.html", "source": "x.md",
            "mutates": false, "deprecated": null, "params": [], "result": {result},
            "errors": []}}"#
        )
    };
    let mut items_depth = 0;
    for depth in 1..200 {
        let loaded = load(
            FileKind::Method,
            "methods/v1/crm.a.json",
            &method(&deep(depth, 2, true)),
        );
        if loaded.problems.has_errors() {
            let message = &loaded.problems.0[0].message;
            assert!(message.contains("recursion limit exceeded"), "{message}");
            break;
        }
        items_depth = depth;
        let mut problems = loaded.problems.clone();
        validate::validate(&loaded.spec, &mut problems);
        assert!(!problems.has_errors(), "{problems}");
    }
    assert!(items_depth > 100, "{items_depth}");
    // A field of an object field of …: two JSON levels each.
    let mut result = r#"{"type":"string"}"#.to_owned();
    let mut fields_depth = 0;
    for depth in 1..100 {
        result = format!(
            r#"{{"type":"object","fields":[{{"name":"a","required":true,{}]}}"#,
            &result[1..]
        );
        let loaded = load(FileKind::Method, "methods/v1/crm.a.json", &method(&result));
        if loaded.problems.has_errors() {
            let message = &loaded.problems.0[0].message;
            assert!(message.contains("recursion limit exceeded"), "{message}");
            break;
        }
        fields_depth = depth;
        let mut problems = loaded.problems.clone();
        validate::validate(&loaded.spec, &mut problems);
        assert!(!problems.has_errors(), "{problems}");
    }
    assert!(fields_depth > 50, "{fields_depth}");
}
