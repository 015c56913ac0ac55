//! Files both ways with Python's memory_profiler 0.61 `mprof`.
//!
//! `tests/data/python_*.dat` were written by Python's `mprof run` (see tests/data/README.md);
//! ours reads them, and `mprof peak` prints what Python's printed for them
//! (`tests/data/python_peaks.txt`). The other way, where Python's mprof and matplotlib are
//! installed, Python's `mprof peak` and `mprof plot` read a file of ours.

use std::path::{Path, PathBuf};
use std::process::Command;

use mprof::dat::Profile;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn mprof_in(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mprof"));
    c.current_dir(dir);
    c
}

fn tmp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("mprof_python_{}_{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn python_files_read() {
    let mean = Profile::parse(&std::fs::read_to_string(data("python_mean.dat")).unwrap());
    assert!(mean.malformed.is_empty());
    assert_eq!(
        mean.cmdline.as_deref(),
        Some("/root/.pyenv/versions/3.11.7/bin/python3.11 mean.py")
    );
    assert_eq!(mean.mem.len(), 21);
    // Python writes the FUNC lines first (the script appends them when it exits), grouped by
    // function, with nesting levels from 0.
    let funcs: Vec<(&str, Option<u32>)> = mean
        .funcs
        .iter()
        .map(|f| (f.name.as_str(), f.level))
        .collect();
    assert_eq!(
        funcs,
        [
            ("__main__.mean_list", Some(0)),
            ("__main__.mean_list", Some(1)),
            ("__main__.mean_gen", Some(1)),
            ("__main__.both", Some(0)),
        ]
    );
    assert_eq!(mean.funcs[0].mem_start, 50.3359);
    assert_eq!(mean.funcs[0].end, 1795665158.3841);

    let multi = Profile::parse(&std::fs::read_to_string(data("python_multiprocess.dat")).unwrap());
    assert_eq!(multi.children.len(), 2);
    assert_eq!(multi.children.values().map(Vec::len).sum::<usize>(), 24);
    let summed =
        Profile::parse(&std::fs::read_to_string(data("python_include_children.dat")).unwrap());
    assert!(summed.children.is_empty());
    assert_eq!(summed.mem.len(), 14);
}

#[test]
fn peak_prints_what_python_printed() {
    // Run where the files are, named as Python's mprof was given them.
    let dir = data("");
    let expected = std::fs::read_to_string(data("python_peaks.txt")).unwrap();
    let mut ours = String::new();
    for args in [
        &["peak", "python_include_children.dat"][..],
        &["peak", "python_mean.dat"],
        &["peak", "python_multiprocess.dat"],
        &["peak", "--func", "__main__.mean_list", "python_mean.dat"],
    ] {
        let out = mprof_in(&dir).args(args).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        ours.push_str(&text(&out.stdout));
    }
    assert_eq!(ours, expected);
}

#[test]
fn peak_of_a_function_by_its_name() {
    let dir = data("");
    let peak = |args: &[&str]| {
        let out = mprof_in(&dir).args(args).output().unwrap();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    // The dotted name, or the last part alone when no other function has it.
    for name in ["__main__.mean_list", "mean_list"] {
        assert_eq!(
            peak(&["peak", "--func", name, "python_mean.dat"]),
            (
                Some(0),
                "python_mean.dat\t83.230 MiB\n".into(),
                String::new()
            )
        );
    }
    // `mean_gen` ran for 7 ms, between two samples: its peak is its calls' own figures.
    assert_eq!(
        peak(&["peak", "--func", "mean_gen", "python_mean.dat"]).1,
        "python_mean.dat\t58.570 MiB\n"
    );
    // An unknown name: an error that lists the file's functions, exit code 2 (Python's mprof
    // printed `NaN MiB` and exited 0).
    assert_eq!(
        peak(&["peak", "--func", "nosuch", "python_mean.dat"]),
        (
            Some(2),
            String::new(),
            "mprof: python_mean.dat: no function `nosuch`; the file has: __main__.mean_list, \
             __main__.mean_gen, __main__.both\n"
                .into()
        )
    );
    let (code, _, stderr) = peak(&["peak", "--func", "mean", "python_multiprocess.dat"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no function `mean`"), "{stderr}");

    // A name that two functions end with is ambiguous.
    let tmp = tmp_dir("ambiguous");
    std::fs::write(
        tmp.join("two.dat"),
        "MEM 1.0 10.0\nMEM 2.0 11.0\nMEM 3.0 12.0\n\
         FUNC a.run 1.0 10.0 2.0 11.0 0\nFUNC b.run 2.0 11.5 3.0 12.0 0\n",
    )
    .unwrap();
    let out = mprof_in(&tmp)
        .args(["peak", "--func", "run", "two.dat"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "mprof: two.dat: `run` is ambiguous; name one of: a.run, b.run\n"
    );
    let out = mprof_in(&tmp)
        .args(["peak", "--func", "b.run", "two.dat"])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "two.dat\t3.000 MiB\n");
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
fn python_files_plot() {
    let dir = tmp_dir("plots");
    for (name, labels) in [
        (
            "python_mean.dat",
            &[
                "mean_list 0.065s",
                "mean_list 0.063s",
                "mean_gen 0.007s",
                "both 0.070s",
                "peak 83.230 MiB",
            ][..],
        ),
        (
            "python_multiprocess.dat",
            &["child 5905", "child 5906", "child peak 51.301 MiB"],
        ),
        ("python_include_children.dat", &["peak 107.391 MiB"]),
    ] {
        let svg = dir.join(name.replace(".dat", ".svg"));
        let out = mprof_in(&dir)
            .arg("plot")
            .arg(data(name))
            .arg("-o")
            .arg(&svg)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let svg = std::fs::read_to_string(&svg).unwrap();
        // Titled with the command line.
        assert!(svg.contains(" children.py\n") || svg.contains(" mean.py\n"));
        for label in labels {
            assert!(svg.contains(label), "{name}: {label}");
        }
        let png = dir.join(name.replace(".dat", ".png"));
        let out = mprof_in(&dir)
            .arg("plot")
            .arg(data(name))
            .args(["--title", "a title", "-n", "-o"])
            .arg(&png)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
    }
    // Several files on one plot: no brackets, one line each.
    let out = mprof_in(&dir)
        .arg("plot")
        .arg(data("python_mean.dat"))
        .arg(data("python_include_children.dat"))
        .args(["-o", "both.svg"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(dir.join("both.svg")).unwrap();
    assert!(!svg.contains("mean_list"));
    assert!(svg.contains("python_include_children.dat - start at "));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn list_clean_and_rm_by_index() {
    let dir = tmp_dir("files");
    for stamp in ["20240101000000", "20240102000000", "20240103000000"] {
        std::fs::copy(
            data("python_mean.dat"),
            dir.join(format!("mprofile_{stamp}.dat")),
        )
        .unwrap();
    }
    std::fs::write(dir.join("mprofile_20240103000000_ts.dat"), "").unwrap();
    std::fs::write(dir.join("other.dat"), "").unwrap();
    let out = mprof_in(&dir).arg("list").output().unwrap();
    assert_eq!(
        text(&out.stdout),
        "0 mprofile_20240101000000.dat 00:00:00 01/01/2024\n\
         1 mprofile_20240102000000.dat 00:00:00 02/01/2024\n\
         2 mprofile_20240103000000.dat 00:00:00 03/01/2024\n"
    );
    // With no file, `peak` and `plot` take the newest.
    let out = mprof_in(&dir).arg("peak").output().unwrap();
    assert_eq!(
        text(&out.stdout),
        "mprofile_20240103000000.dat\t83.230 MiB\n"
    );
    let out = mprof_in(&dir).arg("plot").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.join("mprofile_20240103000000.png").is_file());
    // -1 is the newest; its `_ts` file goes with it.
    let out = mprof_in(&dir)
        .args(["rm", "--dry-run", "-1"])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "Files to be removed: \nmprofile_20240103000000.dat\nmprofile_20240103000000_ts.dat\n"
    );
    let out = mprof_in(&dir).args(["rm", "0"]).output().unwrap();
    assert!(out.status.success());
    assert!(!dir.join("mprofile_20240101000000.dat").exists());
    let out = mprof_in(&dir).args(["rm", "7"]).output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("invalid index"));
    let out = mprof_in(&dir).arg("clean").output().unwrap();
    assert!(out.status.success());
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".dat"))
        .collect();
    assert_eq!(left, ["other.dat"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Whether Python's mprof and matplotlib can be run here.
fn python_mprof() -> bool {
    Command::new("python3")
        .args(["-c", "import mprof, matplotlib"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn python_reads_ours() {
    if !python_mprof() {
        eprintln!("python_reads_ours: skipped, Python's mprof and matplotlib are not installed");
        return;
    }
    let dir = tmp_dir("theirs");
    // A file of ours: samples of a shell, and FUNC lines as `#[profile]` writes them.
    let out = mprof_in(&dir)
        .args([
            "run",
            "-T",
            "0.02",
            "-o",
            "ours.dat",
            "--",
            "sh",
            "-c",
            "sleep 0.2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut raw = std::fs::read_to_string(dir.join("ours.dat")).unwrap();
    let p = Profile::parse(&raw);
    let (t0, t1) = (p.mem[0].1, p.mem[p.mem.len() - 1].1);
    raw.push_str(&format!(
        "FUNC tournament.in_memory 1.5000 {t0:.4} 30.2500 {t1:.4} 0\n"
    ));
    std::fs::write(dir.join("ours.dat"), &raw).unwrap();

    let peak = Command::new("python3")
        .args(["-m", "mprof", "peak", "ours.dat"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let ours = mprof_in(&dir).args(["peak", "ours.dat"]).output().unwrap();
    assert_eq!(text(&peak.stdout), text(&ours.stdout));

    let plot = Command::new("python3")
        .args(["-m", "mprof", "plot", "-o", "theirs.png", "ours.dat"])
        .current_dir(&dir)
        .env("MPLBACKEND", "Agg")
        .output()
        .unwrap();
    assert!(plot.status.success(), "{}", text(&plot.stderr));
    assert!(dir.join("theirs.png").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn window_slope_and_bad_arguments() {
    let dir = tmp_dir("window");
    let out = mprof_in(&dir)
        .arg("plot")
        .arg(data("python_mean.dat"))
        .args(["-w", "0.55,0.9", "-s", "--size", "800x400", "-o", "w.svg"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(dir.join("w.svg")).unwrap();
    assert!(svg.contains(r#"width="800" height="400""#));
    assert!(svg.contains("trend, slope "));
    assert!(svg.contains("both 0.070s"));
    for (args, message) in [
        (
            &["plot", "-w", "1,0"][..],
            "the window's start must be before its end",
        ),
        (&["plot", "-o", "x.gif"], "name it .png or .svg"),
        (&["plot", "--size", "10x10"], "from 200x150"),
        (&["peak", "missing.dat"], "file missing.dat not found"),
        (&["peak"], "no input file found"),
        (&["run"], "Usage: mprof run"),
    ] {
        let mut command = mprof_in(&dir);
        command.args(args);
        if args[0] == "plot" {
            command.arg(data("python_mean.dat"));
        }
        let out = command.output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
