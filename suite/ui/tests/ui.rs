//! UI tests of `#[profile]`: every compile error of the attribute (`tests/ui/fail/`, with the
//! expected rustc output beside each case), and programs that must build cleanly under strict
//! lints (`tests/ui/pass/`). Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p memory-profiler-ui-tests` and review the diff.

// rustc's diagnostics drift between channels: the expected output is stable's.
#[rustversion::attr(not(stable), ignore)]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
