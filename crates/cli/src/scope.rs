//! `breachwatch scope`: being written (issue 4).

use anyhow::{bail, Result};
use clap::Args;

#[derive(Args, Debug)]
pub struct ScopeArgs {}

pub fn run(_args: ScopeArgs) -> Result<u8> {
    bail!("scope is not built yet")
}
