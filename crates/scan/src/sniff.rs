//! The one sniff policy: how a member is scanned, decided from its first
//! chunk. Every command must agree on it, or counts in an incident would
//! differ from what `scan` shows for the same file.

use bw_detect::hints::csv::CsvHinter;
use bw_detect::hints::html::HtmlHinter;
use bw_detect::hints::json::JsonHinter;
use bw_detect::hints::kv::KvHinter;
use bw_detect::hints::sql::SqlHinter;
use bw_detect::Start;

/// Binary content is judged on this much of a member's head: enough for
/// any text format's preamble, little enough to cost nothing.
const BINARY_HEAD: usize = 8192;

/// What [`sniff`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Binary,
    Csv,
    /// A SQL dump (by name or head): its tables' columns hint its rows.
    Sql,
    /// Text whose lines are records: a log (lines led by a timestamp) or
    /// NDJSON (one object per line), or a name saying so.
    Lines,
    Plain,
}

impl Sniffed {
    /// Whether each line is one record.
    pub fn by_line(self) -> bool {
        matches!(self, Sniffed::Csv | Sniffed::Lines)
    }
}

/// At least this many whole lines in the head before their shape counts.
const MIN_LINES: usize = 4;

/// Logs and NDJSON: one event, so at most one person, per line. Decided
/// from the name or from most of the head's whole lines, so a prose file
/// with a dated first line stays prose.
fn line_records(name: &str, head: &[u8]) -> bool {
    let lower = name
        .rsplit(['/', '!'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    if [".log", ".ndjson", ".jsonl"]
        .iter()
        .any(|e| lower.ends_with(e))
        || lower.contains(".log.")
    {
        return true;
    }
    // Only whole lines: the head may end mid-line.
    let whole = match head.iter().rposition(|&b| b == b'\n') {
        Some(i) => &head[..i],
        None => return false,
    };
    let (mut lines, mut shaped) = (0usize, 0usize);
    for line in whole.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let t = line.trim_ascii();
        if t.is_empty() {
            continue;
        }
        lines += 1;
        if (t.starts_with(b"{") && t.ends_with(b"}")) || starts_with_timestamp(t) {
            shaped += 1;
        }
    }
    lines >= MIN_LINES && shaped * 10 >= lines * 8
}

/// `2026-05-04…`, `[04/May/2026:…` (common log format, after its client
/// address), `May  4 09:00:00` (syslog), within a line's first 40 bytes.
fn starts_with_timestamp(line: &[u8]) -> bool {
    let head = &line[..line.len().min(40)];
    let iso = head.windows(10).any(|w| {
        w[..4].iter().all(u8::is_ascii_digit)
            && w[4] == b'-'
            && w[5..7].iter().all(u8::is_ascii_digit)
            && w[7] == b'-'
            && w[8..10].iter().all(u8::is_ascii_digit)
    });
    let clf = head.windows(12).any(|w| {
        w[0] == b'['
            && w[1..3].iter().all(u8::is_ascii_digit)
            && w[3] == b'/'
            && w[4..7].iter().all(u8::is_ascii_alphabetic)
            && w[7] == b'/'
            && w[8..12].iter().all(u8::is_ascii_digit)
    });
    const MONTHS: [&[u8]; 12] = [
        b"Jan ", b"Feb ", b"Mar ", b"Apr ", b"May ", b"Jun ", b"Jul ", b"Aug ", b"Sep ", b"Oct ",
        b"Nov ", b"Dec ",
    ];
    let syslog = MONTHS.iter().any(|m| line.starts_with(m))
        && line
            .get(4..6)
            .is_some_and(|d| d.iter().any(u8::is_ascii_digit));
    iso || clf || syslog
}

/// How to scan a member named `name` whose stream starts with `first`:
/// a NUL byte in the head makes it binary, skipped unless `binary` is
/// set; a SQL dump (a `.sql` name, a dump tool's banner, statements in the
/// head) gets its tables' columns as hints; delimited text gets column
/// hints; logs and NDJSON are text whose lines are records; the rest
/// is plain text. Dumps are tried before delimited text: a dump's head is
/// never a CSV header, while a CSV cell may start with `INSERT`. JSON and
/// NDJSON get their keys as hints (and objects as records), logs their
/// `key=value` pairs.
pub fn sniff(binary: bool, name: &str, first: &[u8]) -> (Start, Sniffed) {
    if !binary && first[..first.len().min(BINARY_HEAD)].contains(&0) {
        (Start::Skip, Sniffed::Binary)
    } else if let Some(sql) = SqlHinter::sniff(name, first) {
        (Start::Sql(sql), Sniffed::Sql)
    } else if let Some(html) = HtmlHinter::sniff(name, first) {
        // Records come from the structure (rows, list items, items).
        (Start::Html(Box::new(html)), Sniffed::Plain)
    } else if let Some(json) = JsonHinter::sniff(name, first) {
        let lines = line_records(name, first);
        (
            Start::Json(json),
            if lines {
                Sniffed::Lines
            } else {
                Sniffed::Plain
            },
        )
    } else if let Some(csv) = CsvHinter::sniff(name, first) {
        (Start::Csv(csv), Sniffed::Csv)
    } else if line_records(name, first) {
        match KvHinter::sniff(first) {
            Some(kv) => (Start::Kv(kv), Sniffed::Lines),
            None => (Start::Plain, Sniffed::Lines),
        }
    } else {
        (Start::Plain, Sniffed::Plain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_in_the_head_is_binary_unless_asked_for() {
        let mut head = b"name,email\nAnn,ann@example.com\n".to_vec();
        head.push(0);
        assert_eq!(sniff(false, "x.csv", &head).1, Sniffed::Binary);
        assert_eq!(sniff(true, "x.csv", &head).1, Sniffed::Csv);
        // A NUL past the head does not make it binary.
        let mut long = vec![b'a'; BINARY_HEAD];
        long.push(0);
        assert_eq!(sniff(false, "x.txt", &long).1, Sniffed::Plain);
    }

    #[test]
    fn dumps_of_every_tool_are_sql_by_name_or_head() {
        let mysql = b"-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n";
        let pg = b"--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n";
        let sqlite = b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE t(a);\n";
        for head in [&mysql[..], pg, sqlite] {
            assert_eq!(sniff(false, "backup", head).1, Sniffed::Sql);
        }
        assert_eq!(sniff(false, "shop.sql", b"SELECT 1;\n").1, Sniffed::Sql);
        // A CSV file stays CSV, even with a statement in a cell.
        let csv = b"email,note\na@b.de,\"INSERT INTO x VALUES (1)\"\n";
        assert_eq!(sniff(false, "a.csv", csv).1, Sniffed::Csv);
    }

    #[test]
    fn html_is_followed_by_name_or_head() {
        let page = b"<!DOCTYPE html>\n<html><body><p class=\"phone\">1</p>";
        assert!(matches!(sniff(false, "saved", page).0, Start::Html(_)));
        let table = b"<table border=\"1\" class=\"dataframe\">\n";
        assert!(matches!(sniff(false, "x.htm", table).0, Start::Html(_)));
        assert!(matches!(
            sniff(false, "notes.txt", b"Dear Ann,\n").0,
            Start::Plain
        ));
    }

    #[test]
    fn logs_and_ndjson_have_line_records_and_prose_does_not() {
        let log = b"2026-05-01T09:00:01Z call from Ann Lee about order 1234\n\
            2026-05-01T09:02:11Z callback to bob.stone@shop-mail.example\n\
            2026-05-01T09:05:40Z refund issued\n\
            2026-05-01T09:07:02Z note: customer asked for a new card\n";
        assert_eq!(sniff(false, "calls.txt", log).1, Sniffed::Lines);
        let clf =
            b"203.0.113.9 - - [04/May/2026:09:00:01 +0000] \"GET / HTTP/1.1\" 200 512\n".repeat(5);
        assert_eq!(sniff(false, "access", &clf).1, Sniffed::Lines);
        let ndjson = b"{\"email\":\"a@x.example\"}\n{\"email\":\"b@x.example\"}\n{}\n{\"n\":1}\n";
        assert_eq!(sniff(false, "events", ndjson).1, Sniffed::Lines);
        assert_eq!(sniff(false, "app.log.1", b"free text").1, Sniffed::Lines);
        let prose = b"2026-05-01 minutes\nWe met to discuss the launch.\nAnn Lee will send the\nplan to bob@x.example\nby Friday.\n";
        assert_eq!(sniff(false, "minutes.txt", prose).1, Sniffed::Plain);
        // A pretty-printed JSON object spans lines: one person per object.
        let pretty = b"{\n  \"name\": \"Ann Lee\",\n  \"email\": \"ann@x.example\"\n}\n";
        assert_eq!(sniff(false, "c.json", pretty).1, Sniffed::Plain);
    }
}
