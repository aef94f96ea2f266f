//! `bitrix-codegen generate [--spec DIR] [--out DIR] [--check]`
//!
//! Rewrites the `bitrix24` crate (default `generated/`) from the spec (default `spec/`), or with
//! `--check` lists the files whose checked-in content differs and exits non-zero.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Generates the typed `bitrix24` crate from the bitrix24-rs spec.
#[derive(Parser)]
#[command(version, override_usage = "bitrix-codegen generate [OPTIONS]")]
#[command(disable_help_subcommand = true, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Rewrites the crate from the spec, or with --check lists the stale files.
    Generate(Generate),
}

/// Arguments of `generate`.
#[derive(clap::Args)]
struct Generate {
    /// The spec to generate from [default: the workspace's spec/].
    #[arg(long, value_name = "DIR")]
    spec: Option<PathBuf>,
    /// Where the crate goes [default: the workspace's generated/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Writes nothing: lists the files whose checked-in content differs and exits 1.
    #[arg(long)]
    check: bool,
}

/// What `generate` works on, defaults filled in.
struct Args {
    spec: PathBuf,
    out: PathBuf,
    check: bool,
}

impl From<Generate> for Args {
    fn from(g: Generate) -> Args {
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        Args {
            spec: g.spec.unwrap_or_else(|| workspace.join("spec")),
            out: g.out.unwrap_or_else(|| workspace.join("generated")),
            check: g.check,
        }
    }
}

fn main() -> ExitCode {
    let args: Args = match bitrix_cli::parse_env::<Cli>() {
        Ok(Cli {
            command: Command::Generate(generate),
        }) => generate.into(),
        Err(code) => return code,
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
