//! Parse → validate → expand.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, ToTokens};
use syn::ItemFn;

use crate::args::Args;
use crate::container::{self, take_mark, Member};
use crate::lines::{source_lines, span_line, start_line};
use crate::locate::{locate, with_target};
use crate::rewrite::Rewriter;

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
        first_line: start_line(&function),
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
///                                                 thread_local!(static TABLE: Table<N> = ..);
///                                                 struct Key; impl TableKey<N> for Key { .. }
///                                                 Guard::<Key, N>::enter(&META, Key)
///                                             } {
///                                                 ref __mp_guard => { rewritten body }
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
    options: TokenStream,
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
    options: TokenStream,
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
    let name = function.sig.ident.to_string();

    let p = quote!(::memory_profiler::__private);
    let first_line_u32 = first_line as u32;
    let attribute_row = site.attribute_row;
    let rows_lit = Literal::usize_unsuffixed(rows);
    let (qualified, self_type, note) = match &site.naming {
        Naming::Known(qualified) => (
            qualified.clone(),
            quote!(::core::option::Option::None),
            quote!(),
        ),
        Naming::SelfType => (
            name.clone(),
            quote!(::core::option::Option::Some(&SELF_TYPE)),
            quote! {
                static SELF_TYPE: #p::SelfType = #p::SelfType::new();
                SELF_TYPE.note(::core::any::type_name::<Self>());
            },
        ),
    };
    let meta = quote! {
        #note
        static META: #p::FnMeta = #p::FnMeta {
            name: #name,
            qualified: #qualified,
            self_type: #self_type,
            module_path: ::core::module_path!(),
            file: ::core::file!(),
            first_line: #first_line_u32,
            attribute_row: #attribute_row,
            lines: &[#(#lines),*],
            options: #options,
        };
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
                        #p::thread_local! {
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
            block.stmts.push(syn::Stmt::Expr(
                syn::parse2(body).expect("the guard's match is an expression"),
                None,
            ));
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
