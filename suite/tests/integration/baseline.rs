//! `#[limit(baseline)]`: a test's allocations, per function and per line, compared with a
//! baseline file kept beside it (`snapshots/`, beside this file).
//!
//! The tests whose baselines are committed (`summed`, `an_async_body`) run as every test
//! does: under `cargo test` in parallel, under nextest, and on CI (`CI=true`), where a
//! missing baseline fails. The other cases run this test binary again as a child process
//! (its `child_*` tests do their work only there) with `MEMORY_PROFILER_BASELINE_DIR` naming a
//! folder of their own, and read what it printed and wrote: the first run, an unchanged run, a
//! growth within the tolerance and past it, `MEMORY_PROFILER_UPDATE=1` and `=new`, CI, a
//! damaged file, moved lines, and the figures of a thread that did other work first.

use std::path::{Path, PathBuf};

use memory_profiler::{limit, profile};

use memory_profiler_suite::{is_child, run_child, Child};

#[profile]
fn squares(n: usize) -> Vec<u64> {
    let v: Vec<u64> = (0..n as u64).map(|i| i * i).collect();
    v
}

#[profile]
fn boxed(n: usize) -> usize {
    let b: Vec<Box<u32>> = (0..n as u32).map(Box::new).collect();
    b.len()
}

// Its baseline is snapshots/integration__baseline__summed.allocs.
#[test]
#[limit(baseline)]
fn summed() {
    let v = squares(1000);
    let n = boxed(10);
    let w: Vec<u8> = Vec::with_capacity(100);
    assert_eq!(v.len() + n + w.capacity(), 1110);
}

// Its baseline is snapshots/integration__baseline__an_async_body.allocs.
#[tokio::test]
#[limit(baseline)]
async fn an_async_body() {
    let v = async { squares(10) }.await;
    assert_eq!(v.len(), 10);
}

/// The committed baseline holds the figures worked out by hand: the body's lines, and the
/// lines of the profiled functions it called, each function's totals (a function's include
/// what the profiled functions it calls allocate, on the calling line), and peaks relative to
/// where each line or call started.
#[test]
fn the_committed_baseline_has_the_figures_worked_out_by_hand() {
    let text =
        std::fs::read_to_string(snapshots().join("integration__baseline__summed.allocs")).unwrap();
    let boxed = attribute_of("fn boxed(n: usize) -> usize {");
    let squares = attribute_of("fn squares(n: usize) -> Vec<u64> {");
    let summed = attribute_of("fn summed() {");
    assert_eq!(
        rows(&text),
        format!(
            "version 1\n\
             `boxed` calls=1 bytes=120 allocs=11 peak=120 | suite/tests/integration/baseline.rs:{boxed}\n\
             `boxed` @2 bytes=120 allocs=11 peak=120 | let b: Vec<Box<u32>> = (0..n as u32).map(Box::new).collect();\n\
             `boxed` @3 bytes=0 allocs=0 peak=0 | b.len()\n\
             `boxed` @4 bytes=0 allocs=0 peak=0 | }}\n\
             `squares` calls=1 bytes=8_000 allocs=1 peak=8_000 | suite/tests/integration/baseline.rs:{squares}\n\
             `squares` @2 bytes=8_000 allocs=1 peak=8_000 | let v: Vec<u64> = (0..n as u64).map(|i| i * i).collect();\n\
             `squares` @3 bytes=0 allocs=0 peak=0 | v\n\
             `squares` @4 bytes=0 allocs=0 peak=0 | }}\n\
             `summed` calls=1 bytes=8_220 allocs=13 peak=8_120 | suite/tests/integration/baseline.rs:{summed}\n\
             `summed` @2 bytes=8_000 allocs=1 peak=8_000 | let v = squares(1000);\n\
             `summed` @3 bytes=120 allocs=11 peak=120 | let n = boxed(10);\n\
             `summed` @4 bytes=100 allocs=1 peak=100 | let w: Vec<u8> = Vec::with_capacity(100);\n\
             `summed` @5 bytes=0 allocs=0 peak=0 | assert_eq!(v.len() + n + w.capacity(), 1110);\n\
             `summed` @6 bytes=0 allocs=0 peak=0 | }}\n"
        )
    );
    // 10 boxes of 4 bytes and their Vec of 10 pointers: 11 allocations, 120 bytes. The body's
    // peak: the 8,000 bytes of `v`, live while `boxed` allocates its 120.
}

/// This file's source, whose line numbers the expected figures name.
const SOURCE: &str = include_str!("baseline.rs");

/// The line number of the first line of this file that is `text` (indentation aside), after
/// the line that is `after`.
fn line_of(after: &str, text: &str) -> usize {
    let lines: Vec<&str> = SOURCE.lines().map(str::trim).collect();
    let start = lines.iter().position(|l| *l == after).expect(after);
    start + lines[start..].iter().position(|l| *l == text).expect(text) + 1
}

/// The line of the attribute of the function whose first line is `header`.
fn attribute_of(header: &str) -> usize {
    line_of(header, header) - 1
}

const GROWS: &str = "fn grows(extra: usize) {";
const GROWS_MOVED: &str = "fn grows_moved(extra: usize) {";
const MORE: &str = "let more: Vec<u8> = Vec::with_capacity(100 + extra);";

/// The folder of the committed baselines.
fn snapshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/snapshots")
}

/// The work a child checks against its baseline: `extra` bytes more than the baseline's run
/// (0) in `more`'s buffer. Tolerances: 10% of the bytes and of the peak, no more allocations.
#[limit(baseline, bytes = "+10%", peak = "+10%")]
fn grows(extra: usize) {
    let base = squares(1000);
    let more: Vec<u8> = Vec::with_capacity(100 + extra);
    assert_eq!(base.len() + more.capacity(), 1100 + extra);
}

// A comment above the function, and `more` moved above `base`: the same statements.
#[limit(baseline, bytes = "+10%", peak = "+10%")]
fn grows_moved(extra: usize) {
    let more: Vec<u8> = Vec::with_capacity(100 + extra);
    let base = squares(1000);
    assert_eq!(base.len() + more.capacity(), 1100 + extra);
}

/// The extra bytes a child is told to allocate.
fn extra() -> usize {
    std::env::var("BASELINE_TEST_EXTRA")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[test]
fn child_grows() {
    if is_child(module_path!(), "child_grows") {
        grows(extra());
    }
}

#[test]
fn child_grows_moved() {
    if is_child(module_path!(), "child_grows_moved") {
        grows_moved(extra());
    }
}

/// Work on the thread before the limited function: allocations it keeps, profiled calls, a
/// thread local, a function checked twice.
#[test]
fn child_after_other_work() {
    if is_child(module_path!(), "child_after_other_work") {
        let kept: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let _ = squares(5000);
        thread_local!(static CACHE: Vec<u8> = vec![0; 4096]);
        CACHE.with(|c| assert_eq!(c.len(), 4096));
        grows(0);
        grows(0);
        std::thread::spawn(|| grows(0)).join().unwrap();
        assert_eq!(kept.len(), 100);
    }
}

/// A folder of its own for one case, empty.
fn folder(case: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("baseline")
        .join(case);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs child test `test` with its baselines in `dir`, `extra` bytes, and `vars`; the CI and
/// update variables are unset unless `vars` sets them.
fn run(test: &str, dir: &Path, extra: usize, vars: &[(&str, Option<&str>)]) -> Child {
    let extra = extra.to_string();
    let mut all: Vec<(&str, Option<&str>)> = vec![
        ("MEMORY_PROFILER_BASELINE_DIR", dir.to_str()),
        ("BASELINE_TEST_EXTRA", Some(&extra)),
        ("CI", None),
        ("MEMORY_PROFILER_UPDATE", None),
    ];
    all.extend_from_slice(vars);
    run_child(module_path!(), test, &all)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", shown(path)))
}

/// The baseline of `grows`'s run with `extra` bytes.
fn expected_grows(extra: u64) -> String {
    let more = 100 + extra;
    let g = |n: u64| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('_');
            }
            out.push(d);
        }
        out
    };
    format!(
        "version 1\n\
         `grows` calls=1 bytes={} allocs=2 peak={} | suite/tests/integration/baseline.rs:{}\n\
         `grows` @2 bytes=8_000 allocs=1 peak=8_000 | let base = squares(1000);\n\
         `grows` @3 bytes={} allocs=1 peak={} | let more: Vec<u8> = Vec::with_capacity(100 + extra);\n\
         `grows` @4 bytes=0 allocs=0 peak=0 | assert_eq!(base.len() + more.capacity(), 1100 + extra);\n\
         `grows` @5 bytes=0 allocs=0 peak=0 | }}\n\
         `squares` calls=1 bytes=8_000 allocs=1 peak=8_000 | suite/tests/integration/baseline.rs:{}\n\
         `squares` @2 bytes=8_000 allocs=1 peak=8_000 | let v: Vec<u64> = (0..n as u64).map(|i| i * i).collect();\n\
         `squares` @3 bytes=0 allocs=0 peak=0 | v\n\
         `squares` @4 bytes=0 allocs=0 peak=0 | }}\n",
        g(8000 + more),
        g(8000 + more),
        attribute_of(GROWS),
        g(more),
        g(more),
        attribute_of("fn squares(n: usize) -> Vec<u64> {"),
    )
}

/// The file without its comment lines.
fn rows(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `path` as the messages show it: relative to the current folder (the package's, for the
/// tests and their children).
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().unwrap();
    path.strip_prefix(here)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn says(child: &Child, text: &str) -> bool {
    child.stderr.contains(text) || child.stdout.contains(text)
}

#[test]
fn the_first_run_writes_the_baseline_and_says_so() {
    let dir = folder("first_run");
    let child = run("child_grows", &dir, 0, &[]);
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    let path = dir.join("integration__baseline__grows.allocs");
    assert!(
        child.stderr.contains(&format!(
            "memory_profiler: wrote the allocation baseline of `grows`: {} (its first run); commit it with the test",
            shown(&path)
        )),
        "{}",
        child.stderr
    );
    let text = read(&path);
    assert!(text.starts_with("# memory-profiler allocation baseline"));
    assert_eq!(rows(&text), expected_grows(0));
    // The next run: the same figures, nothing written, nothing said.
    let child = run("child_grows", &dir, 0, &[]);
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    assert!(!says(&child, "memory_profiler"), "{}", child.stderr);
    assert_eq!(read(&path), text);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn a_growth_within_the_tolerance_passes_and_says_what_changed() {
    let dir = folder("within");
    assert!(run("child_grows", &dir, 0, &[]).success);
    let before = read(&dir.join("integration__baseline__grows.allocs"));
    // 400 more bytes: 8,500 of 8,100 is +4.9%, within +10%.
    let child = run("child_grows", &dir, 400, &[]);
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    assert!(
        child
            .stderr
            .contains("memory_profiler: `grows` is within its allocation baseline"),
        "{}",
        child.stderr
    );
    assert!(
        child.stderr.contains(
            &format!("`grows` (suite/tests/integration/baseline.rs:{}): bytes allocated 8,100 B → 8,500 B (+400 B), allocations 2, peak 8,100 B → 8,500 B (+400 B), 1 call", attribute_of(GROWS))
        ),
        "{}",
        child.stderr
    );
    assert_eq!(
        read(&dir.join("integration__baseline__grows.allocs")),
        before
    );
}

#[test]
fn a_growth_past_the_tolerance_fails_with_the_line_level_diff() {
    let dir = folder("past");
    assert!(run("child_grows", &dir, 0, &[]).success);
    let before = read(&dir.join("integration__baseline__grows.allocs"));
    // 1,000 more bytes: 9,100 of 8,100 is +12.3%, past +10%.
    let child = run("child_grows", &dir, 1000, &[]);
    assert!(!child.success);
    let err = &child.stderr;
    let path = dir.join("integration__baseline__grows.allocs");
    assert!(
        err.contains(&format!(
            "memory_profiler: `grows` allocates more than its baseline, {} (tolerances: bytes +10%, allocations +0, peak +10%):\n\
             \x20 - `grows`: bytes allocated 8,100 B → 9,100 B (+1,000 B, +12.3%), above its tolerance of +10% (at most 8,910 B)\n\
             \x20 - `grows`: peak 8,100 B → 9,100 B (+1,000 B, +12.3%), above its tolerance of +10% (at most 8,910 B)\n\
             \x20 To accept the new figures: MEMORY_PROFILER_UPDATE=1 cargo test grows (rewrites the baseline), or MEMORY_PROFILER_UPDATE=new (writes them beside it, for review).\n",
            shown(&path)
        )),
        "{err}"
    );
    // The line-level diff: the line that grew, old and new side by side; `squares`, called by
    // the body, unchanged.
    let diff: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.starts_with("Allocations, old and new"))
        .collect();
    let (grows, more) = (attribute_of(GROWS), line_of(GROWS, MORE));
    let squares = attribute_of("fn squares(n: usize) -> Vec<u64> {");
    assert_eq!(
        diff[..8].join("\n"),
        format!(
            "Allocations, old and new (= same line, ~ moved, + added, - removed; unchanged lines left out):\n\
             \n\
             `grows` (suite/tests/integration/baseline.rs:{grows}): bytes allocated 8,100 B → 9,100 B (+1,000 B), allocations 2, peak 8,100 B → 9,100 B (+1,000 B), 1 call\n\
             \x20    Line  Bytes old  Bytes new    Change  Allocs old  Allocs new  Peak old  Peak new   Line Contents\n\
             \x20 =   {more}      100 B    1,100 B  +1,000 B           1           1     100 B   1,100 B   {MORE}\n\
             \x20   (3 other lines unchanged)\n\
             \n\
             `squares` (suite/tests/integration/baseline.rs:{squares}): unchanged, bytes allocated 8,000 B, allocations 1, peak 8,000 B, 1 call"
        ),
        "{err}"
    );
    // The failure points at the limited function, and the baseline stays as it was.
    assert!(
        err.contains(&format!(
            "panicked at suite/tests/integration/baseline.rs:{grows}:1:"
        )),
        "{err}"
    );
    assert_eq!(read(&path), before);
}

#[test]
fn update_rewrites_the_baseline_and_passes() {
    let dir = folder("update");
    assert!(run("child_grows", &dir, 0, &[]).success);
    let path = dir.join("integration__baseline__grows.allocs");
    let child = run(
        "child_grows",
        &dir,
        1000,
        &[("MEMORY_PROFILER_UPDATE", Some("1"))],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    assert!(
        child.stderr.contains(&format!(
            "memory_profiler: rewrote the allocation baseline of `grows`: {} (MEMORY_PROFILER_UPDATE); review and commit it",
            shown(&path)
        )),
        "{}",
        child.stderr
    );
    assert_eq!(rows(&read(&path)), expected_grows(1000));
    // The new figures are the baseline now.
    assert!(run("child_grows", &dir, 1000, &[]).success);
    assert!(!run("child_grows", &dir, 2000, &[]).success);
    // Unchanged figures are not rewritten, nor said.
    let child = run(
        "child_grows",
        &dir,
        1000,
        &[("MEMORY_PROFILER_UPDATE", Some("always"))],
    );
    assert!(child.success);
    assert!(!says(&child, "memory_profiler"), "{}", child.stderr);
}

#[test]
fn update_new_writes_the_figures_beside_the_baseline_for_review() {
    let dir = folder("new");
    assert!(run("child_grows", &dir, 0, &[]).success);
    let path = dir.join("integration__baseline__grows.allocs");
    let before = read(&path);
    let child = run(
        "child_grows",
        &dir,
        1000,
        &[("MEMORY_PROFILER_UPDATE", Some("new"))],
    );
    // Still a regression: the baseline has not changed.
    assert!(!child.success);
    let pending = dir.join("integration__baseline__grows.allocs.new");
    assert!(
        child.stderr.contains(&format!(
            "This run's figures are in {} (MEMORY_PROFILER_UPDATE=new): review them, and rename the file over the baseline to accept them.",
            shown(&pending)
        )),
        "{}",
        child.stderr
    );
    assert_eq!(read(&path), before);
    assert_eq!(rows(&read(&pending)), expected_grows(1000));
    // Accepted by renaming it: the run passes.
    std::fs::rename(&pending, &path).unwrap();
    assert!(run("child_grows", &dir, 1000, &[]).success);
    // A `.new` left from an earlier run goes when the figures match the baseline again.
    assert!(
        !run(
            "child_grows",
            &dir,
            2000,
            &[("MEMORY_PROFILER_UPDATE", Some("new"))]
        )
        .success
    );
    assert!(pending.exists());
    assert!(run("child_grows", &dir, 1000, &[]).success);
    assert!(!pending.exists());
    // Without a baseline, `new` writes the figures for review only, and fails.
    let empty = folder("new_missing");
    let child = run(
        "child_grows",
        &empty,
        0,
        &[("MEMORY_PROFILER_UPDATE", Some("new"))],
    );
    assert!(!child.success);
    assert!(child
        .stderr
        .contains("MEMORY_PROFILER_UPDATE=new writes it for review only"));
    assert!(!empty.join("integration__baseline__grows.allocs").exists());
    assert_eq!(
        rows(&read(
            &empty.join("integration__baseline__grows.allocs.new")
        )),
        expected_grows(0)
    );
}

#[test]
fn on_ci_a_missing_baseline_fails_instead_of_being_written() {
    let dir = folder("ci");
    let child = run("child_grows", &dir, 0, &[("CI", Some("true"))]);
    assert!(!child.success);
    let path = dir.join("integration__baseline__grows.allocs");
    assert!(
        child.stderr.contains(&format!(
            "memory_profiler: `grows` has no allocation baseline: {} does not exist, and it is not written: CI is set, and a baseline is not written on CI.\n\
             \x20 Run the test once where CI is not set (or with MEMORY_PROFILER_UPDATE=1) and commit the file it writes.",
            shown(&path)
        )),
        "{}",
        child.stderr
    );
    assert!(!path.exists());
    // `no` writes nothing either; `CI=false` is not CI; an explicit update writes on CI.
    let child = run(
        "child_grows",
        &dir,
        0,
        &[("MEMORY_PROFILER_UPDATE", Some("no"))],
    );
    assert!(!child.success);
    assert!(child
        .stderr
        .contains("MEMORY_PROFILER_UPDATE says to write none"));
    assert!(!path.exists());
    assert!(run("child_grows", &dir, 0, &[("CI", Some("false"))]).success);
    std::fs::remove_file(&path).unwrap();
    let child = run(
        "child_grows",
        &dir,
        0,
        &[("CI", Some("true")), ("MEMORY_PROFILER_UPDATE", Some("1"))],
    );
    assert!(child.success, "{}", child.stderr);
    assert_eq!(rows(&read(&path)), expected_grows(0));
    // With the baseline there, CI checks it.
    assert!(run("child_grows", &dir, 0, &[("CI", Some("true"))]).success);
    assert!(!run("child_grows", &dir, 1000, &[("CI", Some("true"))]).success);
}

#[test]
fn a_damaged_baseline_fails_saying_where_until_rewritten() {
    let dir = folder("damaged");
    let path = dir.join("integration__baseline__grows.allocs");
    assert!(run("child_grows", &dir, 0, &[]).success);
    let good = read(&path);
    // A figure damaged by a bad merge.
    std::fs::write(
        &path,
        good.replace("bytes=8_000 allocs=1", "bytes=8_0x0 allocs=1"),
    )
    .unwrap();
    let child = run("child_grows", &dir, 0, &[]);
    assert!(!child.success);
    assert!(
        child.stderr.contains(&format!(
            "memory_profiler: the allocation baseline of `grows`, {}, cannot be read: line 7: `bytes=8_0x0` is not a number.\n\
             \x20 Restore it (from version control), or write it anew with MEMORY_PROFILER_UPDATE=1.",
            shown(&path)
        )),
        "{}",
        child.stderr
    );
    // Not a baseline at all; from a newer format.
    std::fs::write(&path, "<<<<<<< HEAD\n").unwrap();
    let child = run("child_grows", &dir, 0, &[]);
    assert!(!child.success);
    assert!(child.stderr.contains(
        "cannot be read: line 1: expected `version 1` before any row, found `<<<<<<< HEAD`"
    ));
    std::fs::write(&path, "version 2\n").unwrap();
    let child = run("child_grows", &dir, 0, &[]);
    assert!(child.stderr.contains(
        "cannot be read: line 1: the file is in format 2, and this memory-profiler reads format 1"
    ));
    // Rewritten: passes again.
    let child = run(
        "child_grows",
        &dir,
        0,
        &[("MEMORY_PROFILER_UPDATE", Some("1"))],
    );
    assert!(child.success);
    assert_eq!(read(&path), good);
}

#[test]
fn moved_lines_and_a_comment_above_match_by_their_text() {
    let dir = folder("moved");
    assert!(run("child_grows", &dir, 0, &[]).success);
    // `grows_moved` is `grows` with a comment line above it and `more` moved above `base`:
    // start it from `grows`'s baseline.
    let text =
        read(&dir.join("integration__baseline__grows.allocs")).replace("`grows`", "`grows_moved`");
    std::fs::write(
        dir.join("integration__baseline__grows.allocs")
            .with_file_name("integration__baseline__grows_moved.allocs"),
        &text,
    )
    .unwrap();
    let child = run("child_grows_moved", &dir, 0, &[]);
    // The same figures on the same statements: within the baseline, one line moved.
    assert!(child.success, "{}", child.stderr);
    let err = &child.stderr;
    let (moved, more, was) = (
        attribute_of(GROWS_MOVED),
        line_of(GROWS_MOVED, MORE),
        line_of(GROWS, MORE),
    );
    assert!(
        err.contains(&format!("`grows_moved` (suite/tests/integration/baseline.rs:{moved}): bytes allocated 8,100 B, allocations 2, peak 8,100 B, 1 call\n")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "  ~   {more}      100 B      100 B     0 B           1           1     100 B     100 B   {MORE}   (moved from line {was})\n    (3 other lines unchanged)\n"
        )),
        "{err}"
    );
    // No line is new, nor gone.
    assert!(
        !err.lines()
            .any(|l| l.starts_with("  + ") || l.starts_with("  - ")),
        "{err}"
    );
    // Grown past the tolerance, the failure shows the line moved and grown.
    let child = run("child_grows_moved", &dir, 1000, &[]);
    assert!(!child.success);
    assert!(
        child.stderr.contains(&format!(
            "  ~   {more}      100 B    1,100 B  +1,000 B           1           1     100 B   1,100 B   {MORE}   (moved from line {was})\n"
        )),
        "{}",
        child.stderr
    );
}

#[test]
fn figures_do_not_depend_on_what_ran_before_on_the_thread() {
    let dir = folder("history");
    // Written by a run in a fresh process, on a fresh thread (as nextest runs tests).
    assert!(run("child_grows", &dir, 0, &[]).success);
    let before = read(&dir.join("integration__baseline__grows.allocs"));
    // Checked after other work on the same thread, twice, and on another thread.
    let child = run("child_after_other_work", &dir, 0, &[]);
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    assert!(!says(&child, "memory_profiler"), "{}", child.stderr);
    assert_eq!(
        read(&dir.join("integration__baseline__grows.allocs")),
        before
    );
}
