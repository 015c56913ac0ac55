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
//! writes nowhere (`crate::output` writes the page at exit).

use std::fmt::Write as _;

use crate::bytes::group;
use crate::heap::Measured;
use crate::report::{Report, Reports, Row};
use crate::spec::read_func_line;
use crate::summary::Summary;

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

fn header(out: &mut String, title: &str, reports: &[&Report], summary: &Summary, timeline: bool) {
    let allocated: u64 = reports.iter().map(|r| r.bytes_allocated()).sum();
    let allocations: u64 = reports.iter().map(|r| r.allocations()).sum();
    let reallocations: u64 = reports.iter().map(|r| r.reallocations()).sum();
    out.push_str("<header class=\"top\">\n<h1><span class=\"brand\">memory-profiler</span>");
    escape(out, title);
    out.push_str("</h1>\n<p class=\"facts\">");
    let n = reports.len();
    let _ = write!(
        out,
        "{} profiled function{} · <b>{}</b> allocated in {} allocation{} and {} reallocation{}",
        group(n as i64),
        plural(n as u64),
        human(allocated as i64),
        group(allocations as i64),
        plural(allocations),
        group(reallocations as i64),
        plural(reallocations),
    );
    if let Some(top) = summary.functions().iter().max_by_key(|f| f.peak) {
        if top.peak > 0 {
            let _ = write!(out, " · highest peak <b>{}</b> in <code>", human(top.peak));
            escape(out, top.function);
            out.push_str("</code>");
        }
    }
    out.push_str("</p>\n");
    if let Some(note) = measured_note(reports) {
        out.push_str("<p class=\"note\">");
        out.push_str(note);
        out.push_str("</p>\n");
    }
    out.push_str("<nav><a href=\"#summary\">Summary</a>");
    if timeline {
        out.push_str("<a href=\"#timeline\">Memory over time</a>");
    }
    out.push_str(
        "<a href=\"#functions\">Functions</a><a href=\"#lines\">All lines</a></nav>\n</header>\n",
    );
}

/// What the page says about figures that are not exact heap bytes.
fn measured_note(reports: &[&Report]) -> Option<&'static str> {
    let any = |m: Measured| reports.iter().any(|r| r.measured() == m);
    if any(Measured::ResidentSetSize) {
        Some("No counting allocator was installed for some functions: their figures are the resident set size, not heap bytes. Add <code>#[global_allocator] static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();</code> for exact figures.")
    } else if any(Measured::StatsAlloc) {
        Some("Some figures are stats_alloc's process-wide counters (Peak is not tracked by stats_alloc).")
    } else if any(Measured::ProcessHeap) {
        Some("Functions profiled with <code>threads = \"all\"</code> count the heap of every thread while they ran.")
    } else {
        None
    }
}

fn summary_section(out: &mut String, reports: &[&Report], summary: &Summary) {
    let id_of = |function: &str, file: &str, line: u32| {
        reports
            .iter()
            .position(|r| {
                r.function() == function && r.file() == file && r.rows_first_line() == line
            })
            .map(function_id)
    };
    out.push_str("<section id=\"summary\">\n<h2>Functions, by bytes allocated</h2>\n");
    if reports.is_empty() {
        out.push_str("<p>No profiled function was called.</p>\n</section>\n");
        return;
    }
    let most = summary
        .functions()
        .iter()
        .map(|f| f.bytes_allocated)
        .max()
        .unwrap_or(0);
    out.push_str("<div class=\"scroll\"><table class=\"summary\" id=\"functions-table\">\n<thead><tr><th>#<th class=\"t\">Function<th>Calls<th>Allocated<th class=\"bars\"><th>Peak<th>Allocs<th>Reallocs<th class=\"t\">Defined at</thead>\n<tbody>\n");
    for (rank, f) in summary.functions().iter().enumerate() {
        let _ = write!(out, "<tr><td>{}<td class=\"t\">", rank + 1);
        link(
            out,
            id_of(f.function, f.file, f.line).as_deref(),
            f.function,
            "fn",
        );
        let _ = write!(out, "<td>{}", group(f.calls as i64));
        figure_cell(out, f.bytes_allocated as i64, false);
        bars(out, &[("a", f.bytes_allocated, most)], false);
        figure_cell(out, f.peak, false);
        let _ = write!(
            out,
            "<td>{}<td>{}<td class=\"t\"><code>",
            group(f.allocations as i64),
            group(f.reallocations as i64)
        );
        escape(out, f.file);
        let _ = writeln!(out, ":{}</code>", f.line);
    }
    out.push_str("</tbody></table></div>\n");
    if summary.lines().is_empty() {
        out.push_str("<h2>Lines that allocated most</h2>\n<p>No line allocated.</p>\n");
    } else {
        let _ = writeln!(
            out,
            "<h2>Lines that allocated most <small>{} of {}</small></h2>",
            summary.lines().len(),
            summary.lines_that_allocated()
        );
        out.push_str("<div class=\"scroll\"><table class=\"top-lines\">\n<thead><tr><th>Allocated<th>Increment<th>Peak<th>Occurrences<th>Allocs<th class=\"t\">Function<th>Line<th class=\"t\">Line contents</thead>\n<tbody>\n");
        for l in summary.lines() {
            out.push_str("<tr>");
            figure_cell(out, l.bytes_allocated as i64, false);
            figure_cell(out, l.increment, false);
            figure_cell(out, l.peak, false);
            let _ = write!(
                out,
                "<td>{}<td>{}<td class=\"t\">",
                group(l.occurrences as i64),
                group(l.allocations as i64)
            );
            // The line's function: the report of the same file whose rows hold the line.
            let id = reports
                .iter()
                .position(|r| {
                    r.function() == l.function && r.file() == l.file && r.line(l.line).is_some()
                })
                .map(function_id);
            link(out, id.as_deref(), l.function, "fn");
            out.push_str("<td>");
            match &id {
                Some(id) => {
                    let _ = write!(out, "<a href=\"#{id}-{0}\">{0}</a>", l.line);
                }
                None => {
                    let _ = write!(out, "{}", l.line);
                }
            }
            out.push_str("<td class=\"t\"><code>");
            escape(out, l.text.trim());
            out.push_str("</code>\n");
        }
        out.push_str("</tbody></table></div>\n");
    }
    out.push_str("</section>\n");
}

/// A link to `#id` (plain text when there is no id) with the class `class`.
fn link(out: &mut String, id: Option<&str>, text: &str, class: &str) {
    match id {
        Some(id) => {
            let _ = write!(out, "<a class=\"{class}\" href=\"#{id}\">");
            escape(out, text);
            out.push_str("</a>");
        }
        None => escape(out, text),
    }
}

/// A cell with a figure in bytes, its exact bytes in its title; or, `sortable`, in its
/// `data-v` (the table of every line's, which the script sorts by them).
fn figure_cell(out: &mut String, bytes: i64, sortable: bool) {
    out.push_str("<td");
    if sortable {
        let _ = write!(out, " data-v={bytes}");
    }
    if bytes < 0 {
        out.push_str(" class=neg");
    }
    if !sortable && bytes.unsigned_abs() >= 1024 {
        let _ = write!(out, " title=\"{} B\"", group(bytes));
    }
    out.push('>');
    out.push_str(&human(bytes));
}

/// A cell of bars, drawn by the style from the cell's variables: each of `bars`, `(variable,
/// value, most)`, is `value` over `most` of the cell's width (the increment's `i` in the colour
/// of what was freed if `freed`), in its own place in the cell.
fn bars(out: &mut String, bars: &[(&str, u64, u64)], freed: bool) {
    out.push_str(if freed {
        "<td class=\"bars fr\""
    } else {
        "<td class=bars"
    });
    let mut first = true;
    for &(name, value, most) in bars {
        if value == 0 || most == 0 {
            continue;
        }
        // A fraction of the cell's width; at least a pixel or so for a figure above 0.
        let fraction = (value as f64 / most as f64).clamp(0.005, 1.0);
        out.push_str(if first { " style=" } else { ";" });
        first = false;
        let _ = write!(out, "--{name}:{fraction:.3}");
    }
    out.push('>');
}

fn functions_section(out: &mut String, reports: &[&Report], scale: &Scale) {
    out.push_str("<section id=\"functions\">\n<h2>Functions</h2>\n");
    out.push_str("<p class=\"key\">Bars beside each line, scaled to the largest of the run: <span class=\"k i\"></span>increment (heap the line kept) <span class=\"k f\"></span>freed (a negative increment: what a <code>}</code> row's block gave back) <span class=\"k p\"></span>peak above the line's start <span class=\"k a\"></span>allocations. Greyed lines never ran.</p>\n");
    for (index, report) in reports.iter().enumerate() {
        function(out, index, report, scale);
    }
    out.push_str("</section>\n");
}

fn function(out: &mut String, index: usize, report: &Report, scale: &Scale) {
    let id = function_id(index);
    let _ = write!(
        out,
        "<article class=\"function\" id=\"{id}\">\n<h3><a href=\"#{id}\">"
    );
    escape(out, report.function());
    out.push_str("</a>");
    if report.panicked() {
        out.push_str(" <span class=\"badge\">a call panicked</span>");
    }
    if report.cancelled() {
        out.push_str(" <span class=\"badge\">a call was cancelled</span>");
    }
    out.push_str("</h3>\n<p class=\"where\"><code>");
    escape(out, report.file());
    let _ = write!(out, ":{}</code> · module <code>", report.rows_first_line());
    escape(out, report.module_path());
    let calls = report.calls();
    let _ = writeln!(
        out,
        "</code> · {} call{} · allocated <b>{}</b> in {} allocation{} · peak <b>{}</b></p>",
        group(calls as i64),
        plural(calls),
        human(report.bytes_allocated() as i64),
        group(report.allocations() as i64),
        plural(report.allocations()),
        human(report.peak()),
    );
    out.push_str("<div class=\"scroll\"><table class=\"source\">\n<thead><tr><th>Line<th>Mem usage<th>Increment<th>Peak<th>Occurrences<th>Allocs<th>Reallocs<th class=\"bars\">Inc · Peak · Allocs<th class=\"t\">Line contents</thead>\n<tbody>\n");
    let mut carry = Carry::Code;
    for (i, row) in report.rows().iter().enumerate() {
        let closing = row.text.trim_start().starts_with('}');
        let class = match (i, row.ran()) {
            (0, _) => "entry",
            (_, false) => "idle",
            _ if closing => "close",
            _ => "ran",
        };
        let _ = write!(
            out,
            "<tr id={id}-{line} class={class}><td>{line}",
            line = row.line
        );
        if !row.ran() {
            out.push_str("<td><td><td><td><td><td><td class=bars>");
        } else if i == 0 {
            // The attribute's row: the heap at the calls' entry (as in the text report).
            figure_cell(out, row.mem_usage, false);
            figure_cell(out, row.increment, false);
            let _ = write!(
                out,
                "<td><td>{}<td><td><td class=bars>",
                group(row.occurrences as i64)
            );
        } else {
            figure_cell(out, row.mem_usage, false);
            figure_cell(out, row.increment, false);
            figure_cell(out, row.peak, false);
            let _ = write!(
                out,
                "<td>{}<td>{}<td>{}",
                group(row.occurrences as i64),
                group(row.allocations as i64),
                group(row.reallocations as i64)
            );
            bars(
                out,
                &[
                    ("i", row.increment.unsigned_abs(), scale.increment as u64),
                    ("p", row.peak.max(0) as u64, scale.peak as u64),
                    ("a", row.allocations, scale.allocations),
                ],
                row.increment < 0,
            );
        }
        out.push_str("<td><code>");
        highlight(out, row.text, &mut carry);
        out.push_str("</code>");
        if closing && row.ran() && row.increment < 0 {
            let _ = write!(
                out,
                "<span class=\"freed\">freed {}</span>",
                human(-row.increment)
            );
        }
        out.push('\n');
    }
    out.push_str("</tbody></table></div>\n");
    if let Some(note) = match report.measured() {
        Measured::ResidentSetSize => {
            Some("Figures are the resident set size (no counting allocator).")
        }
        Measured::StatsAlloc => Some("Figures are stats_alloc's process-wide counters."),
        Measured::ProcessHeap => {
            Some("Figures are the heap of every thread (<code>threads = \"all\"</code>).")
        }
        Measured::ThreadHeap => None,
    } {
        let _ = writeln!(out, "<p class=\"note\">{note}</p>");
    }
    out.push_str("</article>\n");
}

fn lines_section(out: &mut String, reports: &[&Report]) {
    let mut rows: Vec<(usize, &Report, &Row)> = reports
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            r.rows()
                .iter()
                .skip(1)
                .filter(|row| row.ran())
                .map(move |row| (i, *r, row))
        })
        .collect();
    // As the summary ranks lines: most allocated first, then by place.
    rows.sort_by(|a, b| {
        (b.2.bytes_allocated, b.2.increment, b.2.peak).cmp(&(
            a.2.bytes_allocated,
            a.2.increment,
            a.2.peak,
        ))
    });
    let n = rows.len();
    let _ = writeln!(
        out,
        "<section id=\"lines\">\n<h2>All lines <small>{n} line{} that ran</small></h2>",
        plural(n as u64)
    );
    let _ = writeln!(
        out,
        "<p class=\"search js\"><input id=\"q\" type=\"search\" placeholder=\"Filter by function or source text\" aria-label=\"Filter the lines by function or source text\" autocomplete=\"off\"> <span id=\"shown\">{n}</span> of {n} lines · click a column's heading to sort by it</p>"
    );
    out.push_str("<div class=\"scroll\"><table class=\"all\" id=\"all\">\n<thead><tr><th class=\"t\">Function<th data-num>Line<th data-num aria-sort=\"descending\">Allocated<th data-num>Increment<th data-num>Peak<th data-num>Allocs<th data-num>Reallocs<th data-num>Occurrences<th class=\"t\">Line contents</thead>\n<tbody>\n");
    for (index, report, row) in rows {
        let id = function_id(index);
        out.push_str("<tr><td><a href=#");
        out.push_str(&id);
        out.push('>');
        escape(out, report.function());
        out.push_str("</a>");
        let _ = write!(
            out,
            "<td data-v={line}><a href=#{id}-{line}>{line}</a>",
            line = row.line
        );
        figure_cell(out, row.bytes_allocated as i64, true);
        figure_cell(out, row.increment, true);
        figure_cell(out, row.peak, true);
        let _ = write!(
            out,
            "<td data-v={0}>{1}<td data-v={2}>{3}<td data-v={4}>{5}<td>",
            row.allocations,
            group(row.allocations as i64),
            row.reallocations,
            group(row.reallocations as i64),
            row.occurrences,
            group(row.occurrences as i64),
        );
        escape(out, row.text.trim());
        out.push('\n');
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}

/// The memory plot: the samples as a line over time, each call of a profiled function as a
/// band across it and a bar in the lane of its nesting level above it, linking to the
/// function's section.
fn timeline_section(out: &mut String, timeline: &Timeline, reports: &[&Report]) {
    out.push_str("<section id=\"timeline\">\n<h2>Memory over time</h2>\n");
    let times = timeline
        .samples
        .iter()
        .map(|s| s.0)
        .chain(timeline.calls.iter().flat_map(|c| [c.start, c.end]));
    let (Some(t0), Some(t1)) = (times.clone().reduce(f64::min), times.reduce(f64::max)) else {
        out.push_str("<p>The profile has no samples.</p>\n</section>\n");
        return;
    };
    if let Some(cmdline) = &timeline.cmdline {
        out.push_str("<p class=\"where\">Resident memory of <code>");
        escape(out, cmdline);
        out.push_str("</code>, sampled by <code>mprof run</code>.</p>\n");
    } else {
        out.push_str(
            "<p class=\"where\">Resident memory, sampled by <code>mprof run</code>.</p>\n",
        );
    }
    let span = (t1 - t0).max(1e-3);
    let top_mib = timeline
        .samples
        .iter()
        .map(|s| s.1)
        .chain(timeline.calls.iter().flat_map(|c| [c.mem_start, c.mem_end]))
        .fold(0.0f64, f64::max);
    let y_step = nice_step(top_mib.max(1e-3) / 5.0);
    let y_top = (top_mib / y_step).ceil().max(1.0) * y_step;
    let lanes = timeline
        .calls
        .iter()
        .map(|c| c.level.unwrap_or(0).min(5) + 1)
        .max()
        .unwrap_or(0);
    // The drawing, in the SVG's own units.
    let (w, left, right) = (1000.0, 64.0, 16.0);
    let lane_h = 16.0;
    let plot_top = 10.0 + lanes as f64 * lane_h + if lanes > 0 { 6.0 } else { 0.0 };
    let plot_h = 260.0;
    let h = plot_top + plot_h + 34.0;
    let x = |t: f64| left + (t - t0) / span * (w - left - right);
    let y = |mib: f64| plot_top + plot_h - mib / y_top * plot_h;
    let _ = writeln!(
        out,
        "<figure class=\"plot\"><svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Resident memory over time, with the calls of profiled functions\">"
    );
    // Grid and axes.
    out.push_str("<g class=\"grid\">");
    let mut v = 0.0;
    while v <= y_top + y_step / 2.0 {
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{} MiB</text>",
            w - right,
            left - 6.0,
            y(v) + 4.0,
            trim_number(v, y_step),
            yy = y(v)
        );
        v += y_step;
    }
    let x_step = nice_step(span / 8.0);
    let mut t = 0.0;
    while t <= span + x_step / 1000.0 {
        let _ = write!(
            out,
            "<line x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{plot_top:.1}\" y2=\"{:.1}\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} s</text>",
            plot_top + plot_h,
            plot_top + plot_h + 16.0,
            trim_number(t, x_step),
            xx = x(t0 + t)
        );
        t += x_step;
    }
    out.push_str("</g>\n");
    // The functions' calls: colour by function, link to its section.
    let functions = functions_of(timeline, reports);
    let mut calls: Vec<&TimelineCall> = timeline.calls.iter().collect();
    calls.sort_by(|a, b| a.start.total_cmp(&b.start));
    const MOST_CALLS: usize = 2000;
    out.push_str("<g class=\"calls\">");
    for call in calls.iter().take(MOST_CALLS) {
        let Some(f) = functions.iter().position(|f| f.name == call.name) else {
            continue;
        };
        let f = &functions[f];
        let (xa, xb) = (x(call.start), x(call.end.max(call.start)));
        let width = (xb - xa).max(1.5);
        let lane = call.level.unwrap_or(0).min(5) as f64;
        match &f.id {
            Some(id) => {
                let _ = write!(out, "<a href=\"#{id}\">");
            }
            None => out.push_str("<a>"),
        }
        out.push_str("<title>");
        escape(out, &call.name);
        let _ = write!(
            out,
            ": {:.3} s, {:.1} MiB at entry, {:.1} MiB at exit</title>",
            call.end - call.start,
            call.mem_start,
            call.mem_end
        );
        let _ = write!(
            out,
            "<rect class=\"band\" x=\"{xa:.1}\" y=\"{plot_top:.1}\" width=\"{width:.1}\" height=\"{plot_h:.1}\" fill=\"{c}\"/><rect class=\"lane\" x=\"{xa:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\" rx=\"2\" fill=\"{c}\"/>",
            10.0 + lane * lane_h,
            lane_h - 2.0,
            c = f.color
        );
        // The function's name in its lane, when the bar is wide enough for it.
        let label = short_name(&call.name);
        if width > 6.5 * label.chars().count() as f64 + 10.0 {
            let _ = write!(
                out,
                "<text class=\"lane-label\" x=\"{:.1}\" y=\"{:.1}\">",
                xa + 4.0,
                10.0 + lane * lane_h + lane_h - 6.0
            );
            escape(out, label);
            out.push_str("</text>");
        }
        out.push_str("</a>");
    }
    out.push_str("</g>\n");
    // The memory line, with the area under it.
    let points = thin(&timeline.samples, 1500);
    if !points.is_empty() {
        let mut line = String::with_capacity(points.len() * 14);
        for (t, mib) in &points {
            let _ = write!(line, "{:.1},{:.1} ", x(*t), y(*mib));
        }
        let line = line.trim_end();
        let _ = write!(
            out,
            "<polygon class=\"area\" points=\"{:.1},{:.1} {line} {:.1},{:.1}\"/><polyline class=\"mem\" points=\"{line}\"/>",
            x(points[0].0),
            y(0.0),
            x(points[points.len() - 1].0),
            y(0.0),
        );
        if let Some(&(t, mib)) = points.iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
            let _ = write!(
                out,
                "<circle class=\"peak\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\"><title>peak {mib:.1} MiB at {:.2} s</title></circle>",
                x(t),
                y(mib),
                t - t0
            );
        }
    }
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/></svg>",
        w - right,
        yy = plot_top + plot_h
    );
    // The legend: each function's colour, calls and time, linking to it.
    if !functions.is_empty() {
        out.push_str("<figcaption><ul class=\"legend\">");
        for f in &functions {
            let _ = write!(
                out,
                "<li><span class=\"swatch\" style=\"background:{}\"></span>",
                f.color
            );
            link(out, f.id.as_deref(), &f.name, "fn");
            let _ = write!(
                out,
                " <small>{} call{}, {:.3} s</small></li>",
                group(f.calls as i64),
                plural(f.calls),
                f.seconds
            );
        }
        out.push_str("</ul>");
        if calls.len() > MOST_CALLS {
            let _ = write!(
                out,
                "<p class=\"note\">The first {MOST_CALLS} of {} calls are drawn.</p>",
                calls.len()
            );
        }
        out.push_str("</figcaption>");
    } else {
        out.push_str("<figcaption><p class=\"note\">No profiled call lasted a sampling interval: there are no brackets.</p></figcaption>");
    }
    out.push_str("</figure>\n</section>\n");
}

/// A function of the timeline: its `FUNC` name, colour, the id of its section if it has one.
struct TimelineFunction {
    name: String,
    color: &'static str,
    id: Option<String>,
    calls: u64,
    seconds: f64,
}

const COLORS: [&str; 8] = [
    "#e8590c", "#1c7ed6", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#e64980", "#5c7cfa",
];

fn functions_of(timeline: &Timeline, reports: &[&Report]) -> Vec<TimelineFunction> {
    let mut functions: Vec<TimelineFunction> = Vec::new();
    for call in &timeline.calls {
        let f = match functions.iter_mut().position(|f| f.name == call.name) {
            Some(i) => &mut functions[i],
            None => {
                let id = reports
                    .iter()
                    .position(|r| crate::names::dotted(r.module_path(), r.function()) == call.name)
                    .map(function_id);
                let color = COLORS[functions.len() % COLORS.len()];
                functions.push(TimelineFunction {
                    name: call.name.clone(),
                    color,
                    id,
                    calls: 0,
                    seconds: 0.0,
                });
                functions.last_mut().expect("just pushed")
            }
        };
        f.calls += 1;
        f.seconds += (call.end - call.start).max(0.0);
    }
    functions
}

/// The last dotted part of a `FUNC` name: its function.
fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// At most about `most` points of `samples` (`(time, MiB)`), keeping each stretch's lowest
/// and highest so that no spike is lost.
fn thin(samples: &[(f64, f64)], most: usize) -> Vec<(f64, f64)> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    if sorted.len() <= most {
        return sorted;
    }
    let per = sorted.len().div_ceil(most / 2);
    let mut out = Vec::with_capacity(most + 2);
    for chunk in sorted.chunks(per) {
        let lo = chunk.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let hi = chunk.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some(&lo), Some(&hi)) = (lo, hi) {
            if lo.0 <= hi.0 {
                out.extend([lo, hi]);
            } else {
                out.extend([hi, lo]);
            }
        }
    }
    out
}

/// A round step (1, 2, 2.5 or 5 times a power of ten) near `raw`, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// `value` with as many decimals as `step` needs.
fn trim_number(value: f64, step: f64) -> String {
    let decimals = (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6) as usize;
    format!("{value:.decimals$}")
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

/// Where the highlighter is at the end of a line: in code, in a (nested) block comment, in a
/// string, or in a raw string with so many `#`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Carry {
    Code,
    Comment(u32),
    Str,
    Raw(usize),
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "union",
    "unsafe", "use", "where", "while", "yield",
];

/// Appends a source line, escaped, with its tokens in the page's code elements: `b` keywords,
/// `i` strings and characters, `u` comments, `s` numbers, `em` macros, `var` types and
/// lifetimes, `dfn` attributes. Only marks: the text is the line's, whatever it holds.
fn highlight(out: &mut String, line: &str, carry: &mut Carry) {
    let wrap = |out: &mut String, tag: &str, text: &str| {
        if text.is_empty() {
            return;
        }
        let _ = write!(out, "<{tag}>");
        escape(out, text);
        let _ = write!(out, "</{tag}>");
    };
    let trimmed = line.trim_start();
    if *carry == Carry::Code && (trimmed.starts_with("#[") || trimmed.starts_with("#![")) {
        escape(out, &line[..line.len() - trimmed.len()]);
        wrap(out, "dfn", trimmed);
        return;
    }
    let b = line.as_bytes();
    let mut i = 0;
    // Where the pending run of plain text starts.
    let mut plain = 0;
    while i < b.len() {
        match *carry {
            Carry::Comment(depth) => {
                let start = i;
                let mut depth = depth;
                while i < b.len() && depth > 0 {
                    if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                    } else if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
                i = boundary(line, i);
                wrap(out, "u", &line[start..i]);
                *carry = if depth == 0 {
                    Carry::Code
                } else {
                    Carry::Comment(depth)
                };
                plain = i;
            }
            Carry::Str => {
                let start = i;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            *carry = Carry::Code;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                i = boundary(line, i);
                wrap(out, "i", &line[start..i]);
                plain = i;
            }
            Carry::Raw(hashes) => {
                let start = i;
                while i < b.len() {
                    if b[i] == b'"'
                        && b[i + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&c| c == b'#')
                            .count()
                            == hashes
                    {
                        i += 1 + hashes;
                        *carry = Carry::Code;
                        break;
                    }
                    i += 1;
                }
                i = boundary(line, i);
                wrap(out, "i", &line[start..i]);
                plain = i;
            }
            Carry::Code => {
                let rest = &line[i..];
                let c = b[i];
                // The token at `i`, if any: its tag, its end, and the state after it.
                let token: Option<(&str, usize)> = if rest.starts_with("//") {
                    Some(("u", b.len()))
                } else if rest.starts_with("/*") {
                    escape(out, &line[plain..i]);
                    *carry = Carry::Comment(1);
                    let start = i;
                    i += 2;
                    // Go on in the comment state from after `/*`, its text included.
                    let mut depth = 1;
                    while i < b.len() && depth > 0 {
                        if b[i..].starts_with(b"*/") {
                            depth -= 1;
                            i += 2;
                        } else if b[i..].starts_with(b"/*") {
                            depth += 1;
                            i += 2;
                        } else {
                            i += 1;
                        }
                    }
                    i = boundary(line, i);
                    wrap(out, "u", &line[start..i]);
                    *carry = if depth == 0 {
                        Carry::Code
                    } else {
                        Carry::Comment(depth)
                    };
                    plain = i;
                    continue;
                } else if c == b'"' || rest.starts_with("b\"") {
                    escape(out, &line[plain..i]);
                    let start = i;
                    i += if c == b'"' { 1 } else { 2 };
                    *carry = Carry::Str;
                    let mut closed = false;
                    while i < b.len() {
                        match b[i] {
                            b'\\' => i += 2,
                            b'"' => {
                                i += 1;
                                closed = true;
                                break;
                            }
                            _ => i += 1,
                        }
                    }
                    if closed {
                        *carry = Carry::Code;
                    }
                    i = boundary(line, i);
                    wrap(out, "i", &line[start..i]);
                    plain = i;
                    continue;
                } else if let Some(hashes) = raw_string_start(rest) {
                    escape(out, &line[plain..i]);
                    let start = i;
                    let prefix = rest.find('"').unwrap_or(0) + 1;
                    i += prefix;
                    *carry = Carry::Raw(hashes);
                    while i < b.len() {
                        if b[i] == b'"'
                            && b[i + 1..]
                                .iter()
                                .take(hashes)
                                .filter(|&&c| c == b'#')
                                .count()
                                == hashes
                        {
                            i += 1 + hashes;
                            *carry = Carry::Code;
                            break;
                        }
                        i += 1;
                    }
                    i = boundary(line, i);
                    wrap(out, "i", &line[start..i]);
                    plain = i;
                    continue;
                } else if c == b'\'' {
                    let (tag, len) = char_or_lifetime(rest);
                    Some((tag, i + len))
                } else if c.is_ascii_digit() {
                    let mut end = 1;
                    while end < b.len() - i {
                        let d = b[i + end];
                        let decimal =
                            d == b'.' && b.get(i + end + 1).is_some_and(u8::is_ascii_digit);
                        if d.is_ascii_alphanumeric() || d == b'_' || decimal {
                            end += 1;
                        } else {
                            break;
                        }
                    }
                    Some(("s", i + end))
                } else if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 {
                    let end = i + rest
                        .char_indices()
                        .find(|&(_, ch)| !(ch == '_' || ch.is_alphanumeric()))
                        .map_or(rest.len(), |(at, _)| at);
                    let word = &line[i..end];
                    // A word after another word character (`r#type`, `1usize`) is no token.
                    if end == i {
                        // A character that is no part of a word (an emoji, a combining mark).
                        None
                    } else if i > 0 && (b[i - 1] == b'#' || b[i - 1].is_ascii_alphanumeric()) {
                        Some(("", end))
                    } else if line[end..].starts_with('!') && !line[end..].starts_with("!=") {
                        Some(("em", end + 1))
                    } else if KEYWORDS.contains(&word) {
                        Some(("b", end))
                    } else if word.starts_with(|ch: char| ch.is_uppercase()) {
                        Some(("var", end))
                    } else {
                        Some(("", end))
                    }
                } else {
                    None
                };
                match token {
                    Some((tag, end)) => {
                        let end = boundary(line, end.min(b.len()));
                        if tag.is_empty() {
                            // A plain word: part of the plain run.
                            i = end;
                        } else {
                            escape(out, &line[plain..i]);
                            wrap(out, tag, &line[i..end]);
                            i = end;
                            plain = i;
                        }
                    }
                    None => i = boundary(line, i + 1),
                }
            }
        }
    }
    escape(out, &line[plain.min(line.len())..]);
}

/// The first char boundary of `s` at or after `i` (`s.len()` at most).
fn boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `Some(number of #)` when `s` starts a raw string: `r"`, `r#"`, `br##"`...
fn raw_string_start(s: &str) -> Option<usize> {
    let after = s.strip_prefix("br").or_else(|| s.strip_prefix('r'))?;
    let hashes = after.bytes().take_while(|&c| c == b'#').count();
    after[hashes..].starts_with('"').then_some(hashes)
}

/// The token of `s` (which starts with `'`): a character literal (`'a'`, `'\n'`,
/// `'\u{1F980}'`) as a string, or a lifetime or label (`'a`, `'static`) as a type.
fn char_or_lifetime(s: &str) -> (&'static str, usize) {
    let mut chars = s.char_indices().skip(1);
    match chars.next() {
        Some((_, '\\')) => {
            // An escape (`\n`, `\'`, `\u{..}`): up to the next quote after the escaped character.
            let from = boundary(s, 3);
            let end = s[from..].find('\'').map_or(s.len(), |at| from + at + 1);
            ("i", end)
        }
        Some((_, c)) => match chars.next() {
            Some((at, '\'')) => ("i", at + 1),
            _ if c == '_' || c.is_alphanumeric() => {
                let end = s[1..]
                    .char_indices()
                    .find(|&(_, ch)| !(ch == '_' || ch.is_alphanumeric()))
                    .map_or(s.len(), |(at, _)| at + 1);
                ("var", end)
            }
            _ => ("", 1),
        },
        None => ("", 1),
    }
}

/// The page's style: light, system fonts, tabular figures; the bars' colours are the key's.
const CSS: &str = r#"
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--mute:#59636e;--faint:#9aa4ae;--rule:#d1d9e0;--line:#eef1f4;--soft:#f6f8fa;--hover:#f3f7fd;--link:#0969da;--inc:#d1242f;--free:#1a7f37;--freebg:#dafbe1;--peak:#8250df;--alloc:#54aeff;--mark:#fff8c5;--kw:#cf222e;--str:#0a3069;--com:#6e7781;--num:#0550ae;--mac:#8250df;--ty:#953800;--attr:#6639ba}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#9198a1;--faint:#656c76;--rule:#30363d;--line:#21262d;--soft:#161b22;--hover:#161f2d;--link:#4493f8;--inc:#f85149;--free:#3fb950;--freebg:#12351f;--peak:#a371f7;--alloc:#388bfd;--mark:#3b2e0a;--kw:#ff7b72;--str:#a5d6ff;--com:#8b949e;--num:#79c0ff;--mac:#d2a8ff;--ty:#ffa657;--attr:#d2a8ff}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
code,td.t code{font:12.5px/1.45 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
header.top{background:linear-gradient(120deg,#0b2e6f 0%,#1f5fc4 55%,#6d3fc0 100%);color:#fff;padding:22px 32px 0}
header.top h1{margin:0;font-size:26px;font-weight:650;letter-spacing:-.01em}
.brand{display:block;font-size:11.5px;font-weight:650;letter-spacing:.12em;text-transform:uppercase;opacity:.75;margin-bottom:2px}
header.top .facts{margin:6px 0 4px;font-size:15px;opacity:.95}
header.top .facts b{font-weight:650}
header.top code{font-size:14px;background:rgba(255,255,255,.16);padding:1px 5px;border-radius:4px}
header.top .note{margin:4px 0;opacity:.9}
nav{display:flex;gap:4px;margin-top:14px;flex-wrap:wrap}
nav a{color:#fff;padding:8px 16px;border-radius:8px 8px 0 0;background:rgba(255,255,255,.13);font-weight:550}
nav a:hover{background:rgba(255,255,255,.26);text-decoration:none}
main{padding:6px 32px 32px}
section{margin-top:26px}
h2{font-size:19px;font-weight:650;margin:22px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--rule)}
h2 small,h3 small{font-size:13px;font-weight:400;color:var(--mute);margin-left:6px}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th{font-size:12px;font-weight:600;color:var(--mute);text-align:right;padding:6px 10px;border-bottom:2px solid var(--rule);white-space:nowrap;background:var(--bg);vertical-align:bottom}
td{padding:2px 10px;text-align:right;white-space:nowrap;border-bottom:1px solid var(--line)}
th.t,td.t,table.source td:last-child,table.all td:first-child,table.all td:last-child{text-align:left}
td.neg{color:var(--free)}
tbody tr:hover td{background-color:var(--hover)}
tr:target td{background-color:var(--mark)!important}
article.function:target{box-shadow:0 0 0 3px #f2cc60}
th.bars,td.bars{width:170px;min-width:170px;padding:2px 12px 2px 6px}
td.bars{--ic:var(--inc);background:linear-gradient(var(--ic),var(--ic)) 6px 2px/calc(var(--i,0)*(100% - 18px)) 4px no-repeat,linear-gradient(var(--peak),var(--peak)) 6px 8px/calc(var(--p,0)*(100% - 18px)) 4px no-repeat,linear-gradient(var(--alloc),var(--alloc)) 6px 14px/calc(var(--a,0)*(100% - 18px)) 4px no-repeat}
td.bars.fr{--ic:var(--free)}
table.summary td.bars{background:linear-gradient(var(--alloc),var(--alloc)) 6px 50%/calc(var(--a,0)*(100% - 18px)) 10px no-repeat}
.k.i{background:var(--inc)}.k.f{background:var(--free)}.k.p{background:var(--peak)}.k.a{background:var(--alloc)}
.key{color:var(--mute);margin:4px 0 10px}
.key .k{display:inline-block;width:18px;height:8px;border-radius:2px;margin:0 5px 0 10px;vertical-align:middle}
.key .k:first-child{margin-left:4px}
article.function{border:1px solid var(--rule);border-radius:10px;margin:18px 0;overflow:hidden;box-shadow:0 1px 2px rgba(31,35,40,.06)}
article.function h3{margin:0;padding:12px 16px 0;font-size:17px}
article.function h3 a{color:var(--fg);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
article.function>.where{margin:2px 16px 10px}
article.function table{width:100%}
article.function th{background:var(--soft);border-top:1px solid var(--rule)}
.where{color:var(--mute);margin:2px 0 10px}
.where b{color:var(--fg)}
table.source td{border-bottom:none;padding-top:1px;padding-bottom:1px}
table.source td:first-child{color:var(--faint)}
table.source td:last-child{width:100%}
table.source code{white-space:pre}
tr.idle td,tr.idle td code *{color:var(--faint)!important}
tr.entry td{color:var(--mute)}
tr.close td{border-top:1px dashed var(--rule)}
.freed{margin-left:14px;font-size:12px;color:var(--free);background:var(--freebg);border-radius:10px;padding:0 8px}
.badge{font-size:12px;font-weight:500;background:#ffebe9;color:#a40e26;border-radius:10px;padding:1px 8px;vertical-align:middle}
.note{color:var(--mute);font-size:13px}
article.function>.note{margin:6px 16px}
code b,code i,code u,code s,code em,code var,code dfn{font:inherit;text-decoration:none;font-style:normal;font-weight:inherit}
code b{color:var(--kw)}code i{color:var(--str)}code u{color:var(--com);font-style:italic}code s{color:var(--num)}code em{color:var(--mac)}code var{color:var(--ty)}code dfn{color:var(--attr)}
.search{display:none;margin:0 0 10px;color:var(--mute)}
html.js .search{display:block}
#q{font:inherit;font-size:14px;padding:6px 10px;width:min(420px,100%);border:1px solid var(--rule);border-radius:6px;margin-right:8px}
#q:focus{outline:2px solid var(--link);outline-offset:-1px}
html.js table.all th{cursor:pointer;user-select:none}
html.js table.all th:hover{color:var(--fg)}
table.all th[aria-sort=descending]::after{content:" \25BE"}
table.all th[aria-sort=ascending]::after{content:" \25B4"}
table.all thead th{position:sticky;top:0;z-index:1}
table.all td:last-child{font:12.5px/1.45 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace;max-width:80ch;overflow:hidden;text-overflow:ellipsis}
a.fn,table.all td:first-child a{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
figure.plot{margin:0}
figure.plot svg{width:100%;max-width:1200px;height:auto;display:block;font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.grid line{stroke:var(--line);stroke-width:1}.grid text{fill:var(--mute)}
.axis{stroke:var(--faint);stroke-width:1}
.mem{fill:none;stroke:var(--fg);stroke-width:1.6;stroke-linejoin:round}
.area{fill:#1f5fc4;fill-opacity:.08}
.peak{fill:#d1242f}
.band{fill-opacity:.10}.lane{fill-opacity:.9}
.calls a:hover .band{fill-opacity:.22}
.lane-label{fill:#fff;font-size:11px;font-weight:600;pointer-events:none}
.legend{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:6px 22px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}
footer{color:var(--mute);font-size:12.5px;padding:18px 32px 28px;border-top:1px solid var(--rule)}
"#;

/// The page's script: sorts the table of every line by a clicked heading and filters it by the
/// search box. The page reads the same without it.
const SCRIPT: &str = r#"
(function(){
var d=document;d.documentElement.className+=' js';
var t=d.getElementById('all');if(!t)return;
var body=t.tBodies[0],rows=[].slice.call(body.rows),heads=t.tHead.rows[0].cells,q=d.getElementById('q'),shown=d.getElementById('shown');
rows.forEach(function(r,i){r._i=i;r._s=(r.cells[0].textContent+' '+r.cells[r.cells.length-1].textContent).toLowerCase();});
function value(r,c){var cell=r.cells[c],v=cell.getAttribute('data-v');return v===null?cell.textContent.toLowerCase():+v;}
function sort(c){
var h=heads[c],now=h.getAttribute('aria-sort'),dir=now?(now==='descending'?1:-1):(h.hasAttribute('data-num')?-1:1);
for(var k=0;k<heads.length;k++)heads[k].removeAttribute('aria-sort');
h.setAttribute('aria-sort',dir<0?'descending':'ascending');
rows.sort(function(x,y){var a=value(x,c),b=value(y,c);return (a<b?-dir:a>b?dir:0)||x._i-y._i;});
var f=d.createDocumentFragment();rows.forEach(function(r){f.appendChild(r);});body.appendChild(f);}
[].forEach.call(heads,function(h,c){h.tabIndex=0;h.addEventListener('click',function(){sort(c);});h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort(c);}});});
function filter(){var s=q.value.trim().toLowerCase(),n=0;rows.forEach(function(r){var on=!s||r._s.indexOf(s)>=0;r.hidden=!on;if(on)n++;});shown.textContent=n;}
q.addEventListener('input',filter);filter();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of highlighted HTML: tags dropped, entities read back.
    fn text_of(html: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            out.push_str(&rest[..lt]);
            rest = &rest[lt + rest[lt..].find('>').unwrap() + 1..];
        }
        out.push_str(rest);
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    fn marked(lines: &[&str]) -> Vec<String> {
        let mut carry = Carry::Code;
        lines
            .iter()
            .map(|line| {
                let mut out = String::new();
                highlight(&mut out, line, &mut carry);
                out
            })
            .collect()
    }

    #[test]
    fn highlighting_keeps_every_character_and_escapes_them() {
        let lines = [
            "#[profile(precision = 3, peak)]",
            "pub fn f<'a, T: Into<u64>>(x: &'a str, v: Vec<T>) -> Option<u64> {",
            "    let s = \"a \\\"quoted\\\" <b>&amp;</b> é 🦀\"; // comment <script>",
            "    let c = ['x', '\\n', '\\u{1F980}', 'é', '\\''];",
            "    let r = r#\"raw \" still\"#; let b = b\"bytes\"; /* block",
            "       still comment */ let n = 0x_ff + 1_000usize + 1.5e3 + 0..10;",
            "    println!(\"{}\", s != \"\" && 3 < 4); 'outer: loop { break 'outer; }",
            "    let multi = \"first line",
            "    second line\";",
            "    unterminated 'x \\ \"",
            "\\",
            "'",
            "r#type é\u{301}",
            "}",
        ];
        let out = marked(&lines);
        for (line, html) in lines.iter().zip(&out) {
            assert_eq!(text_of(html), *line, "{html}");
            assert!(
                !html.contains("<script>") && !html.contains("<b>&amp;"),
                "{html}"
            );
        }
        assert_eq!(out[0], "<dfn>#[profile(precision = 3, peak)]</dfn>");
        assert!(out[1].starts_with("<b>pub</b> <b>fn</b> f&lt;<var>&#39;a</var>, <var>T</var>: <var>Into</var>&lt;u64&gt;&gt;"), "{}", out[1]);
        assert!(
            out[2].contains("<u>// comment &lt;script&gt;</u>"),
            "{}",
            out[2]
        );
        assert!(out[3].contains("<i>&#39;x&#39;</i>, <i>&#39;\\n&#39;</i>, <i>&#39;\\u{1F980}&#39;</i>, <i>&#39;é&#39;</i>, <i>&#39;\\&#39;&#39;</i>"), "{}", out[3]);
        assert!(
            out[4].contains("<i>r#&quot;raw &quot; still&quot;#</i>"),
            "{}",
            out[4]
        );
        assert!(out[4].ends_with("<u>/* block</u>"), "{}", out[4]);
        assert!(
            out[5].starts_with("<u>       still comment */</u> <b>let</b>"),
            "{}",
            out[5]
        );
        assert!(
            out[5]
                .contains("<s>0x_ff</s> + <s>1_000usize</s> + <s>1.5e3</s> + <s>0</s>..<s>10</s>"),
            "{}",
            out[5]
        );
        assert!(out[6].starts_with("    <em>println!</em>"), "{}", out[6]);
        assert!(
            out[6].contains("<var>&#39;outer</var>: <b>loop</b>"),
            "{}",
            out[6]
        );
        assert!(
            out[8].starts_with("<i>    second line&quot;</i>;"),
            "{}",
            out[8]
        );
    }

    #[test]
    fn highlighting_never_splits_a_character() {
        // Every character boundary case: escapes before multi-byte characters, quotes and
        // comment markers next to them.
        let pieces = [
            "\\", "\"", "'", "é", "🦀", "/*", "*/", "//", "r#\"", "\"#", "a", "1", "#[", " ", "!",
            "b\"",
        ];
        let mut state = 1u64;
        for _ in 0..3000 {
            let mut line = String::new();
            for _ in 0..8 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                line.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            for html in marked(&[&line, &line]) {
                assert_eq!(text_of(&html), line);
            }
        }
    }

    #[test]
    fn escapes_and_figures() {
        let mut out = String::new();
        escape(&mut out, "<Vec<T> as Trait>::f & \"x\" 'y'");
        assert_eq!(
            out,
            "&lt;Vec&lt;T&gt; as Trait&gt;::f &amp; &quot;x&quot; &#39;y&#39;"
        );
        assert_eq!(human(0), "0 B");
        assert_eq!(human(1023), "1023 B");
        assert_eq!(human(1024), "1.00 KiB");
        assert_eq!(human(8_000), "7.81 KiB");
        assert_eq!(human(800_000), "781 KiB");
        assert_eq!(human(-800_000), "\u{2212}781 KiB");
        assert_eq!(human(96_000_000), "91.6 MiB");
        assert_eq!(human(1_048_575), "1024 KiB");
        assert_eq!(human(10_480_000), "9.99 MiB");
        assert_eq!(human(3 << 30), "3.00 GiB");
        assert_eq!(human(i64::MIN), "\u{2212}8.00 EiB");
    }

    #[test]
    fn a_run_of_three_dozen_functions_is_a_page_under_a_megabyte() {
        // 36 functions of 40 lines each, every line run, with figures of every size.
        let texts: Vec<&'static str> = (0..40)
            .map(|i| -> &'static str {
                Box::leak(
                    format!("        let value_{i}: Vec<u64> = (0..n).map(|x| x * {i}).collect(); // {i}")
                        .into_boxed_str(),
                )
            })
            .collect();
        let list = (0..36)
            .map(|f| {
                let rows = (0..40u32)
                    .map(|i| {
                        let big = (f as i64 + 1) * 123_457 * i64::from(i);
                        row(
                            100 + i,
                            texts[i as usize],
                            big,
                            big - 5000,
                            big,
                            123,
                            45,
                            big as u64,
                            100_000,
                        )
                    })
                    .collect();
                let name: &'static str = Box::leak(format!("function_number_{f}").into_boxed_str());
                report(
                    (name, "crate::module::inner", "src/module/inner.rs"),
                    rows,
                    1 << 30,
                    "thread_heap",
                    (false, false, true),
                )
                .unwrap()
            })
            .collect();
        let page = page(&reports(list), "three dozen", None);
        if let Ok(dump) = std::env::var("DUMP_PAGE") {
            std::fs::write(dump, &page).unwrap();
        }
        assert!(page.len() < 1_000_000, "{} bytes", page.len());
        assert!(
            page.len() > 400_000,
            "{} bytes: the figures are all there",
            page.len()
        );
    }

    #[test]
    fn names_are_escaped_and_ids_are_safe() {
        let rows = vec![
            row(10, "#[profile]", 0, 0, 0, 0, 0, 0, 1),
            row(
                11,
                "fn f() -> Option<&'static str> { None }",
                0,
                0,
                0,
                0,
                0,
                0,
                1,
            ),
        ];
        let name = "<Vec<T> as Tr>::f \"x\" & 'y'";
        let one = report(
            (name, "m::<T>", "src/<a>.rs"),
            rows,
            0,
            "thread_heap",
            (false, false, false),
        )
        .unwrap();
        let page = page(&reports(vec![one]), "<title> & \"q\"", None);
        assert!(!page.contains("<Vec"), "no raw name");
        assert!(page.contains("<h3><a href=\"#f1\">&lt;Vec&lt;T&gt; as Tr&gt;::f &quot;x&quot; &amp; &#39;y&#39;</a></h3>"));
        assert!(page.contains("<title>&lt;title&gt; &amp; &quot;q&quot; · memory profile</title>"));
        assert!(
            page.contains("<code>src/&lt;a&gt;.rs:10</code> · module <code>m::&lt;T&gt;</code>")
        );
        assert!(page.contains("<a class=\"fn\" href=\"#f1\">&lt;Vec&lt;T&gt; as Tr&gt;::f &quot;x&quot; &amp; &#39;y&#39;</a>"));
        assert!(page.contains("<tr id=f1-11 class=ran>"));
    }

    #[test]
    fn dat_files_are_read() {
        let timeline = Timeline::parse_dat(
            "CMDLINE prog --flag\nMEM 1.500000 100.0000\nMEM x 101\nFUNC app.f 1.5 100.25 3.0 100.75 0\nFUNC app.g 1 2 3\nCHLD 12 1.0 100.5\nMEM 2.000000 100.5000\r\nFUNC old.h 1.0 100.1 2.0 100.2\n",
        );
        assert_eq!(timeline.cmdline.as_deref(), Some("prog --flag"));
        assert_eq!(timeline.samples, [(100.0, 1.5), (100.5, 2.0)]);
        assert_eq!(timeline.calls.len(), 2);
        assert_eq!(timeline.calls[0].name, "app.f");
        assert_eq!(
            (timeline.calls[0].start, timeline.calls[0].end),
            (100.25, 100.75)
        );
        assert_eq!(timeline.calls[0].level, Some(0));
        assert_eq!(timeline.calls[1].level, None);
    }

    #[test]
    fn steps_and_thinning() {
        assert_eq!(nice_step(0.37), 0.5);
        assert_eq!(nice_step(21.0), 25.0);
        assert_eq!(nice_step(26.0), 50.0);
        assert_eq!(nice_step(10.0), 10.0);
        assert_eq!(trim_number(0.25, 0.05), "0.25");
        assert_eq!(trim_number(20.0, 10.0), "20");
        assert_eq!(trim_number(7.5, 2.5), "7.5");
        assert_eq!(trim_number(50.0, 25.0), "50");
        assert_eq!(trim_number(0.3, 0.1), "0.3");
        let samples: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (i as f64, if i == 5_001 { 99.0 } else { (i % 7) as f64 }))
            .collect();
        let thinned = thin(&samples, 1500);
        assert!(thinned.len() <= 1502, "{}", thinned.len());
        assert!(thinned.contains(&(5_001.0, 99.0)), "the spike is kept");
        assert!(thinned.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
