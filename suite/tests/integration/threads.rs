//! Per-thread figures stay exact while other threads allocate, and concurrent reports never
//! interleave.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use memory_profiler::{capture, profile};

#[profile]
fn collect(n: u64) -> u64 {
    let v: Vec<u64> = (0..n).collect();
    let doubled: Vec<u64> = v.iter().map(|x| x * 2).collect();
    drop(v);
    doubled.iter().sum()
}

/// Threads that allocate, grow and free memory as fast as they can until told to stop, and
/// count their rounds.
fn churn(
    threads: usize,
) -> (
    Arc<AtomicBool>,
    Arc<AtomicU64>,
    Vec<std::thread::JoinHandle<()>>,
) {
    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicU64::new(0));
    let handles = (0..threads)
        .map(|_| {
            let (stop, rounds) = (Arc::clone(&stop), Arc::clone(&rounds));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let mut v = Vec::new();
                    for i in 0..1000u64 {
                        v.push(Box::new(i));
                    }
                    let s: String = (0..100)
                        .map(|i| char::from(b'a' + (i % 26) as u8))
                        .collect();
                    assert_eq!((v.len(), s.len()), (1000, 100));
                    rounds.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    (stop, rounds, handles)
}

#[test]
fn figures_are_exact_while_other_threads_allocate() {
    let (stop, rounds, handles) = churn(3);
    // The other threads are allocating before the first profiled call, and go on until the
    // last one has been checked.
    while rounds.load(Ordering::Relaxed) < 3 {
        std::thread::yield_now();
    }
    for _ in 0..50 {
        let (sum, reports) = capture(|| collect(10_000));
        assert_eq!(sum, 2 * (0..10_000u64).sum::<u64>());
        let report = reports.function("collect").unwrap();
        let v = report.line_containing("let v").unwrap();
        assert_eq!((v.increment, v.allocations, v.occurrences), (80_000, 1, 1));
        let doubled = report.line_containing("let doubled").unwrap();
        assert_eq!((doubled.increment, doubled.allocations), (80_000, 1));
        let dropped = report.line_containing("drop(v)").unwrap();
        assert_eq!((dropped.increment, dropped.allocations), (-80_000, 0));
        let closing = report.rows().last().unwrap();
        assert_eq!(closing.text, "}");
        assert_eq!(closing.increment, -80_000);
        // Mem usage moves by exactly the increments, from the heap at entry.
        let entry = report.rows()[0].mem_usage;
        assert_eq!(v.mem_usage - entry, 80_000);
        assert_eq!(doubled.mem_usage - entry, 160_000);
        assert_eq!(closing.mem_usage, entry);
    }
    stop.store(true, Ordering::Relaxed);
    for handle in handles {
        handle.join().unwrap();
    }
}

#[profile(stream = "../target/tmp/threads-interleave.txt")]
fn to_file(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[test]
fn reports_of_concurrent_threads_never_interleave() {
    std::fs::create_dir_all("../target/tmp").unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..25 {
                    assert_eq!(to_file(4096), 4096);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let text = std::fs::read_to_string("../target/tmp/threads-interleave.txt").unwrap();
    let blocks: Vec<&str> = text.split_inclusive("\n\n\n").collect();
    assert_eq!(blocks.len(), 100, "one whole report per call");
    for block in blocks {
        let lines: Vec<&str> = block.lines().collect();
        assert_eq!(lines[0], "Filename: suite/tests/integration/threads.rs");
        assert_eq!(
            lines[2],
            "Line #    Mem usage    Increment  Occurrences   Line Contents"
        );
        assert!(
            lines[4].ends_with("   #[profile(stream = \"../target/tmp/threads-interleave.txt\")]")
        );
        assert!(
            lines[6].ends_with("0.0 MiB           1       let v = vec![0u8; n];"),
            "{block}"
        );
        assert!(lines[8].ends_with("   }"));
        assert_eq!(lines.len(), 11, "{block}");
    }
}

#[profile(stream = "../target/tmp/threads-teardown.txt", unit = "B")]
fn at_teardown(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

struct CallsOnDrop;

impl Drop for CallsOnDrop {
    fn drop(&mut self) {
        assert_eq!(at_teardown(2048), 2048);
    }
}

thread_local!(static LATE: std::cell::Cell<Option<CallsOnDrop>> = const { std::cell::Cell::new(None) });

/// A thread-local destructor that runs after the profiler's own (which, in unoptimised builds,
/// free the thread's tables) calls a profiled function: the call gets a table of its own and
/// reports exactly.
#[test]
fn a_call_while_the_thread_is_torn_down_reports() {
    std::fs::create_dir_all("../target/tmp").unwrap();
    let _ = std::fs::remove_file("../target/tmp/threads-teardown.txt");
    std::thread::spawn(|| {
        // Registered first, so destroyed last (after the profiler's, first used below).
        LATE.with(|late| late.set(Some(CallsOnDrop)));
        assert_eq!(at_teardown(1024), 1024);
    })
    .join()
    .unwrap();
    let text = std::fs::read_to_string("../target/tmp/threads-teardown.txt").unwrap();
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.ends_with("let v = vec![0u8; n];"))
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows[0].contains(" 1,024 B           1 "), "{text}");
    assert!(rows[1].contains(" 2,048 B           1 "), "{text}");
}
