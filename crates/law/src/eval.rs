//! Evaluation: exposed elements and resident counts in, obligations out.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use time::OffsetDateTime;

use crate::cause::Cause;
use crate::deadline::{add_days, deadline, rfc3339};
use crate::element::Element;
use crate::harm::{FollowUp, HarmDetermination};
use crate::hashing::Hashing;
use crate::individual::{individual_for_group, unknown_cause_hint, Facts, GroupBasis};
use crate::rules::{
    to_elements, Confidence, EncryptionScope, Family, IndividualTrigger, RegulatorTrigger,
    RelativeAnchor, Rule, RuleSet, RuleTerm,
};
use crate::unattributed::{assess_group, UnattributedElement};

/// Residents of one jurisdiction who had the same set of elements exposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposureGroup {
    /// Elements the evidence showed (detected by a scan).
    pub elements: BTreeSet<Element>,
    /// Elements an investigator declared taken, whether or not a scan also
    /// found them. The law reads both; the output keeps them apart.
    pub declared: BTreeSet<Element>,
    /// The password is known only as a hash made this way (no plain
    /// password among the elements detected or declared).
    pub password_hashing: Option<Hashing>,
    pub residents: u64,
    /// The exposed copy was encrypted and the key was not exposed with it.
    pub encrypted: bool,
}

impl ExposureGroup {
    /// A group of residents whose `elements` a scan found.
    pub fn detected(elements: &[Element], residents: u64, encrypted: bool) -> ExposureGroup {
        ExposureGroup {
            elements: elements.iter().copied().collect(),
            declared: BTreeSet::new(),
            password_hashing: None,
            residents,
            encrypted,
        }
    }

    /// Every element the law reads: detected and declared.
    pub fn all_elements(&self) -> BTreeSet<Element> {
        self.elements.union(&self.declared).copied().collect()
    }

    fn same_exposure(&self, other: &ExposureGroup) -> bool {
        self.elements == other.elements
            && self.declared == other.declared
            && self.password_hashing == other.password_hashing
            && self.encrypted == other.encrypted
    }
}

/// Everything exposed to the residents of one jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JurisdictionExposure {
    pub code: String,
    /// Per distinct element combination: a law triggers on combinations held
    /// by the same person, so a name from one customer and an SSN from another
    /// must not be joined.
    pub groups: Vec<ExposureGroup>,
}

/// An incident's exposure, by jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposureInput {
    /// When the breach was discovered (UTC); deadlines count from here.
    pub discovered_at: OffsetDateTime,
    /// Why the breach happened; some duties turn on it.
    pub cause: Cause,
    /// The harm finding that counts per jurisdiction code (the latest).
    pub harm: BTreeMap<String, HarmDetermination>,
    pub jurisdictions: Vec<JurisdictionExposure>,
    /// Elements of the incident no customer could be tied to (detected,
    /// unattributed). They never make notice `required`; they turn a
    /// `not_required` into `assess` where they would complete the law's
    /// definition for a group.
    pub unattributed: Vec<UnattributedElement>,
}

impl ExposureInput {
    pub fn new(discovered_at: OffsetDateTime) -> Self {
        ExposureInput {
            discovered_at,
            cause: Cause::Unknown,
            harm: BTreeMap::new(),
            jurisdictions: Vec::new(),
            unattributed: Vec::new(),
        }
    }

    /// Adds `residents` of `code` whose `elements` were exposed, merging with
    /// an existing group that has the same elements and encryption.
    pub fn add(&mut self, code: &str, elements: &[Element], residents: u64, encrypted: bool) {
        self.add_group(
            code,
            ExposureGroup::detected(elements, residents, encrypted),
        );
    }

    /// Adds a group of residents of `code`, merging it with one that has the
    /// same detected and declared elements, hashing and encryption.
    pub fn add_group(&mut self, code: &str, group: ExposureGroup) {
        let idx = match self.jurisdictions.iter().position(|j| j.code == code) {
            Some(i) => i,
            None => {
                self.jurisdictions.push(JurisdictionExposure {
                    code: code.to_string(),
                    groups: Vec::new(),
                });
                self.jurisdictions.len() - 1
            }
        };
        let groups = &mut self.jurisdictions[idx].groups;
        match groups.iter_mut().find(|g| g.same_exposure(&group)) {
            Some(g) => g.residents += group.residents,
            None => groups.push(group),
        }
    }
}

/// Whether a notice is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    NotRequired,
    /// A person must decide (risk of harm, an unverified rule, a judgement call).
    Assess,
    Required,
}

impl Notice {
    pub fn as_str(self) -> &'static str {
        match self {
            Notice::NotRequired => "not_required",
            Notice::Assess => "assess",
            Notice::Required => "required",
        }
    }
}

/// Whether a rule was found for the jurisdiction code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    Evaluated,
    /// No rule for this code: "no rule: review manually".
    NoRule,
}

/// What is owed in one jurisdiction. Serialises to the stable JSON shape of
/// `breachwatch incident obligations --format json` (extra fields only ever added).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JurisdictionObligation {
    pub code: String,
    pub rule: RuleStatus,
    /// Residents of this jurisdiction affected, whatever was exposed.
    pub residents: u64,
    /// Of those, residents to whom individual notice is owed outright.
    pub residents_owed_notice: u64,
    /// Union of the elements the evidence showed, sorted by name.
    pub elements: Vec<Element>,
    /// Union of the elements investigators declared taken, sorted by name.
    /// The law reads both lists together, per customer.
    pub declared_elements: Vec<Element>,
    /// How passwords known only as hashes were hashed (none when every
    /// exposed password was plain).
    pub password_hashing: Vec<Hashing>,
    /// Unattributed elements of the incident (no customer tied to them)
    /// that turned this jurisdiction's `not_required` into `assess`.
    pub unattributed_elements: Vec<Element>,
    pub individual_notice: Notice,
    #[serde(with = "time::serde::rfc3339::option")]
    pub individual_deadline: Option<OffsetDateTime>,
    pub regulator_notice: Notice,
    pub regulator: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub regulator_deadline: Option<OffsetDateTime>,
    /// Consumer reporting agencies. `assess` only where the data could not
    /// verify the duty or its threshold.
    pub cra_notice: Notice,
    /// Duties left once a no-harm determination excused notice (Florida:
    /// the written determination to the Department of Legal Affairs).
    pub follow_ups: Vec<FollowUp>,
    pub citations: Vec<String>,
    pub sources: Vec<String>,
    pub confidence: Option<Confidence>,
    pub as_of: Option<String>,
    pub rules_version: String,
    pub reasons: Vec<String>,
}

impl JurisdictionObligation {
    /// The earlier of the two deadlines.
    pub fn earliest_deadline(&self) -> Option<OffsetDateTime> {
        [self.individual_deadline, self.regulator_deadline]
            .into_iter()
            .chain(self.follow_ups.iter().map(|f| f.deadline))
            .flatten()
            .min()
    }
}

/// Evaluates every jurisdiction in `input`; the output has exactly one entry
/// per input jurisdiction, in input order, unknown codes included.
pub fn evaluate(rules: &RuleSet, input: &ExposureInput) -> Vec<JurisdictionObligation> {
    input
        .jurisdictions
        .iter()
        .map(|j| match rules.get(&j.code) {
            Some(rule) => evaluate_rule(rules.version(), rule, j, input),
            None => no_rule(rules.version(), j),
        })
        .collect()
}

/// Sorts by earliest deadline; entries without any deadline go last, by code.
pub fn sort_by_deadline(obligations: &mut [JurisdictionObligation]) {
    obligations.sort_by(|a, b| {
        match (a.earliest_deadline(), b.earliest_deadline()) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
        .then_with(|| a.code.cmp(&b.code))
    });
}

fn union_elements<'a, F>(j: &'a JurisdictionExposure, of: F) -> Vec<Element>
where
    F: Fn(&'a ExposureGroup) -> &'a BTreeSet<Element>,
{
    let mut all: Vec<Element> = j
        .groups
        .iter()
        .flat_map(|g| of(g).iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    all.sort_by_key(|e| e.as_str());
    all
}

/// What the law asks once its notice was excused by a no-harm finding.
fn follow_ups(
    rule: &Rule,
    tag: &str,
    harm: Option<&HarmDetermination>,
    exempted: u64,
    reasons: &mut Vec<String>,
) -> Vec<FollowUp> {
    let (Some(f), Some(d)) = (&rule.no_harm_follow_up, harm) else {
        return Vec::new();
    };
    if exempted == 0 {
        return Vec::new();
    }
    if exempted < f.threshold_residents {
        reasons.push(format!(
            "{tag}: {exempted} residents excused by the no-harm determination, below the {} \
             for which {} must be told of it",
            f.threshold_residents, f.who
        ));
        return Vec::new();
    }
    let deadline = f
        .deadline_days
        .map(|days| d.decided_at + time::Duration::days(i64::from(days)));
    reasons.push(match deadline {
        Some(t) => format!(
            "{tag}: after the no-harm determination: {}: {} by {} ({} days after it)",
            f.who,
            f.action,
            rfc3339(t),
            f.deadline_days.unwrap_or_default()
        ),
        None => format!(
            "{tag}: after the no-harm determination: {}: {} (no day count in the statute)",
            f.who, f.action
        ),
    });
    vec![FollowUp {
        to: f.who.clone(),
        action: f.action.clone(),
        deadline,
        citation: rule.statute.clone(),
    }]
}

/// The first of `combos` that the group holds completely.
pub(crate) fn complete_combination(
    combos: &[Vec<RuleTerm>],
    g: &ExposureGroup,
) -> Option<Vec<Element>> {
    let all = g.all_elements();
    to_elements(combos)
        .unwrap_or_default()
        .into_iter()
        .find(|c| !c.is_empty() && c.iter().all(|e| all.contains(e)))
}

/// A rule whose breach duty is not yet in force on the day of discovery:
/// nothing is owed under it, and the reasons say until when.
fn not_in_force(
    version: &str,
    rule: &Rule,
    j: &JurisdictionExposure,
    from: time::Date,
) -> JurisdictionObligation {
    let tag = format!("{} {}", rule.code, rule.statute);
    JurisdictionObligation {
        code: rule.code.clone(),
        rule: RuleStatus::Evaluated,
        residents: total_residents(j),
        residents_owed_notice: 0,
        elements: union_elements(j, |g| &g.elements),
        declared_elements: union_elements(j, |g| &g.declared),
        password_hashing: hashings(j),
        unattributed_elements: Vec::new(),
        individual_notice: Notice::NotRequired,
        individual_deadline: None,
        regulator_notice: Notice::NotRequired,
        regulator: rule.regulator_notice.who.clone(),
        regulator_deadline: None,
        cra_notice: Notice::NotRequired,
        follow_ups: Vec::new(),
        citations: vec![rule.statute.clone()],
        sources: rule.source_urls.clone(),
        confidence: Some(rule.confidence),
        as_of: Some(rule.as_of.clone()),
        rules_version: version.to_string(),
        reasons: vec![format!(
            "{tag}: the breach duty is in force only from {from}; nothing is owed under it for a \
             breach discovered before then ({})",
            rule.notes.as_deref().unwrap_or("see the rule's sources")
        )],
    }
}

fn hashings(j: &JurisdictionExposure) -> Vec<Hashing> {
    j.groups
        .iter()
        .filter(|g| g.all_elements().contains(&Element::Password))
        .filter_map(|g| g.password_hashing)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn total_residents(j: &JurisdictionExposure) -> u64 {
    j.groups.iter().map(|g| g.residents).sum()
}

fn no_rule(version: &str, j: &JurisdictionExposure) -> JurisdictionObligation {
    JurisdictionObligation {
        code: j.code.clone(),
        rule: RuleStatus::NoRule,
        residents: total_residents(j),
        residents_owed_notice: 0,
        elements: union_elements(j, |g| &g.elements),
        declared_elements: union_elements(j, |g| &g.declared),
        password_hashing: hashings(j),
        unattributed_elements: Vec::new(),
        individual_notice: Notice::Assess,
        individual_deadline: None,
        regulator_notice: Notice::Assess,
        regulator: None,
        regulator_deadline: None,
        cra_notice: Notice::Assess,
        follow_ups: Vec::new(),
        citations: Vec::new(),
        sources: Vec::new(),
        confidence: None,
        as_of: None,
        rules_version: version.to_string(),
        reasons: vec![format!(
            "{}: no rule: review manually (no breach-notification rule for this code in rule set {version})",
            j.code
        )],
    }
}

fn threshold_verdict(owed: u64, maybe: u64, threshold: u64) -> Notice {
    if owed >= threshold {
        Notice::Required
    } else if owed + maybe >= threshold {
        Notice::Assess
    } else {
        Notice::NotRequired
    }
}

fn evaluate_rule(
    version: &str,
    rule: &Rule,
    j: &JurisdictionExposure,
    input: &ExposureInput,
) -> JurisdictionObligation {
    let (discovered_at, cause) = (input.discovered_at, input.cause);
    // A date that does not parse was rejected when the rules loaded.
    if let Ok(Some(from)) = rule.in_force_date() {
        if discovered_at.date() < from {
            return not_in_force(version, rule, j, from);
        }
    }
    let tag = format!("{} {}", rule.code, rule.statute);
    let mut reasons = Vec::new();
    unknown_cause_hint(rule, cause, &tag, &mut reasons);

    // Individual notice, per group, then the strongest verdict wins.
    let facts = Facts {
        cause,
        harm: input.harm.get(&rule.code),
    };
    if facts.harm.is_some() && !rule.has_harm_exception() {
        reasons.push(format!(
            "{tag}: a harm determination is recorded, but this law has no harm exception for \
             it to apply: ignored"
        ));
    }
    let mut individual = Notice::NotRequired;
    let mut owed = 0u64;
    let mut maybe = 0u64;
    let mut exempted = 0u64;
    let mut breached = 0u64;
    let mut per_group = Vec::with_capacity(j.groups.len());
    let mut unattributed_used: BTreeSet<Element> = BTreeSet::new();
    for g in j.groups.iter().filter(|g| g.residents > 0) {
        let mut basis = GroupBasis::default();
        let mut v = individual_for_group(rule, g, facts, &mut basis, &mut reasons);
        if v == Notice::NotRequired && !basis.exempted {
            if let Some((nv, why)) = assess_group(rule, g, facts, &input.unattributed) {
                let have = g.all_elements();
                unattributed_used.extend(
                    input
                        .unattributed
                        .iter()
                        .map(|u| u.element)
                        .filter(|e| !have.contains(e)),
                );
                reasons.push(why);
                v = nv;
            }
        }
        if basis.exempted {
            exempted += g.residents;
        }
        if basis.breached {
            breached += g.residents;
        }
        if let (Some(scope), Notice::Required) = (&rule.applies_only_to, v) {
            reasons.push(format!(
                "{tag}: the statute binds only {scope}: assess whether the business is one; \
                 if not, nothing is owed under it"
            ));
            v = Notice::Assess;
        }
        match v {
            Notice::Required => owed += g.residents,
            Notice::Assess => maybe += g.residents,
            Notice::NotRequired => {}
        }
        individual = individual.max(v);
        per_group.push((g, v));
    }
    if per_group.is_empty() {
        reasons.push(format!("{tag}: no affected residents"));
    }
    if let (IndividualTrigger::Risk, Some(t)) = (
        rule.individual_notice.trigger,
        rule.individual_notice.required_at_residents,
    ) {
        if maybe > 0 && owed + maybe >= t {
            reasons.push(format!(
                "{tag}: {} residents affected, at least {t}: individual notice required whatever \
                 the data",
                owed + maybe
            ));
            owed += maybe;
            maybe = 0;
            individual = Notice::Required;
        }
    }

    let ind = &rule.individual_notice;
    let ind_text = ind.deadline_text.as_deref().unwrap_or("no deadline stated");
    let individual_deadline = if individual == Notice::NotRequired {
        None
    } else {
        let d = deadline(
            discovered_at,
            ind.deadline_days,
            ind.deadline_hours,
            ind.business_days,
        );
        match d {
            Some(t) => reasons.push(format!(
                "{tag}: individual notice due by {} ({ind_text}{})",
                rfc3339(t),
                if ind.business_days {
                    "; business days, weekends skipped, public holidays not counted"
                } else {
                    ""
                }
            )),
            None => reasons.push(format!(
                "{tag}: individual notice has no fixed day count (\"{ind_text}\"): no deadline computed, act promptly"
            )),
        }
        d
    };

    // Regulator notice.
    let reg = &rule.regulator_notice;
    let who = reg.who.clone();
    let who_text = who.as_deref().unwrap_or("regulator");
    let regulator = match (reg.required, reg.trigger) {
        (Some(false), _) => {
            reasons.push(format!(
                "{tag}: no regulator notice duty{}",
                reg.who
                    .as_deref()
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default()
            ));
            Notice::NotRequired
        }
        (_, RegulatorTrigger::Individual)
            if individual == Notice::NotRequired && !(reg.counts_all_breached && breached > 0) =>
        {
            reasons.push(format!(
                "{tag}: regulator notice follows individual notice, which is not owed"
            ));
            Notice::NotRequired
        }
        (None, _) => {
            reasons.push(format!(
                "{tag}: regulator duty not verified ({who_text}): review manually"
            ));
            Notice::Assess
        }
        (Some(true), RegulatorTrigger::Individual) => match reg.threshold_residents {
            None => {
                reasons.push(format!(
                    "{tag}: {who_text} notice threshold not verified: review manually"
                ));
                Notice::Assess
            }
            Some(t) if reg.counts_all_breached => {
                let v = if breached >= t {
                    Notice::Required
                } else {
                    threshold_verdict(owed, maybe, t)
                };
                reasons.push(format!(
                    "{tag}: {who_text}: {breached} residents whose personal information was \
                     breached, owed notice or not (a no-harm finding does not lower this count), \
                     against a threshold of {t}: {}",
                    v.as_str()
                ));
                v
            }
            Some(t) => {
                let v = threshold_verdict(owed, maybe, t);
                reasons.push(format!(
                    "{tag}: {who_text}: {owed} residents owed notice{} against a threshold of {t}: {}",
                    if maybe > 0 { format!(" (+{maybe} to assess)") } else { String::new() },
                    v.as_str()
                ));
                v
            }
        },
        (Some(true), trigger) => {
            // GDPR-style: decide per group, then apply any scale threshold.
            let listed: Vec<Element> = reg
                .required_if_any_element
                .iter()
                .filter_map(|t: &RuleTerm| t.element())
                .collect();
            let mut v = Notice::NotRequired;
            let mut in_scope = 0u64;
            for (g, _) in &per_group {
                let gv = if g.encrypted
                    && rule.encryption_safe_harbor == Some(true)
                    && rule.encryption_safe_harbor_scope == Some(EncryptionScope::All)
                {
                    Notice::NotRequired
                } else if g.encrypted && rule.encryption_safe_harbor.is_none() {
                    Notice::Assess
                } else if trigger == RegulatorTrigger::Always {
                    Notice::Required
                } else if let Some(e) = listed.iter().find(|e| g.all_elements().contains(e)) {
                    reasons.push(format!(
                        "{tag}: {who_text} report mandatory at any size when {e} is exposed"
                    ));
                    Notice::Required
                } else if let Some(c) = complete_combination(&reg.required_if_any_combination, g) {
                    reasons.push(format!(
                        "{tag}: {who_text} report mandatory at any size: {} is deemed to cause \
                         significant harm",
                        crate::individual::names(&c)
                    ));
                    Notice::Required
                } else if reg.required_if_cause.contains(&cause) {
                    reasons.push(format!(
                        "{tag}: {who_text} report mandatory at any size when the breach was \
                         caused by {cause}"
                    ));
                    Notice::Required
                } else {
                    Notice::Assess
                };
                if gv != Notice::NotRequired {
                    in_scope += g.residents;
                }
                v = v.max(gv);
            }
            if v == Notice::Assess {
                match reg.threshold_residents {
                    Some(t) if t > 1 && in_scope >= t => {
                        reasons.push(format!(
                            "{tag}: {in_scope} affected meets the scale threshold of {t}: {who_text} report required"
                        ));
                        v = Notice::Required;
                    }
                    Some(t) if t > 1 => reasons.push(format!(
                        "{tag}: {in_scope} affected is below the scale threshold of {t}; {who_text} report still depends on risk/other triggers: assess"
                    )),
                    _ => reasons.push(format!(
                        "{tag}: {who_text} notice unless the breach is unlikely to result in a risk: assess, and document the breach either way"
                    )),
                }
            } else if v == Notice::Required && trigger == RegulatorTrigger::Always {
                reasons.push(format!("{tag}: {who_text} notice owed for every breach"));
            } else if v == Notice::NotRequired {
                reasons.push(format!(
                    "{tag}: encryption safe harbour covers the {who_text} report too"
                ));
            }
            v
        }
    };

    let regulator_deadline = if regulator == Notice::NotRequired {
        None
    } else {
        let d = deadline(
            discovered_at,
            reg.deadline_days,
            reg.deadline_hours,
            reg.business_days,
        );
        if let Some(t) = d {
            reasons.push(format!(
                "{tag}: {who_text} notice due by {}{}",
                rfc3339(t),
                if reg.business_days {
                    " (business days, weekends skipped, public holidays not counted)"
                } else {
                    ""
                }
            ));
        }
        if let Some(rel) = &reg.relative {
            let unit = if rel.business_days {
                "business days"
            } else {
                "days"
            };
            let text = match rel.anchor {
                RelativeAnchor::AfterIndividualNotice => {
                    format!("within {} {unit} after the individual notice", rel.days)
                }
                RelativeAnchor::WithIndividualNotice => {
                    "no later than the individual notice".to_string()
                }
                RelativeAnchor::BeforeIndividualNotice => {
                    "before the individual notice".to_string()
                }
                RelativeAnchor::AfterAssessment => format!(
                    "within {} {unit} after assessing that the breach is notifiable",
                    rel.days
                ),
            };
            let bound = match (rel.anchor, individual_deadline) {
                (RelativeAnchor::AfterAssessment, _) | (_, None) => String::new(),
                (RelativeAnchor::AfterIndividualNotice, Some(i)) => format!(
                    "; at the latest {} if individuals are notified on their last day",
                    rfc3339(add_days(i, rel.days, rel.business_days))
                ),
                (_, Some(i)) => format!("; so by {} at the latest", rfc3339(i)),
            };
            reasons.push(format!("{tag}: {who_text} notice {text}{bound}"));
        } else if d.is_none() {
            reasons.push(format!(
                "{tag}: {who_text} notice has no fixed deadline (\"{}\")",
                reg.deadline_text.as_deref().unwrap_or("none stated")
            ));
        }
        d
    };

    // Consumer reporting agencies hang off the individual notice everywhere.
    let cra = &rule.cra_notice;
    let cra_notice = if individual == Notice::NotRequired {
        Notice::NotRequired
    } else {
        match (cra.required, cra.threshold_residents) {
            (Some(false), _) => Notice::NotRequired,
            (_, Some(t)) => {
                let v = threshold_verdict(owed, maybe, t);
                reasons.push(format!(
                    "{tag}: credit bureaus: {owed} residents owed notice against a threshold of {t}: {}",
                    v.as_str()
                ));
                v
            }
            (_, None) => {
                reasons.push(format!(
                    "{tag}: credit-bureau duty or threshold not verified: review manually"
                ));
                Notice::Assess
            }
        }
    };

    if rule.family == Family::GdprStyle && individual != Notice::NotRequired {
        if let Some(note) = &rule.substitute_notice_note {
            reasons.push(format!("{tag}: substitute/public notice: {note}"));
        }
    }
    if rule.confidence == Confidence::Low {
        reasons.push(format!(
            "{tag}: rule confidence is low (as of {}): verify before relying on it",
            rule.as_of
        ));
    }

    let follow_ups = follow_ups(rule, &tag, facts.harm, exempted, &mut reasons);
    // Per-group reasons repeat when groups share a verdict; say each once.
    let mut seen = BTreeSet::new();
    reasons.retain(|r| seen.insert(r.clone()));

    JurisdictionObligation {
        code: rule.code.clone(),
        rule: RuleStatus::Evaluated,
        residents: total_residents(j),
        residents_owed_notice: owed,
        elements: union_elements(j, |g| &g.elements),
        declared_elements: union_elements(j, |g| &g.declared),
        password_hashing: hashings(j),
        unattributed_elements: unattributed_used.into_iter().collect(),
        individual_notice: individual,
        individual_deadline,
        regulator_notice: regulator,
        regulator: who,
        regulator_deadline,
        cra_notice,
        follow_ups,
        citations: vec![rule.statute.clone()],
        sources: rule.source_urls.clone(),
        confidence: Some(rule.confidence),
        as_of: Some(rule.as_of.clone()),
        rules_version: version.to_string(),
        reasons,
    }
}
