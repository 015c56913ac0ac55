//! Free functions: generics, lifetimes, where clauses, `impl Trait` in argument and return
//! position, const generics, references into the arguments, patterns as parameters, literal
//! and never-type inference through returns, edition 2024's `Box<[T]>` iteration.

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::let_and_return)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use std::fmt::{Debug, Display};

#[p]
pub fn free(a: u32, b: u32) -> u32 {
    let s = a + b;
    s * 2
}

#[p]
pub fn first_word(s: &str) -> &str {
    let end = s.find(' ').unwrap_or(s.len());
    &s[..end]
}

#[p]
pub fn collect(n: u32) -> Vec<u32> {
    let v: Vec<u32> = (0..n).collect();
    let doubled = v.iter().map(|x| x * 2).collect::<Vec<_>>();
    doubled
}

#[p]
pub fn repeat_clone<T: Clone>(x: &T, n: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(x.clone());
    }
    out
}

#[p]
pub fn const_array<const N: usize>() -> [u8; N] {
    let mut a = [0u8; N];
    for (i, x) in a.iter_mut().enumerate() {
        *x = i as u8;
    }
    a
}

#[p]
pub fn const_sum<const N: usize>(xs: [u32; N]) -> u32 {
    let mut s = 0;
    let mut i = 0;
    while i < N {
        s += xs[i];
        i += 1;
    }
    s
}

#[p]
pub fn const_and_type<T: Default + Copy + Debug, const N: usize>(x: T) -> ([T; N], String) {
    let mut a = [T::default(); N];
    if N > 0 {
        a[N - 1] = x;
    }
    let shown = format!("{a:?}");
    (a, shown)
}

#[p]
pub fn pick_longer<'a, 'b: 'a>(x: &'a str, y: &'b str) -> &'a str {
    if y.len() > x.len() {
        return y;
    }
    x
}

#[p]
pub fn split_pair(s: &str, sep: char) -> Option<(&str, &str)> {
    let at = s.find(sep)?;
    let (a, b) = s.split_at(at);
    Some((a.trim(), b[sep.len_utf8()..].trim()))
}

#[p]
pub fn max_mut(v: &mut [u32]) -> Option<&mut u32> {
    let mut best: Option<&mut u32> = None;
    for x in v.iter_mut() {
        match &best {
            Some(b) if **b >= *x => {}
            _ => best = Some(x),
        }
    }
    best
}

#[p]
pub fn longest<'a>(items: &'a [String], fallback: &'a str) -> &'a str {
    let mut best = fallback;
    for item in items {
        if item.len() > best.len() {
            best = item;
        }
    }
    best
}

#[p]
pub fn sum_where<T>(xs: &[T]) -> T
where
    T: Copy + std::iter::Sum<T>,
{
    let copied: Vec<T> = xs.to_vec();
    copied.into_iter().sum()
}

#[p]
pub fn strings<I>(items: I) -> Vec<String>
where
    I: IntoIterator,
    I::Item: ToString,
{
    let mut out = Vec::new();
    for item in items {
        out.push(item.to_string());
    }
    out
}

#[p]
pub fn total(it: impl IntoIterator<Item = u32>) -> u32 {
    let mut t = 0;
    for x in it {
        t += x;
    }
    t
}

#[p]
pub fn show_all(items: &[impl Display]) -> String {
    let parts: Vec<String> = items.iter().map(|x| x.to_string()).collect();
    parts.join(",")
}

#[p]
pub fn evens(n: u32) -> impl Iterator<Item = u32> + Clone {
    let limit = n * 2;
    (0..limit).filter(|x| x % 2 == 0)
}

#[p]
pub fn words(s: &str) -> impl Iterator<Item = &str> {
    let trimmed = s.trim();
    trimmed.split(' ').filter(|w| !w.is_empty())
}

#[p]
pub fn adder(k: u32) -> impl Fn(u32) -> u32 {
    let base = k * 10;
    move |x| x + base
}

#[p]
pub fn display_early(early: bool) -> impl Display {
    if early {
        return String::from("early");
    }
    String::from("late")
}

#[p]
pub fn opaque_literal(early: bool) -> impl Debug + Copy {
    if early {
        return 7;
    }
    8u64
}

#[p]
pub fn boxed_dyn(k: u32) -> Box<dyn Fn(u32) -> u32> {
    if k == 0 {
        return Box::new(|x| x);
    }
    Box::new(move |x| x * k)
}

#[p]
pub fn literal_default(early: bool) -> u8 {
    if early {
        return 200;
    }
    Default::default()
}

#[p]
pub fn fallback_i32() -> usize {
    let x = 1 << 20;
    std::mem::size_of_val(&x)
}

#[p]
pub fn never_in_branches(x: Option<u32>) -> u32 {
    let v = match x {
        Some(v) => v,
        None => return 0,
    };
    let w = if v > 100 { panic!("too big") } else { v * 2 };
    w + 1
}

#[p]
pub fn pair(n: usize) -> (String, Vec<u8>) {
    let s = "x".repeat(n);
    let v = vec![7u8; n];
    (s, v)
}

#[p]
pub fn rotate(mut a: [u8; 4], k: usize) -> [u8; 4] {
    a.rotate_left(k % 4);
    a
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[p]
pub fn manhattan((x1, y1): (i32, i32), Point { x, y }: Point, &scale: &i32) -> i32 {
    let dx = (x - x1).abs();
    let dy = (y - y1).abs();
    (dx + dy) * scale
}

#[p]
pub fn unsized_debug<T: ?Sized + Debug>(x: &T) -> String {
    let shown = format!("{x:?}");
    shown.to_uppercase()
}

#[p]
pub fn hrtb<F>(f: F) -> usize
where
    F: for<'a> Fn(&'a str) -> &'a str,
{
    let owned = String::from("  padded  ");
    let r = f(&owned);
    r.len()
}

#[p]
pub fn slice_patterns(v: &[u32]) -> u32 {
    match v {
        [] => 0,
        [one] => *one,
        [first, .., last] if first == last => first * 100,
        [first, rest @ ..] => first + rest.iter().sum::<u32>(),
    }
}

#[p]
pub fn build_string(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&i.to_string());
        s.push('-');
    }
    s.pop();
    s
}

#[p]
pub fn default_is_zero<T: Default + PartialEq>(x: T) -> bool {
    let zero = T::default();
    x == zero
}

#[p]
pub fn boxed_slice_iter(b: Box<[u32]>) -> (u32, Vec<u32>) {
    let copy = b.clone();
    let mut s = 0;
    for x in b {
        s += x;
    }
    // Edition 2024: `into_iter()` on a boxed slice yields the items by value.
    let v: Vec<u32> = copy.into_iter().map(|x| x + 1).collect();
    (s, v)
}

#[p]
pub fn generic_twice<A: Clone + Debug, B: From<A> + Debug>(a: A) -> String {
    let b1 = B::from(a.clone());
    let b2: B = a.into();
    format!("{b1:?}/{b2:?}")
}

#[p]
pub fn precise_capture<'a>(s: &'a str, t: &str) -> impl Fn() -> usize + use<'a> {
    let n = t.len();
    move || s.len() + n
}

#[p]
pub fn inline_consts<const N: usize>() -> (usize, [u8; 4], usize) {
    let k = const { 6 * 7 };
    let a = [const { 1u8 + 1 }; 4];
    let b = [0u16; N];
    (k, a, b.len())
}

cases! { plain_basics profiled_basics;
    free => {
        both!(free: |m| m::free(2, 3));
    }
    first_word => {
        let s = String::from("hello world");
        let w = both!(first_word: |m| m::first_word(&s));
        assert!(std::ptr::eq(w.as_ptr(), s.as_ptr()), "a reference into the argument");
    }
    collect => {
        both!(collect: |m| m::collect(10));
    }
    repeat_clone => {
        let s = String::from("ab");
        both!(repeat_clone: |m| m::repeat_clone(&s, 3));
    }
    const_generics => {
        both!(const_array: |m| m::const_array::<5>());
        both!(const_sum: |m| m::const_sum([1, 2, 3, 4]));
        both!(const_sum: |m| m::const_sum::<0>([]));
        both!(const_and_type: |m| m::const_and_type::<u8, 3>(9));
        both!(const_and_type: |m| m::const_and_type::<char, 0>('x'));
    }
    lifetimes => {
        let (long, short) = (String::from("longer one"), String::from("short"));
        for (x, y) in [(&long, &short), (&short, &long)] {
            let r = both!(pick_longer: |m| m::pick_longer(x, y));
            assert!(std::ptr::eq(r.as_ptr(), long.as_ptr()));
        }
        let s = String::from(" key = value ");
        both!(split_pair: |m| m::split_pair(&s, '='));
        both!(split_pair: |m| m::split_pair(&s, ':'));
        let items = vec![String::from("ab"), String::from("abcd"), String::from("abc")];
        let r = both!(longest: |m| m::longest(&items, "x"));
        assert!(std::ptr::eq(r, items[1].as_str()));
        let r = both!(longest: |m| m::longest(&[], "fallback"));
        assert_eq!(r, "fallback");
    }
    returns_a_mutable_reference_into_the_argument => {
        let (r, v) = both!(max_mut(vec![3, 9, 2]): |m, v| {
            let mut v = v;
            let r = m::max_mut(&mut v).map(|x| {
                *x += 100;
                *x
            });
            (r, v)
        });
        assert_eq!((r, v), (Some(109), vec![3, 109, 2]));
    }
    where_clauses => {
        both!(sum_where: |m| m::sum_where(&[1.5f64, 2.5]));
        both!(sum_where: |m| m::sum_where::<u64>(&[]));
        both!(strings: |m| m::strings([1, 2, 3]));
        both!(strings [unbalanced] (vec!['a', 'b']): |m, v| m::strings(v));
    }
    impl_trait_arguments => {
        both!(total: |m| m::total([1, 2, 3]));
        both!(total: |m| m::total((0..5).map(|x| x * x)));
        both!(show_all: |m| m::show_all(&[1.5, 2.0]));
        both!(show_all: |m| m::show_all(&["a", "b"]));
    }
    impl_trait_returns => {
        both!(evens: |m| m::evens(4) => |it| it.collect::<Vec<_>>());
        let s = String::from(" a  b c ");
        both!(words: |m| m::words(&s) => |it| it.collect::<Vec<_>>());
        both!(adder: |m| m::adder(3)(4));
        for early in [true, false] {
            both!(display_early: |m| m::display_early(early) => |d| d.to_string());
            both!(opaque_literal: |m| m::opaque_literal(early) => |v| format!("{v:?}"));
        }
        for k in [0, 5] {
            both!(boxed_dyn: |m| m::boxed_dyn(k) => |f| f(7));
        }
    }
    literal_and_never_inference => {
        for early in [true, false] {
            both!(literal_default: |m| m::literal_default(early));
        }
        let size = both!(fallback_i32: |m| m::fallback_i32());
        assert_eq!(size, 4, "an unsuffixed literal falls back to i32");
        for x in [None, Some(4)] {
            both!(never_in_branches: |m| m::never_in_branches(x));
        }
        both!(panic never_in_branches: |m| m::never_in_branches(Some(101)));
    }
    tuples_arrays_and_patterns => {
        both!(pair: |m| m::pair(3));
        both!(rotate: |m| m::rotate([1, 2, 3, 4], 5));
        let d = both!(manhattan: |m| m::manhattan((0, 0), m::Point { x: 3, y: -4 }, &2));
        assert_eq!(d, 14);
        for v in [&[][..], &[5], &[2, 9, 2], &[1, 2, 3]] {
            both!(slice_patterns: |m| m::slice_patterns(v));
        }
    }
    unsized_and_higher_ranked => {
        both!(unsized_debug: |m| m::unsized_debug("str"));
        both!(unsized_debug: |m| m::unsized_debug(&[1, 2][..]));
        both!(hrtb: |m| m::hrtb(str::trim));
    }
    strings_defaults_generics => {
        both!(build_string: |m| m::build_string(12));
        both!(default_is_zero: |m| m::default_is_zero(0u8));
        both!(default_is_zero [unbalanced] (String::from("x")): |m, s| m::default_is_zero(s));
        both!(generic_twice: |m| m::generic_twice::<u8, u32>(7));
        both!(generic_twice: |m| m::generic_twice::<&str, String>("s"));
    }
    precise_capturing_and_inline_consts => {
        let s = String::from("abc");
        let f = both!(precise_capture: |m| {
            let t = String::from("temporary");
            call(|| m::precise_capture(&s, &t))
        } => |f| f());
        assert_eq!(f, 3 + 9);
        both!(inline_consts: |m| m::inline_consts::<3>());
    }
    boxed_slices_by_value => {
        both!(boxed_slice_iter(vec![1, 2, 3].into_boxed_slice()): |m, b| m::boxed_slice_iter(b));
    }
}
