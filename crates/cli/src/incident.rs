//! `breachwatch incident` and `breachwatch audit`: being written (issue 5).

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum IncidentCommand {}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {}

pub fn run(cmd: IncidentCommand) -> Result<u8> {
    match cmd {}
}

pub fn run_audit(cmd: AuditCommand) -> Result<u8> {
    match cmd {}
}
