//! Reports to a regulator: counts, timeline, data elements and measures
//! for one jurisdiction, as Markdown and HTML. Counts and field names
//! only; no customer appears in a report.

use std::collections::BTreeMap;

use bw_store::{IncidentId, Store};
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;
use serde_json::Value as Json;

use crate::lang::field_label;
use crate::vars::NoticeTexts;
use crate::{NotifyError, Result};

const MARKDOWN: &str = include_str!("../templates/regulator.md");
const HTML: &str = include_str!("../templates/regulator.html");

/// A rendered report.
#[derive(Debug, Clone)]
pub struct RegulatorReport {
    pub markdown: String,
    pub html: String,
}

#[derive(Serialize)]
struct Ctx {
    incident: Json,
    jurisdiction: Json,
    regulator: String,
    company: Json,
    report_date: String,
    timeline: Vec<Json>,
    counts: Json,
    obligation: Json,
    elements: Vec<Json>,
    measures: String,
}

/// Renders the report for `jurisdiction` (a code such as `US-CA`, `EU`).
/// Needs stored obligations (`incident obligations`).
pub async fn report(
    store: &Store,
    id: &IncidentId,
    jurisdiction: &str,
    texts: &NoticeTexts,
) -> Result<RegulatorReport> {
    let incident = store.incident(id).await?;
    let stored = store.obligations(id).await?.ok_or_else(|| {
        NotifyError::Invalid(format!(
            "{id} has no obligations yet: run `breachwatch incident obligations {id}` first"
        ))
    })?;
    let rows = stored
        .body
        .get("jurisdictions")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let obligation = rows
        .iter()
        .find(|r| r.get("code").and_then(Json::as_str) == Some(jurisdiction))
        .cloned()
        .ok_or_else(|| {
            let codes: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get("code").and_then(Json::as_str))
                .collect();
            NotifyError::Invalid(format!(
                "{id} affects nobody in {jurisdiction}; its jurisdictions are {}",
                codes.join(", ")
            ))
        })?;
    let rules = bw_law::RuleSet::embedded()
        .map_err(|e| NotifyError::Invalid(format!("loading the embedded rules: {e}")))?;
    let name = rules
        .get(jurisdiction)
        .map_or_else(|| jurisdiction.to_string(), |r| r.name.clone());

    // Residents and elements from the affected set, restricted to this
    // jurisdiction.
    let mut residents = 0u64;
    let mut elements: BTreeMap<String, u64> = BTreeMap::new();
    for a in store.affected(id).await? {
        let codes =
            bw_law::jurisdictions_for(a.country.as_deref().unwrap_or(""), a.region.as_deref());
        if !codes.iter().any(|c| c == jurisdiction) {
            continue;
        }
        residents += 1;
        for f in &a.matched_fields {
            *elements.entry(f.clone()).or_default() += 1;
        }
    }
    let st = crate::status::status(store, id).await?;
    let js = st
        .by_jurisdiction
        .get(jurisdiction)
        .cloned()
        .unwrap_or_default();
    let timeline: Vec<Json> = store
        .audit_log(id)
        .await?
        .into_iter()
        .map(|e| serde_json::json!({ "at": e.at, "what": describe_action(&e.action) }))
        .collect();
    let ctx = Ctx {
        incident: serde_json::json!({
            "id": incident.id.to_string(),
            "title": incident.title,
            "description": incident.description,
            "discovered_at": incident.discovered_at,
        }),
        jurisdiction: serde_json::json!({ "code": jurisdiction, "name": name }),
        regulator: obligation
            .get("regulator")
            .and_then(Json::as_str)
            .unwrap_or("the supervisory authority")
            .to_string(),
        company: serde_json::json!({ "name": texts.company_name, "contact": texts.contact }),
        report_date: time::OffsetDateTime::now_utc().date().to_string(),
        timeline,
        counts: serde_json::json!({
            "residents": residents,
            "owed": obligation.get("residents_owed_notice").cloned().unwrap_or(Json::Null),
            "sent": js.sent,
            "failed": js.failed,
            "pending": js.planned + js.sending,
        }),
        obligation,
        elements: elements
            .into_iter()
            .map(|(k, n)| serde_json::json!({ "label": field_label(&k, "en"), "count": n }))
            .collect(),
        measures: texts.measures.clone(),
    };
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    let render = |name: &str, src: &str| -> Result<String> {
        env.render_named_str(name, src, Value::from(Serde(&ctx)))
            .map_err(|e| NotifyError::Invalid(format!("rendering the regulator report: {e}")))
    };
    Ok(RegulatorReport {
        markdown: render("regulator.md", MARKDOWN)?,
        html: render("regulator.html", HTML)?,
    })
}

fn describe_action(action: &str) -> String {
    match action {
        "incident.open" => "incident opened".into(),
        "incident.status" => "status changed".into(),
        "evidence.add" => "evidence recorded and affected customers identified".into(),
        "obligations.put" => "notification obligations assessed".into(),
        "notify.plan" => "customer notices planned".into(),
        "notify.send" => "customer notices sent (delivery run)".into(),
        other => other.replace(['.', '_'], " "),
    }
}
