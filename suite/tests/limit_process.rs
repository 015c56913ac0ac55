//! `#[limit(threads = "all")]` and `measure_process`: every thread counts. Process-wide
//! figures include whatever other threads of the process do, so this crate runs its tests one
//! after the other through the process-wide lock, and nothing else (a test binary of its own,
//! not a module of `integration/`).

use memory_profiler::{limit, measure_process};

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

fn spawn_and_collect(threads: usize, bytes: usize) -> usize {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| s.spawn(move || vec![1u8; bytes]))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap().len()).sum()
    })
}

#[test]
#[limit(peak = "5 MiB", threads = "all")]
fn spawned_work_within_a_process_wide_limit() {
    assert_eq!(spawn_and_collect(4, 1 << 20), 4 << 20);
}

#[test]
#[should_panic(expected = "is above its limit of 3 MiB (3,145,728 B)")]
#[limit(peak = "3 MiB", threads = "all")]
fn spawned_work_over_a_process_wide_limit() {
    // Four threads each hold 1 MiB at once (they are joined after all were spawned... or not:
    // at least the four vectors are alive together once collected).
    let parts: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| vec![1u8; 1 << 20])).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(parts.len(), 4);
}

#[test]
fn measure_process_sees_spawned_threads() {
    let (total, usage) = measure_process(|| spawn_and_collect(4, 1 << 20));
    assert_eq!(total, 4 << 20);
    // 4 MiB plus what spawning four threads costs std (a few hundred bytes each).
    assert!(
        usage.bytes_allocated >= 4 << 20 && usage.bytes_allocated < (4 << 20) + 65_536,
        "{usage:?}"
    );
    // Each vector was freed right after its length was read: at least 1 MiB was live at once.
    assert!(usage.peak >= 1 << 20, "{usage:?}");
    assert!(usage.net.abs() < 65_536, "{usage:?}");
}

#[test]
fn process_wide_measurements_do_not_nest_on_one_thread() {
    let err = std::panic::catch_unwind(|| measure_process(|| measure_process(|| 1))).unwrap_err();
    let message = err.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(message.contains("cannot nest"), "{message}");
    // The lock was released by the unwinding: a later measurement works.
    let (one, _) = measure_process(|| 1);
    assert_eq!(one, 1);
}
