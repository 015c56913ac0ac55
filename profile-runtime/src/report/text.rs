//! A report's text, in Python memory_profiler's layout (`Display` for [`Report`] and
//! [`Reports`]), and its figures as that layout prints them ([`format_figure`], which the
//! limit messages and the HTML page share). Reads the model; writes into a formatter only.

use std::fmt::{self, Write as _};

use super::{Report, Reports};
use crate::bytes::group;
use crate::heap::Measured;
use crate::spec::Unit;

impl Report {
    fn figure(&self, bytes: i64) -> String {
        format_figure(bytes, self.unit, self.precision)
    }
}

/// Formats a figure as memory_profiler does: `{:width.precision} MiB` with width
/// `precision + 4`; bytes print as whole numbers with their digits grouped by threes, as the
/// limit messages print them (`800,000 B`).
pub(crate) fn format_figure(bytes: i64, unit: Unit, precision: usize) -> String {
    match unit {
        Unit::B => format!("{} B", group(bytes)),
        _ => format!(
            "{:>width$.precision$} {}",
            bytes as f64 / unit.divisor(),
            unit.suffix(),
            width = precision + 4,
        ),
    }
}

impl fmt::Display for Report {
    /// memory_profiler's layout: `Filename:`, a blank line, the header, a rule of `=`, one row
    /// per source line, then two blank lines. A method's report names it on a line of its own
    /// under `Filename:` (`Function: Inventory::new`), and a run-wide report names the function
    /// there with how many calls it sums.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The figure columns are memory_profiler's 12 characters, or as wide as the widest
        // figure of the report, so that they stay aligned.
        let w = self
            .rows
            .iter()
            .filter(|row| row.ran())
            .flat_map(|row| [row.mem_usage, row.increment, row.peak])
            .map(|bytes| self.figure(bytes).chars().count())
            .fold(12, usize::max);
        // The columns: the figures, then Occurrences, then (with `allocs`) the counts.
        let columns = |f: &mut fmt::Formatter<'_>, cells: [&str; 8]| {
            let [line, mem, inc, peak, occ, allocs, reallocs, text] = cells;
            write!(f, "{line:>6} {mem:>w$} {inc:>w$}")?;
            if self.show_peak {
                write!(f, " {peak:>w$}")?;
            }
            write!(f, "  {occ:>10}")?;
            if self.show_allocs {
                write!(f, "  {allocs:>10}  {reallocs:>10}")?;
            }
            writeln!(f, "   {text}")
        };
        writeln!(f, "Filename: {}", self.file)?;
        if self.run_wide {
            let calls = self.calls();
            let s = if calls == 1 { "" } else { "s" };
            writeln!(
                f,
                "Function: {}, {} call{s} over the whole run",
                self.function,
                group(calls as i64)
            )?;
        } else if self.function != self.name {
            // A method: its report says whose (its signature's line says only `fn new`).
            writeln!(f, "Function: {}", self.function)?;
        }
        writeln!(f)?;
        let mut header = String::new();
        write!(
            header,
            "{:>6} {:>w$} {:>w$}",
            "Line #", "Mem usage", "Increment"
        )?;
        if self.show_peak {
            write!(header, " {:>w$}", "Peak")?;
        }
        write!(header, "  {:>10}", "Occurrences")?;
        if self.show_allocs {
            write!(header, "  {:>10}  {:>10}", "Allocs", "Reallocs")?;
        }
        write!(header, "   Line Contents")?;
        writeln!(f, "{header}")?;
        writeln!(f, "{}", "=".repeat(header.chars().count()))?;
        let first_line = self.rows_first_line();
        for row in &self.rows {
            let line = row.line.to_string();
            if !row.ran() {
                columns(f, [&line, "", "", "", "", "", "", row.text])?;
                continue;
            }
            let (mem, inc, occ) = (
                self.figure(row.mem_usage),
                self.figure(row.increment),
                row.occurrences.to_string(),
            );
            // The attribute's row is the calls' entry: it has no Peak nor counts of its own.
            if row.line == first_line && self.attribute_row {
                columns(f, [&line, &mem, &inc, "", &occ, "", "", row.text])?;
            } else {
                let peak = self.figure(row.peak);
                let (allocs, reallocs) =
                    (row.allocations.to_string(), row.reallocations.to_string());
                columns(
                    f,
                    [&line, &mem, &inc, &peak, &occ, &allocs, &reallocs, row.text],
                )?;
            }
        }
        if self.panicked {
            writeln!(f, "memory_profiler: a call of `{}` ended in a panic; its figures run up to the unwinding.", self.function)?;
        }
        if self.cancelled {
            writeln!(
                f,
                "memory_profiler: a call of `{}` was dropped before it completed (a cancelled future); its figures run up to its last poll.",
                self.function
            )?;
        }
        match self.measured {
            Measured::ThreadHeap | Measured::ProcessHeap => {}
            Measured::StatsAlloc => writeln!(f, "memory_profiler: figures are stats_alloc's process-wide counters; Peak is not tracked by stats_alloc.")?,
            Measured::ResidentSetSize => writeln!(
                f,
                "memory_profiler: no counting allocator, figures are the resident set size; for exact heap figures add `#[global_allocator] static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();`"
            )?,
        }
        writeln!(f)?;
        writeln!(f)
    }
}

impl fmt::Display for Reports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.iter().try_for_each(|r| r.fmt(f))
    }
}
