//! `#[limit]`'s arguments: `#[limit(peak = "24 MB", leaks = "0 B", allocations = 100,
//! baseline, bytes = "+5%", threads = "all", warmups = 1)]`, parsed into typed values
//! (`crate::spec`) that remember where they were written, checked (at least one limit; a
//! tolerance needs `baseline`; a figure has a limit or a tolerance, not both), and made into
//! the function's `Limits` and report `Options`. Reads values with `crate::value`, sizes and
//! tolerances with `super::size`.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::Lit;

use super::size::{parse_size, parse_tolerance};
use crate::spec::{
    Baseline, Format, Limits, Options, Size, Stream, Threads, Tolerance, Unit, When,
};
use crate::value::{choice, separator, set, unknown, value};

mod kw {
    syn::custom_keyword!(peak);
    syn::custom_keyword!(leaks);
    syn::custom_keyword!(allocations);
    syn::custom_keyword!(threads);
    syn::custom_keyword!(warmups);
    syn::custom_keyword!(baseline);
    syn::custom_keyword!(bytes);
}

const VALID: &str = "valid arguments are `peak = \"SIZE\"`, `leaks = \"SIZE\"`, `allocations = N`, \
                     `baseline` (with tolerances `bytes`, `allocations`, `peak` = \"+5%\" or \"+1 KiB\"), \
                     `threads = \"current\" | \"all\"` and `warmups = N`, with sizes such as \"0 B\", \
                     \"64 KiB\", \"24 MB\"";
const NAMES: [&str; 7] = [
    "peak",
    "leaks",
    "allocations",
    "threads",
    "warmups",
    "baseline",
    "bytes",
];

#[derive(Default)]
pub struct LimitArgs {
    peak: Option<(Size, Span)>,
    leaks: Option<(Size, Span)>,
    allocations: Option<(u64, Span)>,
    threads: Option<(Threads, Span)>,
    warmups: Option<(u32, Span)>,
    /// `baseline`: the figures are compared with a baseline file.
    baseline: Option<((), Span)>,
    /// Tolerances of the baseline's figures: `bytes = "+5%"`, `allocations = "+0"`,
    /// `peak = "+1 KiB"`.
    bytes_tolerance: Option<(Tolerance, Span)>,
    allocations_tolerance: Option<(Tolerance, Span)>,
    peak_tolerance: Option<(Tolerance, Span)>,
}

/// `name = "+5%"`: a tolerance (the key was parsed).
fn tolerance(input: ParseStream, name: &str, key: Span) -> syn::Result<Tolerance> {
    let value = value(input, name, key, &format!("{name} = \"+5%\""))?;
    match &value.lit {
        Some(Lit::Str(s)) => {
            parse_tolerance(&s.value(), name).map_err(|m| syn::Error::new_spanned(s, m))
        }
        _ => Err(syn::Error::new_spanned(
            &value.tokens,
            format!("`{name}` takes a tolerance as a string, as in `{name} = \"+5%\"`"),
        )),
    }
}

/// Whether the next value is a string starting with `+`: a tolerance, not a limit.
fn is_tolerance(input: ParseStream) -> bool {
    let fork = input.fork();
    if fork.parse::<syn::Token![=]>().is_err() {
        return false;
    }
    matches!(fork.parse::<Lit>(), Ok(Lit::Str(s)) if s.value().trim_start().starts_with('+'))
}

fn size(input: ParseStream, name: &str, key: Span) -> syn::Result<Size> {
    let value = value(input, name, key, &format!("{name} = \"64 KiB\""))?;
    match &value.lit {
        Some(Lit::Str(s)) => match parse_size(&s.value()) {
            Ok(bytes) => Ok(Size {
                bytes,
                text: s.value().trim().to_owned(),
            }),
            Err(message) => Err(syn::Error::new_spanned(s, message)),
        },
        Some(Lit::Int(i)) => Err(syn::Error::new_spanned(
            i,
            format!(
                "`{name}` takes a size with its unit, as a string: write `{name} = \"{} B\"`",
                i.base10_digits()
            ),
        )),
        _ => Err(syn::Error::new_spanned(
            &value.tokens,
            format!("`{name}` takes a size as a string, as in `{name} = \"64 KiB\"`"),
        )),
    }
}

impl Parse for LimitArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = LimitArgs::default();
        while !input.is_empty() {
            let span = input.span();
            if input.peek(kw::baseline) {
                input.parse::<kw::baseline>()?;
                if input.peek(syn::Token![=]) {
                    return Err(syn::Error::new(
                        input.span(),
                        "`baseline` stands alone; its tolerances are arguments of their own: \
                         `#[limit(baseline, bytes = \"+5%\", allocations = \"+0\")]`",
                    ));
                }
                set(&mut args.baseline, (), span, "baseline")?;
            } else if input.peek(kw::bytes) {
                input.parse::<kw::bytes>()?;
                let value = tolerance(input, "bytes", span)?;
                set(&mut args.bytes_tolerance, value, span, "bytes")?;
            } else if input.peek(kw::peak) {
                input.parse::<kw::peak>()?;
                if is_tolerance(input) {
                    let value = tolerance(input, "peak", span)?;
                    if args.peak.is_some() {
                        return Err(duplicate_peak(span));
                    }
                    set(&mut args.peak_tolerance, value, span, "peak")?;
                } else {
                    let size = size(input, "peak", span)?;
                    if args.peak_tolerance.is_some() {
                        return Err(duplicate_peak(span));
                    }
                    set(&mut args.peak, size, span, "peak")?;
                }
            } else if input.peek(kw::leaks) {
                input.parse::<kw::leaks>()?;
                let size = size(input, "leaks", span)?;
                set(&mut args.leaks, size, span, "leaks")?;
            } else if input.peek(kw::allocations) {
                input.parse::<kw::allocations>()?;
                if is_tolerance(input) {
                    let value = tolerance(input, "allocations", span)?;
                    if args.allocations.is_some() {
                        return Err(duplicate_allocations(span));
                    }
                    set(&mut args.allocations_tolerance, value, span, "allocations")?;
                    if !separator(input, "#[limit(baseline, allocations = \"+0\")]")? {
                        break;
                    }
                    continue;
                }
                if args.allocations_tolerance.is_some() {
                    return Err(duplicate_allocations(span));
                }
                let value = value(input, "allocations", span, "allocations = 100")?;
                let n =
                    match &value.lit {
                        Some(Lit::Int(i)) => i.base10_parse::<u64>()?,
                        _ => return Err(syn::Error::new_spanned(
                            &value.tokens,
                            "`allocations` takes a whole number, as in `allocations = 100` (or, \
                             with `baseline`, a tolerance, as in `allocations = \"+0\"`)",
                        )),
                    };
                set(&mut args.allocations, n, span, "allocations")?;
            } else if input.peek(kw::warmups) {
                input.parse::<kw::warmups>()?;
                let value = value(input, "warmups", span, "warmups = 1")?;
                let n = match &value.lit {
                    Some(Lit::Int(i)) => i.base10_parse::<u32>()?,
                    _ => {
                        return Err(syn::Error::new_spanned(
                            &value.tokens,
                            "`warmups` takes a whole number of runs, as in `warmups = 1`",
                        ))
                    }
                };
                set(&mut args.warmups, n, span, "warmups")?;
            } else if input.peek(kw::threads) {
                input.parse::<kw::threads>()?;
                let value = choice::<Threads>(input, "threads", span, "all")?;
                set(&mut args.threads, value, span, "threads")?;
            } else {
                return Err(unknown(&input.parse()?, &NAMES, VALID));
            }
            if !separator(input, "#[limit(peak = \"1 MiB\", leaks = \"0 B\")]")? {
                break;
            }
        }
        if args.baseline.is_none() {
            let tolerances = [
                (&args.bytes_tolerance, "bytes"),
                (&args.allocations_tolerance, "allocations"),
                (&args.peak_tolerance, "peak"),
            ];
            if let Some((Some((_, span)), name)) = tolerances.iter().find(|(t, _)| t.is_some()) {
                return Err(syn::Error::new(
                    *span,
                    format!(
                        "`{name} = \"+..\"` is a tolerance of a baseline: add `baseline`, as in \
                         `#[limit(baseline, {name} = \"+5%\")]` (an absolute limit is written \
                         without `+`)"
                    ),
                ));
            }
        }
        if args.peak.is_none()
            && args.leaks.is_none()
            && args.allocations.is_none()
            && args.baseline.is_none()
        {
            return Err(syn::Error::new(
                Span::call_site(),
                format!("`#[limit]` needs at least one limit: `peak`, `leaks`, `allocations` or `baseline`; {VALID}"),
            ));
        }
        Ok(args)
    }
}

fn duplicate_peak(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "duplicate argument `peak`: a limit (`peak = \"1 MiB\"`) and a baseline's tolerance \
         (`peak = \"+5%\"`) of the peak cannot both be given; keep one",
    )
}

fn duplicate_allocations(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "duplicate argument `allocations`: a limit (`allocations = 100`) and a baseline's \
         tolerance (`allocations = \"+0\"`) of the allocations cannot both be given; keep one",
    )
}

impl LimitArgs {
    /// The limits of the function `function`, as the runtime's `Limits`.
    pub fn limits(&self, function: String) -> Limits {
        let size = |s: &Option<(Size, Span)>| s.as_ref().map(|(size, _)| size.clone());
        // A figure without a tolerance may not grow at all.
        let tolerance = |t: &Option<(Tolerance, Span)>| {
            t.as_ref()
                .map_or(Tolerance::Amount(0), |(tolerance, _)| tolerance.clone())
        };
        Limits {
            function,
            peak: size(&self.peak),
            leaks: size(&self.leaks),
            allocations: self.allocations.as_ref().map(|(n, _)| *n),
            threads: self.threads(),
            warmups: self.warmups.as_ref().map_or(0, |(n, _)| *n),
            baseline: self.baseline.as_ref().map(|_| Baseline {
                bytes: tolerance(&self.bytes_tolerance),
                allocations: tolerance(&self.allocations_tolerance),
                peak: tolerance(&self.peak_tolerance),
            }),
        }
    }

    /// The options of the body's report, held for the failure message: with the Peak and
    /// Allocs columns, relative to the heap at entry (as the limits are), in bytes when the
    /// limits are small and in MiB with 3 decimals when they are not.
    pub fn options(&self) -> Options {
        let smallest = [&self.peak, &self.leaks]
            .into_iter()
            .flatten()
            .map(|(s, _)| s.bytes)
            .min()
            .unwrap_or(0);
        let (unit, precision) = if smallest < 1 << 20 {
            (Unit::B, 0)
        } else {
            (Unit::MiB, 3)
        };
        Options {
            precision,
            unit,
            stream: Stream::Held,
            peak: true,
            allocs: true,
            relative: true,
            format: Format::Text,
            threads: self.threads(),
            report: When::Call,
        }
    }

    fn threads(&self) -> Threads {
        self.threads.as_ref().map_or(Threads::Current, |(t, _)| *t)
    }

    /// Where `warmups` was written, if it was.
    pub fn warmups_span(&self) -> Option<Span> {
        self.warmups.as_ref().map(|(_, span)| *span)
    }
}
