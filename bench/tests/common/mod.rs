//! What the end-to-end tests of `bitrix-bench` share.

use std::process::Command;

/// Runs `bitrix-bench` with `args`: whether it succeeded, its stdout and its stderr.
pub fn bench(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bitrix-bench"))
        .args(args)
        .output()
        .expect("bitrix-bench runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
