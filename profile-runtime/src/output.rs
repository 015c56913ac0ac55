//! Where reports leave the program: the only module that writes. A finished report goes to the
//! innermost open [`capture`] of its thread, to the `limit` guard that holds it, or to its
//! stream (stdout, stderr, a file) in its format (text or JSON), after its call or, for a
//! run-wide report, at exit with the run's summary; `mprof run`'s `FUNC` lines go to the
//! `.dat` file it names.
//!
//! Here: the decisions (which stream and format a report gets, given the run's settings read
//! from the environment: [`FORMAT_VAR`](crate::spec::FORMAT_VAR),
//! [`REPORT_VAR`](crate::spec::REPORT_VAR), [`HTML_VAR`](crate::spec::HTML_VAR)), a run's
//! reports and page at exit, and the files of the baselines. The reports kept instead of
//! written (captures, held reports) are in `capture`; the streams, what the process remembers
//! of them, and `mprof run`'s `.dat` file in `streams`. It calls the report model and its
//! renderings (`report`, `summary`, `json`, `html`); nothing here calls the recorder.

mod capture;
mod streams;

use std::fs::File;
use std::io::Write as _;
use std::sync::OnceLock;

pub use self::capture::{capture, capture_relative};
pub(crate) use self::capture::{take_held, CaptureScope};
pub(crate) use self::streams::{mprof, Mprof};
use self::streams::{wanted, write};
use crate::report::{Report, Reports};
use crate::spec::{Format, Options, Stream, When, FORMAT_VAR, HTML_VAR, REPORT_VAR};
use crate::summary::Summary;

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
    let Some(report) = capture::take(report, options) else {
        return;
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
