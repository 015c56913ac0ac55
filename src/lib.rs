//! x
pub use profile_macro::profile;
