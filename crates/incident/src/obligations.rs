//! From an incident's affected customers to `bw-law`'s obligations, and
//! their three renderings.
//!
//! # JSON (`incident obligations --format json`), a stable interface
//! ```text
//! {
//!   "incident": "INC-2026-0001",
//!   "jurisdictions": [{
//!     "code": "US-CA", "residents": 3, "elements": ["email", "name"],
//!     "declared_elements": ["password"],  // declared, not found by a scan
//!     "password_hashing": ["bcrypt"],  // passwords known only as hashes
//!     "follow_ups": [{"to": "…", "action": "…", "deadline": RFC 3339 | null,
//!                     "citation": "…"}],  // left after a no-harm finding
//!     "individual_notice": "required" | "not_required" | "assess",
//!     "individual_deadline": RFC 3339 | null,
//!     "regulator_notice": "required" | "not_required" | "assess",
//!     "regulator": "…" | null,
//!     "regulator_deadline": RFC 3339 | null,
//!     "cra_notice": "required" | "not_required" | "assess",
//!     "citations": ["…"], "reasons": ["…"],
//!     // extra, from bw-law: "rule" ("evaluated" | "no_rule"),
//!     // "residents_owed_notice", "sources", "confidence", "as_of",
//!     // "rules_version"
//!   }],
//!   // extra: "rules_version", "discovered_at" (RFC 3339, deadlines count
//!   // from it), "cause" (attack | inadvertent_disclosure | lost_device |
//!   // other | unknown), "declarations" (what investigators declared:
//!   // element, hashing, scope, reason, who; no customer lists),
//!   // "unmapped_fields" (matched field names that are no data element the
//!   // rules know, and `declared:NAME` for declared ones; they were left
//!   // out of the evaluation), "unattributed" (credential and identity-
//!   // number findings no customer was tied to: "detected, unattributed",
//!   // kind, element, hashing, count, evidence (its file name, as a
//!   // redacted export shows it), evidence_seq, evidence_sha256; counts,
//!   // never values); per jurisdiction "unattributed_elements" (those
//!   // that turned its not_required into assess)
//! }
//! ```
//! Jurisdictions are sorted by their earliest deadline; those without one
//! come last. A customer with no country is counted under `UNKNOWN`, which
//! has no rule ("no rule: review manually"); nobody is dropped. This exact
//! document is what is stored with the incident, so it carries nothing that
//! depends on the time it was printed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use bw_law::{
    counts_unattributed, evaluate, jurisdictions_for, sort_by_deadline, Cause, Element,
    ExposureGroup, ExposureInput, HarmDetermination, Hashing, JurisdictionObligation, RuleSet,
    RuleStatus, UnattributedElement,
};
use bw_store::{
    AffectedRecord, Declarations, DeclaredElement, Determination, EvidenceRecord, Incident,
    UnattributedRecord,
};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::Error;

pub struct Computed {
    pub rules_version: String,
    /// Detected, unattributed elements of the incident, as evaluated.
    pub unattributed: Vec<UnattributedElement>,
    /// The cause the rules were evaluated with.
    pub cause: Cause,
    pub rows: Vec<JurisdictionObligation>,
    pub unmapped_fields: Vec<String>,
    pub body: Value,
}

/// Evaluates the rules for `inc`'s affected customers, with nothing
/// declared about the incident (its cause unknown).
pub fn compute(
    inc: &Incident,
    evidence: &[EvidenceRecord],
    affected: &[AffectedRecord],
) -> Result<Computed, Error> {
    compute_with(inc, evidence, affected, &Declarations::default())
}

/// Evaluates the rules for `inc`'s affected customers together with what
/// investigators declared about the incident (`bw_store::Store::declarations`).
pub fn compute_with(
    inc: &Incident,
    evidence: &[EvidenceRecord],
    affected: &[AffectedRecord],
    declared: &Declarations,
) -> Result<Computed, Error> {
    let discovered =
        OffsetDateTime::parse(&inc.discovered_at, &Rfc3339).map_err(|_| Error::DiscoveredAt {
            id: inc.id.to_string(),
            value: inc.discovered_at.clone(),
        })?;
    let rules = RuleSet::embedded()?;
    let encrypted_by_sha: BTreeMap<&str, bool> = evidence
        .iter()
        .map(|e| (e.sha256.as_str(), e.encrypted))
        .collect();
    let mut input = ExposureInput::new(discovered);
    input.cause = declared.cause;
    input.unattributed = unattributed(&declared.unattributed);
    // Per jurisdiction the latest finding counts; earlier ones stay on
    // record in the store and the audit log.
    let mut latest: BTreeMap<&str, &Determination> = BTreeMap::new();
    for d in &declared.determinations {
        let decided_at =
            OffsetDateTime::parse(&d.decided_at, &Rfc3339).map_err(|_| Error::DecidedAt {
                id: inc.id.to_string(),
                seq: d.seq,
                value: d.decided_at.clone(),
            })?;
        input.harm.insert(
            d.jurisdiction.clone(),
            HarmDetermination {
                finding: d.finding,
                decided_at,
            },
        );
        latest.insert(&d.jurisdiction, d);
    }
    let mut unmapped: BTreeSet<String> = BTreeSet::new();
    let decls = DeclaredIndex::new(&declared.declared_elements, &mut unmapped);
    // Which declarations reached residents of which jurisdiction, for the
    // "declared by" reasons.
    let mut used: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for c in affected {
        let elements: Vec<Element> = c
            .matched_fields
            .iter()
            // Scanner kinds first (bw-law's one kind→element table), then
            // element names and aliases for fields recorded by other means.
            .filter_map(
                |f| match Element::from_kind_name(f).or_else(|| f.parse().ok()) {
                    Some(e) => Some(e),
                    None => {
                        unmapped.insert(f.clone());
                        None
                    }
                },
            )
            .collect();
        // Safe harbour only when every copy that exposed this customer was
        // encrypted; one plain copy is enough to expose them.
        let encrypted = !c.evidence_refs.is_empty()
            && c.evidence_refs
                .iter()
                .all(|r| encrypted_by_sha.get(r.as_str()).copied().unwrap_or(false));
        let applied = decls.for_customer(&c.customer_id);
        let group = decls.group(&applied, &elements, encrypted);
        let country = c.country.as_deref().unwrap_or("");
        for code in jurisdictions_for(country, c.region.as_deref()) {
            if !applied.is_empty() {
                used.entry(code.clone()).or_default().extend(&applied);
            }
            input.add_group(&code, group.clone());
        }
    }
    let mut rows = evaluate(&rules, &input);
    for row in &mut rows {
        for &i in used.get(&row.code).into_iter().flatten() {
            row.reasons.push(decls.reason(i));
        }
        if let Some(d) = latest.get(row.code.as_str()) {
            row.reasons.push(format!(
                "determined {} by {}: {} (determination {} of {})",
                d.finding, d.decided_by, d.reason, d.seq, d.decided_at
            ));
        }
    }
    sort_by_deadline(&mut rows);
    let unmapped_fields: Vec<String> = unmapped.into_iter().collect();
    let body = json!({
        "incident": inc.id,
        "rules_version": rules.version(),
        "discovered_at": inc.discovered_at,
        "cause": declared.cause,
        "jurisdictions": rows,
        "declarations": decls.summary(affected),
        "unmapped_fields": unmapped_fields,
        "unattributed": unattributed_summary(&declared.unattributed),
    });
    Ok(Computed {
        unattributed: input.unattributed.clone(),
        rules_version: rules.version().to_string(),
        cause: input.cause,
        rows,
        unmapped_fields,
        body,
    })
}

/// The stored unattributed findings as the law reads them; kinds that are
/// no element it carries (none are recorded) are left out.
fn unattributed(stored: &[UnattributedRecord]) -> Vec<UnattributedElement> {
    stored
        .iter()
        .filter_map(|r| {
            let e = &r.element;
            let element = Element::from_kind_name(&e.kind).filter(|x| counts_unattributed(*x))?;
            Some(UnattributedElement {
                element,
                hashing: e.hashing.as_deref().map(UnattributedElement::hashing_of),
                algorithm: e.hashing.clone(),
                count: e.count,
                evidence: r.evidence_source.clone(),
            })
        })
        .collect()
}

fn file_name(source: &str) -> &str {
    let s = source.trim_end_matches('/');
    s.rsplit(['/', '\\']).next().unwrap_or(s)
}

fn unattributed_summary(stored: &[UnattributedRecord]) -> Value {
    Value::Array(
        stored
            .iter()
            .map(|r| {
                json!({
                    "status": "detected, unattributed",
                    "kind": r.element.kind,
                    "element": Element::from_kind_name(&r.element.kind),
                    "hashing": r.element.hashing,
                    "count": r.element.count,
                    // The file's name only, as a redacted export shows it:
                    // the stored body is hashed and cannot be redacted later.
                    "evidence": file_name(&r.evidence_source),
                    "evidence_seq": r.evidence_seq,
                    "evidence_sha256": r.evidence_sha256,
                })
            })
            .collect(),
    )
}

/// The declared elements of an incident, parsed once and indexed by the
/// customers they name.
struct DeclaredIndex<'a> {
    all: &'a [DeclaredElement],
    /// Per declaration: its element (`None`: a name the law does not know,
    /// reported under `unmapped_fields`) and password hashing.
    parsed: Vec<(Option<Element>, Option<Hashing>)>,
    /// Declarations covering every affected customer.
    incident_wide: Vec<usize>,
    by_customer: HashMap<&'a str, Vec<usize>>,
}

impl<'a> DeclaredIndex<'a> {
    fn new(all: &'a [DeclaredElement], unmapped: &mut BTreeSet<String>) -> DeclaredIndex<'a> {
        let mut incident_wide = Vec::new();
        let mut by_customer: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut parsed = Vec::with_capacity(all.len());
        for (i, d) in all.iter().enumerate() {
            let element = d.element.parse::<Element>().ok();
            if element.is_none() {
                unmapped.insert(format!("declared:{}", d.element));
            }
            // The CLI accepts only known names; one that no longer parses
            // (a renamed algorithm) is kept as a hash of unknown strength:
            // the slow-hash verdict, assess, never the plain-password one.
            let hashing = d
                .hashing
                .as_deref()
                .map(|h| h.parse::<Hashing>().unwrap_or(Hashing::Bcrypt));
            parsed.push((element, hashing));
            if d.all_affected {
                incident_wide.push(i);
            } else {
                for c in &d.customers {
                    by_customer.entry(c.as_str()).or_default().push(i);
                }
            }
        }
        DeclaredIndex {
            all,
            parsed,
            incident_wide,
            by_customer,
        }
    }

    fn for_customer(&self, id: &str) -> Vec<usize> {
        let mut v = self.incident_wide.clone();
        if let Some(listed) = self.by_customer.get(id) {
            v.extend(listed);
        }
        v.sort_unstable();
        v
    }

    /// One customer's exposure: what the scan found plus what was declared
    /// for them.
    fn group(&self, applied: &[usize], detected: &[Element], encrypted: bool) -> ExposureGroup {
        let mut g = ExposureGroup::detected(detected, 1, encrypted);
        let mut plain_password = g.elements.contains(&Element::Password);
        let mut hashed: Option<Hashing> = None;
        for &i in applied {
            let (Some(e), hashing) = self.parsed[i] else {
                continue;
            };
            g.declared.insert(e);
            if e == Element::Password {
                match hashing {
                    Some(h) => hashed = Some(hashed.map_or(h, |k| k.weaker(h))),
                    None => plain_password = true,
                }
            }
        }
        if !applied.is_empty() {
            // A declaration is a copy taken outside the evidence, which no
            // one showed to be encrypted.
            g.encrypted = false;
        }
        g.password_hashing = if plain_password { None } else { hashed };
        g
    }

    fn reason(&self, i: usize) -> String {
        let d = &self.all[i];
        let what = match &d.hashing {
            Some(h) => format!("{} as a {h} hash", d.element),
            None => d.element.clone(),
        };
        let whom = if d.all_affected {
            "all affected customers".to_string()
        } else {
            format!("{} listed customers", d.customers.len())
        };
        format!(
            "declared by {}: {} ({what}, {whom}, declaration {} of {})",
            d.declared_by, d.reason, d.seq, d.declared_at
        )
    }

    /// The declarations as the stored obligations cite them: no customer
    /// lists, but how many listed customers are not (yet) affected.
    fn summary(&self, affected: &[AffectedRecord]) -> Value {
        let known: HashSet<&str> = affected.iter().map(|a| a.customer_id.as_str()).collect();
        let rows: Vec<Value> = self
            .all
            .iter()
            .map(|d| {
                let not_affected = d
                    .customers
                    .iter()
                    .filter(|c| !known.contains(c.as_str()))
                    .count();
                json!({
                    "seq": d.seq,
                    "element": d.element,
                    "hashing": d.hashing,
                    "all_affected": d.all_affected,
                    "customers": d.customers.len(),
                    "customers_not_affected": not_affected,
                    "reason": d.reason,
                    "declared_by": d.declared_by,
                    "declared_at": d.declared_at,
                })
            })
            .collect();
        Value::Array(rows)
    }
}

fn ts(t: Option<OffsetDateTime>) -> String {
    t.map(|t| format!("{} {:02}:{:02}Z", t.date(), t.hour(), t.minute()))
        .unwrap_or_else(|| "-".into())
}

/// `2d 21h`, `5h 10m`, `overdue 3h 0m`.
fn time_left(deadline: OffsetDateTime, now: OffsetDateTime) -> String {
    let d: Duration = deadline - now;
    let (prefix, d) = if d.is_negative() {
        ("overdue ", -d)
    } else {
        ("", d)
    };
    let mins = d.whole_minutes();
    let (days, hours, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    if days > 0 {
        format!("{prefix}{days}d {hours}h")
    } else {
        format!("{prefix}{hours}h {m}m")
    }
}

/// The earliest deadline and whose it is.
fn next_deadline(o: &JurisdictionObligation) -> Option<(OffsetDateTime, &'static str)> {
    [
        (o.regulator_deadline, "regulator"),
        (o.individual_deadline, "individuals"),
    ]
    .into_iter()
    .chain(o.follow_ups.iter().map(|f| (f.deadline, "follow-up")))
    .filter_map(|(t, whose)| t.map(|t| (t, whose)))
    // min_by_key keeps the first of equal deadlines: the regulator's, as
    // before follow-ups existed.
    .min_by_key(|(t, _)| *t)
}

pub fn human(inc: &Incident, c: &Computed, now: OffsetDateTime) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Obligations for {} ({}); discovered {}; cause {}; rules {}",
        inc.id,
        inc.title,
        ts(OffsetDateTime::parse(&inc.discovered_at, &Rfc3339).ok()),
        c.cause,
        c.rules_version
    );
    let _ = writeln!(out, "Decision support, not legal advice.");
    if !c.unattributed.is_empty() {
        let _ = writeln!(
            out,
            "Detected, unattributed (no customer could be tied to them; counts, never values):"
        );
        for u in &c.unattributed {
            let _ = writeln!(out, "  {} ({})", u.describe(), u.evidence);
        }
    }
    if c.rows.is_empty() {
        let _ = writeln!(
            out,
            "No affected customers are recorded for {}: nothing to evaluate.",
            inc.id
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{:<12} {:>9}  {:<26} {:<12} {:<12} {:<30} {:<14} CITATION",
        "JURISDICTION", "RESIDENTS", "INDIVIDUAL", "REGULATOR", "CRA", "DEADLINE", "TIME LEFT"
    );
    for o in &c.rows {
        let (individual, regulator, cra) = if o.rule == RuleStatus::NoRule {
            ("no rule: review manually", "-", "-")
        } else {
            (
                o.individual_notice.as_str(),
                o.regulator_notice.as_str(),
                o.cra_notice.as_str(),
            )
        };
        let (deadline, left) = match next_deadline(o) {
            Some((t, whose)) => (format!("{} ({whose})", ts(Some(t))), time_left(t, now)),
            None => ("-".to_string(), "-".to_string()),
        };
        let _ = writeln!(
            out,
            "{:<12} {:>9}  {:<26} {:<12} {:<12} {:<30} {:<14} {}",
            o.code,
            o.residents,
            individual,
            regulator,
            cra,
            deadline,
            left,
            if o.citations.is_empty() {
                "-".to_string()
            } else {
                o.citations.join("; ")
            }
        );
    }
    let _ = writeln!(out);
    for o in &c.rows {
        let elements: Vec<&str> = o.elements.iter().map(|e| e.as_str()).collect();
        let declared: Vec<&str> = o.declared_elements.iter().map(|e| e.as_str()).collect();
        let _ = writeln!(
            out,
            "{}: {} resident(s); exposed: {}{}",
            o.code,
            o.residents,
            if elements.is_empty() {
                "no known data element".to_string()
            } else {
                elements.join(", ")
            },
            if declared.is_empty() {
                String::new()
            } else {
                format!("; declared: {}", declared.join(", "))
            }
        );
        if !o.unattributed_elements.is_empty() {
            let names: Vec<&str> = o.unattributed_elements.iter().map(|e| e.as_str()).collect();
            let _ = writeln!(
                out,
                "  detected, unattributed: {} (would complete the definition if theirs: assess)",
                names.join(", ")
            );
        }
        if !o.password_hashing.is_empty() {
            let algos: Vec<&str> = o.password_hashing.iter().map(|h| h.as_str()).collect();
            let _ = writeln!(
                out,
                "  passwords known only as hashes: {}",
                algos.join(", ")
            );
        }
        if let Some(r) = &o.regulator {
            let _ = writeln!(
                out,
                "  regulator: {r}, {} by {}",
                o.regulator_notice.as_str(),
                ts(o.regulator_deadline)
            );
        }
        if o.individual_deadline.is_some() {
            let _ = writeln!(
                out,
                "  individuals: {} by {}",
                o.individual_notice.as_str(),
                ts(o.individual_deadline)
            );
        }
        for f in &o.follow_ups {
            let _ = writeln!(
                out,
                "  follow-up: {}: {} by {} ({})",
                f.to,
                f.action,
                ts(f.deadline),
                f.citation
            );
        }
        for r in &o.reasons {
            let _ = writeln!(out, "  - {r}");
        }
    }
    if !c.unmapped_fields.is_empty() {
        let _ = writeln!(
            out,
            "\nNot evaluated (no matching data element): {}",
            c.unmapped_fields.join(", ")
        );
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn rfc3339(t: Option<OffsetDateTime>) -> String {
    t.and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

/// One row per jurisdiction, the JSON fields flattened; lists are joined
/// with `; ` (citations) and ` | ` (reasons).
pub fn csv(c: &Computed) -> String {
    let mut out = String::from(
        "code,rule,residents,elements,individual_notice,individual_deadline,regulator_notice,\
         regulator,regulator_deadline,cra_notice,citations,reasons,declared_elements,follow_ups,\
         unattributed_elements\n",
    );
    for o in &c.rows {
        let elements: Vec<&str> = o.elements.iter().map(|e| e.as_str()).collect();
        let rule = match o.rule {
            RuleStatus::Evaluated => "evaluated",
            RuleStatus::NoRule => "no_rule",
        };
        let fields = [
            o.code.clone(),
            rule.to_string(),
            o.residents.to_string(),
            elements.join(";"),
            o.individual_notice.as_str().to_string(),
            rfc3339(o.individual_deadline),
            o.regulator_notice.as_str().to_string(),
            o.regulator.clone().unwrap_or_default(),
            rfc3339(o.regulator_deadline),
            o.cra_notice.as_str().to_string(),
            o.citations.join("; "),
            o.reasons.join(" | "),
            o.declared_elements
                .iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            o.follow_ups
                .iter()
                .map(|f| format!("{}: {} by {}", f.to, f.action, rfc3339(f.deadline)))
                .collect::<Vec<_>>()
                .join(" | "),
            o.unattributed_elements
                .iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        let _ = writeln!(out, "{}", row.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn time_left_counts_down_and_flags_overdue() {
        let now = datetime!(2026-05-04 09:00 UTC);
        assert_eq!(time_left(datetime!(2026-05-07 09:00 UTC), now), "3d 0h");
        assert_eq!(time_left(datetime!(2026-05-04 14:30 UTC), now), "5h 30m");
        assert_eq!(
            time_left(datetime!(2026-05-04 06:00 UTC), now),
            "overdue 3h 0m"
        );
    }

    fn declared(
        seq: i64,
        element: &str,
        hashing: Option<&str>,
        customers: &[&str],
    ) -> DeclaredElement {
        DeclaredElement {
            seq,
            element: element.into(),
            hashing: hashing.map(str::to_string),
            all_affected: customers.is_empty(),
            customers: customers.iter().map(|c| c.to_string()).collect(),
            reason: "users table read".into(),
            declared_at: "2026-05-05T10:00:00.000000Z".into(),
            declared_by: "dana".into(),
        }
    }

    #[test]
    fn declared_elements_join_detected_ones_per_customer() {
        let all = vec![
            declared(1, "password", Some("bcrypt"), &[]),
            declared(2, "password", Some("md5"), &["C2"]),
            declared(3, "ssn", None, &["C3"]),
            declared(4, "password", None, &["C4"]),
            declared(5, "shoe_size", None, &[]),
        ];
        let mut unmapped = BTreeSet::new();
        let idx = DeclaredIndex::new(&all, &mut unmapped);
        assert_eq!(unmapped, BTreeSet::from(["declared:shoe_size".to_string()]));

        // Incident-wide declarations reach a customer nobody listed.
        let g = idx.group(&idx.for_customer("C1"), &[Element::Email], true);
        assert_eq!(g.declared, BTreeSet::from([Element::Password]));
        assert_eq!(g.password_hashing, Some(Hashing::Bcrypt));
        assert!(!g.encrypted, "a declared copy is not known to be encrypted");
        // Of two hashes the weaker one decides.
        let g = idx.group(&idx.for_customer("C2"), &[Element::Email], false);
        assert_eq!(g.password_hashing, Some(Hashing::Md5));
        let g = idx.group(&idx.for_customer("C3"), &[Element::Name], false);
        assert_eq!(
            g.declared,
            BTreeSet::from([Element::Password, Element::UsSsn])
        );
        // A plain password, declared or detected, outweighs any hash.
        let g = idx.group(&idx.for_customer("C4"), &[], false);
        assert_eq!(g.password_hashing, None);
        let g = idx.group(&idx.for_customer("C1"), &[Element::Password], false);
        assert_eq!(g.password_hashing, None);
        assert!(idx.reason(0).starts_with(
            "declared by dana: users table read (password as a bcrypt hash, all affected customers"
        ));
    }

    #[test]
    fn every_scanner_kind_is_an_element_and_every_rule_element_is_producible() {
        let mut by_kind = BTreeSet::new();
        for k in bw_detect::Kind::ALL.iter() {
            let e = Element::from_kind_name(k.as_str()).unwrap_or_else(|| {
                panic!("kind {k} maps to no element: add it to bw_law::KIND_ELEMENTS")
            });
            by_kind.insert(e);
        }
        let rules = RuleSet::embedded().expect("rules");
        let named = rules.named_elements();
        // What no scan finds must be declarable (`incident declare` parses
        // the element's name), or no obligation could ever rest on it.
        let declare_only: Vec<Element> = named.difference(&by_kind).copied().collect();
        for e in &declare_only {
            assert_eq!(
                e.as_str().parse::<Element>(),
                Ok(*e),
                "{e} is not declarable"
            );
        }
        // Since issue 28's detectors, only these two (NOTES.md gap 11): no
        // scan tells a maiden name from a surname, or finds a biometric.
        assert_eq!(
            declare_only,
            [Element::MothersMaidenName, Element::Biometric]
        );
        assert!(by_kind.contains(&Element::Password) && by_kind.contains(&Element::Name));
    }

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(csv_field("GDPR Art. 33"), "GDPR Art. 33");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
