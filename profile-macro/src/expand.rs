//! `#[profile]`'s entry points: parse → validate → expand. `profile` reads the arguments
//! (`crate::args`) and the item: an impl, a trait or a module goes to `crate::container`, which
//! marks its functions; a function (or a marked one, `member`) is checked and handed to
//! `crate::instrument` with its typed options. Also the pieces that `#[limit]` (`crate::limit`)
//! shares: reading the item as a function with errors that say what it is, emitting an error
//! with the item untouched, and the allocator methods that pass through unrewritten.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::ItemFn;

use crate::args::Args;
use crate::container::{self, take_mark, Member};
use crate::instrument::{instrument_at, Naming, Site};
use crate::lines::{fn_start_line, span_line};

pub fn profile(args: TokenStream, item: TokenStream) -> TokenStream {
    let args_tokens = args.clone();
    let args = match syn::parse2::<Args>(args) {
        Ok(args) => args,
        // The error, and the item untouched, so that no other error follows from it.
        Err(err) => return error_with(err, item),
    };
    let function = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(container @ (syn::Item::Impl(_) | syn::Item::Trait(_) | syn::Item::Mod(_))) => {
            return container::expand(args, args_tokens, container, item);
        }
        Ok(syn::Item::Fn(function)) => function,
        _ => match parse_function(item.clone(), "profile") {
            Ok(function) => function,
            Err(err) => return error_with(err, item),
        },
    };
    match profile_function(args, function, &item) {
        Ok(tokens) => tokens,
        Err(err) => error_with(err, item),
    }
}

/// `#[profile]` on a function: inside an impl, trait or module that carries the attribute too,
/// it finds the mark that one left (see `crate::container`), and lays its own arguments over
/// the mark's.
fn profile_function(
    args: Args,
    mut function: ItemFn,
    item: &TokenStream,
) -> syn::Result<TokenStream> {
    let member = take_mark(&mut function.attrs)?;
    if args.skip() {
        // Left as written (without the mark, if there was one).
        return Ok(match member {
            Some(_) => function.into_token_stream(),
            None => item.clone(),
        });
    }
    validate(&function)?;
    let args = match &member {
        Some(member) => member.args()?.under(args),
        None => args,
    };
    if !cfg!(feature = "enabled") {
        // Switched off: the function exactly as written.
        return Ok(function.into_token_stream());
    }
    if allocator_entry(&function.sig) {
        return Ok(pass_through(function).into_token_stream());
    }
    let naming = match &member {
        Some(member) => Naming::Known(member.qualified(&function.sig.ident)),
        None if function.sig.receiver().is_some() => Naming::SelfType,
        None => Naming::Known(function.sig.ident.to_string()),
    };
    let site = Site {
        first_line: span_line(Span::call_site()),
        attribute_row: true,
        naming,
    };
    Ok(instrument_at(function, item, args.options(), None, "profile", site)?.into_token_stream())
}

/// The hidden mark that `#[profile]` on an impl, a trait or a module puts on the functions
/// inside (see `crate::container`): the function is profiled with the mark's arguments, named
/// by its owner, and its report starts at its signature's line.
pub fn member(args: TokenStream, item: TokenStream) -> TokenStream {
    let member = match syn::parse2::<Member>(args) {
        Ok(member) => member,
        Err(err) => return error_with(err, item),
    };
    let function = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(function) => function,
        Err(err) => return error_with(err, item),
    };
    let args = match member.args() {
        Ok(args) => args,
        Err(err) => return error_with(err, item),
    };
    if !cfg!(feature = "enabled") || function.sig.constness.is_some() {
        return function.into_token_stream();
    }
    if allocator_entry(&function.sig) {
        return pass_through(function).into_token_stream();
    }
    let site = Site {
        first_line: fn_start_line(&function),
        attribute_row: false,
        naming: Naming::Known(member.qualified(&function.sig.ident)),
    };
    match instrument_at(function, &item, args.options(), None, "profile", site) {
        Ok(function) => function.into_token_stream(),
        Err(err) => error_with(err, item),
    }
}

/// Whether the function is a method of an allocator (`GlobalAlloc`'s, or the unstable
/// `Allocator`'s): named as one, with a receiver and a `Layout` argument. Such a method runs
/// inside the program's allocations, where the profiler must not record (recording may
/// allocate), so it gets [`pass_through`] instead of the rewrite.
pub fn allocator_entry(sig: &syn::Signature) -> bool {
    const METHODS: [&str; 10] = [
        "alloc",
        "alloc_zeroed",
        "dealloc",
        "realloc",
        "allocate",
        "allocate_zeroed",
        "deallocate",
        "grow",
        "grow_zeroed",
        "shrink",
    ];
    fn is_layout(ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Path(path) => path
                .path
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "Layout"),
            syn::Type::Group(group) => is_layout(&group.elem),
            syn::Type::Paren(paren) => is_layout(&paren.elem),
            _ => false,
        }
    }
    METHODS.iter().any(|name| sig.ident == name)
        && sig.receiver().is_some()
        && sig
            .inputs
            .iter()
            .any(|arg| matches!(arg, syn::FnArg::Typed(arg) if is_layout(&arg.ty)))
}

/// An allocator's method, unchanged but for a mark: while it runs, profiled functions that it
/// reaches (its helpers) pass through, recording nothing.
///
/// ```text
/// unsafe fn alloc(&self, layout: Layout) -> *mut u8 {    unsafe fn alloc(..) -> *mut u8 {
///     body                                                   match PassThrough::start() {
/// }                                                              _ => { body }
///                                                            }
///                                                        }
/// ```
pub fn pass_through(mut function: ItemFn) -> ItemFn {
    let arm = syn::Block {
        brace_token: function.block.brace_token,
        stmts: std::mem::take(&mut function.block.stmts),
    };
    let body = quote! {
        match ::memory_profiler::__private::PassThrough::start() {
            _ => #arm
        }
    };
    function.block.stmts = vec![syn::Stmt::Expr(
        syn::parse2(body).expect("the mark's match is an expression"),
        None,
    )];
    function
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
