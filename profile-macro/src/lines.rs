//! Line numbers of the function's pieces, and its source text, embedded at compile time.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Expr, ItemFn, Stmt, Visibility};

/// The line on which a statement starts, past its outer attributes (`#[cfg(..)]` on a
/// statement does not move the statement's line).
pub fn stmt_start_line(stmt: &Stmt) -> usize {
    let first = match stmt {
        Stmt::Local(local) => Some(local.let_token.span),
        Stmt::Macro(mac) => Some(path_span(&mac.mac.path)),
        Stmt::Expr(expr, _) => expr_first_span(expr),
        Stmt::Item(_) => None,
    };
    first.map_or_else(|| start_line(stmt), span_line)
}

/// The line on which an expression starts, past its outer attributes.
pub fn expr_start_line(expr: &Expr) -> usize {
    expr_first_span(expr).map_or_else(|| start_line(expr), span_line)
}

/// The line on which a function starts, past its outer attributes.
pub fn fn_start_line(function: &ItemFn) -> usize {
    let sig = &function.sig;
    let qualifiers = match (&sig.constness, &sig.asyncness, &sig.unsafety, &sig.abi) {
        (Some(token), ..) => token.span,
        (None, Some(token), ..) => token.span,
        (None, None, Some(token), _) => token.span,
        (None, None, None, Some(abi)) => abi.extern_token.span,
        (None, None, None, None) => sig.fn_token.span,
    };
    let first = vis_span(&function.vis).unwrap_or(qualifiers);
    span_line(first)
}

/// The span of a visibility's first token (`pub`), if it has one.
pub fn vis_span(vis: &Visibility) -> Option<Span> {
    match vis {
        Visibility::Public(token) => Some(token.span),
        Visibility::Restricted(restricted) => Some(restricted.pub_token.span),
        Visibility::Inherited => None,
    }
}

/// The line on which a statement ends: that of its last token.
pub fn stmt_end_line(stmt: &Stmt) -> usize {
    let last = match stmt {
        Stmt::Local(local) => Some(local.semi_token.span),
        Stmt::Macro(mac) => Some(match &mac.semi_token {
            Some(semi) => semi.span,
            None => mac.mac.delimiter.span().join(),
        }),
        Stmt::Expr(_, Some(semi)) => Some(semi.span),
        Stmt::Expr(expr, None) => expr_last_span(expr),
        Stmt::Item(_) => None,
    };
    match last {
        Some(span) => span.end().line,
        None => end_line(stmt),
    }
}

/// The span of an expression's first token past its attributes, read off the syntax tree
/// for the common kinds of expression (printing the expression to find its first token would
/// cost the macro time in proportion to the expression's size, at each level of nesting);
/// `None` for the others.
fn expr_first_span(expr: &Expr) -> Option<Span> {
    let label = |label: &Option<syn::Label>| label.as_ref().map(|l| l.name.apostrophe);
    Some(match expr {
        Expr::Array(e) => e.bracket_token.span.open(),
        Expr::Assign(e) => return expr_first_span(&e.left),
        Expr::Await(e) => return expr_first_span(&e.base),
        Expr::Binary(e) => return expr_first_span(&e.left),
        Expr::Block(e) => label(&e.label).unwrap_or(e.block.brace_token.span.open()),
        Expr::Break(e) => e.break_token.span,
        Expr::Call(e) => return expr_first_span(&e.func),
        Expr::Cast(e) => return expr_first_span(&e.expr),
        Expr::Continue(e) => e.continue_token.span,
        Expr::Field(e) => return expr_first_span(&e.base),
        Expr::ForLoop(e) => label(&e.label).unwrap_or(e.for_token.span),
        Expr::If(e) => e.if_token.span,
        Expr::Index(e) => return expr_first_span(&e.expr),
        Expr::Let(e) => e.let_token.span,
        Expr::Lit(e) => e.lit.span(),
        Expr::Loop(e) => label(&e.label).unwrap_or(e.loop_token.span),
        Expr::Macro(e) => path_span(&e.mac.path),
        Expr::Match(e) => e.match_token.span,
        Expr::MethodCall(e) => return expr_first_span(&e.receiver),
        Expr::Paren(e) => e.paren_token.span.open(),
        Expr::Path(e) => match &e.qself {
            Some(qself) => qself.lt_token.span,
            None => path_span(&e.path),
        },
        Expr::Reference(e) => e.and_token.span,
        Expr::Return(e) => e.return_token.span,
        Expr::Struct(e) => match &e.qself {
            Some(qself) => qself.lt_token.span,
            None => path_span(&e.path),
        },
        Expr::Try(e) => return expr_first_span(&e.expr),
        Expr::Tuple(e) => e.paren_token.span.open(),
        Expr::Unary(e) => match e.op {
            syn::UnOp::Deref(token) => token.span,
            syn::UnOp::Not(token) => token.span,
            syn::UnOp::Neg(token) => token.span,
            _ => return None,
        },
        Expr::Unsafe(e) => e.unsafe_token.span,
        Expr::While(e) => label(&e.label).unwrap_or(e.while_token.span),
        _ => return None,
    })
}

/// The span of an expression's last token, for the kinds that end a statement without a
/// semicolon (those that end in a block); `None` for the others.
fn expr_last_span(expr: &Expr) -> Option<Span> {
    Some(match expr {
        Expr::Block(e) => e.block.brace_token.span.join(),
        Expr::ForLoop(e) => e.body.brace_token.span.join(),
        Expr::If(e) => match &e.else_branch {
            Some((_, else_branch)) => return expr_last_span(else_branch),
            None => e.then_branch.brace_token.span.join(),
        },
        Expr::Loop(e) => e.body.brace_token.span.join(),
        Expr::Match(e) => e.brace_token.span.join(),
        Expr::Unsafe(e) => e.block.brace_token.span.join(),
        Expr::While(e) => e.body.brace_token.span.join(),
        _ => return None,
    })
}

/// The span of a path's first token.
fn path_span(path: &syn::Path) -> Span {
    match (&path.leading_colon, path.segments.first()) {
        (Some(colons), _) => colons.spans[0],
        (None, Some(segment)) => segment.ident.span(),
        (None, None) => Span::call_site(),
    }
}

/// The line on which `node` starts, past its outer attributes: read off its tokens.
pub fn start_line(node: &impl ToTokens) -> usize {
    let mut tokens = node.to_token_stream().into_iter().peekable();
    while let Some(TokenTree::Punct(p)) = tokens.peek() {
        if p.as_char() != '#' {
            break;
        }
        tokens.next();
        match tokens.peek() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
                tokens.next();
            }
            _ => break,
        }
    }
    tokens.next().map_or(0, |t| t.span().start().line)
}

pub fn span_line(span: Span) -> usize {
    span.start().line
}

/// The line on which `node` ends: that of its last token (a group's closing delimiter).
pub fn end_line(node: &impl ToTokens) -> usize {
    node.to_token_stream()
        .into_iter()
        .last()
        .map_or(0, |token| token.span().end().line)
}

/// The source lines `first..=last` (1-based) of the file the attribute is in, read at compile
/// time. They are rebuilt from the tokens where the file cannot be read or does not hold the
/// function at those lines (a function made by a macro, a doctest): `name` must be on its line.
pub fn source_lines(
    first: usize,
    last: usize,
    name: &syn::Ident,
    item: &TokenStream,
    attribute_row: bool,
) -> Vec<String> {
    let name_line = span_line(name.span());
    let name = name.to_string();
    let from_file = proc_macro::Span::call_site()
        .local_file()
        .and_then(|path| file_lines(&path))
        .and_then(|lines| {
            let holds_name = lines
                .get(name_line.wrapping_sub(1))
                .is_some_and(|line| line.contains(&name));
            (first >= 1 && last <= lines.len() && holds_name)
                .then(|| lines[first - 1..last].to_vec())
        });
    from_file.unwrap_or_else(|| from_tokens(first, last, item, attribute_row))
}

/// The lines of a source file. The last file read is kept, with its modification time and
/// size, for the next functions of the same file: a crate with `#[profile]` on every function
/// would otherwise read and split each file once per function in it.
fn file_lines(path: &std::path::Path) -> Option<std::rc::Rc<Vec<String>>> {
    use std::cell::RefCell;
    use std::rc::Rc;
    type Cached = (
        std::path::PathBuf,
        std::time::SystemTime,
        u64,
        Rc<Vec<String>>,
    );
    thread_local! {
        static LAST: RefCell<Option<Cached>> = const { RefCell::new(None) };
    }
    let stamp = std::fs::metadata(path).ok()?;
    let (modified, len) = (stamp.modified().ok()?, stamp.len());
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((p, m, l, lines)) if p == path && *m == modified && *l == len => {
                Some(Rc::clone(lines))
            }
            _ => {
                let text = std::fs::read_to_string(path).ok()?;
                let lines = Rc::new(text.lines().map(str::to_owned).collect::<Vec<_>>());
                *last = Some((path.to_owned(), modified, len, Rc::clone(&lines)));
                Some(lines)
            }
        }
    })
}

/// Lays the tokens out at their lines and columns.
fn from_tokens(first: usize, last: usize, item: &TokenStream, attribute_row: bool) -> Vec<String> {
    let mut lines = vec![String::new(); last + 1 - first];
    if let Some(line) = lines.first_mut().filter(|_| attribute_row) {
        line.push_str("#[profile]");
    }
    fn place(lines: &mut [String], first: usize, at: proc_macro2::LineColumn, text: &str) {
        if let Some(line) = at.line.checked_sub(first).and_then(|i| lines.get_mut(i)) {
            let column = at.column;
            let width = line.chars().count();
            if width < column {
                line.extend(std::iter::repeat_n(' ', column - width));
            } else if width > column && !line.ends_with(' ') {
                // The columns are not trustworthy (tokens made elsewhere): keep tokens apart.
                line.push(' ');
            }
            line.push_str(text);
        }
    }
    fn walk(lines: &mut [String], first: usize, tokens: TokenStream) {
        for token in tokens {
            match token {
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::None => ("", ""),
                    };
                    place(lines, first, g.span_open().start(), open);
                    walk(lines, first, g.stream());
                    // The group's end, not `span_close()`: a group re-emitted by another macro
                    // through syn has one span for all of it, whose start is the opening.
                    let mut end = g.span().end();
                    end.column = end.column.saturating_sub(close.len());
                    place(lines, first, end, close);
                }
                other => place(lines, first, other.span().start(), &other.to_string()),
            }
        }
    }
    walk(&mut lines, first, item.clone());
    lines
}
