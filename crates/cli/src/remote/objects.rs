//! Object stores (`s3://`, `gs://`, `az://`, `https://`): flags and the
//! resolver.

use std::sync::Arc;

use clap::Args;

use bw_scan::Resolver;

#[derive(Args, Debug, Clone, Default)]
pub struct ObjectArgs {}

pub fn resolver(_args: &ObjectArgs) -> Option<Arc<dyn Resolver>> {
    None
}
