//! Statement attributes (`#[cfg]` gating statements and their probes, `#[cfg]`'d tails of the
//! body and of inner blocks, `#[allow]`, `#[expect]`, `#[cfg_attr]`), macros in statement, expression and tail position (std's and `macro_rules!`
//! declared in the body, expanding to several statements, to `let`s, to items), and items
//! declared inside the body (functions, types with impls, traits, consts, statics, `use`,
//! modules, thread locals, a profiled function).

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::let_and_return)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use std::fmt::Write as _;

use corpus::{D, log};

#[p]
#[allow(clippy::non_minimal_cfg, clippy::same_item_push)] // the shapes under test
pub fn cfg_stmts() -> Vec<&'static str> {
    let mut v = Vec::with_capacity(8);
    #[cfg(any())]
    v.push("cfg-out push");
    #[cfg(all())]
    v.push("cfg-in push");
    #[cfg(any())]
    let x = "cfg-out let";
    let x = "plain let";
    #[cfg(all())]
    let x = {
        v.push(x);
        "cfg-in let"
    };
    #[allow(unused_variables)]
    let unused = 5;
    #[allow(unused_mut)]
    let mut y = x;
    #[allow(unused_must_use)]
    y.parse::<u8>();
    #[cfg(any())]
    for _ in 0..3 {
        v.push("cfg-out loop");
    }
    #[cfg(any())]
    {
        v.push("cfg-out block");
    }
    #[cfg(all())]
    for _ in 0..2 {
        v.push("cfg-in loop");
    }
    #[cfg(test)]
    v.push("cfg(test)");
    #[cfg(not(debug_assertions))]
    v.push("release only");
    v.push(y);
    v
}

#[rustfmt::skip]
#[p]
#[allow(clippy::non_minimal_cfg)] // the shape under test
pub fn same_line_cfg() -> Vec<&'static str> {
    let mut v = Vec::with_capacity(4);
    #[cfg(any())] v.push("cfg-out"); v.push("after cfg-out");
    #[cfg(all())] v.push("cfg-in"); v.push("after cfg-in");
    #[cfg(any())] let a = 1; let a = 2; v.push(if a == 2 { "a is 2" } else { "a is 1" });
    v
}

#[p]
pub fn cfg_attr_and_expect_on_statements(x: u32) -> u32 {
    #[cfg_attr(all(), allow(unused_variables))]
    let unused = x;
    #[expect(unused_mut, reason = "the shape under test")]
    let mut kept = x + 1;
    #[cfg(debug_assertions)]
    let kept = kept * 2;
    kept
}

/// The idiom of low-level crates: one of several `#[cfg]`'d blocks is the body's tail.
#[p]
pub fn cfg_tail_blocks() -> bool {
    let _d = D("cfg_tail_blocks local");
    #[cfg(unix)]
    {
        log("cfg_tail_blocks unix");
        true
    }
    #[cfg(not(unix))]
    {
        log("cfg_tail_blocks not unix");
        false
    }
}

/// The first of the `#[cfg]`'d tails stays, the last goes; the tail moves a local out.
#[p]
#[allow(clippy::non_minimal_cfg)] // the shape under test
pub fn cfg_tails_first_kept(k: u32) -> Vec<u32> {
    let v = vec![k; 2];
    #[cfg(all())]
    {
        v
    }
    #[cfg(any())]
    {
        Vec::new()
    }
}

/// An `if` and a `match` as `#[cfg]`'d tails.
#[rustfmt::skip]
#[p]
#[allow(clippy::non_minimal_cfg)] // the shape under test
pub fn cfg_tail_if_match(k: u32) -> u32 {
    let base = k * 2;
    #[cfg(any())]
    if base > 2 { 1 } else { 2 }
    #[cfg(all())]
    match base { 0 => 10, n => n + 1 }
}

/// `#[cfg]`'d tails of inner blocks and arms.
#[rustfmt::skip]
#[p]
#[allow(clippy::non_minimal_cfg, clippy::useless_vec)] // the shape under test
pub fn cfg_tails_nested(k: u32) -> u32 {
    let x = {
        let y = vec![k + 1; 3];
        #[cfg(any())]
        { y[0] * 100 }
        #[cfg(all())]
        { y[0] * 2 }
    };
    let z = match x {
        0 => 0,
        n => {
            #[cfg(all())]
            { n + 1 }
            #[cfg(any())]
            { n - 1 }
        }
    };
    z
}

#[p]
pub fn std_macros() -> Result<String, std::fmt::Error> {
    let mut s = String::new();
    vec![0u8; 16];
    let v = vec![1, 2, 3];
    assert!(v.len() == 3, "three");
    assert_eq!(v[0], 1);
    debug_assert_ne!(v[1], 0);
    write!(s, "{}", v[0])?;
    writeln!(s, "-{}", v[1])?;
    let m = matches!(v.as_slice(), [1, ..]);
    let c = concat!("a", 1, 'b');
    let f = format!("{m}{c}{}", stringify!(x + y));
    s.push_str(&f);
    let n = line!();
    s.push_str(if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    });
    let _ = std::io::Write::write_fmt(&mut std::io::sink(), format_args!("{n}"));
    Ok(s)
}

#[p]
#[allow(clippy::vec_init_then_push)] // the pushes are the macros under test
pub fn local_macros() -> (Vec<u32>, u32, usize) {
    macro_rules! double {
        ($e:expr) => {
            $e * 2
        };
    }
    macro_rules! push_twice {
        ($v:ident, $e:expr) => {
            $v.push($e);
            $v.push($e);
        };
    }
    macro_rules! decl {
        ($n:ident = $e:expr) => {
            let $n = $e;
        };
    }
    macro_rules! make_fn {
        ($name:ident) => {
            fn $name(x: u32) -> u32 {
                x + 1
            }
        };
    }
    let mut w = Vec::with_capacity(4);
    push_twice!(w, 7);
    push_twice! { w, 8 }
    decl!(z = w.len());
    make_fn!(inc);
    let d = double!(inc(3));
    (w, d, z)
}

#[p]
pub fn macros_in_loops_and_tails(n: u32) -> u32 {
    macro_rules! bump {
        ($acc:ident) => {
            $acc += 1;
            if $acc > 100 {
                break;
            }
        };
    }
    macro_rules! max {
        ($a:expr, $b:expr) => {{
            let (a, b) = ($a, $b);
            if a > b { a } else { b }
        }};
    }
    let mut acc = 0;
    for _ in 0..n {
        bump!(acc);
    }
    max!(acc, n * 2)
}

#[p]
pub fn vec_tail(n: u8) -> Vec<u8> {
    let k = n + 1;
    vec![k; 3]
}

#[p]
pub fn format_tail(n: u32) -> String {
    let k = n * 2;
    format!("{k}-{n}")
}

#[p]
pub fn items_in_body(x: u32) -> u32 {
    let early = later(x);
    use std::collections::BTreeMap as Map;
    const K: u32 = 3;
    static S: &str = "static";
    struct P {
        a: u32,
    }
    impl P {
        fn get(&self) -> u32 {
            if self.a > 100 {
                return self.a;
            }
            self.a * K
        }
    }
    fn later(y: u32) -> u32 {
        for i in 0..y {
            if i == 2 {
                return i;
            }
        }
        y + 1
    }
    let mut m = Map::new();
    m.insert(1, P { a: x });
    early + m[&1].get() + S.len() as u32
}

#[p]
pub fn more_items_in_body(k: u8) -> String {
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Mode {
        A,
        B(u8),
    }
    trait Named {
        fn named(&self) -> String;
    }
    impl Named for Mode {
        fn named(&self) -> String {
            format!("{self:?}")
        }
    }
    type Pair = (Mode, Mode);
    mod inner {
        pub fn twice(x: u8) -> u8 {
            x.wrapping_mul(2)
        }
    }
    let pair: Pair = (Mode::A, Mode::B(inner::twice(k)));
    let mut s = pair.0.named();
    s.push_str(&pair.1.named());
    s
}

#[p]
pub fn thread_local_in_body(n: u32) -> u32 {
    use std::cell::Cell;
    thread_local! {
        static CALLS: Cell<u32> = const { Cell::new(0) };
    }
    for _ in 0..n {
        CALLS.with(|c| c.set(c.get() + 1));
    }
    let total = CALLS.with(|c| c.replace(0));
    total
}

#[p]
pub fn nested_profiled(n: usize) -> usize {
    let a = inner(n);
    #[p]
    fn inner(n: usize) -> usize {
        let v = vec![0u8; n];
        v.len()
    }
    a + inner(1)
}

#[p]
pub fn items_after_tail_statements(x: u32) -> u32 {
    let y = helper(x);
    log("items_after_tail_statements");
    return y;
    #[allow(dead_code)]
    fn helper(z: u32) -> u32 {
        z * 7
    }
}

#[p]
pub fn drop_in_statement_macro() -> usize {
    macro_rules! scoped {
        ($name:literal) => {
            let _d = D($name);
        };
    }
    scoped!("scoped one");
    scoped!("scoped two");
    log("after scoped");
    2
}

#[p]
pub fn items_named_like_the_expansion(n: u32) -> u32 {
    use std::cell::Cell;
    struct Key(u32);
    struct Guard;
    static META: u32 = 7;
    thread_local! {
        static TABLE: Cell<u32> = const { Cell::new(1) };
    }
    #[allow(unused_macros)]
    macro_rules! thread_local {
        () => {};
    }
    let _ = Guard;
    let k = Key(n);
    let mut s = 0;
    for i in 0..k.0 {
        s += i;
    }
    s + META + TABLE.with(Cell::get)
}

/// Functions in a module without the implicit prelude: the expansion names everything by
/// absolute paths.
pub mod no_prelude {
    #![no_implicit_prelude]

    use super::p;

    #[p]
    pub fn filtered(xs: &[u32]) -> ::std::vec::Vec<u32> {
        let mut out = ::std::vec::Vec::new();
        for x in xs {
            if *x > 1 {
                out.push(*x);
            }
        }
        let mut i = 0;
        while i < 2 {
            i += 1;
        }
        out
    }
}

cases! { plain_items_macros profiled_items_macros;
    statement_attributes => {
        let v = both!(cfg_stmts: |m| m::cfg_stmts());
        assert_eq!(
            v,
            ["cfg-in push", "plain let", "cfg-in loop", "cfg-in loop", "cfg(test)", "cfg-in let"]
        );
        let v = both!(same_line_cfg: |m| m::same_line_cfg());
        assert_eq!(v, ["after cfg-out", "cfg-in", "after cfg-in", "a is 2"]);
        both!(cfg_attr_and_expect_on_statements: |m| m::cfg_attr_and_expect_on_statements(3));
    }
    cfg_tails => {
        assert!(both!(cfg_tail_blocks: |m| m::cfg_tail_blocks()));
        both!(cfg_tails_first_kept: |m| m::cfg_tails_first_kept(3));
        for k in [0, 4] {
            both!(cfg_tail_if_match: |m| m::cfg_tail_if_match(k));
        }
        both!(cfg_tails_nested: |m| m::cfg_tails_nested(5));
    }
    macros => {
        let s = both!(std_macros: |m| m::std_macros());
        assert!(s.unwrap().starts_with("1-2\n"));
        both!(local_macros: |m| m::local_macros());
        for n in [0, 3, 200] {
            both!(macros_in_loops_and_tails: |m| m::macros_in_loops_and_tails(n));
        }
        both!(vec_tail: |m| m::vec_tail(1));
        both!(format_tail: |m| m::format_tail(21));
        both!(drop_in_statement_macro: |m| m::drop_in_statement_macro());
    }
    items_in_the_body => {
        for x in [1, 5, 200] {
            both!(items_in_body: |m| m::items_in_body(x));
        }
        both!(more_items_in_body: |m| m::more_items_in_body(4));
        both!(thread_local_in_body: |m| m::thread_local_in_body(3));
        both!(nested_profiled: |m| m::nested_profiled(10));
        both!(items_after_tail_statements: |m| m::items_after_tail_statements(2));
        both!(items_named_like_the_expansion: |m| m::items_named_like_the_expansion(4));
        both!(filtered: |m| m::no_prelude::filtered(&[1, 2, 3]));
    }
}
