//! The guard behind `#[limit]`: measures a function's body and fails it, with the line report
//! of the body, when it exceeds a limit or grows past its baseline.
//!
//! Part of the testing API: it owns the function's `Limits` (which the expansion writes) and
//! the guard. It calls the measurement (`crate::measure`, `crate::heap`), the held report and
//! the captures of `crate::output`, the baseline's files (`crate::snapshots`), the allocator's
//! `untracked` and the byte counts.

use std::fmt::Write as _;
use std::panic::Location;

use crate::bytes::{group, size};
use crate::measure::{Measurement, ProcessLock};
use crate::output::{self, CaptureScope};
use crate::snapshots::Baseline;
use crate::spec::Threads;

/// The limits of a function, fixed at compile time.
#[doc(hidden)]
#[derive(Debug)]
pub struct Limits {
    pub function: &'static str,
    /// Bytes, and the size as written (`"24 MB"`).
    pub peak: Option<(i64, &'static str)>,
    pub leaks: Option<(i64, &'static str)>,
    pub allocations: Option<u64>,
    pub threads: Threads,
    /// Runs of the body before the measured one (`warmups = N`).
    pub warmups: u32,
    /// The figures of the body, and of the profiled functions it calls, are compared with a
    /// baseline file (`baseline`).
    pub baseline: Option<Baseline>,
}

/// Created first in a `limit`ed body, so dropped last: after the body's report was made.
#[doc(hidden)]
pub struct LimitGuard {
    limits: &'static Limits,
    measurement: Option<Measurement>,
    /// Where the limited function is: its attribute, which a failure points at.
    at: &'static Location<'static>,
    /// With a baseline: the reports of the profiled functions the body calls.
    capture: Option<CaptureScope>,
}

impl LimitGuard {
    /// Starts the measurement; the caller's location (the attribute's tokens) is where a
    /// failure points.
    #[track_caller]
    pub fn start(limits: &'static Limits) -> LimitGuard {
        crate::heap::require_allocator();
        let lock = match limits.threads {
            Threads::Current => None,
            Threads::All => Some(ProcessLock::acquire()),
        };
        let capture = limits.baseline.as_ref().map(|_| CaptureScope::open());
        LimitGuard {
            limits,
            measurement: Some(Measurement::start(lock)),
            at: Location::caller(),
            capture,
        }
    }
}

impl Drop for LimitGuard {
    fn drop(&mut self) {
        let Some(measurement) = self.measurement.take() else {
            return;
        };
        let called = self.capture.take().and_then(CaptureScope::close);
        if std::thread::panicking() {
            // The body failed on its own; its panic is the one to see.
            drop(measurement);
            crate::alloc::untracked(|| drop((output::take_held(), called)));
            return;
        }
        let usage = measurement.finish();
        let limits = self.limits;
        let message = crate::alloc::untracked(|| {
            let mut failures = Vec::new();
            if let Some((limit, text)) = limits.peak {
                if usage.peak > limit {
                    failures.push(format!(
                        "peak {} is above its limit of {}",
                        size(usage.peak),
                        limit_size(limit, text)
                    ));
                }
            }
            if let Some((limit, text)) = limits.leaks {
                if usage.net > limit {
                    let hint = if limits.warmups == 0 {
                        "\n    (memory that a runtime or a library allocates the first time it is \
                         used and keeps for the thread's or the runtime's life counts here: \
                         `warmups = 1` runs the body once before the measured run, so that it \
                         is already there)"
                    } else {
                        ""
                    };
                    failures.push(format!(
                        "leaks: {} left allocated is above its limit of {}{hint}",
                        size(usage.net),
                        limit_size(limit, text)
                    ));
                }
            }
            if let Some(limit) = limits.allocations {
                if usage.allocations > limit {
                    failures.push(format!(
                        "allocations: {} is above its limit of {}",
                        group(usage.allocations as i64),
                        group(limit as i64)
                    ));
                }
            }
            let report = output::take_held();
            let baseline = limits.baseline.as_ref().and_then(|baseline| {
                crate::snapshots::check(baseline, limits.function, report.as_ref(), called)
            });
            if failures.is_empty() {
                return baseline;
            }
            let mut message = format!(
                "memory_profiler: `{}` exceeded its memory limits:\n",
                limits.function
            );
            for failure in failures {
                let _ = writeln!(message, "  - {failure}");
            }
            let _ = writeln!(
                message,
                "  (measured: {usage}{})",
                match limits.threads {
                    Threads::Current => ", on this thread",
                    Threads::All => ", on all threads",
                }
            );
            if let Some(report) = report {
                let _ = write!(message, "\n{report}");
            }
            if let Some(baseline) = baseline {
                let _ = write!(message, "\n{baseline}");
            }
            Some(message)
        });
        if let Some(message) = message {
            fail(self.at, message);
        }
    }
}

/// What a `limit`ed function runs first when the profiler is switched off: it fails, saying its
/// limits cannot be checked (a limit test must not pass without measuring). The panic points at
/// the attribute.
#[doc(hidden)]
#[track_caller]
pub fn limit_switched_off(function: &str) {
    panic!(
        "memory_profiler: `{function}` has memory limits, but the profiler is switched off (the \
         `enabled` feature of memory-profiler, on by default, is not on), so they cannot be \
         checked: build the tests with it (`--features memory-profiler/enabled`), or give the \
         limited tests a `#[cfg(..)]` that leaves them out of builds without it"
    );
}

/// Fails the limited function: says so as the default panic hook would, but at the function's
/// own location (a panic raised here would point at this file, and a backtrace would show the
/// drop glue that runs it), then unwinds with the message as the payload (a `String`, which
/// `#[should_panic(expected = "..")]` reads) without calling the hook again: no backtrace, none
/// of whose frames would be the user's code's.
fn fail(at: &'static Location<'static>, message: String) -> ! {
    crate::alloc::untracked(|| {
        let thread = std::thread::current();
        let text = format!(
            "\nthread '{}' panicked at {at}:\n{message}\n",
            thread.name().unwrap_or("<unnamed>")
        );
        // Through `eprint!`, so that the test harness captures it with the test's output; it
        // panics only if stderr is gone, where there is nothing to say anything on.
        #[cfg(panic = "unwind")]
        let _ = std::panic::catch_unwind(|| eprint!("{text}"));
        #[cfg(not(panic = "unwind"))]
        let _ = std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes());
    });
    std::panic::resume_unwind(Box::new(message))
}

/// `64 KiB (65,536 B)`, or `0 B`.
fn limit_size(bytes: i64, text: &str) -> String {
    let plain = format!("{} B", group(bytes));
    if text == plain {
        plain
    } else {
        format!("{text} ({plain})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_sizes() {
        assert_eq!(limit_size(65_536, "64 KiB"), "64 KiB (65,536 B)");
        assert_eq!(limit_size(0, "0 B"), "0 B");
    }
}
