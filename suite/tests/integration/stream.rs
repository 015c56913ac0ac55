//! `stream = "path"`: the first report of the process truncates the file, later ones append;
//! a report that cannot be written leaves the program running.

use memory_profiler::profile;

#[profile(stream = "../target/tmp/stream-append.txt")]
fn appended(n: usize) -> usize {
    let v = vec![1u8; n];
    v.len()
}

#[profile(stream = "../target/no-such-directory/report.txt")]
fn unwritable(n: usize) -> usize {
    let v = vec![1u8; n];
    v.len()
}

#[profile(stream = "stderr")]
fn to_stderr() -> u8 {
    7
}

#[test]
fn first_report_truncates_later_ones_append() {
    std::fs::create_dir_all("../target/tmp").unwrap();
    std::fs::write(
        "../target/tmp/stream-append.txt",
        "left over from an earlier run\n",
    )
    .unwrap();
    assert_eq!(appended(10), 10);
    assert_eq!(appended(20), 20);
    assert_eq!(appended(30), 30);
    let text = std::fs::read_to_string("../target/tmp/stream-append.txt").unwrap();
    assert!(
        !text.contains("left over"),
        "the first report truncated the file"
    );
    assert_eq!(
        text.matches("Filename: suite/tests/integration/stream.rs\n")
            .count(),
        3
    );
    assert!(text.starts_with("Filename: suite/tests/integration/stream.rs\n\nLine #    Mem usage"));
}

#[test]
fn an_unwritable_stream_does_not_stop_the_program() {
    // The report cannot be written (the directory does not exist): stderr says so once, and
    // the function's value is unchanged.
    for n in 0..3 {
        assert_eq!(unwritable(n), n);
    }
    assert!(!std::path::Path::new("../target/no-such-directory").exists());
}

#[test]
fn stderr_stream() {
    assert_eq!(to_stderr(), 7);
}
