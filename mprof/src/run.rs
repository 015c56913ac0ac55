//! `mprof run`: starts a program and samples its memory into a `.dat` file.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use crate::dat;
use crate::procfs::{descendants, rss_mib, unix_time};

/// The environment variables that tell a `#[profile]` program the `.dat` file to append its
/// `FUNC` lines to, the sampling interval (calls shorter than it add no line), and (set to `1`
/// by `--reports`) to print its line reports as well; the program reads them (see the
/// `memory-profiler` crate).
pub use profile_runtime::env::{DAT_VAR, INTERVAL_VAR, REPORTS_VAR};

/// What `mprof run` was asked to do.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The program and its arguments.
    pub program: Vec<String>,
    pub output: PathBuf,
    /// Seconds between samples.
    pub interval: f64,
    /// `MEM` is the sum of the process and all its descendants (`--include-children`).
    pub include_children: bool,
    /// A `CHLD` line per descendant at each sample (`--multiprocess`).
    pub multiprocess: bool,
    /// Stop sampling after this many seconds (the program still runs to its end).
    pub timeout: Option<f64>,
    /// Let the program print its line reports too.
    pub reports: bool,
    /// Run the program (a Python script) under Python's memory_profiler, for its function
    /// timestamps, as Python's mprof does for `.py` programs.
    pub python: bool,
}

/// What a run did.
#[derive(Debug)]
pub struct RunSummary {
    pub status: ExitStatus,
    pub samples: usize,
    pub child_samples: usize,
    /// Seconds from the start of the program to its end (or the timeout).
    pub elapsed: f64,
    /// Seconds spent reading `/proc` and writing samples.
    pub sampling: f64,
}

/// Appends whole lines to the `.dat` file, each with one `write` (the file is opened for
/// appending, so the program's own `FUNC` lines never tear them).
struct Dat(File);

impl Dat {
    fn line(&mut self, line: &str) -> std::io::Result<()> {
        self.0.write_all(line.as_bytes())
    }
}

/// Runs the program and samples it until it ends. Errors are those of starting the program or
/// writing the file.
pub fn run(options: &RunOptions) -> Result<RunSummary, String> {
    let Some((first, rest)) = options.program.split_first() else {
        return Err(
            "a program to run must be given: mprof run [options] -- <program> [args]".into(),
        );
    };
    if !(options.interval > 0.0 && options.interval.is_finite()) {
        return Err(format!(
            "--interval must be a positive number of seconds, not {}",
            options.interval
        ));
    }
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&options.output)
        .map(Dat)
        .map_err(|e| format!("cannot open {}: {e}", options.output.display()))?;
    let written = |e: std::io::Error| format!("cannot write {}: {e}", options.output.display());
    let absolute = std::path::absolute(&options.output).unwrap_or(options.output.clone());

    // CMDLINE names what the user ran, as Python's mprof writes it.
    let mut argv: Vec<String> = options.program.clone();
    let mut command = if options.python {
        // As Python's mprof does: memory_profiler's timestamping, writing FUNC lines to the
        // same file when the script exits.
        if !first.starts_with("python") {
            argv.insert(0, "python3".into());
        }
        let mut c = Command::new(&argv[0]);
        c.args(["-m", "memory_profiler", "--timestamp", "-o"])
            .arg(&absolute);
        if options.include_children {
            c.arg("--include-children");
        }
        c.args(&argv[1..]);
        c
    } else {
        let mut c = Command::new(first);
        c.args(rest);
        c
    };
    command.env(DAT_VAR, &absolute);
    command.env(INTERVAL_VAR, options.interval.to_string());
    if options.reports {
        command.env(REPORTS_VAR, "1");
    } else {
        command.env_remove(REPORTS_VAR);
    }
    file.line(&dat::cmdline_line(&argv)).map_err(written)?;
    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {first}: {e}"))?;
    let pid = child.id();

    let interval = Duration::from_secs_f64(options.interval);
    let mut summary = RunSummary {
        status: ExitStatus::default(),
        samples: 0,
        child_samples: 0,
        elapsed: 0.0,
        sampling: 0.0,
    };
    let mut tick = 0u32;
    let status = loop {
        let sampled = Instant::now();
        sample(pid, options, &mut file, &mut summary).map_err(written)?;
        summary.sampling += sampled.elapsed().as_secs_f64();
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if options
            .timeout
            .is_some_and(|t| start.elapsed().as_secs_f64() >= t)
        {
            break None;
        }
        // Samples on a fixed schedule (start + k × interval), whatever one sample costs;
        // the wait ends early when the program does.
        tick += 1;
        let next = interval * tick;
        if let Some(status) = wait_until(&mut child, start + next)? {
            break Some(status);
        }
        if start.elapsed() > next + interval {
            // Fell behind (a slow /proc): skip the missed ticks instead of bursting.
            tick = (start.elapsed().as_secs_f64() / options.interval) as u32;
        }
    };
    summary.elapsed = start.elapsed().as_secs_f64();
    summary.status = match status {
        Some(status) => status,
        None => child.wait().map_err(|e| e.to_string())?,
    };
    Ok(summary)
}

/// Waits until `deadline`, checking every few milliseconds whether the program ended.
fn wait_until(
    child: &mut std::process::Child,
    deadline: Instant,
) -> Result<Option<ExitStatus>, String> {
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(5)));
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(Some(status));
        }
    }
}

/// One sample: `MEM`, and `CHLD` lines with `--multiprocess`.
fn sample(
    pid: u32,
    options: &RunOptions,
    file: &mut Dat,
    summary: &mut RunSummary,
) -> std::io::Result<()> {
    let Some(own) = rss_mib(pid) else {
        return Ok(()); // ended (a zombie has no resident set): nothing to sample
    };
    let children = if options.include_children || options.multiprocess {
        descendants(pid)
            .into_iter()
            .filter_map(|c| rss_mib(c).map(|m| (c, m)))
            .collect()
    } else {
        Vec::new()
    };
    let time = unix_time();
    let mem = if options.include_children {
        own + children.iter().map(|(_, m)| m).sum::<f64>()
    } else {
        own
    };
    file.line(&dat::mem_line(mem, time))?;
    summary.samples += 1;
    if options.multiprocess {
        let time = unix_time();
        for (c, m) in children {
            file.line(&dat::chld_line(c, m, time))?;
            summary.child_samples += 1;
        }
    }
    Ok(())
}

/// The exit code `mprof run -E` gives: the program's, or 128 + the signal that ended it.
pub fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1)
}

/// Where the samples go by default: `mprofile_<YYYYMMDDhhmmss>.dat` in the current folder.
pub fn default_output() -> PathBuf {
    Path::new(&crate::files::default_name(unix_time())).to_path_buf()
}
