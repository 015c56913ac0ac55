//! The rewritten function: the body's statements, rewritten with their probes
//! (`crate::rewrite`), in the one arm of a `match` on the call's guard, whose scrutinee
//! declares the function's `static META` (`crate::spec::FnMeta`) and table; for `#[limit]`,
//! inside the limit's guard, after its warm-up runs. Called by `crate::expand` (`#[profile]`)
//! and `crate::limit`; calls `crate::locate` (where the body is), `crate::lines` (its source)
//! and `crate::rewrite`.

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;
use syn::ItemFn;

use crate::lines::{source_lines, span_line};
use crate::locate::{locate, with_target};
use crate::rewrite::Rewriter;
use crate::spec::{FnMeta, Options};

/// A guard that `#[limit]` puts around the profiler's: its initialiser, and how many times the
/// body runs unmeasured before (`warmups`).
pub struct Before {
    pub init: syn::Expr,
    pub warmups: u32,
}

/// The rewritten function: the user's statements, with their probes, in the one arm of a
/// `match` on the call's guard (inside `#[limit]`'s guard, if `before` is given).
///
/// ```text
/// fn f() -> T {                           fn f() -> T {
///     body                                    match {
/// }                                               static META: FnMeta = ..;
///                                                 enter!(N, &META)  // the runtime's: table,
///                                             } {                   // key, `Guard::enter`
///                                                 ref __mp_guard => {
///                                                     let __mp_probes = __mp_guard.probes();
///                                                     rewritten body
///                                                 }
///                                             }
///                                         }
/// ```
///
/// The guard is the `match`'s scrutinee, a temporary of the function's tail expression: it is
/// dropped after every local of the body and, in every edition, after the temporaries of the
/// body's tail expression too (before edition 2024 they outlive the locals; a guard that was a
/// local would miss what they free), and before the arguments, as they always were. The arm is
/// the body's block as written, so the user's locals and temporaries keep their order. The
/// statics live in the scrutinee's block, so the body can neither name them nor collide with
/// them.
pub fn instrument(
    function: ItemFn,
    item: &TokenStream,
    options: Options,
    before: Option<Before>,
    attr: &str,
) -> syn::Result<ItemFn> {
    let site = Site {
        first_line: span_line(Span::call_site()),
        attribute_row: true,
        naming: Naming::Known(function.sig.ident.to_string()),
    };
    instrument_at(function, item, options, before, attr, site)
}

/// How a profiled function is named in its reports.
pub enum Naming {
    /// By this name (`Inventory::new`, `fill`).
    Known(String),
    /// A method annotated on its own, taking `self`: by the type of `self`, which its calls note
    /// (`type_name::<Self>()`; see the runtime's `names` module).
    SelfType,
}

/// Where the function's report starts, and its name.
pub struct Site {
    /// The report's first row: the attribute's line, or (for a function marked by its impl,
    /// trait or module) its signature's.
    pub first_line: usize,
    /// Whether the first row is an attribute's line (where the source cannot be read, it is
    /// written `#[profile]`).
    pub attribute_row: bool,
    pub naming: Naming,
}

/// [`instrument`], with the report's first line and name given.
pub fn instrument_at(
    mut function: ItemFn,
    item: &TokenStream,
    options: Options,
    before: Option<Before>,
    attr: &str,
    site: Site,
) -> syn::Result<ItemFn> {
    // The block to profile: the body, or where a macro expanded before this one put it.
    let target = match locate(&function, attr) {
        Ok(target) => target,
        // Marked by its impl, trait or module, a function that another attribute macro made
        // from the user's (`#[rstest]`'s test functions) is left alone: the user's own
        // function, which that macro emits too, carries the mark as well.
        Err(_) if !site.attribute_row => return Ok(function),
        Err(err) => return Err(err),
    };
    let first_line = site.first_line;
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
    let lines = source_lines(
        first_line,
        close_line,
        &function.sig.ident,
        item,
        site.attribute_row,
    );
    let p = quote!(::memory_profiler::__private);
    let rows_lit = Literal::usize_unsuffixed(rows);
    let name = function.sig.ident.to_string();
    let (qualified, self_type) = match site.naming {
        Naming::Known(qualified) => (qualified, false),
        Naming::SelfType => (name.clone(), true),
    };
    // A method annotated on its own, named by the type of `self`: its calls note it.
    let note = self_type.then(|| {
        quote! {
            static SELF_TYPE: #p::SelfType = #p::SelfType::new();
            SELF_TYPE.note(::core::any::type_name::<Self>());
        }
    });
    let meta = FnMeta {
        name,
        qualified,
        self_type,
        first_line: first_line as u32,
        attribute_row: site.attribute_row,
        lines,
        options,
    };
    let meta = quote! {
        #note
        static META: #p::FnMeta = #meta;
    };
    let fn_is_async = function.sig.asyncness.is_some();
    // The value of the body, for the warm-up runs' (when it can be named).
    let output = match &function.sig.output {
        syn::ReturnType::Type(_, ty) if !matches!(**ty, syn::Type::ImplTrait(_)) => {
            Some(quote!(#ty))
        }
        syn::ReturnType::Type(..) => None,
        syn::ReturnType::Default => Some(quote!(())),
    };
    with_target(
        &mut function.block,
        target,
        fn_is_async,
        |block, is_async| {
            // With warm-up runs, a copy of the body runs before it: the items declared in the body
            // (a `static`, a `fn`) move in front of both, so that the runs share them.
            let mut items = Vec::new();
            let warm_up = before
                .as_ref()
                .filter(|before| before.warmups > 0)
                .map(|before| {
                    let (hoisted, stmts) = std::mem::take(&mut block.stmts)
                        .into_iter()
                        .partition(|stmt| matches!(stmt, syn::Stmt::Item(_)));
                    items = hoisted;
                    block.stmts = stmts;
                    warm_up(block, is_async, before.warmups, output.as_ref())
                });
            let mut rewriter = Rewriter::new(first_line, rows - 1, is_async);
            rewriter.rewrite_body(block);
            let guard = &rewriter.guard;
            if !is_async {
                // The probes' receiver, first in the body (see `Rewriter::receiver`).
                let probes = &rewriter.receiver;
                block
                    .stmts
                    .insert(0, syn::parse_quote!(let #probes = #guard.probes();));
            }
            let rows = rows_lit;
            // An `async` call owns its table: its future may be polled on several threads.
            let enter = if is_async {
                quote! {
                    {
                        #meta
                        #p::AsyncGuard::<#p::Owned<#p::SharedTable<#rows>>, #rows>::enter_async(&META)
                    }
                }
            } else {
                quote! {
                    {
                        #meta
                        #p::enter!(#rows, &META)
                    }
                }
            };
            // The arm's block is the body's, braces included: rustc reads the edition of a block's
            // tail-temporary rules off its span.
            let arm = syn::Block {
                brace_token: block.brace_token,
                stmts: std::mem::take(&mut block.stmts),
            };
            let mut body = quote! {
                match #enter {
                    ref #guard => #arm
                }
            };
            if let Some(Before { init, .. }) = before {
                // `_`: the scrutinee stays a temporary, dropped after the profiler's guard.
                body = quote! {
                    match #init {
                        _ => #body
                    }
                };
            }
            block.stmts = items;
            block.stmts.extend(warm_up);
            // As tokens: parsing the rewritten body again would cost more than the rewrite.
            block
                .stmts
                .push(syn::Stmt::Expr(syn::Expr::Verbatim(body), None));
        },
    );
    Ok(function)
}

/// `#[limit(warmups = N)]`: the body, as written, run `N` times before the measured run (in a
/// closure, or an `async` block awaited in an async body, so that `return` and `?` end that run
/// only). What a runtime or a library allocates once and keeps (for the thread's or the
/// runtime's life) is allocated then, and does not count as left allocated by the measured run.
/// (Statics and thread locals that a macro declares in the body, as `thread_local!` does, are
/// the copy's own.)
///
/// ```text
/// for _ in 0..N { let _: T = (|| { body })(); }          (an async body: `async { body }.await`)
/// ```
fn warm_up(block: &syn::Block, is_async: bool, n: u32, output: Option<&TokenStream>) -> syn::Stmt {
    let ty = output.map(|ty| quote!(: #ty));
    let run = if is_async {
        quote!((async #block).await)
    } else {
        let ret = output.map(|ty| quote!(-> #ty));
        quote!((|| #ret #block)())
    };
    syn::parse_quote! {
        for _ in 0..#n {
            let _ #ty = #run;
        }
    }
}
