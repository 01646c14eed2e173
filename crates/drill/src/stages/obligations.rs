//! Stage `obligations`: the incident's notification duties, computed and
//! stored as `incident obligations` does, beside those the truth implies.

use bw_store::Store;

use super::incident::Recorded;
use super::{stage, Stages, ACTOR};
use crate::report::{self, Obligation};
use crate::{Error, Truth};

const STAGE: &str = "obligations";

pub async fn run(
    store: &Store,
    incident: &Recorded,
    truth: &Truth,
    stages: &mut Stages<'_>,
) -> Result<Vec<Obligation>, Error> {
    let store_err = |doing: &str| {
        let doing = doing.to_string();
        move |source| Error::Store {
            stage: STAGE,
            doing,
            source,
        }
    };
    stages.start(STAGE);
    let id = &incident.id;
    // What the store holds for the incident, not what the drill passed
    // it: the command reads it back the same way.
    let inc = store
        .incident(id)
        .await
        .map_err(store_err("reading the incident"))?;
    let evidence = store
        .evidence(id)
        .await
        .map_err(store_err("reading evidence"))?;
    let computed = bw_incident::obligations::compute(&inc, &evidence, &incident.affected)
        .map_err(Error::Obligations)?;
    let report::Evaluated {
        rows,
        rules_version,
        ..
    } = report::compare(computed.rows, truth, incident.discovered)
        .map_err(|e| Error::Evaluate(Box::new(e)))?;
    store
        .put_obligations(id, &computed.body, &rules_version, ACTOR)
        .await
        .map_err(store_err("storing obligations"))?;
    let required = rows
        .iter()
        .filter(|o| o.individual_notice == "required")
        .count();
    stages.finish(stage(
        STAGE,
        rows.len() as u64,
        "jurisdictions",
        None,
        format!(
            "{} jurisdictions, individual notice required in {required}, rules {rules_version}",
            rows.len()
        ),
    ));
    Ok(rows)
}
