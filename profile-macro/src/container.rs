//! `#[profile]` on an impl, a trait or an inline module: every function with a body inside it
//! (recursively through the module's impls, traits and modules) is profiled as if it carried
//! the attribute itself, and named by what it belongs to (`Inventory::new`).
//!
//! The attribute does not rewrite the functions itself: it marks each one with a hidden
//! attribute, `#[::memory_profiler::__private::profile_member("Owner", (args), ..)]`, placed
//! after the function's own attributes, and the marks expand afterwards, one function at a
//! time, as `#[profile]` on a function does. So a function's own attributes expand first and
//! see the mark: its own `#[profile(..)]` (under any name it was imported as) takes the mark's
//! owner and arguments and lays its own over them, `#[profile(skip)]` removes the mark,
//! `#[limit]` removes it (the test measures its body itself), and another attribute macro
//! (`#[tracing::instrument]`, `#[async_trait]` on a nested impl) expands before the mark, as
//! when `#[profile]` is written below it. An impl or module inside carrying its own attribute
//! does the same for its functions: it replaces their marks, with its arguments after the
//! outer ones.
//!
//! Input → Output:
//!
//! ```text
//! #[profile(peak)]                        impl Inventory {
//! impl Inventory {                            #[profile_member("Inventory", (peak))]
//!     fn new() -> Self { .. }                 fn new() -> Self { .. }
//!     #[profile(skip)]                        #[profile(skip)]
//!     fn quick(&self) -> u8 { .. }            #[profile_member("Inventory", (peak))]
//!     const fn cap() -> usize { 8 }           fn quick(&self) -> u8 { .. }
//! }                                           const fn cap() -> usize { 8 }   (left alone)
//!                                         }
//! ```
//!
//! A `const fn` is left alone (const evaluation has no heap), and so are the functions inside
//! `macro_rules!` bodies and those that macro invocations make: the attribute sees tokens
//! there, not functions.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, ImplItem, Item, LitStr, Token, TraitItem};

use crate::args::Args;
use crate::expand::error_with;
use crate::lines::vis_span;
use crate::names::{impl_owner, trait_owner};

/// The arguments of a mark: the owner (`""` for a module's free function) and the argument
/// lists of the attributes that apply, outermost first.
pub struct Member {
    pub owner: String,
    pub args: Vec<TokenStream>,
}

impl Parse for Member {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let owner: LitStr = input.parse()?;
        let mut args = Vec::new();
        while input.parse::<Option<Token![,]>>()?.is_some() {
            if input.is_empty() {
                break;
            }
            let group;
            syn::parenthesized!(group in input);
            args.push(group.parse()?);
        }
        Ok(Member {
            owner: owner.value(),
            args,
        })
    }
}

impl Member {
    /// The arguments that apply: each list laid over the ones before it.
    pub fn args(&self) -> syn::Result<Args> {
        let mut merged = Args::default();
        for args in &self.args {
            merged = merged.under(syn::parse2(args.clone())?);
        }
        Ok(merged)
    }

    /// The function's name as a Rust programmer writes it.
    pub fn qualified(&self, ident: &syn::Ident) -> String {
        if self.owner.is_empty() {
            ident.to_string()
        } else {
            format!("{}::{ident}", self.owner)
        }
    }
}

/// Whether an attribute is a mark: `#[::memory_profiler::__private::profile_member(..)]`.
fn is_mark(attr: &Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments.ends_with(&["__private".to_owned(), "profile_member".to_owned()])
}

/// Takes the function's mark off, if it has one (the last, if several).
pub fn take_mark(attrs: &mut Vec<Attribute>) -> syn::Result<Option<Member>> {
    let mut member = None;
    let mut kept = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        if is_mark(&attr) {
            member = Some(attr.parse_args::<Member>()?);
        } else {
            kept.push(attr);
        }
    }
    *attrs = kept;
    Ok(member)
}

/// `#[profile(..)]` on an impl, a trait or a module.
pub fn expand(
    args: Args,
    args_tokens: TokenStream,
    mut item: Item,
    original: TokenStream,
) -> TokenStream {
    if let Err(err) = validate(&item) {
        return error_with(err, original);
    }
    if !args.skip() && !cfg!(feature = "enabled") {
        // Switched off: the item exactly as written.
        return original;
    }
    let mark = Mark {
        args: (!args.skip()).then_some(args_tokens),
    };
    let result = match &mut item {
        Item::Impl(item) => mark.impl_(item),
        Item::Trait(item) => mark.trait_(item),
        Item::Mod(item) => mark.module(item),
        _ => Ok(()),
    };
    match result {
        Ok(()) => item.into_token_stream(),
        Err(err) => error_with(err, original),
    }
}

/// The errors of a container: a module whose items are in another file (at any depth), and a
/// container without a function with a body.
fn validate(item: &Item) -> syn::Result<()> {
    let mut functions = 0;
    check(item, &mut functions, true)?;
    if functions > 0 {
        return Ok(());
    }
    let (what, head) = match item {
        Item::Trait(t) => {
            let name = &t.ident;
            return Err(syn::Error::new_spanned(
                t.trait_token,
                format!(
                    "`#[profile]` on a trait profiles its default methods, and `{name}` has none: \
                     put `#[profile]` on its impls (`#[profile] impl {name} for ..`), or give \
                     methods a default body"
                ),
            ));
        }
        Item::Impl(i) => ("this impl", i.impl_token.span),
        Item::Mod(m) => ("this module", m.mod_token.span),
        _ => return Ok(()),
    };
    Err(syn::Error::new(
        head,
        format!(
            "`#[profile]` profiles the functions with a body inside {what}, and it has none \
             (functions inside `macro_rules!` and those that macros make are not seen)"
        ),
    ))
}

fn check(item: &Item, functions: &mut usize, top: bool) -> syn::Result<()> {
    match item {
        Item::Fn(_) => *functions += 1,
        Item::Impl(i) => {
            *functions += i
                .items
                .iter()
                .filter(|item| matches!(item, ImplItem::Fn(_)))
                .count();
        }
        Item::Trait(t) => {
            *functions += t
                .items
                .iter()
                .filter(|item| matches!(item, TraitItem::Fn(f) if f.default.is_some()))
                .count();
        }
        Item::Mod(m) => match &m.content {
            Some((_, items)) => {
                for item in items {
                    check(item, functions, false)?;
                }
            }
            None => {
                let name = &m.ident;
                let (what, advice) = if top {
                    (
                        format!("`mod {name};`"),
                        format!(
                            "put `#[profile]` on the impls, traits and functions in that file, or \
                             write the module inline here, `mod {name} {{ .. }}`"
                        ),
                    )
                } else {
                    (
                        format!("the module `{name}` inside this one"),
                        format!(
                            "put `#[profile]` on the items of `{name}`'s file, or write `{name}` \
                             inline, `mod {name} {{ .. }}`"
                        ),
                    )
                };
                let head = vis_span(&m.vis).unwrap_or(m.mod_token.span);
                return Err(syn::Error::new(
                    head,
                    format!(
                        "`#[profile]` cannot see inside {what}: its items are in another file, \
                         and an attribute is given only the tokens it is written on (an inner \
                         `#![profile]` at the top of that file is not stable Rust); {advice}"
                    ),
                ));
            }
        },
        _ => {}
    }
    Ok(())
}

/// Marks functions: with the container's arguments after those of their existing mark, or,
/// for `skip` (`args: None`), by taking their marks off.
struct Mark {
    args: Option<TokenStream>,
}

impl Mark {
    fn function(
        &self,
        attrs: &mut Vec<Attribute>,
        constness: bool,
        owner: &str,
    ) -> syn::Result<()> {
        let existing = take_mark(attrs)?;
        let Some(args) = &self.args else {
            return Ok(());
        };
        if constness {
            return Ok(());
        }
        let mut lists = existing.map_or(Vec::new(), |member| member.args);
        lists.push(args.clone());
        let lists = lists.iter().map(|list| quote!((#list)));
        let span = Span::call_site();
        attrs.push(syn::parse_quote_spanned! {span=>
            #[::memory_profiler::__private::profile_member(#owner #(, #lists)*)]
        });
        Ok(())
    }

    fn impl_(&self, item: &mut syn::ItemImpl) -> syn::Result<()> {
        let owner = impl_owner(item);
        for member in &mut item.items {
            if let ImplItem::Fn(f) = member {
                self.function(&mut f.attrs, f.sig.constness.is_some(), &owner)?;
            }
        }
        Ok(())
    }

    fn trait_(&self, item: &mut syn::ItemTrait) -> syn::Result<()> {
        let owner = trait_owner(item);
        for member in &mut item.items {
            if let TraitItem::Fn(f) = member {
                if f.default.is_some() {
                    self.function(&mut f.attrs, f.sig.constness.is_some(), &owner)?;
                }
            }
        }
        Ok(())
    }

    fn module(&self, item: &mut syn::ItemMod) -> syn::Result<()> {
        let Some((_, items)) = &mut item.content else {
            return Ok(());
        };
        for item in items {
            match item {
                Item::Fn(f) => self.function(&mut f.attrs, f.sig.constness.is_some(), "")?,
                Item::Impl(i) => self.impl_(i)?,
                Item::Trait(t) => self.trait_(t)?,
                Item::Mod(m) => self.module(m)?,
                _ => {}
            }
        }
        Ok(())
    }
}
