//! How a drill tells its caller where it is, so a terminal can show it
//! while the library itself prints nothing.

use crate::report::Stage;

/// Called at each stage's start and end, in order, one stage at a time.
/// A stage that fails is started but never finished: the error follows.
pub trait Progress {
    /// `stage` is the name the report will give it (`"scan"`, …).
    fn started(&mut self, stage: &str);
    /// The stage's figures and time, as they go into the report.
    fn finished(&mut self, stage: &Stage);
}

/// Reports nothing: for tests and callers without a terminal.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quiet;

impl Progress for Quiet {
    fn started(&mut self, _stage: &str) {}
    fn finished(&mut self, _stage: &Stage) {}
}
