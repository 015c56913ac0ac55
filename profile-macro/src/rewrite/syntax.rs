//! What the rewrite asks of the syntax: a statement's `cfg` predicate and attributes, where a
//! block's tail starts, whether a statement or a pattern may declare locals that a block drops
//! at its end. Plain functions of syn's tree; they call nothing else of the crate.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Expr, Stmt};

/// The predicate of a statement's `#[cfg(..)]` attributes, `None` if it has none.
pub(super) fn cfg_gate(attrs: &[Attribute]) -> Option<TokenStream> {
    let preds: Vec<TokenStream> = attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .filter_map(|a| match &a.meta {
            syn::Meta::List(list) => Some(list.tokens.clone()),
            // `#[cfg]` without a predicate: rustc reports it on the statement.
            _ => None,
        })
        .collect();
    match preds.len() {
        0 => None,
        1 => preds.into_iter().next(),
        _ => Some(quote!(all(#(#preds),*))),
    }
}

/// Where a block's tail may start: the index of its tail expression, or of the first of the
/// statements that `#[cfg]` may make the tail (`#[cfg(unix)] { true } #[cfg(not(unix))] { false }`:
/// either block is the tail once the other is removed), or `stmts.len()` when there is none.
/// Nothing but those expressions may stand after a mark meant to be the block's last local.
pub(super) fn tail_start(stmts: &[Stmt]) -> usize {
    let unterminated = |stmt: &Stmt| {
        matches!(
            stmt,
            Stmt::Expr(_, None)
                | Stmt::Macro(syn::StmtMacro {
                    semi_token: None,
                    ..
                })
        )
    };
    let cfgd = |stmt: &Stmt| {
        let attrs: &[Attribute] = match stmt {
            Stmt::Expr(expr, _) => expr_attrs(expr),
            Stmt::Macro(mac) => &mac.attrs,
            _ => &[],
        };
        cfg_gate(attrs).is_some()
    };
    let Some(last) = stmts.len().checked_sub(1) else {
        return 0;
    };
    if !unterminated(&stmts[last]) {
        return stmts.len();
    }
    let mut start = last;
    while start > 0 && cfgd(&stmts[start]) && unterminated(&stmts[start - 1]) {
        start -= 1;
    }
    start
}

/// Whether a statement may declare a local that the block drops at its end: a `let`, or a
/// macro (its expansion may hold `let`s), except the standard library's printing, formatting
/// and assertion macros, which expand to expressions.
pub(super) fn may_declare_locals(stmt: &Stmt) -> bool {
    const EXPRESSIONS: [&str; 16] = [
        "print",
        "println",
        "eprint",
        "eprintln",
        "write",
        "writeln",
        "assert",
        "assert_eq",
        "assert_ne",
        "debug_assert",
        "debug_assert_eq",
        "debug_assert_ne",
        "panic",
        "unreachable",
        "todo",
        "unimplemented",
    ];
    match stmt {
        Stmt::Local(_) => true,
        Stmt::Macro(mac) => !mac
            .mac
            .path
            .segments
            .last()
            .is_some_and(|last| EXPRESSIONS.iter().any(|name| last.ident == name)),
        _ => false,
    }
}

/// Whether a pattern may bind a name (an identifier pattern may also be a constant or a unit
/// variant, such as `None`: counted too).
pub(super) fn binds(pat: &syn::Pat) -> bool {
    use syn::Pat;
    match pat {
        Pat::Ident(_) | Pat::Macro(_) | Pat::Verbatim(_) => true,
        Pat::Or(or) => or.cases.iter().any(binds),
        Pat::Paren(paren) => binds(&paren.pat),
        Pat::Reference(reference) => binds(&reference.pat),
        Pat::Slice(slice) => slice.elems.iter().any(binds),
        Pat::Struct(strukt) => strukt.fields.iter().any(|field| binds(&field.pat)),
        Pat::Tuple(tuple) => tuple.elems.iter().any(binds),
        Pat::TupleStruct(tuple) => tuple.elems.iter().any(binds),
        Pat::Type(typed) => binds(&typed.pat),
        _ => false,
    }
}

/// Whether an `if` or `while` condition binds names for its block (`if let`, let chains).
pub(super) fn cond_binds(cond: &Expr) -> bool {
    match cond {
        Expr::Let(expr_let) => binds(&expr_let.pat),
        Expr::Binary(syn::ExprBinary {
            left,
            op: syn::BinOp::And(_),
            right,
            ..
        }) => cond_binds(left) || cond_binds(right),
        Expr::Paren(paren) => cond_binds(&paren.expr),
        _ => false,
    }
}

pub(super) fn expr_attrs(expr: &Expr) -> &[Attribute] {
    match expr {
        Expr::Array(e) => &e.attrs,
        Expr::Assign(e) => &e.attrs,
        Expr::Async(e) => &e.attrs,
        Expr::Await(e) => &e.attrs,
        Expr::Binary(e) => &e.attrs,
        Expr::Block(e) => &e.attrs,
        Expr::Break(e) => &e.attrs,
        Expr::Call(e) => &e.attrs,
        Expr::Cast(e) => &e.attrs,
        Expr::Closure(e) => &e.attrs,
        Expr::Const(e) => &e.attrs,
        Expr::Continue(e) => &e.attrs,
        Expr::Field(e) => &e.attrs,
        Expr::ForLoop(e) => &e.attrs,
        Expr::Group(e) => &e.attrs,
        Expr::If(e) => &e.attrs,
        Expr::Index(e) => &e.attrs,
        Expr::Infer(e) => &e.attrs,
        Expr::Let(e) => &e.attrs,
        Expr::Lit(e) => &e.attrs,
        Expr::Loop(e) => &e.attrs,
        Expr::Macro(e) => &e.attrs,
        Expr::Match(e) => &e.attrs,
        Expr::MethodCall(e) => &e.attrs,
        Expr::Paren(e) => &e.attrs,
        Expr::Path(e) => &e.attrs,
        Expr::Range(e) => &e.attrs,
        Expr::RawAddr(e) => &e.attrs,
        Expr::Reference(e) => &e.attrs,
        Expr::Repeat(e) => &e.attrs,
        Expr::Return(e) => &e.attrs,
        Expr::Struct(e) => &e.attrs,
        Expr::Try(e) => &e.attrs,
        Expr::TryBlock(e) => &e.attrs,
        Expr::Tuple(e) => &e.attrs,
        Expr::Unary(e) => &e.attrs,
        Expr::Unsafe(e) => &e.attrs,
        Expr::While(e) => &e.attrs,
        Expr::Yield(e) => &e.attrs,
        _ => &[],
    }
}
