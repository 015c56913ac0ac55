//! The shape corpus: every shape of function body, written once in `shapes/*.rs` and compiled
//! twice, plain (`p` = `corpus::noop`) and profiled (`p` = `memory_profiler::profile`). Each
//! file's cases (its `cases!` block, compiled in the profiled copy only) run both twins and
//! compare them: values, drop order, panics, allocations, and the soundness of the profiled
//! twin's reports (see the `corpus` crate's docs). Edition 2024; the packages of
//! `corpus/editions/` run the files that editions 2015, 2018 and 2021 allow.

// Each shape file is a module twice over: that is the point.
#![allow(clippy::duplicate_mod)]

use std::collections::BTreeSet;

use corpus::{Case, run_cases};

// Reallocations that move or not the same way in both twins (see `corpus::Moving`).
#[global_allocator]
static ALLOC: memory_profiler::Allocator<corpus::Moving> =
    memory_profiler::Allocator::new(corpus::Moving);

// ---------------------------------------------------------------------------------------------
// The plain copies: `#[p]` leaves the functions as written, `cases!` is dropped.
// ---------------------------------------------------------------------------------------------

macro_rules! prelude {
    () => {
        #[allow(unused_imports)]
        use corpus::{both, call, noop as p, shown};
    };
}
macro_rules! cases {
    ($($t:tt)*) => {};
}

#[path = "shapes/async_pointers.rs"]
mod plain_async_pointers;
#[path = "shapes/asyncs.rs"]
mod plain_asyncs;
#[path = "shapes/attrs.rs"]
mod plain_attrs;
#[path = "shapes/basics.rs"]
mod plain_basics;
#[path = "shapes/blocks.rs"]
mod plain_blocks;
#[path = "shapes/closures.rs"]
mod plain_closures;
#[path = "shapes/control.rs"]
mod plain_control;
#[path = "shapes/impls.rs"]
mod plain_impls;
#[path = "shapes/items_macros.rs"]
mod plain_items_macros;
#[path = "shapes/layouts.rs"]
mod plain_layouts;
#[path = "shapes/let_chains.rs"]
mod plain_let_chains;
#[path = "shapes/macro_made.rs"]
mod plain_macro_made;
#[path = "shapes/methods.rs"]
mod plain_methods;
#[path = "shapes/panics.rs"]
mod plain_panics;
#[path = "shapes/recursion.rs"]
mod plain_recursion;
#[path = "shapes/temps.rs"]
mod plain_temps;

// ---------------------------------------------------------------------------------------------
// The profiled copies, with their tables of cases.
// ---------------------------------------------------------------------------------------------

macro_rules! prelude {
    () => {
        #[allow(unused_imports)]
        use corpus::{both, call, shown};
        #[allow(unused_imports)]
        use memory_profiler::profile as p;
    };
}
macro_rules! cases {
    ($($t:tt)*) => {
        corpus::cases_table!($($t)*);
    };
}

#[path = "shapes/async_pointers.rs"]
mod profiled_async_pointers;
#[path = "shapes/asyncs.rs"]
mod profiled_asyncs;
#[path = "shapes/attrs.rs"]
mod profiled_attrs;
#[path = "shapes/basics.rs"]
mod profiled_basics;
#[path = "shapes/blocks.rs"]
mod profiled_blocks;
#[path = "shapes/closures.rs"]
mod profiled_closures;
#[path = "shapes/control.rs"]
mod profiled_control;
#[path = "shapes/impls.rs"]
mod profiled_impls;
#[path = "shapes/items_macros.rs"]
mod profiled_items_macros;
#[path = "shapes/layouts.rs"]
mod profiled_layouts;
#[path = "shapes/let_chains.rs"]
mod profiled_let_chains;
#[path = "shapes/macro_made.rs"]
mod profiled_macro_made;
#[path = "shapes/methods.rs"]
mod profiled_methods;
#[path = "shapes/panics.rs"]
mod profiled_panics;
#[path = "shapes/recursion.rs"]
mod profiled_recursion;
#[path = "shapes/temps.rs"]
mod profiled_temps;

// ---------------------------------------------------------------------------------------------
// The tests: a table of cases each.
// ---------------------------------------------------------------------------------------------

const SHAPE_FILES: &[&[Case]] = &[
    profiled_layouts::CASES,
    profiled_let_chains::CASES,
    profiled_macro_made::CASES,
    profiled_recursion::CASES,
    profiled_panics::CASES,
    profiled_asyncs::CASES,
    profiled_async_pointers::CASES,
    profiled_items_macros::CASES,
    profiled_attrs::CASES,
    profiled_closures::CASES,
    profiled_temps::CASES,
    profiled_control::CASES,
    profiled_basics::CASES,
    profiled_methods::CASES,
    profiled_impls::CASES,
    profiled_blocks::CASES,
];

#[test]
fn basics() {
    run_cases(profiled_basics::CASES);
}

#[test]
fn blocks() {
    run_cases(profiled_blocks::CASES);
}

#[test]
fn methods() {
    run_cases(profiled_methods::CASES);
}

#[test]
fn impls() {
    run_cases(profiled_impls::CASES);
}

#[test]
fn control() {
    run_cases(profiled_control::CASES);
}

#[test]
fn temps() {
    run_cases(profiled_temps::CASES);
}

#[test]
fn closures() {
    run_cases(profiled_closures::CASES);
}

#[test]
fn attrs() {
    run_cases(profiled_attrs::CASES);
}

#[test]
fn items_macros() {
    run_cases(profiled_items_macros::CASES);
}

#[test]
fn asyncs() {
    run_cases(profiled_asyncs::CASES);
    run_cases(profiled_async_pointers::CASES);
}

#[test]
fn panics() {
    run_cases(profiled_panics::CASES);
}

#[test]
fn recursion() {
    run_cases(profiled_recursion::CASES);
}

#[test]
fn macro_made() {
    run_cases(profiled_macro_made::CASES);
}

#[test]
fn layouts() {
    run_cases(profiled_layouts::CASES);
}

#[test]
fn let_chains() {
    run_cases(profiled_let_chains::CASES);
}

/// Every case again, counting the profiled functions that reported: at least 150, and every
/// function that a `#[p]` of the shape files profiles among them (no shape is left out of the
/// cases).
#[test]
fn the_corpus_has_at_least_150_functions_and_runs_them_all() {
    for cases in SHAPE_FILES {
        run_cases(cases);
    }
    let seen = corpus::seen();
    let files: BTreeSet<&'static str> = SHAPE_FILES
        .iter()
        .flat_map(|cases| cases.iter().map(|c| c.file))
        .collect();
    for file in files {
        for line_no in corpus::report_lines(corpus::source(file)) {
            assert!(
                seen.iter().any(|&(f, l, _)| f == file && l == line_no),
                "the profiled function at {file}:{line_no} is not run by any case"
            );
        }
    }
    println!(
        "{} profiled functions compared with their plain twins, in {} cases",
        seen.len(),
        SHAPE_FILES.iter().map(|cases| cases.len()).sum::<usize>()
    );
    assert!(
        seen.len() >= 150,
        "{} profiled functions in the corpus, fewer than 150: {seen:#?}",
        seen.len()
    );
}

/// `#[track_caller]` gives the caller's location through the profiler, called directly (not
/// through the corpus's macros, whose expansion would be the location of both twins).
#[test]
fn track_caller_gives_the_callers_line() {
    let (plain, line) = (plain_attrs::caller_location(), line!());
    let ((profiled, profiled_line), _) =
        memory_profiler::capture(|| (profiled_attrs::caller_location(), line!()));
    assert_eq!((plain.file(), plain.line()), (file!(), line));
    assert_eq!((profiled.file(), profiled.line()), (file!(), profiled_line));
    let ((plain, line), _) =
        memory_profiler::capture(|| (plain_attrs::caller_line_and_column(), line!()));
    assert_eq!(plain.0, line);
    let ((profiled, line), _) =
        memory_profiler::capture(|| (profiled_attrs::caller_line_and_column(), line!()));
    assert_eq!(profiled.0, line);
    assert_eq!(
        plain.1, profiled.1,
        "the same column: both calls start there"
    );
    let (through, line) = (plain_attrs::caller_through_track_caller(), line!());
    assert_eq!(through.line(), line);
    let ((through, line), _) =
        memory_profiler::capture(|| (profiled_attrs::caller_through_track_caller(), line!()));
    assert_eq!(through.line(), line, "a chain of #[track_caller] functions");
}

/// A profiled `async fn` dropped before it completes leaves the peak of the measurement around
/// it as it was.
#[test]
fn a_cancelled_call_keeps_the_enclosing_peak() {
    let (_, usage) = memory_profiler::measure(|| {
        corpus::poll_then_drop(plain_asyncs::fetch(50), 2);
    });
    assert_eq!(usage.peak, 150);
    let ((_, usage), reports) = memory_profiler::capture(|| {
        memory_profiler::measure(|| corpus::poll_then_drop(profiled_asyncs::fetch(50), 2))
    });
    assert!(reports.function("fetch").unwrap().cancelled());
    assert_eq!(
        usage.peak, 150,
        "the peak of the measurement around the cancelled call"
    );
}

/// A `for` head left by `?` (or a panic) ran once: its row shows the occurrence and what the
/// head allocated (before, it was charged the head's figures with no occurrence, and printed
/// empty).
#[test]
fn a_for_head_left_early_ran_once() {
    let (result, reports) =
        memory_profiler::capture(|| profiled_control::question_in_head(&["1", "x"]));
    assert!(result.is_err());
    let report = reports.function("question_in_head").unwrap();
    let head = report.line_containing("for x in xs").unwrap();
    assert_eq!((head.occurrences, head.allocations), (1, 1), "{report}");
    let (total, reports) =
        memory_profiler::capture(|| profiled_control::question_in_head(&["1", "2"]));
    assert_eq!(total, Ok(3));
    let report = reports.function("question_in_head").unwrap();
    let head = report.line_containing("for x in xs").unwrap();
    assert_eq!(head.occurrences, 3, "iterations + 1:\n{report}");
}
