//! What a function belongs to, written as a Rust programmer writes it before `::method`: the
//! type of an inherent impl (`Inventory`, `Stack<T>`, `<[T]>`), the type and trait of a trait
//! impl (`<Inventory as Summarize>`), the trait of a default method (`Describe`,
//! `Container<T>`). Paths keep their last segment (`fmt::Display` is `Display`): the report
//! shows the file and the module.

use quote::ToTokens;
use syn::{
    GenericArgument, GenericParam, ItemImpl, ItemTrait, Path, PathArguments, ReturnType, Type,
    TypeParamBound,
};

/// The owner of an impl's functions.
pub fn impl_owner(item: &ItemImpl) -> String {
    let ty = type_text(&item.self_ty);
    match &item.trait_ {
        Some((bang, path, _)) => {
            let bang = if bang.is_some() { "!" } else { "" };
            format!("<{ty} as {bang}{}>", path_text(path))
        }
        None if is_path(&item.self_ty) => ty,
        None => format!("<{ty}>"),
    }
}

/// The owner of a trait's default methods: the trait, with its generic parameters.
pub fn trait_owner(item: &ItemTrait) -> String {
    let params: Vec<String> = item
        .generics
        .params
        .iter()
        .map(|param| match param {
            GenericParam::Lifetime(l) => l.lifetime.to_string(),
            GenericParam::Type(t) => t.ident.to_string(),
            GenericParam::Const(c) => c.ident.to_string(),
        })
        .collect();
    if params.is_empty() {
        item.ident.to_string()
    } else {
        format!("{}<{}>", item.ident, params.join(", "))
    }
}

/// Whether a type can stand before `::` as it is (a path); other types need `<..>`.
fn is_path(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.qself.is_none(),
        Type::Group(g) => is_path(&g.elem),
        _ => false,
    }
}

/// A type as a Rust programmer writes it, with its paths' last segments.
pub fn type_text(ty: &Type) -> String {
    match ty {
        Type::Path(p) => match &p.qself {
            None => path_text(&p.path),
            Some(qself) => {
                let inner = type_text(&qself.ty);
                let segments: Vec<String> = p.path.segments.iter().map(segment_text).collect();
                let (of_trait, rest) = segments.split_at(qself.position.min(segments.len()));
                match of_trait.last() {
                    Some(trait_) => format!("<{inner} as {trait_}>::{}", rest.join("::")),
                    None => format!("<{inner}>::{}", rest.join("::")),
                }
            }
        },
        Type::Reference(r) => {
            let lifetime = r
                .lifetime
                .as_ref()
                .map_or(String::new(), |l| format!("{l} "));
            let mutability = if r.mutability.is_some() { "mut " } else { "" };
            format!("&{lifetime}{mutability}{}", type_text(&r.elem))
        }
        Type::Slice(s) => format!("[{}]", type_text(&s.elem)),
        Type::Array(a) => format!("[{}; {}]", type_text(&a.elem), tokens_text(&a.len)),
        Type::Tuple(t) => {
            let elems: Vec<String> = t.elems.iter().map(type_text).collect();
            if elems.len() == 1 {
                format!("({},)", elems[0])
            } else {
                format!("({})", elems.join(", "))
            }
        }
        Type::Ptr(p) => {
            let kind = if p.mutability.is_some() {
                "mut"
            } else {
                "const"
            };
            format!("*{kind} {}", type_text(&p.elem))
        }
        Type::Never(_) => "!".to_owned(),
        Type::TraitObject(o) => {
            let dyn_ = if o.dyn_token.is_some() { "dyn " } else { "" };
            format!("{dyn_}{}", bounds_text(o.bounds.iter()))
        }
        Type::ImplTrait(i) => format!("impl {}", bounds_text(i.bounds.iter())),
        Type::Paren(p) => format!("({})", type_text(&p.elem)),
        Type::Group(g) => type_text(&g.elem),
        Type::Infer(_) => "_".to_owned(),
        Type::BareFn(f) => {
            let inputs: Vec<String> = f.inputs.iter().map(|arg| type_text(&arg.ty)).collect();
            let unsafety = if f.unsafety.is_some() { "unsafe " } else { "" };
            let abi = f
                .abi
                .as_ref()
                .map_or(String::new(), |abi| format!("{} ", tokens_text(abi)));
            format!(
                "{unsafety}{abi}fn({}){}",
                inputs.join(", "),
                output_text(&f.output)
            )
        }
        other => tokens_text(other),
    }
}

/// A path by its last segment, with that segment's generic arguments.
fn path_text(path: &Path) -> String {
    path.segments.last().map_or(String::new(), segment_text)
}

fn segment_text(segment: &syn::PathSegment) -> String {
    let ident = &segment.ident;
    match &segment.arguments {
        PathArguments::None => ident.to_string(),
        PathArguments::AngleBracketed(args) => {
            let args: Vec<String> = args.args.iter().map(arg_text).collect();
            format!("{ident}<{}>", args.join(", "))
        }
        PathArguments::Parenthesized(args) => {
            let inputs: Vec<String> = args.inputs.iter().map(type_text).collect();
            format!(
                "{ident}({}){}",
                inputs.join(", "),
                output_text(&args.output)
            )
        }
    }
}

fn arg_text(arg: &GenericArgument) -> String {
    match arg {
        GenericArgument::Lifetime(l) => l.to_string(),
        GenericArgument::Type(t) => type_text(t),
        GenericArgument::AssocType(a) => format!("{} = {}", a.ident, type_text(&a.ty)),
        GenericArgument::Constraint(c) => {
            format!("{}: {}", c.ident, bounds_text(c.bounds.iter()))
        }
        other => tokens_text(other),
    }
}

fn output_text(output: &ReturnType) -> String {
    match output {
        ReturnType::Default => String::new(),
        ReturnType::Type(_, ty) => format!(" -> {}", type_text(ty)),
    }
}

fn bounds_text<'a>(bounds: impl Iterator<Item = &'a TypeParamBound>) -> String {
    bounds
        .map(|bound| match bound {
            TypeParamBound::Trait(t) => {
                let maybe = if matches!(t.modifier, syn::TraitBoundModifier::Maybe(_)) {
                    "?"
                } else {
                    ""
                };
                format!("{maybe}{}", path_text(&t.path))
            }
            TypeParamBound::Lifetime(l) => l.to_string(),
            other => tokens_text(other),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Tokens as text, without the spaces that token printing puts around punctuation.
fn tokens_text(node: &impl ToTokens) -> String {
    let text = node.to_token_stream().to_string();
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + 1).copied();
            let tight =
                |c: Option<char>| matches!(c, Some('<' | '>' | '(' | ')' | '[' | ']' | ':' | ','));
            // Keep the space after a comma and around words; drop those that touch brackets.
            if tight(after) && after != Some(':') || matches!(before, Some('<' | '(' | '[' | '&')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(item: &str) -> String {
        impl_owner(&syn::parse_str(item).unwrap())
    }

    #[test]
    fn owners() {
        assert_eq!(owner("impl Inventory {}"), "Inventory");
        assert_eq!(
            owner("impl<T: Clone> Stack<T> where T: Copy {}"),
            "Stack<T>"
        );
        assert_eq!(owner("impl<'a> Parser<'a> {}"), "Parser<'a>");
        assert_eq!(owner("impl crate::model::Inventory {}"), "Inventory");
        assert_eq!(
            owner("impl Summarize for Inventory {}"),
            "<Inventory as Summarize>"
        );
        assert_eq!(
            owner("impl fmt::Display for Shape {}"),
            "<Shape as Display>"
        );
        assert_eq!(
            owner("impl<K, V> From<Vec<(K, V)>> for std::collections::HashMap<K, V> {}"),
            "<HashMap<K, V> as From<Vec<(K, V)>>>"
        );
        assert_eq!(owner("impl<T> Summary for [T] {}"), "<[T] as Summary>");
        assert_eq!(owner("impl dyn Describe {}"), "<dyn Describe>");
        assert_eq!(
            owner("impl<'a> Trait for &'a mut str {}"),
            "<&'a mut str as Trait>"
        );
        assert_eq!(owner("impl Trait for [u8; 4] {}"), "<[u8; 4] as Trait>");
        assert_eq!(owner("impl Trait for (u8,) {}"), "<(u8,) as Trait>");
        assert_eq!(
            owner("impl Trait for fn(u8) -> u8 {}"),
            "<fn(u8) -> u8 as Trait>"
        );
        assert_eq!(owner("impl<I: Iterator<Item = u8>> Wrap<I> {}"), "Wrap<I>");
        assert_eq!(
            owner("impl Trait for Box<dyn Fn(u8) -> u8 + Send> {}"),
            "<Box<dyn Fn(u8) -> u8 + Send> as Trait>"
        );
        assert_eq!(
            owner("impl<T> Trait for <T as Iterator>::Item {}"),
            "<<T as Iterator>::Item as Trait>"
        );
    }

    #[test]
    fn trait_owners() {
        let owner = |item: &str| trait_owner(&syn::parse_str(item).unwrap());
        assert_eq!(owner("trait Describe { fn f(&self) {} }"), "Describe");
        assert_eq!(
            owner("trait Container<'a, T, const N: usize> {}"),
            "Container<'a, T, N>"
        );
    }
}
