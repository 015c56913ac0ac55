//! The `mprofile_<YYYYMMDDhhmmss>.dat` files of a folder: naming, listing, choosing by index.

use std::path::{Path, PathBuf};

/// A date and time of day (UTC), from Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millisecond: u32,
}

impl DateTime {
    /// The UTC date and time of `unix` seconds.
    pub fn utc(unix: f64) -> DateTime {
        let millis = (unix * 1000.0).round() as i64;
        let secs = millis.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Howard Hinnant's days-to-civil.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        DateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            millisecond: millis.rem_euclid(1000) as u32,
        }
    }

    /// `YYYYMMDDhhmmss`, as in mprof's file names.
    pub fn stamp(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// The default output of `mprof run`: `mprofile_<YYYYMMDDhhmmss>.dat` (UTC).
pub fn default_name(unix: f64) -> String {
    format!("mprofile_{}.dat", DateTime::utc(unix).stamp())
}

/// Whether `name` is `mprofile_` followed by 14 digits and `.dat`.
fn is_profile_name(name: &str) -> bool {
    name.strip_prefix("mprofile_")
        .and_then(|rest| rest.strip_suffix(".dat"))
        .is_some_and(|stamp| stamp.len() == 14 && stamp.bytes().all(|b| b.is_ascii_digit()))
}

/// The `mprofile_*.dat` files of `dir`, oldest first (by name, as Python's mprof sorts them).
pub fn profiles(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| is_profile_name(n))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            // Named as Python's mprof names them: `mprofile_...dat`, not `./mprofile_...dat`.
            if dir == Path::new(".") {
                PathBuf::from(n)
            } else {
                dir.join(n)
            }
        })
        .collect()
}

/// `mprof list`'s line: `<index> <file> <hh>:<mm>:<ss> <dd>/<mm>/<yyyy>`.
pub fn list_line(index: usize, path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let stamp = name
        .trim_start_matches("mprofile_")
        .trim_end_matches(".dat");
    let s = |a: usize, b: usize| stamp.get(a..b).unwrap_or("??");
    format!(
        "{index} {name} {}:{}:{} {}/{}/{}",
        s(8, 10),
        s(10, 12),
        s(12, 14),
        s(6, 8),
        s(4, 6),
        s(0, 4)
    )
}

/// The files named by `args`, each an existing path or an index into [`profiles`] (0 the
/// oldest, -1 the newest); with no argument, the newest profile. Each file once.
pub fn choose(dir: &Path, args: &[String]) -> Result<Vec<PathBuf>, String> {
    let all = profiles(dir);
    if args.is_empty() {
        return all.last().cloned().map(|p| vec![p]).ok_or_else(|| {
            "no input file found: this command looks for mprofile_*.dat files, made by `mprof run`"
                .to_owned()
        });
    }
    let mut out: Vec<PathBuf> = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        let chosen = if path.is_file() {
            path.to_path_buf()
        } else if path.is_dir() {
            return Err(format!("{arg} is a directory"));
        } else if let Ok(index) = arg.parse::<i64>() {
            let i = if index < 0 {
                all.len() as i64 + index
            } else {
                index
            };
            usize::try_from(i)
                .ok()
                .and_then(|i| all.get(i))
                .cloned()
                .ok_or_else(|| format!("invalid index (no such profile): {arg}"))?
        } else {
            return Err(format!("file {arg} not found"));
        };
        if !out.contains(&chosen) {
            out.push(chosen);
        }
    }
    Ok(out)
}

/// The `<name>_ts.dat` timestamp files Python's mprof keeps beside a profile, if any: removed
/// with it.
pub fn with_timestamp_files(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut out = files.clone();
    for f in files.iter().rev() {
        let ts = f.with_file_name(format!(
            "{}_ts.dat",
            f.file_stem().unwrap_or_default().to_string_lossy()
        ));
        if ts.is_file() && !out.contains(&ts) {
            out.push(ts);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        let d = DateTime::utc(0.0);
        assert_eq!((d.year, d.month, d.day, d.hour), (1970, 1, 1, 0));
        // 2024-02-29 12:34:56.789 UTC
        let d = DateTime::utc(1_709_210_096.789);
        assert_eq!(
            (
                d.year,
                d.month,
                d.day,
                d.hour,
                d.minute,
                d.second,
                d.millisecond
            ),
            (2024, 2, 29, 12, 34, 56, 789)
        );
        assert_eq!(d.stamp(), "20240229123456");
        assert_eq!(
            default_name(1_709_210_096.789),
            "mprofile_20240229123456.dat"
        );
    }

    #[test]
    fn names_and_list_lines() {
        assert!(is_profile_name("mprofile_20240229123456.dat"));
        assert!(!is_profile_name("mprofile_2024022912345.dat"));
        assert!(!is_profile_name("mprofile_20240229123456_ts.dat"));
        assert_eq!(
            list_line(3, Path::new("./mprofile_20240229123456.dat")),
            "3 mprofile_20240229123456.dat 12:34:56 29/02/2024"
        );
    }
}
