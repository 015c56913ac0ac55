//! A run's reports as one self-contained HTML page (`MEMORY_PROFILER_HTML=page.html`, and
//! `mprof html` from JSON reports): the run's summary, each function's source lines with their
//! figures and bars, one table of every line (sortable, filtered by a search box), and the
//! memory-over-time plot with the functions' brackets when the run has an mprof timeline.
//!
//! The page asks for nothing over the network: its style, script and plot (SVG) are inline,
//! the text uses the reader's system fonts. Everything it shows is in the HTML; the script only
//! sorts and filters the table of every line.
//!
//! Part of the report model: it renders [`Reports`] (and a [`Timeline`]) into a `String`; it
//! writes nowhere (`crate::output` writes the page at exit). It reads the report model, the
//! summary, the names, the JSON names of the heaps (`crate::json`), and reads `FUNC` lines with
//! the contract's reader (`crate::spec`).
//!
//! Here: the page's model ([`Timeline`], the reports read back from JSON for `mprof html`),
//! its assembly ([`page`]) and the helpers its parts share; the sections in `sections`, the
//! plot in `plot`, the source highlighter in `highlight`, the style and script in `assets`.

use std::fmt::Write as _;

use crate::heap::Measured;
use crate::report::{Report, Reports, Row};
use crate::spec::read_func_line;
use crate::summary::Summary;

mod assets;
mod highlight;
mod plot;
mod sections;
#[cfg(test)]
mod tests;

use self::assets::{CSS, SCRIPT};
use self::plot::timeline_section;
use self::sections::{functions_section, header, lines_section, summary_section};

/// A program's memory over time, as `mprof run` records it in its `.dat` file: samples of
/// the resident memory, and the calls of profiled functions (`FUNC` lines).
#[doc(hidden)]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    /// The command line (`CMDLINE`).
    pub cmdline: Option<String>,
    /// `(unix time, MiB)`, in file order.
    pub samples: Vec<(f64, f64)>,
    /// The `FUNC` lines, in file order.
    pub calls: Vec<TimelineCall>,
}

/// One call on a [`Timeline`] (a `FUNC` line).
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineCall {
    /// `module.function`, as the `FUNC` line names it.
    pub name: String,
    /// Unix time of its entry.
    pub start: f64,
    /// Unix time of its exit.
    pub end: f64,
    /// Resident memory in MiB at its entry.
    pub mem_start: f64,
    /// Resident memory in MiB at its exit.
    pub mem_end: f64,
    /// Its nesting level (0 for the outermost), if the line says.
    pub level: Option<u32>,
}

impl Timeline {
    /// Reads the `CMDLINE`, `MEM` and `FUNC` lines of an mprof `.dat` file's text; other and
    /// malformed lines are skipped.
    pub fn parse_dat(text: &str) -> Timeline {
        let mut timeline = Timeline::default();
        let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        for line in text.lines() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
            match kind {
                "CMDLINE" => timeline.cmdline = Some(rest.to_owned()),
                "MEM" => {
                    let mut parts = rest.split(' ');
                    if let (Some(mib), Some(time)) =
                        (parts.next().and_then(number), parts.next().and_then(number))
                    {
                        timeline.samples.push((time, mib));
                    }
                }
                "FUNC" => {
                    if let Some((name, (mem_start, start), (mem_end, end), level)) =
                        read_func_line(line)
                    {
                        timeline.calls.push(TimelineCall {
                            name: name.to_owned(),
                            start,
                            end,
                            mem_start,
                            mem_end,
                            level,
                        });
                    }
                }
                _ => {}
            }
        }
        timeline
    }
}

impl Reports {
    /// The reports as one self-contained HTML page, titled `title`: the summary (functions
    /// ranked, the lines that allocated most), each function's source lines with their
    /// figures and a bar for each line's increment, peak and allocations, and one table of
    /// every line that ran, sortable and searchable. `MEMORY_PROFILER_HTML=page.html` writes
    /// the page of a whole run at its end; this gives the page of captured reports.
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// #[memory_profiler::profile]
    /// fn squares(n: u64) -> Vec<u64> {
    ///     (0..n).map(|i| i * i).collect()
    /// }
    /// let (_, reports) = memory_profiler::capture(|| squares(1000));
    /// let page = reports.to_html("squares");
    /// assert!(page.starts_with("<!DOCTYPE html>"));
    /// // The `collect()` line, with its 8,000 bytes (7.81 KiB), in the function's table.
    /// assert!(page.contains(r#"<td title="8,000 B">7.81 KiB"#));
    /// assert!(!page.contains("http://") && !page.contains("https://"));
    /// ```
    pub fn to_html(&self, title: &str) -> String {
        page(self, title, None)
    }
}

/// A report's row read back from its JSON (see `crate::json` for the fields).
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn row(
    line: u32,
    text: &'static str,
    mem_usage: i64,
    increment: i64,
    peak: i64,
    allocations: u64,
    reallocations: u64,
    bytes_allocated: u64,
    occurrences: u64,
) -> Row {
    Row {
        line,
        text,
        mem_usage,
        increment,
        peak,
        allocations,
        reallocations,
        bytes_allocated,
        occurrences,
    }
}

/// A report read back from its JSON: `names` are its `function`, `module_path` and `file`,
/// `flags` its `panicked`, `cancelled` and `run_wide`; `measured` is its `measured` field.
#[doc(hidden)]
pub fn report(
    names: (&'static str, &'static str, &'static str),
    rows: Vec<Row>,
    peak: i64,
    measured: &str,
    flags: (bool, bool, bool),
) -> Result<Report, String> {
    let measured = [
        Measured::ThreadHeap,
        Measured::ProcessHeap,
        Measured::StatsAlloc,
        Measured::ResidentSetSize,
    ]
    .into_iter()
    .find(|m| crate::json::measured_name(*m) == measured)
    .ok_or_else(|| format!("unknown \"measured\": {measured:?}"))?;
    if rows.is_empty() {
        return Err(format!("the report of `{}` has no rows", names.0));
    }
    Ok(Report::from_parts(names, rows, peak, measured, flags))
}

/// The reports of several functions, the reports of the same function summed (a stream of
/// per-call reports gives one per function).
#[doc(hidden)]
pub fn reports(list: Vec<Report>) -> Reports {
    let mut reports = Reports::default();
    for report in list {
        reports.add(report);
    }
    reports
}

/// The page of `reports` (in any order: the page lists them by file and line), titled
/// `title`, with the plot of `timeline` if given.
#[doc(hidden)]
pub fn page(reports: &Reports, title: &str, timeline: Option<&Timeline>) -> String {
    let mut sorted: Vec<&Report> = reports.iter().collect();
    sorted.sort_by(|a, b| (a.file(), a.rows_first_line()).cmp(&(b.file(), b.rows_first_line())));
    let summary = Summary::of(reports);
    let scale = Scale::of(&sorted);
    let mut out = String::with_capacity(
        16 * 1024 + sorted.iter().map(|r| 700 * r.rows().len()).sum::<usize>(),
    );
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta name=\"generator\" content=\"memory-profiler {}\">",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("<title>");
    escape(&mut out, title);
    out.push_str(" · memory profile</title>\n<style>");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n");
    header(&mut out, title, &sorted, &summary, timeline.is_some());
    out.push_str("<main>\n");
    summary_section(&mut out, &sorted, &summary);
    if let Some(timeline) = timeline {
        timeline_section(&mut out, timeline, &sorted);
    }
    functions_section(&mut out, &sorted, &scale);
    lines_section(&mut out, &sorted);
    out.push_str("</main>\n<footer>");
    let _ = write!(
        out,
        "Written by memory-profiler {}. Figures are bytes of heap (sizes shown in KiB = 1,024 B and MiB = 1,048,576 B; hover a figure for its exact bytes); a line's figures sum its occurrences over every call of its function.",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("</footer>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// The largest figures of the run, which the bars are scaled to.
struct Scale {
    increment: i64,
    peak: i64,
    allocations: u64,
}

impl Scale {
    fn of(reports: &[&Report]) -> Scale {
        let rows = || reports.iter().flat_map(|r| r.rows().iter().skip(1));
        Scale {
            increment: rows()
                .map(|r| r.increment.saturating_abs())
                .max()
                .unwrap_or(0),
            peak: rows().map(|r| r.peak).max().unwrap_or(0),
            allocations: rows().map(|r| r.allocations).max().unwrap_or(0),
        }
    }
}

/// The ids of a function's section and of its lines: `f<n>`, `f<n>-<line>`, where `n` is the
/// function's place on the page (names may hold any character; ids never do).
fn function_id(index: usize) -> String {
    format!("f{}", index + 1)
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A figure in bytes, short: `812 B`, `7.81 KiB`, `91.6 MiB`, `781 KiB`; a negative figure
/// with a minus sign (U+2212).
pub(crate) fn human(bytes: i64) -> String {
    let sign = if bytes < 0 { "\u{2212}" } else { "" };
    let abs = bytes.unsigned_abs();
    if abs < 1024 {
        return format!("{sign}{abs} B");
    }
    let mut value = abs as f64;
    let mut unit = "B";
    for next in ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    // Three significant digits, without rounding up into the next unit's range.
    let decimals = if value < 9.995 {
        2
    } else if value < 99.95 {
        1
    } else {
        0
    };
    format!("{sign}{value:.decimals$} {unit}")
}

/// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped: safe in text and in quoted
/// attributes.
pub(crate) fn escape(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}
