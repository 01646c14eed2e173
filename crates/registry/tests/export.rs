//! `export_parquet`: every index entry as a row, read back with the
//! parquet crate's own reader; fingerprints as the Fingerprinter (and so
//! `scope --emit-fingerprints`) writes them.

use std::collections::BTreeSet;

use bw_registry::normalize::email::{self, EmailOptions};
use bw_registry::{export, import_csv, init, Fingerprinter, IdKind, ImportOptions, Key, Registry};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::RowAccessor;

#[test]
fn every_fingerprint_is_a_row_with_its_customer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = Key::from_bytes([3; 32]);
    init(dir.path(), &key).expect("init");
    let csv = "customer_id,email,first_name,last_name,phone,country,region\n\
               C1,ann.lee@gmail.com,Ann,Lee,+44 20 7946 0011,GB,\n\
               C2,bo@example.org,Bo,Diaz,+1 415 555 0123,US,CA\n\
               C3,,Cy,Ng,,FR,\n";
    import_csv(dir.path(), &key, csv.as_bytes(), &ImportOptions::default()).expect("import");
    let reg = Registry::open(dir.path(), &key).expect("open");
    let stats = reg.stats();

    let out = dir.path().join("fp.parquet");
    let file = std::fs::File::create(&out).expect("create");
    let report = export::export_parquet(&reg, file).expect("export");
    assert_eq!(
        report.email, 3,
        "two emails, one with a variant (Gmail dots)"
    );
    assert_eq!(report.phone, 2);

    let reader = SerializedFileReader::new(std::fs::File::open(&out).expect("open")).expect("read");
    let rows: Vec<_> = reader
        .get_row_iter(None)
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    assert_eq!(
        rows.len() as u64,
        report.email + report.phone + report.name,
        "{stats:?}"
    );
    let mut seen = BTreeSet::new();
    for r in &rows {
        let field = r.get_string(1).expect("field").clone();
        let variant = r.get_bool(2).expect("variant");
        let id = r.get_string(3).expect("customer_id").clone();
        let country = r.get_string(4).expect("country").clone();
        let region = r.get_string(5).expect("region").clone();
        let want = match id.as_str() {
            "C1" => ("GB", ""),
            "C2" => ("US", "CA"),
            "C3" => ("FR", ""),
            other => panic!("unknown customer {other}"),
        };
        assert_eq!((country.as_str(), region.as_str()), want);
        seen.insert((field, variant, id));
    }
    for want in [
        ("email", false, "C1"),
        ("email", true, "C1"),
        ("email", false, "C2"),
        ("phone", false, "C1"),
        ("phone", false, "C2"),
        ("name", false, "C3"),
    ] {
        assert!(
            seen.contains(&(want.0.to_string(), want.1, want.2.to_string())),
            "{want:?} missing from {seen:?}"
        );
    }

    // The fingerprint column is the Fingerprinter's, in hex: what a join
    // with emitted fingerprints needs.
    let forms = email::normalise("Bo@Example.org", EmailOptions::default()).expect("email");
    let fp = Fingerprinter::new(&key).fingerprint(IdKind::Email, &forms.exact);
    let hex: String = fp.iter().map(|b| format!("{b:02x}")).collect();
    let row = rows
        .iter()
        .find(|r| r.get_string(0).is_ok_and(|f| *f == hex))
        .expect("bo's email fingerprint is a row");
    assert_eq!(row.get_string(3).expect("customer_id"), "C2");
}
