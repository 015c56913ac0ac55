//! Line numbers of the function's pieces, and its source text, embedded at compile time.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;

/// The line on which `node` starts, past its outer attributes (`#[cfg(..)]` on a statement
/// does not move the statement's line).
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
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| {
            let lines: Vec<&str> = text.lines().collect();
            let holds_name = lines
                .get(name_line.wrapping_sub(1))
                .is_some_and(|line| line.contains(&name));
            (first >= 1 && last <= lines.len() && holds_name).then(|| {
                lines[first - 1..last]
                    .iter()
                    .map(|l| l.to_string())
                    .collect()
            })
        });
    from_file.unwrap_or_else(|| from_tokens(first, last, item, attribute_row))
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
