//! The highlighting of Rust source lines on the page: a small lexer that marks keywords,
//! strings, comments, numbers, macros, types and attributes, carrying block comments and
//! (raw) strings from one line to the next. Only marks: every character of the line is kept,
//! escaped (`super::escape`).

use std::fmt::Write as _;

use super::escape;

/// Where the highlighter is at the end of a line: in code, in a (nested) block comment, in a
/// string, or in a raw string with so many `#`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Carry {
    Code,
    Comment(u32),
    Str,
    Raw(usize),
}

pub(super) const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "union",
    "unsafe", "use", "where", "while", "yield",
];

/// Appends a source line, escaped, with its tokens in the page's code elements: `b` keywords,
/// `i` strings and characters, `u` comments, `s` numbers, `em` macros, `var` types and
/// lifetimes, `dfn` attributes. Only marks: the text is the line's, whatever it holds.
pub(super) fn highlight(out: &mut String, line: &str, carry: &mut Carry) {
    let trimmed = line.trim_start();
    if *carry == Carry::Code && (trimmed.starts_with("#[") || trimmed.starts_with("#![")) {
        escape(out, &line[..line.len() - trimmed.len()]);
        wrap(out, "dfn", trimmed);
        return;
    }
    let b = line.as_bytes();
    let mut i = 0;
    // Where the pending run of plain text starts.
    let mut plain = 0;
    while i < b.len() {
        match *carry {
            Carry::Comment(depth) => {
                (i, *carry) = block_comment(out, line, i, i, depth);
                plain = i;
            }
            Carry::Str => {
                let start = i;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            *carry = Carry::Code;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                i = boundary(line, i);
                wrap(out, "i", &line[start..i]);
                plain = i;
            }
            Carry::Raw(hashes) => {
                let start = i;
                while i < b.len() {
                    if b[i] == b'"'
                        && b[i + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&c| c == b'#')
                            .count()
                            == hashes
                    {
                        i += 1 + hashes;
                        *carry = Carry::Code;
                        break;
                    }
                    i += 1;
                }
                i = boundary(line, i);
                wrap(out, "i", &line[start..i]);
                plain = i;
            }
            Carry::Code => {
                let rest = &line[i..];
                let c = b[i];
                // The token at `i`, if any: its tag, its end, and the state after it.
                let token: Option<(&str, usize)> = if rest.starts_with("//") {
                    Some(("u", b.len()))
                } else if rest.starts_with("/*") {
                    escape(out, &line[plain..i]);
                    // Go on in the comment state from after `/*`, its text included.
                    (i, *carry) = block_comment(out, line, i, i + 2, 1);
                    plain = i;
                    continue;
                } else if c == b'"' || rest.starts_with("b\"") {
                    escape(out, &line[plain..i]);
                    let start = i;
                    i += if c == b'"' { 1 } else { 2 };
                    *carry = Carry::Str;
                    let mut closed = false;
                    while i < b.len() {
                        match b[i] {
                            b'\\' => i += 2,
                            b'"' => {
                                i += 1;
                                closed = true;
                                break;
                            }
                            _ => i += 1,
                        }
                    }
                    if closed {
                        *carry = Carry::Code;
                    }
                    i = boundary(line, i);
                    wrap(out, "i", &line[start..i]);
                    plain = i;
                    continue;
                } else if let Some(hashes) = raw_string_start(rest) {
                    escape(out, &line[plain..i]);
                    let start = i;
                    let prefix = rest.find('"').unwrap_or(0) + 1;
                    i += prefix;
                    *carry = Carry::Raw(hashes);
                    while i < b.len() {
                        if b[i] == b'"'
                            && b[i + 1..]
                                .iter()
                                .take(hashes)
                                .filter(|&&c| c == b'#')
                                .count()
                                == hashes
                        {
                            i += 1 + hashes;
                            *carry = Carry::Code;
                            break;
                        }
                        i += 1;
                    }
                    i = boundary(line, i);
                    wrap(out, "i", &line[start..i]);
                    plain = i;
                    continue;
                } else if c == b'\'' {
                    let (tag, len) = char_or_lifetime(rest);
                    Some((tag, i + len))
                } else if c.is_ascii_digit() {
                    let mut end = 1;
                    while end < b.len() - i {
                        let d = b[i + end];
                        let decimal =
                            d == b'.' && b.get(i + end + 1).is_some_and(u8::is_ascii_digit);
                        if d.is_ascii_alphanumeric() || d == b'_' || decimal {
                            end += 1;
                        } else {
                            break;
                        }
                    }
                    Some(("s", i + end))
                } else if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 {
                    let end = i + rest
                        .char_indices()
                        .find(|&(_, ch)| !(ch == '_' || ch.is_alphanumeric()))
                        .map_or(rest.len(), |(at, _)| at);
                    let word = &line[i..end];
                    // A word after another word character (`r#type`, `1usize`) is no token.
                    if end == i {
                        // A character that is no part of a word (an emoji, a combining mark).
                        None
                    } else if i > 0 && (b[i - 1] == b'#' || b[i - 1].is_ascii_alphanumeric()) {
                        Some(("", end))
                    } else if line[end..].starts_with('!') && !line[end..].starts_with("!=") {
                        Some(("em", end + 1))
                    } else if KEYWORDS.contains(&word) {
                        Some(("b", end))
                    } else if word.starts_with(|ch: char| ch.is_uppercase()) {
                        Some(("var", end))
                    } else {
                        Some(("", end))
                    }
                } else {
                    None
                };
                match token {
                    Some((tag, end)) => {
                        let end = boundary(line, end.min(b.len()));
                        if tag.is_empty() {
                            // A plain word: part of the plain run.
                            i = end;
                        } else {
                            escape(out, &line[plain..i]);
                            wrap(out, tag, &line[i..end]);
                            i = end;
                            plain = i;
                        }
                    }
                    None => i = boundary(line, i + 1),
                }
            }
        }
    }
    escape(out, &line[plain.min(line.len())..]);
}

/// `text` escaped inside `<tag>`; nothing for no text.
fn wrap(out: &mut String, tag: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    let _ = write!(out, "<{tag}>");
    escape(out, text);
    let _ = write!(out, "</{tag}>");
}

/// A block comment that starts at `start` on `line`, read from `i` with `depth` comments open
/// (they nest): written wrapped up to its end, or the line's; returns where the line goes on
/// and the state the rest starts in (code, or still the comment on the next line).
fn block_comment(
    out: &mut String,
    line: &str,
    start: usize,
    mut i: usize,
    mut depth: u32,
) -> (usize, Carry) {
    let b = line.as_bytes();
    while i < b.len() && depth > 0 {
        if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
        } else if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    let i = boundary(line, i);
    wrap(out, "u", &line[start..i]);
    let carry = if depth == 0 {
        Carry::Code
    } else {
        Carry::Comment(depth)
    };
    (i, carry)
}

/// The first char boundary of `s` at or after `i` (`s.len()` at most).
pub(super) fn boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `Some(number of #)` when `s` starts a raw string: `r"`, `r#"`, `br##"`...
pub(super) fn raw_string_start(s: &str) -> Option<usize> {
    let after = s.strip_prefix("br").or_else(|| s.strip_prefix('r'))?;
    let hashes = after.bytes().take_while(|&c| c == b'#').count();
    after[hashes..].starts_with('"').then_some(hashes)
}

/// The token of `s` (which starts with `'`): a character literal (`'a'`, `'\n'`,
/// `'\u{1F980}'`) as a string, or a lifetime or label (`'a`, `'static`) as a type.
pub(super) fn char_or_lifetime(s: &str) -> (&'static str, usize) {
    let mut chars = s.char_indices().skip(1);
    match chars.next() {
        Some((_, '\\')) => {
            // An escape (`\n`, `\'`, `\u{..}`): up to the next quote after the escaped character.
            let from = boundary(s, 3);
            let end = s[from..].find('\'').map_or(s.len(), |at| from + at + 1);
            ("i", end)
        }
        Some((_, c)) => match chars.next() {
            Some((at, '\'')) => ("i", at + 1),
            _ if c == '_' || c.is_alphanumeric() => {
                let end = s[1..]
                    .char_indices()
                    .find(|&(_, ch)| !(ch == '_' || ch.is_alphanumeric()))
                    .map_or(s.len(), |(at, _)| at + 1);
                ("var", end)
            }
            _ => ("", 1),
        },
        None => ("", 1),
    }
}
