//! `#[limit(peak = "24 MB", leaks = "0 B", allocations = 100, threads = "all")]`: the
//! function (usually a `#[test]`) fails when its body exceeds a limit, with the line report of
//! the body in the message.
//!
//! Input → Output:
//!
//! ```text
//! #[limit(peak = "1 MiB")]          #[test]
//! #[test]                           fn t() {
//! fn t() { body }                       match LimitGuard::start(&LIMITS) {  // dropped last
//!                                           _ => match { .. Guard::enter(..) } {  // report held
//!                                               ref __mp_guard => { rewritten body }  // for the limit
//!                                           }
//!                                       }
//!                                   }
//! ```

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, ItemFn, Lit};

use crate::args::{choice, separator, set, unknown, value};

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

/// A size as written, and in bytes.
struct Size {
    bytes: i64,
    text: String,
}

#[derive(Default)]
struct LimitArgs {
    peak: Option<(Size, Span)>,
    leaks: Option<(Size, Span)>,
    allocations: Option<(u64, Span)>,
    threads: Option<(&'static str, Span)>,
    warmups: Option<(u32, Span)>,
    /// `baseline`: the figures are compared with a baseline file.
    baseline: Option<((), Span)>,
    /// Tolerances of the baseline's figures: `bytes = "+5%"`, `allocations = "+0"`,
    /// `peak = "+1 KiB"`.
    bytes_tolerance: Option<(Tolerance, Span)>,
    allocations_tolerance: Option<(Tolerance, Span)>,
    peak_tolerance: Option<(Tolerance, Span)>,
}

/// How much a baseline's figure may grow (the runtime's `Tolerance`).
#[derive(Debug, PartialEq)]
enum Tolerance {
    Percent(f64),
    Amount(u64),
}

/// `"+5%"`, `"+0.5%"`; `"+2"` (allocations); `"+100"`, `"+1 KiB"` (bytes, peak): as the
/// runtime's `Tolerance::parse` reads them (`memory_profiler::baseline`).
fn parse_tolerance(text: &str, name: &str) -> Result<Tolerance, String> {
    let trimmed = text.trim();
    let example = if name == "allocations" {
        "\"+5%\" or \"+2\""
    } else {
        "\"+5%\" or \"+1 KiB\""
    };
    let Some(rest) = trimmed.strip_prefix('+') else {
        let hint = if !trimmed.is_empty() && !trimmed.starts_with('-') {
            format!(" (did you mean \"+{trimmed}\"?)")
        } else {
            String::new()
        };
        return Err(format!(
            "\"{text}\" is not a tolerance{hint}: a tolerance is how much `{name}` may grow over \
             the baseline, written with a `+`: {example}"
        ));
    };
    let rest = rest.trim();
    if let Some(number) = rest.strip_suffix('%') {
        let number = number.trim();
        return match number.replace('_', "").parse::<f64>() {
            Ok(p) if p.is_finite() && p >= 0.0 && !number.is_empty() => Ok(Tolerance::Percent(p)),
            _ => Err(format!(
                "\"{text}\" is not a percentage: write a number before `%`, as in \"+5%\""
            )),
        };
    }
    if name == "allocations" {
        return rest
            .replace('_', "")
            .parse::<u64>()
            .map(Tolerance::Amount)
            .map_err(|_| {
                format!(
                    "\"{text}\" is not a tolerance of allocations: write a whole number of \
                     allocations or a percentage: {example}"
                )
            });
    }
    let has_unit = rest.ends_with(|c: char| c.is_ascii_alphabetic());
    let bytes = if has_unit {
        parse_size(rest)
    } else {
        rest.replace('_', "")
            .parse::<i64>()
            .map_err(|_| format!("\"{text}\" is not an amount of bytes"))
    };
    bytes
        .map(|b| Tolerance::Amount(b as u64))
        .map_err(|why| format!("{why}; a tolerance of `{name}` is written {example}"))
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

/// `"24 MB"` → 24,000,000: B, KB/MB/GB/TB (decimal, powers of 1000) and KiB/MiB/GiB/TiB
/// (binary, powers of 1024), as pytest-memray reads them; decimals allowed (`"1.5 MiB"`).
fn parse_size(text: &str) -> Result<i64, String> {
    const UNITS: [(&str, f64); 9] = [
        ("B", 1.0),
        ("KB", 1e3),
        ("MB", 1e6),
        ("GB", 1e9),
        ("TB", 1e12),
        ("KiB", 1024.0),
        ("MiB", 1048576.0),
        ("GiB", 1073741824.0),
        ("TiB", 1099511627776.0),
    ];
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let unit = unit.trim();
    let number: f64 = number.replace('_', "").parse().map_err(|_| {
        format!(
            "\"{text}\" is not a size: write a number and a unit, as in \"64 KiB\" or \"24 MB\""
        )
    })?;
    let Some((_, factor)) = UNITS.iter().find(|(u, _)| *u == unit) else {
        let near = UNITS
            .iter()
            .find(|(u, _)| u.eq_ignore_ascii_case(unit))
            .map(|(u, _)| *u);
        let hint = near.map_or(String::new(), |u| format!(" (did you mean \"{u}\"?)"));
        return Err(format!(
            "unknown unit \"{unit}\" in \"{text}\"{hint}: use B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)"
        ));
    };
    let bytes = number * factor;
    if bytes.fract() != 0.0 || bytes > i64::MAX as f64 {
        return Err(format!("\"{text}\" is not a whole number of bytes"));
    }
    Ok(bytes as i64)
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
                let value = choice(input, "threads", span, &["current", "all"], "all")?;
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

pub fn limit(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = match syn::parse2::<LimitArgs>(args) {
        Ok(args) => args,
        Err(err) => return crate::expand::error_with(err, item),
    };
    let mut function = match crate::expand::parse_function(item.clone(), "limit") {
        Ok(function) => function,
        Err(err) => return crate::expand::error_with(err, item),
    };
    // In an impl or a module that `#[profile]` marked: the limit's report is the function's.
    let _ = crate::container::take_mark(&mut function.attrs);
    if let Some(token) = &function.sig.constness {
        let err = syn::Error::new_spanned(
            token,
            "`#[limit]` cannot apply to a `const fn`: const evaluation has no heap",
        );
        return crate::expand::error_with(err, item);
    }
    if !cfg!(feature = "enabled") {
        // Switched off: the function as written, but failing when called, saying that its
        // limits cannot be checked (a limit test must not pass without measuring).
        return switched_off(function).into_token_stream();
    }
    if crate::expand::allocator_entry(&function.sig) {
        return crate::expand::pass_through(function).into_token_stream();
    }
    match expand(&args, function, &item) {
        Ok(function) => function.into_token_stream(),
        Err(err) => crate::expand::error_with(err, item),
    }
}

/// The function with a first statement that fails it: the profiler is switched off. (The call
/// returns `()`, so the statements after it are not unreachable code to the compiler.)
fn switched_off(mut function: ItemFn) -> ItemFn {
    let name = function.sig.ident.to_string();
    let fail: syn::Stmt = syn::parse_quote! {
        ::memory_profiler::__private::limit_switched_off(#name);
    };
    function.block.stmts.insert(0, fail);
    function
}

fn expand(args: &LimitArgs, function: ItemFn, item: &TokenStream) -> syn::Result<ItemFn> {
    let p = quote!(::memory_profiler::__private);
    let name = function.sig.ident.to_string();
    let size = |s: &Option<(Size, Span)>| match s {
        Some((Size { bytes, text }, _)) => quote!(::core::option::Option::Some((#bytes, #text))),
        None => quote!(::core::option::Option::None),
    };
    let (peak, leaks) = (size(&args.peak), size(&args.leaks));
    let allocations = match &args.allocations {
        Some((n, _)) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let threads = match args.threads.as_ref().map(|(t, _)| *t) {
        Some("all") => quote!(#p::Threads::All),
        _ => quote!(#p::Threads::Current),
    };
    // Bytes in the report when the limits are small, MiB with 3 decimals when they are not.
    let smallest = [&args.peak, &args.leaks]
        .into_iter()
        .flatten()
        .map(|(s, _)| s.bytes)
        .min()
        .unwrap_or(0);
    let (unit, precision) = if smallest < 1 << 20 {
        (Ident::new("B", Span::call_site()), 0usize)
    } else {
        (Ident::new("MiB", Span::call_site()), 3usize)
    };
    let options = quote! {
        #p::Options {
            precision: #precision,
            unit: #p::Unit::#unit,
            stream: #p::Stream::Held,
            peak: true,
            allocs: true,
            relative: true,
            format: #p::Format::Text,
            threads: #threads,
            report: #p::When::Call,
        }
    };
    let warmups = args.warmups.as_ref().map_or(0, |(n, _)| *n);
    if let Some((_, span)) = &args.warmups {
        if !function.sig.inputs.is_empty() {
            return Err(syn::Error::new(
                *span,
                "`warmups` runs the body again before it is measured, so it takes functions \
                 without arguments (tests)",
            ));
        }
    }
    let baseline = match &args.baseline {
        Some(_) => {
            let tolerance = |t: &Option<(Tolerance, Span)>| match t {
                Some((Tolerance::Percent(percent), _)) => {
                    let percent = proc_macro2::Literal::f64_suffixed(*percent);
                    quote!(#p::Tolerance::Percent(#percent))
                }
                Some((Tolerance::Amount(n), _)) => quote!(#p::Tolerance::Amount(#n)),
                None => quote!(#p::Tolerance::Amount(0)),
            };
            let (bytes, allocations, peak) = (
                tolerance(&args.bytes_tolerance),
                tolerance(&args.allocations_tolerance),
                tolerance(&args.peak_tolerance),
            );
            quote! {
                ::core::option::Option::Some(#p::Baseline {
                    tolerances: #p::Tolerances::new(#bytes, #allocations, #peak),
                    module_path: ::core::module_path!(),
                    file: ::core::file!(),
                    manifest_dir: ::core::option_env!("CARGO_MANIFEST_DIR"),
                })
            }
        }
        None => quote!(::core::option::Option::None),
    };
    let init: syn::Expr = syn::parse_quote! {
        {
            static LIMITS: #p::Limits = #p::Limits {
                function: #name,
                peak: #peak,
                leaks: #leaks,
                allocations: #allocations,
                threads: #threads,
                warmups: #warmups,
                baseline: #baseline,
            };
            #p::LimitGuard::start(&LIMITS)
        }
    };
    crate::expand::instrument(
        function,
        item,
        options,
        Some(crate::expand::Before { init, warmups }),
        "limit",
    )
}

#[cfg(test)]
mod tests {
    use super::{parse_size, parse_tolerance, Tolerance};

    /// The cases of the runtime's `Tolerance::parse` (profile-runtime/src/baseline.rs): the two
    /// read tolerances alike.
    #[test]
    fn tolerances() {
        assert_eq!(parse_tolerance("+5%", "bytes"), Ok(Tolerance::Percent(5.0)));
        assert_eq!(
            parse_tolerance(" + 2.5 % ", "peak"),
            Ok(Tolerance::Percent(2.5))
        );
        assert_eq!(
            parse_tolerance("+0", "allocations"),
            Ok(Tolerance::Amount(0))
        );
        assert_eq!(
            parse_tolerance("+1_000", "allocations"),
            Ok(Tolerance::Amount(1000))
        );
        assert_eq!(parse_tolerance("+100", "bytes"), Ok(Tolerance::Amount(100)));
        assert_eq!(
            parse_tolerance("+1 KiB", "bytes"),
            Ok(Tolerance::Amount(1024))
        );
        assert_eq!(
            parse_tolerance("+1.5 MB", "peak"),
            Ok(Tolerance::Amount(1_500_000))
        );
        let err = |text, name| parse_tolerance(text, name).unwrap_err();
        assert!(err("5%", "bytes").contains("(did you mean \"+5%\"?)"));
        assert!(err("-5%", "bytes").contains("is how much `bytes` may grow"));
        assert!(err("+1 KiB", "allocations").contains("whole number of allocations"));
        assert!(err("+1 kb", "bytes").contains("did you mean \"KB\"?"));
        assert!(err("+%", "bytes").contains("not a percentage"));
        assert!(err("+0.5 B", "bytes").contains("not a whole number of bytes"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0 B"), Ok(0));
        assert_eq!(parse_size("24 MB"), Ok(24_000_000));
        assert_eq!(parse_size("64 KiB"), Ok(65_536));
        assert_eq!(parse_size("1.5 MiB"), Ok(1_572_864));
        assert_eq!(parse_size("2GB"), Ok(2_000_000_000));
        assert_eq!(parse_size(" 10 KB "), Ok(10_000));
        assert!(parse_size("10 mb")
            .unwrap_err()
            .contains("did you mean \"MB\"?"));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("1.5 B").is_err());
    }
}
