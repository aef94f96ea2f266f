//! `bitrix-bench soak` end to end, small: its own emulator, faults of every kind, the state
//! file checked, and the one summary line the checks read.

mod common;

use common::bench;

/// The counts of the summary line, by name.
fn summary(stdout: &str) -> Vec<(String, u64)> {
    let last = stdout.lines().last().unwrap_or_default();
    last.strip_prefix("soak: ")
        .unwrap_or_else(|| panic!("the summary line last: {last}"))
        .split(", ")
        .map(|part| {
            let (name, n) = part.rsplit_once(' ').expect("name and count");
            (name.to_owned(), n.parse().expect("a count"))
        })
        .collect()
}

#[test]
fn a_faulty_portal_loses_and_duplicates_nothing() {
    let dir = std::env::temp_dir().join(format!("bitrix-bench-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let (ok, stdout, stderr) = bench(&[
        "soak",
        "--ops",
        "600",
        "--fault-rate",
        "0.2",
        "--seed",
        "5",
        "--state-file",
        state.to_str().unwrap(),
    ]);
    assert!(ok, "{stdout}\n{stderr}");
    let counts = summary(&stdout);
    let names: Vec<&str> = counts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "acknowledged",
            "lost",
            "duplicated",
            "unknown",
            "other errors",
            "panics"
        ]
    );
    let count = |name: &str| counts.iter().find(|(n, _)| n == name).unwrap().1;
    assert!(count("acknowledged") > 300, "{stdout}");
    assert_eq!(
        (count("lost"), count("duplicated"), count("panics")),
        (0, 0, 0)
    );
    assert!(count("unknown") > 0, "v1 writes met lost answers: {stdout}");
    assert!(
        stdout.contains("REST 3.0 writes not acknowledged 0"),
        "{stdout}"
    );
    assert!(state.is_file(), "the state file is kept");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_arguments_are_refused_by_name() {
    for (args, message) in [
        (
            &["soak", "--faults", "fire"][..],
            "`fire` is not a kind of fault",
        ),
        (&["soak", "--fault-rate", "2"], "`2` is not a fault rate"),
        (&["soak", "--ops", "0"], "`0` is not a positive number"),
    ] {
        let (ok, _, stderr) = bench(args);
        assert!(!ok);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}
