//! `measure` and `capture`: exact figures, nesting, panics.

use memory_profiler::{capture, measure, profile};

#[test]
fn measure_counts_exactly() {
    let (len, usage) = measure(|| {
        let mut v: Vec<u64> = Vec::with_capacity(4);
        v.extend([1, 2, 3, 4]);
        let before = v.as_ptr();
        v.push(5); // grows 4 → 8 elements: one reallocation, 32 bytes freed, 64 allocated
        let moved = v.as_ptr() != before;
        let s = std::hint::black_box(String::from("temporary"));
        drop(s);
        (v.len(), moved)
    });
    let (len, moved) = len;
    assert_eq!(len, 5);
    assert_eq!(usage.allocations, 2);
    assert_eq!(usage.reallocations, 1);
    assert_eq!(usage.deallocations, 2);
    assert_eq!(usage.bytes_allocated, 32 + 64 + 9);
    assert_eq!(usage.bytes_freed, 32 + 9 + 64);
    assert_eq!(usage.net, 0);
    // The 64-byte vector and the 9-byte string; a growth that moved the vector held its old
    // 32 bytes too while it copied them, which is higher.
    assert_eq!(usage.peak, if moved { 32 + 64 } else { 64 + 9 });
}

#[test]
fn measure_nests() {
    let (inner, outer) = measure(|| {
        let a = vec![0u8; 1000];
        let (b, inner) = measure(|| vec![0u8; 5000]);
        drop(b);
        drop(a);
        inner
    });
    assert_eq!((inner.net, inner.peak, inner.allocations), (5000, 5000, 1));
    // The outer measurement sees the inner one's peak on top of its own 1,000 bytes.
    assert_eq!((outer.net, outer.peak, outer.allocations), (0, 6000, 2));
}

#[test]
fn measure_propagates_panics_unchanged() {
    let err = std::panic::catch_unwind(|| measure(|| -> u8 { std::panic::panic_any(42u32) }))
        .unwrap_err();
    assert_eq!(err.downcast_ref::<u32>(), Some(&42));
    // The thread's accounting is intact afterwards.
    let ((), usage) = measure(|| drop(vec![0u8; 10]));
    assert_eq!((usage.peak, usage.net), (10, 0));
}

#[profile]
fn allocate(n: usize) -> Vec<u8> {
    let v = vec![0u8; n];
    v
}

#[test]
fn capture_sums_calls_and_nests() {
    let ((), outer) = capture(|| {
        let _a = allocate(10);
        let ((), inner) = capture(|| {
            let _b = allocate(20);
        });
        let row = inner
            .function("allocate")
            .unwrap()
            .line_containing("vec!")
            .unwrap();
        assert_eq!((row.increment, row.occurrences), (20, 1));
        let _c = allocate(30);
    });
    assert_eq!(outer.len(), 1);
    let report = outer.function("allocate").unwrap();
    assert_eq!(report.calls(), 2);
    let row = report.line_containing("vec!").unwrap();
    assert_eq!(
        (row.increment, row.allocations, row.occurrences),
        (40, 2, 2)
    );
    // The vector is returned, so nothing is freed on `}`.
    assert_eq!(report.rows().last().unwrap().increment, 0);
}

#[test]
fn measure_agrees_with_a_report() {
    let (v, usage) = measure(|| allocate(1234));
    assert_eq!((usage.net, usage.allocations), (1234, 1));
    drop(v);
}

/// Spawns two threads making a 1,000- and a 3,000-byte vector, charged to the measurement
/// when `wrap`, and returns the total length.
fn two_threads(wrap: bool) -> usize {
    // Made before the scope, which its threads' closures borrow it for.
    let charge = memory_profiler::Charge::current();
    std::thread::scope(|s| {
        if wrap {
            let a = s.spawn(|| charge.run(|| vec![0u8; 1000]));
            let b = s.spawn(|| charge.run(|| vec![0u8; 3000].len()));
            a.join().unwrap().len() + b.join().unwrap()
        } else {
            let a = s.spawn(|| vec![0u8; 1000]);
            let b = s.spawn(|| vec![0u8; 3000].len());
            a.join().unwrap().len() + b.join().unwrap()
        }
    })
}

#[test]
fn charged_closures_count_for_the_measuring_thread() {
    let (total, charged) = measure(|| two_threads(true));
    let (_, plain) = measure(|| two_threads(false));
    assert_eq!(total, 4000);
    // Exactly the two vectors' allocations are added; their bytes too, plus 8 bytes per thread
    // because each spawned closure holds a reference to the charge, in the block std allocates
    // to hand the closure to its thread.
    assert_eq!(
        charged.allocations - plain.allocations,
        2,
        "{charged:?} {plain:?}"
    );
    assert_eq!(
        charged.bytes_allocated - plain.bytes_allocated,
        4000 + 2 * 8,
        "{charged:?} {plain:?}"
    );
    // The 3,000-byte vector was freed on its thread, within the charge. The 1,000-byte one came
    // back and was freed here, which both runs count; only the charged run also counts its
    // allocation, so it balances there.
    assert_eq!(
        charged.deallocations - plain.deallocations,
        1,
        "{charged:?} {plain:?}"
    );
    assert_eq!(
        charged.net - plain.net,
        1000 + 2 * 8,
        "{charged:?} {plain:?}"
    );
    assert!(charged.peak >= 4000, "{charged:?}");
}

#[test]
fn charged_on_the_measuring_thread_itself_counts_once() {
    // rayon's `join` runs one of its closures on the calling thread: charging it there must
    // not count its allocations twice.
    let (len, usage) = measure(|| memory_profiler::charged(|n: usize| vec![0u8; n].len())(100));
    assert_eq!(len, 100);
    assert_eq!(
        (usage.allocations, usage.bytes_allocated, usage.peak),
        (1, 100, 100)
    );
}

#[test]
fn charged_outside_a_measurement_runs_plain() {
    let f = memory_profiler::charged(|n: usize| vec![1u8; n].len());
    assert_eq!(std::thread::spawn(move || f(10)).join().unwrap(), 10);
}
