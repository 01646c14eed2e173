//! Numeric findings and the structure around them, on files written by
//! real tools:
//!
//! - a mailbox Python's `email` and `mailbox` packages wrote: the
//!   19-digit MIME boundaries they draw (`===============…==`) pass Luhn one
//!   time in ten and must never be a card (nor any other kind), in the
//!   `boundary=` parameter or on a delimiter line, while the cards written
//!   in the bodies are all found;
//! - rows Python's `csv` module wrote, and multi-row `INSERT`s: an `SSN`
//!   word in one row's notes must not admit the next row's nine-digit
//!   loyalty number, while each row's own SSN column (or an `SSN` word in
//!   its own notes) admits its value.
//!
//! Every chunking finds the same. The people and numbers are made up here.

use std::process::Command;

use bw_detect::hints::csv::CsvHinter;
use bw_detect::hints::sql::SqlHinter;
use bw_detect::{Engine, Finding, Kind, Start, StreamScanner};
use bw_testkit::{run, tool, SplitMix64};

fn start(name: &str, head: &[u8]) -> Start {
    if let Some(s) = SqlHinter::sniff(name, head) {
        Start::Sql(s)
    } else if let Some(c) = CsvHinter::sniff(name, head) {
        Start::Csv(c)
    } else {
        Start::Plain
    }
}

fn scan(name: &str, data: &[u8], chunk: usize) -> Vec<Finding> {
    let engine = Engine::new(Kind::ALL);
    let mut out = Vec::new();
    StreamScanner::with_chunk_size(chunk)
        .scan_structured(
            &engine,
            data,
            |head| start(name, head),
            |h| {
                out.push(h.finding);
                Ok(())
            },
        )
        .expect("in-memory reads do not fail");
    out
}

/// The findings of the whole stream, checked to equal every chunking's.
fn scan_every_chunking(name: &str, data: &[u8]) -> Vec<Finding> {
    let whole = scan(name, data, data.len() + 1);
    for chunk in [0, 4096, 10_000, 23_456] {
        assert!(scan(name, data, chunk) == whole, "{name}: chunk {chunk}");
    }
    whole
}

fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &c)| {
            let v = u32::from(c - b'0');
            if i % 2 == 1 {
                let x = v * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                v
            }
        })
        .sum();
    sum % 10 == 0
}

fn luhn_complete(prefix: &str) -> String {
    (0..10)
        .map(|c| format!("{prefix}{c}"))
        .find(|s| luhn(s.as_bytes()))
        .expect("one check digit fits")
}

fn digits(r: &mut SplitMix64, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + r.below(10) as u8))
        .collect()
}

fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

const MAILBOX: &str = r#"
import email.policy, mailbox, random, sys, tempfile, os
from email.message import EmailMessage
random.seed(int(sys.argv[1]))
cards = sys.stdin.read().split("\n")
path = os.path.join(tempfile.mkdtemp(), "support.mbox")
box = mailbox.mbox(path)
for i, card in enumerate(cards):
    m = EmailMessage()
    m["From"] = "Support <care@shop.example>"
    m["To"] = "customer%d@example.org" % i
    m["Subject"] = "Your case %d" % i
    m["Message-ID"] = email.utils.make_msgid(domain="shop.example")
    m.set_content("Hello,\n\nthe card on file is %s, we charged it today.\n\nThanks,\nSupport\n" % card)
    m.add_alternative("<html><body><p>Card: %s</p></body></html>\n" % card, subtype="html")
    m.add_attachment(b"id,qty\n1,2\n", maintype="text", subtype="csv", filename="cases.csv")
    box.add(m)
box.flush()
sys.stdout.buffer.write(open(path, "rb").read())
"#;

#[test]
fn python_email_boundaries_are_no_cards_and_body_cards_are() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let mut r = SplitMix64::new(23);
    let cards: Vec<String> = (0..120)
        .map(|i| {
            let c = luhn_complete(&format!("4{}", digits(&mut r, 14)));
            if i % 2 == 0 {
                format!("{} {} {} {}", &c[..4], &c[4..8], &c[8..12], &c[12..])
            } else {
                c
            }
        })
        .collect();
    let mbox = run(
        Command::new("python3").args(["-c", MAILBOX, "7"]),
        Some(&cards.join("\n")),
    );
    let text = String::from_utf8_lossy(&mbox);

    // The boundaries Python drew, and how many a card check would pass.
    let mut boundaries: Vec<&str> = text
        .match_indices("boundary=\"")
        .map(|(i, m)| {
            let v = &text[i + m.len()..];
            &v[..v.find('"').expect("closing quote")]
        })
        .collect();
    boundaries.sort_unstable();
    boundaries.dedup();
    assert_eq!(boundaries.len(), 240, "two multiparts per message");
    let luhn_valid: Vec<&str> = boundaries
        .iter()
        .copied()
        .filter(|b| {
            let d: Vec<u8> = b.bytes().filter(u8::is_ascii_digit).collect();
            d.len() == 19 && luhn(&d) && matches!(d[0], b'4' | b'5' | b'6')
        })
        .collect();
    assert!(
        luhn_valid.len() >= 3,
        "only {} card-shaped boundaries: the test would not fail without the fix",
        luhn_valid.len()
    );

    let findings = scan_every_chunking("support.mbox", &mbox);
    // Nothing at all inside a boundary, wherever it is written.
    for b in &boundaries {
        for at in find_all(&mbox, b.as_bytes()) {
            let hit = findings
                .iter()
                .find(|f| f.start < at + b.len() && at < f.end);
            assert!(hit.is_none(), "{b} at {at}: {hit:?}");
        }
    }
    // Every body card, plain and HTML, is found as a card.
    let found: Vec<&[u8]> = findings
        .iter()
        .filter(|f| f.kind == Kind::PaymentCard && f.score >= 0.5)
        .map(|f| &mbox[f.start..f.end])
        .collect();
    for c in &cards {
        let n = found.iter().filter(|f| **f == c.as_bytes()).count();
        assert_eq!(
            n, 2,
            "{c}: found {n} times, want the text and the HTML part"
        );
    }
    assert_eq!(found.len(), 2 * cards.len(), "no other cards");
}

fn plausible_ssn(r: &mut SplitMix64) -> String {
    loop {
        let s = digits(r, 9);
        let (a, g, n) = (&s[..3], &s[3..5], &s[5..]);
        if a != "000" && a != "666" && !a.starts_with('9') && g != "00" && n != "0000" {
            return s;
        }
    }
}

struct Row {
    id: u32,
    loyalty: String,
    name: &'static str,
    ssn: String,
    notes: String,
}

/// Rows whose notes talk about SSNs in every way a support desk does,
/// followed by a row with a loyalty number that reads as an SSN.
fn rows() -> Vec<Row> {
    let mut r = SplitMix64::new(5);
    let names = ["Maren", "Tobias", "Ingrid", "Rafael", "Yusuf", "Hannah"];
    (0..240)
        .map(|i| {
            let notes = match i % 4 {
                0 => format!(
                    "flagged: SSN on file 000-{:02}-{:04} rejected",
                    i % 90 + 10,
                    i
                ),
                1 => "asked for SSN".to_string(),
                2 => "SSN".to_string(),
                _ => String::new(),
            };
            Row {
                id: i + 1,
                loyalty: plausible_ssn(&mut r),
                name: names[i as usize % names.len()],
                ssn: plausible_ssn(&mut r),
                notes,
            }
        })
        .collect()
}

fn check_rows(name: &str, data: &[u8], rows: &[Row]) {
    let findings = scan_every_chunking(name, data);
    let ssns: Vec<&[u8]> = findings
        .iter()
        .filter(|f| f.kind == Kind::UsSsn && f.score >= 0.5)
        .map(|f| &data[f.start..f.end])
        .collect();
    for row in rows {
        assert!(
            ssns.contains(&row.ssn.as_bytes()),
            "{name}: row {}'s own SSN column",
            row.id
        );
        assert!(
            !ssns.contains(&row.loyalty.as_bytes()),
            "{name}: row {}'s loyalty number read as an SSN",
            row.id
        );
    }
    assert_eq!(ssns.len(), rows.len(), "{name}: {} SSNs", ssns.len());
}

#[test]
fn python_csv_rows_keep_their_ssn_context_to_themselves() {
    if !tool("python3") {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let rows = rows();
    let lines: String = rows
        .iter()
        .map(|r| {
            format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\n",
                r.id, r.loyalty, r.name, r.ssn, r.notes
            )
        })
        .collect();
    for (dialect, delimiter, quoting) in [
        ("excel", ",", "QUOTE_MINIMAL"),
        ("excel-tab", "\t", "QUOTE_MINIMAL"),
        ("semicolon", ";", "QUOTE_MINIMAL"),
        ("quote-all", ",", "QUOTE_ALL"),
    ] {
        let script = format!(
            "import csv, sys\n\
             w = csv.writer(sys.stdout, delimiter={delimiter:?}, quoting=csv.{quoting}, lineterminator='\\r\\n')\n\
             w.writerow(['id', 'loyalty_no', 'first_name', 'ssn', 'notes'])\n\
             for line in sys.stdin.read().splitlines():\n    w.writerow(line.split('\\x1f'))\n"
        );
        let data = run(Command::new("python3").args(["-c", &script]), Some(&lines));
        check_rows(&format!("customers-{dialect}.csv"), &data, &rows);
    }
}

/// mysqldump's extended inserts: every tuple of a table on one line, so
/// only the tuple boundary `),(` separates one row's notes from the next
/// row's numbers. (The accuracy gate scores the real mysqldump; this is
/// its documented layout, kept here without a server.)
#[test]
fn multi_row_inserts_keep_their_ssn_context_to_their_tuple() {
    let rows = rows();
    let mut sql = String::from(
        "CREATE TABLE `customers` (\n  `id` int NOT NULL,\n  `loyalty_no` int DEFAULT NULL,\n  \
         `first_name` varchar(40) DEFAULT NULL,\n  `ssn` char(9) DEFAULT NULL,\n  `notes` text\n);\n",
    );
    for chunk in rows.chunks(60) {
        sql.push_str("INSERT INTO `customers` VALUES ");
        let tuples: Vec<String> = chunk
            .iter()
            .map(|r| {
                format!(
                    "({},{},'{}','{}','{}')",
                    r.id, r.loyalty, r.name, r.ssn, r.notes
                )
            })
            .collect();
        sql.push_str(&tuples.join(","));
        sql.push_str(";\n");
    }
    check_rows("customers.sql", sql.as_bytes(), &rows);
}

#[test]
fn an_ssn_word_admits_a_number_in_its_own_record_only() {
    let ssn = |text: &str| {
        scan("notes.txt", text.as_bytes(), 0)
            .iter()
            .any(|f| f.kind == Kind::UsSsn && f.score >= 0.5)
    };
    assert!(ssn("customer read out her SSN 234 56 7890 and"));
    assert!(ssn("notes: SSN 234567890 confirmed\n"));
    // A label above its value, as a form lays them out.
    assert!(ssn("SSN:\n234567890\n"));
    // The word named another number, or sits in the row above.
    assert!(!ssn(
        "SSN on file 000-30-9785 rejected; loyalty 234567890\n"
    ));
    assert!(!ssn("id,notes\n8,asked for SSN\n9,234567890\n"));
    assert!(!ssn("(8,'asked for SSN'),(9,234567890)"));
    // A row's last cell 'SSN', the next row's first a nine-digit number:
    // the row goes on after it, so it is no value alone below a label.
    assert!(!ssn(
        "loyalty_no,notes\n123456789,asked for SSN\n234567890,\n"
    ));
    assert!(ssn("Name: Jo Smith\nSSN:\n  234567890  \r\nDOB: 1970\n"));
}
