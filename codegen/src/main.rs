//! `bitrix-codegen generate [--spec DIR] [--out DIR] [--check]`
//!
//! Rewrites the `bitrix24` crate (default `generated/`) from the spec (default `spec/`), or with
//! `--check` lists the files whose checked-in content differs and exits non-zero.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: bitrix-codegen generate [--spec DIR] [--out DIR] [--check]";

struct Args {
    spec: PathBuf,
    out: PathBuf,
    check: bool,
}

fn parse_args() -> Result<Args, String> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = Args {
        spec: workspace.join("spec"),
        out: workspace.join("generated"),
        check: false,
    };
    let mut it = std::env::args().skip(1);
    match it.next().as_deref() {
        Some("generate") => {}
        Some("-h" | "--help") | None => return Err(USAGE.to_owned()),
        Some(other) => return Err(format!("unknown command `{other}`\n{USAGE}")),
    }
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--spec" => {
                args.spec = it
                    .next()
                    .ok_or(format!("--spec needs a directory\n{USAGE}"))?
                    .into()
            }
            "--out" => {
                args.out = it
                    .next()
                    .ok_or(format!("--out needs a directory\n{USAGE}"))?
                    .into()
            }
            "--check" => args.check = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let loaded = bitrix_spec::load_dir(&args.spec);
    let warnings = loaded.problems.warnings().count();
    for w in loaded.problems.warnings() {
        eprintln!("{w}");
    }
    let spec = match loaded.into_result() {
        Ok(spec) => spec,
        Err(problems) => {
            eprint!("{problems}");
            eprintln!(
                "the spec in {} has errors; nothing generated",
                args.spec.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let output = bitrix_codegen::generate_crate(&spec);
    if args.check {
        match bitrix_codegen::check(&args.out, &output) {
            Ok(stale) if stale.is_empty() => {
                println!(
                    "{}: up to date ({} files)",
                    args.out.display(),
                    output.len()
                );
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                for s in &stale {
                    println!("{s}");
                }
                eprintln!(
                    "{} generated file(s) are stale; run `cargo run -p bitrix-codegen -- generate`",
                    stale.len()
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("cannot read {}: {e}", args.out.display());
                ExitCode::FAILURE
            }
        }
    } else {
        match bitrix_codegen::write(&args.out, &output) {
            Ok(()) => {
                println!(
                    "generated {} files for {} methods, {} types, {} events into {} ({warnings} spec warnings)",
                    output.len(),
                    spec.methods.len(),
                    spec.types.len(),
                    spec.events.len(),
                    args.out.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot write {}: {e}", args.out.display());
                ExitCode::FAILURE
            }
        }
    }
}
