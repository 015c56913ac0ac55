//! `#[profile]` on an impl, a trait and a module: every function with a body inside is
//! profiled and named by what it belongs to; a function's own `#[profile(..)]` lays its
//! arguments over the container's, `#[profile(skip)]` leaves it out, a `const fn` is left
//! alone; a method annotated on its own is named by the type of `self`; `Reports::function`
//! takes the qualified name or an unambiguous bare one.

// `Inventory::new` is the shape the issue names.
#![allow(clippy::new_without_default)]

use memory_profiler::{capture, profile, LookupError};

pub struct Inventory {
    items: Vec<u64>,
}

#[profile(unit = "B")]
impl Inventory {
    pub fn new() -> Self {
        let items = Vec::with_capacity(16);
        Inventory { items }
    }

    pub fn add(&mut self, n: u64) {
        for i in 0..n {
            self.items.push(i);
        }
    }

    #[profile(skip)]
    pub fn count(&self) -> usize {
        self.items.len()
    }

    #[profile(peak)]
    pub fn doubled(&self) -> Vec<u64> {
        let v: Vec<u64> = self.items.iter().map(|x| x * 2).collect();
        v
    }

    pub const fn capacity_hint() -> usize {
        16
    }
}

pub trait Summarize {
    fn total(&self) -> u64;

    fn describe(&self) -> String {
        let total = self.total();
        format!("total {total}")
    }
}

#[profile]
impl Summarize for Inventory {
    fn total(&self) -> u64 {
        let copy = self.items.clone();
        copy.iter().sum()
    }
}

#[test]
fn an_impl_names_its_methods() {
    let ((len, total), reports) = capture(|| {
        let mut inventory = Inventory::new();
        inventory.add(4);
        let _ = inventory.doubled();
        (inventory.count(), inventory.total())
    });
    assert_eq!((len, total), (4, 6));
    let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
    assert_eq!(
        names,
        [
            "Inventory::new",
            "Inventory::add",
            "Inventory::doubled",
            "<Inventory as Summarize>::total"
        ]
    );
    let new = reports.function("Inventory::new").unwrap();
    assert_eq!(new.name(), "new");
    assert_eq!(new.line_containing("with_capacity").unwrap().increment, 128);
    // The first row is the signature's, with the heap at entry; the text names the method.
    assert_eq!(new.rows()[0].text, "    pub fn new() -> Self {");
    assert_eq!(new.rows()[0].occurrences, 1);
    let text = new.to_string();
    assert!(
        text.starts_with(
            "Filename: suite/tests/integration/impls.rs\nFunction: Inventory::new\n\nLine #"
        ),
        "{text}"
    );
    assert!(
        text.contains("        128 B "),
        "unit = \"B\" from the impl:\n{text}"
    );
    // Its own arguments over the impl's: Peak added, the unit kept.
    let doubled = reports.function("doubled").unwrap();
    assert_eq!(doubled.rows()[0].text, "    #[profile(peak)]");
    let text = doubled.to_string();
    assert!(
        text.contains("Peak") && text.contains("        32 B "),
        "{text}"
    );
    let total = reports.function("total").unwrap();
    assert_eq!(total.line_containing("clone()").unwrap().increment, 32);
    assert!(total.to_json().starts_with(
        r#"{"function":"<Inventory as Summarize>::total","module_path":"integration::impls","#
    ));
    assert_eq!(Inventory::capacity_hint(), 16);
    // The run's summary names them so too.
    let summary = reports.summary();
    let ranked: Vec<&str> = summary.functions().iter().map(|f| f.function).collect();
    assert_eq!(
        ranked,
        [
            "Inventory::new",
            "Inventory::doubled",
            "<Inventory as Summarize>::total",
            "Inventory::add"
        ]
    );
    assert!(summary
        .to_string()
        .contains("  <Inventory as Summarize>::total  suite/tests/integration/impls.rs:"));
    assert!(summary
        .lines()
        .iter()
        .any(|l| l.function == "Inventory::new" && l.text.contains("with_capacity")));
}

/// A trait's default methods, named by the trait; one default calling another and a method of
/// the impl.
#[profile]
pub trait Render: Summarize {
    fn lines(&self) -> Vec<String> {
        let mut lines = Vec::with_capacity(2);
        lines.push(self.heading());
        lines.push(self.describe());
        lines
    }

    fn heading(&self) -> String {
        String::from("inventory")
    }

    fn required(&self) -> usize;
}

impl Render for Inventory {
    fn required(&self) -> usize {
        0
    }
}

#[test]
fn a_trait_names_its_default_methods() {
    let inventory = Inventory {
        items: vec![1, 2, 3],
    };
    let (lines, reports) = capture(|| inventory.lines());
    assert_eq!(lines, ["inventory", "total 6"]);
    assert_eq!(inventory.required(), 0);
    let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
    assert_eq!(
        names,
        [
            "Render::heading",
            "<Inventory as Summarize>::total",
            "Render::lines"
        ]
    );
    let lines = reports.function("Render::lines").unwrap();
    // Two `String`s' pointers, lengths and capacities.
    assert_eq!(
        lines.line_containing("with_capacity").unwrap().increment,
        48
    );
    assert_eq!(lines.line_containing("heading()").unwrap().increment, 9);
}

/// A module, recursively: its free functions keep their names; the impls and traits inside
/// name their functions.
#[profile(unit = "B")]
pub mod store {
    pub fn shelf(n: usize) -> Vec<u8> {
        let v = vec![0u8; n];
        v
    }

    pub struct Stack<T> {
        pub items: Vec<T>,
    }

    impl<T: Clone> Stack<T>
    where
        T: Default,
    {
        pub fn push(&mut self, x: T) {
            self.items.push(x);
        }
    }

    pub mod inner {
        pub fn crate_of(n: usize) -> Vec<u16> {
            let v = vec![1u16; n];
            v
        }

        #[memory_profiler::profile(skip)]
        pub mod skipped {
            pub fn untouched() -> Vec<u8> {
                vec![1, 2, 3]
            }
        }
    }

    macro_rules! made {
        () => {
            pub fn made_by_a_macro() -> Vec<u8> {
                vec![0; 3]
            }
        };
    }
    made!();
}

#[test]
fn a_module_profiles_its_functions_recursively() {
    let ((), reports) = capture(|| {
        let mut stack = store::Stack { items: Vec::new() };
        stack.push(String::from("a"));
        assert_eq!(store::shelf(10).len(), 10);
        assert_eq!(store::inner::crate_of(10).len(), 10);
        assert_eq!(store::inner::skipped::untouched().len(), 3);
        assert_eq!(store::made_by_a_macro().len(), 3);
    });
    let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
    assert_eq!(names, ["Stack<T>::push", "shelf", "crate_of"]);
    let shelf = reports.function("shelf").unwrap();
    assert_eq!(shelf.module_path(), "integration::impls::store");
    assert!(shelf
        .to_string()
        .starts_with("Filename: suite/tests/integration/impls.rs\n\nLine #"));
    let crate_of = reports.function("crate_of").unwrap();
    assert_eq!(crate_of.module_path(), "integration::impls::store::inner");
    assert_eq!(crate_of.line_containing("vec![").unwrap().increment, 20);
}

/// Methods annotated on their own: those that take `self` are named by its type, generic
/// arguments as `_`; the others by their own name.
pub struct Pair<A, B>(pub A, pub B);

impl<A: Clone, B: Clone> Pair<A, B> {
    #[profile]
    pub fn swapped(&self) -> Pair<B, A> {
        let b = self.1.clone();
        Pair(b, self.0.clone())
    }

    #[profile]
    pub fn make(a: A, b: B) -> Self {
        Pair(a, b)
    }
}

impl Summarize for Pair<u64, u64> {
    #[profile]
    fn total(&self) -> u64 {
        self.0 + self.1
    }
}

#[test]
fn a_method_on_its_own_is_named_by_its_self_type() {
    let (total, reports) = capture(|| {
        let pair = Pair::make(1u64, 2u64);
        let swapped = pair.swapped();
        let _ = Pair::make(String::new(), 1u8).swapped();
        swapped.total()
    });
    assert_eq!(total, 3);
    let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
    assert_eq!(names, ["make", "Pair<_, _>::swapped", "Pair<_, _>::total"]);
    assert_eq!(reports.function("swapped").unwrap().calls(), 2);
}

#[test]
fn bare_names_qualified_names_and_ambiguity() {
    let inventory = Inventory { items: vec![5] };
    let pair = Pair(1u64, 1u64);
    let ((), reports) = capture(|| {
        assert_eq!(inventory.total() + pair.total(), 7);
    });
    assert_eq!(
        reports.try_function("total").unwrap_err(),
        LookupError::Ambiguous {
            name: "total".into(),
            matches: vec!["<Inventory as Summarize>::total", "Pair<_, _>::total"],
        }
    );
    assert_eq!(
        reports.function("Pair<_, _>::total").unwrap().function(),
        "Pair<_, _>::total"
    );
    assert!(reports.function("Inventory::total").is_none());
    let message = std::panic::catch_unwind(|| reports.function("total").map(|_| ()))
        .unwrap_err()
        .downcast::<String>()
        .unwrap();
    assert_eq!(
        *message,
        "`total` names several profiled functions: `<Inventory as Summarize>::total`, `Pair<_, _>::total`; write the one you mean"
    );
    assert_eq!(
        reports.try_function("sum").unwrap_err().to_string(),
        "no profiled function named `sum` reported; the reports are of `<Inventory as Summarize>::total`, `Pair<_, _>::total`"
    );
}
