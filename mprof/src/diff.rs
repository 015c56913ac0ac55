//! `mprof diff OLD.json NEW.json`: two run-wide JSON reports (what a program writes with
//! `MEMORY_PROFILER_REPORT=exit MEMORY_PROFILER_FORMAT=json`: one report object per line, then
//! a `{"summary":..}` line) compared function by function and line by line, as
//! `#[limit(baseline)]` compares a test with its baseline ([`memory_profiler::baseline`]): the
//! functions and the lines ranked by growth, then the functions whose figures grew past the
//! tolerances.
//!
//! Exit status: [`WITHIN`] (0) when every figure is within its tolerance, [`REGRESSED`] (1) when
//! one grew past it, [`BAD_INPUT`] (2) when a file cannot be read or the two do not compare
//! (as `diff` and `cmp` exit, and as mprof's other commands exit on bad arguments).
//!
//! [`memory_profiler::baseline`]: profile_runtime::baseline

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use profile_runtime::baseline::{
    Change, Comparison, Figure, Figures, FunctionChange, LineChange, Snapshot, SnapshotFunction,
    SnapshotLine, Tolerance, Tolerances,
};
use serde::Deserialize;

/// Every figure within its tolerance.
pub const WITHIN: u8 = 0;
/// A function's figure grew past its tolerance.
pub const REGRESSED: u8 = 1;
/// A file cannot be read, is not a run-wide JSON report, or the two runs do not compare.
pub const BAD_INPUT: u8 = 2;

/// `mprof diff`'s arguments.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 when every function is within the tolerances, 1 when a \
                        function's figure grew past its tolerance, 2 when a file cannot be read, \
                        is not a run-wide JSON report, or the two runs do not compare."
)]
pub struct DiffArgs {
    /// How much a function's bytes allocated may grow: a percentage of the old figure
    /// ("+5%") or an amount ("+1 KiB", "+100").
    #[arg(long, default_value = "+0", value_parser = tolerance(Figure::Bytes))]
    pub bytes: Tolerance,
    /// How much a function's allocations may grow: "+5%" or a count ("+2").
    #[arg(long, default_value = "+0", value_parser = tolerance(Figure::Allocations))]
    pub allocations: Tolerance,
    /// How much a function's peak may grow: "+5%" or an amount ("+64 KiB").
    #[arg(long, default_value = "+0", value_parser = tolerance(Figure::Peak))]
    pub peak: Tolerance,
    /// How many of the lines that changed most to list.
    #[arg(long, default_value_t = 20)]
    pub lines: usize,
    /// The old run: a run-wide JSON report, as `MEMORY_PROFILER_REPORT=exit
    /// MEMORY_PROFILER_FORMAT=json` writes it.
    pub old: PathBuf,
    /// The new run, likewise.
    pub new: PathBuf,
}

fn tolerance(figure: Figure) -> impl Fn(&str) -> Result<Tolerance, String> + Clone {
    move |text| Tolerance::parse(text, figure)
}

/// Runs `mprof diff`: prints the comparison and returns the exit status, or the error of a bad
/// input (to exit with [`BAD_INPUT`]).
pub fn run(args: &DiffArgs) -> Result<ExitCode, String> {
    let old = read(&args.old)?;
    let new = read(&args.new)?;
    if old.measured != new.measured {
        return Err(format!(
            "the runs do not compare: {} measured {}, {} measured {}; compare runs measured \
             alike",
            args.old.display(),
            old.measured,
            args.new.display(),
            new.measured
        ));
    }
    let shared = old
        .snapshot
        .functions()
        .iter()
        .any(|f| new.snapshot.functions().iter().any(|g| g.name == f.name));
    if !shared {
        return Err(format!(
            "the runs do not compare: no profiled function of {} is in {}; are they runs of \
             the same program?",
            args.old.display(),
            args.new.display()
        ));
    }
    let tolerances = Tolerances::new(args.bytes, args.allocations, args.peak);
    let comparison = old.snapshot.compare(&new.snapshot, &tolerances);
    print!("{}", render(&comparison, &args.old, &args.new, args.lines));
    Ok(ExitCode::from(if comparison.regressed() {
        REGRESSED
    } else {
        WITHIN
    }))
}

/// A run-wide JSON report, read.
pub struct Run {
    /// Its functions and their lines.
    pub snapshot: Snapshot,
    /// What its figures measure (`thread_heap`, ..).
    pub measured: String,
}

/// A report's line, as `profile_runtime`'s JSON writes it (the fields read here).
#[derive(Deserialize)]
struct JsonReport {
    function: String,
    file: String,
    measured: String,
    run_wide: bool,
    calls: u64,
    peak: i64,
    rows: Vec<JsonRow>,
}

#[derive(Deserialize)]
struct JsonRow {
    line: u32,
    text: String,
    peak: i64,
    allocations: u64,
    bytes_allocated: u64,
    ran: bool,
}

#[derive(Deserialize)]
struct JsonSummary {
    #[allow(dead_code)] // its presence is what is checked
    summary: serde_json::Value,
}

/// Reads a run-wide JSON report: its report lines and summary line. Other lines (the program's
/// own output, which may share stdout with the reports) are skipped.
pub fn read(path: &Path) -> Result<Run, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    read_text(&text, &path.display().to_string())
}

/// Reads the text of a run-wide JSON report; `name` names it in errors.
pub fn read_text(text: &str, name: &str) -> Result<Run, String> {
    let how = "a run-wide JSON report is written by a run with MEMORY_PROFILER_REPORT=exit \
               MEMORY_PROFILER_FORMAT=json";
    let mut functions: Vec<SnapshotFunction> = Vec::new();
    let mut measured: Option<String> = None;
    let mut summaries = 0;
    for (i, line) in text.lines().enumerate() {
        let at = i + 1;
        // The test harness may print on the line of the first report (`test t ... {"function"`).
        let object = ["{\"function\":", "{\"summary\":"]
            .iter()
            .filter_map(|start| line.find(start))
            .min()
            .map(|from| line[from..].trim_end());
        let Some(object) = object else { continue };
        if object.starts_with("{\"summary\":") {
            serde_json::from_str::<JsonSummary>(object)
                .map_err(|e| format!("{name}:{at}: not a summary line: {e}"))?;
            summaries += 1;
            continue;
        }
        let report: JsonReport =
            serde_json::from_str(object).map_err(|e| format!("{name}:{at}: not a report: {e}"))?;
        if !report.run_wide {
            return Err(format!(
                "{name}:{at}: the report of `{}` is of one call, not of the whole run; {how}",
                report.function
            ));
        }
        match &measured {
            Some(m) if *m != report.measured => {
                return Err(format!(
                    "{name}:{at}: `{}` measured {}, the reports before it {m}",
                    report.function, report.measured
                ))
            }
            Some(_) => {}
            None => measured = Some(report.measured.clone()),
        }
        let first_line = report.rows.first().map_or(0, |r| r.line);
        if functions.iter().any(|f| {
            f.name == report.function && f.file == report.file && f.first_line == first_line
        }) {
            return Err(format!(
                "{name}:{at}: `{}` is reported twice: give one run per file",
                report.function
            ));
        }
        let bytes = report.rows.iter().map(|r| r.bytes_allocated).sum();
        let allocations = report.rows.iter().map(|r| r.allocations).sum();
        let lines = report
            .rows
            .iter()
            // The attribute's row is the calls' entry, not a line that ran.
            .skip(1)
            .filter(|r| r.ran)
            .map(|r| {
                SnapshotLine::new(
                    r.line,
                    &r.text,
                    Figures::new(r.bytes_allocated, r.allocations, r.peak),
                )
            })
            .collect();
        functions.push(SnapshotFunction::new(
            &report.function,
            &report.file,
            first_line,
            report.calls,
            Figures::new(bytes, allocations, report.peak),
            lines,
        ));
    }
    let Some(measured) = measured else {
        return Err(format!("{name}: no JSON reports in it; {how}"));
    };
    if summaries == 0 {
        return Err(format!(
            "{name}: the reports end without their summary line: the run was cut short, or the \
             file is not a whole run-wide report"
        ));
    }
    Ok(Run {
        snapshot: Snapshot::new(functions),
        measured,
    })
}

/// `+8,000 B`, `-3`, `0`.
fn change(figure: Figure, n: i128) -> String {
    let sign = if n > 0 { "+" } else { "" };
    format!("{sign}{}", value(figure, n))
}

/// `8,000 B`, `3`.
fn value(figure: Figure, n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    if n < 0 {
        grouped.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    match figure {
        Figure::Allocations => grouped,
        Figure::Bytes | Figure::Peak => format!("{grouped} B"),
    }
}

/// A figure's old value, new value and change, as three cells (empty where a side is missing).
fn cells(figure: Figure, old: Option<Figures>, new: Option<Figures>) -> [String; 3] {
    let side = |s: Option<Figures>| s.map_or(String::new(), |f| value(figure, f.get(figure)));
    let grown = new.map_or(0, |f| f.get(figure)) - old.map_or(0, |f| f.get(figure));
    [side(old), side(new), change(figure, grown)]
}

/// The ranking key: growth of bytes, then of allocations, then of peak, largest first.
fn growth(of: impl Fn(Figure) -> i128) -> impl Ord {
    std::cmp::Reverse((of(Figure::Bytes), of(Figure::Allocations), of(Figure::Peak)))
}

/// The comparison as `mprof diff` prints it.
pub fn render(comparison: &Comparison, old: &Path, new: &Path, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "mprof diff: {} → {} (tolerances: {})\n",
        old.display(),
        new.display(),
        comparison.tolerances()
    );
    let mut functions: Vec<&FunctionChange> = comparison.functions().iter().collect();
    functions.sort_by_key(|f| (growth(|figure| f.growth(figure)), f.name.clone()));
    let _ = writeln!(out, "Functions, by growth:\n");
    let mut table = Table::new(&[
        "Bytes old",
        "Bytes new",
        "Change",
        "Allocs old",
        "Allocs new",
        "Change",
        "Peak old",
        "Peak new",
        "Change",
        "Calls old",
        "Calls new",
    ]);
    for f in &functions {
        let (o, n) = (f.old.map(|s| s.figures), f.new.map(|s| s.figures));
        let mut row = Vec::new();
        for figure in Figure::ALL {
            row.extend(cells(figure, o, n));
        }
        let calls =
            |s: Option<u64>| s.map_or(String::new(), |c| value(Figure::Allocations, c.into()));
        row.push(calls(f.old.map(|s| s.calls)));
        row.push(calls(f.new.map(|s| s.calls)));
        let side = f.new.or(f.old).map_or(0, |s| s.first_line);
        let status = match (f.old, f.new) {
            (None, Some(_)) => " (new)",
            (Some(_), None) => " (gone)",
            _ => "",
        };
        table.row(row, format!("{}{status}  {}:{side}", f.name, f.file));
    }
    table.render(&mut out, "Function  Defined at");
    let mut lines: Vec<(&FunctionChange, &LineChange)> = comparison
        .functions()
        .iter()
        .flat_map(|f| f.lines.iter().map(move |l| (f, l)))
        .filter(|(_, l)| !l.is_unchanged())
        .collect();
    lines.sort_by_key(|(f, l)| (growth(|figure| l.growth(figure)), f.name.clone()));
    let changed = lines.len();
    lines.truncate(top);
    if changed == 0 {
        let _ = writeln!(out, "\nNo line changed.");
    } else {
        let _ = writeln!(
            out,
            "\nLines, by growth: {} of {changed} that changed (= same line, ~ moved, + added, - \
             removed)\n",
            lines.len()
        );
        let mut table = Table::new(&[
            "",
            "Bytes old",
            "Bytes new",
            "Change",
            "Allocs old",
            "Allocs new",
            "Peak old",
            "Peak new",
            "Change",
        ]);
        for (f, l) in &lines {
            let (o, n) = (l.old.map(|s| s.1), l.new.map(|s| s.1));
            let mark = match l.change {
                Change::Same => "=",
                Change::Moved => "~",
                Change::Added => "+",
                Change::Removed => "-",
            };
            let mut row = vec![mark.to_owned()];
            row.extend(cells(Figure::Bytes, o, n));
            let [ao, an, _] = cells(Figure::Allocations, o, n);
            row.extend([ao, an]);
            row.extend(cells(Figure::Peak, o, n));
            let place = match (l.new, l.old) {
                (Some((line, _)), _) => format!("{}:{line}", f.file),
                (None, Some((line, _))) => format!("{}:({line})", f.file),
                (None, None) => String::new(),
            };
            table.row(row, format!("{}  {place}  {}", f.name, l.text));
        }
        table.render(&mut out, "Function  Line  Line Contents");
    }
    if comparison.regressed() {
        let _ = writeln!(out, "\nRegressions:");
        for r in comparison.regressions() {
            let _ = writeln!(out, "  - {r}");
        }
    } else {
        let _ = writeln!(out, "\nEvery function is within the tolerances.");
    }
    out
}

/// Right-aligned cells (a first empty-headed column, a mark, left-aligned), then a text column.
struct Table {
    header: Vec<&'static str>,
    rows: Vec<(Vec<String>, String)>,
}

impl Table {
    fn new(header: &[&'static str]) -> Table {
        Table {
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: Vec<String>, text: String) {
        self.rows.push((cells, text));
    }

    fn render(&self, out: &mut String, text_header: &str) {
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
        let mut line = |cells: &[&str], text: &str| {
            let mut s = String::new();
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                let gap = if i == 0 { "" } else { "  " };
                if self.header[i].is_empty() {
                    let _ = write!(s, "{gap}{cell:<width$}");
                } else {
                    let _ = write!(s, "{gap}{cell:>width$}");
                }
            }
            let _ = writeln!(out, "{}", format!("{s}   {text}").trim_end());
        };
        line(&self.header, text_header);
        for (cells, text) in &self.rows {
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            line(&cells, text);
        }
    }
}
