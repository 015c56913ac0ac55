//! Without a counting allocator the figures fall back to the resident set size, and the report
//! says how to install the allocator; the testing API refuses to give such figures. (This test
//! crate deliberately installs no global allocator: a test binary of its own, not a module of
//! `integration/`.)

use memory_profiler::profile;

/// `t`, 20 ms later. The resident set size is read at most once per tick of the kernel's clock
/// (1 to 10 ms), so a line that lasts longer than that is charged its own change however fast
/// the machine touches the pages.
fn after_a_tick<T>(t: T) -> T {
    std::thread::sleep(std::time::Duration::from_millis(20));
    t
}

#[profile(stream = "../target/tmp/rss-fallback.txt")]
fn touch_pages(mib: usize) -> usize {
    let v = after_a_tick(vec![1u8; mib << 20]);
    let sum: usize = v.iter().step_by(4096).map(|&b| b as usize).sum();
    sum
}

#[test]
fn falls_back_to_resident_set_size_with_a_note() {
    assert!(!memory_profiler::allocator_installed());
    std::fs::create_dir_all("../target/tmp").unwrap();
    assert_eq!(touch_pages(64), (64 << 20) / 4096);
    let report = std::fs::read_to_string("../target/tmp/rss-fallback.txt").unwrap();
    // 64 MiB of written pages raise the resident set by about that much (the allocator may
    // have kept some pages from before, hence the margin): at least 48 MiB on that line.
    let line = report
        .lines()
        .find(|l| l.ends_with("let v = after_a_tick(vec![1u8; mib << 20]);"))
        .unwrap();
    let increment: f64 = line.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert!(increment > 48.0, "{report}");
    assert!(report.contains(
        "memory_profiler: no counting allocator, figures are the resident set size; for exact heap figures add \
         `#[global_allocator] static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();`"
    ));
}

#[profile(stream = "../target/tmp/rss-fallback-loop.txt")]
fn count_up(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..n {
        total += i;
    }
    total
}

/// Between two reads of the resident set size the probes take the path of a line that
/// changed nothing: every occurrence is still counted.
#[test]
fn occurrences_are_counted_between_reads() {
    std::fs::create_dir_all("../target/tmp").unwrap();
    assert_eq!(count_up(100_000), 4_999_950_000);
    let report = std::fs::read_to_string("../target/tmp/rss-fallback-loop.txt").unwrap();
    let occurrences = |text: &str| -> u64 {
        let line = report.lines().find(|l| l.ends_with(text)).unwrap();
        line.split_whitespace()
            .nth(5)
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap()
    };
    assert_eq!(occurrences("for i in 0..n {"), 100_001, "{report}");
    assert_eq!(occurrences("total += i;"), 100_000, "{report}");
    assert_eq!(occurrences("    }"), 100_000, "{report}");
    assert_eq!(occurrences("total"), 1, "{report}");
}

fn panic_message(result: std::thread::Result<impl Sized>) -> String {
    let err = result.err().expect("it panicked");
    err.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or(err.downcast_ref::<String>().cloned())
        .unwrap()
}

#[test]
fn the_testing_api_refuses_wrong_figures() {
    let lines = "static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();";
    assert!(
        panic_message(std::panic::catch_unwind(|| memory_profiler::measure(|| 1))).contains(lines)
    );
    assert!(
        panic_message(std::panic::catch_unwind(|| memory_profiler::capture(|| 1))).contains(lines)
    );
    assert!(panic_message(std::panic::catch_unwind(|| {
        memory_profiler::measure_process(|| 1)
    }))
    .contains(lines));
}

#[memory_profiler::limit(peak = "1 MiB")]
fn limited() -> u8 {
    1
}

#[test]
fn a_limit_refuses_wrong_figures() {
    assert!(panic_message(std::panic::catch_unwind(limited)).contains("#[global_allocator]"));
}
