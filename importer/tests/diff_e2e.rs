//! End to end: import a few synthetic docs pages, change the docs as an update does (a new
//! casing, a page removed, a page added, a page moved, a parameter made required, a guide
//! that only calls a method), re-import with `--diff`, and read exactly the expected lines.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-e2e-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A method page: title, scope line, parameter table (`id` required when `required`), cURL.
fn page(title: &str, name: &str, required: bool) -> String {
    let star = if required { "*" } else { "" };
    format!(
        "# {title} {name}\n\n> Scope: [`disk`](../scopes/permissions.md)\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **id**{star}\n[`integer`](../data-types.md) | Identifier ||\n|#\n\n## Code Examples\n\n```bash\ncurl -X POST -H \"Content-Type: application/json\" -d '{{\"id\":1}}' https://**put_your_bitrix24_address**/rest/{name}\n```\n"
    )
}

/// A guide that calls a method in its example without documenting it.
const GUIDE: &str = "# How to copy files\n\nSteps.\n\n## Example\n\n```bash\ncurl https://**put_your_bitrix24_address**/rest/disk.file.get\n```\n";

fn write_docs(root: &Path, pages: &[(&str, String)]) {
    for (rel, text) in pages {
        let path = root.join("api-reference").join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

fn import(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bitrix-import"))
        .args(args)
        .output()
        .expect("the importer runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_docs_update_is_reported_change_by_change() {
    let root = scratch("update");
    let (before, after, spec) = (root.join("before"), root.join("after"), root.join("spec"));
    fs::create_dir_all(&spec).unwrap();
    write_docs(
        &before,
        &[
            (
                "disk/disk-file-copyto.md",
                page("Copy", "disk.file.copyto", true),
            ),
            ("disk/disk-file-get.md", page("Get", "disk.file.get", false)),
            (
                "disk/disk-file-delete.md",
                page("Delete", "disk.file.delete", true),
            ),
            ("disk/guide.md", GUIDE.to_owned()),
        ],
    );
    let (b, s) = (before.to_str().unwrap(), spec.to_str().unwrap());
    let first = import(&["--docs", b, "--spec", s, "--out", s]);
    assert!(first.status.success(), "{}", stdout(&first));
    assert!(
        stdout(&first).contains("1 pages name a method but are not imported"),
        "{}",
        stdout(&first)
    );
    let names: Vec<String> = fs::read_dir(spec.join("methods/v1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        names,
        [
            "disk.file.copyto.json",
            "disk.file.delete.json",
            "disk.file.get.json"
        ]
    );

    write_docs(
        &after,
        &[
            // The docs now spell it `copyTo`, in the title and the cURL URL.
            (
                "disk/disk-file-copyto.md",
                page("Copy", "disk.file.copyTo", true),
            ),
            // Moved to a folder of its own, and `id` became required.
            (
                "disk/file/disk-file-get.md",
                page("Get", "disk.file.get", true),
            ),
            (
                "disk/disk-file-rename.md",
                page("Rename", "disk.file.rename", false),
            ),
            ("disk/guide.md", GUIDE.to_owned()),
        ],
    );
    let a = after.to_str().unwrap();
    let second = import(&["--docs", a, "--spec", s, "--diff"]);
    assert_eq!(second.status.code(), Some(1), "changes exit 1");
    let text = stdout(&second);
    let diff: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("got a new Rust name"))
        .skip(1)
        .collect();
    assert_eq!(
        diff,
        [
            "+ disk.file.rename (v1) [additive]",
            "- disk.file.delete (v1) [BREAKING]",
            "~ renamed spelling: disk.file.copyto → disk.file.copyTo (v1), Rust name kept DiskFileCopyto [patch]",
            "~ disk.file.get (v1): page moved: api-reference/disk/disk-file-get.md → api-reference/disk/file/disk-file-get.md [patch]",
            "~ disk.file.get (v1): param `id` made required [BREAKING]",
            "semver: major (2 breaking, 1 additive, 2 patch)",
            &format!("5 changes against {s}"),
        ],
        "{text}"
    );

    // The same as JSON, alone on stdout.
    let json = import(&["--docs", a, "--spec", s, "--diff", "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON on stdout");
    let kinds: Vec<(&str, &str)> = value["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap(), c["method"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("added", "disk.file.rename"),
            ("removed", "disk.file.delete"),
            ("renamed", "disk.file.copyTo"),
            ("moved", "disk.file.get"),
            ("changed", "disk.file.get"),
        ]
    );
    assert_eq!(value["semver"], "major");

    // Written, the new spelling keeps the recorded Rust name.
    let third = import(&["--docs", a, "--spec", s, "--out", s]);
    assert!(third.status.success());
    let copied: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(spec.join("methods/v1/disk.file.copyTo.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(copied["rust_name"], "DiskFileCopyto");
    assert!(!spec.join("methods/v1/disk.file.copyto.json").exists());
    let again = import(&["--docs", a, "--spec", s, "--diff"]);
    assert!(again.status.success(), "{}", stdout(&again));
    assert!(
        stdout(&again).contains("semver: none"),
        "{}",
        stdout(&again)
    );
}
