//! Scores findings (the JSON Lines that `breachwatch scan --format jsonl`
//! prints) against a corpus's `truth.jsonl`.
//!
//! Matching rule: a finding matches a truth span of the same kind in the
//! same file when their byte ranges overlap with intersection-over-union
//! ≥ 0.5; each truth span matches at most one finding (the unmatched
//! candidate with the highest IoU), so duplicate findings are false
//! positives. Findings in `truth.jsonl` itself are ignored.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::generate::{list_files, TRUTH_FILE};
use crate::kind::Kind;
use crate::CorpusError;

/// Minimum intersection-over-union for a finding to count as a match.
pub const MIN_IOU: f64 = 0.5;
/// How many false positives / negatives are listed per kind.
pub const EXAMPLES: usize = 5;

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct TruthSpan {
    pub path: String,
    pub start: u64,
    pub end: u64,
    pub kind: String,
}

/// The fields of a scan finding the scorer needs; values are never read.
#[derive(Clone, Debug, Deserialize)]
pub struct Finding {
    pub path: String,
    pub start: u64,
    pub end: u64,
    pub kind: String,
    #[serde(default)]
    pub detector: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ScoreOptions {
    /// Score only these kinds (all kinds when `None`).
    pub kinds: Option<Vec<String>>,
}

/// A location only: path and byte range, never the bytes themselves.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Example {
    pub path: String,
    pub start: u64,
    pub end: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detector: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct KindScore {
    pub kind: String,
    pub truth: u64,
    pub found: u64,
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// `None` when there were no findings.
    pub precision: Option<f64>,
    /// `None` when there was nothing to find.
    pub recall: Option<f64>,
    /// `None` when there was nothing to find and nothing was found.
    pub f1: Option<f64>,
    pub false_positives: Vec<Example>,
    pub false_negatives: Vec<Example>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    pub kinds: Vec<KindScore>,
    /// Findings whose path is not a file of the corpus (still counted as
    /// false positives of their kind).
    pub outside_corpus: u64,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FloorError {
    #[error("{kind}: F1 {f1:.4} is below the floor {floor}")]
    Below { kind: String, f1: f64, floor: f64 },
    #[error("{kind}: no F1 (no labels and no findings of this kind), floor {floor}")]
    Undefined { kind: String, floor: f64 },
    #[error("{kind}: not scored (excluded by --kinds), floor {floor}")]
    NotScored { kind: String, floor: f64 },
}

pub fn iou(a: (u64, u64), b: (u64, u64)) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = a.1.max(b.1) - a.0.min(b.0);
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Reads `truth.jsonl` from a corpus directory.
pub fn read_truth(dir: &Path) -> Result<Vec<TruthSpan>, CorpusError> {
    let path = dir.join(TRUTH_FILE);
    let file = std::fs::File::open(&path).map_err(|e| CorpusError::io(&path, e))?;
    read_jsonl(std::io::BufReader::new(file), &path.display().to_string())
}

/// Reads JSON Lines (blank lines skipped); `what` names the source in errors.
pub fn read_jsonl<T: for<'de> Deserialize<'de>>(
    reader: impl BufRead,
    what: &str,
) -> Result<Vec<T>, CorpusError> {
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| CorpusError::io(what, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(&line).map_err(|source| CorpusError::Json {
            what: what.to_string(),
            line: i + 1,
            source,
        })?;
        out.push(v);
    }
    Ok(out)
}

/// Maps a finding's path (as the scanner reached it from its argument) to
/// the corpus-relative path used in `truth.jsonl`.
pub struct PathResolver {
    prefixes: Vec<String>,
    files: HashSet<String>,
    cache: HashMap<String, Option<String>>,
}

impl PathResolver {
    pub fn new(dir: &Path, files: Vec<String>) -> PathResolver {
        let mut prefixes = vec![dir.to_string_lossy().trim_end_matches('/').to_string()];
        if let Ok(c) = dir.canonicalize() {
            prefixes.push(c.to_string_lossy().trim_end_matches('/').to_string());
        }
        PathResolver {
            prefixes,
            files: files.into_iter().collect(),
            cache: HashMap::new(),
        }
    }

    pub fn resolve(&mut self, path: &str) -> Option<String> {
        if let Some(hit) = self.cache.get(path) {
            return hit.clone();
        }
        let mut found = self.lookup(path);
        if found.is_none() {
            if let Some(mbox) = mbox_of_message(path) {
                found = self.lookup(mbox);
            }
        }
        self.cache.insert(path.to_string(), found.clone());
        found
    }

    fn lookup(&self, path: &str) -> Option<String> {
        let mut found = None;
        let p = path.strip_prefix("./").unwrap_or(path);
        for pre in &self.prefixes {
            let pre = pre.strip_prefix("./").unwrap_or(pre);
            if let Some(rest) = p.strip_prefix(pre).and_then(|r| r.strip_prefix('/')) {
                if self.files.contains(rest) {
                    found = Some(rest.to_string());
                    break;
                }
            }
        }
        if found.is_none() {
            if self.files.contains(p) {
                found = Some(p.to_string());
            } else {
                // The scan was run from elsewhere: fall back to the
                // longest corpus path that is a component-wise suffix.
                found = self
                    .files
                    .iter()
                    .filter(|f| p.ends_with(&format!("/{f}")))
                    .max_by_key(|f| f.len())
                    .cloned();
            }
        }
        found
    }
}

/// The mbox a message member (`inbox.mbox!3`) was split from. A message is
/// a slice of its mbox and the scanner reports its offsets as the mbox's
/// (see `bw_formats::Offsets::Message`), so it is scored against the mbox
/// file's labels; no other member's offsets are its file's.
fn mbox_of_message(path: &str) -> Option<&str> {
    let (file, n) = path.rsplit_once('!')?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(file)
}

fn is_truth_file(path: &str) -> bool {
    Path::new(path).file_name().is_some_and(|n| n == TRUTH_FILE)
}

/// Scores `findings` against the labels of the corpus in `dir`.
pub fn score_dir(
    dir: &Path,
    findings: Vec<Finding>,
    opts: &ScoreOptions,
) -> Result<Report, CorpusError> {
    let truth = read_truth(dir)?;
    let mut files = list_files(dir)?;
    // A label may sit in a member of a file (`inbox.mbox!3!list.csv`, an
    // attachment, whose offsets are its decoded bytes'): its path is then
    // a corpus path as well.
    let members: HashSet<&str> = truth
        .iter()
        .map(|t| t.path.as_str())
        .filter(|p| p.contains('!'))
        .collect();
    files.extend(members.into_iter().map(String::from));
    let mut resolver = PathResolver::new(dir, files);
    let mut outside = 0;
    let mut resolved = Vec::with_capacity(findings.len());
    for mut f in findings {
        if is_truth_file(&f.path) {
            continue;
        }
        match resolver.resolve(&f.path) {
            Some(rel) => f.path = rel,
            None => outside += 1,
        }
        resolved.push(f);
    }
    let mut report = score(truth, resolved, opts);
    report.outside_corpus = outside;
    Ok(report)
}

struct TruthSlot {
    start: u64,
    end: u64,
    matched: bool,
}

/// Scores findings whose paths are already corpus-relative.
pub fn score(truth: Vec<TruthSpan>, mut findings: Vec<Finding>, opts: &ScoreOptions) -> Report {
    let wanted = |k: &str| {
        opts.kinds
            .as_ref()
            .is_none_or(|ks| ks.iter().any(|x| x == k))
    };
    let mut groups: HashMap<(String, String), (Vec<TruthSlot>, u64)> = HashMap::new();
    let mut stats: BTreeMap<String, KindScore> = BTreeMap::new();
    let entry = |stats: &mut BTreeMap<String, KindScore>, k: &str| -> () {
        stats.entry(k.to_string()).or_insert_with(|| KindScore {
            kind: k.to_string(),
            truth: 0,
            found: 0,
            tp: 0,
            fp: 0,
            fn_: 0,
            precision: None,
            recall: None,
            f1: None,
            false_positives: Vec::new(),
            false_negatives: Vec::new(),
        });
    };
    let order: Vec<String> = match &opts.kinds {
        Some(ks) => ks.clone(),
        None => Kind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
    };
    for k in &order {
        entry(&mut stats, k);
    }
    for t in truth.into_iter().filter(|t| wanted(&t.kind)) {
        entry(&mut stats, &t.kind);
        let g = groups
            .entry((t.path, t.kind))
            .or_insert_with(|| (Vec::new(), 0));
        g.1 = g.1.max(t.end - t.start);
        g.0.push(TruthSlot {
            start: t.start,
            end: t.end,
            matched: false,
        });
    }
    for g in groups.values_mut() {
        g.0.sort_by_key(|s| (s.start, s.end));
    }
    findings.retain(|f| wanted(&f.kind));
    findings.sort_by(|a, b| {
        (&a.path, &a.kind, a.start, a.end).cmp(&(&b.path, &b.kind, b.start, b.end))
    });
    for f in findings {
        entry(&mut stats, &f.kind);
        let Some(ks) = stats.get_mut(&f.kind) else {
            continue;
        };
        ks.found += 1;
        let key = (f.path.clone(), f.kind.clone());
        let mut matched = false;
        if let Some((slots, max_len)) = groups.get_mut(&key) {
            let hi = slots.partition_point(|s| s.start < f.end.max(f.start + 1));
            let mut best: Option<(usize, f64)> = None;
            for j in (0..hi).rev() {
                let s = &slots[j];
                if s.start + *max_len <= f.start {
                    break;
                }
                if s.matched {
                    continue;
                }
                let v = iou((s.start, s.end), (f.start, f.end));
                if v >= MIN_IOU && best.is_none_or(|(_, b)| v > b) {
                    best = Some((j, v));
                }
            }
            if let Some((j, _)) = best {
                slots[j].matched = true;
                matched = true;
            }
        }
        if matched {
            ks.tp += 1;
        } else {
            ks.fp += 1;
            if ks.false_positives.len() < EXAMPLES {
                ks.false_positives.push(Example {
                    path: f.path,
                    start: f.start,
                    end: f.end,
                    detector: f.detector,
                });
            }
        }
    }
    let mut keys: Vec<&(String, String)> = groups.keys().collect();
    keys.sort();
    for key in keys {
        let Some(ks) = stats.get_mut(&key.1) else {
            continue;
        };
        for s in &groups[key].0 {
            ks.truth += 1;
            if !s.matched {
                ks.fn_ += 1;
                if ks.false_negatives.len() < EXAMPLES {
                    ks.false_negatives.push(Example {
                        path: key.0.clone(),
                        start: s.start,
                        end: s.end,
                        detector: None,
                    });
                }
            }
        }
    }
    let mut kinds: Vec<KindScore> = Vec::new();
    for k in &order {
        if let Some(ks) = stats.remove(k) {
            kinds.push(ks);
        }
    }
    kinds.extend(stats.into_values());
    for ks in &mut kinds {
        let (tp, fp, fn_) = (ks.tp as f64, ks.fp as f64, ks.fn_ as f64);
        ks.precision = (ks.tp + ks.fp > 0).then(|| tp / (tp + fp));
        ks.recall = (ks.tp + ks.fn_ > 0).then(|| tp / (tp + fn_));
        ks.f1 = (ks.tp + ks.fp + ks.fn_ > 0).then(|| 2.0 * tp / (2.0 * tp + fp + fn_));
    }
    Report {
        kinds,
        outside_corpus: 0,
    }
}

/// Parses `kind=0.97,kind2=0.9`.
pub fn parse_floors(s: &str) -> Result<Vec<(String, f64)>, CorpusError> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            CorpusError::Invalid(format!("--min-f1 {part:?}: expected kind=number"))
        })?;
        let v: f64 = v.trim().parse().map_err(|_| {
            CorpusError::Invalid(format!("--min-f1 {part:?}: {v:?} is not a number"))
        })?;
        if !(0.0..=1.0).contains(&v) {
            return Err(CorpusError::Invalid(format!(
                "--min-f1 {part:?}: must be between 0 and 1"
            )));
        }
        out.push((k.trim().to_string(), v));
    }
    Ok(out)
}

fn fmt_ratio(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"))
}

impl Report {
    /// Floors that were missed (empty when all are met).
    pub fn check_floors(&self, floors: &[(String, f64)]) -> Vec<FloorError> {
        floors
            .iter()
            .filter_map(|(kind, floor)| {
                let floor = *floor;
                let kind = kind.clone();
                match self.kinds.iter().find(|k| k.kind == kind) {
                    None => Some(FloorError::NotScored { kind, floor }),
                    Some(KindScore { f1: None, .. }) => Some(FloorError::Undefined { kind, floor }),
                    Some(KindScore { f1: Some(f1), .. }) if *f1 < floor => {
                        Some(FloorError::Below {
                            kind,
                            f1: *f1,
                            floor,
                        })
                    }
                    Some(_) => None,
                }
            })
            .collect()
    }

    /// A plain-text table plus the first false positives and negatives.
    pub fn to_human(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<15} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9} {:>7} {:>7}",
            "kind", "truth", "found", "TP", "FP", "FN", "precision", "recall", "F1"
        );
        for k in &self.kinds {
            let _ = writeln!(
                s,
                "{:<15} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9} {:>7} {:>7}",
                k.kind,
                k.truth,
                k.found,
                k.tp,
                k.fp,
                k.fn_,
                fmt_ratio(k.precision),
                fmt_ratio(k.recall),
                fmt_ratio(k.f1)
            );
        }
        if self.outside_corpus > 0 {
            let _ = writeln!(
                s,
                "\n{} findings on paths outside the corpus (counted as FP)",
                self.outside_corpus
            );
        }
        for k in &self.kinds {
            for (label, list, total) in [
                ("false positives", &k.false_positives, k.fp),
                ("false negatives", &k.false_negatives, k.fn_),
            ] {
                if list.is_empty() {
                    continue;
                }
                let _ = writeln!(s, "\n{} {label} (first {} of {total}):", k.kind, list.len());
                for e in list {
                    match &e.detector {
                        Some(d) => {
                            let _ = writeln!(s, "  {}:{}-{} [{d}]", e.path, e.start, e.end);
                        }
                        None => {
                            let _ = writeln!(s, "  {}:{}-{}", e.path, e.start, e.end);
                        }
                    }
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(path: &str, start: u64, end: u64, kind: &str) -> TruthSpan {
        TruthSpan {
            path: path.into(),
            start,
            end,
            kind: kind.into(),
        }
    }

    fn f(path: &str, start: u64, end: u64, kind: &str) -> Finding {
        Finding {
            path: path.into(),
            start,
            end,
            kind: kind.into(),
            detector: Some("test".into()),
        }
    }

    fn get<'a>(r: &'a Report, kind: &str) -> &'a KindScore {
        r.kinds
            .iter()
            .find(|k| k.kind == kind)
            .expect("kind listed")
    }

    #[test]
    fn iou_values() {
        assert_eq!(iou((0, 10), (0, 10)), 1.0);
        assert_eq!(iou((0, 10), (5, 15)), 5.0 / 15.0);
        assert_eq!(iou((0, 10), (10, 20)), 0.0);
        assert_eq!(iou((0, 10), (2, 8)), 0.6);
    }

    #[test]
    fn counts_precision_recall_f1() {
        let truth = vec![
            t("a.txt", 0, 10, "email"),
            t("a.txt", 20, 30, "email"),
            t("a.txt", 40, 50, "email"),
            t("b.txt", 0, 10, "iban"),
        ];
        let findings = vec![
            f("a.txt", 0, 10, "email"),  // exact: TP
            f("a.txt", 21, 30, "email"), // IoU 0.9: TP
            f("a.txt", 45, 60, "email"), // IoU 5/20: FP, and truth 40-50 is FN
            f("a.txt", 0, 10, "email"),  // duplicate of a matched span: FP
            f("b.txt", 0, 10, "email"),  // wrong kind for the file's label: FP
            f("b.txt", 0, 10, "iban"),   // TP
        ];
        let r = score(truth, findings, &ScoreOptions::default());
        let e = get(&r, "email");
        assert_eq!((e.truth, e.found, e.tp, e.fp, e.fn_), (3, 5, 2, 3, 1));
        assert_eq!(e.precision, Some(2.0 / 5.0));
        assert_eq!(e.recall, Some(2.0 / 3.0));
        assert_eq!(e.f1, Some(4.0 / 8.0));
        assert_eq!(e.false_negatives[0].start, 40);
        let i = get(&r, "iban");
        assert_eq!((i.tp, i.fp, i.fn_), (1, 0, 0));
        assert_eq!(i.f1, Some(1.0));
        // Kinds without labels or findings are still listed, without F1.
        let p = get(&r, "person_name");
        assert_eq!((p.truth, p.found, p.f1), (0, 0, None));
        assert_eq!(r.kinds.len(), Kind::ALL.len());
    }

    #[test]
    fn best_iou_wins_and_each_truth_matches_once() {
        // Two adjacent labels; a finding covering mostly the second must
        // take the second even though it also overlaps the first.
        let truth = vec![
            t("a", 0, 10, "phone_number"),
            t("a", 10, 20, "phone_number"),
        ];
        let findings = vec![f("a", 8, 20, "phone_number"), f("a", 0, 10, "phone_number")];
        let r = score(truth, findings, &ScoreOptions::default());
        let k = get(&r, "phone_number");
        assert_eq!((k.tp, k.fp, k.fn_), (2, 0, 0));
    }

    #[test]
    fn no_findings_means_zero_f1_and_floor_fails() {
        let r = score(
            vec![t("a", 0, 5, "us_ssn")],
            vec![],
            &ScoreOptions::default(),
        );
        let k = get(&r, "us_ssn");
        assert_eq!((k.precision, k.recall, k.f1), (None, Some(0.0), Some(0.0)));
        let floors = parse_floors("us_ssn=0.97, email=0.5").expect("valid floors");
        let missed = r.check_floors(&floors);
        assert_eq!(missed.len(), 2);
        assert!(matches!(&missed[0], FloorError::Below { kind, .. } if kind == "us_ssn"));
        assert!(matches!(&missed[1], FloorError::Undefined { kind, .. } if kind == "email"));
    }

    #[test]
    fn kinds_filter_and_floor_parsing() {
        let truth = vec![t("a", 0, 5, "us_ssn"), t("a", 10, 20, "email")];
        let opts = ScoreOptions {
            kinds: Some(vec!["email".into()]),
        };
        let r = score(
            truth,
            vec![f("a", 10, 20, "email"), f("a", 0, 5, "us_ssn")],
            &opts,
        );
        assert_eq!(r.kinds.len(), 1);
        assert_eq!(r.kinds[0].f1, Some(1.0));
        assert!(r.check_floors(&[("email".into(), 0.99)]).is_empty());
        assert!(matches!(
            r.check_floors(&[("us_ssn".into(), 0.5)])[0],
            FloorError::NotScored { .. }
        ));
        assert!(parse_floors("email").is_err());
        assert!(parse_floors("email=x").is_err());
        assert!(parse_floors("email=1.5").is_err());
    }

    #[test]
    fn labels_in_an_attachment_are_scored_against_its_findings() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("mail")).expect("mail dir");
        std::fs::write(dir.path().join("mail/box.mbox"), "From x\n").expect("mbox");
        std::fs::write(
            dir.path().join(TRUTH_FILE),
            "{\"path\":\"mail/box.mbox!2!list.csv\",\"start\":10,\"end\":20,\"kind\":\"email\"}\n\
             {\"path\":\"mail/box.mbox\",\"start\":40,\"end\":50,\"kind\":\"email\"}\n",
        )
        .expect("truth");
        let root = dir.path().display().to_string();
        let findings = vec![
            f(&format!("{root}/mail/box.mbox!2!list.csv"), 10, 20, "email"),
            // A message's offsets are the mbox's.
            f(&format!("{root}/mail/box.mbox!1"), 40, 50, "email"),
            // Another attachment's offsets are not the labelled one's.
            f(&format!("{root}/mail/box.mbox!3!list.csv"), 10, 20, "email"),
        ];
        let r = score_dir(dir.path(), findings, &ScoreOptions::default()).expect("scored");
        let e = get(&r, "email");
        assert_eq!((e.tp, e.fp, e.fn_), (2, 1, 0));
        assert_eq!(r.outside_corpus, 1);
    }

    #[test]
    fn resolver_maps_scan_paths_to_corpus_paths() {
        let files = vec!["html/a.html".to_string(), "logs/app.log".to_string()];
        let mut r = PathResolver::new(Path::new("/tmp/c"), files);
        assert_eq!(
            r.resolve("/tmp/c/html/a.html").as_deref(),
            Some("html/a.html")
        );
        assert_eq!(r.resolve("html/a.html").as_deref(), Some("html/a.html"));
        assert_eq!(
            r.resolve("../x/c/logs/app.log").as_deref(),
            Some("logs/app.log")
        );
        assert_eq!(r.resolve("/tmp/c/other.txt"), None);
        assert!(is_truth_file("/tmp/c/truth.jsonl"));
        // A message of an mbox is scored against its file; an attachment
        // in it, or an archive's entry, is not the file.
        let files = vec!["mail/inbox.mbox".to_string()];
        let mut r = PathResolver::new(Path::new("/tmp/c"), files);
        assert_eq!(
            r.resolve("/tmp/c/mail/inbox.mbox!12").as_deref(),
            Some("mail/inbox.mbox")
        );
        assert_eq!(r.resolve("/tmp/c/mail/inbox.mbox!12!list.csv"), None);
        assert_eq!(r.resolve("/tmp/c/mail/inbox.mbox!12!3"), None);
        assert_eq!(r.resolve("/tmp/c/mail/inbox.mbox!"), None);
    }
}
