//! The individual-notice verdict for one group of residents: does the
//! exposure meet the law's definition, and what exemptions and triggers
//! then decide.

use crate::cause::Cause;
use crate::element::Element;
use crate::eval::{complete_combination, ExposureGroup, Notice};
use crate::harm::{HarmDetermination, HarmFinding};
use crate::hashing::Hashing;
use crate::rules::{IndividualTrigger, Rule};

pub(crate) fn names(elements: &[Element]) -> String {
    elements
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

/// What the evaluation knows about the incident beyond its data.
#[derive(Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub cause: Cause,
    /// The harm finding that counts for this jurisdiction, if any.
    pub harm: Option<&'a HarmDetermination>,
}

/// How a group's verdict came about, for the duties that count residents
/// other than those owed notice.
#[derive(Default)]
pub(crate) struct GroupBasis {
    /// The law's definition of personal information was met.
    pub breached: bool,
    /// Notice was excused by a no-harm determination.
    pub exempted: bool,
}

/// Individual-notice verdict for one group of residents.
pub(crate) fn individual_for_group(
    rule: &Rule,
    g: &ExposureGroup,
    facts: Facts<'_>,
    basis: &mut GroupBasis,
    why: &mut Vec<String>,
) -> Notice {
    let cause = facts.cause;
    let tag = format!("{} {}", rule.code, rule.statute);
    let all = g.all_elements();
    let exposed: Vec<Element> = {
        let mut v: Vec<Element> = all.iter().copied().collect();
        v.sort_by_key(|e| e.as_str());
        v
    };
    if exposed.is_empty() {
        why.push(format!(
            "{tag}: {} residents with no known exposed elements: assess",
            g.residents
        ));
        return Notice::Assess;
    }
    let shown = names(&exposed);

    // A password known only as a hash: which algorithm, if that matters.
    let hashed = g
        .password_hashing
        .filter(|_| all.contains(&Element::Password));
    // Does the exposure fall under the law's definition at all?
    let mut conditional = false;
    let mut hash_only = false;
    match rule.combinations() {
        None => {
            why.push(format!(
                "{tag}: {shown} is personal data (any information about an identifiable person)"
            ));
            if let Some(h) = hashed {
                why.push(hashed_reason(&tag, h, false));
            }
        }
        Some(combos) => {
            let complete = |c: &&Vec<Element>| c.iter().all(|e| all.contains(e));
            // A combination that holds without the password decides first,
            // so a hashed password never weakens a verdict it played no
            // part in.
            let hit = combos
                .iter()
                .filter(complete)
                .find(|c| hashed.is_none() || !c.contains(&Element::Password))
                .or_else(|| combos.iter().find(complete));
            let hash_reason = match (hit, hashed) {
                (Some(c), Some(h)) if c.contains(&Element::Password) => {
                    hash_only = h.is_slow_and_salted();
                    Some(hashed_reason(&tag, h, true))
                }
                _ => None,
            };
            let cond = rule
                .conditional_combinations()
                .into_iter()
                .find(|c| c.iter().all(|e| all.contains(e)));
            match (hit, cond) {
                (Some(c), _) => {
                    why.push(format!(
                        "{tag}: {shown} includes {} in combination, which is personal information",
                        names(c)
                    ));
                    why.extend(hash_reason);
                }
                (None, Some(c)) => {
                    conditional = true;
                    why.push(format!(
                        "{tag}: {} counts as personal information only conditionally ({})",
                        names(&c),
                        rule.conditional_note.as_deref().unwrap_or("see rule notes")
                    ));
                }
                (None, None) => {
                    // Combinations one element short, most informative first:
                    // those sharing more exposed elements, and sharing more than
                    // the name, explain best why this exposure falls short.
                    let mut near: Vec<(usize, bool, String)> = combos
                        .iter()
                        .filter_map(|c| {
                            let missing: Vec<Element> =
                                c.iter().copied().filter(|e| !all.contains(e)).collect();
                            let shared = c.len() - missing.len();
                            let beyond_name =
                                c.iter().any(|e| *e != Element::Name && all.contains(e));
                            (missing.len() == 1 && shared > 0).then(|| {
                                (
                                    shared,
                                    beyond_name,
                                    format!("{} needs {}", names(c), names(&missing)),
                                )
                            })
                        })
                        .collect();
                    near.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
                    let near: Vec<String> = near.into_iter().take(3).map(|n| n.2).collect();
                    let hint = if near.is_empty() {
                        String::new()
                    } else {
                        format!(" (nearest: {})", near.join("; "))
                    };
                    why.push(format!(
                        "{tag}: {shown} is not 'personal information': no listed combination is complete{hint}"
                    ));
                    return Notice::NotRequired;
                }
            }
        }
    }

    if g.encrypted {
        match rule.encryption_safe_harbor {
            Some(true) => {
                why.push(format!(
                    "{tag}: encryption safe harbour: no individual notice for encrypted data, provided the key was not also acquired"
                ));
                return Notice::NotRequired;
            }
            Some(false) => why.push(format!(
                "{tag}: no encryption exemption: encrypted data still counts"
            )),
            None => {
                why.push(format!(
                    "{tag}: encryption is a risk factor here, not an explicit exemption: assess"
                ));
                return Notice::Assess;
            }
        }
    }

    basis.breached = true;
    if conditional {
        return Notice::Assess;
    }
    let roh = rule.risk_of_harm_note.as_deref().unwrap_or("");
    match rule.individual_notice.trigger {
        IndividualTrigger::Risk if rule.individual_notice.required_if_cause.contains(&cause) => {
            why.push(format!(
                "{tag}: the breach was caused by {cause}: individual notice required whatever \
                 the data or the number affected"
            ));
            Notice::Required
        }
        IndividualTrigger::Risk => {
            let ind = &rule.individual_notice;
            let listed = ind
                .required_if_any_element
                .iter()
                .filter_map(|t| t.element())
                .find(|e| all.contains(e));
            if let Some(e) = listed {
                why.push(format!(
                    "{tag}: individual notice required at any size when {e} is exposed"
                ));
                return Notice::Required;
            }
            if let Some(c) = complete_combination(&ind.required_if_any_combination, g) {
                why.push(format!(
                    "{tag}: {} is deemed to cause significant harm: individual notice required",
                    names(&c)
                ));
                return Notice::Required;
            }
            why.push(format!(
                "{tag}: individual notice depends on a risk assessment: {roh}"
            ));
            Notice::Assess
        }
        IndividualTrigger::PersonalInformation | IndividualTrigger::Always => {
            // Without a harm exception only the hash question is open.
            let owed = if hash_only {
                Notice::Assess
            } else {
                Notice::Required
            };
            if rule.risk_of_harm_exemption != Some(true) {
                return owed;
            }
            let causes = &rule.risk_of_harm_causes;
            if !causes.is_empty() && cause != Cause::Unknown && !causes.contains(&cause) {
                why.push(format!(
                    "{tag}: the harm exception covers only {} ({roh}); the recorded cause is \
                     {cause}: notice owed",
                    cause_list(causes)
                ));
                return owed;
            }
            harm_exception(rule, &tag, roh, facts, basis, why)
        }
    }
}

/// The verdict of a law whose notice is excused when harm is unlikely:
/// assess until a person has found either way.
fn harm_exception(
    rule: &Rule,
    tag: &str,
    roh: &str,
    facts: Facts<'_>,
    basis: &mut GroupBasis,
    why: &mut Vec<String>,
) -> Notice {
    let causes = &rule.risk_of_harm_causes;
    match facts.harm {
        Some(d) if d.finding == HarmFinding::NoHarm => {
            if !causes.is_empty() && facts.cause == Cause::Unknown {
                why.push(format!(
                    "{tag}: the no-harm determination excuses notice only if the cause was {}, \
                     and the cause is not recorded: assess (record it with `breachwatch \
                     incident cause`)",
                    cause_list(causes)
                ));
                return Notice::Assess;
            }
            why.push(format!(
                "{tag}: no-harm determination recorded on {}: no individual notice ({roh})",
                day(d.decided_at)
            ));
            basis.exempted = true;
            Notice::NotRequired
        }
        Some(d) => {
            why.push(format!(
                "{tag}: harm determined likely on {}: the exception does not apply, notice owed",
                day(d.decided_at)
            ));
            Notice::Required
        }
        None => {
            why.push(format!(
                "{tag}: notice is owed unless an investigation finds harm unlikely ({roh}): \
                 assess, then record the finding with `breachwatch incident determine ID \
                 --jurisdiction {} --no-harm` (or `--harm-likely`)",
                rule.code
            ));
            Notice::Assess
        }
    }
}

fn day(t: time::OffsetDateTime) -> String {
    t.date().to_string()
}

/// Why a password known only as an `h` hash counts as it does. `decides`:
/// the definition is met only through the password.
fn hashed_reason(tag: &str, h: Hashing, decides: bool) -> String {
    match (h.is_slow_and_salted(), decides) {
        (true, true) => format!(
            "{tag}: the only credential element is a password known as a {h} hash (salted, \
             slow): the statute's encryption safe harbour does not clearly cover hashing, and \
             the hash is not the password: assess (weak or reused passwords are still \
             recoverable)"
        ),
        (false, true) => format!(
            "{tag}: the password is known only as a {h} hash, which is fast or unsalted and \
             routinely reversed: treated as the password itself"
        ),
        (true, false) => format!(
            "{tag}: the password is known only as a {h} hash (salted, slow): a factor in the \
             risk assessment, not an exemption"
        ),
        (false, false) => format!(
            "{tag}: the password is known only as a {h} hash, which is fast or unsalted and \
             routinely reversed: assess as if the password itself was exposed"
        ),
    }
}

pub(crate) fn cause_list(causes: &[Cause]) -> String {
    causes
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Says once per jurisdiction when a duty would turn on a cause nobody
/// recorded, so the reader knows which fact to establish.
pub(crate) fn unknown_cause_hint(rule: &Rule, cause: Cause, tag: &str, why: &mut Vec<String>) {
    if cause != Cause::Unknown {
        return;
    }
    let ind = &rule.individual_notice.required_if_cause;
    let reg = &rule.regulator_notice.required_if_cause;
    if !ind.is_empty() || !reg.is_empty() {
        let mut all: Vec<Cause> = ind.iter().chain(reg).copied().collect();
        all.sort();
        all.dedup();
        why.push(format!(
            "{tag}: the cause is not recorded; if it was {}, notice is mandatory at any size \
             (record it with `breachwatch incident cause`)",
            cause_list(&all)
        ));
    }
    if rule.risk_of_harm_exemption == Some(true) && !rule.risk_of_harm_causes.is_empty() {
        why.push(format!(
            "{tag}: the cause is not recorded; the harm exception is open only to {}",
            cause_list(&rule.risk_of_harm_causes)
        ));
    }
}
