//! The loops' rewrite: `for` as rustc desugars it, with a header probe per `next()`, and
//! `while` as a `loop` with a header probe per evaluation of the condition (see the table in
//! `crate::rewrite`). Methods of `Rewriter`, which call back into the rewrite of the loop's
//! head and body.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident};

use super::syntax::{binds, cond_binds};
use super::{Prev, Rewriter};
use crate::lines::span_line;

impl Rewriter {
    pub(super) fn rewrite_for(&mut self, for_loop: &mut syn::ExprForLoop) -> Expr {
        let counted = std::mem::take(&mut self.for_counted);
        self.visit_expr_mut(&mut for_loop.expr);
        let row = self.row(span_line(for_loop.for_token.span));
        self.prev = Prev::at(row);
        self.rewrite_block(&mut for_loop.body, binds(&for_loop.pat));
        self.prev = None;
        let syn::ExprForLoop {
            attrs,
            label,
            pat,
            expr,
            body,
            ..
        } = for_loop;
        let header = self.probe("line", row, None);
        let iter = Ident::new("__mp_iter", Span::mixed_site());
        // At the `for` (for errors), resolved as the macro's tokens: in edition 2015, `::core`
        // at the user's span would name the crate root's `core`, which is not there.
        let span = Span::call_site().located_at(for_loop.for_token.span);
        // The head's probe counted the first `next()`: the header probe counts the later ones.
        let (first, header) = if counted {
            let again = Ident::new("__mp_again", Span::mixed_site());
            (
                quote!(let mut #again = false;),
                quote!(if #again { #header } #again = true;),
            )
        } else {
            (TokenStream::new(), quote!(#header))
        };
        // The `match` is a statement of its own block, as rustc's own desugaring drops the
        // head's temporaries when the loop ends: a `for` in tail position must not keep them
        // (a lock guard, a `RefCell` borrow) alive until after the function's locals.
        verbatim(quote_spanned! {span=>
            #(#attrs)*
            {
                match ::core::iter::IntoIterator::into_iter(#expr) {
                    mut #iter => {
                        #first
                        #label loop {
                            #header
                            match ::core::iter::Iterator::next(&mut #iter) {
                                ::core::option::Option::Some(#pat) => #body,
                                ::core::option::Option::None => break,
                            }
                        }
                    }
                };
            }
        })
    }

    pub(super) fn rewrite_while(&mut self, while_loop: &mut syn::ExprWhile) -> Expr {
        let row = self.row(span_line(while_loop.while_token.span));
        self.prev = Prev::at(row);
        self.visit_expr_mut(&mut while_loop.cond);
        self.rewrite_block(&mut while_loop.body, cond_binds(&while_loop.cond));
        self.prev = None;
        let syn::ExprWhile {
            attrs,
            label,
            cond,
            body,
            ..
        } = while_loop;
        let header = self.probe("line", row, None);
        // The `if` is the user's `while` (its edition is the condition's: a `while let` chain
        // is 2024's), the `loop`, `else` and `break` the macro's, placed at the `while` (for
        // errors). The `if`'s span then ends in the macro's, as rustc's own lowering of
        // `while` is marked, and lints do not take the condition for an `if`'s
        // (`blocks_in_conditions` on `while { .. } { .. }`).
        let user = while_loop.while_token.span;
        let span = Span::call_site().located_at(user);
        let if_token = quote_spanned!(user=> if);
        verbatim(quote_spanned! {span=>
            #(#attrs)*
            #label loop {
                #header
                #if_token #cond #body else { break }
            }
        })
    }
}

/// The loop's rewrite, kept as tokens (see `super::stmt`).
fn verbatim(tokens: TokenStream) -> Expr {
    Expr::Verbatim(tokens)
}
