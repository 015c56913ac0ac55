//! `mprof diff OLD.json NEW.json` on real run-wide JSON reports: this test binary run again
//! as the profiled program (its `child` test, which does nothing on its own) with
//! `MEMORY_PROFILER_REPORT=exit MEMORY_PROFILER_FORMAT=json`, its stdout kept as the report;
//! then the exit statuses: 0 within the tolerances, 1 on a regression, 2 on bad or mismatched
//! input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

const EXTRA: &str = "MPROF_DIFF_TEST_EXTRA";

#[profile]
fn load(n: usize) -> Vec<u64> {
    let v: Vec<u64> = (0..n as u64).collect();
    v
}

#[profile]
fn index(v: &[u64], extra: usize) -> usize {
    let copy: Vec<u64> = v.to_vec();
    let more: Vec<u8> = Vec::with_capacity(100 + extra);
    copy.len() + more.capacity()
}

#[test]
fn child() {
    if let Ok(extra) = std::env::var(EXTRA) {
        let extra: usize = extra.parse().unwrap();
        for _ in 0..3 {
            let v = load(100);
            assert_eq!(index(&v, extra), 200 + extra);
        }
    }
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mprof_diff");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The child's run-wide JSON report, with `extra` bytes more in `index`, written to `name`.
/// `json` false: per-call reports.
fn report(name: &str, extra: usize, run_wide: bool) -> PathBuf {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "child", "--nocapture", "--test-threads", "1"])
        .env(EXTRA, extra.to_string())
        .env("MEMORY_PROFILER_FORMAT", "json")
        .env_remove("MEMORY_PROFILER_MPROF");
    if run_wide {
        command.env("MEMORY_PROFILER_REPORT", "exit");
    } else {
        command.env_remove("MEMORY_PROFILER_REPORT");
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let path = tmp(name);
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn diff(args: &[&str], old: &Path, new: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mprof"))
        .arg("diff")
        .args(args)
        .arg(old)
        .arg(new)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_same_figures_exit_0() {
    let (old, new) = (
        report("same_old.json", 0, true),
        report("same_new.json", 0, true),
    );
    let out = diff(&[], &old, &new);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("No line changed.\n"), "{stdout}");
    assert!(
        stdout.ends_with("\nEvery function is within the tolerances.\n"),
        "{stdout}"
    );
}

#[test]
fn a_growth_exits_1_with_functions_and_lines_ranked() {
    let (old, new) = (
        report("grow_old.json", 0, true),
        report("grow_new.json", 1000, true),
    );
    let out = diff(&[], &old, &new);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let file = "mprof/tests/diff.rs";
    let index = line_of("fn index(v: &[u64], extra: usize) -> usize {") - 1;
    let load = line_of("fn load(n: usize) -> Vec<u64> {") - 1;
    let more = line_of("let more: Vec<u8> = Vec::with_capacity(100 + extra);");
    // Three calls of `index`, each with a copy of 100 numbers (800 bytes) and 100 + extra
    // bytes: 2,700 bytes, then 5,700; its peak, 900 bytes then 1,900.
    let expected = format!(
        "Functions, by growth:\n\
         \n\
         Bytes old  Bytes new    Change  Allocs old  Allocs new  Change  Peak old  Peak new    Change  Calls old  Calls new   Function  Defined at\n\
         \x20 2,700 B    5,700 B  +3,000 B           6           6       0     900 B   1,900 B  +1,000 B          3          3   index  {file}:{index}\n\
         \x20 2,400 B    2,400 B       0 B           3           3       0     800 B     800 B       0 B          3          3   load  {file}:{load}\n\
         \n\
         Lines, by growth: 1 of 1 that changed (= same line, ~ moved, + added, - removed)\n\
         \n\
         \x20  Bytes old  Bytes new    Change  Allocs old  Allocs new  Peak old  Peak new    Change   Function  Line  Line Contents\n\
         =      300 B    3,300 B  +3,000 B           3           3     100 B   1,100 B  +1,000 B   index  {file}:{more}  let more: Vec<u8> = Vec::with_capacity(100 + extra);\n\
         \n\
         Regressions:\n\
         \x20 - `index`: bytes allocated 2,700 B → 5,700 B (+3,000 B, +111.1%), above its tolerance of +0 B (at most 2,700 B)\n\
         \x20 - `index`: peak 900 B → 1,900 B (+1,000 B, +111.1%), above its tolerance of +0 B (at most 900 B)\n"
    );
    assert!(stdout.ends_with(&expected), "{stdout}\n---\n{expected}");
    assert!(
        stdout.starts_with(&format!(
            "mprof diff: {} → {} (tolerances: bytes +0 B, allocations +0, peak +0 B)\n\n",
            old.display(),
            new.display()
        )),
        "{stdout}"
    );
    // Within tolerances wide enough: exit 0, the same tables.
    let out = diff(&["--bytes", "+150%", "--peak", "+1 KiB"], &old, &new);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("(tolerances: bytes +150%, allocations +0, peak +1,024 B)"));
    assert!(
        stdout.ends_with("\nEvery function is within the tolerances.\n"),
        "{stdout}"
    );
    // Shrinking is no regression.
    assert_eq!(diff(&[], &new, &old).status.code(), Some(0));
}

/// The line number of the first line of this file that is `text` (indentation aside).
fn line_of(text: &str) -> usize {
    include_str!("diff.rs")
        .lines()
        .position(|l| l.trim() == text)
        .expect(text)
        + 1
}

#[test]
fn lines_moved_by_a_comment_above_change_nothing() {
    let old = report("moved_old.json", 0, true);
    // The same run, as if a comment had been added above each function: every line number + 3.
    let shifted: String = std::fs::read_to_string(&old)
        .unwrap()
        .lines()
        .map(|line| {
            let mut out = String::new();
            let mut rest = line;
            while let Some(at) = rest.find("\"line\":") {
                let (head, tail) = rest.split_at(at + 7);
                let end = tail.find(|c: char| !c.is_ascii_digit()).unwrap();
                let n: u32 = tail[..end].parse().unwrap();
                out.push_str(head);
                out.push_str(&(n + 3).to_string());
                rest = &tail[end..];
            }
            out.push_str(rest);
            out.push('\n');
            out
        })
        .collect();
    let new = tmp("moved_new.json");
    std::fs::write(&new, shifted).unwrap();
    let out = diff(&[], &old, &new);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("No line changed.\n"), "{stdout}");
}

/// `mprof diff` on these files: exit 2 and a message with `expected`.
fn fails_with(old: &Path, new: &Path, expected: &str) {
    let out = diff(&[], old, new);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}{}", text(&out.stdout));
    assert!(stderr.contains(expected), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
}

#[test]
fn bad_or_mismatched_files_exit_2_saying_why() {
    let good = report("bad_good.json", 0, true);
    let write = |name: &str, content: &str| {
        let path = tmp(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let content = std::fs::read_to_string(&good).unwrap();
    fails_with(&tmp("missing.json"), &good, "mprof: cannot read ");
    let dat = write("bad.dat", "CMDLINE prog\nMEM 1.000000 1700000000.0000\n");
    fails_with(&good, &dat, "bad.dat: no JSON reports in it; a run-wide JSON report is written by a run with MEMORY_PROFILER_REPORT=exit MEMORY_PROFILER_FORMAT=json");
    // Per-call reports: one per call, none run-wide.
    let per_call = report("bad_per_call.json", 0, false);
    fails_with(&good, &per_call, "is of one call, not of the whole run");
    // Cut short before the summary.
    let cut: String = content
        .lines()
        .filter(|l| !l.contains("{\"summary\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let cut = write("bad_cut.json", &cut);
    fails_with(
        &good,
        &cut,
        "bad_cut.json: the reports end without their summary line",
    );
    // A report line damaged.
    let damaged = write(
        "bad_damaged.json",
        &content.replacen("\"calls\":3", "\"calls\":\"three\"", 1),
    );
    fails_with(&damaged, &good, "bad_damaged.json:");
    fails_with(
        &damaged,
        &good,
        ": not a report: invalid type: string \"three\", expected u64",
    );
    // Another program: no function in common.
    let other = write(
        "bad_other.json",
        &content
            .replace("\"function\":\"index\"", "\"function\":\"parse\"")
            .replace("\"function\":\"load\"", "\"function\":\"read\""),
    );
    fails_with(
        &good,
        &other,
        "the runs do not compare: no profiled function of",
    );
    // Measured otherwise.
    let process = write(
        "bad_process.json",
        &content.replace(
            "\"measured\":\"thread_heap\"",
            "\"measured\":\"process_heap\"",
        ),
    );
    fails_with(&good, &process, "measured thread_heap, ");
    fails_with(
        &good,
        &process,
        " measured process_heap; compare runs measured alike",
    );
    // Two runs in one file.
    let twice = write("bad_twice.json", &format!("{content}{content}"));
    fails_with(&twice, &good, "is reported twice: give one run per file");
    // A malformed tolerance is the command line's error, exit 2 as well.
    let out = diff(&["--bytes", "5%"], &good, &good);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("(did you mean \"+5%\"?)"),
        "{}",
        text(&out.stderr)
    );
}
