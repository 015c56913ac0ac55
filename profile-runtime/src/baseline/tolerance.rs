//! How much a figure may grow over its baseline: a [`Tolerance`] per figure
//! ([`Tolerances`]), read from `"+5%"`, `"+1 KiB"`, `"+2"` as `#[limit(baseline)]` and
//! `mprof diff` take them. Plain data; calls nothing but the byte sizes' parser here.

use std::fmt;

use super::Figure;

/// How much a figure may grow over its baseline (see the [module](crate::baseline) docs).
///
/// ```
/// use memory_profiler::baseline::{Figure, Tolerance};
///
/// let five = Tolerance::parse("+5%", Figure::Bytes).unwrap();
/// assert_eq!(five, Tolerance::Percent(5.0));
/// assert_eq!(five.most(1_200), 1_260);
/// assert_eq!(Tolerance::parse("+1 KiB", Figure::Peak), Ok(Tolerance::Amount(1024)));
/// assert_eq!(Tolerance::parse("+0", Figure::Allocations), Ok(Tolerance::Amount(0)));
/// assert!(Tolerance::parse("5%", Figure::Bytes).unwrap_err().contains("\"+5%\""));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    /// A share of the old figure, in percent (`"+5%"`, `"+0.5%"`).
    Percent(f64),
    /// An amount: bytes for bytes and peak (`"+1 KiB"`, `"+64 B"`, `"+100"`), a count for
    /// allocations (`"+2"`).
    Amount(u64),
}

impl Default for Tolerance {
    /// `"+0"`: no growth.
    fn default() -> Self {
        Tolerance::Amount(0)
    }
}

impl Tolerance {
    /// Reads a tolerance as `#[limit(baseline, ..)]` and `mprof diff` take it: `+` then a
    /// percentage (`"+5%"`), or an amount: a count for allocations (`"+2"`), bytes for bytes and
    /// peak, with or without a unit (`"+100"`, `"+1 KiB"`, `"+1.5 MB"`; `B`, `KB`, `MB`, `GB`,
    /// `TB` are powers of 1000, `KiB`, `MiB`, `GiB`, `TiB` powers of 1024).
    pub fn parse(text: &str, figure: Figure) -> Result<Tolerance, String> {
        let trimmed = text.trim();
        let example = match figure {
            Figure::Allocations => "\"+5%\" or \"+2\"",
            Figure::Bytes | Figure::Peak => "\"+5%\" or \"+1 KiB\"",
        };
        let Some(rest) = trimmed.strip_prefix('+') else {
            let hint = if !trimmed.is_empty() && !trimmed.starts_with('-') {
                format!(" (did you mean \"+{trimmed}\"?)")
            } else {
                String::new()
            };
            return Err(format!(
                "\"{text}\" is not a tolerance{hint}: a tolerance is how much the {} may grow, \
                 written with a `+`: {example}",
                figure.name()
            ));
        };
        let rest = rest.trim();
        if let Some(number) = rest.strip_suffix('%') {
            return match number.trim().replace('_', "").parse::<f64>() {
                Ok(p) if p.is_finite() && p >= 0.0 && !number.trim().is_empty() => {
                    Ok(Tolerance::Percent(p))
                }
                _ => Err(format!(
                    "\"{text}\" is not a percentage: write a number before `%`, as in \"+5%\""
                )),
            };
        }
        match figure {
            Figure::Allocations => match rest.replace('_', "").parse::<u64>() {
                Ok(n) => Ok(Tolerance::Amount(n)),
                Err(_) => Err(format!(
                    "\"{text}\" is not a tolerance of allocations: write a whole number of \
                     allocations or a percentage: {example}"
                )),
            },
            Figure::Bytes | Figure::Peak => parse_bytes(rest)
                .map(Tolerance::Amount)
                .map_err(|why| format!("\"{text}\": {why}; write {example}")),
        }
    }

    /// The most the figure may reach, from `old`: `old` plus the percentage of it (rounded
    /// down) or plus the amount.
    pub fn most(&self, old: i128) -> i128 {
        match *self {
            Tolerance::Percent(p) => old + (old.max(0) as f64 * p / 100.0).floor() as i128,
            Tolerance::Amount(n) => old + i128::from(n),
        }
    }

    /// The tolerance as written for `figure`: `+5%`, `+1,024 B`, `+2`.
    pub fn describe(&self, figure: Figure) -> String {
        match *self {
            Tolerance::Percent(p) => format!("+{p}%"),
            Tolerance::Amount(n) => format!("+{}", figure.format(i128::from(n))),
        }
    }
}

/// A number of bytes with an optional unit.
fn parse_bytes(text: &str) -> Result<u64, String> {
    const UNITS: [(&str, f64); 9] = [
        ("B", 1.0),
        ("KB", 1e3),
        ("MB", 1e6),
        ("GB", 1e9),
        ("TB", 1e12),
        ("KiB", 1024.0),
        ("MiB", 1048576.0),
        ("GiB", 1073741824.0),
        ("TiB", 1099511627776.0),
    ];
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .replace('_', "")
        .parse()
        .map_err(|_| "not an amount of bytes".to_owned())?;
    let unit = unit.trim();
    let factor = if unit.is_empty() {
        1.0
    } else {
        match UNITS.iter().find(|(u, _)| *u == unit) {
            Some((_, factor)) => *factor,
            None => {
                return Err(format!(
                    "unknown unit \"{unit}\" (use B, KB, MB, GB, TB, or KiB, MiB, GiB, TiB)"
                ))
            }
        }
    };
    let bytes = number * factor;
    if bytes.fract() != 0.0 || bytes > u64::MAX as f64 {
        return Err("not a whole number of bytes".to_owned());
    }
    Ok(bytes as u64)
}

/// The tolerances of the three figures: how much each may grow before a function regresses.
///
/// ```
/// use memory_profiler::baseline::{Tolerance, Tolerances};
///
/// let tolerances = Tolerances::new(Tolerance::Percent(5.0), Tolerance::Amount(0), Tolerance::Amount(0));
/// assert_eq!(tolerances.to_string(), "bytes +5%, allocations +0, peak +0 B");
/// assert_eq!(Tolerances::default().to_string(), "bytes +0 B, allocations +0, peak +0 B");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Tolerances {
    /// Of the bytes allocated.
    pub bytes: Tolerance,
    /// Of the allocations.
    pub allocations: Tolerance,
    /// Of the peak.
    pub peak: Tolerance,
}

impl Tolerances {
    /// The three tolerances.
    pub const fn new(bytes: Tolerance, allocations: Tolerance, peak: Tolerance) -> Tolerances {
        Tolerances {
            bytes,
            allocations,
            peak,
        }
    }

    /// The tolerance of `figure`.
    pub fn of(&self, figure: Figure) -> Tolerance {
        match figure {
            Figure::Bytes => self.bytes,
            Figure::Allocations => self.allocations,
            Figure::Peak => self.peak,
        }
    }
}

impl fmt::Display for Tolerances {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Figure::ALL
            .iter()
            .map(|figure| format!("{} {}", figure.key(), self.of(*figure).describe(*figure)))
            .collect();
        f.write_str(&parts.join(", "))
    }
}
