//! Functions made by `macro_rules!` expansions: several functions from one definition, bodies
//! and names from the macro's caller, the whole function (attribute included) from the caller,
//! methods of impls made by a macro, macros calling macros, statements passed as a repetition,
//! and a macro declared in a function's body that makes a profiled function there.

// The expansion of `#[profile]` holds no `unsafe`.
#![forbid(unsafe_code)]

prelude!();

use corpus::{D, log};

macro_rules! adders {
    ($($name:ident $k:literal),*) => {
        $(
            #[p]
            pub fn $name(x: u32) -> u32 {
                let k = $k;
                x + k
            }
        )*
    };
}

adders!(add_one 1, add_two 2, add_ten 10);

macro_rules! with_body {
    ($name:ident, $n:ident, $($body:tt)*) => {
        #[p]
        pub fn $name($n: u32) -> u32 {
            $($body)*
        }
    };
}

with_body!(body_from_caller, n, let v: Vec<u32> = (0..=n).collect(); let s: u32 = v.iter().sum(); s + 1);

with_body!(multiline_body_from_caller, n,
    let _d = D("multiline body local");
    let mut acc = 0;
    for i in 0..n {
        acc += i;
    }
    acc
);

macro_rules! whole {
    ($item:item) => {
        $item
    };
}

whole! {
    #[p]
    pub fn whole_from_caller(x: u32) -> Vec<u32> {
        let mut v = Vec::with_capacity(4);
        v.push(x);
        v.push(x * 2);
        v
    }
}

macro_rules! with_attr {
    ($attr:meta, $name:ident) => {
        #[$attr]
        pub fn $name(s: &str) -> usize {
            let owned = s.to_uppercase();
            owned.len()
        }
    };
}

with_attr!(p, attr_from_caller);

macro_rules! describe_impl {
    ($ty:ident) => {
        pub struct $ty(pub u32);

        impl $ty {
            #[p]
            pub fn describe(&self) -> String {
                let name = stringify!($ty);
                format!("{name}({})", self.0)
            }

            #[p]
            pub fn into_inner(self) -> u32 {
                let Self(inner) = self;
                inner
            }
        }
    };
}

describe_impl!(Meters);
describe_impl!(Seconds);

macro_rules! outer_maker {
    ($name:ident) => {
        inner_maker!($name, 3);
    };
}

macro_rules! inner_maker {
    ($name:ident, $times:literal) => {
        #[p]
        pub fn $name(s: &str) -> String {
            let mut out = String::new();
            for _ in 0..$times {
                out.push_str(s);
            }
            out
        }
    };
}

outer_maker!(repeated_by_nested_macros);

// The statements come as `stmt` fragments, each already a whole statement: the `;` after each
// is redundant (rustc also accepts them with none, `$($s)*`, which `#[profile]` rejects: see
// the report of the corpus).
macro_rules! statements {
    ($name:ident, $v:ident; $($s:stmt;)*) => {
        #[p]
        #[allow(redundant_semicolons)]
        pub fn $name() -> Vec<u32> {
            let mut $v: Vec<u32> = Vec::new();
            $($s;)*
            $v
        }
    };
}

statements!(statements_from_caller, v;
    v.push(1);
    v.push(v.len() as u32 + 1);
    v.extend([3, 4]);
);

#[p]
pub fn macro_declared_in_body(x: u32) -> u32 {
    macro_rules! local_fn {
        ($name:ident) => {
            #[p]
            fn $name(y: u32) -> u32 {
                let z = y * 3;
                z + 1
            }
        };
    }
    local_fn!(tripled);
    let a = tripled(x);
    log("macro_declared_in_body");
    a + tripled(1)
}

cases! { plain_macro_made profiled_macro_made;
    several_functions_from_one_definition => {
        both!(add_one: |m| m::add_one(1));
        both!(add_two: |m| m::add_two(1));
        both!(add_ten: |m| m::add_ten(1));
    }
    bodies_names_and_attributes_from_the_caller => {
        both!(body_from_caller: |m| m::body_from_caller(4));
        both!(multiline_body_from_caller: |m| m::multiline_body_from_caller(5));
        both!(whole_from_caller: |m| m::whole_from_caller(3));
        both!(attr_from_caller: |m| m::attr_from_caller("abc"));
        both!(statements_from_caller: |m| m::statements_from_caller());
    }
    impls_and_nested_macros => {
        both!(describe: |m| {
            let x = m::Meters(3);
            call(|| x.describe())
        });
        both!(describe: |m| {
            let x = m::Seconds(4);
            call(|| x.describe())
        });
        both!(into_inner: |m| m::Seconds(9).into_inner());
        both!(into_inner: |m| m::Meters(8).into_inner());
        both!(repeated_by_nested_macros: |m| m::repeated_by_nested_macros("ab"));
        both!(macro_declared_in_body: |m| m::macro_declared_in_body(2));
    }
}
