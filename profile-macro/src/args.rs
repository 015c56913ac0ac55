//! `#[profile]`'s arguments: `#[profile(precision = 4, unit = "KiB", peak, allocs, ...)]`,
//! parsed into typed values (`crate::spec`) that remember where they were written, checked,
//! laid over those of an enclosing impl, trait or module (`Args::under`), and made into the
//! function's `Options` (`Args::options`). Reads values with `crate::value`.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Lit, Token};

use crate::spec::{Format, Options, Stream, Threads, Unit, When};
use crate::value::{choice, flag, separator, set, string, unknown, value};

mod kw {
    syn::custom_keyword!(precision);
    syn::custom_keyword!(stream);
    syn::custom_keyword!(unit);
    syn::custom_keyword!(peak);
    syn::custom_keyword!(allocs);
    syn::custom_keyword!(threads);
    syn::custom_keyword!(format);
    syn::custom_keyword!(report);
    syn::custom_keyword!(skip);
}

const VALID: &str = "valid arguments are `precision = N`, `stream = \"stdout\" | \"stderr\" | \"path\"`, \
                     `unit = \"B\" | \"KiB\" | \"MiB\" | \"GiB\"`, `threads = \"current\" | \"all\"`, `format = \"text\" | \"json\"`, `report = \"call\" | \"exit\"`, `peak` and `allocs`, or `skip` alone";

const NAMES: [&str; 9] = [
    "precision",
    "stream",
    "unit",
    "threads",
    "format",
    "report",
    "peak",
    "allocs",
    "skip",
];

/// The parsed arguments, each remembering where it was written (for duplicate errors).
#[derive(Default)]
pub struct Args {
    pub precision: Option<(usize, Span)>,
    pub stream: Option<(Stream, Span)>,
    pub unit: Option<(Unit, Span)>,
    pub peak: Option<(bool, Span)>,
    pub allocs: Option<(bool, Span)>,
    pub threads: Option<(Threads, Span)>,
    /// `format = "text" | "json"`: how the reports are written.
    pub format: Option<(Format, Span)>,
    /// `report = "call" | "exit"`: a report after each outermost call, or one for the whole
    /// run, at exit.
    pub report: Option<(When, Span)>,
    /// `skip`: the item is left as written (inside an impl, trait or module that carries the
    /// attribute: left out of it).
    pub skip: Option<((), Span)>,
}

fn precision(input: ParseStream, key: Span) -> syn::Result<usize> {
    const RANGE: &str = "an integer from 0 to 16, the decimals of the figures";
    let value = value(input, "precision", key, "precision = 3")?;
    match &value.lit {
        Some(Lit::Int(int)) => match int.base10_parse::<usize>() {
            Ok(n) if n <= 16 => Ok(n),
            _ => Err(syn::Error::new_spanned(
                int,
                format!("`precision` must be {RANGE}"),
            )),
        },
        Some(Lit::Str(s)) if s.value().trim().parse::<usize>().is_ok() => {
            Err(syn::Error::new_spanned(
                s,
                format!(
                    "`precision` takes an integer, not a string: write `precision = {}`",
                    s.value().trim()
                ),
            ))
        }
        _ => Err(syn::Error::new_spanned(
            value.tokens,
            format!("`precision` takes {RANGE}, as in `precision = 3`"),
        )),
    }
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let span = input.span();
            if input.peek(kw::precision) {
                input.parse::<kw::precision>()?;
                let value = precision(input, span)?;
                set(&mut args.precision, value, span, "precision")?;
            } else if input.peek(kw::stream) {
                input.parse::<kw::stream>()?;
                let lit = string(
                    input,
                    "stream",
                    span,
                    &["stdout", "stderr"],
                    Some("a file path, as in `stream = \"profile.log\"`"),
                    "stderr",
                )?;
                let value = match lit.value().as_str() {
                    "stdout" => Stream::Stdout,
                    "stderr" => Stream::Stderr,
                    "" => return Err(syn::Error::new_spanned(
                        lit,
                        "`stream` needs a file path, \"stdout\" or \"stderr\", not an empty string",
                    )),
                    path => Stream::File(path.to_owned()),
                };
                set(&mut args.stream, value, span, "stream")?;
            } else if input.peek(kw::unit) {
                input.parse::<kw::unit>()?;
                let value = choice::<Unit>(input, "unit", span, "KiB")?;
                set(&mut args.unit, value, span, "unit")?;
            } else if input.peek(kw::threads) {
                input.parse::<kw::threads>()?;
                let value = choice::<Threads>(input, "threads", span, "all")?;
                set(&mut args.threads, value, span, "threads")?;
            } else if input.peek(kw::format) {
                input.parse::<kw::format>()?;
                let value = choice::<Format>(input, "format", span, "json")?;
                set(&mut args.format, value, span, "format")?;
            } else if input.peek(kw::report) {
                input.parse::<kw::report>()?;
                let value = choice::<When>(input, "report", span, "exit")?;
                set(&mut args.report, value, span, "report")?;
            } else if input.peek(kw::peak) {
                input.parse::<kw::peak>()?;
                let value = flag(input, "peak", span)?;
                set(&mut args.peak, value, span, "peak")?;
            } else if input.peek(kw::allocs) {
                input.parse::<kw::allocs>()?;
                let value = flag(input, "allocs", span)?;
                set(&mut args.allocs, value, span, "allocs")?;
            } else if input.peek(kw::skip) {
                input.parse::<kw::skip>()?;
                if input.peek(Token![=]) {
                    return Err(syn::Error::new(
                        span,
                        "`skip` stands alone: write `#[profile(skip)]` to leave this item out",
                    ));
                }
                set(&mut args.skip, (), span, "skip")?;
            } else if input.peek(syn::Ident::peek_any) {
                return Err(unknown(&input.parse()?, &NAMES, VALID));
            } else {
                let tt: proc_macro2::TokenTree = input.parse()?;
                return Err(syn::Error::new_spanned(
                    &tt,
                    format!("expected an argument name, found `{tt}`; {VALID}"),
                ));
            }
            if !separator(input, "#[profile(precision = 3, unit = \"KiB\")]")? {
                break;
            }
        }
        if let Some((_, span)) = &args.skip {
            if args.others().next().is_some() {
                return Err(syn::Error::new(
                    *span,
                    "`skip` leaves the item as written, so it takes no other argument: write `#[profile(skip)]` alone",
                ));
            }
        }
        Ok(args)
    }
}

impl Args {
    /// The spans of the arguments given, other than `skip`.
    fn others(&self) -> impl Iterator<Item = Span> {
        [
            self.precision.as_ref().map(|a| a.1),
            self.stream.as_ref().map(|a| a.1),
            self.unit.as_ref().map(|a| a.1),
            self.peak.as_ref().map(|a| a.1),
            self.allocs.as_ref().map(|a| a.1),
            self.threads.as_ref().map(|a| a.1),
            self.format.as_ref().map(|a| a.1),
            self.report.as_ref().map(|a| a.1),
        ]
        .into_iter()
        .flatten()
    }

    /// Whether the attribute says `skip`.
    pub fn skip(&self) -> bool {
        self.skip.is_some()
    }

    /// These arguments (an impl's, a module's) under `inner` (a function's own, or those of an
    /// impl inside the module): each argument `inner` gives replaces this one.
    pub fn under(self, inner: Args) -> Args {
        Args {
            precision: inner.precision.or(self.precision),
            stream: inner.stream.or(self.stream),
            unit: inner.unit.or(self.unit),
            peak: inner.peak.or(self.peak),
            allocs: inner.allocs.or(self.allocs),
            threads: inner.threads.or(self.threads),
            format: inner.format.or(self.format),
            report: inner.report.or(self.report),
            skip: inner.skip.or(self.skip),
        }
    }

    /// The function's options: those given, and memory_profiler's defaults for the others.
    pub fn options(self) -> Options {
        Options {
            precision: self.precision.map_or(1, |(n, _)| n),
            unit: self.unit.map_or(Unit::MiB, |(u, _)| u),
            stream: self.stream.map_or(Stream::Stdout, |(s, _)| s),
            peak: self.peak.is_some_and(|(b, _)| b),
            allocs: self.allocs.is_some_and(|(b, _)| b),
            relative: false,
            format: self.format.map_or(Format::Text, |(f, _)| f),
            threads: self.threads.map_or(Threads::Current, |(t, _)| t),
            report: self.report.map_or(When::Call, |(r, _)| r),
        }
    }
}
