//! The shape corpus in edition 2015: the shape files of `tests/corpus/shapes/` that the
//! edition allows, compiled twice and compared as in edition 2024 (`tests/corpus/main.rs`).
//! Left out: as in 2018, the async files (`async` is 2018's), and `methods.rs` and
//! `recursion.rs` (their cases import through a local `use`, which 2015's paths cannot do).

// Each shape file is a module twice over: that is the point.
#![allow(clippy::duplicate_mod)]
// `basics.rs` iterates a `Box<[T]>` by value: by reference before edition 2024, which is what
// the twins must both do here.
#![allow(boxed_slice_into_iter)]

// Edition 2015: paths in `use` start at the crate root, where the crates must be declared.
extern crate corpus;
extern crate memory_profiler;

// The shape files are formatted as the edition 2024 corpus's modules: `rustfmt::skip` keeps
// rustfmt from formatting them again in this edition's style.

use corpus::run_cases;

// Reallocations that move or not the same way in both twins (see `corpus::Moving`).
#[global_allocator]
static ALLOC: memory_profiler::Allocator<corpus::Moving> =
    memory_profiler::Allocator::new(corpus::Moving);

// The plain copies: `#[p]` leaves the functions as written, `cases!` is dropped.
macro_rules! prelude {
    () => {
        #[allow(unused_imports)]
        use corpus::{both, call, noop as p, shown};
    };
}
macro_rules! cases {
    ($($t:tt)*) => {};
}

#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/attrs.rs"]
mod plain_attrs;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/basics.rs"]
mod plain_basics;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/control.rs"]
mod plain_control;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/impls.rs"]
mod plain_impls;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/items_macros.rs"]
mod plain_items_macros;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/layouts.rs"]
mod plain_layouts;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/macro_made.rs"]
mod plain_macro_made;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/panics.rs"]
mod plain_panics;

// The profiled copies, with their tables of cases.
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

#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/attrs.rs"]
mod profiled_attrs;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/basics.rs"]
mod profiled_basics;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/control.rs"]
mod profiled_control;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/impls.rs"]
mod profiled_impls;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/items_macros.rs"]
mod profiled_items_macros;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/layouts.rs"]
mod profiled_layouts;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/macro_made.rs"]
mod profiled_macro_made;
#[rustfmt::skip]
#[path = "../../tests/corpus/shapes/panics.rs"]
mod profiled_panics;

#[test]
fn attrs() {
    run_cases(profiled_attrs::CASES);
}

#[test]
fn basics() {
    run_cases(profiled_basics::CASES);
}

#[test]
fn control() {
    run_cases(profiled_control::CASES);
}

#[test]
fn impls() {
    run_cases(profiled_impls::CASES);
}

#[test]
fn items_macros() {
    run_cases(profiled_items_macros::CASES);
}

#[test]
fn layouts() {
    run_cases(profiled_layouts::CASES);
}

#[test]
fn macro_made() {
    run_cases(profiled_macro_made::CASES);
}

#[test]
fn panics() {
    run_cases(profiled_panics::CASES);
}
