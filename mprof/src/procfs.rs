//! Memory of processes from `/proc`: the resident set size, as psutil's `memory_info().rss`
//! (which memory_profiler samples) reads it, and a process's descendants.

use std::collections::HashMap;

const MIB: f64 = 1024.0 * 1024.0;

/// The resident set size of `pid` in bytes, from the `VmRSS` line of `/proc/<pid>/status`
/// (the resident pages of `/proc/<pid>/statm`, in kB). `None` if the process is gone or a
/// zombie.
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// [`rss_bytes`] in MiB.
pub fn rss_mib(pid: u32) -> Option<f64> {
    rss_bytes(pid).map(|b| b as f64 / MIB)
}

/// Every descendant of `pid` (children, their children, ...), found by scanning the parent
/// of each process in `/proc/<pid>/stat`; in pid order within each generation.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut parents: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some(parent) = parent_of(child) {
                parents.entry(parent).or_default().push(child);
            }
        }
    }
    let mut out = Vec::new();
    let mut generation = vec![pid];
    while !generation.is_empty() {
        let mut next = Vec::new();
        for p in generation {
            if let Some(children) = parents.get(&p) {
                let mut children = children.clone();
                children.sort_unstable();
                next.extend(children);
            }
        }
        out.extend(&next);
        generation = next;
    }
    out
}

/// The parent pid, the fourth field of `/proc/<pid>/stat` (after the command name in
/// parentheses, which may itself hold spaces and parentheses).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// The time now, in seconds since the Unix epoch.
pub fn unix_time() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_resident_set() {
        let rss = rss_bytes(std::process::id()).unwrap();
        assert!(rss > 100 * 1024, "{rss}");
    }

    #[test]
    fn children_are_found() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let found = descendants(std::process::id());
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(found.contains(&child.id()), "{found:?}");
        assert!(parent_of(std::process::id()).is_some());
    }
}
