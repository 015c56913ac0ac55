//! The typed spec: what the attributes' arguments mean, as values, and how each value writes
//! itself into the expansion. Its types mirror the runtime's contract
//! (`profile-runtime/src/spec.rs`: `Options`, `FnMeta`, `Unit`, `Stream`, `Format`, `Threads`,
//! `When`; `profile-runtime/src/limit.rs`: `Limits`, with the baseline's `Tolerances`), and each
//! `ToTokens` impl writes its runtime literal, so that `#[profile]` and `#[limit]` write every
//! literal the same way, here and nowhere else (as tracing-attributes' `Level`, `FormatMode` do).
//!
//! The argument parsers (`crate::args`, `crate::limit::args`) make these values; the expansion
//! (`crate::instrument`, `crate::limit`) writes them. This module reads nothing and calls no
//! other module of the crate.
//!
//! Input → Output (`p` = `::memory_profiler::__private`):
//!
//! ```text
//! Options { unit: Unit::KiB, stream: Stream::File("x.log"), ..}   p::Options { precision: 1usize,
//!                                                                     unit: p::Unit::KiB,
//!                                                                     stream: p::Stream::File("x.log"), .. }
//! Threads::All                                                     p::Threads::All
//! ```

use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens, TokenStreamExt};

/// The runtime's module of what the expansion names: `::memory_profiler::__private`.
fn private() -> TokenStream {
    quote!(::memory_profiler::__private)
}

/// A value written between quotes in an argument, one of a closed set
/// (`threads = "current" | "all"`).
pub trait Keyword: Copy + 'static {
    /// Every value, as written, in the order that the errors list them.
    const ALL: &'static [(&'static str, Self)];
}

/// `unit = "B" | "KiB" | "MiB" | "GiB"`: the runtime's `Unit`.
#[derive(Clone, Copy)]
pub enum Unit {
    B,
    KiB,
    MiB,
    GiB,
}

impl Keyword for Unit {
    // Smallest first: "did you mean" names the unit below a binary one.
    const ALL: &'static [(&'static str, Self)] = &[
        ("B", Unit::B),
        ("KiB", Unit::KiB),
        ("MiB", Unit::MiB),
        ("GiB", Unit::GiB),
    ];
}

impl ToTokens for Unit {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let p = private();
        tokens.extend(match self {
            Unit::B => quote!(#p::Unit::B),
            Unit::KiB => quote!(#p::Unit::KiB),
            Unit::MiB => quote!(#p::Unit::MiB),
            Unit::GiB => quote!(#p::Unit::GiB),
        });
    }
}

/// `stream = "stdout" | "stderr" | "path"`; `Held` for `#[limit]`'s report, kept for its
/// failure message: the runtime's `Stream`.
pub enum Stream {
    Stdout,
    Stderr,
    File(String),
    Held,
}

impl ToTokens for Stream {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let p = private();
        tokens.extend(match self {
            Stream::Stdout => quote!(#p::Stream::Stdout),
            Stream::Stderr => quote!(#p::Stream::Stderr),
            Stream::File(path) => quote!(#p::Stream::File(#path)),
            Stream::Held => quote!(#p::Stream::Held),
        });
    }
}

/// `format = "text" | "json"`: the runtime's `Format`.
#[derive(Clone, Copy)]
pub enum Format {
    Text,
    Json,
}

impl Keyword for Format {
    const ALL: &'static [(&'static str, Self)] = &[("text", Format::Text), ("json", Format::Json)];
}

impl ToTokens for Format {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let p = private();
        tokens.extend(match self {
            Format::Text => quote!(#p::Format::Text),
            Format::Json => quote!(#p::Format::Json),
        });
    }
}

/// `threads = "current" | "all"`, of `#[profile]` and of `#[limit]`: the runtime's `Threads`.
#[derive(Clone, Copy)]
pub enum Threads {
    Current,
    All,
}

impl Keyword for Threads {
    const ALL: &'static [(&'static str, Self)] =
        &[("current", Threads::Current), ("all", Threads::All)];
}

impl ToTokens for Threads {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let p = private();
        tokens.extend(match self {
            Threads::Current => quote!(#p::Threads::Current),
            Threads::All => quote!(#p::Threads::All),
        });
    }
}

/// `report = "call" | "exit"`: the runtime's `When`.
#[derive(Clone, Copy)]
pub enum When {
    Call,
    Exit,
}

impl Keyword for When {
    const ALL: &'static [(&'static str, Self)] = &[("call", When::Call), ("exit", When::Exit)];
}

impl ToTokens for When {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let p = private();
        tokens.extend(match self {
            When::Call => quote!(#p::When::Call),
            When::Exit => quote!(#p::When::Exit),
        });
    }
}

/// How a function's reports are made and written: the runtime's `Options`, which
/// `#[profile]`'s arguments give (`crate::args::Args::options`) and `#[limit]` fixes
/// (`crate::limit::args::LimitArgs::options`).
pub struct Options {
    pub precision: usize,
    pub unit: Unit,
    pub stream: Stream,
    pub peak: bool,
    pub allocs: bool,
    pub relative: bool,
    pub format: Format,
    pub threads: Threads,
    pub report: When,
}

impl ToTokens for Options {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let p = private();
        let Options {
            precision,
            unit,
            stream,
            peak,
            allocs,
            relative,
            format,
            threads,
            report,
        } = self;
        tokens.extend(quote! {
            #p::Options {
                precision: #precision,
                unit: #unit,
                stream: #stream,
                peak: #peak,
                allocs: #allocs,
                relative: #relative,
                format: #format,
                threads: #threads,
                report: #report,
            }
        });
    }
}

/// What a profiled function's report knows of it: the runtime's `FnMeta`, written into the
/// `static META` of each profiled function (`crate::instrument`).
pub struct FnMeta {
    pub name: String,
    pub qualified: String,
    /// Whether the reports are named by the type of `self`, which the calls note in a
    /// `static SELF_TYPE` beside `META` (a method annotated on its own).
    pub self_type: bool,
    pub first_line: u32,
    pub attribute_row: bool,
    pub lines: Vec<String>,
    pub options: Options,
}

impl ToTokens for FnMeta {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let p = private();
        let FnMeta {
            name,
            qualified,
            self_type,
            first_line,
            attribute_row,
            lines,
            options,
        } = self;
        let self_type = if *self_type {
            quote!(::core::option::Option::Some(&SELF_TYPE))
        } else {
            quote!(::core::option::Option::None)
        };
        tokens.extend(quote! {
            #p::FnMeta {
                name: #name,
                qualified: #qualified,
                self_type: #self_type,
                module_path: ::core::module_path!(),
                file: ::core::file!(),
                first_line: #first_line,
                attribute_row: #attribute_row,
                lines: &[#(#lines),*],
                options: #options,
                slot: #p::Slot::NEW,
            }
        });
    }
}

/// A size as written (`"64 KiB"`), and in bytes.
#[derive(Clone)]
pub struct Size {
    pub bytes: i64,
    pub text: String,
}

/// How much a baseline's figure may grow: the runtime's `Tolerance`.
#[derive(Clone, Debug, PartialEq)]
pub enum Tolerance {
    Percent(f64),
    Amount(u64),
}

impl ToTokens for Tolerance {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let p = private();
        tokens.extend(match self {
            Tolerance::Percent(percent) => {
                let percent = Literal::f64_suffixed(*percent);
                quote!(#p::Tolerance::Percent(#percent))
            }
            Tolerance::Amount(n) => quote!(#p::Tolerance::Amount(#n)),
        });
    }
}

/// `baseline` and its tolerances (`Amount(0)` where none is given: the figure may not grow).
pub struct Baseline {
    pub bytes: Tolerance,
    pub allocations: Tolerance,
    pub peak: Tolerance,
}

/// A `#[limit]`'s limits: the runtime's `Limits`, written into the `static LIMITS` of the
/// function (`crate::limit`).
pub struct Limits {
    pub function: String,
    pub peak: Option<Size>,
    pub leaks: Option<Size>,
    pub allocations: Option<u64>,
    pub threads: Threads,
    pub warmups: u32,
    pub baseline: Option<Baseline>,
}

/// `Option<T>` as the expansion writes it: `::core::option::Option::Some(..)` or `None`.
struct Optional<'a, T>(&'a Option<T>, fn(&T) -> TokenStream);

impl<T> ToTokens for Optional<'_, T> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self.0 {
            Some(value) => {
                let value = (self.1)(value);
                tokens.extend(quote!(::core::option::Option::Some(#value)));
            }
            None => tokens.extend(quote!(::core::option::Option::None)),
        }
    }
}

impl ToTokens for Limits {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let p = private();
        let Limits {
            function,
            peak,
            leaks,
            allocations,
            threads,
            warmups,
            baseline,
        } = self;
        let size = |Size { bytes, text }: &Size| quote!((#bytes, #text));
        let peak = Optional(peak, size);
        let leaks = Optional(leaks, size);
        let allocations = Optional(allocations, |n| n.to_token_stream());
        let baseline = Optional(baseline, |b| {
            let Baseline {
                bytes,
                allocations,
                peak,
            } = b;
            let p = private();
            quote! {
                #p::Baseline {
                    tolerances: #p::Tolerances::new(#bytes, #allocations, #peak),
                    module_path: ::core::module_path!(),
                    file: ::core::file!(),
                    manifest_dir: ::core::option_env!("CARGO_MANIFEST_DIR"),
                }
            }
        });
        tokens.append_all(quote! {
            #p::Limits {
                function: #function,
                peak: #peak,
                leaks: #leaks,
                allocations: #allocations,
                threads: #threads,
                warmups: #warmups,
                baseline: #baseline,
            }
        });
    }
}
