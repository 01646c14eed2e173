//! From an incident's affected customers to outbox rows.
//!
//! Every affected customer gets a notice (the product's promise is that
//! every one of them is told); each row also records whether some law
//! *requires* it and the earliest legal deadline, so progress can be
//! measured against what is owed. `required_only` plans just those.

use std::collections::{BTreeMap, BTreeSet};

use bw_law::{evaluate, jurisdictions_for, Element, ExposureInput, Notice, RuleSet};
use bw_store::{AffectedRecord, IncidentId, NewNotice, PlanOutcome, Store};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::lang::language_for;
use crate::message::message_id;
use crate::{NotifyError, Result, EMAIL};

#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Domain of the sender address; Message-IDs are `<…@domain>`.
    pub domain: String,
    /// Plan only notices some law requires (or asks to assess).
    pub required_only: bool,
}

/// The domain of a sender mailbox (`Shop <privacy@shop.example>` →
/// `shop.example`): what the outbox's Message-IDs end in. Shared by the
/// CLI's and the server's plan.
pub fn sender_domain(from: &str) -> Result<String> {
    let addr = from
        .rsplit_once('<')
        .map_or(from, |(_, a)| a.trim_end_matches('>'))
        .trim();
    addr.rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .filter(|d| !d.is_empty())
        .ok_or_else(|| NotifyError::Invalid(format!("sender {from:?} has no domain")))
}

#[derive(Debug, Clone, Default)]
pub struct PlanSummary {
    pub outcome: PlanOutcome,
    /// Affected customers left out because no law requires their notice
    /// (only with `required_only`).
    pub not_required: u64,
    /// Notices by legal need: required, assess, not_required.
    pub by_need: BTreeMap<&'static str, u64>,
}

/// One customer's place in the law: covered jurisdictions (most specific
/// last) and language.
pub fn placement(rec: &AffectedRecord) -> (Vec<String>, String) {
    let country = rec.country.as_deref().unwrap_or("");
    (
        jurisdictions_for(country, rec.region.as_deref()),
        language_for(country).to_string(),
    )
}

/// The (jurisdictions, language) pairs the incident's notices will use:
/// what lint must check.
pub fn uses(affected: &[AffectedRecord]) -> BTreeSet<(Vec<String>, String)> {
    affected.iter().map(placement).collect()
}

/// Adds the missing notices of `id` to the outbox (idempotent).
pub async fn plan(
    store: &Store,
    id: &IncidentId,
    opts: &PlanOptions,
    actor: &str,
) -> Result<PlanSummary> {
    if opts.domain.trim().is_empty() || opts.domain.contains(['<', '>', '@', ' ']) {
        return Err(NotifyError::Invalid(format!(
            "{:?} is not a mail domain for Message-IDs",
            opts.domain
        )));
    }
    let incident = store.incident(id).await?;
    let affected = store.affected(id).await?;
    let discovered = OffsetDateTime::parse(&incident.discovered_at, &Rfc3339).map_err(|e| {
        NotifyError::Invalid(format!(
            "{id}: stored discovered_at {:?} is not RFC 3339: {e}",
            incident.discovered_at
        ))
    })?;
    let rules = RuleSet::embedded()
        .map_err(|e| NotifyError::Invalid(format!("loading the embedded rules: {e}")))?;
    let mut need_cache: BTreeMap<(String, Vec<Element>), (Notice, Option<OffsetDateTime>)> =
        BTreeMap::new();
    let mut summary = PlanSummary::default();
    let mut notices = Vec::with_capacity(affected.len());
    for rec in &affected {
        let (jurisdictions, language) = placement(rec);
        let elements: Vec<Element> = rec
            .matched_fields
            .iter()
            .filter_map(|f| f.parse().ok())
            .collect();
        let mut need = Notice::NotRequired;
        let mut deadline: Option<OffsetDateTime> = None;
        for code in &jurisdictions {
            let (n, d) = *need_cache
                .entry((code.clone(), elements.clone()))
                .or_insert_with(|| individual_need(&rules, discovered, code, &elements));
            need = need.max(n);
            if n != Notice::NotRequired {
                deadline = match (deadline, d) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        *summary.by_need.entry(need.as_str()).or_default() += 1;
        if opts.required_only && need == Notice::NotRequired {
            summary.not_required += 1;
            continue;
        }
        notices.push(NewNotice {
            message_id: message_id(id.as_str(), &rec.customer_id, EMAIL, &opts.domain),
            customer_id: rec.customer_id.clone(),
            channel: EMAIL.to_string(),
            jurisdictions,
            language,
            fields: rec.matched_fields.clone(),
            required: need != Notice::NotRequired,
            deadline: deadline.and_then(|d| d.format(&Rfc3339).ok()),
        });
    }
    summary.outcome = store.plan_notices(id, &notices, actor).await?;
    Ok(summary)
}

/// Whether one resident of `code` with `elements` exposed is owed notice,
/// and by when. Thresholds in the rules concern regulators, not individuals,
/// so one resident answers for all with the same elements.
fn individual_need(
    rules: &RuleSet,
    discovered: OffsetDateTime,
    code: &str,
    elements: &[Element],
) -> (Notice, Option<OffsetDateTime>) {
    let mut input = ExposureInput::new(discovered);
    input.add(code, elements, 1, false);
    evaluate(rules, &input)
        .into_iter()
        .find(|o| o.code == code)
        .map_or((Notice::Assess, None), |o| {
            (o.individual_notice, o.individual_deadline)
        })
}
