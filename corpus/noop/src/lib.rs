//! `#[noop]`: leaves the item exactly as written, whatever its arguments. Each shape file of the
//! corpus is compiled twice, once with `p` bound to this attribute (the plain twins) and once
//! with `p` bound to `memory_profiler::profile` (the profiled twins), so that both twins are
//! written once, in a file of their own, with that file's spans (as a user writes functions,
//! and as clippy lints them).

use proc_macro::TokenStream;

/// Returns the item unchanged.
#[proc_macro_attribute]
pub fn noop(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
