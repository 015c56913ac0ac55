//! The attribute on an impl, a trait or a module: every function with a body inside it is
//! profiled. Inherent and trait impls with generics, lifetimes and `where` clauses, `Self` in
//! bodies, associated consts and types beside the methods, a trait's default methods calling
//! its other methods, `Drop` and `Iterator` impls, nested modules, a function's own arguments
//! and `skip`, `const fn`s (still const) and a `macro_rules!` inside (left alone), a method
//! written on one line. Edition 2015 compatible (the edition corpora run it): the cases name
//! traits by their paths, not through `use`.

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::let_and_return, clippy::new_without_default)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use corpus::{D, log};
use std::fmt;

/// A generic stack, with a where clause, an associated const and `Self` everywhere.
#[derive(Debug, PartialEq, Clone)]
pub struct Stack<T> {
    pub items: Vec<T>,
}

#[p]
impl<T> Stack<T>
where
    T: Clone + fmt::Debug,
{
    pub const START: usize = 2;

    pub fn new() -> Self {
        let items = Vec::with_capacity(Self::START);
        Self { items }
    }

    pub fn push(&mut self, x: T) -> &mut Self {
        self.items.push(x);
        self
    }

    pub fn pop_two(&mut self) -> Option<(T, T)> {
        let a = self.items.pop()?;
        let b = match self.items.pop() {
            Some(b) => b,
            None => {
                self.items.push(a);
                return None;
            }
        };
        Some((a, b))
    }

    pub fn map<U, F>(self, f: F) -> Stack<U>
    where
        F: FnMut(T) -> U,
    {
        let items = self.items.into_iter().map(f).collect();
        Stack { items }
    }

    pub fn doubled(&self) -> Self {
        let mut twice = Self::new();
        for x in self.items.iter().chain(self.items.iter()) {
            twice.push(x.clone());
        }
        twice
    }

    pub const fn start() -> usize {
        Self::START
    }
}

/// A parser borrowing its input: an impl with a lifetime, its own arguments on one method,
/// and one left out.
pub struct Words<'a> {
    pub text: &'a str,
    pub seen: usize,
}

#[p(unit = "B")]
impl<'a> Words<'a> {
    pub fn next_word(&mut self) -> Option<&'a str> {
        let rest = self.text.trim_start();
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(' ').unwrap_or(rest.len());
        let (word, tail) = rest.split_at(end);
        self.text = tail;
        self.seen += 1;
        Some(word)
    }

    #[p(peak, allocs)]
    pub fn upper(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(word) = self.next_word() {
            out.push(word.to_uppercase());
        }
        out
    }

    #[p(skip)]
    pub fn seen(&self) -> usize {
        self.seen
    }

    #[rustfmt::skip]
    pub fn lengths(&self) -> Vec<usize> { self.text.split(' ').map(|w| w.len()).collect() }
}

/// A trait with an associated type and const beside its methods, default methods that call
/// the required ones and each other, and a default method with `Self: Sized`.
pub trait Shelf {
    type Item: fmt::Debug;
    const SIZE: usize;

    fn items(&self) -> Vec<Self::Item>;

    fn label(&self) -> String;
}

#[p]
pub trait Describe: Shelf {
    fn describe(&self) -> String {
        let items = self.items();
        let label = self.label();
        format!("{label}: {items:?}")
    }

    fn describe_all(&self) -> Vec<String> {
        let mut all = Vec::with_capacity(Self::SIZE);
        for _ in 0..Self::SIZE {
            all.push(self.describe());
        }
        all
    }

    fn boxed(self) -> Box<Self>
    where
        Self: Sized,
    {
        let b = Box::new(self);
        b
    }

    fn required(&self) -> usize;
}

#[p]
impl<T: Clone + fmt::Debug> Shelf for Stack<T> {
    type Item = T;
    const SIZE: usize = 2;

    fn items(&self) -> Vec<T> {
        let copy = self.items.clone();
        copy
    }

    fn label(&self) -> String {
        String::from("stack")
    }
}

impl<T: Clone + fmt::Debug> Describe for Stack<T> {
    fn required(&self) -> usize {
        self.items.len()
    }
}

/// `Drop` and `Iterator` impls: drop order through a profiled `drop`, and a profiled `next`.
pub struct Guarded {
    pub name: &'static str,
    pub held: Vec<u8>,
    pub marker: D,
}

#[p]
impl Drop for Guarded {
    fn drop(&mut self) {
        let held = std::mem::take(&mut self.held);
        if !held.is_empty() {
            log(self.name);
        }
    }
}

pub struct Countdown {
    pub left: u32,
    pub trail: Vec<u32>,
}

#[p]
impl Iterator for Countdown {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        self.trail.push(self.left);
        Some(self.left)
    }
}

/// A method annotated on its own (its impl is not): named by the type of `self`.
impl Countdown {
    #[p]
    pub fn remaining(&self) -> Vec<u32> {
        let all: Vec<u32> = (0..self.left).rev().collect();
        all
    }
}

/// Nested modules: free functions keep their names, impls and traits inside name theirs; a
/// `macro_rules!` and a `const fn` are left alone.
#[p]
pub mod store {
    use corpus::D;

    pub fn shelf(n: usize) -> Vec<u8> {
        let v = vec![7u8; n];
        v
    }

    pub const fn capacity() -> usize {
        4
    }

    pub const CAPACITY: [u8; capacity()] = [0; capacity()];

    macro_rules! made {
        ($name:ident) => {
            pub fn $name() -> Vec<u8> {
                vec![1, 2, 3]
            }
        };
    }

    made!(made_by_a_macro);

    pub mod aisle {
        use corpus::D;

        pub struct Bin {
            pub tags: Vec<String>,
            pub d: D,
        }

        impl Bin {
            pub fn open(name: &'static str) -> Self {
                let tags = Vec::with_capacity(1);
                Bin { tags, d: D(name) }
            }

            pub fn tag(mut self, tag: &str) -> Self {
                self.tags.push(tag.to_string());
                self
            }
        }

        pub fn restock(bin: Bin) -> (usize, D) {
            let Bin { tags, d } = bin;
            let n = tags.len();
            (n, d)
        }
    }

    pub fn both_bins() -> usize {
        let a = aisle::Bin::open("bin a").tag("x");
        let b = aisle::Bin::open("bin b");
        let (n, d) = aisle::restock(a);
        let keep = D("kept");
        drop(d);
        let m = b.tags.len();
        drop(keep);
        n + m
    }
}

cases! { plain_impls profiled_impls;
    generic_impl_with_where_clause => {
        // `start` is still a `const fn`: an array's length.
        both!(new: |m| {
            let zeros = [0u8; m::Stack::<u8>::start()];
            (call(m::Stack::<u8>::new), zeros)
        } => shown);
        both!(push: |m| {
            let mut s = m::Stack::new();
            let (a, b) = (String::from("a"), String::from("b"));
            call(|| {
                s.push(a).push(b);
            });
            s.items
        });
        for n in 0..3u8 {
            both!(pop_two: |m| {
                let mut s = m::Stack::new();
                for i in 0..n {
                    s.push(vec![i]);
                }
                let two = call(|| s.pop_two());
                (two, s.items)
            });
        }
        // `self` by value: the stack's vector is freed after the report is taken.
        both!(map [unbalanced] (m::Stack { items: vec![1u32, 2, 3] }): |m, s| {
            s.map(|x| x.to_string()).items
        });
        both!(doubled (m::Stack { items: vec![1u8, 2] }): |m, s| call(|| s.doubled()).items);
    }
    impl_with_lifetime_and_own_arguments => {
        let text = String::from(" alpha beta  gamma ");
        let words = both!(next_word: |m| {
            let mut w = m::Words { text: &text, seen: 0 };
            let mut out = Vec::new();
            while let Some(word) = call(|| w.next_word()) {
                out.push(word);
            }
            (out, w.seen)
        });
        assert!(std::ptr::eq(words.0[0].as_ptr(), text[1..].as_ptr()), "borrowed from the text");
        both!(upper: |m| {
            let mut w = m::Words { text: &text, seen: 0 };
            let up = call(|| w.upper());
            (up, w.seen())
        });
        both!(lengths: |m| {
            let w = m::Words { text: "a bb ccc", seen: 0 };
            call(|| w.lengths())
        });
        let (_, reports) = memory_profiler::capture(|| {
            let mut w = Words { text: "x yy", seen: 0 };
            (w.upper(), w.seen(), w.lengths())
        });
        let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
        assert_eq!(names, ["Words<'a>::next_word", "Words<'a>::upper", "Words<'a>::lengths"]);
        // The impl's unit, and the method's own columns on top of it.
        let upper = reports.function("upper").unwrap().to_string();
        assert!(upper.contains("Allocs") && upper.contains("Peak") && upper.contains(" B "));
        // Written on one line: its row is its signature's, with what its code allocated.
        let lengths = reports.function("lengths").unwrap();
        assert_eq!(lengths.rows().len(), 1);
        assert_eq!(lengths.rows()[0].allocations, 1);
    }
    trait_default_methods_calling_others => {
        both!(describe: |m| {
            let s = m::Stack { items: vec![1u8, 2] };
            call(|| m::Describe::describe(&s))
        });
        both!(describe_all: |m| {
            let s = m::Stack { items: vec!['x'] };
            call(|| m::Describe::describe_all(&s))
        });
        both!(boxed (m::Stack { items: vec![1u16] }): |m, s| {
            let b = call(|| m::Describe::boxed(s));
            (b.items.clone(), m::Describe::required(&*b))
        });
        let (_, reports) = memory_profiler::capture(|| {
            let s = Stack { items: vec![1u8] };
            Describe::describe_all(&s)
        });
        let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
        assert_eq!(
            names,
            [
                "<Stack<T> as Shelf>::items",
                "<Stack<T> as Shelf>::label",
                "Describe::describe",
                "Describe::describe_all",
            ]
        );
        assert_eq!(reports.function("describe").unwrap().calls(), 2);
    }
    drop_and_iterator_impls => {
        both!(drop: |m| {
            let g = m::Guarded { name: "guarded", held: vec![1, 2], marker: D("marker") };
            log(g.marker.0);
            call(|| drop(g));
            log("after");
        });
        // The vector the twin allocated is freed in the profiled `drop`.
        both!(drop [unbalanced]: |m| {
            let _quiet = m::Guarded { name: "quiet", held: Vec::new(), marker: D("quiet marker") };
            let _loud = m::Guarded { name: "loud", held: vec![3], marker: D("loud marker") };
            log("end of scope");
        });
        both!(next: |m| {
            let mut c = m::Countdown { left: 3, trail: Vec::new() };
            let mut total = 0;
            for x in &mut c {
                total += x;
            }
            (total, c.trail)
        });
        both!(next: |m| {
            let mut c = m::Countdown { left: 4, trail: Vec::with_capacity(8) };
            let mut out = Vec::with_capacity(8);
            while let Some(x) = call(|| c.next()) {
                out.push(x * 2);
            }
            (out, c.trail)
        });
    }
    a_method_on_its_own => {
        both!(remaining: |m| {
            let c = m::Countdown { left: 3, trail: Vec::new() };
            call(|| c.remaining())
        });
        let c = Countdown { left: 2, trail: Vec::new() };
        let (_, reports) = memory_profiler::capture(|| c.remaining());
        assert_eq!(reports.iter().next().map(|r| r.function()), Some("Countdown::remaining"));
    }
    nested_modules => {
        // A `const fn` (still const: a constant's length) and a macro's function, left alone.
        both!(shelf: |m| {
            let n = m::store::CAPACITY.len() + m::store::capacity();
            let made = m::store::made_by_a_macro();
            (call(|| m::store::shelf(n)), made)
        });
        both!(open: |m| m::store::aisle::Bin::open("opened").tags);
        both!(tag (m::store::aisle::Bin::open("tagged")): |m, b| {
            let b = call(|| b.tag("t"));
            (b.tags.clone(), b.d.0)
        });
        both!(restock (m::store::aisle::Bin::open("restocked").tag("r")): |m, b| {
            let (n, d) = m::store::aisle::restock(b);
            log("restocked");
            (n, d.0)
        });
        both!(both_bins: |m| m::store::both_bins());
        let (v, reports) = memory_profiler::capture(store::made_by_a_macro);
        assert_eq!((v, reports.len()), (vec![1, 2, 3], 0), "a macro's function is left alone");
        let (_, reports) = memory_profiler::capture(|| {
            store::aisle::Bin::open("named").tag("n")
        });
        let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
        assert_eq!(names, ["Bin::open", "Bin::tag"]);
        let (_, reports) = memory_profiler::capture(|| store::shelf(1));
        let shelf = reports.function("shelf").unwrap();
        assert!(shelf.module_path().ends_with("::store"), "{}", shelf.module_path());
    }
}
