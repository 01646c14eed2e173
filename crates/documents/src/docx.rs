//! docx, pptx and odt: a zip of XML parts. Each part that holds a
//! document's text is streamed (quick-xml events, never a DOM) through a
//! bound on what its entry inflates to, in reading order: the body, then
//! headers, footers, footnotes, endnotes and comments (docx); each slide
//! in presentation order followed by its notes (pptx); `content.xml`
//! then `styles.xml`, where an OpenDocument keeps headers and footers.
//! A part's paragraphs are one text part; each of its tables is a table
//! part of its own (see `table.rs`), read by a further pass over the
//! part per depth of nesting, so that nothing larger than a row is held.

mod table;
mod xml;

use std::collections::HashMap;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use zip::result::ZipError;
use zip::ZipArchive;

use crate::detect::{is_ole2, read_full};
use crate::{Bound, DocError, DocFormat, Limits, Meter, ReadSeek, Sink, Source};
use xml::{Bounded, Dialect, Pass, XmlStop};

type Zip<'a> = ZipArchive<&'a mut (dyn ReadSeek + Send)>;

pub(crate) fn read(
    format: DocFormat,
    source: Source<'_>,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), DocError> {
    let reader = source.reader;
    if is_ole2(reader)? {
        return Err(ole2(format, reader)?);
    }
    let mut zip = ZipArchive::new(reader).map_err(|e| zip_error(format, e))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let limit = limits.max_inflated_bytes;
    let (parts, dialect) = match format {
        DocFormat::Pptx => (pptx_parts(&mut zip, &names, limit)?, Dialect::Ooxml),
        DocFormat::Odt => {
            if odf_encrypted(&mut zip, &names, limit)? {
                return Err(DocError::Encrypted);
            }
            let parts = ["content.xml", "styles.xml"]
                .into_iter()
                .filter(|p| names.iter().any(|n| n == p))
                .map(str::to_string)
                .collect();
            (parts, Dialect::Odf)
        }
        _ => (docx_parts(&names), Dialect::Ooxml),
    };
    let main = match format {
        DocFormat::Pptx => "ppt/presentation.xml",
        DocFormat::Odt => "content.xml",
        _ => "word/document.xml",
    };
    if !names.iter().any(|n| n == main) {
        return Err(DocError::Corrupt {
            format,
            detail: format!("no {main} in the zip"),
        });
    }
    let mut meter = Meter::new(format, limits, sink);
    for part in &parts {
        read_part(&mut zip, part, dialect, format, limit, &mut meter)?;
    }
    Ok(())
}

/// Streams one part into `meter`: its text, then each of its tables.
fn read_part(
    zip: &mut Zip<'_>,
    name: &str,
    dialect: Dialect,
    format: DocFormat,
    limit: u64,
    meter: &mut Meter<'_>,
) -> Result<(), DocError> {
    meter.part(name)?;
    let mut deepest = 0;
    let text = walk(
        zip,
        name,
        dialect,
        format,
        limit,
        Pass::Text,
        &mut deepest,
        meter,
    );
    // A part past a limit is not inflated again, nor read past the sink's
    // stop; one cut short by bad markup still gives the tables before
    // the cut (each table pass stops at the same cut).
    if matches!(text, Err(DocError::Limit { .. } | DocError::Sink(_))) {
        return text;
    }
    for depth in 1..=deepest.min(xml::MAX_NESTING) {
        let tables = walk(
            zip,
            name,
            dialect,
            format,
            limit,
            Pass::Tables(depth),
            &mut 0,
            meter,
        );
        match tables {
            Err(DocError::Corrupt { .. } | DocError::Io(_)) if text.is_err() => {}
            Err(e) => return Err(e),
            Ok(()) => {}
        }
    }
    text
}

/// One read of the part `name` through `pass`.
#[allow(clippy::too_many_arguments)]
fn walk(
    zip: &mut Zip<'_>,
    name: &str,
    dialect: Dialect,
    format: DocFormat,
    limit: u64,
    pass: Pass,
    deepest: &mut u32,
    meter: &mut Meter<'_>,
) -> Result<(), DocError> {
    let entry = zip.by_name(name).map_err(|e| zip_error(format, e))?;
    let mut xml = Reader::from_reader(BufReader::new(Bounded::new(entry, limit)));
    match xml::rows(&mut xml, dialect, format, pass, name, deepest, meter) {
        Ok(()) => Ok(()),
        Err(XmlStop::Doc(e)) => Err(e),
        Err(XmlStop::Xml(e)) => Err(xml_error(
            format,
            name,
            limit,
            xml.get_ref().get_ref().over,
            e,
        )),
    }
}

fn xml_error(
    format: DocFormat,
    part: &str,
    limit: u64,
    over: bool,
    e: quick_xml::Error,
) -> DocError {
    if over {
        return DocError::Limit {
            format,
            bound: Bound::Inflate,
            limit,
        };
    }
    if let quick_xml::Error::Io(io) = &e {
        if !matches!(
            io.kind(),
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof
        ) {
            return DocError::Io(io::Error::new(io.kind(), io.to_string()));
        }
    }
    DocError::Corrupt {
        format,
        detail: format!("{part}: {e}"),
    }
}

fn zip_error(format: DocFormat, e: ZipError) -> DocError {
    match e {
        ZipError::UnsupportedArchive(m) if m == ZipError::PASSWORD_REQUIRED => DocError::Encrypted,
        ZipError::InvalidPassword => DocError::Encrypted,
        ZipError::Io(e)
            if !matches!(
                e.kind(),
                io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
            ) =>
        {
            DocError::Io(e)
        }
        e => DocError::Corrupt {
            format,
            detail: e.to_string(),
        },
    }
}

/// An OLE2 compound file given as docx/pptx: Office's encryption wraps the
/// zip in one (its `EncryptedPackage` stream); anything else is a legacy
/// binary document, which is not read.
fn ole2(format: DocFormat, reader: &mut (dyn ReadSeek + Send)) -> Result<DocError, DocError> {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    reader.seek(SeekFrom::Start(0)).map_err(DocError::Io)?;
    let mut buf = vec![0u8; 64 << 10];
    let mut kept = 0;
    loop {
        let n = read_full(reader, &mut buf[kept..]).map_err(DocError::Io)?;
        let filled = kept + n;
        if memchr::memmem::find(&buf[..filled], &needle).is_some() {
            return Ok(DocError::Encrypted);
        }
        if n == 0 {
            return Ok(DocError::Unsupported {
                format,
                detail: "an OLE2 compound file, not a zip (a legacy binary document?)".to_string(),
            });
        }
        // Keep a needle's length so a name split between reads is found.
        kept = needle.len().min(filled);
        buf.copy_within(filled - kept..filled, 0);
    }
}

/// The number in a part's file name (`header12.xml` → 12), for ordering.
fn number(name: &str) -> u64 {
    let stem = name.rsplit('/').next().unwrap_or(name);
    let digits: String = stem.chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

/// Names under `dir` starting with `stem` and ending in `.xml`, by number.
fn numbered<'n>(names: &'n [String], dir: &str, stem: &str) -> Vec<&'n String> {
    let mut found: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.strip_prefix(dir)
                .and_then(|rest| rest.strip_prefix(stem))
                .and_then(|rest| rest.strip_suffix(".xml"))
                .is_some_and(|num| num.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect();
    found.sort_by_key(|n| number(n));
    found
}

fn docx_parts(names: &[String]) -> Vec<String> {
    let mut parts = vec!["word/document.xml".to_string()];
    parts.extend(numbered(names, "word/", "header").into_iter().cloned());
    parts.extend(numbered(names, "word/", "footer").into_iter().cloned());
    for single in [
        "word/footnotes.xml",
        "word/endnotes.xml",
        "word/comments.xml",
    ] {
        if names.iter().any(|n| n == single) {
            parts.push(single.to_string());
        }
    }
    parts
}

/// Slides in the order the presentation lists them, each followed by its
/// notes; then any slide or notes part no list reaches (a breach scanner
/// reads what is in the file, shown or not).
fn pptx_parts(zip: &mut Zip<'_>, names: &[String], limit: u64) -> Result<Vec<String>, DocError> {
    let mut order = Vec::new();
    each_element(zip, DocFormat::Pptx, "ppt/presentation.xml", limit, |e| {
        if e.local_name().as_ref() == b"sldId" {
            if let Some(id) = prefixed_id(e) {
                order.push(id);
            }
        }
    })?;
    let targets = relationships(
        zip,
        DocFormat::Pptx,
        "ppt/_rels/presentation.xml.rels",
        "ppt/",
        limit,
    )?;
    let mut parts: Vec<String> = Vec::new();
    for id in &order {
        let Some((_, slide)) = targets.get(id) else {
            continue;
        };
        if !names.contains(slide) || parts.contains(slide) {
            continue;
        }
        parts.push(slide.clone());
        let (dir, file) = slide.rsplit_once('/').unwrap_or(("", slide));
        let rels = format!("{dir}/_rels/{file}.rels");
        let slide_rels = relationships(zip, DocFormat::Pptx, &rels, &format!("{dir}/"), limit)?;
        let mut notes: Vec<&String> = slide_rels
            .values()
            .filter(|(kind, target)| kind.ends_with("/notesSlide") && names.contains(target))
            .map(|(_, target)| target)
            .collect();
        notes.sort();
        for n in notes {
            if !parts.contains(n) {
                parts.push(n.clone());
            }
        }
    }
    for orphan in numbered(names, "ppt/slides/", "slide")
        .into_iter()
        .chain(numbered(names, "ppt/notesSlides/", "notesSlide"))
    {
        if !parts.contains(orphan) {
            parts.push(orphan.clone());
        }
    }
    Ok(parts)
}

/// A relationship id (`r:id`), as opposed to an element's own `id`.
fn prefixed_id(e: &BytesStart<'_>) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        (key.contains(&b':') && a.key.local_name().as_ref() == b"id")
            .then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

/// A `.rels` part of a `format` package (pptx, xlsb): id → (type, target
/// resolved against `base`). A missing part has no relationships.
pub(crate) fn relationships<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    format: DocFormat,
    rels: &str,
    base: &str,
    limit: u64,
) -> Result<HashMap<String, (String, String)>, DocError> {
    let mut map = HashMap::new();
    if zip.index_for_name(rels).is_none() {
        return Ok(map);
    }
    each_element(zip, format, rels, limit, |e| {
        if e.local_name().as_ref() != b"Relationship" {
            return;
        }
        let attr = |k: &str| {
            e.try_get_attribute(k).ok().flatten().and_then(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
        };
        let (Some(id), Some(target)) = (attr("Id"), attr("Target")) else {
            return;
        };
        let kind = attr("Type").unwrap_or_default();
        map.insert(id, (kind, resolve(base, &target)));
    })?;
    Ok(map)
}

/// `target` relative to the folder `base` (ending in `/`), `..` resolved.
fn resolve(base: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("{base}{target}"),
    };
    let mut out: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// Calls `f` on every start or empty element of the entry `name` of a
/// `format` document.
fn each_element<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    format: DocFormat,
    name: &str,
    limit: u64,
    mut f: impl FnMut(&BytesStart<'_>),
) -> Result<(), DocError> {
    let entry = zip.by_name(name).map_err(|e| zip_error(format, e))?;
    let mut xml = Reader::from_reader(BufReader::new(Bounded::new(entry, limit)));
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => f(&e),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => {
                let over = xml.get_ref().get_ref().over;
                return Err(xml_error(format, name, limit, over, e));
            }
        }
        buf.clear();
    }
}

/// An OpenDocument whose manifest gives encryption data for its entries.
fn odf_encrypted(zip: &mut Zip<'_>, names: &[String], limit: u64) -> Result<bool, DocError> {
    const MANIFEST: &str = "META-INF/manifest.xml";
    if !names.iter().any(|n| n == MANIFEST) {
        return Ok(false);
    }
    let mut encrypted = false;
    each_element(zip, DocFormat::Odt, MANIFEST, limit, |e| {
        encrypted |= e.local_name().as_ref() == b"encryption-data";
    })?;
    Ok(encrypted)
}
