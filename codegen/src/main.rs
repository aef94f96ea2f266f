//! `bitrix-codegen generate [--spec DIR] [--out DIR] [--runtime DIR] [--check]`
//!
//! Rewrites the `bitrix24` crate (default `generated/`) and the runtime's `CommonError`
//! (default `runtime/src/common_error.rs`) from the spec (default `spec/`), or with `--check`
//! lists the files whose checked-in content differs and exits non-zero.

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
    /// The runtime crate, whose src/common_error.rs is generated from the spec's error
    /// catalogues [default: the workspace's runtime/, unless --spec names another spec].
    #[arg(long, value_name = "DIR")]
    runtime: Option<PathBuf>,
    /// Writes nothing: lists the files whose checked-in content differs and exits 1.
    #[arg(long)]
    check: bool,
}

/// What `generate` works on, defaults filled in.
struct Args {
    spec: PathBuf,
    out: PathBuf,
    /// The runtime crate to write `CommonError` into; `None` when generating from another spec.
    runtime: Option<PathBuf>,
    check: bool,
}

impl From<Generate> for Args {
    fn from(g: Generate) -> Args {
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        // The runtime's shared codes come from the project's own spec, not from any spec.
        let runtime = match (&g.spec, g.runtime) {
            (_, Some(dir)) => Some(dir),
            (None, None) => Some(workspace.join("runtime")),
            (Some(_), None) => None,
        };
        Args {
            spec: g.spec.unwrap_or_else(|| workspace.join("spec")),
            out: g.out.unwrap_or_else(|| workspace.join("generated")),
            runtime,
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
    let targets = targets(&spec, &args);
    if args.check {
        check(&targets)
    } else {
        write(&targets, &spec, warnings)
    }
}

/// A folder the generator writes into, with its files and how it owns them.
struct Target {
    root: PathBuf,
    files: bitrix_codegen::Output,
    runtime: bool,
}

fn targets(spec: &bitrix_spec::Spec, args: &Args) -> Vec<Target> {
    let mut out = vec![Target {
        root: args.out.clone(),
        files: bitrix_codegen::generate_crate(spec),
        runtime: false,
    }];
    if let Some(root) = &args.runtime {
        out.push(Target {
            root: root.clone(),
            files: bitrix_codegen::generate_runtime(spec),
            runtime: true,
        });
    }
    out
}

fn check(targets: &[Target]) -> ExitCode {
    let mut stale_count = 0;
    for t in targets {
        let result = if t.runtime {
            bitrix_codegen::check_runtime(&t.root, &t.files)
        } else {
            bitrix_codegen::check(&t.root, &t.files)
        };
        match result {
            Ok(stale) if stale.is_empty() => {
                println!("{}: up to date ({} files)", t.root.display(), t.files.len());
            }
            Ok(stale) => {
                for s in &stale {
                    println!("{s}");
                }
                stale_count += stale.len();
            }
            Err(e) => {
                eprintln!("cannot read {}: {e}", t.root.display());
                return ExitCode::FAILURE;
            }
        }
    }
    if stale_count == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{stale_count} generated file(s) are stale; run `cargo run -p bitrix-codegen -- generate`"
        );
        ExitCode::FAILURE
    }
}

fn write(targets: &[Target], spec: &bitrix_spec::Spec, warnings: usize) -> ExitCode {
    for t in targets {
        let result = if t.runtime {
            bitrix_codegen::write_runtime(&t.root, &t.files)
        } else {
            bitrix_codegen::write(&t.root, &t.files)
        };
        if let Err(e) = result {
            eprintln!("cannot write {}: {e}", t.root.display());
            return ExitCode::FAILURE;
        }
        if t.runtime {
            println!(
                "generated {} file(s) of the runtime into {}",
                t.files.len(),
                t.root.display()
            );
        } else {
            println!(
                "generated {} files for {} methods, {} types, {} events into {} ({warnings} spec warnings)",
                t.files.len(),
                spec.methods.len(),
                spec.types.len(),
                spec.events.len(),
                t.root.display()
            );
        }
    }
    ExitCode::SUCCESS
}
