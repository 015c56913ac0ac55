//! Byte counts as the messages print them: digits grouped by threes, and a human size beside.
//! Plain functions of numbers, owning nothing and calling nothing of the crate; the reports,
//! the limits, `measure` and the baselines print through them.

/// Digits grouped by threes: `1,234,567`.
pub(crate) fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `80,000,816 B (76.3 MiB)`, `512 B`.
pub(crate) fn size(bytes: i64) -> String {
    let abs = bytes.unsigned_abs() as f64;
    let human = if abs >= (1 << 30) as f64 {
        format!(" ({:.1} GiB)", bytes as f64 / (1u64 << 30) as f64)
    } else if abs >= (1 << 20) as f64 {
        format!(" ({:.1} MiB)", bytes as f64 / (1u64 << 20) as f64)
    } else if abs >= 1024.0 {
        format!(" ({:.1} KiB)", bytes as f64 / 1024.0)
    } else {
        String::new()
    };
    format!("{} B{human}", group(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_and_sizes() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(-80_000_816), "-80,000,816");
        assert_eq!(size(80_000_816), "80,000,816 B (76.3 MiB)");
        assert_eq!(size(512), "512 B");
    }
}
