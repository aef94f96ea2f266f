//! How the bitrix24-rs command-line tools (`bitrix-codegen`, `bitrix-import`, `bitrix-bench`,
//! `bitrix24-emulator`) read their arguments: each declares them with clap's derive API and
//! parses them with [`parse`] or [`parse_env`], so all four answer the same way.
//!
//! - `-h`/`--help` and `-V`/`--version` print clap's text on stdout and exit 0.
//! - A bad command line exits 2 with one line on stderr that names the bad argument,
//!   `<tool>: <what is wrong>`: ``bitrix24-emulator: --port: `x` is not a valid number``.
//!   When the shape of the line is wrong (an unknown or missing argument, a missing value), a
//!   second line gives the usage; when only a value is wrong, the one line says it all.
//! - A value parser is a plain `fn(&str) -> Result<T, String>` whose message shows the value
//!   (`` `x` is not a valid number ``); the flag is put in front of it here.
//! - As with the hand-written parsers these replace, an option given twice keeps its last
//!   value, and a value that looks like a negative number (`--cost -1`) is the option's value,
//!   for its value parser to judge, not an unknown flag.
//!
//! ```
//! use clap::Parser;
//!
//! /// Counts things.
//! #[derive(Parser)]
//! #[command(name = "count", version)]
//! struct Cli {
//!     /// How many.
//!     #[arg(long, value_name = "N", value_parser = positive)]
//!     runs: Option<u32>,
//! }
//!
//! fn positive(v: &str) -> Result<u32, String> {
//!     v.parse().ok().filter(|n| *n > 0).ok_or(format!("`{v}` is not a positive number"))
//! }
//!
//! let Err(bitrix_cli::Stop::Usage(e)) = bitrix_cli::parse::<Cli>(["--runs", "0"]) else {
//!     panic!("0 is refused");
//! };
//! assert_eq!(e.to_string(), "count: --runs: `0` is not a positive number");
//! ```

use std::ffi::OsString;
use std::fmt;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Parser;

/// Why parsing ended without arguments to run with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// `-h`/`--help` asked for this text.
    Help(String),
    /// `-V`/`--version` asked for this text.
    Version(String),
    /// The command line is wrong.
    Usage(UsageError),
}

impl Stop {
    /// Prints the help or version on stdout, or the error on stderr, and returns the exit code
    /// the tool ends with: 0 after help and version, 2 after a usage error.
    pub fn report(&self) -> ExitCode {
        match self {
            Stop::Help(text) | Stop::Version(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Stop::Usage(error) => {
                eprintln!("{error}");
                ExitCode::from(UsageError::EXIT_CODE)
            }
        }
    }
}

/// A command line that the tool refuses. Its [`Display`](fmt::Display) is what goes to stderr:
/// `<tool>: <message>`, then `usage: <usage>` when there is a usage line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// The tool's name (`bitrix24-emulator`).
    pub tool: String,
    /// What is wrong, naming the argument: `` --port: `x` is not a valid number ``,
    /// `--port needs a value`, `` unknown argument `--frobnicate` ``.
    pub message: String,
    /// The usage line without its heading (`bitrix-import [OPTIONS] --docs <DIR>`), when the
    /// shape of the command line is wrong; `None` when only a value is.
    pub usage: Option<String>,
}

impl UsageError {
    /// The exit code of a tool given a bad command line.
    pub const EXIT_CODE: u8 = 2;
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.tool, self.message)?;
        if let Some(usage) = &self.usage {
            write!(f, "\nusage: {usage}; more with --help")?;
        }
        Ok(())
    }
}

impl std::error::Error for UsageError {}

/// Parses `args` (without the program name) into `P`.
///
/// # Errors
/// [`Stop`] for `--help`, `--version` and a bad command line.
pub fn parse<P: Parser>(args: impl IntoIterator<Item = impl Into<OsString>>) -> Result<P, Stop> {
    let mut command = with_conventions(P::command());
    let tool = command.get_name().to_owned();
    let argv = std::iter::once(OsString::from(&tool)).chain(args.into_iter().map(Into::into));
    command
        .try_get_matches_from_mut(argv)
        .and_then(|mut matches| P::from_arg_matches_mut(&mut matches))
        .map_err(|error| stop(&tool, &mut command, &error))
}

/// Parses the process's own arguments into `P`; on `--help`, `--version` or a bad command line
/// prints what [`Stop::report`] prints and returns the exit code to end with.
///
/// # Errors
/// The exit code: 0 after help and version, 2 after a usage error.
pub fn parse_env<P: Parser>() -> Result<P, ExitCode> {
    parse(std::env::args_os().skip(1)).map_err(|stop| stop.report())
}

/// The last of a repeated option wins, a value like `-1` is taken as an option's value, and a
/// missing command is an error like any other (clap's derive would print the help instead).
fn with_conventions(command: clap::Command) -> clap::Command {
    command
        .args_override_self(true)
        .arg_required_else_help(false)
        .mut_args(|arg| {
            if arg.get_action().takes_values() {
                arg.allow_negative_numbers(true)
            } else {
                arg
            }
        })
        .mut_subcommands(with_conventions)
}

fn stop(tool: &str, command: &mut clap::Command, error: &clap::Error) -> Stop {
    match error.kind() {
        ErrorKind::DisplayHelp => return Stop::Help(error.render().to_string()),
        ErrorKind::DisplayVersion => return Stop::Version(error.render().to_string()),
        _ => {}
    }
    let (message, shape) = describe(error);
    // The tool's full usage line, the one its help shows, whatever the error (clap's own
    // errors show one of only the arguments given, and some none).
    let usage = shape.then(|| {
        let usage = command.render_usage().to_string();
        let usage = usage.trim();
        usage
            .strip_prefix("Usage:")
            .unwrap_or(usage)
            .trim()
            .to_owned()
    });
    Stop::Usage(UsageError {
        tool: tool.to_owned(),
        message,
        usage,
    })
}

/// The one-line message of a clap error, and whether the command line's shape is wrong (then
/// the usage line follows) rather than only a value.
fn describe(error: &clap::Error) -> (String, bool) {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(", "),
        _ => String::new(),
    };
    // Clap names an option with its value, `--port <N>`; the message names the flag.
    let flag = || {
        let arg = text(ContextKind::InvalidArg);
        arg.split_whitespace().next().unwrap_or_default().to_owned()
    };
    let value = text(ContextKind::InvalidValue);
    match error.kind() {
        ErrorKind::ValueValidation => {
            let why = match std::error::Error::source(error) {
                Some(source) => source.to_string(),
                None => format!("`{value}` is not valid"),
            };
            (format!("{}: {why}", flag()), false)
        }
        ErrorKind::InvalidValue if value.is_empty() => (format!("{} needs a value", flag()), true),
        ErrorKind::InvalidValue => {
            let valid = text(ContextKind::ValidValue);
            (
                format!("{}: `{value}` is not one of {valid}", flag()),
                false,
            )
        }
        ErrorKind::UnknownArgument => (
            format!("unknown argument `{}`", text(ContextKind::InvalidArg)),
            true,
        ),
        ErrorKind::InvalidSubcommand => (
            format!("unknown command `{}`", text(ContextKind::InvalidSubcommand)),
            true,
        ),
        ErrorKind::MissingRequiredArgument => (
            format!("{} is required", text(ContextKind::InvalidArg)),
            true,
        ),
        ErrorKind::MissingSubcommand => (
            format!(
                "a command is required: {}",
                text(ContextKind::ValidSubcommand)
            ),
            true,
        ),
        _ => {
            // Clap's own sentence: the first line of its rendering, without `error: `.
            let rendered = error.render().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            (first.trim_start_matches("error: ").to_owned(), true)
        }
    }
}

#[cfg(test)]
mod tests;
