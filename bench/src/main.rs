//! `bitrix-bench [--docs DIR] [--runs N] [--no-build]`: measures, in one run on this machine,
//! each figure beside a baseline measured the same way, and prints their ratio (absolute times
//! on shared machines are noisy; ratios are what to compare between runs).
//!
//! - import of the whole docs snapshot, against reading its Markdown files;
//! - generation of the whole spec, against loading (parsing and validating) it;
//! - clean builds of `bitrix24` with only `mail`, only `crm`, and `full`, against a clean
//!   build of `bitrix-runtime` (dependencies are built first, in a target dir of their own);
//!   with `--from-scratch`, also `full` with every dependency (what a new user waits for).
//!
//! Run it with `cargo run --release -p bitrix-bench -- --docs ../shared/b24restdocs`.

mod build;
mod measure;

use std::path::PathBuf;
use std::process::ExitCode;

use measure::{median_of, peak_rss_mib, Figure};

const USAGE: &str =
    "usage: bitrix-bench [--docs <b24restdocs checkout>] [--runs N] [--no-build] [--from-scratch]";

struct Args {
    docs: Option<PathBuf>,
    runs: usize,
    build: bool,
    from_scratch: bool,
}

fn parse() -> Result<Args, String> {
    let mut args = Args {
        docs: None,
        runs: 5,
        build: true,
        from_scratch: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--docs" => args.docs = Some(it.next().ok_or("--docs needs a directory")?.into()),
            "--runs" => {
                args.runs = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--runs needs a positive number")?;
            }
            "--no-build" => args.build = false,
            "--from-scratch" => args.from_scratch = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec_dir = root.join("spec");
    if cfg!(debug_assertions) {
        println!("note: a debug build; run with --release for figures worth comparing");
    }
    let mut figures = Vec::new();

    match &args.docs {
        Some(docs) if docs.join("api-reference").is_dir() => {
            let read = median_of(args.runs, || {
                measure::read_markdown(&docs.join("api-reference"))
            });
            let import = median_of(args.runs, || {
                let import = bitrix_import::import(docs);
                import.methods.len()
            });
            figures.push(Figure::new(
                "import of the docs snapshot",
                import,
                "reading its Markdown",
                read,
            ));
        }
        Some(docs) => {
            eprintln!(
                "{} has no api-reference/ folder: not a docs checkout",
                docs.display()
            );
            return ExitCode::FAILURE;
        }
        None => println!("skipped: import (no --docs)"),
    }

    let load = median_of(args.runs, || {
        bitrix_spec::load_dir(&spec_dir).spec.methods.len()
    });
    let spec = match bitrix_codegen::load_spec(&spec_dir) {
        Ok(spec) => spec,
        Err(problems) => {
            eprintln!("the spec has errors:\n{problems}");
            return ExitCode::FAILURE;
        }
    };
    let generate = median_of(args.runs, || bitrix_codegen::generate_crate(&spec).len());
    figures.push(Figure::new(
        "generation of the whole spec",
        generate,
        "loading the spec",
        load,
    ));
    let rss = peak_rss_mib();

    if args.build {
        match build::clean_builds(&root, args.from_scratch) {
            Ok(builds) => figures.extend(builds),
            Err(e) => {
                eprintln!("build benchmark failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        println!("skipped: clean builds (--no-build)");
    }

    println!();
    for f in &figures {
        println!("{f}");
    }
    if let Some(rss) = rss {
        println!("peak memory of import + generation: {rss} MiB");
    }
    ExitCode::SUCCESS
}
