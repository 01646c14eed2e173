//! `breachwatch corpus`: being written (see issue 2); wired here so the
//! command tree is stable.

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum CorpusCommand {}

pub fn run(cmd: CorpusCommand) -> Result<u8> {
    match cmd {}
}
