//! Compile-fail and pass cases of `#[bitrix_method]`, `#[bitrix_object]` and `#[bitrix_enum]`:
//! the cases are in `ui/`, the test that runs them in `tests/ui.rs`.
//!
//! `TRYBUILD=overwrite cargo test -p bitrix24-macro-ui` refreshes the `.stderr` snapshots.
