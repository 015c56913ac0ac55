//! The attribute's arguments: `#[profile(precision = 4, unit = "KiB", peak, allocs, ...)]`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Lit, LitStr, Token};

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
    pub unit: Option<(&'static str, Span)>,
    pub peak: Option<(bool, Span)>,
    pub allocs: Option<(bool, Span)>,
    pub threads: Option<(&'static str, Span)>,
    /// `format = "text" | "json"`: how the reports are written.
    pub format: Option<(&'static str, Span)>,
    /// `report = "call" | "exit"`: a report after each outermost call, or one for the whole
    /// run, at exit.
    pub report: Option<(&'static str, Span)>,
    /// `skip`: the item is left as written (inside an impl, trait or module that carries the
    /// attribute: left out of it).
    pub skip: Option<((), Span)>,
}

pub enum Stream {
    Stdout,
    Stderr,
    File(String),
}

pub(crate) fn set<T>(
    slot: &mut Option<(T, Span)>,
    value: T,
    span: Span,
    name: &str,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            span,
            format!("duplicate argument `{name}`: it is already given earlier in this attribute; keep one"),
        ));
    }
    *slot = Some((value, span));
    Ok(())
}

/// The value written after `name =`: the literal if it is one, and its tokens for the errors
/// (`MiB`, `-x`, `[..]`: anything but one literal, `-1` included, is the wrong kind of value).
pub(crate) struct Value {
    pub(crate) lit: Option<Lit>,
    pub(crate) tokens: TokenStream,
}

impl Value {
    /// `Some("MiB")` for a bare identifier or a non-string literal: what the user may have meant
    /// between quotes.
    fn bare_text(&self) -> Option<String> {
        match &self.lit {
            Some(Lit::Str(_)) => None,
            _ => Some(self.tokens.to_string()),
        }
    }
}

/// `= value`, with errors naming the argument when `=` or the value is missing.
pub(crate) fn value(
    input: ParseStream,
    name: &str,
    key: Span,
    example: &str,
) -> syn::Result<Value> {
    let Some(eq) = input.parse::<Option<Token![=]>>()? else {
        let span = if input.is_empty() { key } else { input.span() };
        return Err(syn::Error::new(
            span,
            format!("expected `=` after `{name}`, as in `{example}`"),
        ));
    };
    if input.is_empty() || input.peek(Token![,]) {
        return Err(syn::Error::new_spanned(
            eq,
            format!("`{name}` needs a value after `=`, as in `{example}`"),
        ));
    }
    if input.peek(Lit) {
        let lit: Lit = input.parse()?;
        let tokens = lit.to_token_stream();
        return Ok(Value {
            lit: Some(lit),
            tokens,
        });
    }
    let mut tokens = TokenStream::new();
    if input.peek(Token![-]) {
        tokens.extend(input.parse::<Token![-]>()?.to_token_stream());
    }
    if !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend(std::iter::once(input.parse::<proc_macro2::TokenTree>()?));
    }
    Ok(Value { lit: None, tokens })
}

/// A string value, one of `options` or (with `other`) anything else but empty.
pub(crate) fn string(
    input: ParseStream,
    name: &str,
    key: Span,
    options: &[&'static str],
    other: Option<&str>,
    example: &str,
) -> syn::Result<LitStr> {
    let mut expected = options
        .iter()
        .map(|o| format!("`{name} = \"{o}\"`"))
        .collect::<Vec<_>>();
    if let Some(other) = other {
        expected.push(other.to_owned());
    }
    let expected = one_of(&expected);
    let value = value(input, name, key, &format!("{name} = \"{example}\""))?;
    match value.lit {
        Some(Lit::Str(s)) => Ok(s),
        _ => {
            let hint = match value.bare_text() {
                Some(text) if options.contains(&text.as_str()) => {
                    format!("; write `{name} = \"{text}\"`")
                }
                _ => String::new(),
            };
            Err(syn::Error::new_spanned(
                value.tokens,
                format!("`{name}` takes a string: {expected}{hint}"),
            ))
        }
    }
}

/// `a`, `a or b`, `a, b or c`.
fn one_of(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

pub(crate) fn choice(
    input: ParseStream,
    name: &str,
    key: Span,
    options: &[&'static str],
    example: &str,
) -> syn::Result<&'static str> {
    let lit = string(input, name, key, options, None, example)?;
    let value = lit.value();
    if let Some(o) = options.iter().find(|o| **o == value) {
        return Ok(o);
    }
    // "MB", "mib", "kb": the binary unit the user most likely meant.
    let near = options.iter().position(|o| {
        o.eq_ignore_ascii_case(&value) || o.replace('i', "").eq_ignore_ascii_case(&value)
    });
    let hint = match near {
        Some(i) if name == "unit" && i > 0 => format!(
            " (did you mean \"{}\"? units are binary: 1 {} = 1024 {})",
            options[i],
            options[i],
            options[i - 1]
        ),
        Some(i) => format!(" (did you mean \"{}\"?)", options[i]),
        None => String::new(),
    };
    let expected = one_of(
        &options
            .iter()
            .map(|o| format!("`{name} = \"{o}\"`"))
            .collect::<Vec<_>>(),
    );
    Err(syn::Error::new_spanned(
        lit,
        format!("unknown `{name}` value \"{value}\"{hint}; expected {expected}"),
    ))
}

/// `peak` alone, or `peak = true` / `peak = false`.
fn flag(input: ParseStream, name: &str, key: Span) -> syn::Result<bool> {
    if !input.peek(Token![=]) {
        return Ok(true);
    }
    let value = value(input, name, key, name)?;
    match value.lit {
        Some(Lit::Bool(b)) => Ok(b.value),
        _ => Err(syn::Error::new_spanned(
            value.tokens,
            format!("`{name}` takes `true` or `false`, or stands alone: `{name}`"),
        )),
    }
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

/// Levenshtein distance, for "did you mean" on misspelt argument names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// An argument name that is none of `names`: the error, with the nearest name if any.
pub(crate) fn unknown(tt: &proc_macro2::TokenTree, names: &[&str], valid: &str) -> syn::Error {
    let text = tt.to_string();
    let near = names
        .iter()
        .map(|n| (distance(&text.to_lowercase(), n), n))
        .min()
        .filter(|(d, _)| *d <= 2);
    let message = match near {
        Some((_, n)) => format!("unknown argument `{text}` (did you mean `{n}`?); {valid}"),
        None => format!("unknown argument `{text}`; {valid}"),
    };
    syn::Error::new_spanned(tt, message)
}

/// After an argument: the end, or a comma before the next one (`example` shows the syntax).
/// Returns whether more arguments follow.
pub(crate) fn separator(input: ParseStream, example: &str) -> syn::Result<bool> {
    if input.is_empty() {
        return Ok(false);
    }
    if !input.peek(Token![,]) {
        return Err(syn::Error::new(
            input.span(),
            format!("expected `,`: separate the arguments with commas, as in `{example}`"),
        ));
    }
    input.parse::<Token![,]>()?;
    Ok(true)
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
                let value = choice(input, "unit", span, &["B", "KiB", "MiB", "GiB"], "KiB")?;
                set(&mut args.unit, value, span, "unit")?;
            } else if input.peek(kw::threads) {
                input.parse::<kw::threads>()?;
                let value = choice(input, "threads", span, &["current", "all"], "all")?;
                set(&mut args.threads, value, span, "threads")?;
            } else if input.peek(kw::format) {
                input.parse::<kw::format>()?;
                let value = choice(input, "format", span, &["text", "json"], "json")?;
                set(&mut args.format, value, span, "format")?;
            } else if input.peek(kw::report) {
                input.parse::<kw::report>()?;
                let value = choice(input, "report", span, &["call", "exit"], "exit")?;
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

    /// The `::memory_profiler::__private::Options { .. }` expression.
    pub fn options(&self) -> TokenStream {
        let p = quote!(::memory_profiler::__private);
        let precision = self.precision.as_ref().map_or(1, |(n, _)| *n);
        let unit = syn::Ident::new(
            self.unit.as_ref().map_or("MiB", |(u, _)| u),
            Span::call_site(),
        );
        let stream = match self.stream.as_ref().map(|(s, _)| s) {
            None | Some(Stream::Stdout) => quote!(#p::Stream::Stdout),
            Some(Stream::Stderr) => quote!(#p::Stream::Stderr),
            Some(Stream::File(path)) => quote!(#p::Stream::File(#path)),
        };
        let peak = self.peak.as_ref().is_some_and(|(b, _)| *b);
        let allocs = self.allocs.as_ref().is_some_and(|(b, _)| *b);
        let threads = match self.threads.as_ref().map(|(t, _)| *t) {
            Some("all") => quote!(#p::Threads::All),
            _ => quote!(#p::Threads::Current),
        };
        let format = match self.format.as_ref().map(|(f, _)| *f) {
            Some("json") => quote!(#p::Format::Json),
            _ => quote!(#p::Format::Text),
        };
        let report = match self.report.as_ref().map(|(r, _)| *r) {
            Some("exit") => quote!(#p::When::Exit),
            _ => quote!(#p::When::Call),
        };
        quote! {
            #p::Options {
                precision: #precision,
                unit: #p::Unit::#unit,
                stream: #stream,
                peak: #peak,
                allocs: #allocs,
                relative: false,
                format: #format,
                threads: #threads,
                report: #report,
            }
        }
    }
}
