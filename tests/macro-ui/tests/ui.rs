//! Compile-fail and pass cases of the macros, with `.stderr` snapshots
//! (`TRYBUILD=overwrite cargo test -p bitrix24-macro-ui` refreshes them).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/fail/*.rs");
    t.pass("ui/pass/*.rs");
}
