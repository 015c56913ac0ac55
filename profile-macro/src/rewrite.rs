//! The statement rewrite: a probe before every statement that starts a new line, recursively
//! through blocks, `if`/`else`, `match` arms, loops and `unsafe` blocks. Closures, async blocks,
//! const contexts and nested items are left alone: their cost shows on the line that runs them.
//!
//! Input → Output, with `g` the call's guard and `N` a row (line − attribute line):
//!
//! ```text
//! let v = f();                 g.line(N); let v = f();
//! for x in it { body }         g.line(N);              // the head, and the first next()
//!                              { match IntoIterator::into_iter(it) {
//!                                  mut iter => {
//!                                      let mut again = false;
//!                                      loop {
//!                                          if again { g.line(N); }   // every later next():
//!                                          again = true;             // iterations + 1 in all
//!                                          match Iterator::next(&mut iter) {
//!                                              Some(x) => { body }, None => break,
//!                                          }
//!                                      }
//!                                  }
//!                              }; }                     (rustc's own desugaring of `for`: the
//!                                                       head's temporaries drop at its end)
//! #[cfg(p)] a(); b();          #[cfg(p)] g.line(N); a();
//!                              #[cfg(not(p))] g.line(N); b();   (one occurrence either way)
//! 'l: while c { body }         'l: loop { g.line(N); if c { body } else { break } }
//! return e                     return g.ret(e)          (locals then drop on `}`)
//! {                            {
//!     let v = f();                 g.line(N); let v = f();
//!     v.len()                      g.line(N + 1); let __mp_tail = g.block_mark(N + 2); v.len()
//! }                            }   (an inner block with locals: the mark, dropped first, makes
//!                                  its `}` the row of what they free; see `rewrite_block`)
//! ```
//!
//! Here: the `Rewriter` (rows, probes, blocks, statements, branches, `return`, `.await`);
//! the loops in `loops`, the questions it asks of the syntax in `syntax`. Called by
//! `crate::instrument`; calls `crate::lines` for the statements' lines.

mod loops;
mod syntax;

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;
use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Attribute, Block, Expr, ExprBlock, Ident, Stmt};

use self::syntax::{binds, cfg_gate, cond_binds, expr_attrs, may_declare_locals, tail_start};
use crate::lines::{expr_start_line, stmt_end_line, stmt_start_line};

/// The last probe, if known: its row, and the `cfg` predicate it is compiled under (`None`: it
/// always is).
#[derive(Clone)]
struct Prev {
    row: usize,
    gate: Option<TokenStream>,
}

impl Prev {
    fn at(row: usize) -> Option<Prev> {
        Some(Prev { row, gate: None })
    }
}

pub struct Rewriter {
    /// The attribute's line: row 0.
    first_line: usize,
    /// The closing brace's row: the last one.
    last_row: usize,
    /// The guard local (mixed-site hygiene: the user's code cannot name or shadow it).
    pub guard: Ident,
    /// The probes' receiver: a local bound to `guard.probes()` first in the body (see the
    /// runtime's `Guard::probes`), or, in an `async fn`, the guard.
    pub receiver: Ident,
    /// The row of the probe that ran last, if known: a statement on that same row needs no
    /// probe of its own (several statements on one line share one occurrence).
    prev: Option<Prev>,
    /// Probes emitted so far; a statement that emitted some leaves `prev` unknown.
    probes: usize,
    /// In an `async fn`, each `.await` of the body is wrapped so that the call is charged per
    /// poll (`fut.await` → `guard.polled(fut).await`).
    is_async: bool,
    /// Set by the statement probe of a `for` that counted an occurrence of its row (the head's
    /// evaluation, together with the first `next()`); taken by `rewrite_for`, whose header
    /// probe then counts every later `next()` only.
    for_counted: bool,
}

impl Rewriter {
    pub fn new(first_line: usize, last_row: usize, is_async: bool) -> Self {
        Rewriter {
            first_line,
            last_row,
            guard: Ident::new("__mp_guard", Span::mixed_site()),
            receiver: Ident::new(
                if is_async {
                    "__mp_guard"
                } else {
                    "__mp_probes"
                },
                Span::mixed_site(),
            ),
            prev: Prev::at(0),
            probes: 0,
            is_async,
            for_counted: false,
        }
    }

    /// A line's row; lines outside the function (tokens made by a macro elsewhere) are
    /// clamped to its first or last row.
    fn row(&self, line: usize) -> usize {
        line.saturating_sub(self.first_line).min(self.last_row)
    }

    /// A probe, compiled in under `gate` when there is one.
    fn probe(&mut self, method: &str, row: usize, gate: Option<&TokenStream>) -> Stmt {
        self.probes += 1;
        let guard = &self.receiver;
        let method = Ident::new(method, Span::call_site());
        let row = Literal::usize_unsuffixed(row);
        let cfg = gate.map(|gate| quote!(#[cfg(#gate)]));
        stmt(quote!(#cfg #guard.#method(#row)))
    }

    /// Whether the last probe is of `row` and certainly compiled in.
    fn ran_on(&self, row: usize) -> bool {
        matches!(&self.prev, Some(Prev { row: r, gate: None }) if *r == row)
    }

    /// Rewrites the function body: its statements, then the mark that starts the closing
    /// brace's row once the tail value is computed.
    pub fn rewrite_body(&mut self, block: &mut Block) {
        let (mut stmts, tail) = self.rewrite_split(std::mem::take(&mut block.stmts));
        let guard = &self.receiver;
        stmts.insert(tail, mark(quote!(#guard.tail_mark())));
        block.stmts = stmts;
    }

    /// Rewrites a block's statements, and says where its tail starts among the rewritten ones
    /// (see [`tail_start`]): where a mark meant to be the block's last local goes.
    fn rewrite_split(&mut self, mut stmts: Vec<Stmt>) -> (Vec<Stmt>, usize) {
        let tail = stmts.split_off(tail_start(&stmts));
        let mut out = self.rewrite_stmts(stmts);
        let at = out.len();
        out.extend(self.rewrite_stmts(tail));
        (out, at)
    }

    /// Rewrites an inner block: its statements, then, if it has locals (`owns_bindings`: its
    /// construct's pattern binds names, dropped with them), what makes its `}` a row of its own
    /// when the block ends: a probe after its last statement, or, when it has a tail
    /// expression, the mark that the function's body has too (dropped first, once the value is
    /// computed). When the block's last probe is certainly of the `}`'s line
    /// (`.. v.len() }`), that row is running already and gets the drops as it is.
    ///
    /// ```text
    /// let n = {                      let n = {
    ///     let v = f();                   g.line(2); let v = f();
    ///     v.len()                        g.line(3); let __mp_tail = g.block_mark(4); v.len()
    /// };                             };  // the mark drops first: `}` (row 4) gets v's drop
    /// for x in xs {                  .. Some(x) => {
    ///     let v = f(x);                  g.line(6); let v = f(x);
    ///     g(v);                          g.line(7); g(v);
    /// }                                  g.reach(8);   // `}` (row 8) gets v's and x's drops
    ///                                }
    /// ```
    fn rewrite_block(&mut self, block: &mut Block, owns_bindings: bool) {
        let has_locals = owns_bindings || block.stmts.iter().any(may_declare_locals);
        let has_tail = tail_start(&block.stmts) < block.stmts.len();
        let close_row = self.row(block.brace_token.span.join().end().line);
        let (stmts, tail) = self.rewrite_split(std::mem::take(&mut block.stmts));
        block.stmts = stmts;
        if has_locals && !self.ran_on(close_row) {
            self.probes += 1;
            let guard = &self.receiver;
            let row = Literal::usize_unsuffixed(close_row);
            if has_tail {
                block
                    .stmts
                    .insert(tail, mark(quote!(#guard.block_mark(#row))));
            } else {
                // No value to compute first: a probe after the last statement starts the row
                // before the locals drop, without a mark's drop glue in the block. When the last
                // probe is known (and not of this row), the row certainly starts anew.
                let method = Ident::new(
                    if matches!(self.prev, Some(Prev { gate: None, .. })) {
                        "line"
                    } else {
                        "reach"
                    },
                    Span::call_site(),
                );
                block.stmts.push(stmt(quote! {
                    #[allow(unreachable_code)]
                    #guard.#method(#row)
                }));
            }
        }
    }

    fn rewrite_stmts(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        let mut out = Vec::with_capacity(stmts.len() * 2);
        // The row on which the previous statement ended.
        let mut prev_end = None;
        for mut stmt in stmts {
            let attrs: &[Attribute] = match &stmt {
                Stmt::Item(_) => {
                    out.push(stmt);
                    continue;
                }
                Stmt::Local(local) => &local.attrs,
                Stmt::Macro(mac) => &mac.attrs,
                Stmt::Expr(expr, _) => expr_attrs(expr),
            };
            // A statement's probe is compiled in exactly when the statement is.
            let own = cfg_gate(attrs);
            let row = self.row(stmt_start_line(&stmt));
            // A statement after a `}` on its line (`}; f()`, `} x`), where what ran last is not
            // known: the `}` may have started this row already (see `Guard::reach`).
            let method = match self.prev {
                None if prev_end == Some(row) => "reach",
                _ => "line",
            };
            prev_end = Some(self.row(stmt_end_line(&stmt)));
            match &stmt {
                // The head: an occurrence of the row (its evaluation and the first `next()`),
                // so that a head left early (by `?`, `return` or a panic) still ran once; the
                // header probe inside the loop counts every later `next()`. When the row
                // already ran (another statement on the line) or may have (a `cfg`'d one), the
                // head only resumes the row, and the header probe counts every `next()`.
                Stmt::Expr(Expr::ForLoop(_), _) => {
                    let count = self.prev.as_ref().is_none_or(|prev| prev.row != row);
                    let method = if count { "line" } else { "resume" };
                    let probe = self.probe(method, row, own.as_ref());
                    out.push(probe);
                    self.prev = Some(Prev { row, gate: own });
                    self.for_counted = count;
                }
                // The header probe inside the loop counts each evaluation of the condition.
                Stmt::Expr(Expr::While(_), _) => {}
                _ if self.ran_on(row) => {}
                _ => {
                    // After a probe of this row that a `cfg` may have removed
                    // (`#[cfg(x)] a(); b();` on one line), this statement's probe stands in
                    // for it exactly when it is gone: one occurrence either way.
                    let gate = match self.prev.take() {
                        Some(Prev {
                            row: r,
                            gate: Some(before),
                        }) if r == row => {
                            let probe_gate = match &own {
                                Some(own) => quote!(all(#own, not(#before))),
                                None => quote!(not(#before)),
                            };
                            let probe = self.probe("line", row, Some(&probe_gate));
                            out.push(probe);
                            own.map(|own| quote!(any(#before, #own)))
                        }
                        _ => {
                            let probe = self.probe(method, row, own.as_ref());
                            out.push(probe);
                            own
                        }
                    };
                    self.prev = Some(Prev { row, gate });
                }
            }
            let before = self.probes;
            self.visit_stmt_mut(&mut stmt);
            if self.probes != before {
                self.prev = None;
            }
            out.push(stmt);
        }
        out
    }

    /// Runs `f` once per branch, each starting from the same known row, and leaves `prev`
    /// unknown if any branch emitted probes.
    fn branches(&mut self, f: impl FnOnce(&mut Self, Option<Prev>)) {
        let saved = self.prev.clone();
        let before = self.probes;
        f(self, saved.clone());
        self.prev = if self.probes != before { None } else { saved };
    }
}

/// A statement of the rewrite's own (`tokens;`), kept as tokens: parsing them (and the user's
/// code inside them) again would cost the macro's time, and nothing reads them back.
fn stmt(tokens: TokenStream) -> Stmt {
    Stmt::Expr(Expr::Verbatim(tokens), Some(syn::token::Semi::default()))
}

/// A block's mark (`call` makes it), declared where it becomes the first local dropped when
/// the block ends: right before the tail (the value is computed first, and exits before the
/// mark do not reach it), or at the end of a block without one.
fn mark(call: TokenStream) -> Stmt {
    let mark = Ident::new("__mp_tail", Span::mixed_site());
    let allow: Attribute = parse_quote!(#[allow(unreachable_code)]);
    Stmt::Local(syn::Local {
        attrs: vec![allow],
        let_token: Default::default(),
        pat: syn::Pat::Ident(syn::PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: mark,
            subpat: None,
        }),
        init: Some(syn::LocalInit {
            eq_token: Default::default(),
            expr: Box::new(Expr::Verbatim(call)),
            diverge: None,
        }),
        semi_token: Default::default(),
    })
}

impl VisitMut for Rewriter {
    fn visit_block_mut(&mut self, block: &mut Block) {
        self.rewrite_block(block, false);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::If(if_expr) => {
                self.visit_expr_mut(&mut if_expr.cond);
                self.branches(|this, start| {
                    let owns_bindings = cond_binds(&if_expr.cond);
                    this.rewrite_block(&mut if_expr.then_branch, owns_bindings);
                    if let Some((_, else_branch)) = &mut if_expr.else_branch {
                        this.prev = start;
                        this.visit_expr_mut(else_branch);
                    }
                });
            }
            Expr::Match(match_expr) => {
                self.visit_expr_mut(&mut match_expr.expr);
                self.branches(|this, start| {
                    for arm in &mut match_expr.arms {
                        this.prev = start.clone();
                        if let Some((_, guard)) = &mut arm.guard {
                            this.visit_expr_mut(guard);
                        }
                        let body_row = this.row(expr_start_line(&arm.body));
                        match &mut *arm.body {
                            Expr::Block(ExprBlock {
                                attrs,
                                label: None,
                                block,
                            }) if attrs.is_empty() => {
                                this.rewrite_block(block, binds(&arm.pat));
                            }
                            body if !this.ran_on(body_row) => {
                                // `pat => expr` on a line of its own: `pat => { probe; expr }`.
                                let inner =
                                    std::mem::replace(body, Expr::Verbatim(TokenStream::new()));
                                // No braces of the user's: no `}` row.
                                let mut block = Block {
                                    brace_token: syn::token::Brace::default(),
                                    stmts: vec![Stmt::Expr(inner, None)],
                                };
                                block.stmts = this.rewrite_stmts(block.stmts);
                                *body = Expr::Block(ExprBlock {
                                    attrs: Vec::new(),
                                    label: None,
                                    block,
                                });
                            }
                            body => this.visit_expr_mut(body),
                        }
                    }
                });
            }
            Expr::ForLoop(for_loop) => *expr = self.rewrite_for(for_loop),
            Expr::While(while_loop) => *expr = self.rewrite_while(while_loop),
            Expr::Loop(loop_expr) => {
                // The body is entered again from its end: what ran last is not known.
                self.prev = None;
                self.visit_block_mut(&mut loop_expr.body);
                self.prev = None;
            }
            Expr::Return(ret) => {
                if let Some(value) = &mut ret.expr {
                    self.visit_expr_mut(value);
                }
                let guard = &self.receiver;
                let value = match ret.expr.take() {
                    Some(value) => quote!(#value),
                    None => quote!(()),
                };
                ret.expr = Some(Box::new(Expr::Verbatim(quote!(#guard.ret(#value)))));
            }
            Expr::Await(awaited) if self.is_async => {
                self.visit_expr_mut(&mut awaited.base);
                let guard = &self.guard;
                let base = &awaited.base;
                let polled = Expr::Verbatim(quote!(#guard.polled(#base)));
                // In parentheses spanned at the user's `.await`: the expression then starts at
                // a token of the user's edition, which rustc reads off the span for the
                // edition's rules (a `let` chain whose scrutinee awaits is 2024's only; the
                // guard's mixed-site span has the macro crate's edition).
                *awaited.base = Expr::Paren(syn::ExprParen {
                    attrs: Vec::new(),
                    paren_token: syn::token::Paren(awaited.await_token.span),
                    expr: Box::new(polled),
                });
            }
            Expr::Repeat(repeat) => self.visit_expr_mut(&mut repeat.expr), // the length is const
            // Not rewritten: their cost shows on the line that runs them.
            Expr::Closure(_)
            | Expr::Async(_)
            | Expr::Const(_)
            | Expr::TryBlock(_)
            | Expr::Macro(_) => {}
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    // Nested items, types, patterns and const generic arguments are not run by the body.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    fn visit_type_mut(&mut self, _: &mut syn::Type) {}
    fn visit_pat_mut(&mut self, _: &mut syn::Pat) {}
    fn visit_generic_argument_mut(&mut self, _: &mut syn::GenericArgument) {}
}
