//! Parquet files written by pyarrow, read back as one table of text.

mod support;

use std::path::Path;

use bw_documents::{Bound, DocError, DocFormat, Limits, Shape};
use support::{cells, python, read_bytes, read_file, run_python, Collect};

/// Four invented customers in two row groups, with what a real export
/// holds: a null, a date, an int64 phone (the `+` lost), a nested struct,
/// a list, a decimal, a UTC timestamp, UTF-8 and non-UTF-8 binary.
const WRITE: &str = r#"
import datetime, decimal, sys
import pyarrow as pa, pyarrow.parquet as pq

address = pa.struct([("street", pa.string()), ("city", pa.string())])
schema = pa.schema([
    ("customer_id", pa.int32()),
    ("full_name", pa.string()),
    ("email", pa.string()),
    ("phone", pa.int64()),
    ("dob", pa.date32()),
    ("balance", pa.decimal128(10, 2)),
    ("created", pa.timestamp("ms", tz="UTC")),
    ("customer", pa.struct([("address", address), ("tier", pa.string())])),
    ("tags", pa.list_(pa.string())),
    ("note", pa.binary()),
])
utc = datetime.timezone.utc
rows = [
    dict(customer_id=101, full_name="Marisol Quenby", email="marisol.quenby@example.org",
         phone=447700900123, dob=datetime.date(1984, 2, 29), balance=decimal.Decimal("1234.50"),
         created=datetime.datetime(2024, 3, 1, 14, 0, 0, 250000, tzinfo=utc),
         customer=dict(address=dict(street="14 Ashgrove Lane", city="Leeds"), tier="gold"),
         tags=["vip", "newsletter"], note=b"call after 6pm"),
    dict(customer_id=102, full_name="Teodor Vranje\u0161", email=None,
         phone=385911234567, dob=datetime.date(1979, 11, 3), balance=decimal.Decimal("-0.05"),
         created=datetime.datetime(2023, 12, 31, 23, 59, 59, tzinfo=utc),
         customer=dict(address=dict(street="Ilica 242", city=None), tier=None),
         tags=[], note=b"\xff\xfe\x00\x01"),
    dict(customer_id=103, full_name="Ines Albuquerque-Hart", email="ines.ah@example.net",
         phone=None, dob=None, balance=None, created=None,
         customer=None, tags=None, note=None),
    dict(customer_id=104, full_name="Oluwaseun Brackley", email="o.brackley@example.com",
         phone=12025550147, dob=datetime.date(2001, 7, 4), balance=decimal.Decimal("0.00"),
         created=datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=utc),
         customer=dict(address=None, tier="basic"),
         tags=["sms"], note=b""),
]
table = pa.Table.from_pylist(rows, schema=schema)
for codec in sys.argv[1:]:
    pq.write_table(table, f"customers_{codec}.parquet", compression=codec, row_group_size=2)
"#;

const CODECS: [&str; 4] = ["snappy", "zstd", "gzip", "lz4"];

fn fixtures(dir: &Path) -> bool {
    let Some(py) = python() else {
        return false;
    };
    run_python(&py, dir, WRITE, &CODECS);
    true
}

fn expected_rows() -> Vec<(u64, Vec<(u32, String)>)> {
    vec![
        (
            1,
            cells(&[
                (0, "101"),
                (1, "Marisol Quenby"),
                (2, "marisol.quenby@example.org"),
                (3, "447700900123"),
                (4, "1984-02-29"),
                (5, "1234.50"),
                (6, "2024-03-01T14:00:00.25Z"),
                (7, "14 Ashgrove Lane"),
                (8, "Leeds"),
                (9, "gold"),
                (10, "vip; newsletter"),
                (11, "call after 6pm"),
            ]),
        ),
        (
            2,
            cells(&[
                (0, "102"),
                (1, "Teodor Vranješ"),
                (3, "385911234567"),
                (4, "1979-11-03"),
                (5, "-0.05"),
                (6, "2023-12-31T23:59:59Z"),
                (7, "Ilica 242"),
            ]),
        ),
        (
            3,
            cells(&[
                (0, "103"),
                (1, "Ines Albuquerque-Hart"),
                (2, "ines.ah@example.net"),
            ]),
        ),
        (
            4,
            cells(&[
                (0, "104"),
                (1, "Oluwaseun Brackley"),
                (2, "o.brackley@example.com"),
                (3, "12025550147"),
                (4, "2001-07-04"),
                (5, "0.00"),
                (6, "1969-12-31T23:59:59Z"),
                (9, "basic"),
                (10, "sms"),
            ]),
        ),
    ]
}

const HEADER: [&str; 12] = [
    "customer_id",
    "full_name",
    "email",
    "phone",
    "dob",
    "balance",
    "created",
    "customer.address.street",
    "customer.address.city",
    "customer.tier",
    "tags",
    "note",
];

fn check(got: &Collect, codec: &str) {
    assert_eq!(got.names(), vec![""], "{codec}");
    let part = got.part("");
    assert_eq!(part.shape, Some(Shape::Table), "{codec}");
    assert_eq!(part.header, HEADER, "{codec}");
    assert_eq!(part.rows, expected_rows(), "{codec}");
}

#[test]
fn every_codec_reads_to_the_same_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    if !fixtures(dir.path()) {
        return;
    }
    for codec in CODECS {
        let path = dir.path().join(format!("customers_{codec}.parquet"));
        let (got, res) = read_file(DocFormat::Parquet, &path, &Limits::default());
        res.unwrap_or_else(|e| panic!("{codec}: {e}"));
        check(&got, codec);

        // Nested in an archive: no path, the same bytes.
        let bytes = std::fs::read(&path).expect("read fixture");
        let (got, res) = read_bytes(DocFormat::Parquet, &bytes, &Limits::default());
        res.unwrap_or_else(|e| panic!("{codec} from bytes: {e}"));
        check(&got, codec);
    }
}

#[test]
fn row_limit_stops_after_the_rows_it_allows() {
    let dir = tempfile::tempdir().expect("temp dir");
    if !fixtures(dir.path()) {
        return;
    }
    let limits = Limits {
        max_rows: 3,
        ..Limits::default()
    };
    let path = dir.path().join("customers_snappy.parquet");
    let (got, res) = read_file(DocFormat::Parquet, &path, &limits);
    assert!(
        matches!(
            res,
            Err(DocError::Limit {
                bound: Bound::Rows,
                limit: 3,
                ..
            })
        ),
        "{res:?}"
    );
    let err = res.expect_err("a limit");
    assert_eq!(err.to_string(), "stopped at the 3-row limit");
    let rows: Vec<u64> = got.part("").rows.iter().map(|r| r.0).collect();
    assert_eq!(rows, vec![1, 2, 3]);
}

fn snappy_bytes(dir: &Path) -> Option<Vec<u8>> {
    if !fixtures(dir) {
        return None;
    }
    Some(std::fs::read(dir.join("customers_snappy.parquet")).expect("read fixture"))
}

fn assert_corrupt(bytes: &[u8], what: &str) -> String {
    let (_, res) = read_bytes(DocFormat::Parquet, bytes, &Limits::default());
    match res {
        Err(DocError::Corrupt {
            format: DocFormat::Parquet,
            detail,
        }) => detail,
        other => panic!("{what}: expected Corrupt, got {other:?}"),
    }
}

#[test]
fn truncated_and_damaged_files_are_corrupt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(bytes) = snappy_bytes(dir.path()) else {
        return;
    };
    // Cut anywhere: the footer is gone.
    for cut in [0, 3, 11, bytes.len() / 2, bytes.len() - 1] {
        assert_corrupt(&bytes[..cut], &format!("cut at {cut}"));
    }
    // A footer that claims more metadata than the file holds.
    let mut claims = bytes.clone();
    let at = claims.len() - 8;
    claims[at..at + 4].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    let detail = assert_corrupt(&claims, "absurd metadata length");
    assert!(detail.contains("claims 4294967280 bytes"), "{detail}");
    // Page data overwritten: the first row group's pages no longer decode.
    let mut pages = bytes.clone();
    for b in &mut pages[4..200] {
        *b = 0xa5;
    }
    let (_, res) = read_bytes(DocFormat::Parquet, &pages, &Limits::default());
    assert!(
        matches!(res, Err(DocError::Corrupt { .. })),
        "damaged pages: {res:?}"
    );
}

/// A footer of our own, in thrift's compact protocol: a one-element
/// schema, then a row group list that claims 2^30 entries.
#[test]
fn a_footer_claiming_a_billion_row_groups_is_corrupt_not_an_allocation() {
    let mut meta = vec![
        0x15, 0x02, // 1: version = 1
        0x19, 0x1c, // 2: schema, a list of one struct
        0x48, 0x06, b's', b'c', b'h', b'e', b'm', b'a', // 4: name
        0x15, 0x00, // 5: num_children = 0
        0x00, // end of SchemaElement
        0x16, 0x00, // 3: num_rows = 0
        0x19, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x04, // 4: row_groups, 2^30 structs
    ];
    meta.extend_from_slice(&[0; 16]);
    let mut file = b"PAR1".to_vec();
    file.extend_from_slice(&meta);
    file.extend_from_slice(&(meta.len() as u32).to_le_bytes());
    file.extend_from_slice(b"PAR1");
    let detail = assert_corrupt(&file, "row group count");
    assert!(detail.contains("1073741824 row groups"), "{detail}");
}

#[test]
fn an_encrypted_footer_is_encrypted() {
    let mut file = b"PAR1".to_vec();
    file.extend_from_slice(&[7; 32]);
    file.extend_from_slice(&32u32.to_le_bytes());
    file.extend_from_slice(b"PARE");
    let (_, res) = read_bytes(DocFormat::Parquet, &file, &Limits::default());
    assert!(matches!(res, Err(DocError::Encrypted)), "{res:?}");
}

#[test]
fn a_page_over_the_inflate_limit_stops_at_the_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(bytes) = snappy_bytes(dir.path()) else {
        return;
    };
    let limits = Limits {
        max_inflated_bytes: 16,
        ..Limits::default()
    };
    let (_, res) = read_bytes(DocFormat::Parquet, &bytes, &limits);
    assert!(
        matches!(
            res,
            Err(DocError::Limit {
                format: DocFormat::Parquet,
                limit: 16,
                ..
            })
        ),
        "{res:?}"
    );
}
