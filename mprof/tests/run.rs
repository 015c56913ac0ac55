//! `mprof run` on real programs: this test binary run again as the profiled program (the
//! `child` test, which does nothing on its own), with `#[profile]` functions whose `FUNC`
//! lines join mprof's samples in the `.dat` file; children sampled with `-C` and `-M`; exit
//! codes with `-E`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use memory_profiler::profile;
use mprof::dat::Profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

const CHILD: &str = "MPROF_TEST_CHILD";
const MIB: usize = 1 << 20;

/// 48 MiB, written to (resident), held for a while.
#[profile]
fn hold(ms: u64) -> usize {
    let v = vec![1u8; 48 * MIB];
    std::thread::sleep(std::time::Duration::from_millis(ms));
    v.len()
}

#[profile]
fn idle(ms: u64) {
    std::thread::sleep(std::time::Duration::from_millis(ms));
}

#[profile]
fn program() -> usize {
    idle(150);
    let n = hold(300);
    idle(150);
    n
}

#[test]
fn child() {
    match std::env::var(CHILD).as_deref() {
        Ok("program") => {
            assert_eq!(program(), 48 * MIB);
            println!("program done");
        }
        Ok("hold") => {
            let v = vec![1u8; 64 * MIB];
            std::thread::sleep(std::time::Duration::from_millis(600));
            assert_eq!(v.len(), 64 * MIB);
        }
        Ok("fail") => std::process::exit(3),
        _ => {}
    }
}

fn mprof() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mprof"))
}

fn tmp(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("mprof_run_{}_{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// `mprof run <args> -- <this test binary> child` with the child's mode.
fn run_child(mode: &str, dat: &Path, args: &[&str]) -> Output {
    let exe = std::env::current_exe().unwrap();
    let out = mprof()
        .arg("run")
        .args(args)
        .arg("-o")
        .arg(dat)
        .arg("--")
        .arg(&exe)
        .args(["--exact", "child", "--nocapture", "--test-threads", "1"])
        .env(CHILD, mode)
        .output()
        .unwrap();
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn samples_and_function_brackets() {
    let dat = tmp("program.dat");
    let out = run_child("program", &dat, &["-T", "0.02", "-E"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("program done"));
    // Under mprof, the line reports are not printed.
    assert!(!stdout.contains("Filename:"), "{stdout}");
    assert!(
        stderr.contains("mprof: Sampling memory every 0.02s"),
        "{stderr}"
    );

    let raw = std::fs::read_to_string(&dat).unwrap();
    let first = raw.lines().next().unwrap();
    assert!(first.starts_with("CMDLINE "), "{first}");
    assert!(first.ends_with(" --exact child --nocapture --test-threads 1"));
    // Every line is one of the four kinds, with Python's decimals.
    for line in raw.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "CMDLINE" => {}
            "MEM" => {
                assert_eq!(f.len(), 3, "{line}");
                assert_eq!(f[1].split_once('.').unwrap().1.len(), 6, "{line}");
                assert_eq!(f[2].split_once('.').unwrap().1.len(), 4, "{line}");
            }
            "FUNC" => assert_eq!(f.len(), 7, "{line}"),
            _ => panic!("unexpected line {line}"),
        }
    }
    let p = Profile::parse(&raw);
    assert!(p.malformed.is_empty());
    // 0.6 s of program at 0.02 s: about 30 samples (fewer if the machine is busy).
    assert!(p.mem.len() >= 10, "{} samples", p.mem.len());
    let calls: Vec<(&str, Option<u32>)> =
        p.funcs.iter().map(|f| (f.name.as_str(), f.level)).collect();
    assert_eq!(
        calls,
        [
            ("run.idle", Some(1)),
            ("run.hold", Some(1)),
            ("run.idle", Some(1)),
            ("run.program", Some(0)),
        ]
    );
    let hold = &p.funcs[1];
    assert!(hold.end - hold.start >= 0.3);
    // The samples taken while `hold` held its 48 MiB show them.
    let during = p.peak_during("run.hold").unwrap();
    let before = p.mem[0].0;
    assert!(during - before > 40.0, "{during} vs {before}");
    assert!(p.peak().unwrap() >= during);

    // `mprof peak` prints what Python's prints.
    let peak = mprof().arg("peak").arg(&dat).output().unwrap();
    assert_eq!(
        text(&peak.stdout),
        format!("{}\t{:.3} MiB\n", dat.display(), p.peak().unwrap())
    );
    let peak = mprof()
        .args(["peak", "--func", "run.hold"])
        .arg(&dat)
        .output()
        .unwrap();
    assert_eq!(
        text(&peak.stdout),
        format!("{}\t{during:.3} MiB\n", dat.display())
    );

    // And it plots, to PNG and SVG.
    for ext in ["png", "svg"] {
        let image = tmp(&format!("program.{ext}"));
        let plot = mprof()
            .arg("plot")
            .arg(&dat)
            .arg("-o")
            .arg(&image)
            .output()
            .unwrap();
        assert!(plot.status.success(), "{}", text(&plot.stderr));
        let bytes = std::fs::read(&image).unwrap();
        if ext == "png" {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        } else {
            let svg = text(&bytes);
            assert!(svg.contains("memory used (in MiB)"));
            assert!(svg.contains("time (in seconds)"));
            let label = format!("hold {:.3}s", hold.end - hold.start);
            assert!(svg.contains(&label), "{label}");
        }
        let _ = std::fs::remove_file(&image);
    }
    let _ = std::fs::remove_file(&dat);
}

#[test]
fn reports_when_asked() {
    let dat = tmp("reports.dat");
    let out = run_child("program", &dat, &["--reports", "-T", "0.05"]);
    assert!(out.status.success());
    // Four reports: `program`, `hold` and `idle` twice.
    assert_eq!(
        text(&out.stdout)
            .matches("Filename: mprof/tests/run.rs")
            .count(),
        4
    );
    let _ = std::fs::remove_file(&dat);
}

#[test]
fn exit_codes() {
    let dat = tmp("fail.dat");
    let out = run_child("fail", &dat, &["-E"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("mprof: the program exited with code 3"));
    // Without -E, as Python's mprof: success.
    let out = run_child("fail", &dat, &[]);
    assert_eq!(out.status.code(), Some(0));
    // Both runs appended to the file: two CMDLINE lines.
    let raw = std::fs::read_to_string(&dat).unwrap();
    assert_eq!(raw.matches("CMDLINE ").count(), 2);
    let _ = std::fs::remove_file(&dat);

    let out = mprof()
        .args(["run", "-o"])
        .arg(&dat)
        .args(["--", "/no/such/program"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("mprof: cannot start /no/such/program"));
    let _ = std::fs::remove_file(&dat);
}

/// `sh -c '<this binary, holding 64 MiB> & <the same> & wait'`: the shell itself is small.
fn children_command() -> String {
    let exe = std::env::current_exe().unwrap();
    let one = format!(
        "{CHILD}=hold '{}' --exact child --test-threads 1 >/dev/null",
        exe.display()
    );
    format!("{one} & {one} & wait")
}

#[test]
fn children_summed_or_apart() {
    let shell = children_command();
    let dat = tmp("alone.dat");
    let out = mprof()
        .args(["run", "-T", "0.05", "-o"])
        .arg(&dat)
        .args(["--", "sh", "-c", &shell])
        .output()
        .unwrap();
    assert!(out.status.success());
    let alone = Profile::parse(&std::fs::read_to_string(&dat).unwrap());
    assert!(alone.peak().unwrap() < 32.0, "{:?}", alone.peak());
    assert!(alone.children.is_empty());

    let dat_c = tmp("include.dat");
    let out = mprof()
        .args(["run", "-T", "0.05", "--include-children", "-o"])
        .arg(&dat_c)
        .args(["--", "sh", "-c", &shell])
        .output()
        .unwrap();
    assert!(out.status.success());
    let summed = Profile::parse(&std::fs::read_to_string(&dat_c).unwrap());
    assert!(summed.peak().unwrap() > 128.0, "{:?}", summed.peak());

    let dat_m = tmp("multi.dat");
    let out = mprof()
        .args(["run", "-T", "0.05", "--multiprocess", "-o"])
        .arg(&dat_m)
        .args(["--", "sh", "-c", &shell])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(text(&out.stderr).contains("child samples"));
    let apart = Profile::parse(&std::fs::read_to_string(&dat_m).unwrap());
    assert!(apart.peak().unwrap() < 32.0, "{:?}", apart.peak());
    assert_eq!(apart.children.len(), 2, "{:?}", apart.children.keys());
    for samples in apart.children.values() {
        let peak = samples.iter().map(|s| s.0).fold(0.0, f64::max);
        assert!(peak > 64.0, "{peak}");
    }
    let peak = mprof().arg("peak").arg(&dat_m).output().unwrap();
    let peak = text(&peak.stdout);
    assert_eq!(peak.matches("  Child ").count(), 2, "{peak}");
    for f in [dat, dat_c, dat_m] {
        let _ = std::fs::remove_file(f);
    }
}
