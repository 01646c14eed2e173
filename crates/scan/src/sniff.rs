//! The one sniff policy: how a member is scanned, decided from its first
//! chunk. Every command must agree on it, or counts in an incident would
//! differ from what `scan` shows for the same file.

use bw_detect::hints::csv::CsvHinter;
use bw_detect::Start;

/// Binary content is judged on this much of a member's head: enough for
/// any text format's preamble, little enough to cost nothing.
const BINARY_HEAD: usize = 8192;

/// What [`sniff`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Binary,
    Csv,
    Plain,
}

/// How to scan a member named `name` whose stream starts with `first`:
/// a NUL byte in the head makes it binary, skipped unless `binary` is
/// set; delimited text gets column hints; the rest is plain text.
pub fn sniff(binary: bool, name: &str, first: &[u8]) -> (Start, Sniffed) {
    if !binary && first[..first.len().min(BINARY_HEAD)].contains(&0) {
        (Start::Skip, Sniffed::Binary)
    } else if let Some(csv) = CsvHinter::sniff(name, first) {
        (Start::Csv(csv), Sniffed::Csv)
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
}
