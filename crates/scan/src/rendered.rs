//! The sniff policy for document parts rendered as text by `bw-formats`
//! (sheets, tables, document paragraphs, PDF pages): their shape is
//! known, so it decides, not a guess from the head.

use bw_detect::hints::csv::CsvHinter;
use bw_detect::Start;
use bw_formats::Shape;

use crate::Sniffed;

/// A table's first line is its column names: always CSV with hints. A
/// sheet is CSV with hints when its first row reads as a header (a title
/// row above the header does not), and otherwise still one record per
/// row. Paragraphs and PDF lines are one record per line.
pub(crate) fn sniff(shape: Shape, name: &str, head: &[u8]) -> (Start, Sniffed) {
    match shape {
        Shape::Table => (Start::Csv(CsvHinter::new(b',')), Sniffed::Csv),
        Shape::Sheet => match CsvHinter::sniff(name, head) {
            Some(csv) => (Start::Csv(csv), Sniffed::Csv),
            None => (Start::Plain, Sniffed::Lines),
        },
        Shape::Text | Shape::Pages => (Start::Plain, Sniffed::Lines),
    }
}
