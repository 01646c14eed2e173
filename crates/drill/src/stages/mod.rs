//! The drill's stages, each through the library the matching command uses,
//! each returning what the report and the later stages need.

pub mod generate;
pub mod incident;
pub mod notify;
pub mod obligations;
pub mod registry;
pub mod scan;
pub mod scope;

use std::time::Instant;

use crate::progress::Progress;
use crate::report::Stage;

/// Who the drill's store changes are recorded as, in the audit log.
pub const ACTOR: &str = "breachwatch-drill";

/// The stages run so far, timed, with the caller told of each.
pub struct Stages<'p> {
    pub done: Vec<Stage>,
    progress: &'p mut dyn Progress,
    started: Instant,
}

impl<'p> Stages<'p> {
    pub fn new(progress: &'p mut dyn Progress) -> Stages<'p> {
        Stages {
            done: Vec::new(),
            progress,
            started: Instant::now(),
        }
    }

    /// Starts the clock of stage `name`; stages run one at a time.
    pub fn start(&mut self, name: &str) {
        self.started = Instant::now();
        self.progress.started(name);
    }

    /// Records `stage` with the time since the last [`Stages::start`].
    pub fn finish(&mut self, mut stage: Stage) {
        stage.seconds = self.started.elapsed().as_secs_f64();
        stage.throughput = (stage.seconds > 0.0).then(|| stage.items as f64 / stage.seconds);
        self.progress.finished(&stage);
        self.done.push(stage);
    }
}

/// A stage's figures; [`Stages::finish`] fills in its time.
pub fn stage(name: &str, items: u64, unit: &str, bytes: Option<u64>, detail: String) -> Stage {
    Stage {
        name: name.into(),
        seconds: 0.0,
        items,
        unit: unit.into(),
        throughput: None,
        bytes,
        detail,
    }
}
