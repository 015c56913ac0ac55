//! A report kept as an insta snapshot: `capture_relative` makes its text depend only on what
//! the call did, so the snapshot holds whatever the thread held before, under parallel
//! `cargo test` and nextest (a process per test) alike.

use memory_profiler::{capture, capture_relative, profile};

#[profile(unit = "B", peak, allocs)]
fn parse(csv: &str) -> Vec<Vec<u32>> {
    let mut rows = Vec::with_capacity(4);
    for line in csv.lines() {
        let fields: Vec<u32> = line.split(',').map(|f| f.trim().parse().unwrap()).collect();
        rows.push(fields);
    }
    rows
}

const CSV: &str = "1, 2, 3\n4, 5, 6\n7, 8, 9";

/// The report of `parse(CSV)` on a new thread that first holds `held` bytes.
fn report_holding(held: usize, relative: bool) -> String {
    std::thread::spawn(move || {
        let before = vec![0u8; held];
        let (rows, reports) = if relative {
            capture_relative(|| parse(CSV))
        } else {
            capture(|| parse(CSV))
        };
        assert_eq!(rows.len(), 3);
        drop(before);
        reports.function("parse").unwrap().to_string()
    })
    .join()
    .unwrap()
}

#[test]
fn a_relative_report_is_the_same_whatever_the_thread_held() {
    let (small, large) = (report_holding(10, true), report_holding(65_577, true));
    assert_eq!(small, large);
    // `capture` keeps the thread's heap in Mem usage: the two differ.
    assert_ne!(report_holding(10, false), report_holding(65_577, false));
    insta::assert_snapshot!(small);
}
