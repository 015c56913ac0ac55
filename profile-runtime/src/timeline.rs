//! The `mprof run` timeline: `FUNC` lines of the profiled functions' calls, appended to the
//! `.dat` file of a program started by `mprof run`.
//!
//! `mprof run` names its `.dat` file in the environment variable [`DAT_VAR`]. Under it, every
//! call of a `#[profile]` function adds memory_profiler's line
//!
//! ```text
//! FUNC <module.function> <MiB at entry> <time at entry> <MiB at exit> <time at exit> <level>
//! ```
//!
//! with the process's resident set size (as mprof's `MEM` samples), Unix times in seconds, and
//! the call's nesting level among the profiled calls of its thread (0 for the outermost, 1 for
//! a profiled call inside it, ..., as Python's `memory_profiler --timestamp` counts). Each line
//! is appended when its call ends, by one `write` to the file opened for appending, so lines
//! never tear against mprof's own samples and none is lost if the program is killed later.
//! (Python's memory_profiler keeps them until the program exits.) A call under mprof costs two
//! reads of `/proc/self/statm` and that `write`.
//!
//! Outside `mprof run`, a profiled call pays one relaxed load of a cached flag.

use std::cell::Cell;
use std::fs::File;
use std::io::Write as _;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering::Relaxed};
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::recorder::{FnMeta, Stream};

/// The environment variable by which `mprof run` tells the program its `.dat` file.
pub const DAT_VAR: &str = "MEMORY_PROFILER_MPROF";

/// Under `mprof run`, set to `1` (by `mprof run --reports`) to print the line reports as well.
pub const REPORTS_VAR: &str = "MEMORY_PROFILER_REPORTS";

/// Whether the program runs under `mprof run`: not known yet, no, yes.
static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
const UNKNOWN: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;

/// Where the lines go, read once from the environment.
struct Sink {
    path: String,
    /// Opened on the first write; `None` once writing failed (said once on stderr).
    file: Mutex<Option<Option<File>>>,
    /// Line reports are printed too (`MEMORY_PROFILER_REPORTS=1`).
    reports: bool,
}

static SINK: OnceLock<Option<Sink>> = OnceLock::new();

fn sink() -> Option<&'static Sink> {
    SINK.get_or_init(|| {
        let sink = std::env::var(DAT_VAR)
            .ok()
            .filter(|path| !path.is_empty())
            .map(|path| Sink {
                path,
                file: Mutex::new(None),
                reports: std::env::var(REPORTS_VAR)
                    .is_ok_and(|v| !v.is_empty() && v != "0" && v != "false"),
            });
        STATE.store(if sink.is_some() { ON } else { OFF }, Relaxed);
        sink
    })
    .as_ref()
}

thread_local! {
    /// The profiled calls in progress on this thread. A counter of its own, leaked once per
    /// thread (under mprof only), so that an `async fn` call that ends on another thread than
    /// it began on still counts down the thread it began on.
    static DEPTH: Cell<Option<&'static AtomicU32>> = const { Cell::new(None) };
}

/// This thread's counter of calls in progress.
fn depth() -> Option<&'static AtomicU32> {
    DEPTH
        .try_with(|d| match d.get() {
            Some(depth) => depth,
            None => {
                let depth: &'static AtomicU32 = Box::leak(Box::new(AtomicU32::new(0)));
                d.set(Some(depth));
                depth
            }
        })
        .ok()
}

/// A call in progress on the timeline.
pub(crate) struct Call {
    mib: f64,
    time: f64,
    level: u32,
    /// The counter of the thread the call began on.
    depth: &'static AtomicU32,
}

/// A profiled call starts: `Some` when the program runs under `mprof run`.
#[inline]
pub(crate) fn enter(meta: &'static FnMeta) -> Option<Call> {
    if STATE.load(Relaxed) == OFF {
        return None;
    }
    enter_slow(meta)
}

#[cold]
#[inline(never)]
fn enter_slow(_meta: &'static FnMeta) -> Option<Call> {
    crate::alloc::untracked(|| {
        sink()?;
        let depth = depth()?;
        let level = depth.fetch_add(1, Relaxed);
        Some(Call {
            mib: rss_mib(),
            time: now(),
            level,
            depth,
        })
    })
}

/// The call ends: its `FUNC` line is appended to the file.
pub(crate) fn exit(call: Call, meta: &'static FnMeta) {
    crate::alloc::untracked(|| {
        let (mib, time) = (rss_mib(), now());
        call.depth.fetch_sub(1, Relaxed);
        let Some(sink) = sink() else { return };
        sink.write(&func_line(
            meta.module_path,
            meta.name,
            (call.mib, call.time),
            (mib, time),
            call.level,
        ));
    });
}

/// memory_profiler's `FUNC` line, with `::` in the module path written as `.` (a reader splits
/// the line on spaces, and `mprof plot` labels a bracket with the last dotted part).
pub fn func_line(
    module_path: &str,
    function: &str,
    (entry_mib, entry_time): (f64, f64),
    (exit_mib, exit_time): (f64, f64),
    level: u32,
) -> String {
    let module = module_path.replace("::", ".");
    format!("FUNC {module}.{function} {entry_mib:.4} {entry_time:.4} {exit_mib:.4} {exit_time:.4} {level}\n")
}

impl Sink {
    fn write(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let opened = file.get_or_insert_with(|| {
            match std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&self.path)
            {
                Ok(f) => Some(f),
                Err(err) => {
                    self.failed(&err);
                    None
                }
            }
        });
        if let Some(f) = opened {
            if let Err(err) = f.write_all(text.as_bytes()) {
                self.failed(&err);
                *opened = None;
            }
        }
    }

    fn failed(&self, err: &std::io::Error) {
        let _ = writeln!(
            std::io::stderr(),
            "memory_profiler: cannot write FUNC lines to {} (from {DAT_VAR}): {err}; the program goes on without them",
            self.path
        );
        STATE.store(OFF, Relaxed);
    }
}

/// Whether a report to `stream` is printed: not under `mprof run`, unless asked
/// ([`REPORTS_VAR`]). Reports to files are always written.
pub(crate) fn report_wanted(stream: Stream) -> bool {
    match stream {
        Stream::File(_) | Stream::Held => true,
        Stream::Stdout | Stream::Stderr => match sink() {
            Some(sink) => sink.reports,
            None => true,
        },
    }
}

/// The resident set size in MiB, as mprof samples it (0 where it cannot be read).
fn rss_mib() -> f64 {
    crate::backend::resident_set_size().unwrap_or(0) as f64 / (1024.0 * 1024.0)
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn func_line_layout() {
        assert_eq!(
            func_line(
                "tournament::play",
                "in_memory",
                (1.5, 1700000000.125),
                (30.25, 1700000001.5),
                2
            ),
            "FUNC tournament.play.in_memory 1.5000 1700000000.1250 30.2500 1700000001.5000 2\n"
        );
    }
}
