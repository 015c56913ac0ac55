//! The names of profiled functions, as a Rust programmer writes them: `Inventory::new`,
//! `<Inventory as Summarize>::total`, `Stack<T>::push`, `Describe::describe` (a trait's default
//! method), `fill` (a free function: its report shows its file and module).
//!
//! The macro writes the name into [`FnMeta::qualified`] when the attribute is on the impl, the
//! trait or the module, whose header it sees. A method annotated on its own that takes `self`
//! is named at run time by the type of `self` ([`FnMeta::self_type`]), module paths left out
//! and generic arguments written `_` (one report sums every instantiation): `Stack<_>::push`.
//! Every rendering (text, JSON, the summary, `mprof`'s `FUNC` lines) and
//! [`Reports::function`](crate::Reports::function) read the name from here.
//!
//! Part of the report model: it owns the rules of a name (the qualified name is cached in the
//! function's `SelfType`); it reads only the contract (`crate::spec`).

use crate::spec::FnMeta;

/// The function's name, qualified when it can be.
pub(crate) fn function_name(meta: &'static FnMeta) -> &'static str {
    if let Some(self_type) = meta.self_type {
        if let Some(raw) = self_type.raw.get() {
            return self_type
                .name
                .get_or_init(|| format!("{}::{}", owner_of(raw), meta.name))
                .as_str();
        }
    }
    meta.qualified
}

/// The dotted name of the function in `mprof`'s `FUNC` lines: the module path and the
/// qualified name, each `::` written `.` (`tournament.Tally.add`, as Python's qualified names
/// `module.Class.method`), and no space (readers split the line on spaces): `, ` becomes `,`
/// and any other space `_` (`tournament.<Strategy_as_Play>.next`).
pub(crate) fn dotted_name(meta: &'static FnMeta) -> String {
    dotted(meta.module_path, function_name(meta))
}

/// [`dotted_name`] from a report's module path and function name (the run's page matches its
/// reports with the `FUNC` lines of its timeline by it).
pub(crate) fn dotted(module_path: &str, function: &str) -> String {
    let name = function.replace(", ", ",").replace(' ', "_");
    format!("{module_path}.{name}").replace("::", ".")
}

/// The owner written before `::method`, from `type_name::<Self>()`: the type without module
/// paths, a path type's generic arguments as `_`, and other types (slices, references, tuples,
/// trait objects) in angle brackets as Rust requires them in a path.
///
/// `alloc::vec::Vec<u8>` → `Vec<_>`, `app::Inventory` → `Inventory`, `[app::Item]` →
/// `<[Item]>`, `dyn app::Describe` → `<dyn Describe>`.
fn owner_of(type_name: &str) -> String {
    let short = strip_paths(type_name);
    let is_path = short
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && !short.starts_with("dyn ")
        && !short.starts_with("fn(")
        && !short.starts_with("impl ");
    if !is_path {
        return format!("<{short}>");
    }
    match short.find('<') {
        Some(open) if short.ends_with('>') => {
            let args = top_level_args(&short[open + 1..short.len() - 1]);
            let blanks = vec!["_"; args.max(1)].join(", ");
            format!("{}<{blanks}>", &short[..open])
        }
        _ => short,
    }
}

/// `a::b::C<d::E>` → `C<E>`: every path keeps its last segment.
fn strip_paths(type_name: &str) -> String {
    let mut out = String::with_capacity(type_name.len());
    // The start (in `out`) of the path being written, if the last characters are one.
    let mut segment_start = None;
    let mut chars = type_name.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            if let Some(start) = segment_start {
                out.truncate(start);
            }
            continue;
        }
        let ident = c.is_alphanumeric() || c == '_';
        if ident && segment_start.is_none() {
            segment_start = Some(out.len());
        } else if !ident {
            segment_start = None;
        }
        out.push(c);
    }
    out
}

/// How many generic arguments `args` (the text between a path's `<` and `>`) holds: its
/// commas outside brackets, plus one.
fn top_level_args(args: &str) -> usize {
    let mut depth = 0usize;
    let mut count = 1;
    for c in args.chars() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => count += 1,
            _ => {}
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_from_type_names() {
        assert_eq!(owner_of("app::Inventory"), "Inventory");
        assert_eq!(owner_of("alloc::vec::Vec<u8>"), "Vec<_>");
        assert_eq!(
            owner_of("std::collections::hash::map::HashMap<alloc::string::String, (u8, u16)>"),
            "HashMap<_, _>"
        );
        assert_eq!(owner_of("app::Stack<app::Stack<u8>>"), "Stack<_>");
        assert_eq!(owner_of("[app::Item]"), "<[Item]>");
        assert_eq!(owner_of("&str"), "<&str>");
        assert_eq!(owner_of("(u8, app::Item)"), "<(u8, Item)>");
        assert_eq!(owner_of("dyn app::Describe"), "<dyn Describe>");
        assert_eq!(owner_of("u32"), "u32");
    }
}
