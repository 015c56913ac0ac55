//! The reports of several functions ([`Reports`]): what [`capture`](crate::capture) hands
//! back and a run collects, looked up by name ([`Reports::function`], [`LookupError`]), summed
//! per function. Part of the model: no state, no output.

use std::fmt;

use super::Report;

/// The reports handed back by [`capture`](crate::capture): one per profiled function called
/// during its closure.
///
/// ```
/// # #[global_allocator]
/// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
/// #[memory_profiler::profile]
/// fn a() -> Vec<u8> { vec![1; 10] }
/// #[memory_profiler::profile]
/// fn b() -> usize { a().len() + a().len() }
///
/// let (_, reports) = memory_profiler::capture(b);
/// let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
/// assert_eq!(names, ["a", "b"]); // in the order they finished
/// assert_eq!(reports.function("a").unwrap().calls(), 2); // both calls, summed
/// ```
#[derive(Clone, Debug, Default)]
pub struct Reports {
    reports: Vec<Report>,
}

impl Reports {
    /// The report of the function named `name`: its qualified name (`Inventory::new`,
    /// `<Inventory as Summarize>::total`, see [`Report::function`]), or its own name (`new`)
    /// when no other reported function has it. `None` when no report has that name.
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// # use memory_profiler::profile;
    /// pub struct Inventory(Vec<u32>);
    /// pub struct Order(Vec<u32>);
    ///
    /// #[profile]
    /// impl Inventory {
    ///     pub fn new() -> Self { Inventory(Vec::with_capacity(8)) }
    ///     pub fn count(&self) -> usize { self.0.len() }
    /// }
    ///
    /// #[profile]
    /// impl Order {
    ///     pub fn new() -> Self { Order(Vec::with_capacity(2)) }
    /// }
    ///
    /// let (_, reports) = memory_profiler::capture(|| (Inventory::new().count(), Order::new()));
    /// assert_eq!(reports.function("Order::new").unwrap().calls(), 1);
    /// assert_eq!(reports.function("count").unwrap().function(), "Inventory::count");
    /// assert!(reports.function("Order::count").is_none());
    /// ```
    ///
    /// # Panics
    ///
    /// When `name` is a bare name that several reported functions have (`new` above), naming
    /// them, as tests want it: picking one would check the wrong function's figures, and `None`
    /// would read as "not called". [`Reports::try_function`] returns that as an error instead.
    ///
    /// ```should_panic
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// # pub struct Inventory;
    /// # pub struct Order;
    /// # #[memory_profiler::profile] impl Inventory { pub fn new() -> Self { Inventory } }
    /// # #[memory_profiler::profile] impl Order { pub fn new() -> Self { Order } }
    /// let (_, reports) = memory_profiler::capture(|| (Inventory::new(), Order::new()));
    /// // panics: "`new` names several profiled functions: `Inventory::new`, `Order::new`; ..."
    /// reports.function("new");
    /// ```
    #[track_caller]
    pub fn function(&self, name: &str) -> Option<&Report> {
        match self.try_function(name) {
            Ok(report) => Some(report),
            Err(LookupError::NotFound { .. }) => None,
            Err(ambiguous) => panic!("{ambiguous}"),
        }
    }

    /// The report of the function named `name`, as [`Reports::function`] finds it, or why there
    /// is none: no reported function has that name ([`LookupError::NotFound`], with the names
    /// there are), or several have it as their own name ([`LookupError::Ambiguous`], with
    /// their qualified names).
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();
    /// # use memory_profiler::{profile, LookupError};
    /// pub struct Inventory;
    /// pub struct Order;
    /// #[profile]
    /// impl Inventory {
    ///     pub fn new() -> Self { Inventory }
    /// }
    /// #[profile]
    /// impl Order {
    ///     pub fn new() -> Self { Order }
    /// }
    ///
    /// let (_, reports) = memory_profiler::capture(|| (Inventory::new(), Order::new()));
    /// let err = reports.try_function("new").unwrap_err();
    /// assert_eq!(err, LookupError::Ambiguous {
    ///     name: "new".into(),
    ///     matches: vec!["Inventory::new", "Order::new"],
    /// });
    /// assert_eq!(
    ///     err.to_string(),
    ///     "`new` names several profiled functions: `Inventory::new`, `Order::new`; write the one you mean"
    /// );
    /// assert_eq!(
    ///     reports.try_function("old").unwrap_err().to_string(),
    ///     "no profiled function named `old` reported; the reports are of `Inventory::new`, `Order::new`"
    /// );
    /// assert_eq!(reports.try_function("Order::new").unwrap().function(), "Order::new");
    /// ```
    pub fn try_function(&self, name: &str) -> Result<&Report, LookupError> {
        if let Some(report) = self.reports.iter().find(|r| r.function == name) {
            return Ok(report);
        }
        let mut matches = self.reports.iter().filter(|r| r.name == name);
        match (matches.next(), matches.next()) {
            (Some(report), None) => Ok(report),
            (None, _) => Err(LookupError::NotFound {
                name: name.to_owned(),
                reported: self.reports.iter().map(|r| r.function).collect(),
            }),
            (Some(_), Some(_)) => Err(LookupError::Ambiguous {
                name: name.to_owned(),
                matches: self
                    .reports
                    .iter()
                    .filter(|r| r.name == name)
                    .map(|r| r.function)
                    .collect(),
            }),
        }
    }

    /// The reports in the order their functions were first completed.
    pub fn iter(&self) -> std::slice::Iter<'_, Report> {
        self.reports.iter()
    }

    /// How many functions reported.
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    /// Whether no profiled function was called.
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Adds the report of a function not in the list yet.
    pub(crate) fn push(&mut self, report: Report) {
        self.reports.push(report);
    }

    /// Orders the reports by file, then by line.
    pub(crate) fn sort_by_place(&mut self) {
        self.reports
            .sort_by(|a, b| (a.file, a.rows_first_line()).cmp(&(b.file, b.rows_first_line())));
    }

    /// Adds a report: summed into the one of the same function, if there is one.
    pub(crate) fn add(&mut self, report: Report) {
        match self.reports.iter_mut().find(|r| r.same_function(&report)) {
            Some(mine) => mine.absorb(report),
            None => self.reports.push(report),
        }
    }
}

/// Why [`Reports::try_function`] found no report.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookupError {
    /// No reported function has that name, qualified or its own.
    NotFound {
        /// The name looked up.
        name: String,
        /// The qualified names of the functions that reported.
        reported: Vec<&'static str>,
    },
    /// Several reported functions have that name as their own name (`new` for
    /// `Inventory::new` and `Order::new`).
    Ambiguous {
        /// The name looked up.
        name: String,
        /// Their qualified names, in the reports' order.
        matches: Vec<&'static str>,
    },
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |names: &[&str]| {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            LookupError::NotFound { name, reported } if reported.is_empty() => {
                write!(f, "no profiled function named `{name}` reported; no profiled function reported at all")
            }
            LookupError::NotFound { name, reported } => write!(
                f,
                "no profiled function named `{name}` reported; the reports are of {}",
                list(reported)
            ),
            LookupError::Ambiguous { name, matches } => write!(
                f,
                "`{name}` names several profiled functions: {}; write the one you mean",
                list(matches)
            ),
        }
    }
}

impl std::error::Error for LookupError {}

impl<'a> IntoIterator for &'a Reports {
    type Item = &'a Report;
    type IntoIter = std::slice::Iter<'a, Report>;
    fn into_iter(self) -> Self::IntoIter {
        self.reports.iter()
    }
}

impl IntoIterator for Reports {
    type Item = Report;
    type IntoIter = std::vec::IntoIter<Report>;
    fn into_iter(self) -> Self::IntoIter {
        self.reports.into_iter()
    }
}
