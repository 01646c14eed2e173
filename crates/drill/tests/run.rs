//! The library entry point on its own: a small drill through every stage,
//! with the caller told of each stage, and nothing written outside `out`.

use bw_drill::report::Stage;
use bw_drill::{GenOptions, Progress, Scenario};

/// Every call, in order, as `+name` and `-name`.
#[derive(Default)]
struct Recorder(Vec<String>);

impl Progress for Recorder {
    fn started(&mut self, stage: &str) {
        self.0.push(format!("+{stage}"));
    }
    fn finished(&mut self, stage: &Stage) {
        self.0.push(format!("-{}", stage.name));
    }
}

#[test]
fn a_small_drill_passes_and_reports_each_stage_to_the_caller() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = bw_drill::out_dir::prepare(&tmp.path().join("drill")).expect("out dir");
    let opts = GenOptions {
        scenario: Scenario::ProductPages,
        customers: 300,
        exposed: None,
        seed: 5,
    };
    let mut progress = Recorder::default();
    let report = bw_drill::run::run(&out, &opts, 2, &[], &mut progress).expect("drill runs");
    assert!(report.passed, "misses: {:?}", report.misses);

    let names: Vec<&str> = report.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "generate",
            "scan",
            "registry import",
            "scope",
            "incident",
            "obligations",
            "notify plan",
            "notify send"
        ]
    );
    let want: Vec<String> = names
        .iter()
        .flat_map(|n| [format!("+{n}"), format!("-{n}")])
        .collect();
    assert_eq!(progress.0, want);

    let beside: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("read tempdir")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(beside, ["drill"], "the drill wrote outside its directory");
}
