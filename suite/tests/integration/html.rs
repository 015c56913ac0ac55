//! The run's HTML page (`MEMORY_PROFILER_HTML`): every profiled function of a run, per-call
//! and run-wide ones, on one self-contained page written at exit, with the plot of the `.dat`
//! file under `mprof run`. The page is written at exit, so each case runs this test binary
//! again as a child process (its `child_*` tests do their work only there) and reads the page.
//! The page in a real browser: the `browser-tests` package.

use std::path::PathBuf;

use memory_profiler::profile;

use memory_profiler_suite::{is_child, run_child};

#[profile(report = "exit", unit = "B")]
fn run_wide(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[profile(unit = "B")]
fn per_call(n: usize) -> usize {
    let v = vec![1u64; n];
    v.len()
}

/// Never called: not on the page.
#[profile]
fn never() -> usize {
    7
}

#[profile(unit = "B")]
fn slow() -> usize {
    let v = vec![2u8; 4096];
    std::thread::sleep(std::time::Duration::from_millis(30));
    v.len()
}

#[memory_profiler::limit(allocations = 10)]
fn limited() -> usize {
    vec![3u8; 100].len()
}

#[test]
fn child_run() {
    if is_child(module_path!(), "child_run") {
        for _ in 0..100 {
            assert_eq!(run_wide(10), 10);
        }
        for n in [1000, 3000, 2000] {
            assert_eq!(per_call(n), n);
        }
        // Captured calls are the capture's, a limit's body is its limit's: not the run's.
        let (_, reports) = memory_profiler::capture(|| per_call(5) + run_wide(7));
        assert_eq!(reports.len(), 2);
        assert_eq!(limited(), 100);
        if std::env::var_os("MEMORY_PROFILER_MPROF").is_some() {
            assert_eq!(slow(), 4096);
        }
        let _ = never;
        println!("child done");
    }
}

fn page_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("memory_profiler_html_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The texts of the cells of the row with id `id` (each row is one line of the page).
fn cells(page: &str, id: &str) -> Vec<String> {
    let at = page
        .find(&format!("<tr id={id} "))
        .unwrap_or_else(|| panic!("no row {id}"));
    let row = &page[at..at + page[at..].find('\n').unwrap()];
    row.split("<td")
        .skip(1)
        .map(|cell| text(&cell[cell.find('>').unwrap() + 1..]))
        .collect()
}

/// Text without its tags, entities read back.
fn text(html: &str) -> String {
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

/// The line number in this file of the line that contains `needle`.
fn line_of(needle: &str) -> u32 {
    let source = include_str!("html.rs");
    source.lines().position(|l| l.contains(needle)).unwrap() as u32 + 1
}

#[test]
fn the_page_has_every_function_of_the_run_and_the_text_is_unchanged() {
    let path = page_path("run.html");
    let child = run_child(
        module_path!(),
        "child_run",
        &[("MEMORY_PROFILER_HTML", Some(path.to_str().unwrap()))],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    // The text is as without the page: per_call's three reports after each call (not again
    // at exit), run_wide's one at exit.
    let out = &child.stdout;
    assert_eq!(
        out.matches("Filename: suite/tests/integration/html.rs")
            .count(),
        4,
        "{out}"
    );
    assert_eq!(
        out.matches("Function: run_wide, 100 calls over the whole run")
            .count(),
        1
    );
    assert!(!out.contains("Function: per_call"), "{out}");
    assert!(out.contains("Summary: 1 profiled function"), "{out}");
    assert!(
        !child.stderr.contains("memory_profiler"),
        "{}",
        child.stderr
    );

    let page = std::fs::read_to_string(&path).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.ends_with("</html>\n"));
    // The two functions, in the order of the file.
    let rw = line_of("fn run_wide(n: usize)") - 1;
    let pc = line_of("fn per_call(n: usize)") - 1;
    assert!(
        page.contains("<article class=\"function\" id=\"f1\">\n<h3><a href=\"#f1\">run_wide</a>")
    );
    assert!(
        page.contains("<article class=\"function\" id=\"f2\">\n<h3><a href=\"#f2\">per_call</a>")
    );
    assert!(
        !page.contains(">never<"),
        "a function never called is not on the page"
    );
    assert!(!page.contains(">limited<"));
    // run_wide: 100 calls of 10 bytes (the captured call is not the run's).
    let v = line_of("let v = vec![0u8; n];");
    // (Mem usage, the second cell, is the thread's heap: the test harness's too.)
    let row = cells(&page, &format!("f1-{v}"));
    assert_eq!(row[0], v.to_string());
    assert_eq!(
        row[2..],
        [
            "1000 B",
            "10 B",
            "100",
            "100",
            "0",
            "",
            "    let v = vec![0u8; n];"
        ]
    );
    let close = cells(&page, &format!("f1-{}", rw + 4));
    assert_eq!(close[2], "\u{2212}1000 B");
    assert_eq!(close[8], "}freed 1000 B");
    // per_call: its three calls summed (6,000 u64 = 48,000 bytes), the captured one not.
    let v = line_of("let v = vec![1u64; n];");
    let row = cells(&page, &format!("f2-{v}"));
    assert_eq!(row[2..7], ["46.9 KiB", "23.4 KiB", "3", "3", "0"]);
    assert!(page.contains("<td title=\"48,000 B\">46.9 KiB"));
    let entry = cells(&page, &format!("f2-{pc}"));
    assert_eq!(
        (entry[4].as_str(), entry[8].as_str()),
        ("3", "#[profile(unit = \"B\")]")
    );
    let signature = cells(&page, &format!("f2-{}", pc + 1));
    assert!(page.contains(&format!("<tr id=f2-{} class=idle>", pc + 1)));
    assert_eq!(signature[1..8], ["", "", "", "", "", "", ""]);
    // The summary ranks them; the table of every line has the five lines that ran.
    let summary = &page[page.find("<section id=\"summary\">").unwrap()..];
    assert!(summary.find(">per_call</a>").unwrap() < summary.find(">run_wide</a>").unwrap());
    assert!(
        page.contains("<h2>All lines <small>6 lines that ran</small></h2>"),
        "{page}"
    );
    // Self-contained: no address, no resource to fetch.
    for never in [
        "http:", "https:", "//cdn", "src=", "<link", "@import", "url(",
    ] {
        assert!(!page.contains(never), "{never}");
    }
    // No timeline without mprof.
    assert!(!page.contains("id=\"timeline\""));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_page_of_a_run_under_mprof_has_its_plot_with_brackets_linking_to_functions() {
    let path = page_path("mprof.html");
    let dat = page_path("mprof.dat");
    // mprof run's samples (as mprof writes them while the program runs), around now.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let samples: String = (0..20)
        .map(|i| {
            format!(
                "MEM {:.6} {:.4}\n",
                3.0 + i as f64 * 0.25,
                now - 1.0 + i as f64 * 0.1
            )
        })
        .collect();
    std::fs::write(&dat, format!("CMDLINE html child\n{samples}")).unwrap();
    let child = run_child(
        module_path!(),
        "child_run",
        &[
            ("MEMORY_PROFILER_HTML", Some(path.to_str().unwrap())),
            ("MEMORY_PROFILER_MPROF", Some(dat.to_str().unwrap())),
            ("MEMORY_PROFILER_MPROF_INTERVAL", Some("0.01")),
        ],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    let page = std::fs::read_to_string(&path).unwrap();
    // slow() lasted a sampling interval: its FUNC line is on the plot, linking to it.
    let slow = page
        .find("<a href=\"#f3\">")
        .expect("slow is the third function of the file");
    assert!(
        page[slow..].starts_with("<a href=\"#f3\"><title>integration.html.slow: 0.0"),
        "{}",
        &page[slow..slow + 200]
    );
    assert!(page.contains("<article class=\"function\" id=\"f3\">\n<h3><a href=\"#f3\">slow</a>"));
    assert!(page.contains("<a href=\"#timeline\">Memory over time</a>"));
    assert!(page.contains("Resident memory of <code>html child</code>"));
    assert!(page.contains("<polyline class=\"mem\" points=\""));
    assert!(page.contains(
        "</span><a class=\"fn\" href=\"#f3\">integration.html.slow</a> <small>1 call, 0.0"
    ));
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(&dat).unwrap();
}

#[test]
fn a_page_that_cannot_be_written_is_said_once_and_the_run_goes_on() {
    let child = run_child(
        module_path!(),
        "child_run",
        &[(
            "MEMORY_PROFILER_HTML",
            Some("/nonexistent/folder/page.html"),
        )],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    assert!(child.stdout.contains("Summary: 1 profiled function"));
    assert_eq!(
        child
            .stderr
            .matches("memory_profiler: cannot write the run's page to /nonexistent/folder/page.html (from MEMORY_PROFILER_HTML): ")
            .count(),
        1,
        "{}",
        child.stderr
    );
}

#[test]
fn with_report_exit_the_page_and_the_text_have_every_function() {
    let path = page_path("exit.html");
    let child = run_child(
        module_path!(),
        "child_run",
        &[
            ("MEMORY_PROFILER_HTML", Some(path.to_str().unwrap())),
            ("MEMORY_PROFILER_REPORT", Some("exit")),
        ],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    assert!(child
        .stdout
        .contains("Function: per_call, 3 calls over the whole run"));
    let page = std::fs::read_to_string(&path).unwrap();
    let v = line_of("let v = vec![1u64; n];");
    assert_eq!(cells(&page, &format!("f2-{v}"))[2], "46.9 KiB");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn with_report_call_the_calls_reach_the_page_and_the_text_is_per_call() {
    // Every function reported per call: nothing is run-wide for the text, and the page (its
    // exit hook installed by the first call's copy) still has every function's calls summed.
    let path = page_path("call.html");
    let child = run_child(
        module_path!(),
        "child_run",
        &[
            ("MEMORY_PROFILER_HTML", Some(path.to_str().unwrap())),
            ("MEMORY_PROFILER_REPORT", Some("call")),
        ],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    assert_eq!(
        child
            .stdout
            .matches("Filename: suite/tests/integration/html.rs")
            .count(),
        103
    );
    assert!(!child.stdout.contains("Summary:"), "{}", child.stdout);
    let page = std::fs::read_to_string(&path).unwrap();
    let v = line_of("let v = vec![0u8; n];");
    assert_eq!(
        cells(&page, &format!("f1-{v}"))[2..5],
        ["1000 B", "10 B", "100"]
    );
    let v = line_of("let v = vec![1u64; n];");
    assert_eq!(cells(&page, &format!("f2-{v}"))[2], "46.9 KiB");
    std::fs::remove_file(&path).unwrap();
}
