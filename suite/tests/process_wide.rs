//! `threads = "all"`: the report follows the heap of every thread, so work done on spawned
//! threads shows on the line that spawned it. (Process-wide figures include whatever other
//! threads do at the same time, so this crate holds a single test: a test binary of its own,
//! not a module of `integration/`.)

use memory_profiler::{capture, profile, Measured};

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

#[profile(threads = "all", peak)]
fn parallel_all(chunks: usize) -> usize {
    let parts: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..chunks)
            .map(|_| s.spawn(|| vec![0u8; 1 << 20]))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    parts.iter().map(Vec::len).sum()
}

#[profile(peak)]
fn parallel_current(chunks: usize) -> usize {
    let parts: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..chunks)
            .map(|_| s.spawn(|| vec![0u8; 1 << 20]))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    parts.iter().map(Vec::len).sum()
}

#[test]
fn all_threads_versus_the_current_one() {
    const MIB: i64 = 1 << 20;
    let (total, reports) = capture(|| parallel_all(4));
    assert_eq!(total, 4 << 20);
    let report = reports.function("parallel_all").unwrap();
    assert_eq!(report.measured(), Measured::ProcessHeap);
    let spawn = report.line_containing("thread::scope").unwrap();
    // Four MiB allocated on the spawned threads, plus what spawning four threads costs std
    // (a few hundred bytes each).
    assert!(
        spawn.increment >= 4 * MIB && spawn.increment < 4 * MIB + 64 * 1024,
        "{report}"
    );
    assert!(
        report.rows().last().unwrap().increment <= -4 * MIB,
        "{report}"
    );

    let (total, reports) = capture(|| parallel_current(4));
    assert_eq!(total, 4 << 20);
    let report = reports.function("parallel_current").unwrap();
    assert_eq!(report.measured(), Measured::ThreadHeap);
    let spawn = report.line_containing("thread::scope").unwrap();
    // On the calling thread only the spawning shows; the 4 MiB arrive as the parts are
    // collected (owned here, but allocated elsewhere) and leave on `}`, freed here.
    assert!(spawn.increment < 64 * 1024, "{report}");
    assert_eq!(
        report.rows().last().unwrap().increment,
        -(4 * MIB) - 4 * 24,
        "{report}"
    );
}
