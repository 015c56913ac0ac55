//! The allocator and the recorder under the tools that check memory safety: these tests are
//! what `scripts/test` runs under valgrind (memcheck) and Miri. They exercise every path
//! with `unsafe` or thread-local state: the `GlobalAlloc` methods, allocations made while a
//! thread is being torn down, probes and reports, and the pinned future of an `async fn`.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use memory_profiler::{capture, measure, profile};

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

#[test]
fn every_allocator_method() {
    let ((), usage) = measure(|| {
        let mut v: Vec<u32> = Vec::with_capacity(2); // alloc
        v.extend([1, 2, 3]); // realloc (grow)
        v.shrink_to_fit(); // realloc (shrink)
        let zeroed = vec![0u64; 16].into_boxed_slice(); // alloc_zeroed
        assert_eq!(zeroed.iter().sum::<u64>(), 0);
        drop(v); // dealloc
    });
    assert_eq!(
        (usage.allocations, usage.reallocations, usage.deallocations),
        (2, 2, 2)
    );
    assert_eq!(usage.net, 0);
}

#[profile(unit = "B")]
fn squares(n: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(i * i);
    }
    out
}

#[test]
fn probes_and_reports() {
    let (v, reports) = capture(|| squares(10));
    assert_eq!(v.len(), 10);
    let report = reports.function("squares").unwrap();
    assert_eq!(report.line_containing("for i").unwrap().occurrences, 11);
    assert!(report.to_string().contains("out.push(i * i);"));
}

#[test]
fn threads_allocate_and_free_across() {
    let (handed_back, usage) = measure(|| {
        std::thread::scope(|s| {
            let a = s.spawn(|| vec![1u8; 64]);
            let b = s.spawn(|| squares(4));
            (a.join().unwrap(), b.join().unwrap())
        })
    });
    assert_eq!((handed_back.0.len(), handed_back.1.len()), (64, 4));
    // Allocated on the spawned threads, freed here: a negative figure, never a crash.
    drop(handed_back);
    assert!(usage.allocations > 0);
}

struct AllocatesOnDrop;

impl Drop for AllocatesOnDrop {
    fn drop(&mut self) {
        // Runs while the thread is being torn down, after other thread locals may be gone.
        let v = squares(3);
        let s = format!("{v:?}");
        assert!(!s.is_empty());
    }
}

thread_local! {
    static LATE: RefCell<Option<AllocatesOnDrop>> = const { RefCell::new(None) };
}

#[test]
fn allocations_in_thread_local_destructors() {
    std::thread::spawn(|| {
        LATE.with(|late| *late.borrow_mut() = Some(AllocatesOnDrop));
        let _ = squares(2);
    })
    .join()
    .unwrap();
}

#[profile(unit = "B")]
async fn waits(n: usize) -> usize {
    let a = vec![0u8; n];
    Yield(false).await;
    a.len()
}

/// Pending once, then ready.
struct Yield(bool);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[test]
fn async_fn_polled_by_hand_and_cancelled() {
    let (n, reports) = capture(|| {
        let mut future = pin!(waits(5));
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(n) = future.as_mut().poll(&mut cx) {
                break n;
            }
        }
    });
    assert_eq!(n, 5);
    assert_eq!(
        reports
            .function("waits")
            .unwrap()
            .line_containing("vec!")
            .unwrap()
            .increment,
        5
    );

    let ((), reports) = capture(|| {
        let mut future = pin!(waits(7));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
    });
    assert!(reports.function("waits").unwrap().cancelled());
}

#[profile(report = "exit", unit = "B")]
fn run_wide(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

/// The run-wide store reads the table of a thread that is still running (and still calling the
/// function) when the reports are written, then that thread ends and its destructor folds
/// what it recorded since.
#[test]
fn run_wide_tables_read_while_their_thread_runs() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Arc};
    let stop = Arc::new(AtomicBool::new(false));
    let (ready_tx, ready_rx) = mpsc::channel();
    let worker = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut calls = 0;
            while !stop.load(Ordering::Relaxed) || calls < 4 {
                assert_eq!(run_wide(calls % 8), calls % 8);
                calls += 1;
                if calls == 4 {
                    ready_tx.send(()).unwrap();
                }
            }
            calls
        })
    };
    ready_rx.recv().unwrap();
    assert_eq!(run_wide(3), 3);
    memory_profiler::write_run_reports();
    assert_eq!(run_wide(4), 4);
    stop.store(true, Ordering::Relaxed);
    assert!(worker.join().unwrap() >= 4);
}

/// The profiler's own work (`untracked`) leaves the counters as they were, also when it unwinds,
/// on the thread's counters and process-wide; afterwards, counting and profiling go on.
#[test]
fn the_profilers_own_work_is_taken_back() {
    use memory_profiler::__private::untracked;
    let before = memory_profiler::thread_stats();
    let kept = untracked(|| vec![7u8; 100]);
    let nested = untracked(|| (untracked(|| vec![1u16; 10]), vec![2u32; 10]));
    // `resume_unwind` runs no panic hook; the unwinding's own exception, allocated inside and
    // freed by `catch_unwind` outside, is the only deallocation counted.
    let unwound = std::panic::catch_unwind(|| {
        untracked(|| {
            let _v = std::hint::black_box(Box::new([1u8; 50]));
            std::panic::resume_unwind(Box::new(()))
        })
    });
    assert!(unwound.is_err());
    let change = memory_profiler::thread_stats() - before;
    assert_eq!((change.allocations, change.bytes_allocated), (0, 0));
    assert_eq!(change.reallocations, 0);

    // Process-wide, the other tests of this binary may allocate meanwhile: the profiler's own
    // block, bigger than all of their work, is what must not be counted.
    const OWN: usize = (64 << 20) + 1;
    let ((), usage) = memory_profiler::measure_process(|| {
        drop(untracked(|| vec![0u8; OWN]));
    });
    assert!(usage.bytes_allocated < OWN as u64, "{usage:?}");

    let ((), usage) = measure(|| drop(vec![0u8; 64]));
    assert_eq!(
        (usage.allocations, usage.bytes_allocated, usage.net),
        (1, 64, 0)
    );
    let (out, reports) = capture(|| squares(4));
    assert_eq!(out, [0, 1, 4, 9]);
    assert_eq!(reports.len(), 1);
    untracked(|| drop((kept, nested)));
}
