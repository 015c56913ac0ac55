//! The snapshot file (format 1, see the [module](crate::baseline) docs): a [`Snapshot`]
//! written ([`Display`](fmt::Display)) and read back ([`Snapshot::parse`], [`ParseError`]),
//! figures with their digits grouped by `_`. Text in, text out; no files are touched here
//! (`crate::snapshots` reads and writes them).

use std::fmt;

use super::{group_wide, Figures, Snapshot, SnapshotFunction, SnapshotLine, FORMAT_VERSION};

impl Snapshot {
    /// Reads a snapshot file (see the [module](crate::baseline) docs). The error says which line is wrong
    /// and why.
    pub fn parse(text: &str) -> Result<Snapshot, ParseError> {
        let mut version = None;
        let mut functions: Vec<SnapshotFunction> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let number = i + 1;
            let error = |message: String| ParseError {
                line: number,
                message,
            };
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if version.is_none() {
                let v = line
                    .strip_prefix("version ")
                    .and_then(|v| v.trim().parse::<u32>().ok())
                    .ok_or_else(|| {
                        error(format!(
                            "expected `version {FORMAT_VERSION}` before any row, found `{line}`"
                        ))
                    })?;
                if v != FORMAT_VERSION {
                    return Err(error(format!(
                        "the file is in format {v}, and this memory-profiler reads format \
                         {FORMAT_VERSION}"
                    )));
                }
                version = Some(v);
                continue;
            }
            let row = Row::parse(line).map_err(error)?;
            match row.place {
                None => {
                    let at = row.rest.rsplit_once(':').and_then(|(file, line)| {
                        line.parse::<u32>().ok().map(|line| (file.to_owned(), line))
                    });
                    let Some((file, first_line)) = at else {
                        return Err(error(format!(
                            "a function's row ends with ` | FILE:LINE`, not ` | {}`",
                            row.rest
                        )));
                    };
                    let calls = row.calls.ok_or_else(|| {
                        error(format!("the row of `{}` has no `calls=`", row.name))
                    })?;
                    if functions
                        .iter()
                        .any(|f| f.name == row.name && f.file == file)
                    {
                        return Err(error(format!(
                            "`{}` of {file} has two rows; keep one",
                            row.name
                        )));
                    }
                    functions.push(SnapshotFunction {
                        name: row.name,
                        file,
                        first_line,
                        calls,
                        figures: row.figures,
                        lines: Vec::new(),
                    });
                }
                Some(place) => {
                    let Some(function) = functions.last_mut().filter(|f| f.name == row.name) else {
                        return Err(error(format!(
                            "the line of `{}` comes before, or away from, its function's row",
                            row.name
                        )));
                    };
                    if row.calls.is_some() {
                        return Err(error("a line's row has no `calls=`".to_owned()));
                    }
                    function.lines.push(SnapshotLine {
                        line: function.first_line.saturating_add(place),
                        text: row.rest.to_owned(),
                        figures: row.figures,
                    });
                }
            }
        }
        if version.is_none() {
            return Err(ParseError {
                line: text.lines().count().max(1),
                message: format!("no `version {FORMAT_VERSION}` line: the file is empty"),
            });
        }
        Ok(Snapshot::new(
            functions
                .into_iter()
                .map(|mut f| {
                    f.lines.sort_by_key(|l| l.line);
                    f
                })
                .collect(),
        ))
    }
}

impl fmt::Display for Snapshot {
    /// The snapshot file: its comment, `version 1`, then the rows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "# memory-profiler allocation baseline, checked by #[limit(baseline)]. One row per \
             profiled\n# function, then one per source line that ran (@N: line N of the \
             function, counted from its\n# attribute): bytes allocated, allocations, peak \
             bytes; exact figures, compared by function\n# name and statement text. \
             MEMORY_PROFILER_UPDATE=1 rewrites it.\n",
        )?;
        writeln!(f, "version {FORMAT_VERSION}")?;
        for function in &self.functions {
            let Figures {
                bytes,
                allocations,
                peak,
            } = function.figures;
            writeln!(
                f,
                "`{}` calls={} bytes={} allocs={} peak={} | {}:{}",
                function.name,
                underscored(function.calls.into()),
                underscored(bytes.into()),
                underscored(allocations.into()),
                underscored(peak.into()),
                function.file,
                function.first_line
            )?;
            for line in &function.lines {
                let Figures {
                    bytes,
                    allocations,
                    peak,
                } = line.figures;
                writeln!(
                    f,
                    "`{}` @{} bytes={} allocs={} peak={} | {}",
                    function.name,
                    line.line.saturating_sub(function.first_line),
                    underscored(bytes.into()),
                    underscored(allocations.into()),
                    underscored(peak.into()),
                    line.text
                )?;
            }
        }
        Ok(())
    }
}

/// A snapshot file that cannot be read: the line (1-based) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line of the file.
    pub line: usize,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// One row of a snapshot file, read.
struct Row<'a> {
    name: String,
    /// `@N`: a line's row.
    place: Option<u32>,
    calls: Option<u64>,
    figures: Figures,
    rest: &'a str,
}

impl<'a> Row<'a> {
    fn parse(line: &'a str) -> Result<Row<'a>, String> {
        let after = line.strip_prefix('`').ok_or_else(|| {
            format!("expected a row starting with a function's name in backticks, found `{line}`")
        })?;
        let (name, after) = after
            .split_once('`')
            .ok_or_else(|| "the function's name has no closing backtick".to_owned())?;
        let (fields, rest) = after
            .split_once(" | ")
            .or_else(|| after.strip_suffix(" |").map(|f| (f, "")))
            .ok_or_else(|| format!("the row of `{name}` has no ` | ` before its text"))?;
        let mut row = Row {
            name: name.to_owned(),
            place: None,
            calls: None,
            figures: Figures::default(),
            rest,
        };
        let (mut bytes, mut allocs, mut peak) = (None, None, None);
        for field in fields.split_whitespace() {
            let number = |text: &str| {
                text.replace('_', "")
                    .parse::<i128>()
                    .map_err(|_| format!("`{field}` is not a number"))
            };
            if let Some(place) = field.strip_prefix('@') {
                row.place = Some(
                    number(place)?
                        .try_into()
                        .map_err(|_| format!("`{field}` is out of range"))?,
                );
                continue;
            }
            let (key, value) = field
                .split_once('=')
                .ok_or_else(|| format!("expected `key=value`, found `{field}`"))?;
            let value = number(value)?;
            let out_of_range = || format!("`{field}` is out of range");
            match key {
                "calls" => row.calls = Some(value.try_into().map_err(|_| out_of_range())?),
                "bytes" => bytes = Some(value.try_into().map_err(|_| out_of_range())?),
                "allocs" => allocs = Some(value.try_into().map_err(|_| out_of_range())?),
                "peak" => peak = Some(value.try_into().map_err(|_| out_of_range())?),
                _ => {
                    return Err(format!(
                        "unknown field `{key}` (the fields are calls, bytes, allocs and peak)"
                    ))
                }
            }
        }
        match (bytes, allocs, peak) {
            (Some(bytes), Some(allocations), Some(peak)) => {
                row.figures = Figures::new(bytes, allocations, peak);
                Ok(row)
            }
            _ => Err(format!(
                "a row of `{name}` needs `bytes=`, `allocs=` and `peak=`"
            )),
        }
    }
}

/// `1_048_576`.
fn underscored(n: i128) -> String {
    group_wide(n).replace(',', "_")
}
