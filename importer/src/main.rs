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

use bitrix_import::{diff, overrides, Import};

/// Prints a line; a closed stdout (`| head`) is not an error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

const USAGE: &str = "usage: bitrix-import --docs <b24restdocs checkout> [--spec DIR] [--out DIR] [--diff] [--check] [--record-overrides]";

#[derive(Default)]
struct Args {
    docs: Option<PathBuf>,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    diff: bool,
    check: bool,
    record: bool,
}

fn parse() -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--docs" => a.docs = Some(it.next().ok_or("--docs needs a directory")?.into()),
            "--spec" => a.spec = Some(it.next().ok_or("--spec needs a directory")?.into()),
            "--out" => a.out = Some(it.next().ok_or("--out needs a directory")?.into()),
            "--diff" => a.diff = true,
            "--check" => a.check = true,
            "--record-overrides" => a.record = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(a)
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

fn report(import: &Import, seconds: f64) {
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
    let mut scopes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for m in import.methods.values() {
        *scopes.entry(m.scope.as_str()).or_default() += 1;
        for r in m.confidence.iter().flat_map(|c| c.reasons.iter()).skip(1) {
            let general: String = r.split('`').step_by(2).collect::<Vec<_>>().join("…");
            *reasons.entry(general).or_default() += 1;
        }
    }
    let scopes: Vec<String> = scopes.iter().map(|(s, n)| format!("{s} {n}")).collect();
    say!("methods per scope: {}", scopes.join(", "));
    let mut top: Vec<(String, usize)> = reasons.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    say!("most frequent reasons:");
    for (r, n) in top.iter().take(10) {
        say!("  {n:5}  {r}");
    }
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Some(docs) = args.docs else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
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

    let started = Instant::now();
    let mut import = bitrix_import::import_with_progress(&docs, progress_bar());
    // Recording compares the checked-in spec with the import before any override.
    let raw = args.record.then(|| import.clone());
    let (fixes, mut problems) = overrides::load(&spec_dir.join("overrides"));
    problems.extend(overrides::apply(&mut import, &fixes));
    report(&import, started.elapsed().as_secs_f64());
    for p in &problems {
        eprintln!("override problem: {p}");
    }

    let checked = bitrix_spec::load_dir(&spec_dir).spec;
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
        for c in &changes {
            say!("{c}");
        }
        say!("{} changes against {}", changes.len(), spec_dir.display());
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
