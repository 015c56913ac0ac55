//! Temporaries and drop order: edition 2024's tail-expression temporaries (dropped before the
//! locals) and `if let` rescoping (the scrutinee's temporaries dropped before `else`), lock
//! guards and `RefCell` borrows in match, `if let`, `while let`, `while` and `for` heads,
//! temporary lifetime extension, statement and argument temporaries, drop flags (conditional
//! and looped moves), partial moves, `_` patterns, assignments, field and element order.

// Shapes, not style: `let x = ..; x` tails and `vec!`s made to allocate are what is tested.
#![allow(clippy::useless_vec)]
// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::sync::{Mutex, RwLock};

use corpus::{D, log};

#[p]
pub fn tail_temp_before_locals(k: u32) -> u32 {
    let _local = D("tail_temp local");
    D("tail_temp temp").pick(k)
}

#[p]
pub fn tail_borrow_of_local() -> usize {
    let c = RefCell::new(vec![1, 2, 3]);
    // Edition 2024 only: the borrow (a tail temporary) is dropped before `c`.
    c.borrow().len()
}

#[p]
pub fn tail_lock_of_local(n: usize) -> usize {
    let m = Mutex::new(vec![1u8; n]);
    m.lock().unwrap().len()
}

#[p]
pub fn tail_lock_of_arg(m: &Mutex<Vec<u32>>) -> (usize, bool) {
    let _local = D("tail_lock_of_arg local");
    (m.lock().unwrap().len(), m.try_lock().is_err())
}

#[p]
pub fn tail_match_scrutinee(k: u32) -> u32 {
    let _local = D("tail_match local");
    match D("tail_match scrutinee").pick(k) {
        0 => D("tail_match arm temp").pick(5),
        n => {
            log("tail_match arm");
            n
        }
    }
}

#[p]
pub fn tail_if_let(k: u32) -> u32 {
    let _local = D("tail_if_let local");
    if let Some(x) = D("tail_if_let scrutinee").some(k)
        && x > 1
    {
        log("tail_if_let then");
        x
    } else {
        log("tail_if_let else");
        0
    }
}

#[p]
pub fn tail_method_chain_temps(k: u32) -> usize {
    let _local = D("chain local");
    D("chain a").name().len() + D("chain b").name().len() + k as usize
}

#[p]
pub fn if_let_rescope(m: &Mutex<Vec<u32>>) -> (bool, bool) {
    let then_held = if let Some(x) = m.lock().unwrap().first().copied()
        && x < 100
    {
        m.try_lock().is_err()
    } else {
        false
    };
    // Edition 2024: the guard is dropped before the `else` block runs.
    let else_free = if let Some(x) = m.lock().unwrap().first().copied()
        && x > 100
    {
        false
    } else {
        m.try_lock().is_ok()
    };
    (then_held, else_free)
}

#[p]
pub fn match_scrutinee_guard(m: &Mutex<Vec<u32>>) -> (bool, bool) {
    let held = match m.lock().unwrap().len() {
        0 => m.try_lock().is_err(),
        _ => {
            log("match_scrutinee_guard arm");
            m.try_lock().is_err()
        }
    };
    (held, m.try_lock().is_ok())
}

#[p]
pub fn while_let_borrow(q: &RefCell<Vec<u32>>) -> (u32, u32) {
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

#[p]
pub fn while_condition_temp(m: &Mutex<Vec<u32>>) -> (u32, u32) {
    let mut popped = 0;
    let mut free_in_body = 0;
    while m.lock().unwrap().len() > 1 {
        if m.try_lock().is_ok() {
            free_in_body += 1;
        }
        let x = m.lock().unwrap().pop();
        popped += x.unwrap_or(0);
    }
    (popped, free_in_body)
}

#[p]
pub fn for_head_lock(m: &Mutex<Vec<u32>>) -> (u32, u32, bool) {
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

#[p]
pub fn for_head_temp_in_tail(n: u32) {
    let _local = D("for_head_temp local");
    for _ in D("for_head_temp head").upto(n) {
        log("for_head_temp body");
    }
}

#[p]
pub fn for_head_lock_in_tail(n: u32) {
    let m = Mutex::new((0..n).collect::<Vec<u32>>());
    for x in m.lock().unwrap().iter() {
        if *x < 100 {
            log("for_head_lock_in_tail body");
        }
    }
}

#[p]
pub fn rwlock_head(rw: &RwLock<Vec<u32>>) -> (u32, u32, bool) {
    let mut sum = 0;
    let mut blocked = 0;
    for x in rw.read().unwrap().iter() {
        sum += x;
        if rw.try_write().is_err() {
            blocked += 1;
        }
    }
    (sum, blocked, rw.try_write().is_ok())
}

#[p]
pub fn lifetime_extension() -> usize {
    let x = &D("extended");
    let y = D("not extended").name().len();
    log("after lets");
    let z = &(D("extended tuple a"), D("extended tuple b"));
    let w = D("extended field").0;
    x.0.len() + y + z.0.0.len() + w.len()
}

#[p]
pub fn extended_through_arms(k: u32) -> usize {
    let s: &String = match k {
        0 => &String::from("zero"),
        _ => &format!("k={k}"),
    };
    let t = if k > 1 {
        &D("if extended")
    } else {
        &D("else extended")
    };
    log("after extended");
    s.len() + t.0.len()
}

#[p]
pub fn statement_temps() -> u32 {
    D("stmt outer").pick(D("stmt inner").pick(1));
    let s = D("let a").pick(1) + D("let b").pick(2);
    log("after statements");
    s
}

#[p]
pub fn argument_temps() -> u32 {
    let r = takes_two(D("arg a").pick(1), &D("arg b"));
    log("after argument temps");
    r
}

#[p]
pub fn takes_two(a: u32, b: &D) -> u32 {
    log("takes_two body");
    a + b.pick(1)
}

#[p]
pub fn return_temps(k: u32) -> u32 {
    let _local = D("return_temps local");
    if k > 0 {
        return D("return_temps temp").pick(k) + D("return_temps temp 2").pick(1);
    }
    0
}

#[p]
pub fn question_temps(k: Option<u32>) -> Result<u32, &'static str> {
    let _local = D("question_temps local");
    let v = k
        .ok_or(D("question_temps err temp").pick(0))
        .map_err(|_| "none")?;
    let w = D("question_temps temp")
        .some(v)
        .filter(|w| *w > 1)
        .ok_or("small")?;
    Ok(w)
}

#[p]
pub fn consume(d: D) {
    log("consumed");
    drop(d);
}

#[p]
pub fn locals_reverse_order() {
    let _a = D("locals a");
    let b = D("locals b");
    let _c = D("locals c");
    drop(b);
    log("after explicit drop");
}

#[p]
pub fn conditional_move(flag: bool) {
    let a = D("conditional a");
    if flag {
        consume(a);
    }
    log("conditional after");
}

#[p]
pub fn moves_in_loop(n: u32) {
    let mut x = D("moves first");
    for i in 0..n {
        consume(x);
        x = if i % 2 == 0 {
            D("moves even")
        } else {
            D("moves odd")
        };
    }
    log("moves done");
}

#[p]
pub fn partial_move(flag: bool) -> &'static str {
    let pair = (D("partial left"), D("partial right"));
    if flag {
        let (l, _) = pair;
        drop(l);
        log("partial moved");
    }
    log("partial after");
    "done"
}

#[p]
pub fn wildcard_lets() {
    let _ = D("wild immediate");
    let _kept = D("wild kept");
    _ = D("wild assign");
    let (_, _x) = (D("tuple wild"), D("tuple kept"));
    log("wild after");
}

#[p]
pub fn assignment_drops() -> usize {
    let mut x = D("assign old");
    log(x.0);
    x = D("assign new");
    log("assign after");
    let mut slot = Some(D("slot first"));
    let taken = slot.take();
    slot = Some(D("slot second"));
    let old = slot.replace(D("slot third"));
    drop(taken);
    drop(old);
    log("slots dropped");
    x.0.len() + slot.map_or(0, |d| d.0.len())
}

#[p]
pub fn guard_temps(k: u32) -> u32 {
    match k {
        n if D("guard temp").pick(n) > 1 => {
            log("guard big");
            n
        }
        n => n,
    }
}

#[p]
pub fn block_tail_temps(k: u32) -> u32 {
    let v = {
        let _inner = D("block inner");
        D("block tail temp").pick(k)
    };
    log("after block");
    let w = if v > 0 {
        let _i = D("if inner");
        D("if tail temp").pick(2)
    } else {
        0
    };
    v + w
}

#[p]
pub fn field_and_element_order() {
    struct S {
        _a: D,
        _b: D,
    }
    let _s = S {
        _b: D("field b"),
        _a: D("field a"),
    };
    let _v = vec![D("vec 0"), D("vec 1")];
    let _t = (D("tuple 0"), D("tuple 1"));
    let _arr = [D("arr 0"), D("arr 1")];
    log("order built");
}

#[p]
pub fn forget_and_manually_drop() {
    let f = D("forgotten");
    std::mem::forget(f);
    let md = ManuallyDrop::new(D("manual"));
    log("before manual drop");
    let inner = ManuallyDrop::into_inner(md);
    drop(inner);
    let _never = ManuallyDrop::new(D("never dropped"));
}

#[p]
pub fn else_if_let_temps(k: u32) -> &'static str {
    if let Some(0) = D("elif a").some(k) {
        "zero"
    } else if let Some(1) = D("elif b").some(k) {
        "one"
    } else {
        log("elif else");
        "many"
    }
}

#[p]
pub fn let_else_temps(k: u32) -> u32 {
    let _local = D("let_else_temps local");
    let Some(x) = D("let_else_temps scrutinee").some(k).filter(|x| *x > 0) else {
        log("let_else_temps else");
        return 0;
    };
    log("let_else_temps after");
    x
}

#[p]
pub fn refcell_borrows(c: &RefCell<Vec<u32>>) -> (usize, bool, bool, bool) {
    let n = c.borrow().len();
    let free_after_statement = c.try_borrow_mut().is_ok();
    let held_in_match = match c.borrow().first() {
        Some(_) => c.try_borrow_mut().is_err(),
        None => c.try_borrow_mut().is_err(),
    };
    let r = c.borrow();
    let held_by_local = c.try_borrow_mut().is_err();
    drop(r);
    (n, free_after_statement, held_in_match, held_by_local)
}

#[p]
pub fn returns_a_droppable(k: u32) -> (D, u32) {
    let keep = D("returned");
    let _other = D("returns_a_droppable other");
    (keep, k)
}

#[p]
pub fn heap_temporaries(n: usize) -> usize {
    let a = vec![0u8; n].len();
    let b = format!("{}-", "x".repeat(n)).len();
    let c = {
        let v = vec![1u32; n];
        v.iter().sum::<u32>() as usize
    };
    let kept: Vec<u8> = Vec::with_capacity(n);
    a + b + c + kept.capacity()
}

cases! { plain_temps profiled_temps;
    edition_2024_tail_temporaries => {
        for k in [0, 3] {
            both!(tail_temp_before_locals: |m| m::tail_temp_before_locals(k));
        }
        corpus::take_log();
        __plain::tail_temp_before_locals(1);
        assert_eq!(
            corpus::take_log(),
            ["tail_temp temp", "tail_temp local"],
            "edition 2024: a tail's temporaries drop before the locals"
        );
        both!(tail_borrow_of_local: |m| m::tail_borrow_of_local());
        both!(tail_lock_of_local: |m| m::tail_lock_of_local(5));
        let ms = [Mutex::new(vec![1, 2]), Mutex::new(vec![1, 2])];
        let ms = corpus::Each::new(&ms);
        let v = both!(tail_lock_of_arg (ms.next()): |m, mx| m::tail_lock_of_arg(mx));
        assert_eq!(v, (2, true), "the guard lives to the end of the tail expression");
        for k in [0, 1, 2] {
            both!(tail_match_scrutinee: |m| m::tail_match_scrutinee(k));
            both!(tail_if_let: |m| m::tail_if_let(k));
            both!(tail_method_chain_temps: |m| m::tail_method_chain_temps(k));
        }
    }
    scrutinees_and_loop_heads => {
        let fresh = || Mutex::new(vec![1, 2, 3]);
        let locks = [fresh(), fresh(), fresh(), fresh(), fresh(), fresh(), fresh(), fresh()];
        let locks = corpus::Each::new(&locks);
        let v = both!(if_let_rescope (locks.next()): |m, l| m::if_let_rescope(l));
        assert_eq!(v, (true, true), "edition 2024: the if-let guard is gone in `else`");
        let v = both!(match_scrutinee_guard (locks.next()): |m, l| {
            m::match_scrutinee_guard(l)
        });
        assert_eq!(v, (true, true), "the scrutinee's guard lives through the arms");
        let v = both!(while_condition_temp (locks.next()): |m, l| {
            m::while_condition_temp(l)
        });
        assert_eq!(v, (5, 2), "a `while` condition's temporaries drop before the body");
        let v = both!(for_head_lock (locks.next()): |m, l| m::for_head_lock(l));
        assert_eq!(v, (6, 3, true), "the head's guard lives through the loop, not after");
        let cells = [RefCell::new(vec![1, 2, 3]), RefCell::new(vec![1, 2, 3])];
        let cells = corpus::Each::new(&cells);
        let v = both!(while_let_borrow (cells.next()): |m, c| m::while_let_borrow(c));
        assert_eq!(v, (6, 3), "the `while let` borrow lives through each body");
        both!(for_head_temp_in_tail: |m| m::for_head_temp_in_tail(2));
        both!(for_head_lock_in_tail: |m| m::for_head_lock_in_tail(3));
        let rws = [RwLock::new(vec![4, 5]), RwLock::new(vec![4, 5])];
        let rws = corpus::Each::new(&rws);
        let v = both!(rwlock_head (rws.next()): |m, rw| m::rwlock_head(rw));
        assert_eq!(v, (9, 2, true));
        let cells = [RefCell::new(vec![1]), RefCell::new(vec![1])];
        let cells = corpus::Each::new(&cells);
        let v = both!(refcell_borrows (cells.next()): |m, c| m::refcell_borrows(c));
        assert_eq!(v, (1, true, true, true));
    }
    statement_argument_return_temporaries => {
        both!(lifetime_extension: |m| m::lifetime_extension());
        for k in [0, 1, 2] {
            both!(extended_through_arms: |m| m::extended_through_arms(k));
        }
        both!(statement_temps: |m| m::statement_temps());
        both!(argument_temps: |m| m::argument_temps());
        for k in [0, 2] {
            both!(return_temps: |m| m::return_temps(k));
            both!(guard_temps: |m| m::guard_temps(k));
            both!(block_tail_temps: |m| m::block_tail_temps(k));
            both!(else_if_let_temps: |m| m::else_if_let_temps(k));
            both!(let_else_temps: |m| m::let_else_temps(k));
        }
        for k in [None, Some(1), Some(5)] {
            let _ = both!(question_temps: |m| m::question_temps(k));
        }
        both!(else_if_let_temps: |m| m::else_if_let_temps(1));
        both!(heap_temporaries: |m| m::heap_temporaries(10));
    }
    drop_flags_and_moves => {
        both!(locals_reverse_order: |m| m::locals_reverse_order());
        for flag in [true, false] {
            both!(conditional_move: |m| m::conditional_move(flag));
            both!(partial_move: |m| m::partial_move(flag));
        }
        for n in [0, 1, 4] {
            both!(moves_in_loop: |m| m::moves_in_loop(n));
        }
        both!(consume (D("consumed arg")): |m, d| m::consume(d));
        both!(wildcard_lets: |m| m::wildcard_lets());
        both!(assignment_drops: |m| m::assignment_drops());
        both!(field_and_element_order: |m| m::field_and_element_order());
        both!(forget_and_manually_drop: |m| m::forget_and_manually_drop());
        let (d, k) = both!(returns_a_droppable: |m| m::returns_a_droppable(4));
        assert_eq!((d.0, k), ("returned", 4));
    }
}
