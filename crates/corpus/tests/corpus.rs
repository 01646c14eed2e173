//! Generator determinism, label integrity (every labelled span's bytes
//! re-validate as its kind), and scoring of the generated corpus.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use bw_corpus::checks::{
    aadhaar_ok, bsn_ok, cpf_ok, dni_ok, ein_ok, itin_ok, mbi_ok, nhs_ok, nino_ok, password_hash_ok,
    sin_ok,
};
use bw_corpus::validate::{card_issuer_ok, iban_ok, ip_public, luhn_ok, phone_ok, ssn_ok};
use bw_corpus::{generate, read_jsonl, score_dir, Finding, GenOptions, ScoreOptions, TruthSpan};

fn gen(dir: &Path, seed: u64, single_file: bool) {
    let opts = GenOptions {
        out: dir.to_path_buf(),
        seed,
        // One file mixes the formats in blocks, so 1 MiB holds few of the
        // rarest kind's blocks: bank accounts ranged 19 to 79 over seeds
        // 9 to 14 (61 to 133 in 2 MiB), against the 50 checked below.
        size_mb: if single_file { 2 } else { 1 },
        truth: true,
        single_file,
    };
    let s = generate(&opts).expect("generate");
    assert!(s.bytes >= 1 << 20, "size knob honoured: {} bytes", s.bytes);
}

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    bw_corpus::list_files(dir)
        .expect("list")
        .into_iter()
        .map(|rel| {
            let bytes = fs::read(dir.join(&rel)).expect("read");
            (rel, bytes)
        })
        .collect()
}

fn truth(dir: &Path) -> Vec<TruthSpan> {
    let f = fs::File::open(dir.join(bw_corpus::TRUTH_FILE)).expect("truth");
    read_jsonl(std::io::BufReader::new(f), "truth").expect("parse truth")
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let c = tempfile::tempdir().expect("tmp");
    gen(a.path(), 42, false);
    gen(b.path(), 42, false);
    gen(c.path(), 43, false);
    let (ta, tb, tc) = (
        read_tree(a.path()),
        read_tree(b.path()),
        read_tree(c.path()),
    );
    assert!(ta.len() >= 10, "every format gets a file");
    assert_eq!(ta, tb);
    assert_eq!(truth(a.path()), truth(b.path()));
    assert_ne!(ta, tc);
}

/// Undoes the encodings the corpus writes values in (HTML entity, URL
/// encoding, SQL quote doubling) so the raw span can be re-validated.
fn decode(raw: &str) -> String {
    raw.replace("&#64;", "@")
        .replace("%40", "@")
        .replace("%2B", "+")
        .replace("''", "'")
}

fn check_span(kind: &str, raw: &str) -> Result<(), String> {
    let v = decode(raw);
    let ok = match kind {
        "email" => {
            let (local, domain) = v.split_once('@').ok_or("no @")?;
            let tld = domain.rsplit('.').next().unwrap_or("");
            !local.is_empty()
                && domain.contains('.')
                && tld.len() >= 2
                && tld.chars().all(|c| c.is_ascii_lowercase())
                && !bw_corpus_roles().contains(&local)
                && v.chars().all(|c| c.is_ascii_graphic())
        }
        "phone_number" => phone_ok(&v),
        "payment_card" => {
            luhn_ok(&v)
                && card_issuer_ok(&v)
                && v.chars()
                    .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        }
        "us_ssn" => ssn_ok(&v) && (v.len() == 11 || v.len() == 9),
        "iban" => iban_ok(&v),
        "ip_address" => ip_public(&v),
        "person_name" => {
            !v.is_empty()
                && v.chars().any(char::is_alphabetic)
                && !v.chars().any(|c| c.is_ascii_digit() || c == '@')
                && v.chars().next().is_some_and(|c| !c.is_whitespace())
        }
        "street_address" => v.chars().any(|c| c.is_ascii_digit()) && v.contains(' '),
        "date_of_birth" => {
            let years: Vec<u32> = v
                .split(|c: char| !c.is_ascii_digit())
                .filter(|p| p.len() == 4)
                .filter_map(|p| p.parse().ok())
                .collect();
            years.len() == 1 && (1900..2010).contains(&years[0])
        }
        "password" => {
            password_hash_ok(&v)
                || (v.len() >= 6 && v.chars().all(|c| c.is_ascii_graphic()) && !v.contains('$'))
        }
        "card_security_code" => (3..=4).contains(&v.len()) && v.chars().all(|c| c.is_ascii_digit()),
        "government_id" => {
            nino_ok(&v) || cpf_ok(&v) || bsn_ok(&v) || sin_ok(&v) || dni_ok(&v) || aadhaar_ok(&v)
        }
        "health_insurance" => nhs_ok(&v) || mbi_ok(&v),
        "username" => {
            !v.contains('@')
                && v.chars().any(|c| c.is_ascii_alphabetic())
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        }
        "bank_account" => (8..=12).contains(&v.len()) && v.chars().all(|c| c.is_ascii_digit()),
        "tax_id" => itin_ok(&v) || ein_ok(&v),
        "drivers_license" => {
            (7..=17).contains(&v.len())
                && v.chars().any(|c| c.is_ascii_digit())
                && v.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        }
        "passport" => {
            (8..=9).contains(&v.len())
                && v.chars().filter(char::is_ascii_digit).count() >= 3
                && v.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        }
        "health" => [
            bw_corpus::DIAGNOSES,
            bw_corpus::ICD10,
            bw_corpus::MEDICATIONS,
            bw_corpus::CONDITIONS,
            bw_corpus::ALLERGIES,
        ]
        .iter()
        .any(|list| list.contains(&v.as_str())),
        other => return Err(format!("unknown kind {other}")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{kind} span does not validate: {raw:?}"))
    }
}

fn bw_corpus_roles() -> &'static [&'static str] {
    &[
        "support",
        "noreply",
        "no-reply",
        "orders",
        "info",
        "abuse",
        "postmaster",
        "billing",
    ]
}

fn check_labels(dir: &Path) {
    let files = read_tree(dir);
    let labels = truth(dir);
    let mut per_kind: HashMap<String, usize> = HashMap::new();
    let mut errors = Vec::new();
    for t in &labels {
        let bytes = files.get(&t.path).expect("label names a corpus file");
        let raw = bytes
            .get(t.start as usize..t.end as usize)
            .expect("span inside the file");
        let raw = std::str::from_utf8(raw).expect("spans fall on UTF-8 boundaries");
        if let Err(e) = check_span(&t.kind, raw) {
            errors.push(format!("{}:{}: {e}", t.path, t.start));
        }
        *per_kind.entry(t.kind.clone()).or_default() += 1;
    }
    assert!(
        errors.is_empty(),
        "{} bad labels, first: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    for k in bw_corpus::Kind::ALL {
        let n = per_kind.get(k.as_str()).copied().unwrap_or(0);
        assert!(n >= 50, "{k}: only {n} labels in 1 MiB");
    }
    // Spans of one kind never overlap within a file.
    let mut sorted: Vec<&TruthSpan> = labels.iter().collect();
    sorted.sort_by(|a, b| (&a.path, &a.kind, a.start).cmp(&(&b.path, &b.kind, b.start)));
    for w in sorted.windows(2) {
        if w[0].path == w[1].path && w[0].kind == w[1].kind {
            assert!(
                w[0].end <= w[1].start,
                "overlapping labels at {}:{}",
                w[1].path,
                w[1].start
            );
        }
    }
}

#[test]
fn every_label_revalidates() {
    let d = tempfile::tempdir().expect("tmp");
    gen(d.path(), 7, false);
    check_labels(d.path());
}

#[test]
fn single_file_mode_labels_revalidate() {
    let d = tempfile::tempdir().expect("tmp");
    gen(d.path(), 9, true);
    assert_eq!(read_tree(d.path()).len(), 1);
    check_labels(d.path());
}

#[test]
fn hard_negatives_appear_and_are_unlabelled() {
    let d = tempfile::tempdir().expect("tmp");
    gen(d.path(), 11, false);
    let files = read_tree(d.path());
    let labels = truth(d.path());
    let all: String = files
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    for needle in [
        "logo@2x.png",
        "support@",
        "Message-ID: <",
        "**** **** **** ",
        "Chrome/",
        ".0.0.0",
        "192.168.",
        "127.0.0.1",
        "Calvin Klein",
        "Echo Dot",
        "New York",
        "(checksum failed)",
        "SSN on file",
        "NW-",
        "passport photo order",
        "license: MIT",
        "\"condition\":\"",
        "(routing check failed)",
        "\"diagnosis\":null",
    ] {
        assert!(all.contains(needle), "hard negative {needle:?} missing");
    }
    // No label covers a role mailbox, a private address or a masked card.
    for t in &labels {
        let raw = &files[&t.path][t.start as usize..t.end as usize];
        let raw = String::from_utf8_lossy(raw);
        assert!(!raw.contains("*"), "masked value labelled: {raw}");
        if t.kind == "ip_address" {
            assert!(!raw.starts_with("192.168.") && !raw.starts_with("10.") && raw != "127.0.0.1");
        }
        assert!(!bw_corpus_roles()
            .iter()
            .any(|r| raw.starts_with(&format!("{r}@"))));
    }
}

#[test]
fn scoring_the_truth_itself_is_perfect_and_dropping_findings_costs_recall() {
    let d = tempfile::tempdir().expect("tmp");
    gen(d.path(), 5, false);
    let labels = truth(d.path());
    let prefix = d.path().display().to_string();
    let as_findings = |spans: &[TruthSpan]| -> Vec<Finding> {
        spans
            .iter()
            .map(|t| {
                let line = serde_json::json!({
                    "path": format!("{prefix}/{}", t.path), "start": t.start, "end": t.end,
                    "kind": t.kind, "score": 0.9, "detector": "oracle", "excerpt": "…"
                });
                serde_json::from_value(line).expect("finding")
            })
            .collect()
    };
    let r = score_dir(d.path(), as_findings(&labels), &ScoreOptions::default()).expect("score");
    for k in &r.kinds {
        assert_eq!(k.f1, Some(1.0), "{}", k.kind);
    }
    assert_eq!(r.outside_corpus, 0);
    // Drop every email finding from the first file: exactly those become FNs.
    let first = labels[0].path.clone();
    let kept: Vec<TruthSpan> = labels
        .iter()
        .filter(|t| !(t.path == first && t.kind == "email"))
        .cloned()
        .collect();
    let dropped = (labels.len() - kept.len()) as u64;
    let r = score_dir(d.path(), as_findings(&kept), &ScoreOptions::default()).expect("score");
    let email = r
        .kinds
        .iter()
        .find(|k| k.kind == "email")
        .expect("email row");
    assert_eq!(email.fn_, dropped);
    assert_eq!(email.fp, 0);
    assert!(dropped == 0 || email.recall.is_some_and(|x| x < 1.0));
}
