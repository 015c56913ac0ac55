//! A comparison as text: a [`Regression`]'s one line, and the line-level diff of a
//! [`Comparison`] that a failing `#[limit(baseline)]` test and `mprof diff` print (per
//! function, its figures old → new, then its changed lines side by side in a table).

use std::fmt::{self, Write as _};

use super::compare::{Change, Comparison, FunctionChange, FunctionSide, LineChange, Regression};
use super::{group_wide, Figure, Figures};

impl fmt::Display for Regression {
    /// `` `parse`: bytes allocated 8,000 B → 16,000 B (+8,000 B, +100.0%), above its tolerance
    /// of +5% (at most 8,400 B) ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let figure = self.figure;
        let change = self.new - self.old;
        let percent = if self.old > 0 {
            format!(", {:+.1}%", change as f64 * 100.0 / self.old as f64)
        } else {
            String::new()
        };
        write!(
            f,
            "`{}`: {} {} → {} ({}{percent}), above its tolerance of {} (at most {})",
            self.function,
            figure.name(),
            figure.format(self.old),
            figure.format(self.new),
            figure.format_change(change),
            self.tolerance.describe(figure),
            figure.format(self.most)
        )
    }
}

/// `1 call`, `3 calls`.
fn calls(n: u64) -> String {
    format!(
        "{} call{}",
        group_wide(n.into()),
        if n == 1 { "" } else { "s" }
    )
}

impl fmt::Display for Comparison {
    /// Per function, its figures old → new, then its lines that changed: old and new side by
    /// side, `=` the same statement, `~` moved, `+` added, `-` removed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, function) in self.functions.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            write_function(f, function)?;
        }
        Ok(())
    }
}

fn write_function(f: &mut fmt::Formatter<'_>, function: &FunctionChange) -> fmt::Result {
    let side = function.new.or(function.old).expect("a side");
    write!(
        f,
        "`{}` ({}:{}): ",
        function.name, function.file, side.first_line
    )?;
    let figures = |s: FunctionSide| {
        format!(
            "{} {}, {} {}, {} {}, {}",
            Figure::Bytes.name(),
            Figure::Bytes.format(s.figures.get(Figure::Bytes)),
            Figure::Allocations.name(),
            Figure::Allocations.format(s.figures.get(Figure::Allocations)),
            Figure::Peak.name(),
            Figure::Peak.format(s.figures.get(Figure::Peak)),
            calls(s.calls)
        )
    };
    match (function.old, function.new) {
        (Some(_), Some(new)) if function.is_unchanged() => {
            return writeln!(f, "unchanged, {}", figures(new)).map(|_| ());
        }
        (Some(old), Some(new)) => {
            let mut parts: Vec<String> = Figure::ALL
                .iter()
                .map(|&figure| {
                    let (o, n) = (old.figures.get(figure), new.figures.get(figure));
                    if o == n {
                        format!("{} {}", figure.name(), figure.format(n))
                    } else {
                        format!(
                            "{} {} → {} ({})",
                            figure.name(),
                            figure.format(o),
                            figure.format(n),
                            figure.format_change(n - o)
                        )
                    }
                })
                .collect();
            parts.push(if old.calls == new.calls {
                calls(new.calls)
            } else {
                format!("{} → {}", calls(old.calls), calls(new.calls))
            });
            writeln!(f, "{}", parts.join(", "))?;
        }
        (None, Some(new)) => writeln!(f, "new, {}", figures(new))?,
        (Some(old), None) => writeln!(f, "gone (not called), was {}", figures(old))?,
        (None, None) => unreachable!("a function has a side"),
    }
    // A new or gone function: the lines that allocated; otherwise the lines that changed.
    let shown: Vec<&LineChange> = function
        .lines
        .iter()
        .filter(|l| match (function.old, function.new) {
            (Some(_), Some(_)) => !l.is_unchanged(),
            _ => !l.new.or(l.old).is_some_and(|(_, f)| f.is_zero()),
        })
        .collect();
    if !shown.is_empty() {
        let mut table = Table::new(&[
            "",
            "Line",
            "Bytes old",
            "Bytes new",
            "Change",
            "Allocs old",
            "Allocs new",
            "Peak old",
            "Peak new",
        ]);
        for line in &shown {
            let figure = |side: Option<(u32, Figures)>, figure: Figure| {
                side.map_or(String::new(), |(_, f)| figure.format(f.get(figure)))
            };
            // A removed line's number is its old one, in parentheses.
            let number = match (line.new, line.old) {
                (Some((n, _)), _) => n.to_string(),
                (None, Some((n, _))) => format!("({n})"),
                (None, None) => String::new(),
            };
            let mut text = line.text.clone();
            if let (Change::Moved, Some((from, _))) = (line.change, line.old) {
                let _ = write!(text, "   (moved from line {from})");
            }
            table.row(
                vec![
                    line.change.mark().to_owned(),
                    number,
                    figure(line.old, Figure::Bytes),
                    figure(line.new, Figure::Bytes),
                    Figure::Bytes.format_change(line.growth(Figure::Bytes)),
                    figure(line.old, Figure::Allocations),
                    figure(line.new, Figure::Allocations),
                    figure(line.old, Figure::Peak),
                    figure(line.new, Figure::Peak),
                ],
                text,
            );
        }
        table.render(f, "Line Contents")?;
    }
    let unchanged = function.lines.len() - shown.len();
    if unchanged > 0 && function.old.is_some() && function.new.is_some() {
        let s = if unchanged == 1 { "" } else { "s" };
        writeln!(f, "    ({unchanged} other line{s} unchanged)")?;
    }
    Ok(())
}

/// A table of right-aligned cells (the first one, a mark, left-aligned), then a text column.
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<(Vec<String>, String)>,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>, text: String) {
        self.rows.push((cells, text));
    }

    pub(crate) fn render(&self, f: &mut impl fmt::Write, text_header: &str) -> fmt::Result {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|(cells, _)| cells[i].chars().count())
                    .chain([self.header[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String], text: &str| {
            let mut out = String::from("  ");
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                if i == 0 {
                    let _ = write!(out, "{cell:<width$}");
                } else {
                    let _ = write!(out, "  {cell:>width$}");
                }
            }
            let _ = write!(out, "   {text}");
            out.trim_end().to_owned()
        };
        let header = line(&self.header, text_header);
        writeln!(f, "{header}")?;
        for (cells, text) in &self.rows {
            writeln!(f, "{}", line(cells, text))?;
        }
        Ok(())
    }
}
