//! Two snapshots compared ([`Snapshot::compare`]): functions paired by name (and file),
//! their lines matched by statement text (moved, added, removed), and the functions whose
//! figures grew past their tolerances listed as [`Regression`]s, in a [`Comparison`]. Its
//! rendering is `super::render`'s.

use super::{Figure, Figures, Snapshot, SnapshotFunction, SnapshotLine, Tolerance, Tolerances};

impl Snapshot {
    /// Compares `self` (the old figures, the baseline) with `new`: functions and lines matched,
    /// the functions whose figures grew past `tolerances` listed as regressions.
    pub fn compare(&self, new: &Snapshot, tolerances: &Tolerances) -> Comparison {
        let pairs = pair_functions(&self.functions, &new.functions);
        let mut functions: Vec<FunctionChange> = pairs
            .into_iter()
            .map(|(old, new)| FunctionChange::of(old, new))
            .collect();
        let mut regressions = Vec::new();
        for change in &functions {
            let (Some(old), Some(new)) = (&change.old, &change.new) else {
                continue;
            };
            for figure in Figure::ALL {
                let tolerance = tolerances.of(figure);
                let (o, n) = (old.figures.get(figure), new.figures.get(figure));
                let most = tolerance.most(o);
                if n > most {
                    regressions.push(Regression {
                        function: change.name.clone(),
                        figure,
                        old: o,
                        new: n,
                        tolerance,
                        most,
                    });
                }
            }
        }
        // The functions that regressed first, then those that changed, then the others; by
        // name within each.
        functions.sort_by_key(|f| {
            let regressed = regressions.iter().any(|r| r.function == f.name);
            (!regressed, f.is_unchanged(), f.name.clone(), f.file.clone())
        });
        Comparison {
            functions,
            regressions,
            tolerances: *tolerances,
        }
    }
}

/// What a statement is matched by: its text without a trailing `//` comment, whitespace
/// collapsed.
pub(super) fn statement_key(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            // A character literal of a quote: `'"'` or `'\"'`.
            b'\'' if !in_string => {
                if bytes.get(i + 1) == Some(&b'"') && bytes.get(i + 2) == Some(&b'\'') {
                    i += 2;
                } else if bytes.get(i + 1) == Some(&b'\\') && bytes.get(i + 3) == Some(&b'\'') {
                    i += 3;
                }
            }
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                end = i;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    text[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The old and new functions paired: by name and file, then by name alone; the rest alone.
fn pair_functions<'a>(
    old: &'a [SnapshotFunction],
    new: &'a [SnapshotFunction],
) -> Vec<(Option<&'a SnapshotFunction>, Option<&'a SnapshotFunction>)> {
    let mut old_used = vec![false; old.len()];
    let mut pairs: Vec<(Option<usize>, usize)> = Vec::new();
    for (j, n) in new.iter().enumerate() {
        let exact = (0..old.len())
            .find(|&i| !old_used[i] && old[i].name == n.name && old[i].file == n.file);
        if let Some(i) = exact {
            old_used[i] = true;
        }
        pairs.push((exact, j));
    }
    for pair in pairs.iter_mut().filter(|p| p.0.is_none()) {
        let n = &new[pair.1];
        if let Some(i) = (0..old.len()).find(|&i| !old_used[i] && old[i].name == n.name) {
            old_used[i] = true;
            pair.0 = Some(i);
        }
    }
    let mut out: Vec<_> = pairs
        .into_iter()
        .map(|(i, j)| (i.map(|i| &old[i]), Some(&new[j])))
        .collect();
    out.extend(
        old.iter()
            .zip(&old_used)
            .filter(|(_, used)| !**used)
            .map(|(f, _)| (Some(f), None)),
    );
    out
}

/// How a line changed between the old figures and the new.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// The same statement, at its place among the others (its figures may differ).
    Same,
    /// The same statement, found at another place among the others.
    Moved,
    /// A statement only the new figures have.
    Added,
    /// A statement only the old figures have.
    Removed,
}

impl Change {
    pub(super) fn mark(self) -> &'static str {
        match self {
            Change::Same => "=",
            Change::Moved => "~",
            Change::Added => "+",
            Change::Removed => "-",
        }
    }
}

/// A line of a [`FunctionChange`]: its statement, and its line number and figures in the old
/// and the new figures (`None` on the side that does not have it).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LineChange {
    /// How it changed.
    pub change: Change,
    /// The statement (the new text, or the old one for a removed line).
    pub text: String,
    /// Line number and figures in the old figures.
    pub old: Option<(u32, Figures)>,
    /// Line number and figures in the new figures.
    pub new: Option<(u32, Figures)>,
}

impl LineChange {
    /// Whether the line is the same statement, at its place, with the same figures.
    pub fn is_unchanged(&self) -> bool {
        self.change == Change::Same && self.old.map(|o| o.1) == self.new.map(|n| n.1)
    }

    /// The change of `figure`, new minus old (a missing side counts as zero).
    pub fn growth(&self, figure: Figure) -> i128 {
        let side = |s: Option<(u32, Figures)>| s.map_or(0, |(_, f)| f.get(figure));
        side(self.new) - side(self.old)
    }
}

/// What a function's side of a comparison has: where it is, its calls and figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionSide {
    /// The line of its attribute.
    pub first_line: u32,
    /// Its calls.
    pub calls: u64,
    /// Its figures.
    pub figures: Figures,
}

/// A function of a [`Comparison`]: its old and new figures (`None` where it is missing), and
/// its lines matched.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionChange {
    /// The function's name.
    pub name: String,
    /// Its file (the new one, if it moved).
    pub file: String,
    /// Its old side.
    pub old: Option<FunctionSide>,
    /// Its new side.
    pub new: Option<FunctionSide>,
    /// Its lines, in the new order; the lines removed between two lines matched in place come
    /// before those added there, as in a diff.
    pub lines: Vec<LineChange>,
}

impl FunctionChange {
    fn of(old: Option<&SnapshotFunction>, new: Option<&SnapshotFunction>) -> FunctionChange {
        let side = |f: &SnapshotFunction| FunctionSide {
            first_line: f.first_line,
            calls: f.calls,
            figures: f.figures,
        };
        let either = new.or(old).expect("a pair has a side");
        FunctionChange {
            name: either.name.clone(),
            file: either.file.clone(),
            old: old.map(side),
            new: new.map(side),
            lines: match_lines(
                old.map_or(&[][..], |f| &f.lines),
                old.map_or(0, |f| f.first_line),
                new.map_or(&[][..], |f| &f.lines),
                new.map_or(0, |f| f.first_line),
            ),
        }
    }

    /// Whether nothing changed: same figures, calls and lines.
    pub fn is_unchanged(&self) -> bool {
        match (&self.old, &self.new) {
            (Some(o), Some(n)) => {
                o.figures == n.figures
                    && o.calls == n.calls
                    && self.lines.iter().all(LineChange::is_unchanged)
            }
            _ => false,
        }
    }

    /// The change of `figure`, new minus old (a missing side counts as zero).
    pub fn growth(&self, figure: Figure) -> i128 {
        let side = |s: Option<FunctionSide>| s.map_or(0, |s| s.figures.get(figure));
        side(self.new) - side(self.old)
    }
}

/// Matches the lines of a function: the longest common sequence of statements (as a diff
/// matches lines) stays in place; among the rest, equal statements are moved (the nearest
/// place in the function first); the others are added or removed.
fn match_lines(
    old: &[SnapshotLine],
    old_first: u32,
    new: &[SnapshotLine],
    new_first: u32,
) -> Vec<LineChange> {
    let old_keys: Vec<String> = old.iter().map(|l| statement_key(&l.text)).collect();
    let new_keys: Vec<String> = new.iter().map(|l| statement_key(&l.text)).collect();
    let (n, m) = (old.len(), new.len());
    let place = |line: u32, first: u32| i64::from(line) - i64::from(first);
    let distance =
        |i: usize, j: usize| (place(old[i].line, old_first) - place(new[j].line, new_first)).abs();
    // best[i][j]: the best alignment of old[i..] with new[j..]: the most statements matched,
    // then the least distance between their places (equal statements match the nearest).
    let mut best = vec![vec![(0u32, 0i64); m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let mut here = best[i + 1][j].max(best[i][j + 1]);
            if old_keys[i] == new_keys[j] {
                let (count, closeness) = best[i + 1][j + 1];
                here = here.max((count + 1, closeness - distance(i, j)));
            }
            best[i][j] = here;
        }
    }
    // For each new line, its old line and how it matched.
    let mut matched: Vec<Option<(usize, Change)>> = vec![None; m];
    let mut old_used = vec![false; n];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if old_keys[i] == new_keys[j] && {
            let (count, closeness) = best[i + 1][j + 1];
            best[i][j] == (count + 1, closeness - distance(i, j))
        } {
            matched[j] = Some((i, Change::Same));
            old_used[i] = true;
            i += 1;
            j += 1;
        } else if best[i + 1][j] > best[i][j + 1] {
            // (On a tie, the new line is left out: of two statements that swapped places, the
            // one now first is the one that moved.)
            i += 1;
        } else {
            j += 1;
        }
    }
    for j in 0..m {
        if matched[j].is_some() {
            continue;
        }
        let at = place(new[j].line, new_first);
        let nearest = (0..n)
            .filter(|&i| !old_used[i] && old_keys[i] == new_keys[j])
            .min_by_key(|&i| (place(old[i].line, old_first) - at).abs());
        if let Some(i) = nearest {
            old_used[i] = true;
            matched[j] = Some((i, Change::Moved));
        }
    }
    let old_side = |i: usize| Some((old[i].line, old[i].figures));
    let removed = |i: usize| LineChange {
        change: Change::Removed,
        text: old[i].text.clone(),
        old: old_side(i),
        new: None,
    };
    let mut out = Vec::with_capacity(n.max(m));
    // Between two statements matched in place, as a diff shows them: the old lines removed
    // there, then the new lines added or moved there.
    let mut next_old = 0;
    for j in 0..m {
        if next_old < n {
            // The old place this new line comes before: that of the next line matched in place.
            let bound = matched[j..]
                .iter()
                .find_map(|m| match m {
                    Some((i, Change::Same)) => Some(*i),
                    _ => None,
                })
                .unwrap_or(n);
            while next_old < bound {
                if !old_used[next_old] {
                    out.push(removed(next_old));
                }
                next_old += 1;
            }
        }
        if let Some((i, Change::Same)) = matched[j] {
            next_old = i + 1;
        }
        let (change, old) = match matched[j] {
            Some((i, change)) => (change, old_side(i)),
            None => (Change::Added, None),
        };
        out.push(LineChange {
            change,
            text: new[j].text.clone(),
            old,
            new: Some((new[j].line, new[j].figures)),
        });
    }
    out.extend((next_old..n).filter(|&i| !old_used[i]).map(removed));
    out
}

/// A function whose figure grew past its tolerance.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Regression {
    /// The function.
    pub function: String,
    /// The figure that grew.
    pub figure: Figure,
    /// Its old value.
    pub old: i128,
    /// Its new value.
    pub new: i128,
    /// The tolerance it went past.
    pub tolerance: Tolerance,
    /// The most the tolerance allowed.
    pub most: i128,
}

/// The old figures compared with the new: every function, its lines matched, and the
/// functions that regressed. Its `Display` is the line-level diff a failing
/// `#[limit(baseline)]` test prints (see [`Snapshot::compare`]).
#[derive(Clone, Debug)]
pub struct Comparison {
    pub(super) functions: Vec<FunctionChange>,
    pub(super) regressions: Vec<Regression>,
    pub(super) tolerances: Tolerances,
}

impl Comparison {
    /// The functions: those that regressed first, then those that changed, then the others.
    pub fn functions(&self) -> &[FunctionChange] {
        &self.functions
    }

    /// The figures that grew past their tolerance.
    pub fn regressions(&self) -> &[Regression] {
        &self.regressions
    }

    /// Whether a figure grew past its tolerance.
    pub fn regressed(&self) -> bool {
        !self.regressions.is_empty()
    }

    /// Whether no figure, call count or line changed.
    pub fn is_unchanged(&self) -> bool {
        self.functions.iter().all(FunctionChange::is_unchanged)
    }

    /// The tolerances it was compared with.
    pub fn tolerances(&self) -> Tolerances {
        self.tolerances
    }
}
