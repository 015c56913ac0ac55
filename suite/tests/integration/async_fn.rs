//! `async fn`: a line is charged with what its own polls allocate, on whichever thread polls
//! them; what other tasks allocate on the same thread while the function waits is not its.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Waker};

use memory_profiler::{capture, profile, Report};

#[profile(unit = "B")]
async fn fetch(n: usize) -> usize {
    let a = vec![0u8; n];
    tokio::task::yield_now().await;
    let b = vec![1u8; 2 * n];
    tokio::task::yield_now().await;
    a.len() + b.len()
}

/// Another task that allocates, and keeps, memory whenever it runs.
async fn noise(stop: Arc<AtomicBool>) -> usize {
    let mut kept = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        kept.push(vec![7u8; 1000]);
        tokio::task::yield_now().await;
    }
    kept.len()
}

fn rows(report: &Report) -> Vec<(i64, u64, u64)> {
    report.rows()[2..]
        .iter()
        .map(|r| (r.increment, r.allocations, r.occurrences))
        .collect()
}

fn check_fetch(report: &Report) {
    assert_eq!(
        rows(report),
        [
            (100, 1, 1),  // let a
            (0, 0, 1),    // yield: the other task's allocations meanwhile are not charged
            (200, 1, 1),  // let b
            (0, 0, 1),    // yield
            (0, 0, 1),    // a.len() + b.len()
            (-300, 0, 1)  // }
        ],
        "{report}"
    );
    assert!(!report.panicked() && !report.cancelled());
}

#[test]
fn current_thread_runtime_other_tasks_are_not_charged() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (noise_rounds, reports) = capture(|| {
        rt.block_on(async {
            let stop = Arc::new(AtomicBool::new(false));
            let noisy = tokio::spawn(noise(Arc::clone(&stop)));
            tokio::task::yield_now().await; // let the noise start
            assert_eq!(fetch(100).await, 300);
            stop.store(true, Ordering::Relaxed);
            noisy.await.unwrap()
        })
    });
    assert!(
        noise_rounds >= 2,
        "the other task ran while fetch waited: {noise_rounds}"
    );
    check_fetch(reports.function("fetch").unwrap());
}

/// Pending once, then ready: lets the runtime run other tasks, and move this one to another
/// worker if it likes. (Not `tokio::task::yield_now`, which allocates a list of deferred
/// wakers the first time it runs on a worker: an allocation of that poll, rightly charged to
/// its line, but not on every run.)
struct Yield(bool);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> std::task::Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            std::task::Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

#[profile(unit = "B", stream = "../target/tmp/async-multi-thread.txt")]
async fn fetch_anywhere(n: usize) -> usize {
    let a = vec![0u8; n];
    Yield(false).await;
    let b = vec![1u8; 2 * n];
    Yield(false).await;
    a.len() + b.len()
}

#[test]
fn multi_thread_runtime_figures_follow_the_polls() {
    std::fs::create_dir_all("../target/tmp").unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let total = rt.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let noisy: Vec<_> = (0..2)
            .map(|_| tokio::spawn(noise(Arc::clone(&stop))))
            .collect();
        // Spawned: polled by the workers, moving between them at each `.await` if they like.
        let fetched = tokio::spawn(fetch_anywhere(100)).await.unwrap();
        stop.store(true, Ordering::Relaxed);
        for task in noisy {
            task.await.unwrap();
        }
        fetched
    });
    assert_eq!(total, 300);
    drop(rt);
    let text = std::fs::read_to_string("../target/tmp/async-multi-thread.txt").unwrap();
    let figures: Vec<Vec<&str>> = text
        .lines()
        .skip(6) // Filename, blank, header, rule, attribute row, signature
        .take(6)
        .map(|l| l.split_whitespace().collect())
        .collect();
    let increments: Vec<(&str, &str)> = figures.iter().map(|f| (f[3], f[5])).collect();
    assert_eq!(
        increments,
        [
            ("100", "1"),
            ("0", "1"),
            ("200", "1"),
            ("0", "1"),
            ("0", "1"),
            ("-300", "1")
        ],
        "{text}"
    );
}

#[profile(unit = "B")]
async fn never_finishes() {
    let v = vec![0u8; 10];
    std::future::pending::<()>().await;
    drop(v);
}

#[test]
fn a_cancelled_call_says_so() {
    let ((), reports) = capture(|| {
        let mut future = pin!(never_finishes());
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
        // Dropped while pending.
    });
    let report = reports.function("never_finishes").unwrap();
    assert!(report.cancelled(), "{report}");
    assert_eq!(
        report.line_containing("vec![0u8; 10]").unwrap().increment,
        10
    );
    assert!(
        report
            .to_string()
            .contains("was dropped before it completed"),
        "{report}"
    );
}

#[profile(unit = "B")]
async fn recursive_sum(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let boxed: std::pin::Pin<Box<dyn Future<Output = u64>>> = Box::pin(recursive_sum(n - 1));
    n + boxed.await
}

#[test]
fn async_recursion_reports_each_call() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (sum, reports) = capture(|| rt.block_on(recursive_sum(3)));
    assert_eq!(sum, 6);
    // Each call owns its table, so each reports: four calls summed in one captured report.
    assert_eq!(reports.function("recursive_sum").unwrap().calls(), 4);
}
