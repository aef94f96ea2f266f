//! Clean builds of the generated crate, timed with cargo in a target dir of their own so the
//! workspace's own `target/` is not disturbed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::measure::Figure;

/// The feature sets measured: one small scope, the largest scope, and everything.
const FEATURE_SETS: [(&str, &str); 3] = [("mail", "mail"), ("crm", "crm"), ("full", "full")];

fn cargo(root: &Path, target: &Path, args: &[&str]) -> Result<Duration, String> {
    let start = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(args)
        .arg("--quiet")
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("`cargo {}` failed ({status})", args.join(" ")));
    }
    Ok(start.elapsed())
}

/// A clean build of one package: its own artifacts removed first, dependencies kept.
fn clean_build(
    root: &Path,
    target: &Path,
    package: &str,
    features: &[&str],
) -> Result<Duration, String> {
    cargo(root, target, &["clean", "-p", package])?;
    let mut args = vec!["build", "--locked", "-p", package];
    args.extend_from_slice(features);
    cargo(root, target, &args)
}

/// Debug (the default profile) builds: the baseline, then each feature set of `bitrix24`.
/// With `from_scratch`, also `full` with every dependency built too (what a new user waits).
pub fn clean_builds(root: &Path, from_scratch: bool) -> Result<Vec<Figure>, String> {
    let target = root.join("target").join("bench");
    println!("building dependencies once in {} …", target.display());
    cargo(
        root,
        &target,
        &[
            "build",
            "--locked",
            "-p",
            "bitrix24",
            "--no-default-features",
            "--features",
            "mail",
        ],
    )?;
    let baseline = clean_build(root, &target, "bitrix-runtime", &[])?;
    let mut figures = Vec::new();
    for (label, feature) in FEATURE_SETS {
        println!("clean build of bitrix24 with `{label}` …");
        let time = clean_build(
            root,
            &target,
            "bitrix24",
            &["--no-default-features", "--features", feature],
        )?;
        figures.push(Figure::new(
            &format!("clean build of bitrix24, `{label}`"),
            time,
            "clean build of bitrix-runtime",
            baseline,
        ));
    }
    if from_scratch {
        println!("build of bitrix24 `full` from scratch, dependencies included …");
        std::fs::remove_dir_all(&target)
            .map_err(|e| format!("cannot empty {}: {e}", target.display()))?;
        let time = cargo(root, &target, &["build", "--locked", "-p", "bitrix24"])?;
        figures.push(Figure::new(
            "build of `full` from scratch, with deps",
            time,
            "clean build of bitrix-runtime",
            baseline,
        ));
    }
    Ok(figures)
}
