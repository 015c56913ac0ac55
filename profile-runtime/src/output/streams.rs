//! The streams that reports are written to (stdout and stderr through the test harness's
//! capture, files), what the process remembers of them (files already truncated, streams that
//! failed), and `mprof run`'s `.dat` file, where the timeline's `FUNC` lines go ([`Mprof`]).
//!
//! It owns the process's writers; it calls nothing of the crate but `crate::alloc::untracked`
//! and the contract's variable names (`crate::spec`).

use std::cell::Cell;
use std::fs::File;
use std::io::Write as _;
use std::sync::{Mutex, OnceLock};

use crate::spec::{Stream, DAT_VAR, REPORTS_VAR};

/// What the writers of this process remember: the files written to (the first report to a
/// file truncates it, later ones append) and the streams already said to fail. Holding its
/// lock while writing keeps the reports of concurrent threads whole.
struct Streams {
    opened: Vec<&'static str>,
    failed: Vec<Stream>,
}

static STREAMS: Mutex<Streams> = Mutex::new(Streams {
    opened: Vec::new(),
    failed: Vec::new(),
});

/// Writes `text` to `stream`; a stream that fails is said once on stderr, then left alone.
pub(super) fn write(stream: Stream, text: &str) {
    let mut streams = STREAMS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if streams.failed.contains(&stream) {
        return;
    }
    let result = match stream {
        Stream::Stdout => print_captured(text, false),
        Stream::Stderr => print_captured(text, true),
        Stream::Held => Ok(()), // never written
        Stream::File(path) => {
            let opened = if streams.opened.contains(&path) {
                std::fs::OpenOptions::new().append(true).open(path)
            } else {
                streams.opened.push(path);
                File::create(path)
            };
            opened.and_then(|mut file| file.write_all(text.as_bytes()))
        }
    };
    if let Err(err) = result {
        streams.failed.push(stream);
        let target = match stream {
            Stream::File(path) => path,
            Stream::Stdout => "stdout",
            Stream::Stderr | Stream::Held => "stderr",
        };
        let _ = writeln!(
            std::io::stderr(),
            "memory_profiler: cannot write reports to {target}: {err}; no more reports are written there"
        );
    }
}

thread_local! {
    /// Set while this thread prints a report through `print!`, whose panic on a closed stream
    /// is caught and must not print a panic message (see [`quiet_panics`]).
    static PRINTING: Cell<bool> = const { Cell::new(false) };
}

/// Writes to stdout or stderr through `print!`/`eprint!`, so that the test harness captures
/// the reports of passing tests as it captures their other output. Those macros panic when the
/// stream is closed (`example | head`): that panic is caught, without a message (the panic hook
/// is wrapped once to stay quiet for it), and turned into the error the caller reports once.
/// While the thread unwinds, or where panics abort, the stream is written directly instead,
/// which reports errors without panicking.
fn print_captured(text: &str, stderr: bool) -> std::io::Result<()> {
    #[cfg(panic = "unwind")]
    if !std::thread::panicking() {
        quiet_panics();
        let _ = PRINTING.try_with(|p| p.set(true));
        let printed = std::panic::catch_unwind(|| {
            if stderr {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
        });
        let _ = PRINTING.try_with(|p| p.set(false));
        return printed.map_err(|payload| {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("printing failed");
            std::io::Error::other(message.to_owned())
        });
    }
    if stderr {
        std::io::stderr().lock().write_all(text.as_bytes())
    } else {
        std::io::stdout().lock().write_all(text.as_bytes())
    }
}

/// Wraps the panic hook (once) so that the panic of a `print!` of ours says nothing; every
/// other panic goes to the hook that was there.
#[cfg(panic = "unwind")]
fn quiet_panics() {
    static WRAPPED: std::sync::Once = std::sync::Once::new();
    WRAPPED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PRINTING.try_with(Cell::get).unwrap_or(false) {
                previous(info);
            }
        }));
    });
}

/// Whether a report to `stream` is written: under `mprof run`, reports to stdout and stderr
/// are not, unless asked ([`REPORTS_VAR`]), so that the program's output stays its own.
/// Reports to files always are.
pub(super) fn wanted(stream: Stream) -> bool {
    match stream {
        Stream::File(_) | Stream::Held => true,
        Stream::Stdout | Stream::Stderr => match mprof() {
            Some(sink) => sink.reports,
            None => true,
        },
    }
}

/// The `.dat` file of `mprof run`, from the environment.
pub(crate) struct Mprof {
    pub(super) path: String,
    /// Opened on the first write; `None` once writing failed (said once on stderr).
    file: Mutex<Option<Option<File>>>,
    /// Line reports are printed too ([`REPORTS_VAR`]).
    reports: bool,
    /// The sampling interval, in seconds, if `mprof run` gave it.
    pub(crate) interval: Option<f64>,
}

/// The program's `mprof run` settings, read once: `None` when it does not run under it.
pub(crate) fn mprof() -> Option<&'static Mprof> {
    static SINK: OnceLock<Option<Mprof>> = OnceLock::new();
    SINK.get_or_init(|| {
        crate::alloc::untracked(|| {
            let path = std::env::var(DAT_VAR)
                .ok()
                .filter(|path| !path.is_empty())?;
            Some(Mprof {
                path,
                file: Mutex::new(None),
                reports: std::env::var(REPORTS_VAR)
                    .is_ok_and(|v| !v.is_empty() && v != "0" && v != "false"),
                interval: std::env::var(crate::spec::INTERVAL_VAR)
                    .ok()
                    .and_then(|v| v.trim().parse().ok())
                    .filter(|v: &f64| v.is_finite() && *v > 0.0),
            })
        })
    })
    .as_ref()
}

impl Mprof {
    /// Appends `text` (whole `FUNC` lines) to the `.dat` file, by one `write` to the file
    /// opened for appending, so lines never tear against mprof's own samples. Returns false
    /// once writing failed (said once on stderr).
    pub(crate) fn append(&self, text: &str) -> bool {
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
        match opened {
            Some(f) => match f.write_all(text.as_bytes()) {
                Ok(()) => true,
                Err(err) => {
                    self.failed(&err);
                    *opened = None;
                    false
                }
            },
            None => false,
        }
    }

    fn failed(&self, err: &std::io::Error) {
        let _ = writeln!(
            std::io::stderr(),
            "memory_profiler: cannot write FUNC lines to {} (from {DAT_VAR}): {err}; the program goes on without them",
            self.path
        );
    }
}
