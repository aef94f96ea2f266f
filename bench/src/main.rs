//! `bitrix-bench [--docs DIR] [--runs N] [--no-build]`: measures, in one run on this machine,
//! each figure beside a baseline measured the same way, and prints their ratio (absolute times
//! on shared machines are noisy; ratios are what to compare between runs).
//!
//! `bitrix-bench throughput [--rows N] [--profile fast|realistic]`: a full export from an
//! emulated portal against the ceiling of its leaky bucket (see [`throughput`]).
//!
//! `bitrix-bench soak [--ops N] [--fault-rate R] [--seed S]`: mixed operations against an
//! emulated portal that injects faults, then a check of its data (see [`soak`]).
//!
//! Without a command:
//! - import of the whole docs snapshot, against reading its Markdown files;
//! - generation of the whole spec, against loading (parsing and validating) it;
//! - clean builds of `bitrix24` with only `mail`, only `crm`, and `full`, against a clean
//!   build of `bitrix-runtime` (dependencies are built first, in a target dir of their own);
//!   with `--from-scratch`, also `full` with every dependency (what a new user waits for).
//!
//! Run it with `cargo run --release -p bitrix-bench -- --docs ../shared/b24restdocs`.

mod build;
mod measure;
mod soak;
mod throughput;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use measure::{median_of, peak_rss_mib, Figure};

/// Measures import, generation and clean builds of bitrix24-rs, each beside a baseline measured
/// the same way, and prints their ratios.
#[derive(clap::Parser, Debug)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// A checkout of the Bitrix24 REST docs (b24restdocs), to measure the import [default: no
    /// import figure].
    #[arg(long, value_name = "DIR")]
    docs: Option<PathBuf>,
    /// Runs of each measurement; the median counts.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = positive)]
    runs: usize,
    /// Skips the clean builds.
    #[arg(long = "no-build", action = clap::ArgAction::SetFalse)]
    build: bool,
    /// Also builds `full` with every dependency (what a new user waits for).
    #[arg(long)]
    from_scratch: bool,
}

/// The other benchmarks.
#[derive(clap::Subcommand, Debug)]
enum Command {
    /// A full export of an emulated portal's deals against the ceiling of its leaky bucket,
    /// and beside fast_bitrix24 when Python has it.
    Throughput(throughput::Args),
    /// Thousands of mixed operations against an emulated portal with injected faults, then
    /// a check of its data: nothing lost, nothing applied twice.
    Soak(soak::Args),
    /// The emulator, with its own arguments (the throughput benchmark's portal process).
    #[command(hide = true)]
    Emulator {
        /// The emulator's arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
}

/// The async runtime of a subcommand, or `None`, said on stderr, when it cannot start.
pub(crate) fn async_runtime() -> Option<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new()
        .map_err(|e| eprintln!("bitrix-bench: cannot start the async runtime: {e}"))
        .ok()
}

pub(crate) fn positive(v: &str) -> Result<usize, String> {
    v.parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(format!("`{v}` is not a positive number"))
}

fn main() -> ExitCode {
    let args = match bitrix_cli::parse_env::<Args>() {
        Ok(args) => args,
        Err(code) => return code,
    };
    match args.command {
        Some(Command::Throughput(t)) => return throughput::run(&t),
        Some(Command::Soak(s)) => return soak::run(&s),
        Some(Command::Emulator { args }) => return throughput::serve(args),
        None => {}
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_cli::Stop;

    fn parse(args: &[&str]) -> Result<Args, Stop> {
        bitrix_cli::parse(args.iter().copied())
    }

    #[test]
    fn defaults_and_flags() {
        let a = parse(&[]).unwrap();
        assert!(a.command.is_none());
        assert_eq!(
            (a.docs, a.runs, a.build, a.from_scratch),
            (None, 5, true, false)
        );
        let a = parse(&["--docs", "d", "--runs", "2", "--no-build", "--from-scratch"]).unwrap();
        assert_eq!(a.docs, Some(PathBuf::from("d")));
        assert_eq!((a.runs, a.build, a.from_scratch), (2, false, true));
    }

    #[test]
    fn throughput_takes_its_own_flags() {
        let a = parse(&["throughput"]).unwrap();
        let Some(Command::Throughput(t)) = a.command else {
            panic!("a throughput command");
        };
        assert_eq!(
            (t.rows, t.profile.as_str(), t.time_scale),
            (250_000, "fast", 1.0)
        );
        let a = parse(&["throughput", "--rows", "1000", "--profile", "realistic"]).unwrap();
        let Some(Command::Throughput(t)) = a.command else {
            panic!("a throughput command");
        };
        assert_eq!((t.rows, t.profile.as_str()), (1000, "realistic"));
        for (args, message) in [
            (
                &["throughput", "--profile", "slow"][..],
                "--profile: `slow` is not a profile: expected fast or realistic",
            ),
            (
                &["throughput", "--rows", "0"],
                "--rows: `0` is not a positive number",
            ),
            (
                &["throughput", "--time-scale", "0"],
                "--time-scale: `0` is not a time scale: expected a number in (0, 1]",
            ),
        ] {
            let bad = parse(args).unwrap_err();
            assert!(
                matches!(&bad, Stop::Usage(e) if e.message == message),
                "{args:?}: {bad:?}"
            );
        }
    }

    #[test]
    fn help_exits_0_and_bad_arguments_exit_2_naming_them() {
        let help = parse(&["--help"]).unwrap_err();
        assert!(matches!(&help, Stop::Help(text) if text.contains("--no-build")));
        assert_eq!(help.report(), ExitCode::SUCCESS);
        for (args, message) in [
            (&["--bogus"][..], "unknown argument `--bogus`"),
            (&["--runs", "0"], "--runs: `0` is not a positive number"),
            (&["--runs"], "--runs needs a value"),
        ] {
            let bad = parse(args).unwrap_err();
            assert!(
                matches!(&bad, Stop::Usage(e) if e.message == message),
                "{args:?}: {bad:?}"
            );
            assert_eq!(bad.report(), ExitCode::from(2));
        }
    }
}
