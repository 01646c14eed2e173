use super::*;
use std::collections::HashMap;
use std::io::Read;

/// Every member of the generated leak, by truth path.
fn members(g: &Generated, out: &Path) -> HashMap<String, Vec<u8>> {
    let mut m = HashMap::new();
    for span in &g.truth.spans {
        let (file, member) = span.path.split_once('!').expect("archive!member");
        if m.contains_key(&span.path) {
            continue;
        }
        let bytes = std::fs::read(out.join(file)).expect("leak file");
        let data = if file.ends_with(".tar.gz") {
            let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
            let mut found = None;
            for e in tar.entries().expect("tar") {
                let mut e = e.expect("entry");
                if e.path().expect("path").to_string_lossy() == member {
                    let mut v = Vec::new();
                    e.read_to_end(&mut v).expect("read");
                    found = Some(v);
                }
            }
            found.expect("member in tar")
        } else if file.ends_with(".zip") {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
            let mut v = Vec::new();
            z.by_name(member)
                .expect("member in zip")
                .read_to_end(&mut v)
                .expect("read");
            v
        } else {
            let mut v = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut v)
                .expect("gunzip");
            v
        };
        m.insert(span.path.clone(), data);
    }
    m
}

#[test]
fn truth_spans_cover_exactly_the_values_written() {
    for scenario in Scenario::ALL {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = GenOptions {
            scenario,
            customers: 500,
            exposed: None,
            seed: 11,
        };
        let g = generate(dir.path(), &opts).expect("generate");
        assert_eq!(g.truth.exposed.len(), 20, "{scenario}: one in 25");
        let data = members(&g, dir.path());
        let mut emails = BTreeSet::new();
        for s in &g.truth.spans {
            let text = std::str::from_utf8(&data[&s.path][s.start as usize..s.end as usize])
                .expect("utf-8");
            let ok = match s.kind.as_str() {
                "email" => {
                    let e = text.replace("%40", "@");
                    emails.insert(e.clone());
                    e.split_once('@').is_some_and(|(l, d)| {
                        !l.is_empty() && d.contains('.') && !e.contains([' ', '<', '"'])
                    })
                }
                "person_name" => text
                    .split(' ')
                    .all(|w| w.chars().next().is_some_and(char::is_uppercase)),
                "ip_address" => text.parse::<std::net::Ipv4Addr>().is_ok(),
                "payment_card" => bw_corpus::validate::luhn_ok(text),
                "phone_number" => text.starts_with('+'),
                "date_of_birth" => text.len() == 10 && text.as_bytes()[4] == b'-',
                _ => false,
            };
            assert!(ok, "{scenario}: {} {text:?} at {}", s.kind, s.path);
        }
        // Each exposed customer's email is in the leak, and so is no
        // other customer's.
        for e in g.truth.exposed.values() {
            assert!(emails.contains(&e.email), "{scenario}: {} missing", e.email);
        }
        let customers = emails.iter().filter(|e| !e.contains("guest")).count();
        assert_eq!(customers, g.truth.exposed.len(), "{scenario}");
    }
}

#[test]
fn same_seed_same_leak() {
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let opts = GenOptions {
        scenario: Scenario::LogBucket,
        customers: 300,
        exposed: Some(30),
        seed: 5,
    };
    let ga = generate(a.path(), &opts).expect("generate a");
    let gb = generate(b.path(), &opts).expect("generate b");
    assert_eq!(ga.truth.spans, gb.truth.spans);
    assert_eq!(ga.truth.exposed, gb.truth.exposed);
    let read = |d: &Path| std::fs::read(d.join(TRUTH_EXPOSED_CSV)).expect("truth csv");
    assert_eq!(read(a.path()), read(b.path()));
    assert_eq!(
        "log-bucket".parse::<Scenario>().ok(),
        Some(Scenario::LogBucket)
    );
    assert!("nope".parse::<Scenario>().is_err());
}
