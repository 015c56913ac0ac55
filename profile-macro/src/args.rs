//! The attribute's arguments: `#[profile(precision = 4, unit = "KiB", peak, allocs, ...)]`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Lit, LitStr, Token};

mod kw {
    syn::custom_keyword!(precision);
    syn::custom_keyword!(stream);
    syn::custom_keyword!(unit);
    syn::custom_keyword!(peak);
    syn::custom_keyword!(allocs);
    syn::custom_keyword!(threads);
}

const VALID: &str = "valid arguments are `precision = N`, `stream = \"stdout\" | \"stderr\" | \"path\"`, \
                     `unit = \"B\" | \"KiB\" | \"MiB\" | \"GiB\"`, `threads = \"current\" | \"all\"`, `peak` and `allocs`";

/// The parsed arguments, each remembering where it was written (for duplicate errors).
#[derive(Default)]
pub struct Args {
    pub precision: Option<(usize, Span)>,
    pub stream: Option<(Stream, Span)>,
    pub unit: Option<(&'static str, Span)>,
    pub peak: Option<(bool, Span)>,
    pub allocs: Option<(bool, Span)>,
    pub threads: Option<(&'static str, Span)>,
}

pub enum Stream {
    Stdout,
    Stderr,
    File(String),
}

fn set<T>(slot: &mut Option<(T, Span)>, value: T, span: Span, name: &str) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            span,
            format!("duplicate argument `{name}`"),
        ));
    }
    *slot = Some((value, span));
    Ok(())
}

fn string(input: ParseStream, name: &str, expected: &str) -> syn::Result<LitStr> {
    input.parse::<Token![=]>()?;
    match input.parse::<Lit>()? {
        Lit::Str(s) => Ok(s),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{name}` takes a string: {expected}"),
        )),
    }
}

fn choice(
    input: ParseStream,
    name: &str,
    options: &[&'static str],
) -> syn::Result<(&'static str, Span)> {
    let expected = options
        .iter()
        .map(|o| format!("`{name} = \"{o}\"`"))
        .collect::<Vec<_>>()
        .join(", ");
    let lit = string(input, name, &expected)?;
    let value = lit.value();
    match options.iter().find(|o| **o == value) {
        Some(o) => Ok((o, lit.span())),
        None => Err(syn::Error::new_spanned(
            lit,
            format!("unknown {name} \"{value}\"; expected one of {expected}"),
        )),
    }
}

/// `peak` alone, or `peak = true` / `peak = false`.
fn flag(input: ParseStream, name: &str) -> syn::Result<bool> {
    if !input.peek(Token![=]) {
        return Ok(true);
    }
    input.parse::<Token![=]>()?;
    match input.parse::<Lit>()? {
        Lit::Bool(b) => Ok(b.value),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{name}` takes `true` or `false`, or stands alone: `{name}`"),
        )),
    }
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            let span = input.span();
            if lookahead.peek(kw::precision) {
                input.parse::<kw::precision>()?;
                input.parse::<Token![=]>()?;
                let value = match input.parse::<Lit>()? {
                    Lit::Int(int) => match int.base10_parse::<usize>() {
                        Ok(n) if n <= 16 => n,
                        _ => {
                            return Err(syn::Error::new_spanned(
                                int,
                                "`precision` must be an integer from 0 to 16",
                            ))
                        }
                    },
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "`precision` takes an integer, as in `precision = 3`",
                        ))
                    }
                };
                set(&mut args.precision, value, span, "precision")?;
            } else if lookahead.peek(kw::stream) {
                input.parse::<kw::stream>()?;
                let lit = string(input, "stream", "`\"stdout\"`, `\"stderr\"` or a file path")?;
                let value = match lit.value().as_str() {
                    "stdout" => Stream::Stdout,
                    "stderr" => Stream::Stderr,
                    "" => {
                        return Err(syn::Error::new_spanned(
                            lit,
                            "`stream` needs a file path, \"stdout\" or \"stderr\"",
                        ))
                    }
                    path => Stream::File(path.to_owned()),
                };
                set(&mut args.stream, value, span, "stream")?;
            } else if lookahead.peek(kw::unit) {
                input.parse::<kw::unit>()?;
                let (value, _) = choice(input, "unit", &["B", "KiB", "MiB", "GiB"])?;
                set(&mut args.unit, value, span, "unit")?;
            } else if lookahead.peek(kw::threads) {
                input.parse::<kw::threads>()?;
                let (value, _) = choice(input, "threads", &["current", "all"])?;
                set(&mut args.threads, value, span, "threads")?;
            } else if lookahead.peek(kw::peak) {
                input.parse::<kw::peak>()?;
                let value = flag(input, "peak")?;
                set(&mut args.peak, value, span, "peak")?;
            } else if lookahead.peek(kw::allocs) {
                input.parse::<kw::allocs>()?;
                let value = flag(input, "allocs")?;
                set(&mut args.allocs, value, span, "allocs")?;
            } else if input.peek(syn::Ident) || input.peek(Token![async]) {
                let tt: proc_macro2::TokenTree = input.parse()?;
                return Err(syn::Error::new_spanned(
                    &tt,
                    format!("unknown argument `{tt}`; {VALID}"),
                ));
            } else {
                let mut err = lookahead.error();
                err.combine(syn::Error::new(span, VALID));
                return Err(err);
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    }
}

impl Args {
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
        quote! {
            #p::Options {
                precision: #precision,
                unit: #p::Unit::#unit,
                stream: #stream,
                peak: #peak,
                allocs: #allocs,
                threads: #threads,
            }
        }
    }
}
