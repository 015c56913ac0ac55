//! Sizes and tolerances as `#[limit]` reads them: `"24 MB"`, `"64 KiB"` (as pytest-memray
//! reads them), `"+5%"`, `"+1 KiB"`, `"+2"` (as the runtime's `Tolerance::parse` reads a
//! baseline's). Plain text in, bytes or a typed tolerance (`crate::spec::Tolerance`) out, or the
//! message of the error, which `crate::limit::args` puts on the value's tokens.

use crate::spec::Tolerance;

/// `"24 MB"` → 24,000,000: B, KB/MB/GB/TB (decimal, powers of 1000) and KiB/MiB/GiB/TiB
/// (binary, powers of 1024), as pytest-memray reads them; decimals allowed (`"1.5 MiB"`).
pub fn parse_size(text: &str) -> Result<i64, String> {
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
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let unit = unit.trim();
    let number: f64 = number.replace('_', "").parse().map_err(|_| {
        format!(
            "\"{text}\" is not a size: write a number and a unit, as in \"64 KiB\" or \"24 MB\""
        )
    })?;
    let Some((_, factor)) = UNITS.iter().find(|(u, _)| *u == unit) else {
        let near = UNITS
            .iter()
            .find(|(u, _)| u.eq_ignore_ascii_case(unit))
            .map(|(u, _)| *u);
        let hint = near.map_or(String::new(), |u| format!(" (did you mean \"{u}\"?)"));
        return Err(format!(
            "unknown unit \"{unit}\" in \"{text}\"{hint}: use B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)"
        ));
    };
    let bytes = number * factor;
    if bytes.fract() != 0.0 || bytes > i64::MAX as f64 {
        return Err(format!("\"{text}\" is not a whole number of bytes"));
    }
    Ok(bytes as i64)
}

/// `"+5%"`, `"+0.5%"`; `"+2"` (allocations); `"+100"`, `"+1 KiB"` (bytes, peak): as the
/// runtime's `Tolerance::parse` reads them (`memory_profiler::baseline`).
pub fn parse_tolerance(text: &str, name: &str) -> Result<Tolerance, String> {
    let trimmed = text.trim();
    let example = if name == "allocations" {
        "\"+5%\" or \"+2\""
    } else {
        "\"+5%\" or \"+1 KiB\""
    };
    let Some(rest) = trimmed.strip_prefix('+') else {
        let hint = if !trimmed.is_empty() && !trimmed.starts_with('-') {
            format!(" (did you mean \"+{trimmed}\"?)")
        } else {
            String::new()
        };
        return Err(format!(
            "\"{text}\" is not a tolerance{hint}: a tolerance is how much `{name}` may grow over \
             the baseline, written with a `+`: {example}"
        ));
    };
    let rest = rest.trim();
    if let Some(number) = rest.strip_suffix('%') {
        let number = number.trim();
        return match number.replace('_', "").parse::<f64>() {
            Ok(p) if p.is_finite() && p >= 0.0 && !number.is_empty() => Ok(Tolerance::Percent(p)),
            _ => Err(format!(
                "\"{text}\" is not a percentage: write a number before `%`, as in \"+5%\""
            )),
        };
    }
    if name == "allocations" {
        return rest
            .replace('_', "")
            .parse::<u64>()
            .map(Tolerance::Amount)
            .map_err(|_| {
                format!(
                    "\"{text}\" is not a tolerance of allocations: write a whole number of \
                     allocations or a percentage: {example}"
                )
            });
    }
    let has_unit = rest.ends_with(|c: char| c.is_ascii_alphabetic());
    let bytes = if has_unit {
        parse_size(rest)
    } else {
        rest.replace('_', "")
            .parse::<i64>()
            .map_err(|_| format!("\"{text}\" is not an amount of bytes"))
    };
    bytes
        .map(|b| Tolerance::Amount(b as u64))
        .map_err(|why| format!("{why}; a tolerance of `{name}` is written {example}"))
}

#[cfg(test)]
mod tests {
    use super::{parse_size, parse_tolerance, Tolerance};

    /// The cases of the runtime's `Tolerance::parse` (profile-runtime/src/baseline/tolerance.rs): the two
    /// read tolerances alike.
    #[test]
    fn tolerances() {
        assert_eq!(parse_tolerance("+5%", "bytes"), Ok(Tolerance::Percent(5.0)));
        assert_eq!(
            parse_tolerance(" + 2.5 % ", "peak"),
            Ok(Tolerance::Percent(2.5))
        );
        assert_eq!(
            parse_tolerance("+0", "allocations"),
            Ok(Tolerance::Amount(0))
        );
        assert_eq!(
            parse_tolerance("+1_000", "allocations"),
            Ok(Tolerance::Amount(1000))
        );
        assert_eq!(parse_tolerance("+100", "bytes"), Ok(Tolerance::Amount(100)));
        assert_eq!(
            parse_tolerance("+1 KiB", "bytes"),
            Ok(Tolerance::Amount(1024))
        );
        assert_eq!(
            parse_tolerance("+1.5 MB", "peak"),
            Ok(Tolerance::Amount(1_500_000))
        );
        let err = |text, name| parse_tolerance(text, name).unwrap_err();
        assert!(err("5%", "bytes").contains("(did you mean \"+5%\"?)"));
        assert!(err("-5%", "bytes").contains("is how much `bytes` may grow"));
        assert!(err("+1 KiB", "allocations").contains("whole number of allocations"));
        assert!(err("+1 kb", "bytes").contains("did you mean \"KB\"?"));
        assert!(err("+%", "bytes").contains("not a percentage"));
        assert!(err("+0.5 B", "bytes").contains("not a whole number of bytes"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0 B"), Ok(0));
        assert_eq!(parse_size("24 MB"), Ok(24_000_000));
        assert_eq!(parse_size("64 KiB"), Ok(65_536));
        assert_eq!(parse_size("1.5 MiB"), Ok(1_572_864));
        assert_eq!(parse_size("2GB"), Ok(2_000_000_000));
        assert_eq!(parse_size(" 10 KB "), Ok(10_000));
        assert!(parse_size("10 mb")
            .unwrap_err()
            .contains("did you mean \"MB\"?"));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("1.5 B").is_err());
    }
}
