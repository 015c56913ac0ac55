//! Reading one argument's value, with the errors that name the argument: the readers that
//! `#[profile]`'s arguments (`crate::args`) and `#[limit]`'s (`crate::limit::args`) share. A
//! reader returns the value typed (`crate::spec`), or a `syn::Error` on the offending tokens.
//! This module calls only `crate::spec`'s `Keyword`.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::ParseStream;
use syn::{Lit, LitStr, Token};

use crate::spec::Keyword;

/// Keeps an argument's value and where it was written; an error if it was given already.
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

/// One of a closed set of string values (`threads = "all"`), typed.
pub(crate) fn choice<T: Keyword>(
    input: ParseStream,
    name: &str,
    key: Span,
    example: &str,
) -> syn::Result<T> {
    let options: Vec<&'static str> = T::ALL.iter().map(|(text, _)| *text).collect();
    let lit = string(input, name, key, &options, None, example)?;
    let value = lit.value();
    if let Some((_, typed)) = T::ALL.iter().find(|(text, _)| *text == value) {
        return Ok(*typed);
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
pub(crate) fn flag(input: ParseStream, name: &str, key: Span) -> syn::Result<bool> {
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
