//! Methods: every receiver, `Self` constructors (struct, tuple struct, enum variants), generic
//! impls and methods with generics of their own, trait default methods (called statically and
//! through `dyn`), trait impls of std traits (`Iterator`, `Add`, `Display`, `Drop`, `From`,
//! `Default`, `Deref`), associated types and consts, impls with lifetimes.

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::let_and_return)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use std::fmt;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use corpus::{D, log};

#[derive(Debug, PartialEq, Clone, Default)]
pub struct Counter {
    pub n: u32,
    pub log: Vec<u32>,
}

impl Counter {
    #[p]
    pub fn new(n: u32) -> Self {
        let log = Vec::with_capacity(4);
        Self { n, log }
    }

    #[p]
    pub fn zero() -> Counter {
        Self::new(0)
    }

    #[p]
    pub fn total(self) -> u32 {
        let extra: u32 = self.log.iter().sum();
        self.n + extra
    }

    #[p]
    pub fn peek(&self) -> &u32 {
        &self.n
    }

    #[p]
    pub fn bump(&mut self, k: u32) -> &mut u32 {
        self.log.push(k);
        self.n += k;
        &mut self.n
    }

    #[p]
    #[allow(clippy::boxed_local)] // the receiver is the shape under test
    pub fn unbox(self: Box<Self>) -> Self {
        let mut inner = *self;
        inner.n += 1;
        inner
    }

    #[p]
    pub fn times(mut self, k: u32) -> Self {
        self.n *= k;
        self
    }

    #[p]
    pub fn larger<'a>(&'a self, other: &'a Counter) -> &'a Counter {
        if other.n > self.n {
            return other;
        }
        self
    }

    #[p]
    pub fn shared(self: Rc<Self>) -> (usize, u32) {
        let again = Rc::clone(&self);
        (Rc::strong_count(&self), again.n)
    }

    #[p]
    pub fn in_arc(self: &Arc<Self>) -> Arc<Self> {
        let copy = Arc::clone(self);
        copy
    }

    #[p]
    pub fn pinned(self: Pin<&mut Self>, k: u32) -> u32 {
        let this = self.get_mut();
        this.n += k;
        this.n
    }

    #[p]
    #[allow(clippy::needless_arbitrary_self_type)] // the explicit receiver is the shape
    pub fn explicit(self: &mut Self) -> usize {
        self.log.clear();
        self.log.len()
    }

    #[p]
    pub(crate) fn reset(&mut self) -> Vec<u32> {
        self.n = 0;
        std::mem::take(&mut self.log)
    }
}

#[derive(Debug, PartialEq, Clone, Copy)]
pub struct Wrapper(pub u32);

impl Wrapper {
    #[p]
    pub fn make(x: u32) -> Self {
        let doubled = x * 2;
        Self(doubled / 2)
    }

    #[p]
    pub fn double(&self) -> Self {
        let Self(inner) = *self;
        Self(inner * 2)
    }
}

impl std::ops::Add for Wrapper {
    type Output = Wrapper;

    #[p]
    fn add(self, rhs: Self) -> Self::Output {
        let sum = self.0 + rhs.0;
        Wrapper(sum)
    }
}

impl From<&str> for Wrapper {
    #[p]
    fn from(s: &str) -> Self {
        let n = s.len() as u32;
        Self(n)
    }
}

#[derive(Debug, PartialEq)]
pub enum Shape {
    Circle(u32),
    Rect { w: u32, h: u32 },
    Empty,
}

impl Shape {
    #[p]
    pub fn parse(s: &str) -> Self {
        let parts: Vec<u32> = s.split('x').filter_map(|p| p.parse().ok()).collect();
        match parts[..] {
            [r] => Self::Circle(r),
            [w, h] => Self::Rect { w, h },
            _ => Self::Empty,
        }
    }

    #[p]
    pub fn area(&self) -> u32 {
        match self {
            Self::Circle(r) => 3 * r * r,
            Self::Rect { w, h } => w * h,
            Self::Empty => 0,
        }
    }
}

impl fmt::Display for Shape {
    #[p]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Circle(r) => write!(f, "circle {r}")?,
            Shape::Rect { w, h } => {
                write!(f, "rect ")?;
                write!(f, "{w}x{h}")?;
            }
            Shape::Empty => f.write_str("empty")?,
        }
        Ok(())
    }
}

#[derive(Debug, PartialEq)]
pub struct Stack<T> {
    pub items: Vec<T>,
}

impl<T: Clone + fmt::Debug> Stack<T> {
    #[p]
    pub fn with(items: &[T]) -> Self {
        let items = items.to_vec();
        Stack { items }
    }

    #[p]
    pub fn top_two(&self) -> Option<(&T, &T)> {
        let n = self.items.len();
        if n < 2 {
            return None;
        }
        Some((&self.items[n - 1], &self.items[n - 2]))
    }

    #[p]
    pub fn map_all<U, F>(self, f: F) -> Stack<U>
    where
        F: FnMut(T) -> U,
    {
        let items = self.items.into_iter().map(f).collect();
        Stack { items }
    }

    #[p]
    pub fn zip_with<U, R>(&self, other: &[U], f: impl Fn(&T, &U) -> R) -> Vec<R> {
        let mut out = Vec::new();
        for (a, b) in self.items.iter().zip(other) {
            out.push(f(a, b));
        }
        out
    }
}

pub trait Describe {
    fn name(&self) -> String;

    #[p]
    fn describe(&self) -> String {
        let name = self.name();
        format!("<{name}>")
    }

    #[p]
    fn describe_twice(&self) -> Vec<String>
    where
        Self: Sized,
    {
        let mut v = Vec::with_capacity(2);
        for _ in 0..2 {
            v.push(self.describe());
        }
        v
    }

    #[p]
    fn made() -> Self
    where
        Self: Sized + Default,
    {
        let made = Self::default();
        made
    }
}

impl Describe for Counter {
    #[p]
    fn name(&self) -> String {
        format!("counter {}", self.n)
    }
}

impl Describe for Wrapper {
    #[p]
    fn name(&self) -> String {
        let n = self.0;
        n.to_string()
    }

    #[p]
    fn describe(&self) -> String {
        let name = self.name();
        format!("[{name}]")
    }
}

pub trait Container {
    type Item;
    const CAP: usize;

    fn items(&self) -> Vec<Self::Item>;

    #[p]
    fn first_within_cap(&self) -> Option<Self::Item> {
        let mut items = self.items();
        items.truncate(Self::CAP);
        items.into_iter().next()
    }
}

impl Container for Counter {
    type Item = u32;
    const CAP: usize = 2;

    #[p]
    fn items(&self) -> Vec<u32> {
        let mut v = self.log.clone();
        v.insert(0, self.n);
        v
    }
}

pub trait Summary {
    fn summary(&self) -> String;
}

impl<T: fmt::Debug> Summary for Vec<T> {
    #[p]
    fn summary(&self) -> String {
        let shown: Vec<String> = self.iter().map(|x| format!("{x:?}")).collect();
        format!("{} items: {}", self.len(), shown.join(" "))
    }
}

pub struct Countdown(pub u32);

impl Iterator for Countdown {
    type Item = u32;

    #[p]
    fn next(&mut self) -> Option<u32> {
        if self.0 == 0 {
            return None;
        }
        self.0 -= 1;
        Some(self.0)
    }
}

/// Logs its drop through a profiled `Drop::drop`.
pub struct Tracked(pub Vec<u8>);

impl Drop for Tracked {
    #[p]
    fn drop(&mut self) {
        // Taken, so that it is freed here and not by the drop glue after this returns.
        let v = std::mem::take(&mut self.0);
        let n = v.len();
        if n > 0 {
            log("tracked dropped");
        }
    }
}

pub struct Text(pub String);

impl std::ops::Deref for Text {
    type Target = str;

    #[p]
    fn deref(&self) -> &str {
        let s = &self.0;
        s.as_str()
    }
}

pub struct Parser<'a> {
    pub s: &'a str,
    pub pos: usize,
}

impl<'a> Parser<'a> {
    #[p]
    pub fn next_token(&mut self) -> Option<&'a str> {
        let rest = &self.s[self.pos..];
        let rest_trimmed = rest.trim_start();
        if rest_trimmed.is_empty() {
            return None;
        }
        let start = self.pos + (rest.len() - rest_trimmed.len());
        let len = rest_trimmed.find(' ').unwrap_or(rest_trimmed.len());
        self.pos = start + len;
        Some(&self.s[start..start + len])
    }
}

pub struct Holder {
    pub d: D,
    pub v: Vec<u8>,
}

impl Holder {
    #[p]
    pub fn into_parts(self) -> (Vec<u8>, usize) {
        let Holder { d, v } = self;
        log("holder split");
        let n = d.0.len();
        (v, n)
    }

    #[p]
    pub fn replace_d(&mut self, name: &'static str) -> usize {
        let old = std::mem::replace(&mut self.d, D(name));
        old.0.len()
    }
}

cases! { plain_methods profiled_methods;
    receivers_by_value_and_reference => {
        both!(new: |m| m::Counter::new(3) => shown);
        both!(zero: |m| m::Counter::zero() => shown);
        both!(bump (m::Counter::new(1)): |m, c| {
            let mut c = c;
            let r = c.bump(2);
            *r += 1;
            (*c.peek(), c)
        } => |(n, c)| (n, c.log));
        // `self` by value: the counter's log is freed after the report is taken.
        both!(total [unbalanced] (m::Counter::new(4)): |m, c| c.total());
        both!(times (m::Counter::new(7)): |m, c| c.times(3) => |c| c.n);
        // `self: Box<Self>` by value: the box is freed after the report is taken.
        both!(unbox [unbalanced] (Box::new(m::Counter::new(7))): |m, c| c.unbox() => |c| c.n);
        let ((a, b), _) = memory_profiler::capture(|| (Counter::new(1), Counter::new(2)));
        let (larger, _) = memory_profiler::capture(|| a.larger(&b));
        assert!(std::ptr::eq(larger, &b), "the reference returned is the argument itself");
        both!(larger: |m| {
            let (a, b) = (m::Counter::new(5), m::Counter::new(2));
            call(|| a.larger(&b).n)
        });
    }
    smart_pointer_receivers => {
        // `self: Rc<Self>` by value: the last `Rc` is freed after the report is taken.
        both!(shared [unbalanced] (std::rc::Rc::new(m::Counter::new(2))): |m, c| c.shared());
        both!(in_arc: |m| {
            let a = std::sync::Arc::new(m::Counter::new(3));
            let b = call(|| a.in_arc());
            (std::sync::Arc::strong_count(&a), b.n)
        });
        both!(pinned: |m| {
            let mut c = m::Counter::new(3);
            call(|| std::pin::Pin::new(&mut c).pinned(4))
        });
        both!(explicit: |m| {
            let mut c = m::Counter::new(1);
            c.bump(1);
            call(|| c.explicit())
        });
        both!(reset: |m| {
            let mut c = m::Counter::new(1);
            c.bump(5);
            (call(|| c.reset()), c.n)
        });
    }
    self_constructors => {
        both!(make: |m| m::Wrapper::make(21) => shown);
        both!(double: |m| m::Wrapper(4).double().double() => shown);
        both!(add: |m| m::Wrapper(4) + m::Wrapper(5) => shown);
        both!(from: |m| m::Wrapper::from("four") => shown);
        for s in ["5", "3x4", "", "1x2x3"] {
            both!(parse: |m| m::Shape::parse(s) => shown);
            both!(area: |m| {
                let shape = m::Shape::parse(s);
                call(|| shape.area())
            });
        }
        for s in ["5", "3x4", "x"] {
            both!(fmt: |m| {
                let shape = m::Shape::parse(s);
                let mut out = String::with_capacity(32);
                call(|| std::fmt::Write::write_fmt(&mut out, format_args!("{shape}"))).unwrap();
                out
            });
        }
    }
    generic_impls => {
        let xs = [1u8, 2, 3];
        both!(top_two (m::Stack::with(&xs)): |m, s| call(|| s.top_two().map(|(a, b)| (*a, *b))));
        both!(top_two (m::Stack::with(&xs[..1])): |m, s| call(|| s.top_two().is_none()));
        // `self` by value: its emptied vector is freed after the report is taken.
        both!(map_all [unbalanced] (m::Stack::with(&xs)): |m, s| s.map_all(|x| x.to_string()).items);
        both!(zip_with (m::Stack::with(&xs)): |m, st| {
            call(|| st.zip_with(&["a", "b"], |x, s| format!("{s}{x}")))
        });
    }
    trait_default_methods => {
        both!(describe: |m| {
            use m::Describe as _;
            let c = m::Counter::new(3);
            call(|| c.describe())
        });
        both!(describe: |m| {
            use m::Describe as _;
            m::Wrapper(3).describe()
        });
        both!(describe_twice: |m| {
            use m::Describe as _;
            let c = m::Counter::new(3);
            call(|| c.describe_twice())
        });
        // Through `dyn`: the default method, then an override of it.
        both!(describe: |m| {
            let c = m::Counter::new(1);
            let d: &dyn m::Describe = &c;
            call(|| d.describe())
        });
        both!(describe: |m| {
            let d: &dyn m::Describe = &m::Wrapper(2);
            d.describe()
        });
        both!(made: |m| <m::Counter as m::Describe>::made() => shown);
        both!(first_within_cap: |m| {
            use m::Container as _;
            let mut c = m::Counter::new(9);
            c.bump(1);
            call(|| c.first_within_cap())
        });
        both!(summary (vec![1, 2, 3]): |m, v| call(|| m::Summary::summary(&v)));
    }
    std_trait_impls => {
        both!(next: |m| call(|| m::Countdown(4).sum::<u32>()));
        both!(next: |m| {
            let mut total = 0;
            for x in m::Countdown(3) {
                total += x;
            }
            total
        });
        both!(drop: |m| {
            let t = m::Tracked(vec![1, 2]);
            call(|| drop(t));
            log("after tracked");
            call(|| {
                let _empty = m::Tracked(Vec::new());
                log("dropped at the end of its scope");
            });
        });
        both!(deref: |m| {
            let t = m::Text(String::from("deref"));
            call(|| t.len() + t.find('r').unwrap_or(0))
        });
    }
    impls_with_lifetimes => {
        let text = String::from("  alpha beta  gamma ");
        let tokens = both!(next_token: |m| {
            let mut p = m::Parser { s: &text, pos: 0 };
            let mut out = [""; 4];
            for slot in out.iter_mut() {
                *slot = p.next_token().unwrap_or("-");
            }
            out
        });
        assert_eq!(tokens, ["alpha", "beta", "gamma", "-"]);
    }
    moves_out_of_self => {
        both!(into_parts (m::Holder { d: D("holder d"), v: vec![1, 2, 3] }): |m, h| h.into_parts());
        both!(replace_d: |m| {
            let mut h = m::Holder { d: D("first d"), v: Vec::new() };
            let n = h.replace_d("second d");
            log("replaced");
            n
        });
    }
}
