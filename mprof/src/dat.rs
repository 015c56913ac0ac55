//! memory_profiler's `.dat` format, read and written exactly as Python's `mprof` does.
//!
//! ```text
//! CMDLINE <command line>
//! MEM <MiB, 6 decimals> <unix time, 4 decimals>
//! CHLD <child> <MiB, 6 decimals> <unix time, 4 decimals>
//! FUNC <module.function> <MiB at entry> <time at entry> <MiB at exit> <time at exit> [<level>]
//! ```
//!
//! Lines may come in any order (a profiled program appends its `FUNC` lines while `mprof run`
//! appends its samples); unknown kinds of lines are ignored, as Python's reader ignores them.

use std::collections::BTreeMap;
use std::fmt;

/// One call of a profiled function.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncCall {
    /// Dotted name, `module.function`.
    pub name: String,
    pub start: f64,
    pub end: f64,
    pub mem_start: f64,
    pub mem_end: f64,
    /// Nesting level (1 for the outermost); older files have none.
    pub level: Option<u32>,
}

/// The content of a `.dat` file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// The command line, without its newline.
    pub cmdline: Option<String>,
    /// `(MiB, unix time)` samples, in file order.
    pub mem: Vec<(f64, f64)>,
    /// `CHLD` samples by child (its pid, as Python writes it), in file order.
    pub children: BTreeMap<String, Vec<(f64, f64)>>,
    /// `FUNC` lines, in file order.
    pub funcs: Vec<FuncCall>,
    /// Lines that could not be read (kept for a warning).
    pub malformed: Vec<usize>,
}

impl Profile {
    /// Reads a `.dat` file's text. Never fails: malformed lines are listed in `malformed`.
    pub fn parse(text: &str) -> Profile {
        let mut profile = Profile::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
            let ok = match kind {
                "CMDLINE" => {
                    profile.cmdline = Some(rest.to_owned());
                    true
                }
                "MEM" => pair(rest).map(|p| profile.mem.push(p)).is_some(),
                "CHLD" => rest
                    .split_once(' ')
                    .and_then(|(child, rest)| Some((child, pair(rest)?)))
                    .map(|(child, p)| {
                        profile
                            .children
                            .entry(child.to_owned())
                            .or_default()
                            .push(p)
                    })
                    .is_some(),
                "FUNC" => func(line).map(|f| profile.funcs.push(f)).is_some(),
                _ => true,
            };
            if !ok {
                profile.malformed.push(i + 1);
            }
        }
        profile
    }

    /// The highest `MEM` sample, as `mprof peak` prints it (`FUNC` figures not included).
    pub fn peak(&self) -> Option<f64> {
        self.mem.iter().map(|&(m, _)| m).reduce(f64::max)
    }

    /// The highest memory while `function` (its dotted name) ran: the `MEM` samples taken
    /// during its calls, and the calls' own figures at entry and exit (so that a call shorter
    /// than the sampling interval still has one); `None` if it never ran (`mprof peak --func`).
    pub fn peak_during(&self, function: &str) -> Option<f64> {
        let calls: Vec<&FuncCall> = self.funcs.iter().filter(|f| f.name == function).collect();
        let during = self
            .mem
            .iter()
            .filter(|(_, t)| calls.iter().any(|c| c.start <= *t && *t <= c.end))
            .map(|&(m, _)| m);
        let ends = calls.iter().flat_map(|c| [c.mem_start, c.mem_end]);
        during.chain(ends).reduce(f64::max)
    }

    /// The dotted name of the function that `name` stands for in this file: the name itself,
    /// or a function's last part (`mean` for `app.stats.mean`) when only one function has it.
    /// Otherwise an error that lists what the file has.
    pub fn resolve_function(&self, name: &str) -> Result<&str, String> {
        let functions = self.functions();
        if let Some((full, _)) = functions.iter().find(|(full, _)| *full == name) {
            return Ok(full);
        }
        let by_last: Vec<&str> = functions
            .iter()
            .map(|(full, _)| *full)
            .filter(|full| full.rsplit('.').next() == Some(name))
            .collect();
        match by_last[..] {
            [full] => Ok(full),
            [] if functions.is_empty() => Err(format!(
                "no function `{name}`: the file has no FUNC lines (run the program under `mprof run` with #[profile] functions)"
            )),
            [] => Err(format!(
                "no function `{name}`; the file has: {}",
                functions
                    .iter()
                    .map(|(full, _)| *full)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Err(format!(
                "`{name}` is ambiguous; name one of: {}",
                by_last.join(", ")
            )),
        }
    }

    /// Every time in the file (samples and calls), earliest first: the plot's zero.
    pub fn start_time(&self) -> Option<f64> {
        let samples = self.mem.iter().map(|&(_, t)| t);
        let calls = self.funcs.iter().flat_map(|f| [f.start, f.end]);
        samples.chain(calls).reduce(f64::min)
    }

    /// The memory line as `mprof plot` draws it: the samples and the calls' entry and exit
    /// points, sorted by time.
    pub fn merged_line(&self) -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> = self.mem.iter().map(|&(m, t)| (t, m)).collect();
        for f in &self.funcs {
            points.push((f.start, f.mem_start));
            points.push((f.end, f.mem_end));
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points
    }

    /// The functions in the order of their first `FUNC` line, with their calls.
    pub fn functions(&self) -> Vec<(&str, Vec<&FuncCall>)> {
        let mut out: Vec<(&str, Vec<&FuncCall>)> = Vec::new();
        for f in &self.funcs {
            match out.iter_mut().find(|(name, _)| *name == f.name) {
                Some((_, calls)) => calls.push(f),
                None => out.push((&f.name, vec![f])),
            }
        }
        out
    }
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn pair(rest: &str) -> Option<(f64, f64)> {
    let mut parts = rest.split(' ');
    let mem = number(parts.next()?)?;
    let time = number(parts.next()?)?;
    Some((mem, time))
}

/// A `FUNC` line, read as the `#[profile]` runtime reads it.
fn func(line: &str) -> Option<FuncCall> {
    let (name, (mem_start, start), (mem_end, end), level) =
        profile_runtime::env::read_func_line(line)?;
    Some(FuncCall {
        name: name.to_owned(),
        mem_start,
        start,
        mem_end,
        end,
        level,
    })
}

/// A `MEM` line.
pub fn mem_line(mib: f64, time: f64) -> String {
    format!("MEM {mib:.6} {time:.4}\n")
}

/// A `CHLD` line (`child` is the child's pid, as Python's mprof writes it).
pub fn chld_line(child: u32, mib: f64, time: f64) -> String {
    format!("CHLD {child} {mib:.6} {time:.4}\n")
}

/// A `FUNC` line, as the `#[profile]` runtime writes it.
pub fn func_line(call: &FuncCall) -> String {
    profile_runtime::env::func_line(
        &call.name,
        (call.mem_start, call.start),
        (call.mem_end, call.end),
        call.level,
    )
}

/// The `CMDLINE` line: the arguments joined by spaces, those with a blank quoted with `'`, as
/// Python's mprof writes it.
pub fn cmdline_line(args: &[String]) -> String {
    format!("CMDLINE {}\n", cmdline(args))
}

/// See [`cmdline_line`]. Line breaks inside an argument (`python3 -c '...'`) are written as
/// `\n`, so that the command stays on its line.
pub fn cmdline(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let a = a.replace('\r', "\\r").replace('\n', "\\n");
            if a.contains([' ', '\t']) {
                format!("'{a}'")
            } else {
                a
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Short labels for dotted function names, as `mprof plot` makes them: the last part, or as
/// many trailing parts as it takes to tell apart functions of the same name.
pub fn function_labels<'a>(names: &[&'a str]) -> Vec<(&'a str, String)> {
    let label = |name: &str, level: usize| {
        let parts: Vec<&str> = name.split('.').collect();
        parts[parts.len().saturating_sub(level)..].join(".")
    };
    let mut levels = vec![1usize; names.len()];
    loop {
        let labels: Vec<String> = names
            .iter()
            .zip(&levels)
            .map(|(n, &l)| label(n, l))
            .collect();
        let mut changed = false;
        for i in 0..names.len() {
            let clash = (0..names.len()).any(|j| j != i && labels[j] == labels[i]);
            let parts = names[i].split('.').count();
            if clash && levels[i] < parts {
                levels[i] += 1;
                changed = true;
            }
        }
        if !changed {
            return names.iter().copied().zip(labels).collect();
        }
    }
}

impl fmt::Display for Profile {
    /// The profile written back as a `.dat` file: `CMDLINE`, then `MEM`, `CHLD`, `FUNC` lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(cmd) = &self.cmdline {
            writeln!(f, "CMDLINE {cmd}")?;
        }
        for &(m, t) in &self.mem {
            f.write_str(&mem_line(m, t))?;
        }
        for (child, samples) in &self.children {
            for &(m, t) in samples {
                writeln!(f, "CHLD {child} {m:.6} {t:.4}")?;
            }
        }
        for call in &self.funcs {
            f.write_str(&func_line(call))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_order_and_unknown_lines() {
        let text = "FUNC __main__.f 10.0000 100.5000 12.0000 101.0000 1\n\
                    MEM 9.500000 100.0000\n\
                    CMDLINE python x.py 'a b'\n\
                    # a comment\n\
                    CHLD 42 1.000000 100.1000\n\
                    MEM 13.250000 100.6000\n\
                    FUNC __main__.g 1.0 2.0 3.0 4.0\n\
                    MEM oops 1\n";
        let p = Profile::parse(text);
        assert_eq!(p.cmdline.as_deref(), Some("python x.py 'a b'"));
        assert_eq!(p.mem, [(9.5, 100.0), (13.25, 100.6)]);
        assert_eq!(p.children["42"], [(1.0, 100.1)]);
        assert_eq!(p.funcs.len(), 2);
        assert_eq!(p.funcs[0].level, Some(1));
        assert_eq!(p.funcs[1].level, None);
        assert_eq!(p.malformed, [8]);
        assert_eq!(p.peak(), Some(13.25));
        assert_eq!(p.peak_during("__main__.f"), Some(13.25));
        // No sample during `g`'s call: its own figures at entry and exit.
        assert_eq!(p.peak_during("__main__.g"), Some(3.0));
        assert_eq!(p.peak_during("__main__.h"), None);
        assert_eq!(p.resolve_function("g"), Ok("__main__.g"));
        assert_eq!(p.resolve_function("__main__.f"), Ok("__main__.f"));
        assert_eq!(
            p.resolve_function("h"),
            Err("no function `h`; the file has: __main__.f, __main__.g".into())
        );
        assert_eq!(p.start_time(), Some(2.0));
    }

    #[test]
    fn lines_as_python_writes_them() {
        assert_eq!(
            mem_line(12.3456789, 1700000000.25),
            "MEM 12.345679 1700000000.2500\n"
        );
        assert_eq!(chld_line(77, 1.0, 2.0), "CHLD 77 1.000000 2.0000\n");
        assert_eq!(
            cmdline_line(&["prog".into(), "a b".into(), "-x".into()]),
            "CMDLINE prog 'a b' -x\n"
        );
        assert_eq!(
            cmdline_line(&[
                "python3".into(),
                "-c".into(),
                "import os\nos.getpid()".into()
            ]),
            "CMDLINE python3 -c 'import os\\nos.getpid()'\n"
        );
    }

    #[test]
    fn labels_tell_apart_functions_of_the_same_name() {
        let labels = function_labels(&["a.run", "b.run", "a.main", "x.y.z"]);
        assert_eq!(
            labels,
            [
                ("a.run", "a.run".to_owned()),
                ("b.run", "b.run".to_owned()),
                ("a.main", "main".to_owned()),
                ("x.y.z", "z".to_owned())
            ]
        );
    }
}
