//! The drill report: what each stage did and how long it took, scored
//! against the scenario's truth, with every miss named. `report.json` is
//! [`Report`] serialised; its shape is a stable interface (`docs/drill.md`):
//! fields are only ever added.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
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
        let mut o = String::new();
        let _ = writeln!(
            o,
            "drill {} — {} ({} customers, seed {}){}",
            self.scenario,
            self.title,
            self.customers,
            self.seed,
            self.incident
                .as_deref()
                .map(|i| format!(", incident {i}"))
                .unwrap_or_default()
        );
        if !self.weakened.is_empty() {
            let _ = writeln!(o, "WEAKENED (test switch): {}", self.weakened.join(", "));
        }
        let _ = writeln!(
            o,
            "\n{:<16} {:>8} {:>12}  DETAIL",
            "STAGE", "SECONDS", "RATE"
        );
        for s in &self.stages {
            let rate = s
                .throughput
                .map(|t| format!("{} {}/s", human(t), s.unit))
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                o,
                "{:<16} {:>8.2} {:>12}  {}",
                s.name, s.seconds, rate, s.detail
            );
        }
        let total: f64 = self.stages.iter().map(|s| s.seconds).sum();
        let _ = writeln!(o, "{:<16} {:>8.2}", "total", total);
        let d = &self.detection;
        let _ = writeln!(
            o,
            "\ndetection: precision {}, recall {} ({} of {} spans, {} false positives)",
            pct(d.precision),
            pct(d.recall),
            d.tp,
            d.truth,
            d.fp
        );
        let _ = writeln!(
            o,
            "  {:<15} {:>7} {:>7} {:>7} {:>7} {:>9} {:>8}",
            "kind", "truth", "found", "FP", "FN", "precision", "recall"
        );
        for k in &d.kinds {
            let _ = writeln!(
                o,
                "  {:<15} {:>7} {:>7} {:>7} {:>7} {:>9} {:>8}",
                k.kind,
                k.truth,
                k.found,
                k.fp,
                k.fn_,
                pct(k.precision),
                pct(k.recall)
            );
        }
        let s = &self.scope;
        let _ = writeln!(
            o,
            "\naffected customers: {} found of {} exposed; {} false, {} missed; {} guests exposed too",
            s.found, s.truth, s.false_, s.missed, s.guests
        );
        let _ = writeln!(o, "\nobligations (discovered {}):", self.discovered_at);
        for ob in &self.obligations {
            let _ = writeln!(
                o,
                "  {:<8} {:>6} residents  individual {:<12} {:<22} regulator {:<12} {:<22}{}",
                ob.code,
                ob.residents,
                ob.individual_notice,
                ob.individual_deadline.as_deref().unwrap_or("-"),
                ob.regulator_notice,
                ob.regulator_deadline.as_deref().unwrap_or("-"),
                if ob.matches { "" } else { "  ≠ truth" }
            );
        }
        let n = &self.notices;
        if n.status == "sent" {
            let _ = writeln!(
                o,
                "\nnotices: {} due, {} accepted by the SMTP sink, {} duplicates, {} failed; {} truly exposed customers without a notice",
                n.due, n.accepted, n.duplicates, n.failed, n.exposed_unnotified
            );
        } else {
            let _ = writeln!(o, "\nnotices: not run ({})", n.note);
        }
        if self.passed {
            let _ = writeln!(o, "\nPASSED: every stage met the truth");
        } else {
            let _ = writeln!(o, "\nFAILED: {} miss(es)", self.misses.len());
            for m in &self.misses {
                let _ = writeln!(o, "  {}: {}", m.stage, m.what);
            }
        }
        o
    }

    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# Drill report: {}\n", self.scenario);
        let _ = writeln!(
            o,
            "{} — {} customers, seed {}{}. Result: **{}**.\n",
            self.title,
            self.customers,
            self.seed,
            self.incident
                .as_deref()
                .map(|i| format!(", incident `{i}`"))
                .unwrap_or_default(),
            if self.passed { "passed" } else { "FAILED" }
        );
        if !self.weakened.is_empty() {
            let _ = writeln!(
                o,
                "> Weakened on purpose (test switch): {}\n",
                self.weakened.join(", ")
            );
        }
        if !self.misses.is_empty() {
            let _ = writeln!(o, "## Misses\n");
            for m in &self.misses {
                let _ = writeln!(o, "- **{}**: {}", m.stage, md(&m.what));
            }
            let _ = writeln!(o);
        }
        let _ = writeln!(
            o,
            "## Stages\n\n| stage | seconds | rate | detail |\n|---|---:|---:|---|"
        );
        for s in &self.stages {
            let rate = s
                .throughput
                .map(|t| format!("{} {}/s", human(t), s.unit))
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                o,
                "| {} | {:.2} | {} | {} |",
                s.name,
                s.seconds,
                rate,
                md(&s.detail)
            );
        }
        let d = &self.detection;
        let _ = writeln!(
            o,
            "\n## Detection\n\nPrecision {}, recall {} ({} of {} labelled spans; {} false positives).\n",
            pct(d.precision),
            pct(d.recall),
            d.tp,
            d.truth,
            d.fp
        );
        let _ = writeln!(o, "| kind | truth | found | FP | FN | precision | recall |\n|---|---:|---:|---:|---:|---:|---:|");
        for k in &d.kinds {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} |",
                k.kind,
                k.truth,
                k.found,
                k.fp,
                k.fn_,
                pct(k.precision),
                pct(k.recall)
            );
        }
        let s = &self.scope;
        let _ = writeln!(
            o,
            "\n## Affected customers\n\n{} found of {} truly exposed: {} false, {} missed. {} non-customers were exposed alongside.\n",
            s.found, s.truth, s.false_, s.missed, s.guests
        );
        let _ = writeln!(
            o,
            "## Obligations\n\nDiscovered {}. Decision support, not legal advice.\n\n| jurisdiction | residents | elements | individual | deadline | regulator | deadline | matches truth |\n|---|---:|---|---|---|---|---|---|",
            self.discovered_at
        );
        for ob in &self.obligations {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                ob.code,
                ob.residents,
                ob.elements.join(", "),
                ob.individual_notice,
                ob.individual_deadline.as_deref().unwrap_or("-"),
                ob.regulator_notice,
                ob.regulator_deadline.as_deref().unwrap_or("-"),
                if ob.matches {
                    "yes".to_string()
                } else {
                    format!(
                        "no: {} residents, {}/{}",
                        ob.expected_residents,
                        ob.expected_individual_notice,
                        ob.expected_regulator_notice
                    )
                }
            );
        }
        let n = &self.notices;
        let _ = writeln!(o, "\n## Notices\n");
        if n.status == "sent" {
            let _ = writeln!(
                o,
                "{} due, {} accepted by the SMTP sink, {} duplicates, {} unexpected, {} failed; {} truly exposed customers without a notice.",
                n.due, n.accepted, n.duplicates, n.unexpected, n.failed, n.exposed_unnotified
            );
        } else {
            let _ = writeln!(o, "Not run: {}", md(&n.note));
        }
        o
    }

    pub fn to_html(&self) -> String {
        let mut o = String::new();
        let _ = write!(
            o,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Drill report: {}</title>\n<style>\
             body{{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}}\
             table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}td,th{{border-bottom:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}}\
             td.n{{text-align:right;font-variant-numeric:tabular-nums}}.pass{{color:#1a7f37}}.fail{{color:#cf222e}}\
             svg text{{font:12px system-ui,sans-serif}}</style></head><body>\n",
            esc(&self.scenario)
        );
        let _ = writeln!(
            o,
            "<h1>Drill report: {}</h1>\n<p>{} — {} customers, seed {}{}. Result: <strong class=\"{}\">{}</strong></p>",
            esc(&self.scenario),
            esc(&self.title),
            self.customers,
            self.seed,
            self.incident
                .as_deref()
                .map(|i| format!(", incident <code>{}</code>", esc(i)))
                .unwrap_or_default(),
            if self.passed { "pass" } else { "fail" },
            if self.passed { "passed" } else { "FAILED" }
        );
        if !self.weakened.is_empty() {
            let _ = writeln!(
                o,
                "<p class=\"fail\">Weakened on purpose (test switch): {}</p>",
                esc(&self.weakened.join(", "))
            );
        }
        if !self.misses.is_empty() {
            let _ = writeln!(o, "<h2>Misses</h2><ul>");
            for m in &self.misses {
                let _ = writeln!(o, "<li><b>{}</b>: {}</li>", esc(&m.stage), esc(&m.what));
            }
            let _ = writeln!(o, "</ul>");
        }
        let _ = writeln!(o, "<h2>Stages</h2>");
        let bars: Vec<(String, f64, String)> = self
            .stages
            .iter()
            .map(|s| (s.name.clone(), s.seconds, format!("{:.2} s", s.seconds)))
            .collect();
        o.push_str(&svg_bars(&bars, None));
        let _ = writeln!(
            o,
            "<table><tr><th>stage</th><th>seconds</th><th>rate</th><th>detail</th></tr>"
        );
        for s in &self.stages {
            let rate = s
                .throughput
                .map(|t| format!("{} {}/s", human(t), s.unit))
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"n\">{:.2}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&s.name),
                s.seconds,
                esc(&rate),
                esc(&s.detail)
            );
        }
        let _ = writeln!(o, "</table>");
        let d = &self.detection;
        let _ = writeln!(
            o,
            "<h2>Detection</h2><p>Precision {}, recall {} ({} of {} labelled spans; {} false positives). Bars: recall per kind.</p>",
            pct(d.precision),
            pct(d.recall),
            d.tp,
            d.truth,
            d.fp
        );
        let bars: Vec<(String, f64, String)> = d
            .kinds
            .iter()
            .filter(|k| k.truth > 0)
            .map(|k| (k.kind.clone(), k.recall.unwrap_or(0.0), pct(k.recall)))
            .collect();
        o.push_str(&svg_bars(&bars, Some(1.0)));
        let _ = writeln!(o, "<table><tr><th>kind</th><th>truth</th><th>found</th><th>FP</th><th>FN</th><th>precision</th><th>recall</th></tr>");
        for k in &d.kinds {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&k.kind), k.truth, k.found, k.fp, k.fn_, pct(k.precision), pct(k.recall)
            );
        }
        let _ = writeln!(o, "</table>");
        let s = &self.scope;
        let _ = writeln!(
            o,
            "<h2>Affected customers</h2><p>{} found of {} truly exposed: {} false, {} missed. {} non-customers were exposed alongside.</p>",
            s.found, s.truth, s.false_, s.missed, s.guests
        );
        let _ = writeln!(
            o,
            "<h2>Obligations</h2><p>Discovered {}. Decision support, not legal advice. Bars: affected residents per jurisdiction.</p>",
            esc(&self.discovered_at)
        );
        let bars: Vec<(String, f64, String)> = self
            .obligations
            .iter()
            .map(|ob| {
                (
                    ob.code.clone(),
                    ob.residents as f64,
                    ob.residents.to_string(),
                )
            })
            .collect();
        o.push_str(&svg_bars(&bars, None));
        let _ = writeln!(o, "<table><tr><th>jurisdiction</th><th>residents</th><th>elements</th><th>individual</th><th>deadline</th><th>regulator</th><th>deadline</th><th>matches truth</th></tr>");
        for ob in &self.obligations {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>",
                esc(&ob.code),
                ob.residents,
                esc(&ob.elements.join(", ")),
                esc(&ob.individual_notice),
                esc(ob.individual_deadline.as_deref().unwrap_or("-")),
                esc(&ob.regulator_notice),
                esc(ob.regulator_deadline.as_deref().unwrap_or("-")),
                if ob.matches { "pass" } else { "fail" },
                if ob.matches { "yes" } else { "no" }
            );
        }
        let _ = writeln!(o, "</table>");
        let n = &self.notices;
        let _ = writeln!(o, "<h2>Notices</h2>");
        if n.status == "sent" {
            let bars = vec![
                ("due".to_string(), n.due as f64, n.due.to_string()),
                (
                    "accepted".to_string(),
                    n.accepted as f64,
                    n.accepted.to_string(),
                ),
                (
                    "duplicates".to_string(),
                    n.duplicates as f64,
                    n.duplicates.to_string(),
                ),
            ];
            o.push_str(&svg_bars(&bars, None));
        } else {
            let _ = writeln!(o, "<p>Not run: {}</p>", esc(&n.note));
        }
        let _ = writeln!(o, "</body></html>");
        o
    }

    /// Writes `report.json`, `report.md` and `report.html` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<(), Error> {
        let json = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Invalid(format!("serialising the report: {e}")))?;
        for (name, text) in [
            ("report.json", json + "\n"),
            ("report.md", self.to_markdown()),
            ("report.html", self.to_html()),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(Error::io(&path))?;
        }
        Ok(())
    }
}

/// `12.3k`, `4.56M`: rates at a glance.
fn human(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.2}G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.1}")
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Pipes would split a Markdown table cell.
fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

/// A horizontal bar chart as inline SVG: no script, no external file.
fn svg_bars(bars: &[(String, f64, String)], max: Option<f64>) -> String {
    if bars.is_empty() {
        return String::new();
    }
    let top = max
        .unwrap_or_else(|| bars.iter().map(|b| b.1).fold(0.0, f64::max))
        .max(f64::MIN_POSITIVE);
    let (label_w, bar_w, row) = (140.0, 420.0, 22.0);
    let h = row * bars.len() as f64 + 6.0;
    let mut o = format!(
        "<svg role=\"img\" width=\"{}\" height=\"{h}\" viewBox=\"0 0 {} {h}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
        label_w + bar_w + 90.0,
        label_w + bar_w + 90.0
    );
    for (i, (label, v, shown)) in bars.iter().enumerate() {
        let y = i as f64 * row + 3.0;
        let w = (v / top).clamp(0.0, 1.0) * bar_w;
        let _ = writeln!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"#0969da\"/><text x=\"{}\" y=\"{}\">{}</text>",
            label_w - 6.0,
            y + 13.0,
            esc(label),
            row - 6.0,
            label_w + w + 6.0,
            y + 13.0,
            esc(shown)
        );
    }
    o.push_str("</svg>\n");
    o
}

#[cfg(test)]
mod golden;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Exposed;

    /// Obligations for the pipeline's affected customers, with the
    /// embedded rules, paired with the truth's by [`compare`].
    fn obligations<'a>(
        pipeline: impl IntoIterator<Item = Exposure<'a>>,
        truth: &Truth,
        discovered_at: OffsetDateTime,
    ) -> Result<Evaluated, Error> {
        let rules = RuleSet::embedded()
            .map_err(|e| Error::Invalid(format!("loading the embedded rules: {e}")))?;
        let got = evaluate(&rules, &exposure_input(pipeline, discovered_at));
        compare(got, truth, discovered_at)
    }

    fn span(path: &str, start: u64, end: u64, kind: &str) -> TruthSpan {
        TruthSpan {
            path: path.into(),
            start,
            end,
            kind: kind.into(),
        }
    }

    fn finding(path: &str, start: u64, end: u64, kind: &str) -> Finding {
        Finding {
            path: path.into(),
            start,
            end,
            kind: kind.into(),
            detector: None,
        }
    }

    fn truth(ids: &[(&str, &str, &str, &[&'static str])]) -> Truth {
        Truth {
            exposed: ids
                .iter()
                .map(|(id, c, r, els)| {
                    (
                        id.to_string(),
                        Exposed {
                            email: format!("{}@example.com", id.to_lowercase()),
                            country: c.to_string(),
                            region: r.to_string(),
                            elements: els.iter().copied().collect(),
                        },
                    )
                })
                .collect(),
            ..Truth::default()
        }
    }

    fn empty_report(t: &Truth) -> Report {
        Report {
            scenario: "product-pages".into(),
            title: "t".into(),
            seed: 1,
            customers: 10,
            incident: None,
            discovered_at: "2026-11-01T09:00:00Z".into(),
            weakened: Vec::new(),
            stages: Vec::new(),
            detection: Detection::default(),
            scope: scope_result(t, &t.exposed.keys().cloned().collect()),
            obligations: Vec::new(),
            notices: Notices::default(),
            floors: Floors::default(),
            misses: Vec::new(),
            passed: false,
        }
    }

    #[test]
    fn detection_is_micro_averaged_and_names_missed_spans() {
        let t = vec![
            span("a", 0, 10, "email"),
            span("a", 20, 30, "email"),
            span("a", 40, 50, "person_name"),
        ];
        let f = vec![
            finding("a", 0, 10, "email"),
            finding("a", 40, 50, "person_name"),
            finding("a", 60, 70, "ip_address"),
        ];
        let d = detection(&t, f);
        assert_eq!((d.tp, d.fp, d.fn_), (2, 1, 1));
        assert_eq!(d.precision, Some(2.0 / 3.0));
        assert_eq!(d.recall, Some(2.0 / 3.0));
        let email = d
            .kinds
            .iter()
            .find(|k| k.kind == "email")
            .expect("email row");
        assert_eq!(email.missed_examples, ["a:20-30"]);
        assert!(
            d.kinds.iter().all(|k| k.kind != "us_ssn"),
            "empty kinds are left out"
        );
    }

    #[test]
    fn judge_names_each_miss_and_passes_only_a_clean_run() {
        let t = truth(&[("C1", "US", "CA", &["email"]), ("C2", "FR", "", &["email"])]);
        let mut r = empty_report(&t);
        r.detection = detection(
            &[span("a", 0, 10, "email")],
            vec![finding("a", 0, 10, "email")],
        );
        r.judge();
        assert!(r.passed, "{:?}", r.misses);

        r.detection = detection(&[span("a", 0, 10, "email")], Vec::new());
        r.scope = scope_result(&t, &["C1".to_string(), "C9".to_string()].into());
        r.notices = Notices {
            status: "sent".into(),
            due: 2,
            accepted: 1,
            duplicates: 1,
            ..Notices::default()
        };
        r.judge();
        assert!(!r.passed);
        let text: Vec<String> = r
            .misses
            .iter()
            .map(|m| format!("{}: {}", m.stage, m.what))
            .collect();
        let all = text.join("\n");
        assert!(all.contains("scan: email: recall 0.0%"), "{all}");
        assert!(
            all.contains("1 of 2 exposed customers not found (first: C2)"),
            "{all}"
        );
        assert!(all.contains("not exposed (first: C9)"), "{all}");
        assert!(all.contains("1 of 2 due notices"), "{all}");
        assert!(all.contains("delivered twice"), "{all}");
        assert!(r.to_text().contains("FAILED: 5 miss(es)"));
        assert!(r.to_html().contains("<svg"));
    }

    #[test]
    fn obligations_compare_pipeline_with_truth() {
        let t = truth(&[
            ("C1", "US", "CA", &["person_name", "email", "us_ssn"]),
            ("C2", "FR", "", &["person_name", "email"]),
        ]);
        let discovered = time::macros::datetime!(2026-11-01 09:00 UTC);
        // The pipeline saw the name and email, not the SSN beside them.
        let got = obligations(
            [
                Exposure {
                    country: "US",
                    region: "CA",
                    elements: vec!["person_name", "email"],
                },
                Exposure {
                    country: "FR",
                    region: "",
                    elements: vec!["person_name", "email"],
                },
            ],
            &t,
            discovered,
        )
        .expect("rules load")
        .rows;
        let ca = got.iter().find(|o| o.code == "US-CA").expect("US-CA row");
        assert_eq!(ca.individual_notice, "not_required");
        assert_eq!(ca.expected_individual_notice, "required");
        assert!(!ca.matches);
        let eu = got.iter().find(|o| o.code == "EU").expect("EU row");
        assert!(eu.matches, "{eu:?}");
        assert!(eu.regulator_deadline.is_some());
    }
}
