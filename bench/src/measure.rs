//! Timing helpers and the printed figure.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

/// The median wall time of `runs` calls of `f` (its result is kept alive so nothing is
/// optimized away).
pub fn median_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2]
}

/// Reads every Markdown file under `dir` (the baseline of the import); returns the bytes read.
pub fn read_markdown(dir: &Path) -> usize {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                total += std::fs::read(&p).map_or(0, |b| b.len());
            }
        }
    }
    total
}

/// Peak resident memory of this process so far, from `/proc/self/status` (Linux only).
pub fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// One measured figure with its baseline.
pub struct Figure {
    what: String,
    time: Duration,
    baseline: String,
    baseline_time: Duration,
}

impl Figure {
    /// A figure and the baseline it is compared with.
    pub fn new(what: &str, time: Duration, baseline: &str, baseline_time: Duration) -> Figure {
        Figure {
            what: what.to_owned(),
            time,
            baseline: baseline.to_owned(),
            baseline_time,
        }
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ratio = self.time.as_secs_f64() / self.baseline_time.as_secs_f64().max(1e-9);
        write!(
            f,
            "{:<40} {:>9.3} s  = {:>7.2} x {} ({:.3} s)",
            self.what,
            self.time.as_secs_f64(),
            ratio,
            self.baseline,
            self.baseline_time.as_secs_f64()
        )
    }
}
