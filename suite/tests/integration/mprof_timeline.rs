//! Under `mprof run` (the environment variable `MEMORY_PROFILER_MPROF` names the `.dat` file),
//! every call of a `#[profile]` function appends memory_profiler's `FUNC` line, and the line
//! reports are not printed unless `MEMORY_PROFILER_REPORTS=1`. The variables are read once per
//! process, so each case runs this test binary again as a child (the `child` test, which does
//! nothing on its own). `mprof/tests/` runs real programs under the `mprof` binary.

use std::path::{Path, PathBuf};

use memory_profiler::profile;
use memory_profiler_suite::{is_child, run_child};

const MIB: usize = 1 << 20;

/// 32 MiB, written to so that they are resident, handed back to the caller.
#[profile]
fn inner() -> Vec<u8> {
    let v = vec![1u8; 32 * MIB];
    v
}

#[profile]
fn outer() -> usize {
    let a = inner();
    let b = inner();
    a.len() + b.len()
}

mod nested {
    #[memory_profiler::profile]
    pub fn on_a_thread() -> u64 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        (0..1000u64).sum()
    }

    /// Methods: their `FUNC` names are dotted too, with no space.
    pub struct Pool<K, V>(pub Vec<(K, V)>);

    pub trait Drain {
        fn drain_all(&mut self) -> usize;
    }

    #[memory_profiler::profile]
    impl<K, V> Pool<K, V> {
        pub fn fill(&mut self, k: K, v: V) -> usize {
            self.0.push((k, v));
            self.0.len()
        }
    }

    #[memory_profiler::profile]
    impl<K, V> Drain for Pool<K, V> {
        fn drain_all(&mut self) -> usize {
            let all = std::mem::take(&mut self.0);
            all.len()
        }
    }
}

#[test]
fn child() {
    if !is_child(module_path!(), "child") {
        return;
    }
    assert_eq!(outer(), 64 * MIB);
    // Another thread's outermost call is at level 0 too.
    let sum = std::thread::spawn(nested::on_a_thread).join().unwrap();
    assert_eq!(sum, 499_500);
    let mut pool = nested::Pool(Vec::new());
    assert_eq!(pool.fill(1u8, "one"), 1);
    assert_eq!(nested::Drain::drain_all(&mut pool), 1);
    println!("child done");
}

fn dat_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("mprof_timeline_{}_{name}.dat", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// The child under `mprof run`, every call lasting a sampling interval (each gets its line).
fn under_mprof(dat: &Path, reports: bool) -> (String, String) {
    under_mprof_every(dat, reports, "0.000000001")
}

/// The child under `mprof run` with a sampling interval of `interval` seconds, its line
/// reports printed if `reports`.
fn under_mprof_every(dat: &Path, reports: bool, interval: &str) -> (String, String) {
    let child = run_child(
        module_path!(),
        "child",
        &[
            ("MEMORY_PROFILER_MPROF", dat.to_str()),
            ("MEMORY_PROFILER_MPROF_INTERVAL", Some(interval)),
            ("MEMORY_PROFILER_REPORTS", reports.then_some("1")),
        ],
    );
    assert!(child.success, "{}\n{}", child.stdout, child.stderr);
    assert!(child.stdout.contains("child done"), "{}", child.stdout);
    (child.stdout, child.stderr)
}

#[derive(Debug)]
struct Func {
    name: String,
    entry_mib: f64,
    entry_time: f64,
    exit_mib: f64,
    exit_time: f64,
    level: u32,
}

/// Parses `FUNC` lines, checking their layout: 4 decimals for memory and times.
fn funcs(dat: &str) -> Vec<Func> {
    dat.lines()
        .map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            assert_eq!(f.len(), 7, "{line}");
            assert_eq!(f[0], "FUNC", "{line}");
            for figure in &f[2..6] {
                let (_, decimals) = figure.split_once('.').unwrap();
                assert_eq!(decimals.len(), 4, "{line}");
            }
            Func {
                name: f[1].to_owned(),
                entry_mib: f[2].parse().unwrap(),
                entry_time: f[3].parse().unwrap(),
                exit_mib: f[4].parse().unwrap(),
                exit_time: f[5].parse().unwrap(),
                level: f[6].parse().unwrap(),
            }
        })
        .collect()
}

#[test]
fn func_lines_of_nested_calls() {
    let dat = dat_path("nested");
    let (stdout, stderr) = under_mprof(&dat, false);
    assert!(!stdout.contains("Filename:"), "no line reports: {stdout}");
    assert!(!stderr.contains("memory_profiler"), "{stderr}");
    let text = std::fs::read_to_string(&dat).unwrap();
    let funcs = funcs(&text);
    // Written as the calls end: the inner ones first.
    let names: Vec<(&str, u32)> = funcs.iter().map(|f| (f.name.as_str(), f.level)).collect();
    assert_eq!(
        names,
        [
            ("integration.mprof_timeline.inner", 1),
            ("integration.mprof_timeline.inner", 1),
            ("integration.mprof_timeline.outer", 0),
            ("integration.mprof_timeline.nested.on_a_thread", 0),
            ("integration.mprof_timeline.nested.Pool<K,V>.fill", 0),
            (
                "integration.mprof_timeline.nested.<Pool<K,V>_as_Drain>.drain_all",
                0
            ),
        ],
        "{text}"
    );
    let (a, b, outer, thread) = (&funcs[0], &funcs[1], &funcs[2], &funcs[3]);
    for f in &funcs {
        assert!(f.entry_time <= f.exit_time, "{f:?}");
        assert!(f.entry_mib > 0.0, "{f:?}");
    }
    assert!(outer.entry_time <= a.entry_time && b.exit_time <= outer.exit_time);
    assert!(a.exit_time <= b.entry_time);
    // Each inner call leaves 32 MiB more resident; the outer call frees both at its end.
    assert!(a.exit_mib - a.entry_mib > 31.0, "{a:?}");
    assert!(b.exit_mib - b.entry_mib > 31.0, "{b:?}");
    assert!(b.exit_mib - outer.entry_mib > 63.0, "{b:?} {outer:?}");
    assert!(outer.exit_mib < b.exit_mib - 60.0, "{outer:?}");
    assert!(thread.exit_time - thread.entry_time >= 0.019, "{thread:?}");
    let _ = std::fs::remove_file(&dat);
}

#[test]
fn calls_shorter_than_the_sampling_interval_add_no_line() {
    // The child's calls last 20 ms at most (the thread's sleep): none lasts 10 s.
    let dat = dat_path("interval");
    std::fs::write(&dat, "MEM 1.0 1.0\n").unwrap();
    under_mprof_every(&dat, false, "10");
    assert_eq!(std::fs::read_to_string(&dat).unwrap(), "MEM 1.0 1.0\n");
    // At 15 ms, the thread's call (its 20 ms sleep) gets its line, the others do not.
    std::fs::remove_file(&dat).unwrap();
    under_mprof_every(&dat, false, "0.015");
    let text = std::fs::read_to_string(&dat).unwrap();
    let names: Vec<String> = funcs(&text).into_iter().map(|f| f.name).collect();
    assert!(
        names.contains(&"integration.mprof_timeline.nested.on_a_thread".to_owned()),
        "{text}"
    );
    let _ = std::fs::remove_file(&dat);
}

#[test]
fn reports_when_asked() {
    let dat = dat_path("reports");
    let (stdout, _) = under_mprof(&dat, true);
    assert_eq!(
        stdout
            .matches("Filename: suite/tests/integration/mprof_timeline.rs")
            .count(),
        6
    );
    assert!(stdout.contains("Function: <Pool<K, V> as Drain>::drain_all\n"));
    assert_eq!(funcs(&std::fs::read_to_string(&dat).unwrap()).len(), 6);
    let _ = std::fs::remove_file(&dat);
}

#[test]
fn an_unwritable_file_is_said_once_and_the_program_goes_on() {
    let dat = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-such-directory/x.dat");
    let (stdout, stderr) = under_mprof(&dat, false);
    assert_eq!(
        stderr
            .matches("memory_profiler: cannot write FUNC lines to")
            .count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("no-such-directory/x.dat (from MEMORY_PROFILER_MPROF)"));
    assert!(!stdout.contains("Filename:"), "{stdout}");
}
