use clap::{Args, Parser, Subcommand};

use super::*;

/// A tool with one command, as `bitrix-codegen` has.
#[derive(Parser, Debug)]
#[command(name = "tool", version, override_usage = "tool run [OPTIONS]")]
#[command(subcommand_required = true, disable_help_subcommand = true)]
struct Tool {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand, Debug)]
enum Commands {
    /// Runs.
    Run(RunArgs),
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Where.
    #[arg(long, value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
    /// How much.
    #[arg(long, value_name = "N", value_parser = positive)]
    cost: Option<i64>,
    /// Whether.
    #[arg(long)]
    check: bool,
}

/// A tool with a required option, as `bitrix-import` has.
#[derive(Parser, Debug)]
#[command(name = "needy")]
struct Needy {
    /// Required.
    #[arg(long, value_name = "DIR")]
    docs: std::path::PathBuf,
    /// Optional.
    #[arg(long)]
    quiet: bool,
}

fn positive(v: &str) -> Result<i64, String> {
    v.parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(format!("`{v}` is not a positive number"))
}

fn run(args: &[&str]) -> Result<RunArgs, Stop> {
    parse::<Tool>(args.iter().copied()).map(|t| match t.command {
        Commands::Run(args) => args,
    })
}

fn usage_error(stop: Stop) -> UsageError {
    match stop {
        Stop::Usage(e) => e,
        other => panic!("not a usage error: {other:?}"),
    }
}

#[test]
fn good_lines_parse_and_the_last_repeat_wins() {
    let args = run(&["run", "--dir", "a", "--check", "--dir=b", "--check"]).unwrap();
    assert_eq!(args.dir.unwrap(), std::path::Path::new("b"));
    assert!(args.check);
    assert_eq!(run(&["run", "--cost", "3"]).unwrap().cost, Some(3));
}

#[test]
fn help_and_version_are_text_to_print() {
    let Err(Stop::Help(help)) = run(&["--help"]) else {
        panic!("--help is help");
    };
    assert!(help.contains("Usage: tool run [OPTIONS]"), "{help}");
    let Err(Stop::Help(help)) = run(&["run", "-h"]) else {
        panic!("-h is help");
    };
    assert!(help.contains("--dir <DIR>"), "{help}");
    assert_eq!(
        run(&["--version"]).unwrap_err(),
        Stop::Version(format!("tool {}\n", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(Stop::Help(String::new()).report(), ExitCode::SUCCESS);
}

#[test]
fn a_bad_value_is_one_line_naming_the_flag() {
    let e = usage_error(run(&["run", "--cost", "0"]).unwrap_err());
    assert_eq!(e.to_string(), "tool: --cost: `0` is not a positive number");
    // A negative number is the option's value, for the value parser to refuse.
    let e = usage_error(run(&["run", "--cost", "-1"]).unwrap_err());
    assert_eq!(e.message, "--cost: `-1` is not a positive number");
}

#[test]
fn a_bad_shape_names_the_argument_and_gives_the_usage() {
    let cases: [(&[&str], &str); 5] = [
        (&["run", "--bogus"], "unknown argument `--bogus`"),
        (&["run", "extra"], "unknown argument `extra`"),
        (&["run", "--dir"], "--dir needs a value"),
        (&["frobnicate"], "unknown command `frobnicate`"),
        (&[], "a command is required: run"),
    ];
    for (args, message) in cases {
        let e = usage_error(run(args).unwrap_err());
        assert_eq!(e.message, message, "{args:?}");
        assert_eq!(
            e.to_string(),
            format!("tool: {message}\nusage: tool run [OPTIONS]; more with --help"),
            "{args:?}"
        );
    }
    let e = usage_error(parse::<Needy>([""; 0]).unwrap_err());
    assert_eq!(e.message, "--docs <DIR> is required");
    assert_eq!(e.usage.as_deref(), Some("needy [OPTIONS] --docs <DIR>"));
    let e = usage_error(parse::<Needy>(["--docs", "d", "--bogus"]).unwrap_err());
    assert_eq!(e.usage.as_deref(), Some("needy [OPTIONS] --docs <DIR>"));
    assert_eq!(Stop::Usage(e).report(), ExitCode::from(2));
}
