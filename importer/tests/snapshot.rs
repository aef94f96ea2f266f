//! The importer on the docs snapshot in ../shared/b24restdocs (skips itself, saying so, where
//! it is absent): it finds the whole API, every imported method passes the spec's validation,
//! and the hand-transcribed seed methods come out the same except for the known curations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bitrix_spec::{Field, Spec, Version};

fn docs() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs");
    p.is_dir().then_some(p)
}

/// Wire path → required flag, nested fields and array items included.
fn flags(fields: &[Field], path: &str, out: &mut BTreeMap<String, bool>) {
    for f in fields {
        let p = if path.is_empty() {
            f.name.clone()
        } else {
            format!("{path}.{}", f.name)
        };
        out.insert(p.clone(), f.required);
        flags(f.ty.fields(), &p, out);
        if let Some(items) = f.ty.items() {
            flags(items.fields(), &format!("{p}[]"), out);
        }
    }
}

/// Seeds whose hand transcription deliberately differs (overrides will carry these).
const CURATED: &[&str] = &[
    // COMMUNICATIONS items inlined with request-side required flags; COMPLETED and
    // SETTINGS.DISABLE_SENDING_MESSAGE_COPY added from the page's prose and examples.
    "crm.activity.add",
    "crm.activity.update",
    // Its `fields` table is on the crm.activity.configurable.add page.
    "crm.activity.configurable.update",
    // `clear`, `process_id` and `error` from the page's second ("additional") table.
    "event.offline.get",
];

#[test]
fn imports_the_whole_snapshot() {
    let Some(docs) = docs() else {
        eprintln!(
            "skipped: ../shared/b24restdocs is not here (a user's clone has no docs snapshot)"
        );
        return;
    };
    let import = bitrix_import::import(&docs);
    let v3 = import
        .methods
        .keys()
        .filter(|(_, v)| *v == Version::V3)
        .count();
    assert!(
        import.methods.len() >= 1600,
        "{} methods",
        import.methods.len()
    );
    assert!(v3 >= 100, "{v3} REST 3.0 methods");
    assert!(import.events.len() >= 150, "{} events", import.events.len());
    assert!(
        import.types.len() >= 100,
        "{} named types",
        import.types.len()
    );

    let spec = Spec {
        methods: import.methods.clone(),
        events: import.events.clone(),
        types: import.types.clone(),
        ..Spec::default()
    };
    let mut problems = bitrix_spec::Problems::default();
    bitrix_spec::validate::validate(&spec, &mut problems);
    let errors: Vec<String> = problems.errors().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let hand = bitrix_spec::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
        .into_result()
        .unwrap();
    let mut differ = Vec::new();
    // Methods the docs have no page for are whole overrides (`landing.repo.bind`).
    let (fixes, _) = bitrix_import::overrides::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/overrides"),
    );
    for (key, m) in &hand.methods {
        let Some(imported) = import.methods.get(key) else {
            if !fixes
                .methods
                .get(key)
                .is_some_and(|f| f.contains_key("name"))
            {
                differ.push(format!("{} ({}) not imported", key.0, key.1));
            }
            continue;
        };
        let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
        flags(&m.params, "", &mut a);
        flags(&imported.params, "", &mut b);
        let codes = |errors: &[bitrix_spec::ErrorEntry]| {
            let mut c: Vec<Option<String>> = errors.iter().map(|e| e.code.clone()).collect();
            c.sort();
            c.dedup();
            c
        };
        let same =
            a == b && codes(&m.errors) == codes(&imported.errors) && m.scope == imported.scope;
        if !same && !CURATED.contains(&m.name.as_str()) {
            differ.push(format!("{}: hand {a:?} / imported {b:?}", m.name));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn with_overrides_the_seed_methods_and_events_come_out_exactly_as_transcribed() {
    let Some(docs) = docs() else {
        eprintln!(
            "skipped: ../shared/b24restdocs is not here (a user's clone has no docs snapshot)"
        );
        return;
    };
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut raw = bitrix_import::import(&docs);
    let mut import = raw.clone();
    let (fixes, mut problems) = bitrix_import::overrides::load(&spec_dir.join("overrides"));
    problems.extend(bitrix_import::overrides::apply(&mut import, &fixes));
    assert!(problems.is_empty(), "{problems:?}");
    let hand = bitrix_spec::load_dir(&spec_dir).into_result().unwrap();
    // As `bitrix-import` does: recorded Rust names are kept, and an override names a method
    // whose name a spec without records would derive otherwise.
    bitrix_import::rust_names::assign(&mut import, &hand);
    bitrix_import::rust_names::assign(&mut raw, &bitrix_spec::Spec::default());
    for (key, m) in &hand.methods {
        assert_eq!(import.methods.get(key), Some(m), "{} ({})", key.0, key.1);
    }
    for (name, e) in &hand.events {
        assert_eq!(import.events.get(name), Some(e), "event {name}");
    }
    for (name, t) in &hand.types {
        assert_eq!(import.types.get(name), Some(t), "type {name}");
    }
    assert_eq!(import.catalogues, hand.catalogues);
    // And no override is stale: each one is exactly what the curation needs.
    for (key, fix) in &fixes.methods {
        let needed = bitrix_import::overrides::needed(raw.methods.get(key), &hand.methods[key]);
        assert_eq!(
            &needed, fix,
            "{} ({}): rerun --record-overrides",
            key.0, key.1
        );
    }
    for (name, fix) in &fixes.events {
        let needed = bitrix_import::overrides::needed(raw.events.get(name), &hand.events[name]);
        assert_eq!(&needed, fix, "event {name}: rerun --record-overrides");
    }
    for (name, fix) in &fixes.types {
        let needed = bitrix_import::overrides::needed(raw.types.get(name), &hand.types[name]);
        assert_eq!(&needed, fix, "type {name}: rerun --record-overrides");
    }
}
