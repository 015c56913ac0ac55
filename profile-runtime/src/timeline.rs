//! The `mprof run` timeline: `FUNC` lines of the profiled functions' calls, appended to the
//! `.dat` file of a program started by `mprof run`.

use crate::recorder::FnMeta;

/// A call in progress on the timeline.
pub(crate) struct Call(());

/// A profiled call starts: `Some` when the program runs under `mprof run`.
#[inline]
pub(crate) fn enter(_meta: &'static FnMeta) -> Option<Call> {
    None
}

/// The call ends: writes its `FUNC` line.
pub(crate) fn exit(_call: Call, _meta: &'static FnMeta) {}
