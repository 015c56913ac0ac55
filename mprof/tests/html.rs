//! `mprof html`: the page of a run from its JSON reports (and `.dat` file) is the page the
//! run writes itself, byte for byte; the command line reads real streams (program output
//! between the reports, per-call reports summed) and says what is wrong with bad input.

use std::path::PathBuf;
use std::process::Command;

use memory_profiler::{capture, profile, Reports};
use mprof::dat::Profile;
use profile_runtime::__page::Timeline;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

#[profile]
fn squares(n: u64) -> Vec<u64> {
    let v: Vec<u64> = (0..n).map(|i| i * i).collect();
    v
}

#[profile(unit = "KiB", allocs)]
fn words(n: usize) -> String {
    let words: Vec<String> = (0..n).map(|i| format!("<word {i}>")).collect();
    if n > 1_000_000 {
        return String::new();
    }
    words.join(" & ")
}

fn run() -> Reports {
    let ((), reports) = capture(|| {
        for n in [1000, 2000, 3000] {
            assert_eq!(squares(n).len(), n as usize);
        }
        assert!(!words(100).is_empty());
    });
    reports
}

/// The JSON lines a run writes: its reports, then its summary.
fn json_of(reports: &Reports) -> String {
    let mut out = String::new();
    for report in reports {
        out.push_str(&report.to_json());
        out.push('\n');
    }
    out.push_str(&reports.summary().to_json());
    out.push('\n');
    out
}

#[test]
fn the_page_from_json_is_the_page_of_the_run() {
    let reports = run();
    let json = json_of(&reports);
    let parsed = mprof::html::parse_reports(&json, "reports").unwrap();
    assert_eq!(parsed.len(), 2);
    let page = mprof::html::page(&parsed, None, "a run");
    assert_eq!(page, reports.to_html("a run"));
    // With a timeline: the runtime's reader of `.dat` files and mprof's agree.
    let dat = include_str!("data/python_mean.dat");
    let profile = Profile::parse(dat);
    assert_eq!(mprof::html::timeline(&profile), Timeline::parse_dat(dat));
    assert!(!profile.funcs.is_empty() && !profile.mem.is_empty());
    let with_plot = mprof::html::page(&parsed, Some(&profile), "a run");
    assert_eq!(
        with_plot,
        profile_runtime::__page::page(&reports, "a run", Some(&Timeline::parse_dat(dat)))
    );
    assert!(with_plot.contains("<section id=\"timeline\">"));
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mprof_html_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn mprof(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_mprof"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn mprof_html_reads_a_stream_of_reports_and_a_dat_file() {
    let reports = run();
    // A per-call stream: each call's report, with the program's own output between them and
    // a test harness's prefix on a line.
    let mut stream = String::from("Starting\n");
    for (i, report) in reports.iter().enumerate() {
        if i == 0 {
            stream.push_str("test child ... ");
        }
        stream.push_str(&report.to_json());
        stream.push_str("\n{not json}\nprogram output {\n");
    }
    // squares' report again: the page sums the two.
    let squares = reports.function("squares").unwrap();
    stream.push_str(&squares.to_json());
    stream.push('\n');
    let input = tmp("stream.jsonl");
    std::fs::write(&input, &stream).unwrap();
    // The .dat of the run: samples, and a call of each function (by their dotted names).
    let dat = tmp("run.dat");
    std::fs::write(
        &dat,
        "CMDLINE /usr/bin/prog --n 3\nMEM 1.0 100.0\nMEM 5.0 100.5\nMEM 2.0 101.0\nFUNC html.squares 1.0 100.1 4.0 100.6 0\nFUNC html.words 2.0 100.7 2.5 100.9 0\nFUNC other.thing 2.0 100.7 2.5 100.8 1\n",
    )
    .unwrap();
    let page_path = tmp("page.html");
    let (ok, stderr) = mprof(&[
        "html",
        input.to_str().unwrap(),
        "--dat",
        dat.to_str().unwrap(),
        "-o",
        page_path.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert_eq!(
        stderr,
        format!("mprof: page written to {}\n", page_path.display())
    );
    let page = std::fs::read_to_string(&page_path).unwrap();
    // Titled after the .dat's program.
    assert!(page.contains("<title>prog · memory profile</title>"));
    // squares (f1) with 2 × 3 calls summed: 6 calls, 12,000 u64 = 96,000 bytes on its line.
    assert!(page.contains("<h3><a href=\"#f1\">squares</a></h3>"));
    assert!(
        page.contains(" · 6 calls · allocated <b>93.8 KiB</b> in 6 allocations"),
        "{page}"
    );
    // words (f2), its name and source escaped.
    assert!(page.contains(
        "(<s>0</s>..n).map(|i| <em>format!</em>(<i>&quot;&lt;word {i}&gt;&quot;</i>)).collect();"
    ));
    // The brackets link to their functions; a function without a report is drawn unlinked.
    assert!(page.contains(
        "<a href=\"#f1\"><title>html.squares: 0.500 s, 1.0 MiB at entry, 4.0 MiB at exit</title>"
    ));
    assert!(page.contains("<a href=\"#f2\"><title>html.words: 0.200 s"));
    assert!(page.contains("<a><title>other.thing: 0.100 s"));
    // Without --dat, -o and --title: no plot, the page beside the reports, named after them.
    let (ok, stderr) = mprof(&["html", input.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let beside = std::fs::read_to_string(tmp("stream.html")).unwrap();
    assert!(beside.contains("<title>stream · memory profile</title>"));
    assert!(!beside.contains("id=\"timeline\""));
}

#[test]
fn bad_input_is_an_error() {
    let empty = tmp("empty.jsonl");
    std::fs::write(&empty, "no reports here\n{\"other\":1}\n").unwrap();
    let (ok, stderr) = mprof(&["html", empty.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(
        stderr,
        format!("mprof: {}: no JSON reports (run the program with MEMORY_PROFILER_FORMAT=json, and MEMORY_PROFILER_REPORT=exit for one report per function)\n", empty.display())
    );
    let broken = tmp("broken.jsonl");
    std::fs::write(&broken, "text\n{\"function\":\"f\",\"rows\":[}\n").unwrap();
    let (ok, stderr) = mprof(&["html", broken.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.starts_with(&format!(
            "mprof: {}, line 2: not a report: ",
            broken.display()
        )),
        "{stderr}"
    );
    let (ok, stderr) = mprof(&["html", "/nonexistent/reports.jsonl"]);
    assert!(!ok);
    assert!(
        stderr.starts_with("mprof: cannot read /nonexistent/reports.jsonl: "),
        "{stderr}"
    );
    let (ok, stderr) = mprof(&["html"]);
    assert!(!ok);
    assert!(stderr.contains("Usage: mprof html"), "{stderr}");
}
