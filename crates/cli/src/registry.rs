//! `breachwatch registry`: being written (issue 4); wired so the command
//! tree is stable.

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum RegistryCommand {}

pub fn run(cmd: RegistryCommand) -> Result<u8> {
    match cmd {}
}
