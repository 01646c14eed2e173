//! Stage `registry import`: the customer base into a keyed registry inside
//! the output directory, as `registry init` and `registry import` do.

use std::path::Path;

use bw_registry::{ImportSource, Registry};

use super::{stage, Stages};
use crate::{Error, Generated};

/// The opened registry and the customer source notices are addressed from.
pub struct Imported {
    pub registry: Registry,
    pub source: ImportSource,
}

pub fn run(out: &Path, generated: &Generated, stages: &mut Stages) -> Result<Imported, Error> {
    let err = |doing: String| move |source| Error::Registry { doing, source };
    stages.start("registry import");
    let registry_dir = out.join("registry");
    let key_dir = out.join("keys");
    let key_file = key_dir.join("registry.key");
    std::fs::create_dir_all(&key_dir).map_err(|source| Error::OutDir {
        doing: "creating the key directory",
        path: key_dir.clone(),
        source,
    })?;
    let (key, _) = bw_registry::init_with_key_file(&registry_dir, &key_file).map_err(err(
        format!("initialising registry {}", registry_dir.display()),
    ))?;
    let imported = bw_registry::import_csv_file(
        &registry_dir,
        &key,
        &generated.customers_csv,
        &bw_registry::ImportOptions::default(),
    )
    .map_err(err(format!(
        "importing {}",
        generated.customers_csv.display()
    )))?;
    let registry = Registry::open(&registry_dir, &key)
        .map_err(err(format!("opening registry {}", registry_dir.display())))?;
    stages.finish(stage(
        "registry import",
        imported.rows,
        "rows",
        None,
        format!(
            "{} customers; {} email, {} phone, {} name fingerprints; {} rows skipped",
            imported.customers,
            imported.email_fingerprints,
            imported.phone_fingerprints,
            imported.name_fingerprints,
            imported.skipped_rows
        ),
    ));

    // Notices go to the addresses in the customer source the registry
    // recorded at import, as `notify send` reads them.
    let source = registry
        .try_import_source()
        .map_err(err("reading the registry's recorded customer source".into()))?
        .ok_or(Error::NoCustomerSource)?
        .resolved()
        .map_err(err("resolving the registry's customer source".into()))?;
    Ok(Imported { registry, source })
}
