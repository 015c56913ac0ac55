//! `async fn`: awaits that really suspend, awaits of other profiled `async fn`s, methods and
//! trait methods, references into the arguments, `?`, loops with awaits, awaits in scrutinees
//! and tails, recursion through `Box::pin`, futures that are not `Send` (their twins must not
//! be either) and futures that are (their twins must be too), futures dropped before they
//! complete, async closures and blocks inside, panics.

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::useless_vec)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use std::cell::Cell;
// In the prelude of edition 2024 only.
#[allow(unused_imports)]
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Mutex;

use corpus::{D, log, yield_now};

#[p]
pub async fn fetch(n: usize) -> usize {
    let a = vec![0u8; n];
    yield_now().await;
    let b = vec![1u8; 2 * n];
    yield_now().await;
    a.len() + b.len()
}

#[p]
pub async fn awaits_profiled(n: usize) -> usize {
    let first = fetch(n).await;
    let _d = D("awaits_profiled local");
    let second = fetch(first).await;
    first + second
}

#[p]
pub async fn drops_across_awaits(k: u32) -> u32 {
    let _a = D("async a");
    yield_now().await;
    let b = D("async b");
    yield_now().await;
    drop(b);
    log("async after drop");
    D("async tail temp").pick(k)
}

pub struct Store {
    pub items: Vec<u32>,
}

impl Store {
    #[p]
    pub async fn total(&self) -> u32 {
        let mut sum = 0;
        for x in &self.items {
            yield_now().await;
            sum += x;
        }
        sum
    }

    #[p]
    pub async fn push_later(&mut self, x: u32) -> usize {
        yield_now().await;
        self.items.push(x);
        self.items.len()
    }
}

/// The attribute on the impl, and on a module: its `async fn`s are profiled per poll too.
pub struct Shelf {
    pub items: Vec<u32>,
}

#[p]
impl Shelf {
    pub async fn restock(&mut self, n: u32) -> usize {
        for i in 0..n {
            yield_now().await;
            self.items.push(i);
        }
        self.items.len()
    }

    pub async fn count(&self) -> usize {
        yield_now().await;
        self.items.len()
    }
}

#[p]
pub mod async_module {
    use corpus::{D, yield_now};

    pub async fn fill(n: usize) -> Vec<u8> {
        let _d = D("fill local");
        yield_now().await;
        vec![1; n]
    }
}

pub trait Source {
    async fn get(&self, i: usize) -> Option<u32>;

    #[p]
    async fn get_two(&self) -> (Option<u32>, Option<u32>) {
        let a = self.get(0).await;
        let b = self.get(1).await;
        (a, b)
    }
}

impl Source for Store {
    #[p]
    async fn get(&self, i: usize) -> Option<u32> {
        yield_now().await;
        self.items.get(i).copied()
    }
}

#[p]
pub async fn first_big(v: &[u32], limit: u32) -> Option<&u32> {
    for x in v {
        yield_now().await;
        if *x > limit {
            return Some(x);
        }
    }
    None
}

#[p]
pub async fn parse_later(a: &str, b: &str) -> Result<u32, std::num::ParseIntError> {
    let _local = D("parse_later local");
    let x: u32 = a.parse()?;
    yield_now().await;
    let y: u32 = b.parse()?;
    Ok(x + y)
}

#[p]
pub async fn loops_with_awaits(n: u32) -> Vec<u32> {
    let mut out = Vec::with_capacity(8);
    'outer: for i in 0..n {
        let mut j = 0;
        while j < i {
            yield_now().await;
            if i * j == 6 {
                continue 'outer;
            }
            if i + j > 7 {
                break 'outer;
            }
            out.push(i * 10 + j);
            j += 1;
        }
    }
    loop {
        yield_now().await;
        if out.len() % 2 == 0 {
            break;
        }
        out.push(0);
    }
    out
}

#[p]
pub async fn awaits_in_scrutinees(k: u32) -> u32 {
    let v = match ready(k).await {
        0 => ready(100).await,
        n if n > 5 => {
            log("awaits_in_scrutinees big");
            n
        }
        n => n + 1,
    };
    // (A `let` chain whose scrutinee awaits is in `let_chains.rs`: edition 2024 only.)
    if let Some(x) = ready_opt(v).await {
        x + ready(1).await
    } else {
        ready(0).await
    }
}

async fn ready(x: u32) -> u32 {
    yield_now().await;
    x
}

async fn ready_opt(x: u32) -> Option<u32> {
    yield_now().await;
    Some(x)
}

#[p]
pub fn depth_sum(n: u64) -> Pin<Box<dyn Future<Output = u64> + Send>> {
    Box::pin(async move {
        if n == 0 {
            return 0;
        }
        yield_now().await;
        depth_sum(n - 1).await + n
    })
}

#[p]
pub async fn recursive(n: u32) -> u32 {
    let buf = vec![0u8; 8];
    if n == 0 {
        return buf.len() as u32;
    }
    let below = Box::pin(recursive(n - 1)).await;
    below + 1
}

#[p]
pub async fn not_send_rc(n: u32) -> u32 {
    let shared = Rc::new(Cell::new(n));
    yield_now().await;
    shared.set(shared.get() * 2);
    shared.get()
}

#[p]
#[allow(clippy::await_holding_lock)] // the shape under test: a guard held across an await
pub async fn not_send_guard(m: &Mutex<Vec<u32>>) -> usize {
    let guard = m.lock().unwrap();
    yield_now().await;
    guard.len()
}

#[p]
pub async fn send_generic<T: Send + Clone + std::fmt::Debug>(x: T) -> String {
    let copy = x.clone();
    yield_now().await;
    format!("{x:?}/{copy:?}")
}

#[p]
pub async fn impl_trait_arg(it: impl IntoIterator<Item = u32> + Send) -> u32 {
    let mut s = 0;
    for x in it {
        yield_now().await;
        s += x;
    }
    s
}

#[p]
pub async fn joined_blocks(n: u32) -> u32 {
    let a = async {
        yield_now().await;
        n + 1
    };
    let b = async move {
        yield_now().await;
        n * 2
    };
    let add = async |x: u32| {
        yield_now().await;
        x + 1000
    };
    a.await + b.await + add(n).await
}

#[p]
pub async fn slow_with_drops(n: u32) -> u32 {
    let _first = D("slow first");
    for i in 0..n {
        let _each = D("slow each");
        yield_now().await;
        log(if i % 2 == 0 { "slow even" } else { "slow odd" });
    }
    n
}

#[p]
pub async fn async_panics(k: u32) -> u32 {
    let _local = D("async_panics local");
    yield_now().await;
    if k == 0 {
        panic!("async panic");
    }
    k
}

#[p]
pub async fn empty_async() {}

/// A trait whose method's future must be `Send`: the profiled impl must still satisfy it.
pub trait SendSource {
    fn fetch_send(&self, n: usize) -> impl Future<Output = usize> + Send;
}

impl SendSource for Store {
    #[p]
    async fn fetch_send(&self, n: usize) -> usize {
        let v = vec![0u8; n];
        yield_now().await;
        v.len() + self.items.len()
    }
}

#[p]
pub async fn maybe_send<T: Clone + std::fmt::Debug>(x: T) -> String {
    let copy = x.clone();
    yield_now().await;
    format!("{copy:?}")
}

// Async shapes inside otherwise synchronous files' themes, kept here so that those files
// compile in edition 2015 too.

#[p]
pub fn async_block_future(n: usize) -> impl Future<Output = usize> {
    let v = vec![0u8; n];
    async move {
        corpus::yield_now().await;
        v.len()
    }
}

#[p]
pub fn async_closure_in_body(k: u32) -> u32 {
    let add = async |x: u32| {
        corpus::yield_now().await;
        x + k
    };
    corpus::block_on(add(1)) + corpus::block_on(add(2))
}

/// A module without the implicit prelude: the expansion names everything by absolute paths.
pub mod no_prelude {
    #![no_implicit_prelude]

    use super::p;

    #[p]
    pub async fn awaited(n: u32) -> u32 {
        ::corpus::yield_now().await;
        let v = ::std::vec![n; 2];
        v[0] + v[1]
    }
}

cases! { plain_asyncs profiled_asyncs;
    awaits_that_suspend => {
        let (v, send) = both!(async fetch: |m| m::fetch(100));
        assert_eq!((v, send), (300, true));
        both!(async awaits_profiled: |m| m::awaits_profiled(10));
        for k in [0, 4] {
            both!(async drops_across_awaits: |m| m::drops_across_awaits(k));
        }
        both!(async empty_async: |m| m::empty_async());
    }
    async_functions_of_an_impl_and_a_module => {
        both!(restock (m::Shelf { items: Vec::new() }): |m, s| {
            let mut s = s;
            let n = call(|| corpus::block_on(s.restock(3)));
            (n, s.items)
        });
        both!(count (m::Shelf { items: vec![1, 2] }): |m, s| call(|| corpus::block_on(s.count())));
        let (v, send) = both!(async fill: |m| m::async_module::fill(5));
        assert_eq!((v, send), (vec![1; 5], true));
        let (_, reports) = memory_profiler::capture(|| {
            let mut s = Shelf { items: Vec::new() };
            corpus::block_on(s.restock(1))
        });
        assert_eq!(reports.iter().next().unwrap().function(), "Shelf::restock");
    }
    methods_and_trait_methods => {
        both!(total (m::Store { items: vec![1, 2, 3] }): |m, s| {
            let send = corpus::is_send!(s.total());
            (call(|| corpus::block_on(s.total())), send, s)
        } => |(v, send, _)| (v, send));
        both!(push_later (m::Store { items: vec![1; 3] }): |m, s| {
            let mut s = s;
            let n = corpus::block_on(s.push_later(5));
            (n, s.items)
        });
        both!(get_two (m::Store { items: vec![7, 8] }): |m, s| {
            use m::Source as _;
            let send = corpus::is_send!(s.get_two());
            (call(|| corpus::block_on(s.get_two())), send, s)
        } => |(v, send, _)| (v, send));
    }
    references_question_marks_loops => {
        let v = vec![1, 5, 9];
        let r = both!(async first_big: |m| m::first_big(&v, 4));
        assert!(std::ptr::eq(r.0.unwrap(), &v[1]), "a reference into the argument");
        both!(async first_big: |m| m::first_big(&v, 40));
        for (a, b) in [("1", "2"), ("x", "2"), ("1", "y")] {
            let _ = both!(async parse_later: |m| m::parse_later(a, b));
        }
        for n in [0, 3, 5] {
            both!(async loops_with_awaits: |m| m::loops_with_awaits(n));
        }
        for k in [0, 3, 9] {
            both!(async awaits_in_scrutinees: |m| m::awaits_in_scrutinees(k));
        }
    }
    recursion => {
        // Not an `async fn`: it returns its future, whose boxes are freed when it completes.
        let (v, send) = both!(async depth_sum [unbalanced]: |m| m::depth_sum(3));
        assert_eq!((v, send), (6, true));
        // Each call of an `async fn` reports on its own; the captured report sums them, so the
        // inner calls count both in their own rows and on their caller's line. The boxed
        // futures of the profiled twin hold their calls' tables: bigger boxes.
        both!(async recursive [unbalanced, bigger]: |m| m::recursive(3));
    }
    send_and_not_send => {
        let (_, send) = both!(async not_send_rc: |m| m::not_send_rc(4));
        assert!(!send);
        let locks = [Mutex::new(vec![1, 2]), Mutex::new(vec![1, 2])];
        let locks = corpus::Each::new(&locks);
        let (_, send) = both!(async not_send_guard (locks.next()): |m, l| m::not_send_guard(l));
        assert!(!send);
        let (_, send) = both!(async send_generic: |m| m::send_generic(7u8));
        assert!(send);
        let (_, send) = both!(async send_generic: |m| m::send_generic(Some('x')));
        assert!(send);
        both!(async impl_trait_arg: |m| m::impl_trait_arg([1, 2, 3]));
        let (_, send) = both!(async maybe_send: |m| m::maybe_send(3u8));
        assert!(send);
        let (_, send) = both!(async maybe_send [unbalanced]: |m| m::maybe_send(Rc::new(3u8)));
        assert!(!send, "not Send when its argument is not");
        both!(fetch_send (m::Store { items: vec![1] }): |m, s| {
            use m::SendSource as _;
            let send = corpus::is_send!(s.fetch_send(3));
            (call(|| corpus::block_on(s.fetch_send(3))), send, s)
        } => |(v, send, _)| (v, send));
        both!(async joined_blocks: |m| m::joined_blocks(4));
    }
    cancelled_futures => {
        for polls in [1, 2, 3, 10] {
            both!(slow_with_drops: |m| corpus::poll_then_drop(m::slow_with_drops(3), polls));
        }
        // A cancelled future that frees memory: see the ignored test
        // `a_cancelled_call_keeps_the_enclosing_peak`.
        // Never polled: the body never started, and nothing reports.
        corpus::take_log();
        let never = __profiled::slow_with_drops(1);
        let ((), reports) = memory_profiler::capture(|| drop(never));
        assert!(reports.is_empty() && corpus::take_log().is_empty());
    }
    async_panics => {
        both!(panic async_panics: |m| corpus::block_on(m::async_panics(0)));
        both!(async async_panics: |m| m::async_panics(1));
    }
    moved_from_other_files => {
        // The block runs after the function returned: only making it is the function's.
        both!(async_block_future: |m| {
            let future = call(|| m::async_block_future(8));
            (corpus::is_send!(future), corpus::block_on(future))
        });
        both!(async_closure_in_body: |m| m::async_closure_in_body(3));
        both!(async awaited: |m| m::no_prelude::awaited(4));
    }
}
