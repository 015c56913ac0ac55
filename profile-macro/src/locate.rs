//! Where the function's body is, when attribute macros above this one expanded first.
//!
//! Attribute macros expand from the top down: `#[tokio::test]` written above `#[profile]`
//! hands the profiler its own output, where the user's body has become an `async` block run by
//! a runtime it builds; `#[tracing::instrument]` nests it in blocks after making a span, in a
//! closure (`ret`, `err`) or in an `async move` block; `#[async_trait]` moves the statements of
//! an `async fn` into a boxed `async move` block. Profiling that function as a whole would
//! count the other macro's work, and charge the user's lines nothing (the async block runs
//! later, or on no line of theirs). So the profiler looks for the user's statements and
//! profiles the block that holds them, as if it were the function's body: an `async` one is
//! profiled as an `async fn`'s. A function another macro made from the user's (`#[rstest]`'s
//! and `#[test_case]`'s test functions, which call the user's function) has no body of the
//! user's to find: that is a compile error naming the order that works.
//!
//! What the user wrote is told apart from what a macro made by the tokens' spans: a token the
//! user wrote has the source text it stands for; a token a macro made has the span of that
//! macro's attribute, or of a token of the user's with other text.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Block, Expr, ItemFn, Stmt};

/// The block to profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The function's own body, as usual.
    Body,
    /// The `index`-th block (in the order syn's visitors walk the body) holds the user's
    /// statements; `is_async`: it is inside an `async` block.
    Inner { index: usize, is_async: bool },
}

/// Finds the block that holds the statements the user wrote. `attr` is the attribute's name,
/// for the error.
pub fn locate(function: &ItemFn, attr: &str) -> syn::Result<Target> {
    let block = &function.block;
    let braces = braces_written(&block.brace_token);
    if braces && (block.stmts.is_empty() || block.stmts.iter().any(stmt_written)) {
        return Ok(Target::Body);
    }
    // (Searched on a copy: syn's `visit-mut` walks it as `with_target` will walk the body; the
    // read-only `visit` feature would be one more feature of syn to compile.)
    let mut search = Search::default();
    for stmt in &mut block.stmts.clone() {
        search.visit_stmt_mut(stmt);
    }
    match (search.found.as_slice(), search.boundaries.as_slice()) {
        ([(index, is_async)], _) => Ok(Target::Inner {
            index: *index,
            is_async: *is_async,
        }),
        // Nothing the user wrote (an empty body moved by `#[async_trait]`): the one async
        // block or closure is where it went.
        ([], [(index, is_async)]) if braces => Ok(Target::Inner {
            index: *index,
            is_async: *is_async,
        }),
        ([], _) if braces => Ok(Target::Body),
        (found, _) => {
            let other = other_attribute(block);
            // A function made wholly by another macro, attribute and all, is that macro's to
            // profile: only an attribute the user wrote gets the error.
            let ours = Span::call_site().source_text().unwrap_or_default();
            if found.is_empty() && (other.is_none() || !ours.starts_with('#')) {
                return Ok(Target::Body);
            }
            let other = other.map_or("the attribute macros above it".to_owned(), |name| {
                format!("`#[{name}]`")
            });
            let message = if found.is_empty() {
                format!(
                    "`#[{attr}]` is on a function that {other} made from yours, not on yours, \
                     so it would measure that function instead: write `#[{attr}]` above {other}"
                )
            } else {
                format!(
                    "`#[{attr}]` cannot tell which part of what {other} made of this function \
                     is your body: write `#[{attr}]` above {other}"
                )
            };
            Err(syn::Error::new(Span::call_site(), message))
        }
    }
}

/// Runs `f` on the target block of `body` (with whether it is async).
pub fn with_target(
    body: &mut Block,
    target: Target,
    fn_is_async: bool,
    f: impl FnOnce(&mut Block, bool),
) {
    match target {
        Target::Body => f(body, fn_is_async),
        Target::Inner { index, is_async } => {
            let mut apply = Apply {
                index,
                seen: 0,
                f: Some(move |block: &mut Block| f(block, is_async)),
            };
            for stmt in &mut body.stmts {
                apply.visit_stmt_mut(stmt);
            }
        }
    }
}

/// The statements' search: the outermost blocks that hold a statement the user wrote.
#[derive(Default)]
struct Search {
    /// Blocks seen so far.
    seen: usize,
    /// Inside `async` blocks (or async closures) and closures: whether the innermost is async.
    contexts: Vec<bool>,
    /// The blocks found, with whether they run in an async context.
    found: Vec<(usize, bool)>,
    /// The outermost bodies of async blocks and closures, with whether they are async.
    boundaries: Vec<(usize, bool)>,
}

impl Search {
    fn is_async(&self) -> bool {
        self.contexts.last().copied().unwrap_or(false)
    }
}

impl VisitMut for Search {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let index = self.seen;
        self.seen += 1;
        // When this block only wraps the user's braces in statements of a macro's, the search
        // goes on inside, where it finds them.
        if holds_user_code(block) && lone_user_block(block).is_none() {
            self.found.push((index, self.is_async()));
            return;
        }
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_async_mut(&mut self, expr: &mut syn::ExprAsync) {
        if self.contexts.is_empty() {
            self.boundaries.push((self.seen, true));
        }
        self.contexts.push(true);
        syn::visit_mut::visit_expr_async_mut(self, expr);
        self.contexts.pop();
    }

    fn visit_expr_closure_mut(&mut self, expr: &mut syn::ExprClosure) {
        let is_async = expr.asyncness.is_some();
        if self.contexts.is_empty() && matches!(*expr.body, Expr::Block(_)) {
            self.boundaries.push((self.seen, is_async));
        }
        self.contexts.push(is_async);
        syn::visit_mut::visit_expr_closure_mut(self, expr);
        self.contexts.pop();
    }

    // Items are not run by the body; macros' insides are tokens.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Walks the body as [`Search`] did, and runs `f` on the `index`-th block.
struct Apply<F> {
    index: usize,
    seen: usize,
    f: Option<F>,
}

impl<F: FnOnce(&mut Block)> VisitMut for Apply<F> {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let index = self.seen;
        self.seen += 1;
        if index == self.index {
            if let Some(f) = self.f.take() {
                f(block);
            }
            return;
        }
        if self.f.is_some() {
            syn::visit_mut::visit_block_mut(self, block);
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// A block the user's code is in: it has a statement the user wrote, or it is empty and its
/// braces are the user's.
fn holds_user_code(block: &Block) -> bool {
    if block.stmts.is_empty() {
        braces_written(&block.brace_token)
    } else {
        block.stmts.iter().any(stmt_written)
    }
}

/// The one statement of `block` the user wrote, when it is a plain block (the user's body, in
/// a block of a macro's): `{ macro's statements; { user's body } }`.
fn lone_user_block(block: &Block) -> Option<&Block> {
    let mut written = block.stmts.iter().filter(|s| stmt_written(s));
    match (written.next(), written.next()) {
        (Some(Stmt::Expr(Expr::Block(inner), _)), None)
            if inner.attrs.is_empty() && inner.label.is_none() =>
        {
            Some(&inner.block)
        }
        _ => None,
    }
}

/// Whether the user wrote the statement: its first token (past its attributes) is theirs.
fn stmt_written(stmt: &Stmt) -> bool {
    first_token(stmt.to_token_stream()).is_some_and(|token| token_written(&token))
}

/// The first token of `tokens` past outer attributes, inside the groups it starts with (an
/// empty group stands for itself).
fn first_token(tokens: TokenStream) -> Option<TokenTree> {
    let mut tokens = tokens.into_iter().peekable();
    loop {
        let token = tokens.next()?;
        match &token {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if let Some(TokenTree::Group(g)) = tokens.peek() {
                    if g.delimiter() == Delimiter::Bracket {
                        tokens.next();
                        continue;
                    }
                }
                return Some(token);
            }
            TokenTree::Group(g) => {
                return first_token(g.stream()).or(Some(token));
            }
            _ => return Some(token),
        }
    }
}

/// Whether a token is the user's: it stands where its source text is.
fn token_written(token: &TokenTree) -> bool {
    match token {
        TokenTree::Group(g) => {
            let open = match g.delimiter() {
                Delimiter::Brace => '{',
                Delimiter::Parenthesis => '(',
                Delimiter::Bracket => '[',
                Delimiter::None => return true,
            };
            g.span_open()
                .source_text()
                .is_some_and(|text| text.starts_with(open))
        }
        other => other
            .span()
            .source_text()
            .is_some_and(|text| text == other.to_string()),
    }
}

/// Whether a block's braces are the user's. (Re-emitted through syn, a group has one span for
/// all of it, so its opening's text is the whole block's.)
fn braces_written(brace: &syn::token::Brace) -> bool {
    brace
        .span
        .open()
        .source_text()
        .is_some_and(|text| text.starts_with('{'))
}

/// The attribute that made the tokens of `block`, from their span: `rstest` for braces that
/// stand at `#[rstest]`.
fn other_attribute(block: &Block) -> Option<String> {
    let text = block.brace_token.span.open().source_text()?;
    let inner = text.trim().strip_prefix("#[")?;
    let end = inner
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(inner.len());
    let name = inner[..end].trim();
    (!name.is_empty()).then(|| name.to_owned())
}
