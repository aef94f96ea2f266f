//! The `bitrix-codegen` command: generate, idempotence, `--check` on stale output, bad specs
//! and bad arguments.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bitrix-codegen"))
        .args(args)
        .output()
        .expect("the CLI runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/basic")
        .display()
        .to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn generate_is_idempotent_and_check_finds_stale_files() {
    let out = scratch("cli-out");
    let out_s = out.display().to_string();
    let spec = fixture();
    let first = run(&["generate", "--spec", &spec, "--out", &out_s]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("generated 11 files for 2 methods, 1 types, 1 events"),
        "{}",
        text(&first)
    );
    let before = snapshot(&out);
    assert!(run(&["generate", "--spec", &spec, "--out", &out_s])
        .status
        .success());
    assert_eq!(before, snapshot(&out), "a second run changes nothing");

    let clean = run(&["generate", "--check", "--spec", &spec, "--out", &out_s]);
    assert!(clean.status.success(), "{}", text(&clean));

    fs::write(out.join("src/demo/demo_note_add.rs"), "// edited by hand\n").unwrap();
    fs::write(out.join("src/demo/leftover.rs"), "").unwrap();
    fs::remove_file(out.join("src/types/priority.rs")).unwrap();
    let stale = run(&["generate", "--check", "--spec", &spec, "--out", &out_s]);
    assert_eq!(stale.status.code(), Some(1));
    let t = text(&stale);
    assert!(t.contains("changed: src/demo/demo_note_add.rs"), "{t}");
    assert!(t.contains("missing: src/types/priority.rs"), "{t}");
    assert!(
        t.contains("not generated any more: src/demo/leftover.rs"),
        "{t}"
    );
    assert!(t.contains("3 generated file(s) are stale"), "{t}");

    // generate repairs all three.
    assert!(run(&["generate", "--spec", &spec, "--out", &out_s])
        .status
        .success());
    assert_eq!(before, snapshot(&out));
}

#[test]
fn an_invalid_spec_generates_nothing() {
    let spec = scratch("cli-bad-spec");
    fs::create_dir_all(spec.join("methods/v1")).unwrap();
    fs::write(spec.join("methods/v1/crm.x.json"), r#"{"name": "crm.x"}"#).unwrap();
    let out = scratch("cli-bad-out");
    let o = run(&[
        "generate",
        "--spec",
        &spec.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("error: methods/v1/crm.x.json: $: missing key `version`"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("has errors; nothing generated"));
    assert!(!out.exists());
}

#[test]
fn bad_arguments_exit_with_usage() {
    for args in [
        &["frobnicate"][..],
        &["generate", "--bogus"],
        &["generate", "--spec"],
        &[],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            text(&o).contains("usage: bitrix-codegen generate"),
            "{args:?}: {}",
            text(&o)
        );
    }
}

#[test]
fn help_and_version_exit_0_and_a_bad_flag_is_named() {
    for args in [&["--help"][..], &["generate", "--help"], &["-h"]] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("Usage: bitrix-codegen generate"),
            "{args:?}: {out}"
        );
    }
    let help = run(&["generate", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in ["--spec <DIR>", "--out <DIR>", "--check"] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
    let o = run(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("bitrix-codegen {}\n", env!("CARGO_PKG_VERSION"))
    );

    let o = run(&["generate", "--bogus"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.lines().next(),
        Some("bitrix-codegen: unknown argument `--bogus`"),
        "{err}"
    );
    let o = run(&["generate", "--spec"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).lines().next(),
        Some("bitrix-codegen: --spec needs a value")
    );
}

#[test]
fn the_runtimes_common_error_is_written_only_where_asked() {
    let spec = fixture();
    let out = scratch("cli-runtime-out");
    let runtime = scratch("cli-runtime");
    fs::create_dir_all(runtime.join("src")).unwrap();
    fs::write(runtime.join("src/lib.rs"), "// hand-written\n").unwrap();
    let (out_s, runtime_s) = (out.display().to_string(), runtime.display().to_string());

    // Another spec leaves the runtime alone unless --runtime names it.
    let plain = run(&["generate", "--spec", &spec, "--out", &out_s]);
    assert!(plain.status.success(), "{}", text(&plain));
    assert!(!runtime.join("src/common_error.rs").exists());

    let args = [
        "generate",
        "--spec",
        &spec,
        "--out",
        &out_s,
        "--runtime",
        &runtime_s,
    ];
    let written = run(&args);
    assert!(written.status.success(), "{}", text(&written));
    let file = fs::read_to_string(runtime.join("src/common_error.rs")).unwrap();
    assert!(file.starts_with("// @generated by bitrix-codegen from spec/errors/."));
    assert!(file.contains("pub enum CommonError"), "{file}");
    // Hand-written files of the runtime are neither removed nor reported.
    assert!(runtime.join("src/lib.rs").exists());
    let check = [&args[..1], &["--check"], &args[1..]].concat();
    let clean = run(&check);
    assert!(clean.status.success(), "{}", text(&clean));

    fs::write(runtime.join("src/common_error.rs"), "// edited\n").unwrap();
    let stale = run(&check);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        text(&stale).contains("changed: src/common_error.rs"),
        "{}",
        text(&stale)
    );
}
