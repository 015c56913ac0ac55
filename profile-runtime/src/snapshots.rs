//! `#[limit(baseline)]`'s files: where a test's baseline is kept, what a run does with it
//! ([`UPDATE_VAR`], `CI`), and what the test says. The figures and their comparison are the
//! [`baseline`](crate::baseline) model's; files are written through `crate::output`.
//!
//! Part of the testing API: it owns where a test's file is and the run's update mode; it
//! calls the baseline model, the report model and `crate::output`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::baseline::{Comparison, Snapshot, Tolerances};
use crate::report::{Report, Reports};
use crate::spec::{BASELINE_DIR_VAR, UPDATE_VAR};

/// A limited function's baseline, fixed at compile time: its tolerances and where the function
/// is (which decides where its file is kept).
#[doc(hidden)]
#[derive(Debug)]
pub struct Baseline {
    pub tolerances: Tolerances,
    /// `module_path!()` of the function.
    pub module_path: &'static str,
    /// `file!()` of the function: relative to the workspace's root (or absolute).
    pub file: &'static str,
    /// `option_env!("CARGO_MANIFEST_DIR")` of the function's crate: where to look for `file`.
    pub manifest_dir: Option<&'static str>,
}

/// What a run does with baseline files ([`UPDATE_VAR`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Unset, or `auto`: write a missing baseline (unless `CI` is set), never rewrite one.
    Auto,
    /// `1`, `always`, `true`, `yes`: rewrite every baseline that differs; the tests pass.
    Always,
    /// `new`: write the figures beside each baseline that differs, as `NAME.allocs.new`.
    New,
    /// `0`, `no`, `false`, `never`: write nothing.
    Never,
}

impl Mode {
    fn from_env() -> Mode {
        let Ok(value) = std::env::var(UPDATE_VAR) else {
            return Mode::Auto;
        };
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Mode::Auto,
            "1" | "always" | "true" | "yes" => Mode::Always,
            "new" => Mode::New,
            "0" | "no" | "false" | "never" => Mode::Never,
            _ => {
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| {
                    crate::output::notice(&format!(
                        "memory_profiler: {UPDATE_VAR}={value:?} is none of 1 (rewrite the \
                         baselines), new (write them beside the old ones) and no (write \
                         nothing); the baselines are checked as when it is not set\n"
                    ));
                });
                Mode::Auto
            }
        }
    }
}

/// Whether the run is on CI: `CI` set to anything but empty, `0` or `false` (as insta reads it).
fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false"))
    })
}

/// The file of the baseline of `function`: `NAME.allocs` in [`BASELINE_DIR_VAR`]'s folder if
/// set, else in `snapshots/` beside the function's source file, `NAME` being its module path
/// and name joined by `__` (`config__parse_fields` for `parse_fields` of `tests/config.rs`).
fn path_of(spec: &Baseline, function: &str) -> Result<PathBuf, String> {
    let name = format!(
        "{}__{function}.allocs",
        spec.module_path.replace("::", "__")
    );
    if let Some(dir) = std::env::var_os(BASELINE_DIR_VAR).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join(name));
    }
    let file = Path::new(spec.file);
    let source = if file.is_absolute() {
        Some(file.to_path_buf())
    } else {
        // `file!()` is relative to the root of the workspace, which holds the crate's manifest
        // folder: the first of that folder and its parents where the file is.
        let starts = spec
            .manifest_dir
            .map(PathBuf::from)
            .into_iter()
            .chain(std::env::current_dir().ok());
        starts
            .flat_map(|start| {
                start
                    .ancestors()
                    .map(|dir| dir.join(file))
                    .collect::<Vec<_>>()
            })
            .find(|candidate| candidate.is_file())
    };
    let Some(source) = source else {
        return Err(format!(
            "cannot find {} (the test's file, from `file!()`) from {} or the current folder, to \
             keep its baseline beside it: set {BASELINE_DIR_VAR} to the folder to keep \
             baselines in",
            spec.file,
            spec.manifest_dir.unwrap_or("CARGO_MANIFEST_DIR (not set)")
        ));
    };
    let dir = source.parent().unwrap_or(Path::new("."));
    Ok(dir.join("snapshots").join(name))
}

/// `path` relative to the current folder when it is below it, for messages.
fn shown(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|here| path.strip_prefix(here).ok().map(Path::to_path_buf));
    relative
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// `path` with `.new` added.
fn new_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".new");
    PathBuf::from(name)
}

/// Checks the figures of a limited function's run (its body's report, and those of the
/// profiled functions it called) against its baseline file, writing the file as the run's mode
/// says. Returns the failure message, if the function fails. Called as the profiler's own work.
pub(crate) fn check(
    spec: &Baseline,
    function: &str,
    body: Option<&Report>,
    called: Option<Reports>,
) -> Option<String> {
    let called = called.unwrap_or_default();
    let new = Snapshot::of_reports(body.into_iter().chain(called.iter()));
    let path = match path_of(spec, function) {
        Ok(path) => path,
        Err(why) => {
            return Some(format!(
                "memory_profiler: `{function}` has no place for its allocation baseline: {why}\n"
            ))
        }
    };
    let rendered = new.to_string();
    let mode = Mode::from_env();
    let old_text = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => {
            return Some(format!(
                "memory_profiler: cannot read the allocation baseline of `{function}`, {}: {err}\n",
                shown(&path)
            ))
        }
    };
    let pending = new_path(&path);
    let unchanged = old_text.as_deref() == Some(rendered.as_str());
    if mode == Mode::Always || unchanged {
        if !unchanged {
            if let Err(err) = crate::output::write_file(&path, &rendered) {
                return Some(cannot_write(function, &path, &err));
            }
            let what = if old_text.is_some() {
                "rewrote"
            } else {
                "wrote"
            };
            crate::output::notice(&format!(
                "memory_profiler: {what} the allocation baseline of `{function}`: {} \
                 ({UPDATE_VAR}); review and commit it\n",
                shown(&path)
            ));
        }
        // A figure written for review earlier is out of date.
        if pending.exists() {
            let _ = std::fs::remove_file(&pending);
        }
        return None;
    }
    let mut wrote_pending = None;
    if mode == Mode::New {
        if let Err(err) = crate::output::write_file(&pending, &rendered) {
            return Some(cannot_write(function, &pending, &err));
        }
        wrote_pending = Some(shown(&pending));
    }
    let pending_note = |text: &mut String| {
        if let Some(pending) = &wrote_pending {
            let _ = writeln!(
                text,
                "  This run's figures are in {pending} ({UPDATE_VAR}=new): review them, and \
                 rename the file over the baseline to accept them."
            );
        }
    };
    let Some(old_text) = old_text else {
        if mode == Mode::Auto && !on_ci() {
            if let Err(err) = crate::output::write_file(&path, &rendered) {
                return Some(cannot_write(function, &path, &err));
            }
            crate::output::notice(&format!(
                "memory_profiler: wrote the allocation baseline of `{function}`: {} (its first \
                 run); commit it with the test\n",
                shown(&path)
            ));
            return None;
        }
        let why = match mode {
            Mode::Never => format!("{UPDATE_VAR} says to write none"),
            Mode::New => format!("{UPDATE_VAR}=new writes it for review only"),
            _ => "CI is set, and a baseline is not written on CI".to_owned(),
        };
        let mut text = format!(
            "memory_profiler: `{function}` has no allocation baseline: {} does not exist, and \
             it is not written: {why}.\n  Run the test once where CI is not set (or with \
             {UPDATE_VAR}=1) and commit the file it writes.\n",
            shown(&path)
        );
        pending_note(&mut text);
        return Some(text);
    };
    let old = match Snapshot::parse(&old_text) {
        Ok(old) => old,
        Err(err) => {
            let mut text = format!(
                "memory_profiler: the allocation baseline of `{function}`, {}, cannot be read: \
                 {err}.\n  Restore it (from version control), or write it anew with \
                 {UPDATE_VAR}=1.\n",
                shown(&path)
            );
            pending_note(&mut text);
            return Some(text);
        }
    };
    let comparison = old.compare(&new, &spec.tolerances);
    if comparison.regressed() {
        let mut text = format!(
            "memory_profiler: `{function}` allocates more than its baseline, {} (tolerances: \
             {}):\n",
            shown(&path),
            spec.tolerances
        );
        for regression in comparison.regressions() {
            let _ = writeln!(text, "  - {regression}");
        }
        let _ = writeln!(
            text,
            "  To accept the new figures: {UPDATE_VAR}=1 cargo test {function} (rewrites the \
             baseline), or {UPDATE_VAR}=new (writes them beside it, for review)."
        );
        pending_note(&mut text);
        let _ = write!(text, "\n{}", diff_heading(&comparison));
        return Some(text);
    }
    // Within the tolerances: passes. What changed is said in the test's output (shown with
    // `--nocapture`, or if the test fails later).
    if !comparison.is_unchanged() {
        eprint!(
            "memory_profiler: `{function}` is within its allocation baseline, {} (tolerances: \
             {}); {UPDATE_VAR}=1 records the new figures.\n\n{}",
            shown(&path),
            spec.tolerances,
            diff_heading(&comparison)
        );
    }
    None
}

/// The comparison under a line saying how to read it.
fn diff_heading(comparison: &Comparison) -> String {
    format!(
        "Allocations, old and new (= same line, ~ moved, + added, - removed; unchanged lines \
         left out):\n\n{comparison}"
    )
}

fn cannot_write(function: &str, path: &Path, err: &std::io::Error) -> String {
    format!(
        "memory_profiler: cannot write the allocation baseline of `{function}`, {}: {err}\n",
        shown(path)
    )
}
