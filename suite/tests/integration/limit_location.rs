//! A `#[limit]` failure points at the limited test (its attribute's file and line) and prints
//! no frames of the profiler's, also with `RUST_BACKTRACE=1`: this test runs its own binary's
//! fixture as a child process, with the fixture's failure switched on, and reads what it says.

use memory_profiler_suite::{is_child, run_child};

/// The fixture's attribute line.
const FIXTURE_LINE: u32 = line!() + 3;

#[test]
#[memory_profiler::limit(peak = "1 KiB")]
fn fixture_over_its_limit_when_asked() {
    // Within its limit unless it runs as the parent test's child.
    let n = if is_child(module_path!(), "fixture_over_its_limit_when_asked") {
        100_000
    } else {
        10
    };
    let v = vec![0u8; n];
    assert_eq!(v.len(), n);
}

#[test]
fn a_failure_points_at_the_test_and_shows_no_frames_of_ours() {
    let child = run_child(
        module_path!(),
        "fixture_over_its_limit_when_asked",
        &[("RUST_BACKTRACE", Some("1"))],
    );
    let text = format!("{}{}", child.stdout, child.stderr);
    assert!(!child.success, "{text}");
    let at = format!(
        "thread 'limit_location::fixture_over_its_limit_when_asked' panicked at suite/tests/integration/limit_location.rs:{FIXTURE_LINE}:"
    );
    assert!(text.contains(&at), "no `{at}` in:\n{text}");
    assert!(
        text.contains("  - peak 100,000 B (97.7 KiB) is above its limit of 1 KiB (1,024 B)\n"),
        "{text}"
    );
    for ours in [
        "profile-runtime",
        "profile_runtime",
        "LimitGuard",
        "limit.rs",
    ] {
        assert!(!text.contains(ours), "`{ours}` in:\n{text}");
    }
}
