//! Database tables (`postgres://`, `mysql://`, `sqlite://`): flags and the
//! resolver.

use std::sync::Arc;

use clap::Args;

use bw_scan::Resolver;

#[derive(Args, Debug, Clone, Default)]
pub struct TableArgs {}

pub fn resolver(_args: &TableArgs) -> Option<Arc<dyn Resolver>> {
    None
}
