//! Run-wide reports: a word counter whose helpers are called for every line of a text, on two
//! threads, reported once when the program exits, with the run's summary.
//!
//! `cargo run --release --example word_count` (the report below), or with
//! `MEMORY_PROFILER_REPORT=call` to see the flood run-wide reports replace: a report per call.

use std::collections::HashMap;

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

/// The words of a line, lowercased.
#[profile(report = "exit", unit = "KiB", precision = 2, peak, allocs)]
fn words(line: &str) -> Vec<String> {
    let lower = line.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Counts the words of some lines.
#[profile(report = "exit", unit = "KiB", precision = 2, peak, allocs)]
fn count(lines: &[String]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for line in lines {
        for word in words(line) {
            *counts.entry(word).or_insert(0) += 1;
        }
    }
    counts
}

fn main() {
    let text = "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs.";
    let lines: Vec<String> = (0..10_000).map(|i| format!("{text} Line {i}.")).collect();
    let (first, second) = lines.split_at(lines.len() / 2);
    let counts = std::thread::scope(|s| {
        let a = s.spawn(|| count(first));
        let b = s.spawn(|| count(second));
        let mut counts = a.join().unwrap();
        for (word, n) in b.join().unwrap() {
            *counts.entry(word).or_insert(0) += n;
        }
        counts
    });
    let mut top: Vec<(&String, &usize)> = counts.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (word, n) in top.iter().take(3) {
        println!("{word:>6} {n}");
    }
    // The reports of `words` and `count` are written now, as the program exits.
}
