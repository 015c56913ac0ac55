//! The `#[profile]` attribute of [memory-profiler](https://docs.rs/memory-profiler).
//!
//! Use it through the `memory-profiler` crate (`memory_profiler::profile`); its documentation
//! describes the attribute, its options and the report.

// Parse → validate → expand, in the order an attribute goes through them.
//
// The typed spec: argument values as enums, and the runtime literals they write.
mod spec;
// Reading one argument's value, with its errors.
mod value;
// `#[profile]`'s arguments.
mod args;
// `#[profile]`'s entry points, and the item checks `#[limit]` shares.
mod expand;
// `#[profile]` on an impl, a trait or a module: its functions marked.
mod container;
// What a method belongs to (`Inventory`, `<Inventory as Summarize>`).
mod names;
// `#[limit]`: its arguments (sizes, tolerances), its guard around the profiler's.
mod limit;
// The rewritten function: the guard's `match`, `static META`, the table.
mod instrument;
// Where the body is, when attribute macros above expanded first.
mod locate;
// Line numbers and the embedded source.
mod lines;
// The statement rewrite: a probe per line.
mod rewrite;

use proc_macro::TokenStream;

/// Prints a line-by-line heap report of the function after each call, in Python
/// memory_profiler's layout.
///
/// ```
/// use memory_profiler::profile;
///
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// #[profile(precision = 4)]
/// fn basic_mean(n: u32) -> f64 {
///     let nbrs: Vec<u64> = (0..10u64.pow(n)).collect();
///     let total: u64 = nbrs.iter().sum();
///     total as f64 / nbrs.len() as f64
/// }
///
/// # let (_, reports) = memory_profiler::capture(|| {
/// assert_eq!(basic_mean(5), 49999.5);
/// # });
/// # let report = reports.function("basic_mean").unwrap();
/// # assert_eq!(report.line_containing("collect()").unwrap().increment, 800_000);
/// # assert_eq!(report.rows().last().unwrap().increment, -800_000);
/// ```
///
/// prints, after the call (from `cargo run --release --example basic_mean`, whose main thread
/// holds the few hundred bytes the Rust runtime allocated before `main`):
///
/// ```text
/// Filename: examples/basic_mean.rs
///
/// Line #    Mem usage    Increment  Occurrences   Line Contents
/// =============================================================
///      9   0.0005 MiB   0.0005 MiB           1   #[profile(precision = 4)]
///     10                                         pub fn basic_mean(n: u32) -> f64 {
///     11   0.7635 MiB   0.7629 MiB           1       let nbrs: Vec<u64> = (0..10u64.pow(n)).collect();
///     12   0.7635 MiB   0.0000 MiB           1       let total: u64 = nbrs.iter().sum();
///     13   0.7635 MiB   0.0000 MiB           1       total as f64 / nbrs.len() as f64
///     14   0.0005 MiB  -0.7629 MiB           1   }
/// ```
///
/// # The figures
/// - **Mem usage**: the heap in use after the line ran, the largest over its occurrences. By
///   default the heap is the calling thread's: what [`Allocator`] counted as allocated minus
///   freed on this thread, so figures are exact and the same on every run, whatever other
///   threads do.
/// - **Increment**: the sum over the line's occurrences of (heap after − heap before).
/// - **Occurrences**: how many times the line started. A `for` header counts once per
///   `next()` call (iterations + 1) and is charged what `next()` allocates; a `while` header
///   counts once per evaluation of its condition. Several statements on one line share a row; a
///   statement over several lines counts on its first line.
/// - The first row, on the attribute's line, shows the heap at entry (in both columns, as
///   memory_profiler's decorator row); lines that never ran have empty figure columns.
/// - The closing brace's row shows what the function's locals free when they go out of scope
///   (after the tail expression, or after `return`'s value is computed), and, before edition
///   2024, what the tail expression's temporaries free (they are dropped after the locals
///   there). The `}` of an inner
///   block with locals (its `let`s, or the names its `for`, `while let`, `if let` or `match`
///   arm pattern binds) does the same for that block each time it ends: once per iteration
///   for a loop body, when it ran for a branch or an arm. A block left before its end (`break`,
///   `continue`, `?`) leaves its drops on the line that left it, and a `return` leaves them to
///   the function's `}`. A `}` that shares its line with code shares that line's row: one
///   occurrence per pass over the line.
/// - **Peak** (with `peak`): the highest heap reached while the line ran, above the heap when
///   it started: it shows temporaries that Increment hides.
/// - **Allocs** (with `allocs`): the allocations the line made.
///
/// The rewrite reaches every statement, through blocks, `if`/`else`, `match` arms, loops and
/// `unsafe` blocks. On an `async fn`, each `.await` is polled through the call, so a line is
/// charged with what its own polls allocate, not with what other tasks do on the thread while
/// it waits. Closures, async blocks and nested items are not rewritten: their cost shows
/// on the line that runs them. When the function recurses, the report is written after the
/// outermost call and sums all of them; a nested call of the same function pauses the line of
/// the call that made it, so each byte is charged once and the rows add up to the whole call.
///
/// Profiled code that runs inside the program's allocations passes through, recording nothing
/// and allocating nothing: the methods of an allocator (`alloc`, `dealloc`, `realloc` and
/// `alloc_zeroed` of a `GlobalAlloc` impl, the methods of the unstable `Allocator` trait) and
/// every profiled function they call, the allocator that [`Allocator`] wraps, and whatever the
/// profiler's own work (writing a report) reaches again.
///
/// # On an impl, a trait or a module
///
/// On an `impl` (inherent or of a trait), a `trait` (its default methods) or an inline
/// `mod { .. }` (recursively), the attribute profiles every function with a body inside, with
/// its options. A function inside can carry its own `#[profile(..)]`, whose options are laid
/// over the outer ones, or `#[profile(skip)]` to be left out. `const fn`s and the functions of
/// `macro_rules!` bodies are left alone. Reports name a method by its type as a Rust programmer
/// writes it: `Inventory::new`, `<Inventory as Summarize>::total`, `Stack<T>::push`,
/// `Describe::describe` (a trait's default method); a module's free functions keep their names.
/// Their reports start at the signature's line.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// use memory_profiler::profile;
///
/// pub struct Stack<T> {
///     items: Vec<T>,
/// }
///
/// #[profile(unit = "B")]
/// impl<T: Clone> Stack<T> {
///     pub fn new() -> Self {
///         Stack { items: Vec::with_capacity(4) }
///     }
///
///     #[profile(peak)]
///     pub fn push(&mut self, x: T) {
///         self.items.push(x);
///     }
///
///     #[profile(skip)]
///     pub fn len(&self) -> usize {
///         self.items.len()
///     }
/// }
///
/// let (_, reports) = memory_profiler::capture(|| {
///     let mut stack = Stack::new();
///     stack.push(1u64);
///     stack.len()
/// });
/// let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
/// assert_eq!(names, ["Stack<T>::new", "Stack<T>::push"]);
/// assert!(reports.function("new").unwrap().to_string().contains("Function: Stack<T>::new"));
/// ```
///
/// An out-of-line `mod x;` is a compile error: the attribute is given the tokens it is written
/// on, not the file that holds the module's items; put the attribute on those items.
/// A method annotated on its own cannot see its impl: when it takes `self`, it is named by the
/// type of `self` (`Stack<_>::push`, generic arguments as `_`), otherwise by its own name.
///
/// # Options
/// - `skip`: alone, leaves the item as written (a function or an impl inside an annotated
///   impl, trait or module).
/// - `precision = N`: decimals of the figures (default 1, as memory_profiler's decorator).
/// - `unit = "B" | "KiB" | "MiB" | "GiB"`: default `"MiB"`; bytes print as whole numbers
///   grouped by threes (`800,000 B`, as the limit messages print them). A figure wider than
///   memory_profiler's 12-character columns widens them, so they stay aligned.
/// - `stream = "stdout" | "stderr" | "path"`: where reports go (default stdout). The first report
///   of the process to a file creates or truncates it; later ones are appended. A report that
///   cannot be written is said once on stderr, and the program goes on.
/// - `peak`, `allocs`: add the Peak and Allocs columns.
/// - `threads = "current" | "all"`: follow the calling thread's heap (default) or the heap of all
///   threads. With `"all"`, process-wide counting runs while the call does, and Mem usage is
///   relative to when process-wide counting first started in the process.
///
/// Without a counting allocator the figures fall back to the process's resident set size, as
/// memory_profiler measures it, and the report says how to install [`Allocator`].
///
/// [`Allocator`]: ../memory_profiler/struct.Allocator.html
#[proc_macro_attribute]
pub fn profile(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::profile(args.into(), item.into()).into()
}

/// The mark that `#[profile]` on an impl, a trait or a module leaves on the functions inside
/// it. Not public API.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn profile_member(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::member(args.into(), item.into()).into()
}

/// Fails the function (usually a `#[test]`) when its body exceeds a memory limit, with the line
/// report of the body in the panic message, so the offending line is on screen.
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// #[memory_profiler::limit(peak = "64 KiB", leaks = "0 B", allocations = 10)]
/// fn streaming_mean(n: u64) -> f64 {
///     let total: u64 = (0..n).sum();
///     total as f64 / n as f64
/// }
///
/// #[memory_profiler::limit(peak = "64 KiB")]
/// fn collecting_mean(n: u64) -> f64 {
///     let nbrs: Vec<u64> = (0..n).collect();
///     nbrs.iter().sum::<u64>() as f64 / n as f64
/// }
///
/// assert_eq!(streaming_mean(100_000), 49_999.5);
/// let failure = std::panic::catch_unwind(|| collecting_mean(100_000)).unwrap_err();
/// let message = failure.downcast_ref::<String>().unwrap();
/// assert!(message.contains("peak 800,000 B (781.2 KiB) is above its limit of 64 KiB (65,536 B)"));
/// assert!(message.contains("let nbrs: Vec<u64> = (0..n).collect();"));
/// ```
///
/// On a test, above or below `#[test]` (or `#[tokio::test]`):
///
/// ```no_run
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[test]
/// #[memory_profiler::limit(peak = "24 MB", leaks = "0 B")]
/// fn mean_stays_small() {
///     # fn mean(_: u32) -> f64 { 0.5 }
///     assert_eq!(mean(7), 0.5);
/// }
/// ```
///
/// # Limits (any of them; at least one)
/// - `peak = "SIZE"`: the highest the heap may go above where it was when the body started.
/// - `leaks = "SIZE"`: what the body may leave allocated when it ends (its locals dropped).
/// - `allocations = N`: how many allocations the body may make.
/// - `baseline`: the body's figures (and those of the profiled functions it calls) may not grow
///   past those of its baseline file, by more than its tolerances (see Baselines, below).
/// - `threads = "current" | "all"`: count the calling thread (default: exact, and undisturbed by
///   tests running in parallel), or every thread of the process (for work spawned on threads
///   you do not control; see `memory_profiler::measure_process` for the caveats). Closures
///   handed to other threads can instead be charged to the test's thread
///   (`memory_profiler::charged`, `memory_profiler::Charge`).
/// - `warmups = N`: run the body `N` times before the measured run, as pytest-memray's
///   `limit_leaks(warmups=N)` does (for functions without arguments: tests). Memory that a
///   runtime or a library allocates the first time it is used and keeps for the thread's or the
///   runtime's life (a cache in a thread local, tokio's list of deferred wakers, which
///   `tokio::task::yield_now` allocates in the first poll that yields) is then allocated before
///   the measurement and is told apart from the body's own leaks.
///
/// Sizes are a number and a unit: `B`, `KB`, `MB`, `GB`, `TB` (powers of 1000) or `KiB`,
/// `MiB`, `GiB`, `TiB` (powers of 1024), as pytest-memray reads them: `"0 B"`, `"64 KiB"`,
/// `"1.5 MiB"`, `"24 MB"`. Unknown arguments and malformed sizes are compile errors.
///
/// # Baselines
/// `baseline` compares the body's figures, and those of the `#[profile]` functions it calls,
/// per function and per source line, with a baseline file kept beside the test
/// (`tests/snapshots/<module>__<function>.allocs` for a function of `tests/<module>.rs`), and
/// fails when a function's bytes allocated, allocations or peak grow past their tolerance,
/// printing which lines of which functions allocate more or less, old and new side by side:
///
/// ```no_run
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// # fn parse(_: &str) -> Vec<u64> { Vec::new() }
/// #[test]
/// #[memory_profiler::limit(baseline, bytes = "+5%", allocations = "+0")]
/// fn parsing_allocates_no_more_than_it_did() {
///     let fields = parse("1,2,3");
///     assert_eq!(fields.len(), 3);
/// }
/// ```
///
/// - Tolerances, one per figure, `+` then a percentage of the baseline's figure or an amount:
///   `bytes = "+5%"` or `"+1 KiB"` (bytes allocated), `allocations = "+0"` or `"+2"`,
///   `peak = "+10%"` or `"+64 KiB"`. A figure without one may not grow at all (`"+0"`).
///   Without `+`, `peak = "1 MiB"` and `allocations = 100` stay absolute limits, and can be
///   given beside `baseline` (but not as well as a tolerance of the same figure).
/// - The first run writes the missing file, and says so on stderr (past the test harness's
///   capture); commit it with the test. With `CI` set, a missing file fails the test instead.
///   `MEMORY_PROFILER_UPDATE=1` rewrites the files whose figures changed (the tests pass);
///   `MEMORY_PROFILER_UPDATE=new` writes the new figures beside them (`.allocs.new`) for
///   review; `MEMORY_PROFILER_UPDATE=no` writes nothing. `MEMORY_PROFILER_BASELINE_DIR` keeps
///   the files in a folder of its own instead.
/// - Lines are matched by function name and statement text, so a comment added above a
///   function changes nothing; moved, added and removed statements show as such. The figures
///   are relative to where each line or call started, so they do not depend on what ran
///   before on the thread, and hold under parallel `cargo test` and nextest alike.
///
/// The file's format and the matching rules are in `memory_profiler::baseline`.
///
/// The body is rewritten as by [`macro@profile`] (with the Peak and Allocs columns), but its
/// report is printed only in the failure message. A failure points at the attribute (the
/// test's file and line) and prints no backtrace (the line report says where the memory went):
/// it unwinds with the message as a `String` payload, which `#[should_panic(expected = "..")]`
/// reads, without calling the panic hook. On an `async fn` (under `#[tokio::test]`, in either
/// order: the runtime it builds is not measured), the figures are those of the thread that
/// polls the test's future, which is the test's own thread for tokio's runtimes: tasks
/// spawned onto worker threads are counted only with `threads = "all"`. A body that panics by
/// itself fails with its own panic, unchanged.
///
/// # Panics
/// When the counting allocator is not installed, with the lines to add; when the profiler is
/// switched off (memory-profiler without its default feature `enabled`), saying that the
/// limits cannot be checked.
#[proc_macro_attribute]
pub fn limit(args: TokenStream, item: TokenStream) -> TokenStream {
    limit::limit(args.into(), item.into()).into()
}
