//! An mbox written by Python's `mailbox` module, split into its messages:
//! each message a member (`box.mbox!2`) with its attachments named under
//! it, and offsets (and lines) in a message pointing into the mbox file.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use bw_formats::{expand_seekable, Encoding, Event, Offsets, Options};

/// The Python of `scripts/docs_python.sh` when the test script set it;
/// the stdlib's `mailbox` and `email` are all this needs, so any python3.
fn python() -> PathBuf {
    std::env::var_os("BW_DOCS_PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
}

fn write_with_python(dir: &Path, script: &str) {
    let out = Command::new(python())
        .current_dir(dir)
        .arg("-c")
        .arg(script)
        .output()
        .expect("start python3");
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Three messages with personal data: a 7-bit body with a CSV attached
/// (and a body line starting `From `, which `mailbox` escapes), a
/// quoted-printable body with another CSV, and a plain one.
const MBOX: &str = r#"
import mailbox
from email.message import EmailMessage

def message(sender, subject, body, cte):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = "ops@shop.example"
    m["Subject"] = subject
    m.set_content(body, cte=cte)
    return m

one = message("contractor@vendor.example", "the export",
    "Hi,\nthe customers are attached.\nCall Marisol Quenby on 415 555 0123.\n\nFrom now on weekly.\n", "7bit")
one.add_attachment(b"name,email\nMarisol Quenby,marisol.q@example.net\n",
    maintype="text", subtype="csv", filename="export.csv")
two = message("billing@vendor.example", "refund",
    "Refund Zo\u00eb Tobiah, tobiah.lee@example.org, IBAN on file.\n", "quoted-printable")
two.add_attachment(b"name,email\nAsha Verm,asha@example.com\n",
    maintype="text", subtype="csv", filename="second.csv")
three = message("support@shop.example", "callback", "Call back Ines Alvarado, ines.alvarado@example.net.\n", "7bit")
box = mailbox.mbox("box.mbox")
for m in (one, two, three):
    box.add(m)
box.close()
"#;

struct Got {
    name: String,
    depth: u32,
    encoding: Encoding,
    text: String,
    offsets: Offsets,
}

fn expand_mbox(path: &Path) -> Vec<Got> {
    let file = std::fs::File::open(path).expect("open");
    let mut got = Vec::new();
    let summary = expand_seekable("box.mbox", &file, &Options::default(), |ev| {
        match ev {
            Event::Member(mut m) => {
                let offsets = m.offsets();
                let mut text = String::new();
                m.read_to_string(&mut text)?;
                got.push(Got {
                    name: m.name().to_string(),
                    depth: m.depth(),
                    encoding: m.encoding(),
                    text,
                    offsets,
                });
            }
            Event::Error(e) => panic!("{e}"),
            Event::Notice(n) => panic!("{n}"),
        }
        Ok::<(), io::Error>(())
    })
    .expect("collect never fails");
    assert_eq!(summary.members, 5);
    got
}

/// Where `value`, found in a member's text, is in the raw file: its byte
/// range and 1-based line, through the member's offsets.
fn in_file(m: &Got, value: &str) -> (usize, usize, u64) {
    let at = m.text.find(value).expect("value in the member");
    let start = m.offsets.raw(at as u64).expect("mapped");
    let end = m.offsets.raw((at + value.len()) as u64).expect("mapped");
    let line = m.text[..at].matches('\n').count() as u64 + 1;
    (start as usize, end as usize, m.offsets.line(line))
}

fn line_in(raw: &[u8], at: usize) -> u64 {
    raw[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

#[test]
fn an_mbox_is_split_into_messages_whose_offsets_point_into_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_with_python(dir.path(), MBOX);
    let path = dir.path().join("box.mbox");
    let raw = std::fs::read(&path).expect("read");
    let got = expand_mbox(&path);
    let names: Vec<(&str, u32)> = got.iter().map(|m| (m.name.as_str(), m.depth)).collect();
    assert_eq!(
        names,
        [
            ("box.mbox!1", 1),
            ("box.mbox!1!export.csv", 2),
            ("box.mbox!2", 1),
            ("box.mbox!2!second.csv", 2),
            ("box.mbox!3", 1)
        ]
    );
    assert!(got
        .iter()
        .filter(|m| !m.name.ends_with(".csv"))
        .all(|m| m.encoding == Encoding::Mail));
    // Each message is its own text, from its separator line on; the
    // escaped `>From now on` stayed in the first.
    assert!(got[0].text.starts_with("From "), "{}", got[0].text);
    assert!(got[0].text.contains(">From now on weekly."));
    assert!(!got[0].text.contains("tobiah"));
    assert_eq!(
        got[3].text, "name,email\nAsha Verm,asha@example.com\n",
        "message 2's attachment"
    );
    assert!(got[4].text.contains("Subject: callback"));

    // A 7-bit body: the mapped range is the value in the raw file, on the
    // file's line.
    for (m, value) in [
        (&got[0], "Marisol Quenby"),
        (&got[4], "ines.alvarado@example.net"),
    ] {
        let (start, end, line) = in_file(m, value);
        assert_eq!(&raw[start..end], value.as_bytes(), "{}", m.name);
        assert_eq!(line, line_in(&raw, start), "{}", m.name);
    }
    // The last message's line is far into the file, not the message's own.
    assert!(in_file(&got[4], "Ines").2 > 30);
    // A quoted-printable body maps to its escapes in the file.
    let (start, end, _) = in_file(&got[2], "Zoë Tobiah");
    assert_eq!(&raw[start..end], b"Zo=C3=AB Tobiah");
    let (start, end, _) = in_file(&got[2], "tobiah.lee@example.org");
    assert_eq!(&raw[start..end], b"tobiah.lee@example.org");
    // Lines of an attachment are its own.
    assert_eq!(got[1].offsets.line(2), 2);
}

#[test]
fn a_single_message_is_not_split() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_with_python(
        dir.path(),
        &MBOX.replace(
            "box = mailbox.mbox",
            "open('one.eml', 'wb').write(bytes(one))\nbox = mailbox.mbox",
        ),
    );
    let file = std::fs::File::open(dir.path().join("one.eml")).expect("open");
    let mut names = Vec::new();
    expand_seekable("one.eml", &file, &Options::default(), |ev| {
        if let Event::Member(m) = ev {
            names.push(m.name().to_string());
        }
        Ok::<(), io::Error>(())
    })
    .expect("collect never fails");
    assert_eq!(names, ["one.eml", "one.eml!export.csv"]);
}
