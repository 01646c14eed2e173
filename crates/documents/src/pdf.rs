//! PDF: the text of each page, one row per line, `index` the page number.
//!
//! Text comes from pdf-extract (over lopdf): unlike lopdf's own
//! `extract_text`, which runs a page together on one line, it places each
//! glyph, so lines and word gaps survive, and it decodes the fonts real
//! files use — the standard 14 with their encodings (reportlab, most
//! generators), embedded Type1 and CFF with `/Differences` (pdfTeX),
//! TrueType and CID fonts through `ToUnicode`.
//!
//! A PDF is the most hostile input the scanner reads, and both crates
//! inflate streams without a bound and panic on malformed objects, so:
//! every stream is first decoded here into a counter (`bounds`), the
//! object count is capped, and each page is extracted behind
//! [`guarded`] — a page that panics or fails costs that page, and the
//! document reports the first such failure after the other pages.
//!
//! Encryption: a file that needs a password to open is
//! [`DocError::Encrypted`]. One with only an owner password (restricting
//! printing or copying, opening with the empty user password, as any
//! viewer does) is read — its text is as readable as the viewer's.

mod bounds;

use std::io::{Read, SeekFrom};

use lopdf::{Document, Object, ObjectId};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use crate::{guarded, Bound, DocError, DocFormat, Limits, Meter, Sink, Source};
use bounds::Filter;

pub(crate) fn read(
    source: Source<'_>,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), DocError> {
    let limit = limits.max_inflated_bytes;
    // lopdf parses from one slice: the file is held whole, so it is held
    // to the same bound as one inflated stream.
    let file_limit = DocError::Limit {
        format: DocFormat::Pdf,
        bound: Bound::Memory,
        limit,
    };
    if source.len > limit {
        return Err(file_limit);
    }
    source
        .reader
        .seek(SeekFrom::Start(0))
        .map_err(DocError::Io)?;
    let mut bytes = Vec::with_capacity(source.len as usize);
    source
        .reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(DocError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(file_limit);
    }
    guarded(DocFormat::Pdf, || read_pdf(&bytes, limits, sink))
}

fn corrupt(detail: impl Into<String>) -> DocError {
    DocError::Corrupt {
        format: DocFormat::Pdf,
        detail: detail.into(),
    }
}

fn read_pdf(bytes: &[u8], limits: &Limits, sink: &mut dyn Sink) -> Result<(), DocError> {
    let limit = limits.max_inflated_bytes;
    if memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        return Err(corrupt("no %PDF- header"));
    }
    bounds::prescan(bytes, limit)?;
    let doc = Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => DocError::Encrypted,
        e => corrupt(e.to_string()),
    })?;
    // lopdf opens with the empty user password when that works and drops
    // `/Encrypt`; still there, the file needs a password we do not have.
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(DocError::Encrypted);
    }
    if doc.objects.len() as u64 > bounds::MAX_OBJECTS {
        return Err(DocError::Limit {
            format: DocFormat::Pdf,
            bound: Bound::Objects,
            limit: bounds::MAX_OBJECTS,
        });
    }
    check_streams(&doc, limit)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(corrupt("no pages"));
    }
    let mut meter = Meter::new(DocFormat::Pdf, limits, sink);
    meter.part("")?;
    let mut failed = None;
    let mut image_only = false;
    for (&n, &id) in &pages {
        let mut lines = Lines::default();
        let res = guarded(DocFormat::Pdf, || {
            pdf_extract::output_doc_page(&doc, &mut lines, n)
                .map_err(|e| corrupt(format!("page {n}: {e:?}")))
        });
        lines.close_line();
        // What a page gave before it failed is real text: it is scanned.
        for line in &lines.done {
            meter.row(u64::from(n), &[(0, line)])?;
        }
        match res {
            Err(e) => {
                failed.get_or_insert(e);
            }
            Ok(()) if lines.done.is_empty() && has_xobjects(&doc, id) => image_only = true,
            Ok(()) => {}
        }
    }
    if let Some(e) = failed {
        return Err(e);
    }
    // A page with images and no text is a scan: say so rather than pass
    // it over (the pages with text were read all the same).
    if image_only {
        return Err(DocError::NoTextLayer);
    }
    Ok(())
}

/// The exact check, on the streams as lopdf parsed them (their own
/// dictionaries, and decrypted when the file had an owner password):
/// every one pdf-extract may inflate stays under the limit.
fn check_streams(doc: &Document, limit: u64) -> Result<(), DocError> {
    for obj in doc.objects.values() {
        let Object::Stream(stream) = obj else {
            continue;
        };
        let Ok(names) = stream.filters() else {
            continue;
        };
        let early = stream
            .dict
            .get(b"DecodeParms")
            .and_then(Object::as_dict)
            .and_then(|p| p.get(b"EarlyChange"))
            .and_then(Object::as_i64)
            .map_or(true, |v| v != 0);
        let filters: Vec<Filter> = names
            .iter()
            .map_while(|n| Filter::from_name(n, early))
            .collect();
        bounds::check_chain(&stream.content, &filters, limit)?;
    }
    Ok(())
}

/// Whether a page draws external objects (images, or forms holding
/// them): a page with those and no text is taken for a scanned one.
fn has_xobjects(doc: &Document, page: ObjectId) -> bool {
    let Ok((direct, inherited)) = doc.get_page_resources(page) else {
        return false;
    };
    direct
        .into_iter()
        .chain(
            inherited
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        )
        .any(|res| {
            let xobjects = match res.get(b"XObject") {
                Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok(),
                Ok(Object::Dictionary(d)) => Some(d),
                _ => None,
            };
            xobjects.is_some_and(|d| !d.is_empty())
        })
}

/// Builds a page's lines from placed glyphs, in the order the page draws
/// them: a glyph off the current baseline, or back to its left, starts a
/// line; a gap wider than a tenth of the font size is a space. Following
/// drawing order rather than sorting by position keeps a label sheet's
/// labels apart (generators draw label by label) while a table drawn row
/// by row keeps its row on one line.
#[derive(Default)]
struct Lines {
    done: Vec<String>,
    cur: String,
    started: bool,
    last_y: f64,
    last_end: f64,
    word_start: bool,
}

impl Lines {
    /// Ends the current line: white space normalised, empty lines dropped.
    fn close_line(&mut self) {
        let line = self.cur.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            self.done.push(line);
        }
        self.cur.clear();
        self.started = false;
    }
}

impl OutputDev for Lines {
    fn begin_page(
        &mut self,
        _page: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.close_line();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        ch: &str,
    ) -> Result<(), OutputError> {
        // The glyph's origin in page space and its size there (the side of
        // the square with the area of the transformed em box).
        let (x, y) = (trm.m31, trm.m32);
        let vx = font_size * trm.m11 + font_size * trm.m21;
        let vy = font_size * trm.m12 + font_size * trm.m22;
        let size = (vx * vy).abs().sqrt();
        if self.started && self.word_start {
            if (y - self.last_y).abs() > size * 0.5 || x < self.last_end - size {
                self.close_line();
            } else if x > self.last_end + size * 0.1 {
                self.cur.push(' ');
            }
        }
        self.cur.extend(ch.chars().filter(|c| !c.is_control()));
        self.started = true;
        self.word_start = false;
        self.last_y = y;
        self.last_end = x + width * size;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.word_start = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
