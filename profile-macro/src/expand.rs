//! Parse → validate → expand.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, ToTokens};
use syn::ItemFn;

use crate::args::Args;
use crate::lines::{source_lines, span_line};
use crate::rewrite::Rewriter;

pub fn profile(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = match syn::parse2::<Args>(args) {
        Ok(args) => args,
        // The error, and the item untouched, so that no other error follows from it.
        Err(err) => return error_with(err, item),
    };
    let function = match parse_function(item.clone(), "profile") {
        Ok(function) => function,
        Err(err) => return error_with(err, item),
    };
    if let Err(err) = validate(&function) {
        return error_with(err, item);
    }
    if !cfg!(feature = "enabled") {
        // Switched off: the function exactly as written.
        return item;
    }
    expand(&args, function, &item)
}

pub fn error_with(err: syn::Error, item: TokenStream) -> TokenStream {
    let mut out = err.to_compile_error();
    out.extend(item);
    out
}

/// Parses the item as a function; anything else gets an error naming what it is (and the
/// attribute, `attr`, that was put on it).
pub fn parse_function(item: TokenStream, attr: &str) -> syn::Result<ItemFn> {
    let as_function = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(function) => return Ok(function),
        Err(err) => err,
    };
    if let Ok(method) = syn::parse2::<syn::TraitItemFn>(item.clone()) {
        if method.default.is_none() {
            return Err(syn::Error::new_spanned(
                &method.sig,
                format!("`#[{attr}]` needs a function body, and this declaration has none; in a trait, put the attribute on the method's implementations, or give the method a default body"),
            ));
        }
    }
    match syn::parse2::<syn::Item>(item.clone()) {
        Ok(other) => {
            let what = match &other {
                syn::Item::Struct(_) => "a struct",
                syn::Item::Enum(_) => "an enum",
                syn::Item::Union(_) => "a union",
                syn::Item::Trait(_) => {
                    "a trait (put it on methods that have a body: default methods, or those of an impl)"
                }
                syn::Item::Impl(_) => "an impl block (put it on the methods inside)",
                syn::Item::Mod(_) => "a module (put it on the functions inside)",
                syn::Item::Const(_) => "a constant",
                syn::Item::Static(_) => "a static",
                syn::Item::Type(_) => "a type alias",
                syn::Item::Use(_) => "a `use` declaration",
                syn::Item::ForeignMod(_) => "an extern block (it has no bodies to profile)",
                syn::Item::Macro(_) => "a macro",
                _ => match syn::parse2::<syn::TraitItem>(item.clone()) {
                    // `type T;` and `const C: u8;` in a trait: syn has no `Item` for them.
                    Ok(syn::TraitItem::Type(_)) => "an associated type",
                    Ok(syn::TraitItem::Const(_)) => "an associated constant",
                    _ => "this item",
                },
            };
            let head = other.to_token_stream().into_iter().find(|t| {
                !matches!(
                    t,
                    proc_macro2::TokenTree::Punct(_) | proc_macro2::TokenTree::Group(_)
                )
            });
            let span = head.map_or(Span::call_site(), |t| t.span());
            Err(syn::Error::new(
                span,
                format!("`#[{attr}]` applies to functions with a body, not to {what}"),
            ))
        }
        // Not an item syn can read: say where reading it as a function stopped (the item is
        // emitted after the error, so rustc reports the user's own syntax error as well).
        Err(_) => {
            let mut err = syn::Error::new(
                Span::call_site(),
                format!("`#[{attr}]` could not read this item as a function with a body"),
            );
            err.combine(as_function);
            Err(err)
        }
    }
}

fn validate(function: &ItemFn) -> syn::Result<()> {
    let sig = &function.sig;
    if let Some(token) = &sig.constness {
        return Err(syn::Error::new_spanned(
            token,
            "`#[profile]` cannot profile a `const fn`: const evaluation has no heap to measure; remove `const` or the attribute",
        ));
    }
    Ok(())
}

fn expand(args: &Args, function: ItemFn, item: &TokenStream) -> TokenStream {
    instrument(function, item, args.options(), None).into_token_stream()
}

/// The rewritten function: a guard first in the body (after `before`, if given), then the
/// user's statements with their probes.
///
/// ```text
/// fn f() -> T {                                 fn f() -> T {
///     body                                          let __mp_guard = {
/// }                                                     static META: FnMeta = ..;
///                                                       thread_local!(static TABLE: Table<N> = ..);
///                                                       struct Key; impl TableKey<N> for Key { .. }
///                                                       Guard::<Key, N>::enter(&META)
///                                                   };
///                                                   rewritten body
///                                               }
/// ```
///
/// The statics live in the guard's initialiser block, so the body can neither name them nor
/// collide with them.
pub fn instrument(
    mut function: ItemFn,
    item: &TokenStream,
    options: TokenStream,
    before: Option<syn::Stmt>,
) -> ItemFn {
    let first_line = span_line(Span::call_site());
    // The block's end: `close()` would be the whole block's span, starting at `{`, when another
    // macro re-emitted the function through syn before us.
    let close_line = function
        .block
        .brace_token
        .span
        .join()
        .end()
        .line
        .max(first_line);
    let rows = close_line - first_line + 1;
    let lines = source_lines(first_line, close_line, &function.sig.ident, item);
    let name = function.sig.ident.to_string();

    let is_async = function.sig.asyncness.is_some();
    let mut rewriter = Rewriter::new(first_line, rows - 1, is_async);
    rewriter.rewrite_body(&mut function.block);
    let guard = &rewriter.guard;

    let p = quote!(::memory_profiler::__private);
    let first_line = first_line as u32;
    let rows = Literal::usize_unsuffixed(rows);
    let meta = quote! {
        static META: #p::FnMeta = #p::FnMeta {
            name: #name,
            module_path: ::core::module_path!(),
            file: ::core::file!(),
            first_line: #first_line,
            lines: &[#(#lines),*],
            options: #options,
        };
    };
    // An `async fn` call owns its table: its future may be polled on several threads.
    let setup: syn::Stmt = if is_async {
        syn::parse_quote! {
            let #guard = {
                #meta
                #p::AsyncGuard::<#p::Owned<#p::SharedTable<#rows>>, #rows>::enter_async(&META)
            };
        }
    } else {
        syn::parse_quote! {
        let #guard = {
            #meta
            ::std::thread_local! {
                static TABLE: #p::Table<#rows> = const { #p::Table::new() };
            }
            struct Key;
            impl #p::TableKey<#p::Table<#rows>> for Key {
                #[inline(always)]
                fn with<R>(&self, f: impl ::core::ops::FnOnce(&#p::Table<#rows>) -> R) -> R {
                    TABLE.with(f)
                }
            }
            #p::Guard::<Key, #rows>::enter(&META, Key)
        };
        }
    };
    let mut stmts: Vec<syn::Stmt> = before.into_iter().collect();
    stmts.push(setup);
    stmts.append(&mut function.block.stmts);
    function.block.stmts = stmts;
    function
}
