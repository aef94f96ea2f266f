//! `bitrix-import --docs <b24restdocs checkout> --out <dir>`: imports the method pages and
//! prints a report (counts per scope and confidence, the most frequent reasons).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: bitrix-import --docs <b24restdocs checkout> --out <dir>";

fn main() -> ExitCode {
    let mut docs = None;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--docs" => docs = args.next().map(PathBuf::from),
            "--out" => out = args.next().map(PathBuf::from),
            _ => {
                eprintln!("unknown argument `{a}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(docs), Some(out)) = (docs, out) else {
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
    let started = Instant::now();
    let import = bitrix_import::import(&docs);
    let elapsed = started.elapsed();
    if let Err(e) = bitrix_import::write_methods(&out, &import) {
        eprintln!("cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "{} pages read, {} methods imported ({} duplicate pages) in {:.2} s",
        import.pages,
        import.methods.len(),
        import.duplicates.len(),
        elapsed.as_secs_f64()
    );
    for (level, n) in import.by_confidence() {
        println!("  confidence {level:?}: {n}");
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
    println!("methods per scope:");
    for (scope, n) in &scopes {
        println!("  {scope}: {n}");
    }
    let mut top: Vec<(String, usize)> = reasons.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("most frequent reasons:");
    for (r, n) in top.iter().take(10) {
        println!("  {n:5}  {r}");
    }
    ExitCode::SUCCESS
}
