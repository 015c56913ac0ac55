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

mod args;
mod size;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::ItemFn;

use self::args::LimitArgs;
use crate::expand::{allocator_entry, error_with, parse_function, pass_through};
use crate::instrument::{instrument, Before};

pub fn limit(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = match syn::parse2::<LimitArgs>(args) {
        Ok(args) => args,
        Err(err) => return error_with(err, item),
    };
    let mut function = match parse_function(item.clone(), "limit") {
        Ok(function) => function,
        Err(err) => return error_with(err, item),
    };
    // In an impl or a module that `#[profile]` marked: the limit's report is the function's.
    let _ = crate::container::take_mark(&mut function.attrs);
    if let Some(token) = &function.sig.constness {
        let err = syn::Error::new_spanned(
            token,
            "`#[limit]` cannot apply to a `const fn`: const evaluation has no heap",
        );
        return error_with(err, item);
    }
    if !cfg!(feature = "enabled") {
        // Switched off: the function as written, but failing when called, saying that its
        // limits cannot be checked (a limit test must not pass without measuring).
        return switched_off(function).into_token_stream();
    }
    if allocator_entry(&function.sig) {
        return pass_through(function).into_token_stream();
    }
    match expand(&args, function, &item) {
        Ok(function) => function.into_token_stream(),
        Err(err) => error_with(err, item),
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

/// `#[limit]`'s guard, `static LIMITS` in its scrutinee, around the profiler's (see
/// `crate::instrument`).
fn expand(args: &LimitArgs, function: ItemFn, item: &TokenStream) -> syn::Result<ItemFn> {
    if let Some(span) = args.warmups_span() {
        if !function.sig.inputs.is_empty() {
            return Err(syn::Error::new(
                span,
                "`warmups` runs the body again before it is measured, so it takes functions \
                 without arguments (tests)",
            ));
        }
    }
    let p = quote!(::memory_profiler::__private);
    let limits = args.limits(function.sig.ident.to_string());
    let warmups = limits.warmups;
    let init: syn::Expr = syn::parse_quote! {
        {
            static LIMITS: #p::Limits = #limits;
            #p::LimitGuard::start(&LIMITS)
        }
    };
    instrument(
        function,
        item,
        args.options(),
        Some(Before { init, warmups }),
        "limit",
    )
}
