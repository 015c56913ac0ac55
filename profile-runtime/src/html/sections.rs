//! The page's sections, each written into the page's `String`: the header with the run's
//! facts, the summary (functions ranked, the lines that allocated most), each function's
//! source lines with their figures and bars, and the sortable table of every line. Reads the
//! report model and the summary; the source is highlighted by `super::highlight`.

use std::fmt::Write as _;

use super::highlight::{highlight, Carry};
use super::{escape, function_id, human, plural, Scale};
use crate::bytes::group;
use crate::heap::Measured;
use crate::report::{Report, Row};
use crate::summary::Summary;

pub(super) fn header(
    out: &mut String,
    title: &str,
    reports: &[&Report],
    summary: &Summary,
    timeline: bool,
) {
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
pub(super) fn measured_note(reports: &[&Report]) -> Option<&'static str> {
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

pub(super) fn summary_section(out: &mut String, reports: &[&Report], summary: &Summary) {
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
pub(super) fn link(out: &mut String, id: Option<&str>, text: &str, class: &str) {
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
pub(super) fn figure_cell(out: &mut String, bytes: i64, sortable: bool) {
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
pub(super) fn bars(out: &mut String, bars: &[(&str, u64, u64)], freed: bool) {
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

pub(super) fn functions_section(out: &mut String, reports: &[&Report], scale: &Scale) {
    out.push_str("<section id=\"functions\">\n<h2>Functions</h2>\n");
    out.push_str("<p class=\"key\">Bars beside each line, scaled to the largest of the run: <span class=\"k i\"></span>increment (heap the line kept) <span class=\"k f\"></span>freed (a negative increment: what a <code>}</code> row's block gave back) <span class=\"k p\"></span>peak above the line's start <span class=\"k a\"></span>allocations. Greyed lines never ran.</p>\n");
    for (index, report) in reports.iter().enumerate() {
        function(out, index, report, scale);
    }
    out.push_str("</section>\n");
}

pub(super) fn function(out: &mut String, index: usize, report: &Report, scale: &Scale) {
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

pub(super) fn lines_section(out: &mut String, reports: &[&Report]) {
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
