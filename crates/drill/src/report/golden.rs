//! The three renderers against outputs saved before they became templates:
//! any byte they change is a change a reader of `report.md` or the
//! terminal would see.

use super::*;

/// A stage with its rate set, as `Stages::push` in the CLI leaves it.
fn stage(name: &str, seconds: f64, items: u64, unit: &str, detail: &str) -> Stage {
    Stage {
        name: name.into(),
        seconds,
        items,
        unit: unit.into(),
        throughput: (seconds > 0.0).then(|| items as f64 / seconds),
        bytes: (unit == "B").then_some(items),
        detail: detail.into(),
    }
}

fn span(path: &str, start: u64, end: u64, kind: &str) -> TruthSpan {
    TruthSpan {
        path: path.into(),
        start,
        end,
        kind: kind.into(),
    }
}

fn finding(path: &str, start: u64, end: u64, kind: &str, detector: Option<&str>) -> Finding {
    Finding {
        path: path.into(),
        start,
        end,
        kind: kind.into(),
        detector: detector.map(Into::into),
    }
}

fn obligation(code: &str, residents: u64, expected: u64, notice: &str, want: &str) -> Obligation {
    let deadline = |n: &str| (n == "required").then(|| "2026-12-01T09:00:00Z".to_string());
    Obligation {
        code: code.into(),
        residents,
        elements: if residents > 0 {
            vec!["person_name".into(), "email".into()]
        } else {
            Vec::new()
        },
        individual_notice: notice.into(),
        individual_deadline: deadline(notice),
        regulator_notice: notice.into(),
        regulator: (notice == "required").then(|| "Regulator <EU> & co".into()),
        regulator_deadline: deadline(notice),
        expected_residents: expected,
        expected_individual_notice: want.into(),
        expected_regulator_notice: want.into(),
        matches: residents == expected && notice == want,
    }
}

/// Every stage the CLI runs, with rates in each range `human` abbreviates
/// differently and one too quick to measure.
const STAGES: [(&str, f64, u64, &str, &str); 8] = [
    ("generate", 0.8, 2_400_000_000, "B", "3 leak file(s)"),
    ("scan", 1.25, 5_700_000, "B", "5 findings, 1 errors"),
    ("registry import", 0.1, 1234, "rows", "a|b <rows> skipped"),
    ("scope", 2.0, 1999, "B", "4 affected customers"),
    ("incident", 0.0, 4, "customers", "opened inc-<7>&1"),
    ("obligations", 0.012345, 3, "jurisdictions", "rules 2026.1"),
    ("notify plan", 0.5, 4, "notices", "4 notices planned"),
    ("notify send", 3.333, 5, "messages", "5 to the sink"),
];

/// A miss in every stage, and markup, quotes, slashes and pipes in the
/// free text, where each format escapes differently.
pub(super) fn failed() -> Report {
    let leak = "leak/export <2024> & co|x.csv";
    let truth = [
        span(leak, 0, 10, "email"),
        span(leak, 20, 30, "email"),
        span(leak, 40, 50, "person_name"),
        span(leak, 60, 70, "person_name"),
        span("leak/pages/a.html", 5, 16, "us_ssn"),
    ];
    let findings = vec![
        finding(leak, 0, 10, "email", Some("email")),
        finding(leak, 40, 50, "person_name", Some("names")),
        finding("leak/pages/a.html", 5, 16, "us_ssn", Some("ssn")),
        finding("leak/logs/b.log", 1, 8, "ip_address", Some("ipv4")),
        finding("leak/logs/b.log", 9, 20, "ip_address", None),
    ];
    let mut r = Report {
        scenario: "contractor-export".into(),
        title: "A contractor's CRM export <csv> & \"friends\"".into(),
        seed: 42,
        customers: 1200,
        incident: Some("inc-<7>&1".into()),
        discovered_at: "2026-11-01T09:00:00Z".into(),
        weakened: vec!["person_name".into(), "us_ssn".into()],
        stages: STAGES
            .iter()
            .map(|&(name, seconds, items, unit, detail)| stage(name, seconds, items, unit, detail))
            .collect(),
        detection: detection(&truth, findings),
        scope: ScopeResult {
            truth: 5,
            found: 5,
            false_: 1,
            missed: 1,
            guests: 2,
            missed_ids: vec!["C0004".into()],
            false_ids: vec!["C<9>".into()],
        },
        obligations: vec![
            obligation("EU", 2, 2, "required", "required"),
            obligation("US-CA", 1, 1, "not_required", "required"),
            obligation("US-TX", 0, 1, "none", "required"),
        ],
        notices: Notices {
            status: "sent".into(),
            due: 4,
            accepted: 3,
            duplicates: 1,
            unexpected: 1,
            failed: 1,
            exposed_unnotified: 1,
            note: String::new(),
        },
        floors: Floors::default(),
        misses: Vec::new(),
        passed: false,
    };
    r.judge();
    r
}

/// The other branches: no incident, nothing weakened or missed, nothing
/// to chart but a stage that took no measurable time, notify not run.
pub(super) fn passed() -> Report {
    let mut r = Report {
        scenario: "product-pages".into(),
        title: "Product pages".into(),
        seed: 1,
        customers: 10,
        incident: None,
        discovered_at: "2026-11-01T09:00:00Z".into(),
        weakened: Vec::new(),
        stages: vec![stage("generate", 0.0, 0, "B", "")],
        detection: Detection::default(),
        scope: ScopeResult::default(),
        obligations: Vec::new(),
        notices: Notices {
            status: "not_run".into(),
            note: "--no-notify <given> | skipped".into(),
            ..Notices::default()
        },
        floors: Floors::default(),
        misses: Vec::new(),
        passed: false,
    };
    r.judge();
    assert!(r.passed, "{:?}", r.misses);
    r
}

/// On a mismatch, the first differing line: a whole report is too long to
/// read in an assertion message.
fn same(kind: &str, got: &str, want: &str) {
    if got == want {
        return;
    }
    let line = got
        .split_inclusive('\n')
        .zip(want.split_inclusive('\n'))
        .position(|(g, w)| g != w)
        .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
    panic!(
        "{kind} differs from the saved output at line {}:\n got: {:?}\nwant: {:?}\n\n{got}",
        line + 1,
        got.split_inclusive('\n').nth(line),
        want.split_inclusive('\n').nth(line)
    );
}

#[test]
fn a_failed_drill_renders_as_before() {
    let r = failed();
    same("text", &r.to_text(), include_str!("golden/failed.txt"));
    same("md", &r.to_markdown(), include_str!("golden/failed.md"));
    same("html", &r.to_html(), include_str!("golden/failed.html"));
}

#[test]
fn a_passed_drill_renders_as_before() {
    let r = passed();
    same("text", &r.to_text(), include_str!("golden/passed.txt"));
    same("md", &r.to_markdown(), include_str!("golden/passed.md"));
    same("html", &r.to_html(), include_str!("golden/passed.html"));
}
