//! `#[profile]` and `#[limit]` with the attribute macros they are written beside, in both
//! orders: `#[tokio::main]`, `#[tokio::test]`, `#[tracing::instrument]` (plain, `ret`, async),
//! `#[async_trait]`, `#[rstest]` and `#[test_case]`. Whichever expands first, the figures are
//! the body's: the runtime a tokio macro builds, the span and events tracing records (here
//! with a subscriber that allocates), the box `#[async_trait]` puts the future in are not
//! counted, and every line of the body shows its own figures. (The orders that cannot work,
//! `#[profile]` under `#[rstest]` or `#[test_case]`, are compile errors:
//! `suite/tests/integration/fixtures.rs`.)

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use memory_profiler::{Report, capture, limit, measure, profile};

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

/// Pending once, then ready: a real suspension, which allocates nothing (tokio's `yield_now`
/// allocates its runtime's list of deferred wakers the first time a thread runs it).
struct Yield(bool);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn yield_once() -> Yield {
    Yield(false)
}

/// The body's figures, and nothing else's: every line of the body ran once, the line making the
/// vector allocated its `bytes` in one allocation, the closing brace freed them, and the rows
/// add up to nothing left allocated and that one allocation.
#[track_caller]
fn assert_body_figures(report: &Report, vec_line: &str, bytes: i64) {
    let rows = report.rows();
    assert_eq!(
        rows[0].occurrences, 1,
        "the attribute's row: one call\n{report}"
    );
    let vec_row = report.line_containing(vec_line).unwrap();
    assert_eq!(
        (vec_row.increment, vec_row.allocations, vec_row.occurrences),
        (bytes, 1, 1),
        "{report}"
    );
    let close = rows.last().unwrap();
    assert_eq!(
        (close.increment, close.occurrences),
        (-bytes, 1),
        "{report}"
    );
    let net: i64 = rows[1..].iter().map(|r| r.increment).sum();
    let allocations: u64 = rows[1..].iter().map(|r| r.allocations).sum();
    assert_eq!((net, allocations), (0, 1), "{report}");
    for row in &rows[1..] {
        let text = row.text.trim();
        let is_code = !(text.is_empty()
            || text.starts_with("#[")
            || text.starts_with("//")
            || text.contains("fn "));
        if is_code {
            assert_eq!(
                row.occurrences, 1,
                "every line of the body ran once\n{report}"
            );
        }
    }
}

// -------------------------------------------------------------------------------------------
// tokio
// -------------------------------------------------------------------------------------------

#[tokio::main(flavor = "current_thread")]
#[profile(unit = "B", allocs)]
async fn main_below() -> usize {
    let v = vec![0u8; 3000];
    yield_once().await;
    v.len()
}

#[profile(unit = "B", allocs)]
#[tokio::main(flavor = "current_thread")]
async fn main_above() -> usize {
    let v = vec![0u8; 3000];
    yield_once().await;
    v.len()
}

#[test]
fn tokio_main_in_either_order_measures_the_body_not_the_runtime() {
    for (run, name) in [
        (main_below as fn() -> usize, "main_below"),
        (main_above, "main_above"),
    ] {
        let ((n, usage), reports) = capture(|| measure(run));
        assert_eq!(n, 3000);
        // The runtime was built and dropped in the call, and is not in the report.
        assert!(usage.allocations > 1, "{usage:?}");
        let report = reports.function(name).unwrap();
        assert_body_figures(report, "vec![0u8; 3000]", 3000);
    }
}

#[tokio::test]
#[profile(unit = "B", allocs)]
async fn tokio_test_below() {
    let v = vec![0u8; 3000];
    yield_once().await;
    assert_eq!(v.len(), 3000);
}

#[profile(unit = "B", allocs)]
#[tokio::test]
async fn tokio_test_above() {
    let v = vec![0u8; 3000];
    yield_once().await;
    assert_eq!(v.len(), 3000);
}

#[test]
fn tokio_test_in_either_order_measures_the_body_not_the_runtime() {
    for (run, name) in [
        (tokio_test_below as fn(), "tokio_test_below"),
        (tokio_test_above, "tokio_test_above"),
    ] {
        let ((), reports) = capture(run);
        assert_body_figures(reports.function(name).unwrap(), "vec![0u8; 3000]", 3000);
    }
}

// The runtime allocates a dozen times before the body runs: a limit of one allocation holds
// only if the body alone is measured.
#[tokio::test]
#[limit(allocations = 1, peak = "3000 B", leaks = "0 B")]
async fn limit_below_tokio_test() {
    let v = vec![0u8; 3000];
    yield_once().await;
    assert_eq!(v.len(), 3000);
}

#[limit(allocations = 1, peak = "3000 B", leaks = "0 B")]
#[tokio::test]
async fn limit_above_tokio_test() {
    let v = vec![0u8; 3000];
    yield_once().await;
    assert_eq!(v.len(), 3000);
}

#[tokio::test]
#[should_panic(expected = "allocations: 2 is above its limit of 1")]
#[limit(allocations = 1)]
async fn limit_below_tokio_test_fails_on_the_bodys_second_allocation() {
    let v = vec![0u8; 3000];
    yield_once().await;
    let w = vec![0u8; 3000];
    assert_eq!(v.len() + w.len(), 6000);
}

#[test]
fn a_limit_below_tokio_test_reports_the_bodys_lines() {
    let failure =
        std::panic::catch_unwind(limit_below_tokio_test_fails_on_the_bodys_second_allocation)
            .unwrap_err();
    let message = failure.downcast_ref::<String>().unwrap();
    // Each vector on its own line: 3,000 bytes, one allocation.
    for line in message.lines().filter(|l| l.contains("vec![0u8; 3000]")) {
        let figures: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            &figures[3..9],
            ["3,000", "B", "3,000", "B", "1", "1"],
            "{message}"
        );
    }
    assert_eq!(message.matches("vec![0u8; 3000]").count(), 2, "{message}");
}

// tokio's `yield_now` allocates the runtime's list of deferred wakers the first time a task
// yields in a `block_on` (64 bytes), and keeps it until the `block_on` ends: after the body.
// A warm-up run allocates it, so the measured run's leaks are the body's own.
#[tokio::test]
#[limit(leaks = "0 B", warmups = 1)]
async fn leak_limit_below_tokio_test_with_a_warm_up() {
    let v = vec![0u8; 3000];
    tokio::task::yield_now().await;
    assert_eq!(v.len(), 3000);
}

#[limit(leaks = "0 B", warmups = 1)]
#[tokio::test]
async fn leak_limit_above_tokio_test_with_a_warm_up() {
    let v = vec![0u8; 3000];
    tokio::task::yield_now().await;
    assert_eq!(v.len(), 3000);
}

// Without it, the runtime's list is left allocated when the body ends, and the failure says
// how to tell it apart.
#[tokio::test]
#[should_panic(
    expected = "leaks: 64 B left allocated is above its limit of 0 B\n    (memory that \
                           a runtime or a library allocates the first time it is used"
)]
#[limit(leaks = "0 B")]
async fn leak_limit_below_tokio_test_without_a_warm_up() {
    let v = vec![0u8; 3000];
    tokio::task::yield_now().await;
    assert_eq!(v.len(), 3000);
}

// A real leak still fails after the warm-up: the measured run's own.
#[tokio::test]
#[should_panic(expected = "leaks: 100 B left allocated is above its limit of 0 B\n")]
#[limit(leaks = "0 B", warmups = 2)]
async fn a_real_leak_fails_after_the_warm_ups() {
    tokio::task::yield_now().await;
    std::mem::forget(vec![0u8; 100]);
}

// -------------------------------------------------------------------------------------------
// tracing
// -------------------------------------------------------------------------------------------

/// A subscriber that keeps a line per span and event: it allocates as real ones do.
struct Keeping {
    kept: Mutex<Vec<String>>,
    next: AtomicU64,
}

impl tracing::Subscriber for Keeping {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let name = format!("span {}", span.metadata().name());
        self.kept.lock().unwrap().push(name);
        tracing::span::Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let name = format!("event {}", event.metadata().name());
        self.kept.lock().unwrap().push(name);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Runs `f` under a [`Keeping`] subscriber; returns its value and what the subscriber kept.
fn traced<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let subscriber = std::sync::Arc::new(Keeping {
        kept: Mutex::new(Vec::with_capacity(16)),
        next: AtomicU64::new(0),
    });
    let value = tracing::subscriber::with_default(subscriber.clone(), f);
    let kept = subscriber.kept.lock().unwrap().clone();
    (value, kept)
}

#[tracing::instrument]
#[profile(unit = "B", allocs)]
fn traced_below(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[profile(unit = "B", allocs)]
#[tracing::instrument]
fn traced_above(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[tracing::instrument(ret)]
#[profile(unit = "B", allocs)]
fn traced_ret_below(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[profile(unit = "B", allocs)]
#[tracing::instrument(ret)]
fn traced_ret_above(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[tracing::instrument]
#[profile(unit = "B", allocs)]
async fn traced_async_below(n: usize) -> usize {
    let v = vec![0u8; n];
    yield_once().await;
    v.len()
}

#[profile(unit = "B", allocs)]
#[tracing::instrument]
async fn traced_async_above(n: usize) -> usize {
    let v = vec![0u8; n];
    yield_once().await;
    v.len()
}

#[test]
fn tracing_instrument_in_either_order_measures_the_body_not_the_spans() {
    type Run = fn(usize) -> usize;
    let cases: [(Run, &str, usize); 6] = [
        (traced_below, "traced_below", 1),
        (traced_above, "traced_above", 1),
        (traced_ret_below, "traced_ret_below", 2),
        (traced_ret_above, "traced_ret_above", 2),
        (
            |n| corpus::block_on(traced_async_below(n)),
            "traced_async_below",
            1,
        ),
        (
            |n| corpus::block_on(traced_async_above(n)),
            "traced_async_above",
            1,
        ),
    ];
    for (run, name, records) in cases {
        let (((n, usage), reports), kept) = traced(|| capture(|| measure(|| run(1000))));
        assert_eq!(n, 1000);
        // The subscriber kept the span (and the `ret` event), allocating in the call.
        assert_eq!(kept.len(), records, "{name}: {kept:?}");
        assert!(usage.allocations > 1, "{name}: {usage:?}");
        assert_body_figures(reports.function(name).unwrap(), "vec![0u8; n]", 1000);
    }
}

// -------------------------------------------------------------------------------------------
// async_trait: the attribute on the impl (or trait) always expands first.
// -------------------------------------------------------------------------------------------

#[async_trait::async_trait]
trait Fetch {
    async fn fetch(&self, n: usize) -> usize;

    #[profile(unit = "B", allocs)]
    async fn fetch_default(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        yield_once().await;
        v.len()
    }
}

struct Fetcher;

#[async_trait::async_trait]
impl Fetch for Fetcher {
    #[profile(unit = "B", allocs)]
    async fn fetch(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        yield_once().await;
        v.len() + self.offset()
    }
}

impl Fetcher {
    fn offset(&self) -> usize {
        0
    }
}

#[test]
fn async_trait_methods_measure_their_bodies_not_the_box() {
    let ((n, usage), reports) = capture(|| measure(|| corpus::block_on(Fetcher.fetch(2000))));
    assert_eq!(n, 2000);
    // The boxed future: allocated by the call, not by a line of the body.
    assert_eq!(usage.allocations, 2, "{usage:?}");
    assert_body_figures(reports.function("fetch").unwrap(), "vec![0u8; n]", 2000);
    let (n, reports) = capture(|| corpus::block_on(Fetcher.fetch_default(500)));
    assert_eq!(n, 500);
    assert_body_figures(
        reports.function("fetch_default").unwrap(),
        "vec![0u8; n]",
        500,
    );
}

// -------------------------------------------------------------------------------------------
// rstest and test_case: `#[profile]` above them (below them is a compile error).
// -------------------------------------------------------------------------------------------

#[profile(unit = "B", allocs)]
#[rstest::rstest]
#[case(100)]
#[case(200)]
fn rstest_cases(#[case] n: usize) {
    let v = vec![0u8; n];
    assert_eq!(v.len(), n);
}

#[profile(unit = "B", allocs)]
#[test_case::test_case(100 ; "one hundred")]
#[test_case::test_case(200 ; "two hundred")]
fn test_case_cases(n: usize) {
    let v = vec![0u8; n];
    assert_eq!(v.len(), n);
}

#[test]
fn parameterised_tests_measure_the_users_function() {
    let ((), reports) = capture(|| rstest_cases(300));
    assert_body_figures(
        reports.function("rstest_cases").unwrap(),
        "vec![0u8; n]",
        300,
    );
    let ((), reports) = capture(|| test_case_cases(400));
    assert_body_figures(
        reports.function("test_case_cases").unwrap(),
        "vec![0u8; n]",
        400,
    );
}

// -------------------------------------------------------------------------------------------
// The attribute on an impl, a trait or a module: the functions' own attribute macros expand
// before the mark `#[profile]` leaves on them (as with `#[profile]` written below them), and
// `#[async_trait]` on the impl or trait in either order.
// -------------------------------------------------------------------------------------------

#[async_trait::async_trait]
trait Load {
    async fn load(&self, n: usize) -> usize;

    async fn load_twice(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        yield_once().await;
        v.len() * 2
    }
}

struct Above;
struct Below;

#[profile(unit = "B", allocs)]
#[async_trait::async_trait]
impl Load for Above {
    async fn load(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        yield_once().await;
        v.len()
    }
}

#[async_trait::async_trait]
#[profile(unit = "B", allocs)]
impl Load for Below {
    async fn load(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        yield_once().await;
        v.len()
    }
}

#[profile(unit = "B", allocs)]
#[async_trait::async_trait]
trait Store {
    async fn store(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        yield_once().await;
        v.len()
    }
}

#[async_trait::async_trait]
#[profile(unit = "B", allocs)]
trait Keep {
    async fn keep(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        yield_once().await;
        v.len()
    }
}

impl Store for Above {}
impl Keep for Above {}

#[test]
fn async_trait_impls_and_traits_under_the_attribute_in_either_order() {
    let runs: [(&str, &dyn Fn(usize) -> usize); 4] = [
        ("<Above as Load>::load", &|n| {
            corpus::block_on(Above.load(n))
        }),
        ("<Below as Load>::load", &|n| {
            corpus::block_on(Below.load(n))
        }),
        ("Store::store", &|n| corpus::block_on(Above.store(n))),
        ("Keep::keep", &|n| corpus::block_on(Above.keep(n))),
    ];
    for (name, run) in runs {
        let ((n, usage), reports) = capture(|| measure(|| run(700)));
        assert_eq!(n, 700);
        // The boxed future and the vector: the box is not the body's.
        assert_eq!(usage.allocations, 2, "{name}: {usage:?}");
        assert_eq!(reports.len(), 1, "{name}:\n{reports}");
        assert_body_figures(reports.function(name).unwrap(), "vec![0u8; n]", 700);
    }
    // The trait's default method, not under the attribute, is not profiled.
    let (n, reports) = capture(|| corpus::block_on(Below.load_twice(10)));
    assert_eq!((n, reports.len()), (20, 0));
}

/// Tests and traced functions in a module under the attribute: `#[tokio::test]` and
/// `#[tracing::instrument]` expand first, and the body is measured; a `#[limit]` test measures
/// its body itself.
#[profile(unit = "B", allocs)]
mod annotated {
    use super::{profile, yield_once};

    #[tokio::test]
    pub async fn tokio_test_inside() {
        let v = vec![0u8; 900];
        yield_once().await;
        assert_eq!(v.len(), 900);
    }

    #[tracing::instrument(ret)]
    pub fn traced_inside(n: usize) -> usize {
        let v = vec![0u8; n];
        v.len()
    }

    // The test functions these two make from the user's are left alone (as `#[profile]` below
    // them would measure those functions, not the user's); `#[profile]` above them measures
    // the user's function, with the module's arguments.
    #[rstest::rstest]
    #[case(10)]
    pub fn rstest_inside(#[case] n: usize) {
        let v = vec![0u8; n];
        assert_eq!(v.len(), n);
    }

    #[profile]
    #[rstest::rstest]
    #[case(10)]
    pub fn rstest_above(#[case] n: usize) {
        let v = vec![0u8; n];
        assert_eq!(v.len(), n);
    }

    #[profile]
    #[test_case::test_case(10 ; "ten")]
    pub fn test_case_above(n: usize) {
        let v = vec![0u8; n];
        assert_eq!(v.len(), n);
    }

    #[test]
    #[memory_profiler::limit(peak = "1 KiB", leaks = "0 B")]
    pub fn limited_inside() {
        let v = vec![0u8; 600];
        assert_eq!(v.len(), 600);
    }

    #[test]
    #[profile(skip)]
    pub fn skipped_inside() {
        let v = vec![0u8; 600];
        assert_eq!(v.len(), 600);
    }
}

#[test]
fn functions_of_a_module_under_the_attribute_keep_their_other_macros() {
    let ((), reports) = capture(annotated::tokio_test_inside);
    assert_body_figures(
        reports.function("tokio_test_inside").unwrap(),
        "vec![0u8; 900]",
        900,
    );
    let ((n, reports), kept) = traced(|| capture(|| annotated::traced_inside(800)));
    assert_eq!((n, kept.len()), (800, 2), "{kept:?}");
    assert_body_figures(
        reports.function("traced_inside").unwrap(),
        "vec![0u8; n]",
        800,
    );
    let ((), reports) = capture(|| annotated::rstest_inside(300));
    assert!(reports.is_empty(), "{reports}");
    let ((), reports) = capture(|| annotated::rstest_above(300));
    assert_body_figures(
        reports.function("rstest_above").unwrap(),
        "vec![0u8; n]",
        300,
    );
    let ((), reports) = capture(|| annotated::test_case_above(400));
    assert_body_figures(
        reports.function("test_case_above").unwrap(),
        "vec![0u8; n]",
        400,
    );
    // The limit's own report is held for its message: nothing is written or captured.
    let ((), reports) = capture(annotated::limited_inside);
    assert!(reports.is_empty(), "{reports}");
    let ((), reports) = capture(annotated::skipped_inside);
    assert!(reports.is_empty(), "{reports}");
}
