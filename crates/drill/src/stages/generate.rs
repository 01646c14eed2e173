//! Stage `generate`: the scenario's customers, leak and truth.

use std::path::Path;

use super::{stage, Stages};
use crate::{Error, GenOptions, Generated};

pub fn run(out: &Path, opts: &GenOptions, stages: &mut Stages) -> Result<Generated, Error> {
    stages.start("generate");
    let generated = crate::generate(out, opts).map_err(|e| Error::Generate {
        scenario: opts.scenario.to_string(),
        source: Box::new(e),
    })?;
    stages.finish(stage(
        "generate",
        generated.bytes,
        "B",
        Some(generated.bytes),
        format!(
            "{} customers, {} leak file(s) of {:.1} MB, {} exposed customers and {} guests, {} labelled spans",
            opts.customers,
            generated.files,
            generated.bytes as f64 / 1e6,
            generated.truth.exposed.len(),
            generated.truth.guests,
            generated.truth.spans.len()
        ),
    ));
    Ok(generated)
}
