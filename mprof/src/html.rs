//! `mprof html`: the page of a run, built from its JSON reports (the JSON lines a run writes
//! with `MEMORY_PROFILER_FORMAT=json`: its reports, then a `{"summary":..}` line) and, when
//! given, its `.dat` file (memory over time, with the profiled functions' brackets). The page
//! is the one a run writes itself with `MEMORY_PROFILER_HTML`: the runtime renders both, from
//! the same report model, which this module fills from the JSON.

use std::path::{Path, PathBuf};

use profile_runtime::__page::{self, Timeline, TimelineCall};
use profile_runtime::Reports;
use serde::Deserialize;

use crate::dat::Profile;

/// `mprof html`'s arguments.
#[derive(clap::Args, Debug)]
pub struct HtmlArgs {
    /// Files of JSON reports (MEMORY_PROFILER_FORMAT=json, one report a line; other lines,
    /// such as the program's own output, are skipped); `-` reads stdin.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// The mprof .dat file of the same run: the page gets its memory plot, each call's
    /// bracket linking to its function.
    #[arg(short = 'd', long)]
    pub dat: Option<PathBuf>,
    /// The page [default: the first file of reports, with .html; mprof.html for stdin].
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// The page's title [default: the program of the .dat's command line, else the name of
    /// the first file of reports].
    #[arg(short = 't', long)]
    pub title: Option<String>,
}

/// What one line of the input is.
#[derive(Deserialize)]
#[serde(untagged)]
enum Line {
    Report(JsonReport),
    Summary {
        #[allow(dead_code)] // recomputed from the reports
        summary: serde_json::Value,
    },
}

/// A report as JSON (the runtime's `json` module documents the fields). Fields added by
/// later versions default, so that older files still read.
#[derive(Deserialize)]
struct JsonReport {
    function: String,
    module_path: String,
    file: String,
    measured: String,
    #[serde(default)]
    panicked: bool,
    #[serde(default)]
    cancelled: bool,
    #[serde(default)]
    run_wide: bool,
    #[serde(default)]
    peak: i64,
    rows: Vec<JsonRow>,
}

#[derive(Deserialize)]
struct JsonRow {
    line: u32,
    text: String,
    mem_usage: i64,
    increment: i64,
    peak: i64,
    allocations: u64,
    #[serde(default)]
    reallocations: u64,
    #[serde(default)]
    bytes_allocated: u64,
    occurrences: u64,
}

/// A string for the life of the process: the report model holds `&'static str`s, as a
/// profiled program's reports do (mprof reads one run and exits).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The reports in `text` (the JSON lines of one or more runs; the reports of the same
/// function are summed). `name` names the input in errors. Lines that are not JSON objects
/// are skipped; a line that starts like a report but is not one is an error.
pub fn parse_reports(text: &str, name: &str) -> Result<Reports, String> {
    let mut reports = Vec::new();
    for (i, line) in text.lines().enumerate() {
        // A test harness may print `test x ... ` on the line of the first report.
        let Some(at) = line.find('{') else { continue };
        let json = line[at..].trim_end();
        match serde_json::from_str::<Line>(json) {
            Ok(Line::Report(r)) => {
                let rows = r
                    .rows
                    .into_iter()
                    .map(|row| {
                        __page::row(
                            row.line,
                            leak(row.text),
                            row.mem_usage,
                            row.increment,
                            row.peak,
                            row.allocations,
                            row.reallocations,
                            row.bytes_allocated,
                            row.occurrences,
                        )
                    })
                    .collect();
                let report = __page::report(
                    (leak(r.function), leak(r.module_path), leak(r.file)),
                    rows,
                    r.peak,
                    &r.measured,
                    (r.panicked, r.cancelled, r.run_wide),
                )
                .map_err(|e| format!("{name}, line {}: {e}", i + 1))?;
                reports.push(report);
            }
            Ok(Line::Summary { .. }) => {}
            Err(e) if json.starts_with("{\"function\"") => {
                return Err(format!("{name}, line {}: not a report: {e}", i + 1));
            }
            Err(_) => {}
        }
    }
    if reports.is_empty() {
        return Err(format!(
            "{name}: no JSON reports (run the program with MEMORY_PROFILER_FORMAT=json, and MEMORY_PROFILER_REPORT=exit for one report per function)"
        ));
    }
    Ok(__page::reports(reports))
}

/// The timeline of a `.dat` file, as mprof reads it.
pub fn timeline(profile: &Profile) -> Timeline {
    Timeline {
        cmdline: profile.cmdline.clone(),
        samples: profile.mem.iter().map(|&(mib, t)| (t, mib)).collect(),
        calls: profile
            .funcs
            .iter()
            .map(|f| TimelineCall {
                name: f.name.clone(),
                start: f.start,
                end: f.end,
                mem_start: f.mem_start,
                mem_end: f.mem_end,
                level: f.level,
            })
            .collect(),
    }
}

/// The page of `reports` and, if given, of the `.dat` file's `profile`, titled `title`.
pub fn page(reports: &Reports, profile: Option<&Profile>, title: &str) -> String {
    __page::page(reports, title, profile.map(timeline).as_ref())
}

/// The program of a command line: its first word's file name.
fn program_of(cmdline: &str) -> Option<String> {
    let first = cmdline.split_whitespace().next()?;
    Some(
        Path::new(first)
            .file_name()
            .map_or(first.to_owned(), |n| n.to_string_lossy().into_owned()),
    )
}

/// `mprof html`: reads the reports (and the `.dat` file), writes the page; returns its path.
pub fn execute(args: &HtmlArgs) -> Result<PathBuf, String> {
    let mut text = String::new();
    for path in &args.reports {
        let read = if path == Path::new("-") {
            std::io::read_to_string(std::io::stdin())
        } else {
            std::fs::read_to_string(path)
        };
        let read = read.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        text.push_str(&read);
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    let first = &args.reports[0];
    let name = if args.reports.len() == 1 {
        first.display().to_string()
    } else {
        "the files of reports".to_owned()
    };
    let reports = parse_reports(&text, &name)?;
    let profile = match &args.dat {
        Some(dat) => {
            let text = std::fs::read_to_string(dat)
                .map_err(|e| format!("cannot read {}: {e}", dat.display()))?;
            let profile = Profile::parse(&text);
            if !profile.malformed.is_empty() {
                eprintln!(
                    "mprof: {}: skipped {} malformed line(s) (line {})",
                    dat.display(),
                    profile.malformed.len(),
                    profile.malformed[0]
                );
            }
            Some(profile)
        }
        None => None,
    };
    let stdin = first == Path::new("-");
    let title = args.title.clone().unwrap_or_else(|| {
        profile
            .as_ref()
            .and_then(|p| p.cmdline.as_deref())
            .and_then(program_of)
            .unwrap_or_else(|| {
                if stdin {
                    "mprof".to_owned()
                } else {
                    first
                        .file_stem()
                        .map_or("run".to_owned(), |s| s.to_string_lossy().into_owned())
                }
            })
    });
    let output = args.output.clone().unwrap_or_else(|| {
        if stdin {
            PathBuf::from("mprof.html")
        } else {
            first.with_extension("html")
        }
    });
    let page = page(&reports, profile.as_ref(), &title);
    std::fs::write(&output, page).map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    Ok(output)
}
