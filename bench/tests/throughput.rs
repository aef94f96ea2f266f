//! `bitrix-bench throughput` end to end, small: its own emulator process, an export checked row
//! by row, and the one summary line the checks read.

mod common;

use common::bench;

#[test]
fn an_export_past_the_burst_reports_its_share_of_the_ceiling() {
    // 140,000 rows: 56 batches, 6 past the burst; a time scale of 0.05 makes the drain 40/s.
    let (ok, stdout, stderr) = bench(&[
        "throughput",
        "--rows",
        "140000",
        "--time-scale",
        "0.05",
        "--no-peer",
    ]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("bitrix24-rs: 140000 rows in") && stdout.contains("every row once"),
        "{stdout}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    let parts: Vec<&str> = last
        .strip_prefix("throughput: ")
        .unwrap_or_else(|| panic!("the summary line last: {last}"))
        .split(", ")
        .collect();
    assert_eq!(parts.len(), 5, "{last}");
    assert!(parts[0].ends_with(" rows/s"), "{last}");
    let share: f64 = parts[1]
        .strip_suffix("% of ceiling")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("a share of the ceiling: {last}"));
    assert!(share > 0.0 && share <= 100.0, "{last}");
    assert_eq!(parts[3], "429: 0", "{last}");
    assert!(parts[4].starts_with("peak MiB: "), "{last}");
}

#[test]
fn bad_throughput_arguments_are_refused_by_name() {
    let (ok, _, stderr) = bench(&["throughput", "--profile", "slow"]);
    assert!(!ok);
    assert!(
        stderr.contains("--profile: `slow` is not a profile: expected fast or realistic"),
        "{stderr}"
    );
}
