//! The run's HTML page in headless Chromium: the page of a real run (this test binary run again
//! as a child process, its profiled functions reported at exit as JSON and on the page) shows
//! every profiled line with its figures; a click on a column's heading sorts the table of every
//! line; typing in the search box filters it; a summary link leads to its function; the page
//! reads without its script; a run under `mprof run` has its plot, whose brackets link to their
//! functions; screenshots are rendered pages, not blank ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use browser_tests::{skipped, Browser, Pixels};
use fantoccini::Locator;
use memory_profiler::profile;
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

const CHILD: &str = "MEMORY_PROFILER_TEST_CHILD";

/// Reads numbers; the `else` branch never runs on the run's input.
#[profile(report = "exit")]
fn parse_numbers(text: &str) -> Vec<u64> {
    let words: Vec<&str> = text.split(',').collect();
    let mut numbers = Vec::new();
    for word in &words {
        if let Ok(n) = word.trim().parse() {
            numbers.push(n);
        } else {
            eprintln!("not a number: {word}");
        }
    }
    numbers
}

/// Reported per call by its attribute: its calls reach the page too.
#[profile]
fn histogram(numbers: &[u64]) -> Vec<(u64, usize)> {
    let mut counts = BTreeMap::new();
    for &n in numbers {
        *counts.entry(n % 10).or_insert(0) += 1;
    }
    let table: Vec<(u64, usize)> = counts.into_iter().collect();
    table
}

/// An inner block whose `}` frees what it allocated.
#[profile(report = "exit")]
fn scratch(n: usize) -> usize {
    let total = {
        let big = vec![7u8; n];
        big.iter().map(|&b| b as usize).sum::<usize>()
    };
    let label = format!("<{total}> & \"done\"");
    label.len() + total
}

/// 16 MiB, written to, held for a while: a bracket on the plot under `mprof run`.
#[profile(report = "exit")]
fn hold(ms: u64) -> usize {
    let v = vec![1u8; 16 << 20];
    std::thread::sleep(Duration::from_millis(ms));
    v.len()
}

fn workload(hold_ms: u64) {
    let text: String = (0..5000).map(|i| format!("{i},")).collect::<String>() + "5000";
    for _ in 0..3 {
        let numbers = parse_numbers(&text);
        assert_eq!(numbers.len(), 5001);
        assert_eq!(histogram(&numbers).len(), 10);
    }
    for n in [100_000, 50_000] {
        assert_eq!(scratch(n), 7 * n + format!("<{}> & \"done\"", 7 * n).len());
    }
    if hold_ms > 0 {
        assert_eq!(hold(hold_ms), 16 << 20);
    }
}

#[test]
fn child() {
    match std::env::var(CHILD).as_deref() {
        Ok("plain") => workload(0),
        Ok("mprof") => workload(400),
        _ => {}
    }
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The command that runs this test binary's `child` test in `mode`, writing the page to `page`.
fn child_command(mode: &str, page: &Path) -> Vec<String> {
    vec![
        "env".into(),
        format!("{CHILD}={mode}"),
        format!("MEMORY_PROFILER_HTML={}", page.display()),
        std::env::current_exe().unwrap().display().to_string(),
        "--exact".into(),
        "child".into(),
        "--nocapture".into(),
        "--test-threads".into(),
        "1".into(),
    ]
}

/// A plain run: the page, and the run's reports as JSON (its stdout), by function.
fn plain_run() -> (PathBuf, BTreeMap<String, Value>) {
    let page = tmp("plain.html");
    let command = child_command("plain", &page);
    let output = Command::new(&command[0])
        .args(&command[1..])
        .env("MEMORY_PROFILER_FORMAT", "json")
        .env("MEMORY_PROFILER_REPORT", "exit")
        .env_remove("MEMORY_PROFILER_MPROF")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    let mut reports = BTreeMap::new();
    for line in stdout
        .lines()
        .filter_map(|l| l.find('{').map(|at| &l[at..]))
    {
        let value: Value = serde_json::from_str(line).unwrap();
        if let Some(name) = value["function"].as_str() {
            reports.insert(name.to_owned(), value);
        }
    }
    assert_eq!(
        reports.keys().collect::<Vec<_>>(),
        ["histogram", "parse_numbers", "scratch"]
    );
    (page, reports)
}

/// A figure as the page shows it (an oracle of its own: three significant digits in the
/// largest binary unit below 1,024 of it, whole bytes below 1 KiB, a true minus sign).
fn shown(bytes: i64) -> String {
    let sign = if bytes < 0 { "\u{2212}" } else { "" };
    let abs = bytes.unsigned_abs();
    if abs < 1024 {
        return format!("{sign}{abs} B");
    }
    let units = ["KiB", "MiB", "GiB", "TiB"];
    let exponent = ((abs as f64).log2() / 10.0).floor().min(4.0) as i32;
    let value = abs as f64 / 1024f64.powi(exponent);
    let text = if value < 9.995 {
        format!("{value:.2}")
    } else if value < 99.95 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    format!("{sign}{text} {}", units[exponent as usize - 1])
}

fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Every row of every function's table, as the browser renders it: id, class, the cells'
/// text and titles.
const ROWS: &str = r#"
return Array.from(document.querySelectorAll('article.function tbody tr')).map(function(tr){
  return {id: tr.id, class: tr.className, visible: tr.offsetParent !== null,
          cells: Array.from(tr.cells).map(function(td){return td.innerText;}),
          titles: Array.from(tr.cells).map(function(td){return td.title;})};
});"#;

/// The rows of the table of every line that are shown: the cells' text and `data-v`.
const ALL: &str = r#"
return Array.from(document.querySelectorAll('#all tbody tr')).filter(function(tr){return !tr.hidden && tr.offsetParent !== null;}).map(function(tr){
  return Array.from(tr.cells).map(function(td){var v = td.getAttribute('data-v'); return v === null ? td.innerText : Number(v);});
});"#;

/// The functions' ids on the page, by name.
async fn ids(browser: &Browser) -> BTreeMap<String, String> {
    let value = browser
        .eval(
            "return Array.from(document.querySelectorAll('article.function')).map(function(a){return [a.querySelector('h3 a').innerText, a.id];});",
            vec![],
        )
        .await;
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn check_every_line(browser: &Browser, reports: &BTreeMap<String, Value>) {
    let ids = ids(browser).await;
    assert_eq!(ids.len(), reports.len(), "{ids:?}");
    let rendered = browser.eval(ROWS, vec![]).await;
    let rendered: BTreeMap<&str, &Value> = rendered
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    let mut checked = 0;
    for (name, report) in reports {
        let id = &ids[name];
        let rows = report["rows"].as_array().unwrap();
        for (i, row) in rows.iter().enumerate() {
            let line = row["line"].as_i64().unwrap();
            let r = rendered
                .get(format!("{id}-{line}").as_str())
                .unwrap_or_else(|| panic!("{name}: line {line} is not on the page"));
            assert_eq!(r["visible"], true);
            let cells: Vec<&str> = r["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            let titles: Vec<&str> = r["titles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            let text = row["text"].as_str().unwrap();
            let figure = |key: &str| row[key].as_i64().unwrap();
            let at = format!("{name}, line {line}: {cells:?}");
            assert_eq!(cells.len(), 9, "{at}");
            assert_eq!(cells[0], line.to_string(), "{at}");
            assert!(cells[8].starts_with(text), "{at}: {text:?}");
            let ran = row["ran"].as_bool().unwrap();
            match (i, ran) {
                (_, false) => {
                    assert_eq!(r["class"], "idle", "{at}");
                    assert!(cells[1..8].iter().all(|c| c.is_empty()), "{at}");
                }
                (0, true) => {
                    assert_eq!(r["class"], "entry", "{at}");
                    assert_eq!(cells[1], shown(figure("mem_usage")), "{at}");
                    assert_eq!(cells[4], grouped(figure("occurrences")), "{at}");
                }
                _ => {
                    let expected = [
                        shown(figure("mem_usage")),
                        shown(figure("increment")),
                        shown(figure("peak")),
                        grouped(figure("occurrences")),
                        grouped(figure("allocations")),
                        grouped(figure("reallocations")),
                    ];
                    assert_eq!(cells[1..7], expected, "{at}");
                    // The exact bytes of a figure of 1 KiB or more, in its title.
                    for (cell, key) in [(1, "mem_usage"), (2, "increment"), (3, "peak")] {
                        let bytes = figure(key);
                        let title = if bytes.abs() >= 1024 {
                            format!("{} B", grouped(bytes))
                        } else {
                            String::new()
                        };
                        assert_eq!(titles[cell], title, "{at}");
                    }
                    // A `}` row says what its block freed.
                    if text.trim() == "}" && figure("increment") < 0 {
                        let freed = shown(-figure("increment"));
                        assert_eq!(cells[8], format!("{text}freed {freed}"), "{at}");
                    }
                }
            }
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        rendered.len(),
        "every row on the page is a report's"
    );
    assert!(checked > 30, "{checked}");
}

/// The values of column `column` of the shown rows of the table of every line.
async fn column(browser: &Browser, column: usize) -> Vec<Value> {
    let rows = browser.eval(ALL, vec![]).await;
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[column].clone())
        .collect()
}

fn numbers(values: &[Value]) -> Vec<i64> {
    values.iter().map(|v| v.as_i64().unwrap()).collect()
}

async fn click(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// The id the URL's fragment names, once the browser followed a link, and where the element
/// it names stands in the window.
async fn followed(browser: &Browser) -> (String, f64) {
    let url = browser.client.current_url().await.unwrap();
    let fragment = url.fragment().unwrap_or("").to_owned();
    let top = browser
        .eval(
            "var e = document.getElementById(arguments[0]); return e ? e.getBoundingClientRect().top : null;",
            vec![json!(fragment)],
        )
        .await;
    (fragment, top.as_f64().unwrap_or(f64::NAN))
}

/// Checks that a screenshot of the window is a rendered page (and keeps it, under the target
/// folder, to look at): `top` when the page is scrolled to its top, with its header.
async fn check_screenshot(browser: &Browser, name: &str, top: bool) -> Pixels {
    let png = browser.client.screenshot().await.unwrap();
    std::fs::write(tmp(name), &png).unwrap();
    let pixels = Pixels::of_png(&png);
    // The window's viewport, 1,280 pixels wide.
    let viewport = browser
        .eval("return [window.innerWidth, window.innerHeight];", vec![])
        .await;
    let viewport = (viewport[0].as_u64().unwrap(), viewport[1].as_u64().unwrap());
    assert_eq!(
        (u64::from(pixels.size.0), u64::from(pixels.size.1)),
        viewport,
        "{name}"
    );
    assert_eq!(pixels.size.0, 1280);
    let (w, h) = pixels.size;
    // A rendered page: the header's dark blue band at the top left, text and bars below on
    // white, many colours (antialiased text, the bars' colours).
    if top {
        let [r, g, b] = pixels.at(20, 20);
        assert!(
            b > 90 && r < 60 && g < 90,
            "{name}: the header at (20, 20) is {:?}",
            [r, g, b]
        );
    }
    let [r, g, b] = pixels.at(w - 10, h - 10);
    assert!(
        r > 240 && g > 240 && b > 240,
        "{name}: the page's background is {:?}",
        [r, g, b]
    );
    assert!(pixels.colours > 200, "{name}: {} colours", pixels.colours);
    assert!(
        (0.08..0.7).contains(&pixels.inked),
        "{name}: {:.3} of the pixels inked",
        pixels.inked
    );
    pixels
}

#[tokio::test(flavor = "current_thread")]
async fn the_page_of_a_run_in_chromium() {
    if skipped("the_page_of_a_run_in_chromium") {
        return;
    }
    let (page, reports) = plain_run();
    let browser = Browser::start(1280, 900, true).await;
    browser.open(&page).await;
    assert_eq!(
        browser.client.title().await.unwrap(),
        format!(
            "{} · memory profile",
            std::env::current_exe()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
        )
    );

    // The screenshot of the top of the page.
    check_screenshot(&browser, "plain-top.png", true).await;

    // Every line, with its figures.
    check_every_line(&browser, &reports).await;

    // The table of every line: the lines that ran, most allocated first.
    let ran: usize = reports
        .values()
        .map(|r| {
            r["rows"].as_array().unwrap()[1..]
                .iter()
                .filter(|row| row["ran"] == true)
                .count()
        })
        .sum();
    let allocated = numbers(&column(&browser, 2).await);
    assert_eq!(allocated.len(), ran);
    assert!(allocated.windows(2).all(|w| w[0] >= w[1]), "{allocated:?}");
    // A click on Occurrences sorts by it, most first; a second click, fewest first.
    let before = column(&browser, 7).await;
    click(&browser, "#all th:nth-child(8)").await;
    let occurrences = numbers(&column(&browser, 7).await);
    assert!(
        occurrences.windows(2).all(|w| w[0] >= w[1]),
        "{occurrences:?}"
    );
    assert_ne!(numbers(&before), occurrences, "the order changed");
    assert_eq!(
        browser
            .eval(
                "return document.querySelector('#all th:nth-child(8)').getAttribute('aria-sort');",
                vec![]
            )
            .await,
        "descending"
    );
    click(&browser, "#all th:nth-child(8)").await;
    let occurrences = numbers(&column(&browser, 7).await);
    assert!(
        occurrences.windows(2).all(|w| w[0] <= w[1]),
        "{occurrences:?}"
    );
    // By function name, A to Z.
    click(&browser, "#all th:nth-child(1)").await;
    let names: Vec<String> = column(&browser, 0)
        .await
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    assert_eq!(names.len(), ran);

    // Typing in the search box filters the rows: by function name, then by source text.
    let search = browser.client.find(Locator::Id("q")).await.unwrap();
    assert!(search.is_displayed().await.unwrap());
    search.send_keys("scratch").await.unwrap();
    let names = column(&browser, 0).await;
    let scratch_ran = reports["scratch"]["rows"].as_array().unwrap()[1..]
        .iter()
        .filter(|row| row["ran"] == true)
        .count();
    assert_eq!(names.len(), scratch_ran);
    assert!(names.iter().all(|n| n == "scratch"), "{names:?}");
    let shown_count = browser.client.find(Locator::Id("shown")).await.unwrap();
    assert_eq!(shown_count.text().await.unwrap(), scratch_ran.to_string());
    search.clear().await.unwrap();
    search.send_keys("COLLECT()").await.unwrap();
    let texts = column(&browser, 8).await;
    let collecting: Vec<&str> = reports
        .values()
        .flat_map(|r| r["rows"].as_array().unwrap()[1..].iter())
        .filter(|row| row["ran"] == true)
        .map(|row| row["text"].as_str().unwrap().trim())
        .filter(|text| text.contains("collect()"))
        .collect();
    assert_eq!(collecting.len(), 2, "parse_numbers' and histogram's");
    let mut texts: Vec<&str> = texts.iter().map(|t| t.as_str().unwrap()).collect();
    texts.sort_unstable();
    let mut collecting = collecting;
    collecting.sort_unstable();
    assert_eq!(texts, collecting);
    search.clear().await.unwrap();
    search.send_keys("no line has this").await.unwrap();
    assert!(column(&browser, 0).await.is_empty());
    assert_eq!(shown_count.text().await.unwrap(), "0");
    search.clear().await.unwrap();
    search.send_keys(" ").await.unwrap();
    assert_eq!(column(&browser, 0).await.len(), ran);

    // A link of the summary leads to its function.
    let ids = ids(&browser).await;
    let target = &ids["histogram"];
    browser.eval("window.scrollTo(0, 0);", vec![]).await;
    click(
        &browser,
        &format!("#summary table.summary a[href=\"#{target}\"]"),
    )
    .await;
    let (fragment, top) = followed(&browser).await;
    assert_eq!(&fragment, target);
    assert!(
        (-1.0..=1.0).contains(&top),
        "the function is at the top of the window: {top}"
    );
    // ... and a line of the summary to its row.
    browser.eval("window.scrollTo(0, 0);", vec![]).await;
    click(
        &browser,
        "#summary table.top-lines tbody tr:first-child td:nth-child(7) a",
    )
    .await;
    let (fragment, top) = followed(&browser).await;
    assert!(
        fragment.starts_with('f') && fragment.contains('-'),
        "{fragment}"
    );
    assert!((-1.0..=1.0).contains(&top), "{top}");
    check_screenshot(&browser, "plain-function.png", false).await;
    browser.close().await;

    // Without its script, the page shows the same figures; the search box is hidden.
    let browser = Browser::start(1280, 900, false).await;
    browser.open(&page).await;
    let search = browser.client.find(Locator::Id("q")).await.unwrap();
    assert!(!search.is_displayed().await.unwrap());
    // (Scripts are off for the page, not for WebDriver's own.)
    check_every_line(&browser, &reports).await;
    assert_eq!(column(&browser, 0).await.len(), ran);
    browser.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_page_of_a_run_under_mprof_run_has_its_plot() {
    if skipped("the_page_of_a_run_under_mprof_run_has_its_plot") {
        return;
    }
    let page = tmp("mprof.html");
    let dat = tmp("mprof.dat");
    let _ = std::fs::remove_file(&dat);
    let summary = mprof::run::run(&mprof::run::RunOptions {
        program: child_command("mprof", &page),
        output: dat.clone(),
        interval: 0.02,
        include_children: false,
        multiprocess: false,
        timeout: None,
        reports: false,
        python: false,
    })
    .unwrap();
    assert!(summary.status.success());
    assert!(summary.samples > 10, "{summary:?}");
    let browser = Browser::start(1280, 900, true).await;
    browser.open(&page).await;
    let ids = ids(&browser).await;
    assert_eq!(ids.len(), 4, "{ids:?}");
    // hold's bracket: a band and a bar in its lane, linking to hold.
    let hold = &ids["hold"];
    let bracket = format!("#timeline a[href=\"#{hold}\"] rect.lane");
    let (_, _, width, height) = browser
        .client
        .find(Locator::Css(&bracket))
        .await
        .unwrap()
        .rectangle()
        .await
        .unwrap();
    assert!(width > 40.0 && height > 4.0, "{width} × {height}");
    // The memory line climbs by about hold's 16 MiB.
    let rise = browser
        .eval(
            "var p = document.querySelector('#timeline polyline.mem').points, ys = []; for (var i = 0; i < p.numberOfItems; i++) ys.push(p.getItem(i).y); return Math.max.apply(null, ys) - Math.min.apply(null, ys);",
            vec![],
        )
        .await;
    assert!(rise.as_f64().unwrap() > 10.0, "{rise}");
    check_screenshot(&browser, "mprof-top.png", true).await;
    browser
        .eval(
            "document.getElementById('timeline').scrollIntoView();",
            vec![],
        )
        .await;
    click(&browser, &bracket).await;
    let (fragment, top) = followed(&browser).await;
    assert_eq!(&fragment, hold);
    assert!((-1.0..=1.0).contains(&top), "{top}");
    browser.close().await;
}
