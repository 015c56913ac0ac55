//! Where reports leave the program: the only module that writes. A finished report goes to the
//! innermost open [`capture`] of its thread, to the `limit` guard that holds it, or to its
//! stream (stdout, stderr, a file) in its format (text or JSON), after its call or, for a
//! run-wide report, at exit with the run's summary; `mprof run`'s `FUNC` lines go to the
//! `.dat` file it names.
//!
//! It owns the per-thread capture scopes and held reports, what the process remembers of its
//! streams (files already truncated, streams that failed), and the run's settings read from
//! the environment ([`FORMAT_VAR`](crate::spec::FORMAT_VAR),
//! [`REPORT_VAR`](crate::spec::REPORT_VAR), the `mprof` variables). It calls the report
//! model and its renderings (`report`, `summary`, `json`); nothing here calls the recorder.

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::Write as _;
use std::sync::{Mutex, OnceLock};

use crate::report::{Report, Reports};
use crate::spec::{
    Format, Options, Stream, When, DAT_VAR, FORMAT_VAR, HTML_VAR, REPORTS_VAR, REPORT_VAR,
};
use crate::summary::Summary;

thread_local! {
    /// The last report of a `limit`ed function's body, until its limit guard takes it.
    static HELD: RefCell<Option<Report>> = const { RefCell::new(None) };
    /// Open `capture` scopes of this thread, innermost last. (How many: `captures` in the
    /// thread's allocator counters, which a profiled call reads with the others.)
    static CAPTURES: RefCell<Vec<Scope>> = const { RefCell::new(Vec::new()) };
}

/// Counts a `capture` scope of this thread opening (`+1`) or closing (`-1`).
fn count_capture(delta: i32) {
    if let Some(counters) = crate::alloc::thread_counters() {
        let open = counters.captures.get();
        counters.captures.set(open.wrapping_add_signed(delta));
    }
}

/// Takes the report a `limit`ed function's body left (with counting paused).
pub(crate) fn take_held() -> Option<Report> {
    HELD.try_with(|held| held.borrow_mut().take())
        .ok()
        .flatten()
}

/// An open `capture` scope: its reports so far, whether their Mem usage is relative, and the
/// id of its [`CaptureScope`] (0 for `capture`'s own).
struct Scope {
    reports: Reports,
    relative: bool,
    id: u64,
}

/// Runs `f` and hands back, instead of printing them, the reports of every `#[profile]`
/// function it called on this thread, each function's calls summed into one report.
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// #[memory_profiler::profile]
/// fn squares(n: u64) -> Vec<u64> {
///     let v: Vec<u64> = (0..n).map(|i| i * i).collect();
///     v
/// }
///
/// let (v, reports) = memory_profiler::capture(|| squares(1000));
/// let report = reports.function("squares").unwrap();
/// let row = report.line_containing("collect()").unwrap();
/// assert_eq!((row.increment, row.allocations, row.occurrences), (8000, 1, 1));
/// assert_eq!(v.len(), 1000);
/// ```
///
/// Captures nest: a report goes to the innermost open one. A panic in `f` propagates
/// unchanged (the reports of the scope are dropped). Functions reported run-wide
/// (`report = "exit"`) report their calls inside a capture to the capture, and the rest of
/// their calls at exit.
///
/// # Panics
/// If neither [`Allocator`](crate::Allocator) is the global allocator nor a stats_alloc backend
/// was set ([`use_stats_alloc`](crate::use_stats_alloc)): the figures would be the resident set
/// size, too coarse to test, so it says which lines to add instead.
#[track_caller]
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Reports) {
    capture_in(false, f)
}

/// [`capture`], with each call's Mem usage relative to the heap when the call began (the
/// attribute's row shows 0), as `#[limit]` reports are: the reports then depend only on what
/// the calls did, not on what the thread held before them, so their text can be kept as a
/// snapshot (`insta::assert_snapshot!`) that holds whatever ran before on the thread, under
/// parallel `cargo test` and under nextest alike.
///
/// ```
/// #[global_allocator]
/// static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
///
/// #[memory_profiler::profile(unit = "B")]
/// fn squares(n: u64) -> Vec<u64> {
///     let v: Vec<u64> = (0..n).map(|i| i * i).collect();
///     v
/// }
///
/// let held = vec![0u8; 12_345]; // whatever the thread holds before
/// let (_, reports) = memory_profiler::capture_relative(|| squares(1000));
/// let report = reports.function("squares").unwrap();
/// assert_eq!(report.rows()[0].mem_usage, 0);
/// assert_eq!(report.line_containing("collect()").unwrap().mem_usage, 8000);
/// # drop(held);
/// ```
///
/// # Panics
/// As [`capture`].
#[track_caller]
pub fn capture_relative<T>(f: impl FnOnce() -> T) -> (T, Reports) {
    capture_in(true, f)
}

#[track_caller]
fn capture_in<T>(relative: bool, f: impl FnOnce() -> T) -> (T, Reports) {
    if crate::heap::external().is_none() {
        crate::heap::require_allocator();
    }
    struct Open;
    impl Drop for Open {
        fn drop(&mut self) {
            crate::alloc::untracked(|| {
                count_capture(-1);
                CAPTURES.try_with(|c| c.borrow_mut().pop()).ok().flatten()
            });
        }
    }
    crate::alloc::untracked(|| {
        CAPTURES.with(|c| {
            c.borrow_mut().push(Scope {
                reports: Reports::default(),
                relative,
                id: 0,
            })
        });
        count_capture(1);
    });
    let open = Open;
    let value = f();
    std::mem::forget(open);
    let reports = crate::alloc::untracked(|| {
        count_capture(-1);
        CAPTURES.with(|c| c.borrow_mut().pop())
    })
    .map(|scope| scope.reports)
    .unwrap_or_default();
    (value, reports)
}

/// A capture opened by a guard rather than around a closure (a `limit` with a baseline
/// captures the reports of the profiled functions its body calls): [`CaptureScope::close`]
/// hands them back. It closes only on the thread that opened it, with the scopes opened inside
/// it closed (an `async` body moved to another thread gets nothing, rather than another
/// scope's reports).
pub(crate) struct CaptureScope {
    id: u64,
}

impl CaptureScope {
    /// Opens a scope on this thread (as the profiler's own work), its Mem usage relative.
    pub(crate) fn open() -> CaptureScope {
        use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Relaxed);
        crate::alloc::untracked(|| {
            let _ = CAPTURES.try_with(|c| {
                c.borrow_mut().push(Scope {
                    reports: Reports::default(),
                    relative: true,
                    id,
                })
            });
            count_capture(1);
        });
        CaptureScope { id }
    }

    /// Closes the scope: the reports it captured (as the profiler's own work).
    pub(crate) fn close(self) -> Option<Reports> {
        let id = self.id;
        std::mem::forget(self);
        crate::alloc::untracked(|| {
            CAPTURES
                .try_with(|c| {
                    let mut scopes = c.borrow_mut();
                    if scopes.last().is_some_and(|scope| scope.id == id) {
                        count_capture(-1);
                        scopes.pop().map(|scope| scope.reports)
                    } else {
                        None
                    }
                })
                .ok()
                .flatten()
        })
    }
}

impl Drop for CaptureScope {
    fn drop(&mut self) {
        let scope = CaptureScope { id: self.id };
        drop(scope.close());
    }
}

/// A setting read once from the environment: `parse` maps the trimmed, lowercased value; an
/// unknown value is said once on stderr (with the two values `expected` and the attribute's
/// option that then decides, `option`) and ignored.
fn setting<T: Copy>(
    cell: &'static OnceLock<Option<T>>,
    var: &str,
    (expected, option): ((&str, &str), &str),
    parse: impl FnOnce(&str) -> Option<T>,
) -> Option<T> {
    *cell.get_or_init(|| {
        let value = std::env::var(var).ok()?;
        let trimmed = value.trim().to_ascii_lowercase();
        if trimmed.is_empty() {
            return None;
        }
        let parsed = parse(&trimmed);
        if parsed.is_none() {
            let _ = writeln!(
                std::io::stderr(),
                "memory_profiler: {var}={value:?} is neither {:?} nor {:?}; reports use their attribute's {option}",
                expected.0,
                expected.1,
            );
        }
        parsed
    })
}

/// The format a report is written in: [`FORMAT_VAR`] if set, else the attribute's.
fn format(attribute: Format) -> Format {
    static OVERRIDE: OnceLock<Option<Format>> = OnceLock::new();
    let chosen = setting(
        &OVERRIDE,
        FORMAT_VAR,
        (("json", "text"), "format"),
        |v| match v {
            "json" => Some(Format::Json),
            "text" => Some(Format::Text),
            _ => None,
        },
    );
    chosen.unwrap_or(attribute)
}

/// When a report is written: [`REPORT_VAR`] if set, else the attribute's. Read once; after
/// that, a relaxed load.
#[inline(always)]
pub(crate) fn when(attribute: When) -> When {
    // 0: not read yet, 1: not set, 2: call, 3: exit.
    match crate::relaxed::load_u8(&WHEN) {
        1 => attribute,
        2 => When::Call,
        3 => When::Exit,
        _ => when_read(attribute),
    }
}

/// [`REPORT_VAR`], as [`when`] caches it.
static WHEN: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

#[cold]
fn when_read(attribute: When) -> When {
    use std::sync::atomic::Ordering::Relaxed;
    static OVERRIDE: OnceLock<Option<When>> = OnceLock::new();
    let chosen = crate::alloc::untracked(|| {
        setting(
            &OVERRIDE,
            REPORT_VAR,
            (("call", "exit"), "`report` option"),
            |v| match v {
                "call" => Some(When::Call),
                "exit" => Some(When::Exit),
                _ => None,
            },
        )
    });
    WHEN.store(
        match chosen {
            None => 1,
            Some(When::Call) => 2,
            Some(When::Exit) => 3,
        },
        Relaxed,
    );
    chosen.unwrap_or(attribute)
}

/// Hands a finished report to the `limit` guard holding it, or the innermost `capture`, or
/// writes it to its stream. Called as the profiler's own work (`untracked`).
pub(crate) fn emit(report: Report, options: &Options) {
    if matches!(options.stream, Stream::Held) {
        let _ = HELD.try_with(|held| *held.borrow_mut() = Some(report));
        return;
    }
    let report = match CAPTURES.try_with(|c| match c.try_borrow_mut() {
        Ok(mut scopes) => match scopes.last_mut() {
            Some(top) => {
                if top.relative {
                    top.reports.add(report.into_relative());
                } else {
                    top.reports.add(report);
                }
                None
            }
            None => Some(report),
        },
        Err(_) => Some(report),
    }) {
        Ok(None) => return,
        Ok(Some(report)) => report,
        Err(_) => return, // the thread is being torn down: nowhere to capture, skip quietly
    };
    if !wanted(options.stream) {
        return;
    }
    let text = match format(options.format) {
        Format::Text => report.to_string(),
        Format::Json => {
            let mut json = report.to_json();
            json.push('\n');
            json
        }
    };
    write(options.stream, &text);
}

/// The file of the run's HTML page ([`HTML_VAR`]), if asked for. Read once.
pub(crate) fn html_path() -> Option<&'static str> {
    static PATH: OnceLock<Option<String>> = OnceLock::new();
    PATH.get_or_init(|| {
        crate::alloc::untracked(|| {
            std::env::var(HTML_VAR)
                .ok()
                .filter(|path| !path.trim().is_empty())
        })
    })
    .as_deref()
}

/// Writes a run's reports at its end: each stream gets its functions' reports (in the order of
/// their files and lines) then the summary of those functions, in each report's format; and,
/// if asked, the run's HTML page gets every report (those of per-call functions too, whose
/// text was written after each call).
pub(crate) fn emit_run(reports: Vec<(Options, Report)>) {
    if let Some(path) = html_path() {
        write_page(path, &reports);
    }
    let mut groups: Vec<(Stream, Format, Reports)> = Vec::new();
    for (options, report) in reports {
        if matches!(when(options.report), When::Call) || !wanted(options.stream) {
            continue;
        }
        let format = format(options.format);
        match groups
            .iter_mut()
            .find(|(s, f, _)| *s == options.stream && *f == format)
        {
            Some((_, _, group)) => group.push(report),
            None => {
                let mut group = Reports::default();
                group.push(report);
                groups.push((options.stream, format, group));
            }
        }
    }
    for (stream, format, mut reports) in groups {
        reports.sort_by_place();
        let summary = Summary::of(&reports);
        let text = match format {
            Format::Text => format!("{reports}{summary}"),
            Format::Json => {
                let mut out = String::new();
                for report in &reports {
                    out.push_str(&report.to_json());
                    out.push('\n');
                }
                out.push_str(&summary.to_json());
                out.push('\n');
                out
            }
        };
        write(stream, &text);
    }
}

/// Writes the run's HTML page to `path`: every report, and the plot of the `.dat` file when
/// the program runs under `mprof run` (its samples up to now). A failure is said on stderr.
fn write_page(path: &str, reports: &[(Options, Report)]) {
    let mut all = Reports::default();
    for (_, report) in reports {
        all.push(report.clone());
    }
    let title = std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "the run".to_owned());
    let timeline = mprof().and_then(|sink| {
        let text = std::fs::read_to_string(&sink.path).ok()?;
        Some(crate::html::Timeline::parse_dat(&text))
    });
    let page = crate::html::page(&all, &title, timeline.as_ref());
    if let Err(err) = File::create(path).and_then(|mut file| file.write_all(page.as_bytes())) {
        let _ = writeln!(
            std::io::stderr(),
            "memory_profiler: cannot write the run's page to {path} (from {HTML_VAR}): {err}"
        );
    }
}

/// Says `text` on stderr past the test harness's capture (a direct write, not `eprint!`), so
/// that it shows in `cargo test`'s output even when the test passes: what a test wrote into
/// the repository (an allocation baseline) must not go unseen.
pub(crate) fn notice(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Writes `text` to the file at `path` whole: into a file of its own beside it, then renamed
/// over it, so that a reader (another test process) never sees it half written. Creates its
/// folder if needed.
pub(crate) fn write_file(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    static N: AtomicU64 = AtomicU64::new(0);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        N.fetch_add(1, Relaxed)
    ));
    let written = std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

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
fn write(stream: Stream, text: &str) {
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
fn wanted(stream: Stream) -> bool {
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
    path: String,
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
