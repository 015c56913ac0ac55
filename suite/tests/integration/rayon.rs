//! Work handed to rayon, charged to the measuring thread: `charged` around the closures of
//! parallel iterators (`map`, `for_each`), `Charge` around `fold`'s and `rayon::scope`'s. Each
//! item allocates a vector of its own size, so the charged figures are exact sums; the
//! measuring thread only waits on a pool of its own (warmed up first, so that handing it the
//! work allocates nothing), where every item runs on the pool's threads.

use memory_profiler::{charged, measure, Charge, Usage};
use rayon::prelude::*;

const THREADS: usize = 4;

/// Item `i` allocates `1000 + i` bytes: 100 items, 104,950 bytes, the largest 1,099.
fn sizes() -> Vec<usize> {
    (0..100).map(|i| 1000 + i).collect()
}

fn pool() -> rayon::ThreadPool {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .unwrap();
    // Its threads start and the first job's bookkeeping is made before any measurement.
    for _ in 0..3 {
        pool.install(|| (0..1000).into_par_iter().map(|i| i * 2).sum::<usize>());
    }
    pool
}

/// The items' allocations and bytes, all freed, at least the largest one at the peak and at
/// most one per pool thread at once.
fn exactly_the_items(usage: &Usage) {
    let sizes = sizes();
    let largest = *sizes.iter().max().unwrap() as i64;
    assert_eq!(
        (usage.allocations, usage.deallocations, usage.reallocations),
        (100, 100, 0),
        "{usage:?}"
    );
    assert_eq!(
        (usage.bytes_allocated, usage.bytes_freed, usage.net),
        (104_950, 104_950, 0),
        "{usage:?}"
    );
    assert!(
        (largest..=THREADS as i64 * largest).contains(&usage.peak),
        "{usage:?}"
    );
}

#[test]
fn parallel_map_and_for_each() {
    let pool = pool();
    let sizes = sizes();
    // `charged` is called on the measuring thread: outside `install`, whose closure runs on a
    // pool thread (where no measurement is open, so nothing would be charged).
    let (total, usage) = measure(|| {
        let count = charged(|n: &usize| std::hint::black_box(vec![0u8; *n]).len());
        pool.install(|| sizes.par_iter().map(&count).sum::<usize>())
    });
    assert_eq!(total, 104_950);
    exactly_the_items(&usage);

    let (_, usage) = measure(|| {
        let make = charged(|n: &usize| {
            std::hint::black_box(vec![1u8; *n]);
        });
        pool.install(|| sizes.par_iter().for_each(&make))
    });
    exactly_the_items(&usage);

    // Uncharged, the same work is invisible to the measuring thread.
    let (_, usage) = measure(|| {
        pool.install(|| {
            sizes
                .par_iter()
                .map(|n| std::hint::black_box(vec![0u8; *n]).len())
                .sum::<usize>()
        })
    });
    assert_eq!((usage.allocations, usage.bytes_allocated), (0, 0));
}

#[test]
fn on_the_global_pool_from_the_measuring_thread() {
    // As most programs use rayon: the parallel iterator is built on the measuring thread and
    // its work goes to the global pool. Handing it over may allocate on this thread (the
    // pool's queues), so the figures are the items' plus that.
    let sizes = sizes();
    let (total, usage) = measure(|| {
        sizes
            .par_iter()
            .map(charged(|n: &usize| {
                std::hint::black_box(vec![0u8; *n]).len()
            }))
            .sum::<usize>()
    });
    assert_eq!(total, 104_950);
    assert!(usage.allocations >= 100, "{usage:?}");
    assert!(usage.bytes_allocated >= 104_950, "{usage:?}");
}

#[test]
fn fold_and_scope_with_a_charge() {
    let pool = pool();
    let sizes = sizes();
    let (total, usage) = measure(|| {
        let charge = Charge::current();
        pool.install(|| {
            sizes
                .par_iter()
                .fold(
                    || 0,
                    |sum, n| charge.run(|| sum + std::hint::black_box(vec![0u8; *n]).len()),
                )
                .sum::<usize>()
        })
    });
    assert_eq!(total, 104_950);
    exactly_the_items(&usage);

    let (_, usage) = measure(|| {
        let charge = Charge::current();
        pool.install(|| {
            rayon::scope(|s| {
                for n in &sizes {
                    let charge = &charge;
                    s.spawn(move |_| {
                        charge.run(|| {
                            std::hint::black_box(vec![2u8; *n]);
                        })
                    });
                }
            })
        })
    });
    // `rayon::scope` boxes each spawned job on the thread that spawns it: inside the pool, so
    // uncharged; the items themselves are charged.
    exactly_the_items(&usage);
}

#[test]
fn work_left_allocated_raises_each_threads_peak() {
    // Each item keeps its vector: the pool threads' charged calls add up on each thread, and
    // the measuring thread frees them all at the end.
    let pool = pool();
    let sizes = sizes();
    let (kept, usage) = measure(|| {
        let make = charged(|n: &usize| vec![0u8; *n]);
        let kept: Vec<Vec<u8>> = pool.install(|| sizes.par_iter().map(&make).collect());
        kept.iter().map(Vec::len).sum::<usize>()
    });
    assert_eq!(kept, 104_950);
    // The collected `Vec` (100 × 24 bytes) is allocated on a pool thread, outside the charged
    // closures; the items are charged; they are all freed on the measuring thread.
    assert_eq!((usage.allocations, usage.bytes_allocated), (100, 104_950));
    assert_eq!(usage.net, -2400, "{usage:?}");
    // Every item was live at once (the measuring thread held them all): the peak bound holds
    // them all.
    assert!(usage.peak >= 104_950, "{usage:?}");
}
