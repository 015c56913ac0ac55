//! A closed stdout (`program | head`): the profiler stops writing reports there, says so in
//! one line on stderr, prints no panic message, and the program goes on.
//!
//! Without the test harness (`harness = false`), which itself fails on a closed stdout: the
//! binary runs itself again as the program whose stdout is closed (so with a re-run of its own,
//! not `memory_profiler_suite::run_child`, which reads the child's stdout; and a test binary of
//! its own, not a module of `integration/`).

use std::io::Read;
use std::process::{Command, Stdio};

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

const CHILD: &str = "MEMORY_PROFILER_TEST_CLOSED_STDOUT";

#[profile]
fn reported(n: usize) -> usize {
    let v = vec![1u8; n];
    v.len()
}

/// The program: reports written to a stdout whose reader is gone.
fn child() {
    // Wait until the parent closed its end of the pipe.
    std::thread::sleep(std::time::Duration::from_millis(300));
    for n in 0..1000 {
        assert_eq!(reported(n), n);
    }
    eprintln!("child done");
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        return child();
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(CHILD, "1")
        .env_remove("MEMORY_PROFILER_REPORT")
        .env_remove("MEMORY_PROFILER_MPROF")
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // `| head` exited
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("child done"), "{stderr}");
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("memory_profiler"))
        .collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(
        said[0].starts_with("memory_profiler: cannot write reports to stdout:"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
    println!("closed_stdout: ok ({})", said[0]);
}
