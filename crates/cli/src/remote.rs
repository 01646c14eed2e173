//! The remote sources this binary can read (object stores, database
//! tables), as resolvers the pipeline tries before the file system.

use bw_scan::Resolvers;

/// Every resolver, in the order arguments are tried.
pub fn resolvers() -> Resolvers {
    Resolvers::default()
}
