//! `--shard i/N` and `--plan FILE`: one part of a run split across
//! processes or machines (a Kubernetes Indexed Job, an AWS Batch array
//! job, a Spark task), applied by the sources layer to every item, local
//! or remote.

use clap::Args;

#[derive(Args, Debug, Clone, Default)]
pub struct ShardArgs {}
