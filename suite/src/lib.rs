//! The package of memory-profiler's integration tests (`tests/`) and overhead benches
//! (`benches/`): a package of its own so that their dev-dependencies (tokio, rayon, criterion,
//! dhat, insta, serde, ...) never build for the facade's examples. (The UI tests are the
//! package `ui/` below it.)
//!
//! This library is what the test binaries share, written once: an inner allocator whose
//! reallocations behave the same on every run ([`Moving`]), a thread that starts with an empty
//! heap ([`on_fresh_thread`]), a report's figures ([`figures`], [`only`]), and the re-run of a
//! test binary as a child process ([`run_child`], [`is_child`]) for what a process does once
//! (environment variables read once, reports written at exit).

use std::alloc::{GlobalAlloc, Layout, System};

use memory_profiler::{thread_stats, Report, Reports};

/// An inner allocator for `memory_profiler::Allocator::new` whose reallocations behave the same
/// on every run: a growing one always moves (a new block, the bytes copied, the old block
/// freed), a shrinking one stays in place. `System`'s own choice depends on what else the
/// process allocated, and a moving reallocation counts both blocks in Peak, so the tests that
/// work out Peaks of growing buffers by hand install this one.
pub struct Moving;

// SAFETY: `alloc` and `dealloc` forward to `System`; `realloc` keeps `GlobalAlloc`'s contract:
// a shrink keeps the block (its layout's size only gets smaller, which `System.dealloc`, a
// `free`, does not read), a growth allocates a block of the new size with the same alignment,
// copies the old block's bytes into it and frees the old block, or returns null and leaves the
// old block as it was.
unsafe impl GlobalAlloc for Moving {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through `alloc` or `realloc` below).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size <= layout.size() {
            return ptr;
        }
        // SAFETY: `new_size` is non-zero and, by the caller's contract, a valid size for
        // `layout.align()`; the old block holds `layout.size()` bytes, fewer than the new one,
        // and the two do not overlap.
        unsafe {
            let new = System.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size());
                System.dealloc(ptr, layout);
            }
            new
        }
    }
}

/// Runs `f` on a new thread whose live heap is exactly 0 bytes when `f` starts, and returns
/// its value (a panic in `f` fails the test with its own message).
///
/// The counters are per thread, and a new thread frees what its parent allocated to hand it
/// over (std's boxed thread closure; and, when the test harness captures output, the closures
/// that pass the capture on): the new thread starts with 0 allocations and a live heap below 0,
/// by an amount that depends on std and on the harness (on Rust 1.95: -96 bytes by default,
/// -24 with `--nocapture`). We allocate that amount back and hold it during `f`, so that the
/// Mem usage column reads the profiled function's own heap, whatever runs the test.
pub fn on_fresh_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            let entry = thread_stats();
            assert_eq!(entry.allocations, 0, "the new thread allocated: {entry:?}");
            assert!(
                entry.live() <= 0,
                "the new thread starts above 0: {entry:?}"
            );
            let balance: Vec<u8> = Vec::with_capacity(entry.live().unsigned_abs() as usize);
            assert_eq!(thread_stats().live(), 0);
            let value = f();
            drop(balance);
            value
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Each row's figures: (line, mem_usage, increment, peak, allocations, occurrences).
pub fn figures(report: &Report) -> Vec<(u32, i64, i64, i64, u64, u64)> {
    report
        .rows()
        .iter()
        .map(|r| {
            (
                r.line,
                r.mem_usage,
                r.increment,
                r.peak,
                r.allocations,
                r.occurrences,
            )
        })
        .collect()
}

pub fn only(reports: &Reports, name: &str) -> Report {
    assert_eq!(reports.len(), 1, "{reports}");
    let report = reports.function(name).expect(name).clone();
    assert_eq!(report.calls(), 1);
    assert!(!report.panicked());
    report
}

/// What a child process printed, and whether it succeeded.
pub struct Child {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
}

/// The name the test harness gives test `test` of the module whose `module_path!()` is
/// `module`: the module's path below the crate, then the test (`html::child_run` for
/// `child_run` of `tests/integration/html.rs`), or the test alone at a binary's root.
pub fn test_name(module: &str, test: &str) -> String {
    match module.split_once("::") {
        Some((_crate, below)) => format!("{below}::{test}"),
        None => test.to_owned(),
    }
}

/// Runs this test binary again as a child process, running only the test `test` of the
/// module `module` (its `module_path!()`; the test does its work when [`is_child`] says so,
/// and nothing otherwise), with the environment variables `vars` set (`Some`) or removed
/// (`None`). The variables of the profiler that are not named are removed, so the parent's
/// environment does not leak in.
pub fn run_child(module: &str, test: &str, vars: &[(&str, Option<&str>)]) -> Child {
    let name = test_name(module, test);
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", &name, "--nocapture", "--test-threads", "1"])
        .env(CHILD, &name);
    for var in [
        "MEMORY_PROFILER_FORMAT",
        "MEMORY_PROFILER_REPORT",
        "MEMORY_PROFILER_MPROF",
        "MEMORY_PROFILER_MPROF_INTERVAL",
        "MEMORY_PROFILER_REPORTS",
        "MEMORY_PROFILER_HTML",
        "MEMORY_PROFILER_UPDATE",
        "MEMORY_PROFILER_BASELINE_DIR",
    ] {
        command.env_remove(var);
    }
    for (var, value) in vars {
        match value {
            Some(value) => command.env(var, value),
            None => command.env_remove(var),
        };
    }
    let output = command.output().unwrap();
    Child {
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        success: output.status.success(),
    }
}

/// The variable that tells a child process which test it runs (see [`run_child`]).
pub const CHILD: &str = "MEMORY_PROFILER_TEST_CHILD";

/// Whether this process is the child running the test `test` of the module `module` (its
/// `module_path!()`; see [`run_child`]). Allocates no more than reading the variable does.
pub fn is_child(module: &str, test: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|name| match module.split_once("::") {
        Some((_crate, below)) => {
            name.strip_prefix(below)
                .and_then(|rest| rest.strip_prefix("::"))
                == Some(test)
        }
        None => name == test,
    })
}
