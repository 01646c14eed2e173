//! Stage `scope`: which customers the leak exposes, as `breachwatch scope`
//! finds them, beside the truth's exposed customers.

use std::collections::BTreeSet;

use bw_registry::Registry;
use bw_scope::ScopeReport;

use super::{stage, Stages};
use crate::report::{self, ScopeResult};
use crate::{Error, Generated};

pub fn run(
    generated: &Generated,
    registry: &Registry,
    threads: usize,
    stages: &mut Stages,
) -> Result<(ScopeReport, ScopeResult), Error> {
    stages.start("scope");
    let opts = bw_scope::ScopeOptions {
        threads,
        // Enough spans to place every customer in every file they are in.
        max_evidence: 64,
        ..bw_scope::ScopeOptions::default()
    };
    let scoped = bw_scope::scope(std::slice::from_ref(&generated.leak_dir), registry, &opts)
        .map_err(Error::Scope)?;
    let found: BTreeSet<String> = scoped
        .affected
        .iter()
        .map(|a| a.customer_id.clone())
        .collect();
    let result = report::scope_result(&generated.truth, &found);
    stages.finish(stage(
        "scope",
        scoped.bytes_scanned,
        "B",
        Some(scoped.bytes_scanned),
        format!(
            "{} affected customers, {} ambiguous identifiers, {} distinct unmatched emails{}",
            scoped.affected.len(),
            scoped.ambiguous.len(),
            scoped.unmatched.email,
            if scoped.errors.is_empty() {
                String::new()
            } else {
                format!(", {} errors", scoped.errors.len())
            }
        ),
    ));
    Ok((scoped, result))
}
