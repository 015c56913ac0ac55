//! `async unsafe fn` over a raw pointer (edition 2018 and later; `unsafe` operations in
//! `unsafe` blocks, as edition 2024 asks): a file of its own, as the other async shapes' file
//! forbids `unsafe` code.

prelude!();

/// # Safety
/// `p` points to a readable `u32`.
#[p]
pub async unsafe fn async_unsafe(p: *const u32) -> u32 {
    corpus::yield_now().await;
    // SAFETY: the caller's guarantee.
    unsafe { *p }
}

cases! { plain_async_pointers profiled_async_pointers;
    async_unsafe_fn => {
        let x = 5u32;
        // SAFETY: `x` is alive for the call.
        both!(async async_unsafe: |m| unsafe { m::async_unsafe(&x) });
    }
}
