//! Without a counting allocator the figures fall back to the resident set size, and the report
//! says how to install the allocator. (This test crate deliberately installs none.)

use memory_profiler::{capture, profile, Measured};

#[profile]
fn touch_pages(mib: usize) -> usize {
    let v = vec![1u8; mib << 20];
    let sum: usize = v.iter().step_by(4096).map(|&b| b as usize).sum();
    sum
}

#[test]
fn falls_back_to_resident_set_size_with_a_note() {
    assert!(!memory_profiler::allocator_installed());
    let (sum, reports) = capture(|| touch_pages(64));
    assert_eq!(sum, (64 << 20) / 4096);
    let report = reports.function("touch_pages").unwrap();
    assert_eq!(report.measured(), Measured::ResidentSetSize);
    // 64 MiB of written pages raise the resident set by about that much (the allocator may
    // have kept some pages from before, hence the margin).
    let line = report.line_containing("vec![1u8").unwrap();
    assert!(line.increment > 48 << 20, "{report}");
    assert!(report.to_string().contains(
        "memory_profiler: no counting allocator, figures are the resident set size; for exact heap figures add \
         `#[global_allocator] static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();`"
    ));
}

#[test]
fn measure_refuses_wrong_figures() {
    let err = std::panic::catch_unwind(|| memory_profiler::measure(|| 1)).unwrap_err();
    let message = err
        .downcast_ref::<&str>()
        .copied()
        .or(err.downcast_ref::<String>().map(String::as_str))
        .unwrap();
    assert!(message.contains(
        "static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();"
    ));
}
