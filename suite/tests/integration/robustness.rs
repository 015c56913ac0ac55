//! Panics, many threads, and recursion: the program behaves as without the profiler, and the
//! figures stay exact.

use memory_profiler::{capture, measure, profile, Reports};

#[profile(unit = "B")]
fn fails_after_allocating(n: usize) -> usize {
    let v = vec![0u8; n];
    if v.len() == n {
        std::panic::panic_any(format!("failed with {} bytes", v.len()));
    }
    v.len()
}

#[test]
fn a_panic_unwinds_unchanged_and_the_report_says_so() {
    let (outcome, reports) = capture(|| std::panic::catch_unwind(|| fails_after_allocating(64)));
    let payload = outcome.unwrap_err();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("failed with 64 bytes")
    );
    let report = reports.function("fails_after_allocating").unwrap();
    assert!(report.panicked(), "{report}");
    assert!(report.to_string().contains("ended in a panic"), "{report}");
    // The vector was allocated on its line; the line that panicked is charged with what the
    // panic did up to the unwinding (its payload, and whatever the panic hook allocated).
    assert_eq!(
        report.line_containing("vec![0u8; n]").unwrap().increment,
        64
    );
    assert!(
        report.line_containing("panic_any").unwrap().allocations >= 1,
        "{report}"
    );
    // The closing brace did not run.
    assert!(!report.rows().last().unwrap().ran());
    // Later calls are reported normally.
    let (_, reports) = capture(|| std::panic::catch_unwind(|| fails_after_allocating(0)));
    assert!(reports
        .function("fails_after_allocating")
        .unwrap()
        .panicked());
}

#[profile(unit = "B")]
fn small_work(i: usize) -> usize {
    let v: Vec<u8> = std::iter::repeat_n(i as u8, 16).collect();
    let s = format!("{}", v.len());
    s.len() + v.len()
}

#[test]
fn sixteen_threads_ten_thousand_calls_each() {
    const THREADS: usize = 16;
    const CALLS: u64 = 10_000;
    // One call's figures, for comparison.
    let (_, one) = capture(|| small_work(1));
    let one = one.function("small_work").unwrap().clone();
    let totals: Vec<Reports> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    capture(|| {
                        let mut sum = 0;
                        for i in 0..CALLS as usize {
                            sum += small_work(i);
                        }
                        assert_eq!(sum, 18 * CALLS as usize);
                    })
                    .1
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for reports in &totals {
        let report = reports.function("small_work").unwrap();
        assert_eq!(report.calls(), CALLS);
        for (row, single) in report.rows().iter().zip(one.rows()).skip(1) {
            // No lost update: every figure is exactly CALLS times one call's.
            assert_eq!(row.occurrences, single.occurrences * CALLS, "{report}");
            assert_eq!(row.allocations, single.allocations * CALLS, "{report}");
            assert_eq!(row.increment, single.increment * CALLS as i64, "{report}");
            assert_eq!(row.peak, single.peak, "{report}");
        }
    }
}

#[profile(unit = "B")]
fn tree(depth: u32) -> Vec<u64> {
    if depth == 0 {
        return vec![1];
    }
    let left = tree(depth - 1);
    let right = tree(depth - 1);
    let mut both = left;
    both.extend(right);
    both
}

#[test]
fn recursion_reports_once_with_the_outermost_figures() {
    let ((v, reports), usage) = measure(|| capture(|| tree(6)));
    assert_eq!(v.len(), 64);
    let report = reports.function("tree").unwrap();
    // One report for the outermost call, summing all 127 calls.
    assert_eq!(report.calls(), 127);
    assert_eq!(report.rows()[0].occurrences, 127);
    // A nested call of the same function pauses the line of the call that made it, so every
    // byte is charged once, to the innermost call: the rows add up to what `measure` saw.
    let net: i64 = report.rows()[1..].iter().map(|r| r.increment).sum();
    let allocations: u64 = report.rows().iter().map(|r| r.allocations).sum();
    assert_eq!(
        (net, allocations),
        (usage.net, usage.allocations),
        "{report}"
    );
    let outer = report.line_containing("let left").unwrap();
    assert_eq!(outer.occurrences, 63);
    drop(v);
}

#[profile(unit = "B")]
fn is_even(n: u32, trail: &mut Vec<u32>) -> bool {
    trail.push(n);
    if n == 0 {
        true
    } else {
        is_odd(n - 1, trail)
    }
}

#[profile(unit = "B")]
fn is_odd(n: u32, trail: &mut Vec<u32>) -> bool {
    trail.push(n);
    if n == 0 {
        false
    } else {
        is_even(n - 1, trail)
    }
}

#[test]
fn mutual_recursion_matches_measure() {
    let mut trail = Vec::new();
    let ((even, reports), usage) = measure(|| capture(|| is_even(40, &mut trail)));
    assert!(even);
    assert_eq!(trail.len(), 41);
    let even_report = reports.function("is_even").unwrap();
    let odd_report = reports.function("is_odd").unwrap();
    // One report each: is_even's outermost call, and is_odd's outermost call (made by it).
    assert_eq!((even_report.calls(), odd_report.calls()), (21, 20));
    // Nested calls of is_even (through is_odd) pause the outer is_even's line: is_even's rows
    // add up to what the whole call did, as `measure` saw it.
    let net: i64 = even_report.rows()[1..].iter().map(|r| r.increment).sum();
    let allocations: u64 = even_report.rows().iter().map(|r| r.allocations).sum();
    assert_eq!(
        (net, allocations),
        (usage.net, usage.allocations),
        "{even_report}"
    );
}
