//! Attributes on the function that must keep working (`#[track_caller]` above and below the
//! profiler, `#[inline]`, `#[must_use]`, `#[cold]`, `#[deprecated]`, `#[expect]`, `#[doc]`,
//! `#[cfg_attr]`), the profiler's own options, `unsafe fn` (edition 2024: unsafe operations in
//! `unsafe` blocks), `extern "C"` and `extern "system"` functions, visibilities, raw identifiers,
//! diverging functions and one-liners.

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::let_and_return, clippy::useless_vec)]

prelude!();

use std::panic::Location;

use corpus::{D, log};

#[p]
#[track_caller]
pub fn caller_location() -> &'static Location<'static> {
    let here = Location::caller();
    here
}

#[track_caller]
#[p]
pub fn caller_line_and_column() -> (u32, u32) {
    let here = Location::caller();
    (here.line(), here.column())
}

#[p]
#[track_caller]
pub fn caller_through_track_caller() -> &'static Location<'static> {
    let inner = caller_location();
    inner
}

#[p]
#[track_caller]
pub fn must_be_positive(x: i32) -> i32 {
    if x <= 0 {
        panic!(
            "not positive, called from line {}",
            Location::caller().line()
        );
    }
    x
}

#[p]
#[inline]
#[must_use]
pub fn square(x: u64) -> u64 {
    x * x
}

#[p]
#[inline(always)]
pub fn cube(x: u64) -> u64 {
    let sq = x * x;
    sq * x
}

#[p]
#[inline(never)]
#[must_use = "the sum is the point"]
pub fn sum_never_inlined(xs: &[u64]) -> u64 {
    let mut s = 0;
    for x in xs {
        s += x;
    }
    s
}

#[p]
#[cold]
pub fn cold_path(msg: &str) -> String {
    let mut s = String::from("cold: ");
    s.push_str(msg);
    s
}

#[p]
#[deprecated = "a deprecated shape"]
pub fn deprecated_fn() -> u8 {
    let x = 4;
    x + 1
}

/// Documented with a doc comment,
#[doc = "and with a doc attribute."]
#[p]
#[doc(alias = "documented_alias")]
pub fn documented(x: u8) -> u8 {
    x.wrapping_mul(3)
}

// Not `#[expect]`: clippy's lints of the shape of a body's end do not fire on the profiled
// twin (the tail's probe and the tail mark come between `let y = ..;` and `y`; `return y`
// becomes `return guard.ret(y)`, which clippy takes for a macro's), so an expectation of them
// is unfulfilled there (a known limitation).
#[p]
#[allow(clippy::let_and_return, reason = "the shape under test")]
pub fn allow_let_and_return(x: u32) -> u32 {
    let y = x * 3;
    y
}

#[p]
#[allow(clippy::needless_return, reason = "the shape under test")]
pub fn allow_needless_return(x: u32) -> u32 {
    let y = x + 2;
    return y;
}

#[p]
pub fn expect_on_statements(x: u32) -> u32 {
    #[expect(unused_variables, reason = "the shape under test")]
    let unused = x + 1;
    #[allow(clippy::identity_op)]
    let same = x + 0;
    same
}

#[p]
#[cfg_attr(all(), inline)]
#[cfg_attr(any(), cold)]
pub fn cfg_attr_fn(x: u32) -> u32 {
    x + 100
}

#[p(unit = "B", precision = 2, peak, allocs)]
pub fn with_options(n: usize) -> usize {
    let v = vec![0u16; n];
    v.len() * 2
}

#[p(stream = "stderr")]
pub fn to_stderr(n: u32) -> u32 {
    n + 1
}

/// # Safety
/// `p` points to `n` readable `u32`s.
#[p]
pub unsafe fn sum_raw(p: *const u32, n: usize) -> u32 {
    let mut s = 0;
    for i in 0..n {
        // SAFETY: `i < n`, and the caller vouches for `n` readable items.
        s += unsafe { *p.add(i) };
    }
    s
}

/// # Safety
/// As [`sum_raw`].
#[p]
pub unsafe fn sum_raw_twice(p: *const u32, n: usize) -> u32 {
    // SAFETY: the caller's guarantee, passed on.
    let once = unsafe { sum_raw(p, n) };
    once * 2
}

#[p]
pub extern "C" fn c_add(a: u32, b: u32) -> u32 {
    let v = vec![a, b];
    v.iter().sum()
}

/// # Safety
/// None needed; `unsafe extern "C"` is the shape.
#[p]
pub unsafe extern "C" fn unsafe_c_double(a: u32) -> u32 {
    let d = a * 2;
    d
}

#[p]
#[unsafe(export_name = concat!(module_path!(), "::exported_c_mul"))]
pub extern "C" fn exported_c_mul(a: u32, b: u32) -> u32 {
    let product = a * b;
    product
}

#[p]
pub fn raw_borrows_and_extern_items(x: i32) -> (i32, i32) {
    unsafe extern "C" {
        safe fn abs(x: i32) -> i32;
        fn labs(x: std::ffi::c_long) -> std::ffi::c_long;
    }
    let mut local = x;
    let p = &raw mut local;
    // SAFETY: `p` points to `local`, alive and not otherwise borrowed.
    unsafe { *p -= 1 };
    let q = &raw const local;
    // SAFETY: as above; `labs` has no requirement.
    let read = unsafe { *q + labs(-2) as i32 };
    (abs(x), read)
}

#[p]
pub extern "system" fn system_abi(a: u64) -> u64 {
    let boxed = Box::new(a);
    *boxed + 1
}

#[p]
pub(crate) fn crate_visible(x: u8) -> u8 {
    x ^ 0xff
}

#[p]
#[allow(non_snake_case)]
pub fn r#match(r#type: u32, CamelArg: u32) -> u32 {
    let r#let = r#type + CamelArg;
    r#let
}

#[p]
pub fn fail(msg: &str) -> ! {
    let _local = D("fail local");
    panic!("failed: {}", msg)
}

#[p]
pub fn spin_then_fail(limit: u32) -> ! {
    let mut i = 0;
    loop {
        i += 1;
        if i == limit {
            panic!("gave up after {}", i);
        }
    }
}

#[p]
pub fn diverge_in_expr(x: u32) -> u32 {
    let _local = D("diverge_in_expr local");
    let y: u32 = if x > 0 { x } else { fail("zero") };
    y * 2
}

#[p]
pub fn infallible(x: u32) -> Result<u32, std::convert::Infallible> {
    let y = x.checked_add(1).unwrap_or(0);
    Ok(y)
}

#[p]
pub fn irrefutable_infallible(x: u32) -> u32 {
    let Ok(y) = infallible(x);
    match infallible(y) {
        Ok(z) => z,
    }
}

#[p]
#[allow(unreachable_code, clippy::diverging_sub_expression)]
pub fn unreachable_after_return(x: u32) -> u32 {
    return x + 1;
    log("never");
    x
}

#[rustfmt::skip]
#[p] pub fn one_line() -> u32 { 1 + 1 }

#[rustfmt::skip]
#[p] pub fn one_line_vec(n: usize) -> usize { let v = vec![0u8; n]; v.len() }

#[p]
pub fn empty() {}

#[p]
pub fn empty_braces() {}

#[rustfmt::skip]
#[p]
pub fn lines(n: usize) -> usize {
    let a = vec![0u8; n]; let b = vec![1u8; n]; let c = a.len() + b.len();
    let v: Vec<usize> = (0..n)
        .map(|x| x * 2)
        .filter(|x| x % 3 != 0)
        .collect();
    c + v.len()
}

cases! { plain_attrs profiled_attrs;
    track_caller => {
        let loc = both!(caller_location: |m| m::caller_location());
        assert_eq!(loc.file(), file!(), "the caller's file, not the function's body");
        both!(caller_line_and_column: |m| m::caller_line_and_column());
        // Through a function pointer, the location is the function's own.
        both!(caller_line_and_column: |m| {
            let f: fn() -> (u32, u32) = m::caller_line_and_column;
            f()
        });
        both!(caller_through_track_caller: |m| m::caller_through_track_caller());
        both!(must_be_positive: |m| m::must_be_positive(3));
        both!(panic must_be_positive: |m| m::must_be_positive(0));
    }
    inline_must_use_cold_deprecated_doc => {
        both!(square: |m| m::square(12));
        both!(cube: |m| m::cube(3));
        both!(sum_never_inlined: |m| m::sum_never_inlined(&[1, 2, 3]));
        both!(cold_path: |m| m::cold_path("x"));
        #[allow(deprecated)]
        {
            both!(deprecated_fn: |m| m::deprecated_fn());
        }
        both!(documented: |m| m::documented(100));
        both!(cfg_attr_fn: |m| m::cfg_attr_fn(1));
    }
    lint_expectations => {
        both!(allow_let_and_return: |m| m::allow_let_and_return(2));
        both!(allow_needless_return: |m| m::allow_needless_return(2));
        both!(expect_on_statements: |m| m::expect_on_statements(2));
    }
    options => {
        both!(with_options: |m| m::with_options(10));
        both!(to_stderr: |m| m::to_stderr(1));
    }
    unsafe_and_abis => {
        let v = [1u32, 2, 3, 4];
        // SAFETY: `v` holds 4 `u32`s.
        both!(sum_raw: |m| unsafe { m::sum_raw(v.as_ptr(), v.len()) });
        // SAFETY: as above.
        both!(sum_raw_twice: |m| unsafe { m::sum_raw_twice(v.as_ptr(), 3) });
        both!(c_add: |m| {
            let f: extern "C" fn(u32, u32) -> u32 = m::c_add;
            f(2, 3)
        });
        both!(unsafe_c_double: |m| {
            let f: unsafe extern "C" fn(u32) -> u32 = m::unsafe_c_double;
            // SAFETY: no requirement.
            unsafe { f(21) }
        });
        both!(system_abi: |m| m::system_abi(9));
        both!(exported_c_mul: |m| m::exported_c_mul(6, 7));
        both!(raw_borrows_and_extern_items: |m| m::raw_borrows_and_extern_items(-5));
        both!(crate_visible: |m| m::crate_visible(1));
        both!(r#match: |m| m::r#match(2, 3));
    }
    diverging => {
        let msg = both!(panic fail: |m| m::fail("now"));
        assert_eq!(msg, "failed: now");
        let msg = both!(panic spin_then_fail: |m| m::spin_then_fail(4));
        assert_eq!(msg, "gave up after 4");
        both!(diverge_in_expr: |m| m::diverge_in_expr(3));
        both!(panic diverge_in_expr: |m| m::diverge_in_expr(0));
        let _ = both!(infallible: |m| m::infallible(1));
        both!(irrefutable_infallible: |m| m::irrefutable_infallible(1));
        both!(unreachable_after_return: |m| m::unreachable_after_return(1));
        // `-> !` stays `!`: it coerces to any type.
        both!(panic fail: |m| {
            let never: fn(&str) -> ! = m::fail;
            #[allow(clippy::diverging_sub_expression)] // `!` coerced to a `String`
            let _: String = never("typed");
        });
    }
    one_liners_empty_bodies_and_lines => {
        both!(one_line: |m| m::one_line());
        both!(one_line_vec: |m| m::one_line_vec(64));
        both!(empty: |m| m::empty());
        both!(empty_braces: |m| m::empty_braces());
        both!(lines: |m| m::lines(30));
    }
}
