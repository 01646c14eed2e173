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

#[test]
fn a_missed_stage_reads_as_missed_in_every_format() {
    let r = super::golden::failed();
    let miss = "scope: 1 of 5 exposed customers not found (first: C0004)";
    let text = r.to_text();
    assert!(text.contains("\nFAILED: 12 miss(es)\n"), "{text}");
    assert!(text.contains(&format!("\n  {miss}\n")), "{text}");
    assert!(text.contains("-                       ≠ truth\n"), "{text}");
    let md = r.to_markdown();
    assert!(md.contains("Result: **FAILED**."), "{md}");
    assert!(
        md.contains("\n- **scope**: 1 of 5 exposed customers not found (first: C0004)\n"),
        "{md}"
    );
    assert!(
        md.contains("| no: 1 residents, required/required |"),
        "{md}"
    );
    let html = r.to_html();
    assert!(
        html.contains("<strong class=\"fail\">FAILED</strong>"),
        "{html}"
    );
    assert!(
        html.contains("<li><b>scope</b>: 1 of 5 exposed customers not found (first: C0004)</li>"),
        "{html}"
    );
    assert!(html.contains("<td class=\"fail\">no</td>"), "{html}");
}

#[test]
fn only_html_escapes_and_only_markdown_escapes_pipes() {
    let r = super::golden::failed();
    let html = r.to_html();
    assert!(
        html.contains("e.g. leak/export &lt;2024&gt; &amp; co|x.csv:20-30)</li>"),
        "{html}"
    );
    assert!(html.contains("<code>inc-&lt;7&gt;&amp;1</code>"), "{html}");
    assert!(
        html.contains("A contractor's CRM export &lt;csv&gt; &amp; &quot;friends&quot;"),
        "{html}"
    );
    assert!(
        !html.contains("<2024>") && !html.contains("<rows>"),
        "{html}"
    );
    let md = r.to_markdown();
    assert!(
        md.contains("e.g. leak/export <2024> & co\\|x.csv:20-30)"),
        "{md}"
    );
    assert!(md.contains("| a\\|b <rows> skipped |"), "{md}");
    let text = r.to_text();
    assert!(
        text.contains("e.g. leak/export <2024> & co|x.csv:20-30)"),
        "{text}"
    );
}

#[test]
fn a_clean_run_passes_and_charts_only_what_it_measured() {
    let r = super::golden::passed();
    assert!(r.to_text().ends_with(
        "\nnotices: not run (--no-notify <given> | skipped)\n\nPASSED: every stage met the truth\n"
    ));
    let md = r.to_markdown();
    assert!(
        md.contains("Result: **passed**.") && !md.contains("## Misses"),
        "{md}"
    );
    let html = r.to_html();
    assert!(
        html.contains("<strong class=\"pass\">passed</strong>"),
        "{html}"
    );
    assert!(
        html.contains("<p>Not run: --no-notify &lt;given&gt; | skipped</p>"),
        "{html}"
    );
    // Stages only: no kinds, no jurisdictions, and notify never ran.
    assert_eq!(html.matches("<svg").count(), 1, "{html}");
    assert_eq!(super::golden::failed().to_html().matches("<svg").count(), 4);
}

#[test]
fn write_puts_the_same_renderings_in_the_files() {
    let r = super::golden::failed();
    let dir = tempfile::tempdir().expect("temp dir");
    r.write(dir.path()).expect("write");
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect(name);
    assert_eq!(read("report.md"), r.to_markdown());
    assert_eq!(read("report.html"), r.to_html());
    let json = serde_json::to_string_pretty(&r).expect("serialise") + "\n";
    assert_eq!(read("report.json"), json);
}

#[test]
fn a_report_without_stages_still_renders() {
    let mut r = super::golden::passed();
    r.stages.clear();
    // The hand-written renderer printed `-0.00` here: an empty `f64` sum
    // is negative zero.
    assert!(r.to_text().contains("\ntotal                0.00\n"));
    assert!(!r.to_html().contains("<svg"));
}
