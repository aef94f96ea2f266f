//! `bitrix-import --docs <b24restdocs checkout> [--spec DIR] [--out DIR] [--diff] [--check]
//! [--record-overrides]`
//!
//! Imports the method pages, applies the hand fixes of `<spec>/overrides`, prints a report
//! (counts per scope and confidence, the most frequent reasons), and then: `--out` writes the
//! methods; `--diff` prints what changed against the checked-in spec (exit 1 when anything
//! did); `--check` exits 1 unless the checked-in spec files equal the import's byte for byte;
//! `--record-overrides` writes the overrides that keep the checked-in methods as they are.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use bitrix_import::{diff, overrides, results, rust_names, Import};

/// Set by `--diff --json`: stdout carries the JSON alone, the report goes to stderr.
static REPORT_TO_STDERR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Prints a report line; a closed stdout (`| head`) is not an error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if REPORT_TO_STDERR.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = writeln!(std::io::stderr().lock(), $($arg)*);
        } else {
            let _ = writeln!(std::io::stdout().lock(), $($arg)*);
        }
    }};
}

/// Imports the Bitrix24 REST docs (Markdown) into the bitrix24-rs spec, applies the hand fixes
/// of <SPEC>/overrides and prints a report.
#[derive(clap::Parser, Debug)]
#[command(version)]
struct Args {
    /// A checkout of the Bitrix24 REST docs (b24restdocs).
    #[arg(long, value_name = "DIR")]
    docs: PathBuf,
    /// The checked-in spec [default: the workspace's spec/].
    #[arg(long, value_name = "DIR")]
    spec: Option<PathBuf>,
    /// Writes the imported spec here.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Prints what changed against the checked-in spec, each change classed breaking, additive
    /// or patch, and the semver bump they imply; exits 1 when anything changed.
    #[arg(long)]
    diff: bool,
    /// With --diff: prints the changes as JSON instead (alone on stdout, after the report on
    /// stderr).
    #[arg(long, requires = "diff")]
    json: bool,
    /// Exits 1 unless the checked-in spec files equal the import's byte for byte.
    #[arg(long)]
    check: bool,
    /// Writes the overrides that keep the checked-in spec as it is.
    #[arg(long = "record-overrides")]
    record: bool,
    /// Lists every page that names a method but is not imported, with the reason (the report
    /// counts them per reason, and lists them only when they are few).
    #[arg(long)]
    skipped: bool,
}

/// Draws `[####    ] done/total pages` on stdout when it is a terminal, and nothing otherwise
/// (a pipe or a CI log gets the report only).
fn progress_bar() -> impl FnMut(usize, usize) {
    use std::io::{IsTerminal, Write};
    let terminal = std::io::stdout().is_terminal();
    move |done, total| {
        if !terminal || (done % 25 != 0 && done != total) {
            return;
        }
        const WIDTH: usize = 30;
        let filled = WIDTH * done / total.max(1);
        let mut out = std::io::stdout().lock();
        let _ = write!(
            out,
            "\r[{}{}] {done}/{total} pages",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled)
        );
        if done == total {
            // Clear the bar so the report starts on a clean line.
            let _ = write!(out, "\r{}\r", " ".repeat(WIDTH + 24));
        }
        let _ = out.flush();
    }
}

/// Pages listed in full without `--skipped`.
const FEW_SKIPPED: usize = 20;

/// The pages that name a method but are not imported: a count per reason, and the pages
/// themselves when asked or when they are few.
fn skipped_report(import: &Import, list: bool) {
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, skip) in &import.skipped {
        *by_kind.entry(skip.kind()).or_default() += 1;
    }
    say!(
        "{} pages name a method but are not imported{}",
        import.skipped.len(),
        if list || import.skipped.len() <= FEW_SKIPPED {
            ""
        } else {
            " (--skipped lists them)"
        }
    );
    for (kind, n) in by_kind {
        say!("  {n:5}  {kind}");
    }
    if list || import.skipped.len() <= FEW_SKIPPED {
        for (page, skip) in &import.skipped {
            say!("  skipped {page}: {skip}");
        }
    }
}

fn report(import: &Import, seconds: f64, list_skipped: bool) {
    say!(
        "{} pages read, {} methods and {} events imported ({} duplicate pages) in {seconds:.2} s",
        import.pages,
        import.methods.len(),
        import.events.len(),
        import.duplicates.len()
    );
    for (level, n) in import.by_confidence() {
        say!("  confidence {level:?}: {n}");
    }
    skipped_report(import, list_skipped);
    let mut scopes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for m in import.methods.values() {
        *scopes.entry(m.scope.as_str()).or_default() += 1;
        let reasons_of = m.confidence.iter().flat_map(|c| c.reasons.iter()).skip(1);
        // Paging and `mutates` decisions have report lines of their own.
        for r in reasons_of.filter(|r| !r.starts_with("paging: ") && !r.starts_with("mutates: ")) {
            let general: String = r.split('`').step_by(2).collect::<Vec<_>>().join("…");
            *reasons.entry(general).or_default() += 1;
        }
    }
    let scopes: Vec<String> = scopes.iter().map(|(s, n)| format!("{s} {n}")).collect();
    say!("methods per scope: {}", scopes.join(", "));
    for line in bitrix_import::error_report(import.methods.values()) {
        say!("{line}");
    }
    paging_report(import);
    mutates_report(import);
    let mut top: Vec<(String, usize)> = reasons.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    say!("most frequent reasons:");
    for (r, n) in top.iter().take(10) {
        say!("  {n:5}  {r}");
    }
    let typed = results::measure::measure(import);
    say!(
        "typed results: {}",
        results::measure::ratio(typed.typed_results)
    );
    say!(
        "typed lists: {}",
        results::measure::ratio(typed.typed_lists)
    );
    if !typed.untyped_lists.is_empty() {
        say!("  without one: {}", typed.untyped_lists.join(", "));
    }
    say!("untyped results, why:");
    for (r, n) in typed.untyped_reasons.iter().take(5) {
        say!("  {n:5}  {r}");
    }
    say!("{}", typed.line());
}

/// List methods with a paging kind among those whose page documents paging, per kind, and
/// the list-named methods without one, grouped by why.
fn paging_report(import: &Import) {
    let c = bitrix_import::paging::census(import.methods.values());
    let share = 100.0 * c.paged as f64 / c.documented.max(1) as f64;
    say!(
        "list methods with a paging kind: {}/{} ({share:.0}%)",
        c.paged,
        c.documented
    );
    let kinds: Vec<String> = c
        .by_kind
        .iter()
        .map(|(k, n)| format!("{} {n}", k.as_str()))
        .collect();
    say!("  paging kinds: {}", kinds.join(", "));
    if !c.missing.is_empty() {
        say!(
            "  documented paging without a kind: {}",
            c.missing.join(", ")
        );
    }
    let mut why: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, reason) in &c.unpaged_lists {
        why.entry(reason).or_default().push(name);
    }
    say!(
        "list-named methods without paging: {}",
        c.unpaged_lists.len()
    );
    for (reason, names) in why {
        say!("  {} — {reason}: {}", names.len(), names.join(", "));
    }
}

/// The `mutates` flags and where their decisions come from.
fn mutates_report(import: &Import) {
    let c = bitrix_import::mutates::census(import.methods.values());
    let by: Vec<String> =
        c.by.iter()
            .map(|(s, n)| format!("{} {n}", s.map_or("override", |s| s.as_str())))
            .collect();
    say!(
        "mutates: {} writes, {} reads; decided by: {}",
        c.writes,
        c.reads,
        by.join(", ")
    );
}

fn main() -> ExitCode {
    let args = match bitrix_cli::parse_env::<Args>() {
        Ok(args) => args,
        Err(code) => return code,
    };
    let docs = args.docs;
    if !docs.join("api-reference").is_dir() {
        eprintln!(
            "{} has no api-reference/ folder: not a docs checkout",
            docs.display()
        );
        return ExitCode::FAILURE;
    }
    let spec_dir = args
        .spec
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec"));

    REPORT_TO_STDERR.store(args.json, std::sync::atomic::Ordering::Relaxed);
    let started = Instant::now();
    let mut import = bitrix_import::import_with_progress(&docs, progress_bar());
    // The checked-in spec records the methods' Rust names, as overrides record hand fixes.
    let checked = bitrix_spec::load_dir(&spec_dir).spec;
    // Recording compares the checked-in spec with the import before any override, with the
    // Rust names a spec without recorded names would get: a name that differs is a hand
    // decision (a rename, or a name kept from before) and is recorded like any other.
    let raw = args.record.then(|| {
        let mut raw = import.clone();
        rust_names::assign(&mut raw, &bitrix_spec::Spec::default());
        raw
    });
    let (fixes, mut problems) = overrides::load(&spec_dir.join("overrides"));
    problems.extend(overrides::apply(&mut import, &fixes));
    let derived = rust_names::assign(&mut import, &checked);
    report(&import, started.elapsed().as_secs_f64(), args.skipped);
    say!("{derived} methods got a new Rust name (the others keep the recorded one)");
    for p in &problems {
        eprintln!("override problem: {p}");
    }

    let checked_in = &checked.methods;
    let mut code = ExitCode::SUCCESS;
    if let Some(raw) = &raw {
        match overrides::record(&spec_dir.join("overrides"), raw, &checked) {
            Ok(n) => say!(
                "{n} overrides written to {}",
                spec_dir.join("overrides").display()
            ),
            Err(e) => {
                eprintln!("cannot write overrides: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if args.diff {
        let mut changes = diff::methods(checked_in, &import.methods);
        changes.extend(diff::events(&checked.events, &import.events));
        if args.json {
            use std::io::Write as _;
            let _ = writeln!(std::io::stdout().lock(), "{:#}", diff::json(&changes));
        } else {
            for c in &changes {
                say!("{c}");
            }
            say!("{}", diff::summary(&changes));
            say!("{} changes against {}", changes.len(), spec_dir.display());
        }
        if !changes.is_empty() {
            code = ExitCode::FAILURE;
        }
    }
    if args.check {
        let differing = match bitrix_import::check(&spec_dir, &import) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("cannot compare the import with {}: {e}", spec_dir.display());
                return ExitCode::FAILURE;
            }
        };
        for d in differing.iter().take(50) {
            say!("{d}");
        }
        if differing.is_empty() {
            say!("the checked-in spec equals a fresh import");
        } else {
            eprintln!(
                "{} spec files differ from a fresh import of {}; run with --out {} to update",
                differing.len(),
                docs.display(),
                spec_dir.display()
            );
            code = ExitCode::FAILURE;
        }
    }
    if let Some(out) = args.out {
        if let Err(e) = bitrix_import::write(&out, &import) {
            eprintln!("cannot write {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_cli::Stop;

    fn parse(args: &[&str]) -> Result<Args, Stop> {
        bitrix_cli::parse(args.iter().copied())
    }

    #[test]
    fn the_flags_of_the_readme() {
        let a = parse(&["--docs", "d", "--diff", "--check", "--record-overrides"]).unwrap();
        assert_eq!(a.docs, PathBuf::from("d"));
        assert!(a.diff && a.check && a.record);
        assert_eq!((a.spec, a.out), (None, None));
        let a = parse(&["--docs", "d", "--spec", "s", "--out", "o"]).unwrap();
        assert_eq!(a.spec, Some(PathBuf::from("s")));
        assert_eq!(a.out, Some(PathBuf::from("o")));
        assert!(!a.diff && !a.check && !a.record);
    }

    #[test]
    fn help_exits_0_and_a_bad_flag_exits_2_naming_it() {
        let Err(help) = parse(&["--help"]) else {
            panic!("--help runs nothing");
        };
        let Stop::Help(text) = &help else {
            panic!("{help:?}");
        };
        assert!(text.contains("--record-overrides"), "{text}");
        assert_eq!(help.report(), ExitCode::SUCCESS);

        let bad = parse(&["--docs", "d", "--frobnicate"]).unwrap_err();
        let Stop::Usage(e) = &bad else {
            panic!("{bad:?}");
        };
        assert_eq!(e.message, "unknown argument `--frobnicate`");
        assert_eq!(bad.report(), ExitCode::from(2));
        let Err(Stop::Usage(e)) = parse(&[]) else {
            panic!("--docs is required");
        };
        assert_eq!(e.message, "--docs <DIR> is required");
    }
}
