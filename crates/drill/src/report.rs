//! The drill report: what each stage did and how long it took, scored
//! against the scenario's truth, with every miss named. `report.json` is
//! [`Report`] serialised; its shape is a stable interface (`docs/drill.md`):
//! fields are only ever added. The text, Markdown and HTML renderings are
//! templates over that same serialised model (`report/templates/`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use bw_corpus::score::{score, Finding, ScoreOptions, TruthSpan};
use bw_law::{
    evaluate, jurisdictions_for, sort_by_deadline, Element, ExposureInput, JurisdictionObligation,
    RuleSet,
};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::scenario::Truth;
use crate::Error;

mod render;

/// What a drill must reach for a stage to pass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Floors {
    /// Per kind present in the truth.
    pub recall: f64,
    /// Over all findings.
    pub precision: f64,
}

impl Default for Floors {
    fn default() -> Self {
        Floors {
            recall: 0.95,
            precision: 0.90,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub name: String,
    pub seconds: f64,
    /// What the stage processed, counted in `unit`.
    pub items: u64,
    pub unit: String,
    /// `items` per second.
    pub throughput: Option<f64>,
    /// Bytes read or written, where that is the measure.
    pub bytes: Option<u64>,
    /// One line on what happened.
    pub detail: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KindDetection {
    pub kind: String,
    pub truth: u64,
    pub found: u64,
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    /// A few missed spans, as `path:start-end` (never the value).
    pub missed_examples: Vec<String>,
    /// A few false positives, as `path:start-end (detector)`.
    pub false_examples: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Micro-averaged over kinds; `None` when there was nothing to divide.
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub truth: u64,
    pub found: u64,
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// Kinds with truth or findings, in `bw-detect` order.
    pub kinds: Vec<KindDetection>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScopeResult {
    /// Customers the leak truly exposes.
    pub truth: u64,
    /// Customers scope reported affected.
    pub found: u64,
    /// Reported but not exposed.
    #[serde(rename = "false")]
    pub false_: u64,
    /// Exposed but not reported.
    pub missed: u64,
    /// Non-customers exposed alongside (they must match nobody).
    pub guests: u64,
    /// The first few ids of each kind of error.
    pub missed_ids: Vec<String>,
    pub false_ids: Vec<String>,
}

/// One jurisdiction's obligations as the pipeline worked them out, beside
/// what the truth calls for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Obligation {
    pub code: String,
    pub residents: u64,
    pub elements: Vec<String>,
    pub individual_notice: String,
    pub individual_deadline: Option<String>,
    pub regulator_notice: String,
    pub regulator: Option<String>,
    pub regulator_deadline: Option<String>,
    /// From the truth's residents and elements, with the same rules.
    pub expected_residents: u64,
    pub expected_individual_notice: String,
    pub expected_regulator_notice: String,
    /// Pipeline and truth agree on residents and both notices.
    pub matches: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Notices {
    /// Whether the notify stages ran (`"sent"`) or not (`"not_run"`,
    /// with `note` saying why); figures are only measured when sent.
    pub status: String,
    /// Notices in the outbox after planning: one per affected customer.
    pub due: u64,
    /// Due notices the SMTP sink accepted (distinct Message-IDs).
    pub accepted: u64,
    /// Acceptances beyond the first of a Message-ID, over the send and a
    /// second, idempotent send.
    pub duplicates: u64,
    /// Accepted messages that are no due notice of this incident.
    pub unexpected: u64,
    /// Notices the outbox marks failed.
    pub failed: u64,
    /// Truly exposed customers whose address received no notice.
    pub exposed_unnotified: u64,
    pub note: String,
}

/// A stage that fell short, named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Miss {
    pub stage: String,
    pub what: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub scenario: String,
    pub title: String,
    pub seed: u64,
    pub customers: u64,
    pub incident: Option<String>,
    pub discovered_at: String,
    /// Test-only: kinds whose findings the scan stage dropped on purpose.
    pub weakened: Vec<String>,
    pub stages: Vec<Stage>,
    pub detection: Detection,
    pub scope: ScopeResult,
    pub obligations: Vec<Obligation>,
    pub notices: Notices,
    pub floors: Floors,
    pub misses: Vec<Miss>,
    pub passed: bool,
}

/// Scores scan findings (paths relative like the truth's) per kind.
pub fn detection(truth: &[TruthSpan], findings: Vec<Finding>) -> Detection {
    let scored = score(truth.to_vec(), findings, &ScoreOptions::default());
    let mut d = Detection::default();
    for k in scored.kinds {
        if k.truth == 0 && k.found == 0 {
            continue;
        }
        d.truth += k.truth;
        d.found += k.found;
        d.tp += k.tp;
        d.fp += k.fp;
        d.fn_ += k.fn_;
        d.kinds.push(KindDetection {
            missed_examples: k
                .false_negatives
                .iter()
                .map(|e| format!("{}:{}-{}", e.path, e.start, e.end))
                .collect(),
            false_examples: k
                .false_positives
                .iter()
                .map(|e| {
                    format!(
                        "{}:{}-{} ({})",
                        e.path,
                        e.start,
                        e.end,
                        e.detector.as_deref().unwrap_or("?")
                    )
                })
                .collect(),
            kind: k.kind,
            truth: k.truth,
            found: k.found,
            tp: k.tp,
            fp: k.fp,
            fn_: k.fn_,
            precision: k.precision,
            recall: k.recall,
        });
    }
    d.precision = (d.tp + d.fp > 0).then(|| d.tp as f64 / (d.tp + d.fp) as f64);
    d.recall = (d.tp + d.fn_ > 0).then(|| d.tp as f64 / (d.tp + d.fn_) as f64);
    d
}

/// Compares the customer ids scope reported with the truth.
pub fn scope_result(truth: &Truth, found: &BTreeSet<String>) -> ScopeResult {
    let want: BTreeSet<&String> = truth.exposed.keys().collect();
    let missed: Vec<String> = want
        .iter()
        .filter(|id| !found.contains(id.as_str()))
        .map(|id| id.to_string())
        .collect();
    let false_: Vec<String> = found
        .iter()
        .filter(|id| !want.contains(id))
        .cloned()
        .collect();
    ScopeResult {
        truth: want.len() as u64,
        found: found.len() as u64,
        false_: false_.len() as u64,
        missed: missed.len() as u64,
        guests: truth.guests,
        missed_ids: missed.into_iter().take(20).collect(),
        false_ids: false_.into_iter().take(20).collect(),
    }
}

/// One affected customer as obligations see them: place and the element
/// names (detector kinds or store field names) exposed.
pub struct Exposure<'a> {
    pub country: &'a str,
    pub region: &'a str,
    pub elements: Vec<&'a str>,
}

/// What [`compare`] works out.
pub struct Evaluated {
    /// Pipeline beside truth, per jurisdiction.
    pub rows: Vec<Obligation>,
    /// The pipeline's obligations as `bw-law` states them (what the
    /// incident store keeps), sorted by deadline.
    pub pipeline: Vec<JurisdictionObligation>,
    pub rules_version: String,
}

fn exposure_input<'a>(
    exposures: impl IntoIterator<Item = Exposure<'a>>,
    discovered_at: OffsetDateTime,
) -> ExposureInput {
    let mut input = ExposureInput::new(discovered_at);
    for c in exposures {
        let elements: Vec<Element> = c.elements.iter().filter_map(|e| e.parse().ok()).collect();
        let region = (!c.region.is_empty()).then_some(c.region);
        for code in jurisdictions_for(c.country, region) {
            input.add(&code, &elements, 1, false);
        }
    }
    input
}

/// Pairs the pipeline's obligations (as `incident obligations` computes
/// them from the store) with what the same embedded rules give for the
/// truth's customers and elements, by jurisdiction.
pub fn compare(
    mut got: Vec<JurisdictionObligation>,
    truth: &Truth,
    discovered_at: OffsetDateTime,
) -> Result<Evaluated, Error> {
    let rules = RuleSet::embedded()
        .map_err(|e| Error::Invalid(format!("loading the embedded rules: {e}")))?;
    sort_by_deadline(&mut got);
    let want = evaluate(
        &rules,
        &exposure_input(
            truth.exposed.values().map(|e| Exposure {
                country: &e.country,
                region: &e.region,
                elements: e.elements.iter().copied().collect(),
            }),
            discovered_at,
        ),
    );
    let want: BTreeMap<&str, _> = want.iter().map(|o| (o.code.as_str(), o)).collect();
    let ts = |t: Option<OffsetDateTime>| t.and_then(|t| t.format(&Rfc3339).ok());
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for o in &got {
        seen.insert(o.code.clone());
        let w = want.get(o.code.as_str());
        let (er, ei, eg) = match w {
            Some(w) => (
                w.residents,
                w.individual_notice.as_str(),
                w.regulator_notice.as_str(),
            ),
            None => (0, "none", "none"),
        };
        out.push(Obligation {
            code: o.code.clone(),
            residents: o.residents,
            elements: o.elements.iter().map(|e| e.as_str().to_string()).collect(),
            individual_notice: o.individual_notice.as_str().into(),
            individual_deadline: ts(o.individual_deadline),
            regulator_notice: o.regulator_notice.as_str().into(),
            regulator: o.regulator.clone(),
            regulator_deadline: ts(o.regulator_deadline),
            expected_residents: er,
            expected_individual_notice: ei.into(),
            expected_regulator_notice: eg.into(),
            matches: er == o.residents
                && ei == o.individual_notice.as_str()
                && eg == o.regulator_notice.as_str(),
        });
    }
    for (code, w) in want {
        if seen.contains(code) {
            continue;
        }
        out.push(Obligation {
            code: code.to_string(),
            residents: 0,
            elements: Vec::new(),
            individual_notice: "none".into(),
            individual_deadline: None,
            regulator_notice: "none".into(),
            regulator: None,
            regulator_deadline: None,
            expected_residents: w.residents,
            expected_individual_notice: w.individual_notice.as_str().into(),
            expected_regulator_notice: w.regulator_notice.as_str().into(),
            matches: false,
        });
    }
    Ok(Evaluated {
        rows: out,
        rules_version: rules.version().to_string(),
        pipeline: got,
    })
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{:.1}%", v * 100.0))
}

impl Report {
    /// Fills `misses` and `passed` from the figures and the floors.
    pub fn judge(&mut self) {
        let mut m = Vec::new();
        let mut miss = |stage: &str, what: String| {
            m.push(Miss {
                stage: stage.into(),
                what,
            })
        };
        for k in &self.detection.kinds {
            if let Some(r) = k.recall.filter(|r| *r < self.floors.recall) {
                let eg = k
                    .missed_examples
                    .first()
                    .map(|e| format!(", e.g. {e}"))
                    .unwrap_or_default();
                miss(
                    "scan",
                    format!(
                        "{}: recall {} below the floor {} ({} of {} missed{eg})",
                        k.kind,
                        pct(Some(r)),
                        pct(Some(self.floors.recall)),
                        k.fn_,
                        k.truth
                    ),
                );
            }
        }
        if let Some(p) = self
            .detection
            .precision
            .filter(|p| *p < self.floors.precision)
        {
            let worst = self
                .detection
                .kinds
                .iter()
                .max_by_key(|k| k.fp)
                .map(|k| format!(" (most false positives: {} with {})", k.kind, k.fp))
                .unwrap_or_default();
            miss(
                "scan",
                format!(
                    "precision {} below the floor {}{worst}",
                    pct(Some(p)),
                    pct(Some(self.floors.precision))
                ),
            );
        }
        let s = &self.scope;
        if s.missed > 0 {
            miss(
                "scope",
                format!(
                    "{} of {} exposed customers not found (first: {})",
                    s.missed,
                    s.truth,
                    s.missed_ids.join(", ")
                ),
            );
        }
        if s.false_ > 0 {
            miss(
                "scope",
                format!(
                    "{} customers reported affected who were not exposed (first: {})",
                    s.false_,
                    s.false_ids.join(", ")
                ),
            );
        }
        for o in self.obligations.iter().filter(|o| !o.matches) {
            miss(
                "obligations",
                format!(
                    "{}: {} residents, individual {}, regulator {}; the truth calls for {} residents, individual {}, regulator {}",
                    o.code,
                    o.residents,
                    o.individual_notice,
                    o.regulator_notice,
                    o.expected_residents,
                    o.expected_individual_notice,
                    o.expected_regulator_notice
                ),
            );
        }
        let n = &self.notices;
        if n.status == "sent" {
            if n.accepted < n.due {
                miss(
                    "notify",
                    format!(
                        "{} of {} due notices were not accepted",
                        n.due - n.accepted,
                        n.due
                    ),
                );
            }
            if n.duplicates > 0 {
                miss(
                    "notify",
                    format!("{} notices were delivered twice", n.duplicates),
                );
            }
            if n.unexpected > 0 {
                miss(
                    "notify",
                    format!("{} messages accepted that are no due notice", n.unexpected),
                );
            }
            if n.failed > 0 {
                miss("notify", format!("{} notices failed", n.failed));
            }
            if n.exposed_unnotified > 0 {
                miss(
                    "notify",
                    format!(
                        "{} truly exposed customers received no notice",
                        n.exposed_unnotified
                    ),
                );
            }
        }
        self.misses = m;
        self.passed = self.misses.is_empty();
    }

    /// The terminal summary.
    pub fn to_text(&self) -> String {
        self.rendered("report.txt")
    }

    pub fn to_markdown(&self) -> String {
        self.rendered("report.md")
    }

    pub fn to_html(&self) -> String {
        self.rendered("report.html")
    }

    /// For the callers that take a `String`: the templates are compiled
    /// in, and the golden tests render every branch of them from this very
    /// model, so an error here is a bug in this crate, not in the input.
    fn rendered(&self, name: &str) -> String {
        self.render(name).unwrap_or_else(|e| panic!("{e}"))
    }

    fn render(&self, name: &str) -> Result<String, Error> {
        render::render(self, name).map_err(|e| Error::Invalid(format!("rendering {name}: {e}")))
    }

    /// Writes `report.json`, `report.md` and `report.html` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<(), Error> {
        let json = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Invalid(format!("serialising the report: {e}")))?;
        for (name, text) in [
            ("report.json", json + "\n"),
            ("report.md", self.render("report.md")?),
            ("report.html", self.render("report.html")?),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(Error::io(&path))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod golden;

#[cfg(test)]
mod tests;
