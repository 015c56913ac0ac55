//! `#[profile]` changes nothing a user could observe: every shape of function below is written
//! once and emitted twice, plain in `mod plain` and profiled in `mod profiled`, and each test
//! checks that both twins return the same values, drop their values in the same order, panic
//! with the same message and make the same allocations. Then it checks the per-line figures of
//! the profiled twin, which are exact (the counters are per thread, so tests running in
//! parallel do not disturb them).
//!
//! Most twins come from the `shapes!` macro below (so their spans are those of a
//! `macro_rules!`); the ones in `mod direct` are written by hand, so that their spans are the
//! file's own and clippy lints their expansion as it lints a user's code.
//!
//! A test binary of its own, not a module of `integration/`: its global allocator is
//! `memory_profiler_suite::Moving` under ours, so that both twins' reallocations move alike.

use std::cell::RefCell;
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use memory_profiler::{capture, measure, Report, Reports, Row, Usage};

// Reallocations that move or not the same way in both twins, so that their peaks (a moving
// one counts both blocks) compare (see `memory_profiler_suite::Moving`).
#[global_allocator]
static ALLOC: memory_profiler::Allocator<memory_profiler_suite::Moving> =
    memory_profiler::Allocator::new(memory_profiler_suite::Moving);

// ---------------------------------------------------------------------------------------------
// The drop log and the twin runners.
// ---------------------------------------------------------------------------------------------

/// Room enough that logging never allocates inside a measured call.
const LOG_CAP: usize = 256;

thread_local! {
    static LOG: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Records an event (a drop, a guard evaluated, a loop body run) on this thread's log.
pub fn log(event: &'static str) {
    LOG.with(|l| l.borrow_mut().push(event));
}

/// This thread's log so far; starts a new one, with its room already allocated.
fn take_log() -> Vec<&'static str> {
    LOG.with(|l| std::mem::replace(&mut *l.borrow_mut(), Vec::with_capacity(LOG_CAP)))
}

/// Logs its name when dropped.
pub struct D(pub &'static str);

impl Drop for D {
    fn drop(&mut self) {
        log(self.0);
    }
}

impl D {
    pub fn pick(&self, k: u32) -> u32 {
        k
    }
    pub fn upto(&self, n: u32) -> std::ops::Range<u32> {
        0..n
    }
    pub fn some(&self, k: u32) -> Option<u32> {
        Some(k)
    }
}

/// Derefs to `str`: a `return` of it must still deref-coerce.
pub struct Text(pub String);

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

static SOURCE: &str = include_str!("shapes.rs");

/// Every row shows the file's own line at its number, and the last row is the closing brace.
fn check_rows(report: &Report) {
    for row in report.rows() {
        let line = SOURCE.lines().nth(row.line as usize - 1);
        assert_eq!(
            line,
            Some(row.text),
            "`{}`: row {} does not show line {} of the file",
            report.function(),
            row.line,
            row.line
        );
    }
    let last = report.rows().last().expect("a report has rows");
    assert!(
        last.text.trim_end().ends_with('}'),
        "`{}`: the last row is not the closing brace: {:?}",
        report.function(),
        last.text
    );
    if !report.panicked() {
        assert!(
            last.ran(),
            "`{}`: the closing brace did not run",
            report.function()
        );
    }
}

/// Runs the plain twin, then the profiled one under `capture`, both under `measure`: they must
/// return the same value, log the same events in the same order and make the same allocations.
/// The reports must show the file's lines.
fn same<T: PartialEq + Debug>(
    plain: impl FnOnce() -> T,
    profiled: impl FnOnce() -> T,
) -> (T, Reports, Usage) {
    let (value, reports, usage) = same_behaviour(plain, profiled);
    for report in &reports {
        check_rows(report);
    }
    (value, reports, usage)
}

/// [`same`] without the check of the reports' lines.
fn same_behaviour<T: PartialEq + Debug>(
    plain: impl FnOnce() -> T,
    profiled: impl FnOnce() -> T,
) -> (T, Reports, Usage) {
    take_log();
    let (expected, expected_usage) = measure(plain);
    let expected_log = take_log();
    let ((got, usage), reports) = capture(|| measure(profiled));
    let got_log = take_log();
    assert_eq!(got, expected, "the profiled twin returned another value");
    assert_eq!(
        got_log, expected_log,
        "the profiled twin ran or dropped things in another order"
    );
    assert_eq!(
        usage, expected_usage,
        "the profiled twin allocated differently"
    );
    (got, reports, usage)
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<a payload that is not a string>".to_string()
    }
}

/// Both twins panic, with the same message and the same log up to and through the unwinding.
fn same_panic<T: Debug>(
    plain: impl FnOnce() -> T,
    profiled: impl FnOnce() -> T,
) -> (String, Reports) {
    take_log();
    let expected = catch_unwind(AssertUnwindSafe(plain)).expect_err("the plain twin must panic");
    let expected_log = take_log();
    let (got, reports) = capture(|| catch_unwind(AssertUnwindSafe(profiled)));
    let got = got.expect_err("the profiled twin must panic");
    let got_log = take_log();
    let (expected, got) = (panic_text(expected), panic_text(got));
    assert_eq!(
        got, expected,
        "the profiled twin panicked with another message"
    );
    assert_eq!(
        got_log, expected_log,
        "the profiled twin ran or dropped things in another order"
    );
    for report in &reports {
        check_rows(report);
        assert!(
            report.panicked(),
            "`{}` did not record its panic",
            report.function()
        );
    }
    (got, reports)
}

fn report<'a>(reports: &'a Reports, name: &str) -> &'a Report {
    reports
        .function(name)
        .unwrap_or_else(|| panic!("no report of `{name}` in:\n{reports}"))
}

fn row<'a>(report: &'a Report, text: &str) -> &'a Row {
    report.line_containing(text).unwrap_or_else(|| {
        panic!(
            "no row of `{}` contains {text:?}:\n{report}",
            report.function()
        )
    })
}

fn occ(report: &Report, text: &str) -> u64 {
    row(report, text).occurrences
}

fn closing(report: &Report) -> &Row {
    report.rows().last().expect("a report has rows")
}

/// The row `k` lines after the first row containing `text`.
fn below<'a>(report: &'a Report, text: &str, k: u32) -> &'a Row {
    let at = row(report, text).line + k;
    report.line(at).expect("a row of the function")
}

/// The rows after the attribute's add up to what `measure` saw of the same calls (the closure
/// given to `same` made those calls and nothing else).
fn balanced(report: &Report, usage: &Usage) {
    let rows = &report.rows()[1..];
    let net: i64 = rows.iter().map(|r| r.increment).sum();
    let allocations: u64 = rows.iter().map(|r| r.allocations).sum();
    assert_eq!(
        (net, allocations),
        (usage.net, usage.allocations),
        "`{}`: the rows do not add up to the calls' heap:\n{report}",
        report.function()
    );
}

// ---------------------------------------------------------------------------------------------
// The shapes, each written once. `$p` is `rustfmt::skip` (a no-op) or the profiler; `$d` is `$`
// for the macros declared inside the bodies. Not formatted: the layout is part of the test.
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
macro_rules! shapes {
    ($d:tt $p:meta) => {
        use super::{log, Text, D};
        use std::cell::{Cell, RefCell};
        use std::sync::Mutex;

        // --- free functions, generics, lifetimes, where clauses, impl Trait -----------------

        #[$p]
        pub fn free(a: u32, b: u32) -> u32 {
            let s = a + b;
            s * 2
        }

        #[$p]
        pub fn generic<T: Clone, const N: usize>(x: T) -> [T; N] {
            let copies = N;
            assert!(copies > 0);
            std::array::from_fn(|_| x.clone())
        }

        #[$p]
        pub fn pick_longer<'a, 'b: 'a>(x: &'a str, y: &'b str) -> &'a str {
            if y.len() > x.len() {
                return y;
            }
            x
        }

        #[$p]
        pub fn first_word(s: &str) -> &str {
            let end = s.find(' ').unwrap_or(s.len());
            &s[..end]
        }

        #[$p]
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

        #[$p]
        pub fn tens(it: impl IntoIterator<Item = u32>) -> impl Iterator<Item = u32> + Clone {
            let v: Vec<u32> = it.into_iter().collect();
            v.into_iter().map(|x| x * 10)
        }

        #[$p]
        pub fn display_early(early: bool) -> impl std::fmt::Display {
            if early {
                return String::from("early");
            }
            String::from("late")
        }

        #[$p]
        pub fn opaque_literal(early: bool) -> impl std::fmt::Debug + Copy {
            if early {
                return 7;
            }
            8u64
        }

        #[$p]
        pub fn deref_return(t: &Text, early: bool) -> &str {
            if early {
                return t;
            }
            &t[1..]
        }

        #[$p]
        pub fn boxed_debug(early: bool) -> Option<Box<dyn std::fmt::Debug>> {
            if early {
                return Some(Box::new(1u8));
            }
            Some(Box::new("late"))
        }

        #[$p]
        pub fn adder(k: u32) -> Box<dyn Fn(u32) -> u32> {
            if k == 0 {
                return Box::new(|x| x);
            }
            Box::new(move |x| x + k)
        }

        #[$p]
        pub fn literal_u8(early: bool) -> u8 {
            if early {
                return 200;
            }
            Default::default()
        }

        #[$p]
        pub fn inferred_returns(k: u8) -> (String, Vec<u32>, Option<&'static str>, (u8, String)) {
            let parts = ["a", "b"];
            if k == 0 {
                return ("text".into(), (1..4).collect(), None, Default::default());
            }
            if k == 1 {
                return (parts.concat(), Vec::new(), Some(parts[0]), (k, k.to_string()));
            }
            (String::new(), vec![k.into()], Some("tail"), Default::default())
        }

        #[$p]
        pub fn into_error(s: &str) -> Result<u8, String> {
            if s.is_empty() {
                return Err("empty".into());
            }
            s.parse().map_err(|e: std::num::ParseIntError| e.to_string())
        }

        #[$p]
        pub fn return_temps(k: u32) -> u32 {
            let _local = D("return_temps local");
            if k > 0 {
                return D("return_temps temp").pick(k) + D("return_temps temp 2").pick(1);
            }
            0
        }

        #[$p]
        pub fn arm_coercions(k: u32) -> (i32, String) {
            fn add(a: i32, b: i32) -> i32 {
                a + b
            }
            fn sub(a: i32, b: i32) -> i32 {
                a - b
            }
            let op = match k {
                0 => add,
                _ => sub,
            };
            let shown: &dyn std::fmt::Debug = match k {
                0 => &1u8,
                1 => &"one",
                _ => &[2u16, 3],
            };
            (op(5, 3), format!("{shown:?}"))
        }

        #[$p]
        pub fn return_borrows_local(early: bool) -> usize {
            let m = Mutex::new(vec![1u8, 2, 3]);
            let cell = RefCell::new(String::from("abc"));
            if early {
                return m.lock().unwrap().len() + cell.borrow().len();
            }
            let n = m.lock().unwrap().len();
            n
        }

        #[$p]
        #[allow(clippy::needless_return)] // the shape under test
        pub fn tail_return(x: u32) -> u32 {
            let _local = D("tail_return local");
            let y = x + 1;
            return y * 2
        }

        #[$p]
        pub fn bare_return(flag: bool) {
            let _local = D("bare_return local");
            if flag {
                return;
            }
            log("bare_return went on");
        }

        #[$p]
        pub fn tail_attr_for(n: u32) {
            let _local = D("tail_attr_for local");
            #[allow(unused_variables)]
            for x in D("tail_attr_for head").upto(n) {
                log("tail_attr_for body");
            }
        }

        #[$p]
        pub fn tail_while(m: &Mutex<Vec<u32>>) {
            let _local = D("tail_while local");
            while m.lock().unwrap().len() > 1 {
                let x = m.lock().unwrap().pop();
                if x.is_some() {
                    log("tail_while body");
                }
            }
        }

        #[$p]
        pub fn tail_loop_value(xs: &[u32]) -> u32 {
            let mut it = xs.iter();
            loop {
                match it.next() {
                    Some(&x) if x > 2 => break x,
                    Some(_) => continue,
                    None => break 0,
                }
            }
        }

        #[$p]
        pub fn loops_in_arms(k: u32, m: &Mutex<Vec<u32>>) -> u32 {
            let mut sum = 0;
            match k {
                0 => for x in m.lock().unwrap().iter() {
                    sum += x + u32::from(m.try_lock().is_err());
                },
                1 => while sum < 10 {
                    sum += 3;
                },
                _ => {}
            }
            let block_value = {
                for x in D("loops_in_arms head").upto(2) {
                    sum += x;
                }
            };
            log("loops_in_arms after block");
            assert_eq!(block_value, ());
            sum + u32::from(m.try_lock().is_ok()) * 1000
        }

        #[$p]
        pub fn question_in_head(xs: &[&str]) -> Result<u32, std::num::ParseIntError> {
            let mut sum = 0;
            for x in xs.iter().map(|s| s.parse::<u32>()).collect::<Result<Vec<_>, _>>()? {
                sum += x;
            }
            Ok(sum)
        }

        #[$p]
        pub fn five() -> u8 {
            5
        }

        #[$p]
        pub fn default_tail() -> (u8, String, Vec<i64>) {
            Default::default()
        }

        #[$p]
        pub fn fallback_i32() -> usize {
            let x = 1 << 20;
            std::mem::size_of_val(&x)
        }

        #[$p]
        pub fn empty_vec() -> Vec<u16> {
            let mut v = Vec::new();
            v.shrink_to_fit();
            v
        }

        // --- `?`, early returns, labels, loop values ----------------------------------------

        #[$p]
        pub fn parse_sum(a: &str, b: &str) -> Result<i32, std::num::ParseIntError> {
            let _local = D("parse_sum local");
            let x: i32 = a.parse()?;
            let y: i32 = b.trim().parse()?;
            Ok(x + y)
        }

        #[$p]
        pub fn boxed_error(a: &str) -> Result<u8, Box<dyn std::error::Error>> {
            let n: u32 = a.parse()?;
            let small = u8::try_from(n)?;
            Ok(small)
        }

        #[$p]
        pub fn ends(v: &[u32]) -> Option<u32> {
            let first = v.first()?;
            let last = v.last()?;
            Some(first * 100 + last)
        }

        #[$p]
        pub fn find(grid: &[Vec<i32>], target: i32) -> Option<(usize, usize)> {
            let _local = D("find local");
            for (i, row) in grid.iter().enumerate() {
                let mut j = 0;
                while j < row.len() {
                    match row[j] {
                        v if v == target => return Some((i, j)),
                        v if v < 0 => {
                            log("find negative");
                            return None;
                        }
                        _ => {}
                    }
                    j += 1;
                }
            }
            log("find not found");
            None
        }

        #[$p]
        pub fn labeled(n: u32) -> Vec<u32> {
            let mut out = Vec::new();
            'outer: for i in 0..n {
                let mut j = 0;
                'mid: while j < n {
                    j += 1;
                    let mut k = 0;
                    'inner: loop {
                        k += 1;
                        if k > 3 {
                            break 'inner;
                        }
                        if (i + j + k) % 5 == 0 {
                            continue 'mid;
                        }
                        if i * j * k == 12 {
                            continue 'outer;
                        }
                        if i + j + k > 2 * n {
                            break 'outer;
                        }
                        out.push(i * 100 + j * 10 + k);
                    }
                }
            }
            out
        }

        #[$p]
        pub fn loop_values(xs: &[u32]) -> (u32, &'static str, u32) {
            let mut i = 0;
            let found = loop {
                if i >= xs.len() {
                    break None;
                }
                if xs[i] > 10 {
                    break Some(xs[i]);
                }
                i += 1;
            };
            let label = 'blk: {
                if found.is_none() {
                    break 'blk "none";
                }
                "some"
            };
            let nested = 'outer: loop {
                for x in xs {
                    if *x == 7 {
                        break 'outer *x * 2;
                    }
                }
                break 0;
            };
            (found.unwrap_or(0), label, nested)
        }

        // --- scrutinee temporaries that live through loops ---------------------------------

        #[$p]
        pub fn drain(q: &RefCell<Vec<u32>>) -> (u32, u32) {
            let mut sum = 0;
            let mut borrowed_in_body = 0;
            while let Some(x) = q.borrow_mut().pop() {
                sum += x;
                if q.try_borrow().is_err() {
                    borrowed_in_body += 1;
                }
            }
            (sum, borrowed_in_body)
        }

        #[$p]
        pub fn drain_locked(m: &Mutex<Vec<u32>>) -> (u32, u32) {
            let mut sum = 0;
            let mut locked_in_body = 0;
            while let Some(x) = m.lock().unwrap().pop() {
                sum += x;
                if m.try_lock().is_err() {
                    locked_in_body += 1;
                }
            }
            (sum, locked_in_body)
        }

        #[$p]
        pub fn sum_locked(m: &Mutex<Vec<u32>>) -> (u32, u32, bool) {
            let mut sum = 0;
            let mut locked_in_body = 0;
            for x in m.lock().unwrap().iter() {
                sum += x;
                if m.try_lock().is_err() {
                    locked_in_body += 1;
                }
            }
            (sum, locked_in_body, m.try_lock().is_ok())
        }

        #[$p]
        pub fn tail_for_temp(n: u32) {
            let _local = D("tail_for_temp local");
            for _ in D("tail_for_temp head").upto(n) {
                log("tail_for_temp body");
            }
        }

        #[$p]
        pub fn tail_for_lock(n: u32) {
            let m = Mutex::new((0..n).collect::<Vec<u32>>());
            for x in m.lock().unwrap().iter() {
                if *x < 100 {
                    log("tail_for_lock body");
                }
            }
        }

        #[$p]
        pub fn tail_while_let(n: u32) {
            let _local = D("tail_while_let local");
            let q = RefCell::new((0..n).collect::<Vec<u32>>());
            while let Some(x) = q.borrow_mut().pop() {
                if x < 100 {
                    log("tail_while_let body");
                }
            }
        }

        #[$p]
        pub fn tail_temps(k: u32) -> u32 {
            let _a = D("tail_temps local a");
            let _b = D("tail_temps local b");
            let r = match D("tail_temps scrutinee").pick(k) {
                0 => D("tail_temps arm temp").pick(10),
                1 => {
                    log("tail_temps arm one");
                    11
                }
                n => n,
            };
            log("tail_temps after match");
            if let Some(x) = D("tail_temps if-let scrutinee").some(r) {
                log("tail_temps if-let body");
                x + D("tail_temps tail temp").pick(1)
            } else {
                0
            }
        }

        #[$p]
        pub fn tail_match(k: u32) -> u32 {
            let _local = D("tail_match local");
            match D("tail_match scrutinee").pick(k) {
                0 => D("tail_match arm temp").pick(5),
                n => {
                    log("tail_match arm");
                    n
                }
            }
        }

        #[$p]
        pub fn tail_sum_temps() -> u32 {
            let _local = D("tail_sum_temps local");
            D("tail_sum_temps first").pick(1) + D("tail_sum_temps second").pick(2)
        }

        // --- let-else, if let, else if, guards ---------------------------------------------

        #[$p]
        pub fn let_else(s: &str) -> Result<u32, String> {
            let Some((a, b)) = s.split_once(',') else {
                return Err(format!("no comma in {s:?}"));
            };
            let Ok(a) = a.trim().parse::<u32>() else { return Err(String::from("bad left")) };
            let Ok(b) = b.trim().parse::<u32>() else {
                log("let_else bad right");
                return Err(String::from("bad right"));
            };
            Ok(a * b)
        }

        #[$p]
        pub fn classify(x: Option<i32>) -> &'static str {
            if let Some(v) = x {
                if v < 0 {
                    "negative"
                } else if v == 0 {
                    "zero"
                } else if let 1..=9 = v {
                    "digit"
                } else {
                    "large"
                }
            } else {
                "none"
            }
        }

        #[$p]
        pub fn guards(xs: &[i32]) -> (Vec<&'static str>, u32) {
            let calls = Cell::new(0);
            let mut out = Vec::with_capacity(xs.len());
            for &x in xs {
                let tag = match x {
                    v if {
                        calls.set(calls.get() + 1);
                        log("guard negative?");
                        v < 0
                    } => "negative",
                    v if {
                        calls.set(calls.get() + 1);
                        log("guard even?");
                        v % 2 == 0
                    } => "even",
                    _ => "odd",
                };
                out.push(tag);
            }
            (out, calls.get())
        }

        // --- diverging functions -----------------------------------------------------------

        #[$p]
        pub fn fail(msg: &str) -> ! {
            let _local = D("fail local");
            panic!("failed: {msg}")
        }

        #[$p]
        pub fn spin_then_fail(limit: u32) -> ! {
            let mut i = 0;
            loop {
                i += 1;
                if i == limit {
                    panic!("gave up after {i}");
                }
            }
        }

        #[$p]
        pub fn only_panics() {
            panic!("only panics");
        }

        #[$p]
        pub fn diverge_in_expr(x: u32) -> u32 {
            let _local = D("diverge_in_expr local");
            let y: u32 = if x > 0 { x } else { fail("zero") };
            y * 2
        }

        // --- unsafe and extern "C" ---------------------------------------------------------

        /// # Safety
        /// `p` points to `n` readable `u32`s.
        #[$p]
        pub unsafe fn sum_raw(p: *const u32, n: usize) -> u32 {
            let mut s = 0;
            for i in 0..n {
                s += unsafe { *p.add(i) };
            }
            s
        }

        #[$p]
        pub extern "C" fn c_add(a: u32, b: u32) -> u32 {
            let v = vec![a, b];
            v.iter().sum()
        }

        // --- statement attributes and macros ----------------------------------------------

        #[$p]
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
            v.push(y);
            v
        }

        #[$p]
        pub fn macros() -> Result<String, std::fmt::Error> {
            use std::fmt::Write as _;
            macro_rules! double {
                ($d e:expr) => {
                    $d e * 2
                };
            }
            macro_rules! push_twice {
                ($d v:ident, $d e:expr) => {
                    $d v.push($d e);
                    $d v.push($d e);
                };
            }
            macro_rules! decl {
                ($d n:ident = $d e:expr) => {
                    let $d n = $d e;
                };
            }
            let mut s = String::new();
            vec![0u8; 16];
            let v = vec![1, 2, 3];
            assert!(v.len() == 3, "three");
            write!(s, "{}", v[0])?;
            writeln!(s, "-{}", double!(v[1]))?;
            let mut w = Vec::with_capacity(4);
            assert!(w.is_empty());
            push_twice!(w, 7);
            push_twice! { w, 8 }
            decl!(z = w.len());
            debug_assert_eq!(z, 4);
            write!(s, "{w:?}{z}")?;
            Ok(s)
        }

        #[$p]
        pub fn vec_tail(n: u8) -> Vec<u8> {
            let k = n + 1;
            vec![k; 3]
        }

        // --- items in the body, shadowing, closures ---------------------------------------

        #[$p]
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

        #[$p]
        pub fn nested_profiled(n: usize) -> usize {
            let a = inner(n);
            #[$p]
            fn inner(n: usize) -> usize {
                let v = vec![0u8; n];
                v.len()
            }
            a + inner(1)
        }

        #[$p]
        pub fn shadowing(x: u32) -> String {
            let x = x + 1;
            let x = x.to_string();
            let x = {
                let x = x.len();
                x * 10
            };
            format!("{x}!")
        }

        #[$p]
        pub fn closures(v: Vec<u32>) -> (u32, Vec<u32>, u32) {
            let mut count = 0;
            let mut bump = |x: u32| count += x;
            for x in &v {
                bump(*x);
            }
            let first_big = |limit: u32| -> u32 {
                for x in &v {
                    if *x > limit {
                        return *x;
                    }
                }
                0
            };
            let big = first_big(1);
            let owned = move || {
                let mut v = v;
                v.push(99);
                v
            };
            (count, owned(), big)
        }

        // --- tails only, empty bodies, one-liners, lines ----------------------------------

        #[$p]
        pub fn only_tail(x: u32) -> u32 {
            x * 3
        }

        #[$p]
        pub fn empty() {}

        #[$p]
        pub fn empty_braces() {
        }

        #[$p] pub fn one_line() -> u32 { 1 + 1 }

        #[$p] pub fn one_line_vec(n: usize) -> usize { let v = vec![0u8; n]; v.len() }

        #[$p]
        pub fn lines(n: usize) -> usize {
            let a = vec![0u8; n]; let b = vec![1u8; n]; let c = a.len() + b.len();
            let v: Vec<usize> = (0..n)
                .map(|x| x * 2)
                .filter(|x| x % 3 != 0)
                .collect();
            c + v.len()
        }

        // --- recursion ------------------------------------------------------------------

        #[$p]
        pub fn depth_sum(n: u64) -> u64 {
            let buf: Vec<u64> = Vec::with_capacity(n as usize + 1);
            if n == 0 {
                return 0;
            }
            let below = depth_sum(n - 1);
            below + buf.capacity() as u64
        }

        // --- methods, traits ------------------------------------------------------------

        #[derive(Debug, PartialEq, Clone)]
        pub struct Counter {
            pub n: u32,
            pub log: Vec<u32>,
        }

        impl Counter {
            #[$p]
            pub fn new(n: u32) -> Self {
                Counter { n, log: Vec::new() }
            }

            #[$p]
            pub fn total(self) -> u32 {
                let extra: u32 = self.log.iter().sum();
                self.n + extra
            }

            #[$p]
            pub fn peek(&self) -> &u32 {
                &self.n
            }

            #[$p]
            pub fn bump(&mut self, k: u32) -> &mut u32 {
                self.log.push(k);
                self.n += k;
                &mut self.n
            }

            #[$p]
            #[allow(clippy::boxed_local)] // the receiver is the shape under test
            pub fn unbox(self: Box<Self>) -> Self {
                let mut inner = *self;
                inner.n += 1;
                inner
            }

            #[$p]
            pub fn times(mut self, k: u32) -> Self {
                self.n *= k;
                self
            }

            #[$p]
            pub fn larger<'a>(&'a self, other: &'a Counter) -> &'a Counter {
                if other.n > self.n {
                    return other;
                }
                self
            }
        }

        #[derive(Debug, PartialEq)]
        pub struct Stack<T> {
            pub items: Vec<T>,
        }

        impl<T: Clone + std::fmt::Debug> Stack<T> {
            #[$p]
            pub fn with(items: &[T]) -> Self {
                let items = items.to_vec();
                Stack { items }
            }

            #[$p]
            pub fn top_two(&self) -> Option<(&T, &T)> {
                let n = self.items.len();
                if n < 2 {
                    return None;
                }
                Some((&self.items[n - 1], &self.items[n - 2]))
            }

            #[$p]
            pub fn map_all<U, F>(self, f: F) -> Stack<U>
            where
                F: FnMut(T) -> U,
            {
                let items = self.items.into_iter().map(f).collect();
                Stack { items }
            }
        }

        pub trait Shape {
            fn side(&self) -> u32;

            #[$p]
            fn describe(&self) -> String {
                let s = self.side();
                format!("side {s}, area {}", s * s)
            }

            #[$p]
            fn multiples(&self, k: u32) -> Vec<u32>
            where
                Self: Sized,
            {
                let mut v = Vec::with_capacity(k as usize);
                for i in 1..=k {
                    v.push(self.side() * i);
                }
                v
            }
        }

        pub struct Square(pub u32);

        impl Shape for Square {
            #[$p]
            fn side(&self) -> u32 {
                self.0
            }
        }

        // --- attributes that must survive -------------------------------------------------

        #[$p]
        #[track_caller]
        pub fn caller_line() -> u32 {
            let here = std::panic::Location::caller();
            here.line()
        }

        #[track_caller]
        #[$p]
        pub fn caller_file() -> &'static str {
            let here = std::panic::Location::caller();
            here.file()
        }

        #[$p]
        #[inline]
        #[must_use]
        pub fn square(x: u64) -> u64 {
            x * x
        }

        #[$p]
        #[inline(always)]
        pub fn cube(x: u64) -> u64 {
            let sq = x * x;
            sq * x
        }

        // --- figures --------------------------------------------------------------------

        #[$p]
        pub fn figures(n: usize, flag: bool) -> usize {
            let v: Vec<u64> = Vec::with_capacity(1000);
            let mut total = 0;
            for i in 0..n {
                total += i;
                let s = vec![0u8; 10]; total += s.len();
            }
            let mut w = 0;
            while w < 5 {
                w += 1;
                if w % 2 == 0 {
                    continue;
                }
                total += 100;
            }
            if flag {
                total += 1;
            } else {
                total += 2;
            }
            for x in vec![1u64, 2, 3] {
                total += x as usize;
            }
            let mut pairs = 0;
            'rows: for r in 0..3 {
                for c in 0..3 {
                    if c > r {
                        continue 'rows;
                    }
                    pairs += 1;
                }
            }
            total + v.capacity() + pairs
        }

        #[$p]
        pub fn return_from_loop(limit: usize) -> usize {
            let big: Vec<u8> = Vec::with_capacity(4096);
            let mut i = 0;
            loop {
                let chunk: Vec<u8> = Vec::with_capacity(100);
                i += 1;
                if i == limit {
                    return i + big.capacity() + chunk.capacity();
                }
            }
        }

        #[$p]
        pub fn question_exit(a: &str) -> Result<usize, std::num::ParseIntError> {
            let big: Vec<u8> = Vec::with_capacity(512);
            let n: usize = a.parse()?;
            Ok(n + big.capacity())
        }

        // --- inner blocks with locals: their `}` is a row (edition 2021 tail rules) -------

        #[$p]
        pub fn inner_block_tail_temps(k: u32) -> (u32, u32) {
            let n = {
                let _inner = D("inner_block local");
                let big = vec![0u8; 64];
                // Edition 2021: the tail's temporary outlives `_inner`, to the end of the `let`.
                D("inner_block tail temp").pick(k) + big.len() as u32
            };
            log("inner_block after");
            let mut total = 0;
            for i in 0..k {
                let _each = D("inner_block each");
                let chunk = vec![0u8; 8];
                total += D("inner_block body temp").pick(i) + chunk.len() as u32
            }
            (n, total)
        }

        #[$p]
        pub fn inner_block_locks(n: usize) -> (usize, bool) {
            let m = Mutex::new(0u8);
            let len = {
                let _held = m.lock().unwrap();
                let v = vec![1u8; n];
                v.len()
            };
            let free = m.try_lock().is_ok();
            (len, free)
        }

        #[$p]
        pub fn inner_arms_and_labels(k: u32) -> u32 {
            let item = if k > 0 { Some((D("inner arm binding"), vec![0u8; k as usize])) } else { None };
            let a = match item {
                Some((_d, v)) => {
                    let _local = D("inner arm local");
                    v.len() as u32
                }
                None => 0,
            };
            let b = 'b: {
                let _l = D("inner labeled local");
                if k == 1 {
                    break 'b 1;
                }
                let buf = vec![0u8; 4];
                if k == 2 { break 'b 2 } else { buf.len() as u32 }
            };
            a + b
        }
    };
}

/// A function whose statements come from the macro's caller: their lines are not the
/// function's own.
macro_rules! body_from_caller {
    ($p:meta, $n:ident, $($body:tt)*) => {
        #[$p]
        pub fn from_caller($n: u32) -> u32 {
            $($body)*
        }
    };
}

#[allow(dead_code)]
mod plain {
    shapes!($ rustfmt::skip);
    body_from_caller!(rustfmt::skip, n, let v: Vec<u32> = (0..=n).collect(); let s: u32 = v.iter().sum(); s + 1);
}

#[allow(dead_code)]
mod profiled {
    shapes!($ memory_profiler::profile);
    body_from_caller!(memory_profiler::profile, n, let v: Vec<u32> = (0..=n).collect(); let s: u32 = v.iter().sum(); s + 1);
}

// ---------------------------------------------------------------------------------------------
// Twins written by hand: their spans are the file's own, so clippy lints the expansion.
// ---------------------------------------------------------------------------------------------

mod direct {
    pub mod plain {
        use crate::{log, D};
        use std::sync::Mutex;

        pub fn tail_for_lock(n: u32) {
            let _local = D("direct tail_for_lock local");
            let m = Mutex::new((0..n).collect::<Vec<u32>>());
            for x in m.lock().unwrap().iter() {
                if *x < 100 {
                    log("direct tail_for_lock body");
                }
            }
        }

        pub fn tail_for_temp(n: u32) {
            let _local = D("direct tail_for_temp local");
            for _ in D("direct tail_for_temp head").upto(n) {
                log("direct tail_for_temp body");
            }
        }

        pub fn unit_return(flag: bool) {
            if flag {
                return log("direct unit_return early");
            }
            log("direct unit_return late");
        }

        pub fn hygiene(x: u32) -> String {
            let __mp_guard = x;
            let __mp_tail = __mp_guard + 1;
            let mut __mp_iter = 0;
            for __mp_result in 0..3 {
                __mp_iter += __mp_result;
            }
            format!("{__mp_guard}/{__mp_tail}/{__mp_iter}")
        }

        pub fn arms(k: u32) -> u32 {
            let mut acc = 0;
            for i in 0..k {
                acc += match i % 4 {
                    0 => 1,
                    1 => D("direct arms temp").pick(10),
                    2 => continue,
                    _ => break,
                };
            }
            let mut j = 0;
            while j < k {
                j += 1;
                if j == 2 {
                    continue;
                }
                acc += j;
            }
            'out: while let Some(v) = (j < 10).then_some(j) {
                j += 1;
                if v == 7 {
                    break 'out;
                }
            }
            acc + j
        }

        #[rustfmt::skip]
        pub fn same_line_cfg() -> Vec<&'static str> {
            let mut v = Vec::with_capacity(4);
            #[cfg(not(test))] v.push("cfg-out"); v.push("after cfg-out");
            #[cfg(test)] v.push("cfg-in"); v.push("after cfg-in");
            v
        }
    }

    pub mod profiled {
        use crate::{log, D};
        use memory_profiler::profile;
        use std::sync::Mutex;

        #[profile]
        pub fn tail_for_lock(n: u32) {
            let _local = D("direct tail_for_lock local");
            let m = Mutex::new((0..n).collect::<Vec<u32>>());
            for x in m.lock().unwrap().iter() {
                if *x < 100 {
                    log("direct tail_for_lock body");
                }
            }
        }

        #[profile]
        pub fn tail_for_temp(n: u32) {
            let _local = D("direct tail_for_temp local");
            for _ in D("direct tail_for_temp head").upto(n) {
                log("direct tail_for_temp body");
            }
        }

        #[profile]
        pub fn unit_return(flag: bool) {
            if flag {
                return log("direct unit_return early");
            }
            log("direct unit_return late");
        }

        #[profile]
        pub fn hygiene(x: u32) -> String {
            let __mp_guard = x;
            let __mp_tail = __mp_guard + 1;
            let mut __mp_iter = 0;
            for __mp_result in 0..3 {
                __mp_iter += __mp_result;
            }
            format!("{__mp_guard}/{__mp_tail}/{__mp_iter}")
        }

        #[profile]
        pub fn arms(k: u32) -> u32 {
            let mut acc = 0;
            for i in 0..k {
                acc += match i % 4 {
                    0 => 1,
                    1 => D("direct arms temp").pick(10),
                    2 => continue,
                    _ => break,
                };
            }
            let mut j = 0;
            while j < k {
                j += 1;
                if j == 2 {
                    continue;
                }
                acc += j;
            }
            'out: while let Some(v) = (j < 10).then_some(j) {
                j += 1;
                if v == 7 {
                    break 'out;
                }
            }
            acc + j
        }

        #[rustfmt::skip]
        #[profile]
        pub fn same_line_cfg() -> Vec<&'static str> {
            let mut v = Vec::with_capacity(4);
            #[cfg(not(test))] v.push("cfg-out"); v.push("after cfg-out");
            #[cfg(test)] v.push("cfg-in"); v.push("after cfg-in");
            v
        }

        #[rustfmt::skip]
        #[profile] pub fn one_liner() -> u32 { 1 + 1 }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------

#[test]
fn free_functions_generics_lifetimes_where_clauses() {
    same(|| plain::free(2, 3), || profiled::free(2, 3));
    let (arr, reports, _) = same(
        || plain::generic::<String, 3>("a".to_string()),
        || profiled::generic::<String, 3>("a".to_string()),
    );
    assert_eq!(arr, ["a", "a", "a"]);
    assert_eq!(report(&reports, "generic").calls(), 1);

    let long = String::from("a longer one");
    let short = String::from("short");
    same(
        || plain::pick_longer(&short, &long),
        || profiled::pick_longer(&short, &long),
    );
    same(
        || plain::pick_longer(&long, &short),
        || profiled::pick_longer(&long, &short),
    );

    // The result borrows the argument, not anything of the call: it outlives the call.
    let s = String::from("hello world");
    let (w, _, _) = same(|| plain::first_word(&s), || profiled::first_word(&s));
    let (w2, _) = capture(|| profiled::first_word(&s));
    assert_eq!((w, w2), ("hello", "hello"));

    let (v, reports, usage) = same(
        || plain::strings([1, 22, 333]),
        || profiled::strings([1, 22, 333]),
    );
    assert_eq!(v, ["1", "22", "333"]);
    let r = report(&reports, "strings");
    assert_eq!(occ(r, "for item in items"), 4);
    assert_eq!(occ(r, "out.push(item.to_string())"), 3);
    balanced(r, &usage);
}

#[test]
fn impl_trait_and_return_coercions() {
    let (v, _, _) = same(
        || plain::tens(vec![1, 2]).clone().collect::<Vec<_>>(),
        || profiled::tens(vec![1, 2]).clone().collect::<Vec<_>>(),
    );
    assert_eq!(v, [10, 20]);
    for early in [true, false] {
        same(
            || plain::display_early(early).to_string(),
            || profiled::display_early(early).to_string(),
        );
        // `return 7` takes its type from the tail's `8u64`, profiled or not.
        same(
            || std::mem::size_of_val(&plain::opaque_literal(early)),
            || std::mem::size_of_val(&profiled::opaque_literal(early)),
        );
        same(
            || format!("{:?}", plain::opaque_literal(early)),
            || format!("{:?}", profiled::opaque_literal(early)),
        );
        let t = super_text();
        same(
            || plain::deref_return(&t, early),
            || profiled::deref_return(&t, early),
        );
        same(
            || format!("{:?}", plain::boxed_debug(early)),
            || format!("{:?}", profiled::boxed_debug(early)),
        );
        same(|| plain::literal_u8(early), || profiled::literal_u8(early));
    }
    for k in [0, 5] {
        same(|| plain::adder(k)(1), || profiled::adder(k)(1));
    }
    for k in [0, 1, 2] {
        same(
            || plain::inferred_returns(k),
            || profiled::inferred_returns(k),
        );
    }
    for s in ["", "7", "x"] {
        let _ = same(|| plain::into_error(s), || profiled::into_error(s));
    }
    let (five, _, _): (u8, _, _) = same(plain::five, profiled::five);
    assert_eq!(five, 5);
    same(plain::default_tail, profiled::default_tail);
    let (size, _, _) = same(plain::fallback_i32, profiled::fallback_i32);
    assert_eq!(size, 4, "an unsuffixed literal falls back to i32");
    let (v, _, _): (Vec<u16>, _, _) = same(plain::empty_vec, profiled::empty_vec);
    assert!(v.is_empty());
}

fn super_text() -> Text {
    Text(String::from("xyz"))
}

#[test]
fn question_mark_on_result_and_option() {
    for (a, b) in [("1", " 2"), ("x", "2"), ("1", "y")] {
        let (_, reports, usage) = same(|| plain::parse_sum(a, b), || profiled::parse_sum(a, b));
        let r = report(&reports, "parse_sum");
        assert_eq!(
            closing(r).occurrences,
            1,
            "`?` still ends the call on the closing brace"
        );
        balanced(r, &usage);
    }
    for a in ["7", "300", "x"] {
        let _ = same(
            || plain::boxed_error(a).map_err(|e| e.to_string()),
            || profiled::boxed_error(a).map_err(|e| e.to_string()),
        );
    }
    for v in [&[][..], &[4][..], &[1, 2, 3][..]] {
        same(|| plain::ends(v), || profiled::ends(v));
    }
}

#[test]
fn early_returns_from_nested_loops_and_match_arms() {
    let grid = vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, -1, 9]];
    for target in [5, 9, 8, 1] {
        let (_, reports, usage) = same(
            || plain::find(&grid, target),
            || profiled::find(&grid, target),
        );
        let r = report(&reports, "find");
        assert_eq!(closing(r).occurrences, 1);
        balanced(r, &usage);
    }
    let (_, reports, _) = same(|| plain::find(&grid, 5), || profiled::find(&grid, 5));
    let r = report(&reports, "find");
    assert_eq!(occ(r, "v if v == target"), 1);
    assert_eq!(occ(r, "log(\"find negative\")"), 0);
    assert_eq!(occ(r, "log(\"find not found\")"), 0);
    assert_eq!(occ(r, "for (i, row) in grid"), 2);
    // Row 0: 4 conditions (3 true); row 1: 2 conditions before the return.
    assert_eq!(occ(r, "while j < row.len()"), 6);
}

#[test]
fn labels_and_loop_values() {
    for n in [0, 1, 3, 4, 6] {
        same(|| plain::labeled(n), || profiled::labeled(n));
    }
    for xs in [&[1, 2, 3][..], &[7, 20][..], &[][..]] {
        same(|| plain::loop_values(xs), || profiled::loop_values(xs));
    }
    let (v, _, _) = same(
        || plain::loop_values(&[1, 7, 12]),
        || profiled::loop_values(&[1, 7, 12]),
    );
    assert_eq!(v, (12, "some", 14));
}

#[test]
fn scrutinee_temporaries_live_through_the_loop() {
    let fresh = || RefCell::new(vec![1, 2, 3]);
    let (q1, q2) = (fresh(), fresh());
    let (v, reports, _) = same(|| plain::drain(&q1), || profiled::drain(&q2));
    assert_eq!(
        v,
        (6, 3),
        "the `borrow_mut()` lives through each iteration's body"
    );
    let r = report(&reports, "drain");
    assert_eq!(occ(r, "while let Some(x) = q.borrow_mut().pop()"), 4);
    assert_eq!(occ(r, "borrowed_in_body += 1"), 3);

    let (m1, m2) = (Mutex::new(vec![1, 2, 3]), Mutex::new(vec![1, 2, 3]));
    let (v, _, _) = same(|| plain::drain_locked(&m1), || profiled::drain_locked(&m2));
    assert_eq!(v, (6, 3), "the guard lives through each iteration's body");

    let m = Mutex::new(vec![1, 2, 3, 4]);
    let (v, reports, _) = same(|| plain::sum_locked(&m), || profiled::sum_locked(&m));
    assert_eq!(
        v,
        (10, 4, true),
        "the guard lives through the whole loop, and not after it"
    );
    let r = report(&reports, "sum_locked");
    assert_eq!(occ(r, "for x in m.lock()"), 5);
    assert_eq!(occ(r, "sum += x"), 4);
}

#[test]
fn temporaries_of_tail_loops_drop_at_the_loop_end() {
    let (_, reports, _) = same(|| plain::tail_for_temp(2), || profiled::tail_for_temp(2));
    assert_eq!(
        occ(
            report(&reports, "tail_for_temp"),
            "log(\"tail_for_temp body\")"
        ),
        2
    );
    same(|| plain::tail_for_lock(3), || profiled::tail_for_lock(3));
    same(|| plain::tail_while_let(3), || profiled::tail_while_let(3));
    same(
        || direct::plain::tail_for_lock(3),
        || direct::profiled::tail_for_lock(3),
    );
    same(
        || direct::plain::tail_for_temp(3),
        || direct::profiled::tail_for_temp(3),
    );
    take_log();
    plain::tail_for_temp(1);
    assert_eq!(
        take_log(),
        [
            "tail_for_temp body",
            "tail_for_temp head",
            "tail_for_temp local"
        ],
        "a `for` drops its head's temporaries when it ends, before the locals"
    );
}

#[test]
fn temporaries_in_tails_and_match_scrutinees() {
    for k in [0, 1, 2] {
        same(|| plain::tail_temps(k), || profiled::tail_temps(k));
        same(|| plain::tail_match(k), || profiled::tail_match(k));
    }
    take_log();
    plain::tail_match(0);
    assert_eq!(
        take_log(),
        [
            "tail_match arm temp",
            "tail_match local",
            "tail_match scrutinee"
        ],
        "edition 2021: a tail's temporaries drop after the locals"
    );
    same(plain::tail_sum_temps, profiled::tail_sum_temps);
}

#[test]
fn let_else_if_let_else_if_and_guards() {
    for s in ["2,3", "23", "x,3", "2,y"] {
        let _ = same(|| plain::let_else(s), || profiled::let_else(s));
    }
    let (_, reports, _) = same(|| plain::let_else("2,y"), || profiled::let_else("2,y"));
    let r = report(&reports, "let_else");
    assert_eq!(occ(r, "log(\"let_else bad right\")"), 1);
    assert_eq!(occ(r, "Ok(a * b)"), 0);
    assert_eq!(occ(r, "no comma in"), 0);

    for x in [None, Some(-3), Some(0), Some(4), Some(40)] {
        same(|| plain::classify(x), || profiled::classify(x));
    }
    let (_, reports, _) = same(|| plain::classify(Some(4)), || profiled::classify(Some(4)));
    let r = report(&reports, "classify");
    assert_eq!(occ(r, "\"digit\""), 1);
    for other in ["\"negative\"", "\"zero\"", "\"large\"", "\"none\""] {
        assert_eq!(occ(r, other), 0, "{other} did not run");
    }

    let xs = [-1, 2, 3, -4, 6];
    let (v, reports, _) = same(|| plain::guards(&xs), || profiled::guards(&xs));
    assert_eq!(v, (vec!["negative", "even", "odd", "negative", "even"], 8));
    let r = report(&reports, "guards");
    assert_eq!(occ(r, "log(\"guard negative?\")"), 5);
    assert_eq!(occ(r, "log(\"guard even?\")"), 3);
    assert_eq!(occ(r, "out.push(tag)"), 5);
}

#[test]
fn diverging_functions() {
    let (msg, reports) = same_panic(|| plain::fail("now"), || profiled::fail("now"));
    assert_eq!(msg, "failed: now");
    assert_eq!(
        occ(report(&reports, "fail"), "let _local = D(\"fail local\")"),
        1
    );
    let (msg, reports) = same_panic(|| plain::spin_then_fail(4), || profiled::spin_then_fail(4));
    assert_eq!(msg, "gave up after 4");
    assert_eq!(occ(report(&reports, "spin_then_fail"), "i += 1"), 4);
    let (msg, _) = same_panic(plain::only_panics, profiled::only_panics);
    assert_eq!(msg, "only panics");
    same(
        || plain::diverge_in_expr(3),
        || profiled::diverge_in_expr(3),
    );
    let (msg, _) = same_panic(
        || plain::diverge_in_expr(0),
        || profiled::diverge_in_expr(0),
    );
    assert_eq!(msg, "failed: zero");
    // `-> !` stays `!`: it coerces to any type.
    let never: fn(&str) -> ! = profiled::fail;
    let _: fn(&str) -> ! = plain::fail;
    let r = catch_unwind(|| capture(|| -> String { never("typed") }));
    assert_eq!(panic_text(r.unwrap_err()), "failed: typed");
}

#[test]
fn unsafe_and_extern_c_functions() {
    let v = [1u32, 2, 3, 4];
    let f: unsafe fn(*const u32, usize) -> u32 = profiled::sum_raw;
    let g: unsafe fn(*const u32, usize) -> u32 = plain::sum_raw;
    // SAFETY: `v` holds 4 `u32`s.
    same(
        || unsafe { g(v.as_ptr(), v.len()) },
        || unsafe { f(v.as_ptr(), v.len()) },
    );
    let f: extern "C" fn(u32, u32) -> u32 = profiled::c_add;
    let g: extern "C" fn(u32, u32) -> u32 = plain::c_add;
    let (sum, reports, usage) = same(|| g(2, 3), || f(2, 3));
    assert_eq!(sum, 5);
    let r = report(&reports, "c_add");
    assert_eq!(row(r, "let v = vec![a, b]").allocations, 1);
    balanced(r, &usage);
}

#[test]
fn statement_attributes() {
    let (v, reports, usage) = same(plain::cfg_stmts, profiled::cfg_stmts);
    assert_eq!(
        v,
        [
            "cfg-in push",
            "plain let",
            "cfg-in loop",
            "cfg-in loop",
            "cfg-in let"
        ]
    );
    let r = report(&reports, "cfg_stmts");
    assert_eq!(occ(r, "v.push(\"cfg-out push\")"), 0);
    assert_eq!(occ(r, "v.push(\"cfg-in push\")"), 1);
    assert_eq!(occ(r, "let x = \"cfg-out let\""), 0);
    assert_eq!(occ(r, "let x = \"plain let\""), 1);
    assert_eq!(occ(r, "let x = {"), 1);
    assert_eq!(occ(r, "v.push(\"cfg-out loop\")"), 0);
    assert_eq!(occ(r, "v.push(\"cfg-out block\")"), 0);
    assert_eq!(occ(r, "v.push(\"cfg-in loop\")"), 2);
    assert_eq!(occ(r, "let unused = 5"), 1);
    for attr in r
        .rows()
        .iter()
        .filter(|row| row.text.trim_start().starts_with("#["))
    {
        if attr.line != r.rows()[0].line {
            assert_eq!(
                attr.occurrences, 0,
                "an attribute's own line does not run: {attr:?}"
            );
        }
    }
    balanced(r, &usage);

    let (v, reports, _) = same(
        direct::plain::same_line_cfg,
        direct::profiled::same_line_cfg,
    );
    assert_eq!(v, ["after cfg-out", "cfg-in", "after cfg-in"]);
    let r = report(&reports, "same_line_cfg");
    assert_eq!(
        occ(r, "v.push(\"after cfg-out\")"),
        1,
        "the statement after a cfg'd-out one on its line ran"
    );
    assert_eq!(
        occ(r, "v.push(\"after cfg-in\")"),
        1,
        "several statements on one line: one occurrence"
    );
}

#[test]
fn macros_in_statement_position() {
    let (s, reports, usage) = same(plain::macros, profiled::macros);
    assert_eq!(s.unwrap(), "1-4\n[7, 7, 8, 8]4");
    let r = report(&reports, "macros");
    for line in [
        "assert!(v.len() == 3",
        "push_twice!(w, 7)",
        "push_twice! { w, 8 }",
        "decl!(z = w.len())",
    ] {
        assert_eq!(occ(r, line), 1, "{line}");
    }
    let bare_vec = row(r, "vec![0u8; 16];");
    assert_eq!(
        (
            bare_vec.occurrences,
            bare_vec.allocations,
            bare_vec.increment,
            bare_vec.peak
        ),
        (1, 1, 0, 16)
    );
    assert_eq!(
        occ(r, "$d e * 2"),
        0,
        "a macro's insides are not statements of the function"
    );
    balanced(r, &usage);
    let (v, _, _) = same(|| plain::vec_tail(1), || profiled::vec_tail(1));
    assert_eq!(v, [2, 2, 2]);
}

#[test]
fn items_shadowing_hygiene_and_closures() {
    for x in [1, 5, 200] {
        same(|| plain::items_in_body(x), || profiled::items_in_body(x));
    }
    // A profiled function inside a profiled one behaves (its rows: see the ignored test below).
    let (n, reports, usage) = same_behaviour(
        || plain::nested_profiled(10),
        || profiled::nested_profiled(10),
    );
    assert_eq!(n, 11);
    let (outer, inner) = (
        report(&reports, "nested_profiled"),
        report(&reports, "inner"),
    );
    check_rows(outer);
    balanced(outer, &usage);
    assert_eq!((outer.calls(), inner.calls()), (1, 2));
    assert_eq!(row(outer, "let a = inner(n)").allocations, 1);
    let (s, _, _) = same(|| plain::shadowing(99), || profiled::shadowing(99));
    assert_eq!(s, "30!");
    let (s, _, _) = same(
        || direct::plain::hygiene(4),
        || direct::profiled::hygiene(4),
    );
    assert_eq!(s, "4/5/3");
    // The arguments are made before `measure` starts: the rows must add up to the calls alone.
    let (a, b) = (vec![1, 2, 3], vec![1, 2, 3]);
    let (v, reports, usage) = same(move || plain::closures(a), move || profiled::closures(b));
    assert_eq!(v, (6, vec![1, 2, 3, 99], 2));
    let r = report(&reports, "closures");
    // The closures are not rewritten: their lines run as part of the lines that call them.
    assert_eq!(occ(r, "return *x"), 0);
    assert_eq!(occ(r, "v.push(99)"), 0);
    assert_eq!(occ(r, "(count, owned(), big)"), 1);
    assert_eq!(
        closing(r).occurrences,
        1,
        "a closure's `return` does not end the function"
    );
    balanced(r, &usage);
}

#[test]
fn tails_empty_bodies_and_one_liners() {
    same(|| plain::only_tail(4), || profiled::only_tail(4));
    let (_, reports, _) = same(plain::empty, profiled::empty);
    let r = report(&reports, "empty");
    assert_eq!((r.calls(), closing(r).occurrences), (1, 1));
    assert_eq!(r.rows().len(), 2);
    let (_, reports, _) = same(plain::empty_braces, profiled::empty_braces);
    assert_eq!(report(&reports, "empty_braces").rows().len(), 3);

    let (two, reports, _) = same(plain::one_line, profiled::one_line);
    assert_eq!(two, 2);
    assert_eq!(report(&reports, "one_line").rows().len(), 1);
    let (n, reports, usage) = same(|| plain::one_line_vec(64), || profiled::one_line_vec(64));
    assert_eq!((n, usage.allocations), (64, 1));
    assert_eq!(report(&reports, "one_line_vec").rows().len(), 1);
    let (_, reports) = capture(direct::profiled::one_liner);
    let r = report(&reports, "one_liner");
    check_rows(r);
    assert_eq!(r.rows().len(), 1);
}

/// In a one-line function the closing brace's row is the attribute's row: the closing must not
/// count a second call on it (it did before 214598e).
#[test]
fn one_line_functions_count_one_occurrence_per_call() {
    let (_, reports) = capture(profiled::one_line);
    let r = report(&reports, "one_line");
    assert_eq!(
        r.calls(),
        1,
        "one call of a one-line function is one occurrence of its line:\n{r}"
    );
    let (_, reports) = capture(|| (profiled::one_line(), profiled::one_line()));
    assert_eq!(report(&reports, "one_line").calls(), 2);
    let (_, reports) = capture(|| profiled::one_line_vec(8));
    assert_eq!(report(&reports, "one_line_vec").calls(), 1);
    let (_, reports) = capture(direct::profiled::one_liner);
    assert_eq!(report(&reports, "one_liner").calls(), 1);
}

/// Runtime bug (profile-runtime/src/recorder.rs): the tail mark is dropped by the unwinding
/// when the tail expression panics, and `TailMark::drop` closes the call as if it returned, so
/// the closing brace counts an occurrence (`Guard::drop` rightly does not, for a panic).
#[test]
fn a_panicking_tail_does_not_count_the_closing_brace() {
    let (_, reports) = same_panic(|| plain::fail("now"), || profiled::fail("now"));
    let r = report(&reports, "fail");
    assert_eq!(closing(r).occurrences, 0, "a panic is not a return:\n{r}");
    let (_, reports) = same_panic(plain::only_panics, profiled::only_panics);
    assert_eq!(closing(report(&reports, "only_panics")).occurrences, 0);
}

#[test]
fn several_statements_on_a_line_and_a_statement_over_several() {
    let (_, reports, usage) = same(|| plain::lines(30), || profiled::lines(30));
    let r = report(&reports, "lines");
    let one = row(r, "let a = vec![0u8; n]; let b");
    assert_eq!(
        (one.occurrences, one.allocations, one.increment),
        (1, 2, 60)
    );
    let collect = row(r, "let v: Vec<usize> = (0..n)");
    assert_eq!((collect.occurrences, collect.allocations), (1, 1));
    for continuation in [".map(|x| x * 2)", ".filter(", ".collect();"] {
        assert_eq!(
            occ(r, continuation),
            0,
            "{continuation} is not a statement of its own"
        );
    }
    assert_eq!(closing(r).increment, -(one.increment + collect.increment));
    balanced(r, &usage);
}

#[test]
fn recursion_reports_once_for_the_outermost_call() {
    let (v, reports, usage) = same(|| plain::depth_sum(3), || profiled::depth_sum(3));
    assert_eq!(v, 4 + 3 + 2);
    assert_eq!(reports.len(), 1);
    let r = report(&reports, "depth_sum");
    assert_eq!(r.calls(), 4);
    // Every call's buffer shows on its own line, every call's free on the closing brace.
    let buf = row(r, "let buf: Vec<u64>");
    assert_eq!((buf.occurrences, buf.allocations), (4, usage.allocations));
    assert_eq!(buf.increment, usage.bytes_allocated as i64);
    assert_eq!(closing(r).increment, -(usage.bytes_freed as i64));
    assert_eq!(closing(r).occurrences, 4);
    assert_eq!(occ(r, "return 0;"), 1);
    assert_eq!(occ(r, "let below = depth_sum"), 3);
    // The outermost call's recursive line saw the heap climb by the inner calls' buffers.
    assert_eq!(row(r, "let below = depth_sum").peak, usage.peak - 32);
    assert_eq!(row(r, "let below = depth_sum").increment, 0);
}

#[test]
fn methods_with_every_receiver() {
    let (c, _, _) = same(|| plain::Counter::new(3).n, || profiled::Counter::new(3).n);
    assert_eq!(c, 3);
    let bumped = |c: &mut dyn FnMut(u32) -> u32| (c(2), c(5));
    same(
        || {
            let mut c = plain::Counter::new(1);
            let r = c.bump(2);
            *r += 1;
            let (peek, total) = (*c.peek(), c.clone().total());
            (peek, total, c.log)
        },
        || {
            let mut c = profiled::Counter::new(1);
            let r = c.bump(2);
            *r += 1;
            let (peek, total) = (*c.peek(), c.clone().total());
            (peek, total, c.log)
        },
    );
    same(
        || {
            let mut c = plain::Counter::new(2);
            bumped(&mut |k| *c.bump(k))
        },
        || {
            let mut c = profiled::Counter::new(2);
            bumped(&mut |k| *c.bump(k))
        },
    );
    same(
        || Box::new(plain::Counter::new(7)).unbox().times(3).n,
        || Box::new(profiled::Counter::new(7)).unbox().times(3).n,
    );
    let (a, b) = (profiled::Counter::new(1), profiled::Counter::new(2));
    let (larger, _) = capture(|| a.larger(&b));
    assert!(
        std::ptr::eq(larger, &b),
        "the reference returned is the argument itself"
    );
    let (larger, _) = capture(|| b.larger(&a));
    assert!(std::ptr::eq(larger, &b));
    let c = profiled::Counter::new(9);
    let (peeked, reports) = capture(|| c.peek());
    assert!(
        std::ptr::eq(peeked, &c.n),
        "`&self` in, a reference into `self` out"
    );
    assert_eq!(report(&reports, "peek").calls(), 1);
}

#[test]
fn methods_of_a_generic_impl() {
    let xs = [1u8, 2, 3];
    same(
        || plain::Stack::with(&xs).top_two().map(|(a, b)| (*a, *b)),
        || profiled::Stack::with(&xs).top_two().map(|(a, b)| (*a, *b)),
    );
    same(
        || plain::Stack::with(&xs[..1]).top_two().is_none(),
        || profiled::Stack::with(&xs[..1]).top_two().is_none(),
    );
    let (v, reports, _) = same(
        || plain::Stack::with(&xs).map_all(|x| x.to_string()).items,
        || profiled::Stack::with(&xs).map_all(|x| x.to_string()).items,
    );
    assert_eq!(v, ["1", "2", "3"]);
    assert_eq!(reports.len(), 2);
}

#[test]
fn trait_default_and_impl_methods() {
    use plain::Shape as _;
    use profiled::Shape as _;
    let (s, reports, usage) = same(
        || plain::Square(3).describe(),
        || profiled::Square(3).describe(),
    );
    assert_eq!(s, "side 3, area 9");
    assert_eq!(report(&reports, "side").calls(), 1);
    balanced(report(&reports, "describe"), &usage);
    let (v, reports, _) = same(
        || plain::Square(2).multiples(3),
        || profiled::Square(2).multiples(3),
    );
    assert_eq!(v, [2, 4, 6]);
    assert_eq!(report(&reports, "side").calls(), 3);
    let dyn_shape: &dyn profiled::Shape = &profiled::Square(4);
    let (s, _) = capture(|| dyn_shape.describe());
    assert_eq!(s, "side 4, area 16");
}

#[test]
fn track_caller_inline_must_use() {
    #[allow(clippy::redundant_closure)] // the closure is the caller
    let (line, expected) = (capture(|| profiled::caller_line()).0, line!());
    assert_eq!(
        line, expected,
        "`#[track_caller]` gives the caller's location"
    );
    assert_eq!(plain::caller_line(), line!());
    #[allow(clippy::redundant_closure)]
    let (file, _) = capture(|| profiled::caller_file());
    assert_eq!(file, file!());
    same(|| plain::square(12), || profiled::square(12));
    same(|| plain::cube(3), || profiled::cube(3));
}

#[test]
fn returns_of_unit_calls_and_arms() {
    for flag in [true, false] {
        same(
            || direct::plain::unit_return(flag),
            || direct::profiled::unit_return(flag),
        );
    }
    for k in [0, 1, 2, 3, 6, 12] {
        same(|| direct::plain::arms(k), || direct::profiled::arms(k));
    }
    let (_, reports, _) = same(|| direct::plain::arms(3), || direct::profiled::arms(3));
    let r = report(&reports, "arms");
    assert_eq!(occ(r, "0 => 1,"), 1);
    assert_eq!(occ(r, "1 => D(\"direct arms temp\")"), 1);
    assert_eq!(occ(r, "2 => continue,"), 1);
    assert_eq!(occ(r, "_ => break,"), 0);
    assert_eq!(occ(r, "while j < k"), 4);
}

#[test]
fn figures_of_loops_branches_and_lines() {
    for flag in [true, false] {
        let n = 4;
        let (_, reports, usage) = same(|| plain::figures(n, flag), || profiled::figures(n, flag));
        let r = report(&reports, "figures");
        balanced(r, &usage);
        let v = row(r, "let v: Vec<u64> = Vec::with_capacity(1000);");
        assert_eq!(
            (v.increment, v.allocations, v.occurrences, v.peak),
            (8000, 1, 1, 8000)
        );
        assert_eq!(closing(r).increment, -8000);
        assert_eq!((closing(r).occurrences, closing(r).allocations), (1, 0));
        // A `for` over n items: n + 1 header occurrences, n on each body line.
        assert_eq!(occ(r, "for i in 0..n"), n as u64 + 1);
        assert_eq!(occ(r, "total += i;"), n as u64);
        // Several statements on one line: one occurrence per run of the line.
        let s = row(r, "let s = vec![0u8; 10]; total += s.len();");
        assert_eq!(
            (s.occurrences, s.allocations, s.increment, s.peak),
            (n as u64, n as u64, 10 * n as i64, 10)
        );
        // The body's locals are freed on its closing brace, once per iteration.
        let body_end = below(r, "let s = vec![0u8; 10]; total += s.len();", 1);
        assert_eq!(body_end.text.trim(), "}");
        assert_eq!(
            (body_end.occurrences, body_end.increment, body_end.peak),
            (n as u64, -10 * n as i64, 0)
        );
        // A `while`: iterations + 1, also when the body `continue`s.
        assert_eq!(occ(r, "while w < 5"), 6);
        assert_eq!(occ(r, "w += 1;"), 5);
        assert_eq!(occ(r, "continue;"), 2);
        assert_eq!(occ(r, "total += 100;"), 3);
        // The branch that ran counts, the other does not.
        assert_eq!(occ(r, "if flag"), 1);
        assert_eq!(occ(r, "total += 1;"), u64::from(flag));
        assert_eq!(occ(r, "total += 2;"), u64::from(!flag));
        assert_eq!(occ(r, "} else {"), 0);
        // The iterator's own allocation and free are the header's.
        let header = row(r, "for x in vec![1u64, 2, 3]");
        assert_eq!(
            (
                header.occurrences,
                header.allocations,
                header.increment,
                header.peak
            ),
            (4, 1, 0, 24)
        );
        assert_eq!(occ(r, "total += x as usize;"), 3);
        // `continue 'rows` from the inner loop still runs the outer header's probe.
        assert_eq!(occ(r, "'rows: for r in 0..3"), 4);
        assert_eq!(occ(r, "for c in 0..3"), 2 + 3 + 4);
        assert_eq!(occ(r, "pairs += 1;"), 6);
        assert_eq!(occ(r, "continue 'rows;"), 2);
        assert_eq!(occ(r, "total + v.capacity() + pairs"), 1);
        assert_eq!(r.calls(), 1);
    }
}

#[test]
fn figures_of_a_return_from_inside_a_loop() {
    let limit = 3;
    let (v, reports, usage) = same(
        || plain::return_from_loop(limit),
        || profiled::return_from_loop(limit),
    );
    assert_eq!(v, 3 + 4096 + 100);
    let r = report(&reports, "return_from_loop");
    balanced(r, &usage);
    let big = row(r, "let big: Vec<u8>");
    assert_eq!((big.increment, big.allocations), (4096, 1));
    let chunk = row(r, "let chunk: Vec<u8>");
    assert_eq!(
        (chunk.increment, chunk.allocations, chunk.occurrences),
        (300, 3, 3)
    );
    // The chunks of the iterations that went on are freed at the end of their iteration, on
    // the loop body's closing brace.
    assert_eq!(row(r, "if i == limit").increment, 0);
    let body_end = below(r, "if i == limit", 3);
    assert_eq!(body_end.text.trim(), "}");
    assert_eq!((body_end.increment, body_end.occurrences), (-200, 2));
    let ret = row(r, "return i + big.capacity()");
    assert_eq!((ret.occurrences, ret.increment), (1, 0));
    // The locals still alive at the `return` are freed on the closing brace.
    assert_eq!((closing(r).increment, closing(r).occurrences), (-4196, 1));
}

#[test]
fn inner_blocks_keep_the_editions_drop_order() {
    for k in [0, 1, 3] {
        let (_, reports, usage) = same(
            || plain::inner_block_tail_temps(k),
            || profiled::inner_block_tail_temps(k),
        );
        let r = report(&reports, "inner_block_tail_temps");
        balanced(r, &usage);
        // The block's `}` gets `big` (64 B); each iteration's `}` gets its `chunk` (8 B).
        let block_end = below(r, "D(\"inner_block tail temp\")", 1);
        assert_eq!((block_end.text.trim(), block_end.increment), ("};", -64));
        let body_end = below(r, "D(\"inner_block body temp\")", 1);
        assert_eq!(
            (
                body_end.text.trim(),
                body_end.increment,
                body_end.occurrences
            ),
            ("}", -8 * i64::from(k), u64::from(k))
        );
    }
    for n in [0, 5] {
        same(
            || plain::inner_block_locks(n),
            || profiled::inner_block_locks(n),
        );
    }
    for k in [0, 1, 2, 3] {
        let (_, reports, usage) = same(
            || plain::inner_arms_and_labels(k),
            || profiled::inner_arms_and_labels(k),
        );
        balanced(report(&reports, "inner_arms_and_labels"), &usage);
    }
}

#[test]
fn figures_of_a_question_mark_exit() {
    for (a, ok) in [("5", true), ("x", false)] {
        let (v, reports, usage) = same(|| plain::question_exit(a), || profiled::question_exit(a));
        assert_eq!(v.is_ok(), ok);
        let r = report(&reports, "question_exit");
        balanced(r, &usage);
        assert_eq!(row(r, "let big: Vec<u8>").increment, 512);
        assert_eq!(occ(r, "Ok(n + big.capacity())"), u64::from(ok));
        assert_eq!(closing(r).occurrences, 1);
    }
}

#[test]
fn coercions_across_arms_returns_borrowing_locals_and_bodies_from_macros() {
    for k in [0, 1, 2] {
        same(|| plain::arm_coercions(k), || profiled::arm_coercions(k));
    }
    for early in [true, false] {
        same(
            || plain::return_borrows_local(early),
            || profiled::return_borrows_local(early),
        );
    }
    let (v, reports, usage) = same(|| plain::from_caller(2), || profiled::from_caller(2));
    assert_eq!(v, 4);
    let r = report(&reports, "from_caller");
    // The statements' own lines are elsewhere: their figures go to the closing brace's row.
    balanced(r, &usage);
    assert_eq!(closing(r).allocations, 1);
}

#[test]
fn returns_tails_and_loops_in_unusual_places() {
    for k in [0, 3] {
        let (_, reports, usage) = same(|| plain::return_temps(k), || profiled::return_temps(k));
        let r = report(&reports, "return_temps");
        assert_eq!(closing(r).occurrences, 1);
        balanced(r, &usage);
    }
    let (v, reports, _) = same(|| plain::tail_return(4), || profiled::tail_return(4));
    assert_eq!(v, 10);
    assert_eq!(closing(report(&reports, "tail_return")).occurrences, 1);
    for flag in [true, false] {
        let (_, reports, _) = same(|| plain::bare_return(flag), || profiled::bare_return(flag));
        let r = report(&reports, "bare_return");
        assert_eq!(closing(r).occurrences, 1);
        assert_eq!(occ(r, "return;"), u64::from(flag));
    }
    same(|| plain::tail_attr_for(2), || profiled::tail_attr_for(2));
    let (m1, m2) = (Mutex::new(vec![1, 2, 3]), Mutex::new(vec![1, 2, 3]));
    let (_, reports, _) = same(|| plain::tail_while(&m1), || profiled::tail_while(&m2));
    assert_eq!(occ(report(&reports, "tail_while"), "while m.lock()"), 3);
    for xs in [&[1, 2, 3][..], &[1][..]] {
        same(
            || plain::tail_loop_value(xs),
            || profiled::tail_loop_value(xs),
        );
    }
    for k in [0, 1, 2] {
        let m = Mutex::new(vec![5, 6]);
        let (_, reports, _) = same(
            || plain::loops_in_arms(k, &m),
            || profiled::loops_in_arms(k, &m),
        );
        let r = report(&reports, "loops_in_arms");
        assert_eq!(occ(r, "sum += x + u32::from"), if k == 0 { 2 } else { 0 });
        assert_eq!(occ(r, "sum += 3;"), if k == 1 { 4 } else { 0 });
    }
    for xs in [&["1", "2"][..], &["1", "x"][..]] {
        let _ = same(
            || plain::question_in_head(xs),
            || profiled::question_in_head(xs),
        );
    }
}

thread_local! {
    static FROM_DROP: RefCell<Option<(u32, Reports)>> = const { RefCell::new(None) };
}

/// Calls a profiled function from its `Drop`, which runs while a panic unwinds.
struct CallsProfiledOnDrop;

impl Drop for CallsProfiledOnDrop {
    fn drop(&mut self) {
        let done = capture(|| profiled::free(1, 2));
        FROM_DROP.with(|slot| *slot.borrow_mut() = Some(done));
    }
}

/// Runtime bug (profile-runtime/src/recorder.rs): `Guard::drop` decides that a call ended in a
/// panic from `std::thread::panicking()`, which is also true for a call that starts and returns
/// normally inside a `Drop` run by an unwinding: its closing brace is not counted and its report
/// says it panicked. The guard (and the tail mark) should compare with `panicking()` at entry.
#[test]
fn a_call_made_while_unwinding_returns_normally() {
    let unwound = catch_unwind(|| {
        let _calls = CallsProfiledOnDrop;
        panic!("unwinding");
    });
    assert!(unwound.is_err());
    let (value, reports) = FROM_DROP
        .with(|slot| slot.borrow_mut().take())
        .expect("the drop ran");
    assert_eq!(value, 6);
    let r = report(&reports, "free");
    assert!(!r.panicked(), "the call returned normally:\n{r}");
    assert_eq!(closing(r).occurrences, 1, "{r}");
}

/// Expansion bug (profile-macro/src/expand.rs): a `#[profile]` function whose tokens were
/// re-emitted by another attribute macro first (here the enclosing `#[profile]`, through syn)
/// gets braces whose open and close spans are both the whole block (proc_macro's
/// `Group::set_span`), so `brace_token.span.close()` starts on the line of `{`: the table stops
/// at the `fn` line and every statement is charged to it. `brace_token.span.join().end().line`
/// is the closing brace's line either way.
#[test]
fn a_profiled_function_inside_a_profiled_function_has_all_its_rows() {
    let (_, reports, _) = same(
        || plain::nested_profiled(10),
        || profiled::nested_profiled(10),
    );
    let inner = report(&reports, "inner");
    assert_eq!(inner.rows().len(), 5, "{inner}");
    assert_eq!(row(inner, "let v = vec![0u8; n]").increment, 11);
}
