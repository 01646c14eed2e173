//! The remote sources this binary can read (object stores, database
//! tables) and the flags that shape them, shared by every command that
//! takes inputs (`scan`, `scope`, `incident add-evidence`). Each family
//! lives in its own module; this one only gathers their resolvers, which
//! the pipeline tries before the file system.

pub mod objects;
pub mod shard;
pub mod tables;

use clap::Args;

use bw_scan::Resolvers;

/// Flags for remote inputs, flattened into each command that takes inputs.
#[derive(Args, Debug, Clone, Default)]
pub struct SourceArgs {
    #[command(flatten)]
    pub objects: objects::ObjectArgs,
    #[command(flatten)]
    pub tables: tables::TableArgs,
    #[command(flatten)]
    pub shard: shard::ShardArgs,
}

/// Every resolver, in the order arguments are tried.
pub fn resolvers(args: &SourceArgs) -> Resolvers {
    let mut all = Vec::new();
    all.extend(objects::resolver(&args.objects));
    all.extend(tables::resolver(&args.tables));
    Resolvers(all)
}
