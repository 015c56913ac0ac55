//! The `#[profile]` attribute of [memory-profiler](https://docs.rs/memory-profiler).
//!
//! Use it through the `memory-profiler` crate (`memory_profiler::profile`); its documentation
//! describes the attribute, its options and the report.

mod args;
mod expand;
mod lines;
mod rewrite;

use proc_macro::TokenStream;

/// Prints a line-by-line heap report of the function after each call: see
/// `memory_profiler::profile` for the documentation.
#[proc_macro_attribute]
pub fn profile(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::profile(args.into(), item.into()).into()
}
