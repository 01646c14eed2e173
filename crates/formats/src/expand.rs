//! The walk through nested containers down to scannable members.

use std::cell::Cell;
use std::collections::HashSet;
use std::io::{self, Chain, Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;

use bw_documents::Shape;

use crate::error::{Failure, MemberError, Notice, NoticeKind, Reason};
use crate::limits::{Budget, Consumed, Counted, Guard, LimitKind};
use crate::location::Location;
use crate::mail::{looks_like_mail, MailDecoder};
use crate::render::LocationMap;
use crate::sniff::{
    clean_name, decompressed_name, is_unsafe_path, read_head, sniff, Format, SNIFF_LEN,
};
use crate::utf16::{detect_utf16, Endian, OffsetMap, Utf16Decoder};
use crate::{Event, Options, Summary};

/// How a member's bytes were decoded for scanning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Handed out as stored (UTF-8, Latin-1, binary: the scanner decides).
    AsIs,
    /// UTF-16 transcoded to UTF-8; use [`Member::offsets`] to map offsets back.
    Utf16(Endian),
    /// RFC 5322 mail (a message, or one message of an mbox) whose
    /// quoted-printable bodies were decoded (see [`crate::mail`]); use
    /// [`Member::offsets`] to map offsets back.
    Mail,
    /// A part of a document (a sheet, a table, a document part, a PDF's
    /// pages) rendered as text: CSV for [`Shape::Sheet`] and
    /// [`Shape::Table`], one row per line otherwise (see [`crate::render`]).
    /// Offsets are into the rendered text; [`Offsets::location`] says
    /// where in the document they are.
    Rendered(Shape),
}

/// Maps offsets in the bytes a [`Member`] hands out to offsets in the
/// member's raw (decompressed) bytes. A cheap handle: clone it before
/// handing the member to a scanner.
#[derive(Clone, Debug)]
pub enum Offsets {
    /// The bytes are the raw bytes.
    Identity,
    /// UTF-16 transcoded: see [`OffsetMap::raw`].
    Utf16(OffsetMap),
    /// Quoted-printable mail bodies decoded: see [`OffsetMap::raw`].
    Mail(OffsetMap),
    /// One message of an mbox (`box.mbox!3`), decoded like [`Offsets::Mail`]:
    /// a message is a slice of its mbox, so its raw offsets are offsets
    /// into the mbox, and its lines are numbered as the mbox's (see
    /// [`Offsets::line`]).
    Message { map: OffsetMap, lines_before: u64 },
    /// A rendered document part: offsets are into the rendered text (the
    /// document's own bytes have no offsets a person could use); see
    /// [`Offsets::location`].
    Rendered(LocationMap),
}

impl Offsets {
    /// The raw offset of `decoded`; `None` only for decoded offsets beyond
    /// what was decoded or older than the decoder's window.
    pub fn raw(&self, decoded: u64) -> Option<u64> {
        match self {
            Offsets::Identity | Offsets::Rendered(_) => Some(decoded),
            Offsets::Utf16(map) | Offsets::Mail(map) | Offsets::Message { map, .. } => {
                map.raw(decoded)
            }
        }
    }

    /// The line a scanner counted from the member's start (1-based; 0 when
    /// it counts none), numbered where the raw offsets point: the mbox's
    /// line for a message of an mbox, the same line otherwise.
    pub fn line(&self, line: u64) -> u64 {
        match self {
            Offsets::Message { lines_before, .. } if line > 0 => line + lines_before,
            _ => line,
        }
    }

    /// Where in its document the byte at `decoded` sits: a cell, a page,
    /// a table row; `None` for members that are not rendered documents.
    pub fn location(&self, decoded: u64) -> Option<Location> {
        match self {
            Offsets::Rendered(map) => map.locate(decoded),
            _ => None,
        }
    }

    /// The raw range of a finding at decoded `[start, end)` in the member
    /// `name`, for a scanner's hit callback. The decoder keeps a window far
    /// larger than a scanner's overlap, so failing is a bug, not bad
    /// input: the error says so and stops the member.
    pub fn raw_range(&self, name: &str, start: u64, end: u64) -> io::Result<(u64, u64)> {
        match (self.raw(start), self.raw(end)) {
            (Some(s), Some(e)) => Ok((s, e)),
            _ => Err(io::Error::other(format!(
                "{name}: cannot map decoded offset {start} to the raw bytes"
            ))),
        }
    }
}

/// One scannable member: a plain input, a decompressed stream, or an archive
/// entry. Read it like any `Read`; it never returns an error. If the data
/// behind it fails (corrupt, truncated, a limit hit), it ends early and the
/// failure arrives as the next [`Event::Error`], naming this member. The
/// caller need not read it to the end.
pub struct Member<'a> {
    pub(crate) name: &'a str,
    pub(crate) depth: u32,
    pub(crate) encoding: Encoding,
    pub(crate) offsets: Offsets,
    pub(crate) unsafe_path: bool,
    pub(crate) reader: &'a mut dyn Read,
}

impl Member<'_> {
    /// `outer.zip!inner.csv`, `a.tar.gz!dir/b.zip!c.json`, `logs.gz!logs`;
    /// the input's own name for a plain input. See the crate doc.
    pub fn name(&self) -> &str {
        self.name
    }

    /// Containers opened to reach this member (0 for a plain input).
    pub fn depth(&self) -> u32 {
        self.depth
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Offsets into what this reader hands out map to raw member offsets
    /// through this (the identity unless the member was UTF-16).
    pub fn offsets(&self) -> Offsets {
        self.offsets.clone()
    }

    /// The entry's name is absolute or climbs out with `..` (an
    /// [`NoticeKind::UnsafePath`] notice preceded this member).
    pub fn unsafe_path(&self) -> bool {
        self.unsafe_path
    }
}

impl Read for Member<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

/// Ends the stream at the first error and keeps the error for the walker
/// to report: the scanner sees a shorter member, never an I/O error it
/// would have to tell apart from its own.
struct Catch<R> {
    inner: R,
    err: Option<io::Error>,
}

impl<R: Read> Read for Catch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.err.is_some() {
            return Ok(0);
        }
        loop {
            match self.inner.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.err = Some(e);
                    return Ok(0);
                }
            }
        }
    }
}

type Peeked<'r> = Chain<Cursor<Vec<u8>>, &'r mut dyn Read>;

fn peeked<'r>(head: Vec<u8>, rest: &'r mut dyn Read) -> Peeked<'r> {
    Cursor::new(head).chain(rest)
}

/// The last `!`-separated segment of a member name.
fn last_segment(label: &str) -> &str {
    label.rsplit('!').next().unwrap_or(label)
}

pub(crate) struct Walker<'v, E> {
    pub visit: &'v mut dyn FnMut(Event<'_>) -> Result<(), E>,
    pub options: &'v Options,
    pub reported: HashSet<u64>,
    pub summary: Summary,
}

impl<'v, E> Walker<'v, E> {
    pub(crate) fn new(
        visit: &'v mut dyn FnMut(Event<'_>) -> Result<(), E>,
        options: &'v Options,
    ) -> Walker<'v, E> {
        Walker {
            visit,
            options,
            reported: HashSet::new(),
            summary: Summary::default(),
        }
    }

    /// Reports that `name` went over the `which` limit of `limit`.
    pub(crate) fn over_limit(&mut self, name: &str, which: LimitKind, limit: u64) -> Result<(), E> {
        self.error(name, Reason::LimitExceeded { which, limit })
    }

    pub(crate) fn error(&mut self, name: &str, reason: Reason) -> Result<(), E> {
        self.summary.errors += 1;
        (self.visit)(Event::Error(MemberError {
            name: name.to_string(),
            reason,
        }))
    }

    /// Reports an I/O error once: a tagged failure already reported by a
    /// reader further in (the same broken gzip seen again by the tar above
    /// it) is not repeated.
    fn report_io(&mut self, name: &str, format: Format, e: &io::Error) -> Result<(), E> {
        if let Some(f) = Failure::from_io(e) {
            if !self.reported.insert(f.id) {
                return Ok(());
            }
        }
        self.error(name, Reason::of_io(format, e))
    }

    fn notice(&mut self, name: &str, kind: NoticeKind) -> Result<(), E> {
        self.summary.notices += 1;
        (self.visit)(Event::Notice(Notice {
            name: name.to_string(),
            kind,
        }))
    }

    /// Counts one archive entry; false (after reporting it) once over the limit.
    fn count_entry(&mut self, b: &Budget, archive: &str) -> Result<bool, E> {
        b.entries.set(b.entries.get() + 1);
        if b.entries.get() <= b.limits.max_members {
            return Ok(true);
        }
        b.members_hit.set(true);
        self.over_limit(archive, LimitKind::Members, b.limits.max_members)?;
        Ok(false)
    }

    /// Sniffs `reader` and walks into it. `label` names this data as a
    /// leaf; `base` is what its archive entries, if it is an archive, are
    /// named under (they differ for a compressed stream: `a.tar.gz` holds
    /// `a.tar.gz!a.tar`, whose entries are `a.tar.gz!x`, not `a.tar.gz!a.tar!x`).
    pub fn walk(
        &mut self,
        b: &Budget,
        label: &str,
        base: &str,
        reader: &mut dyn Read,
        depth: u32,
        unsafe_path: bool,
    ) -> Result<(), E> {
        let head = match read_head(reader, SNIFF_LEN) {
            Ok(h) => h,
            Err(e) => return self.report_io(label, Format::Plain, &e),
        };
        let format = sniff(&head, last_segment(label));
        self.open(b, label, base, head, reader, format, depth, unsafe_path)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn open(
        &mut self,
        b: &Budget,
        label: &str,
        base: &str,
        head: Vec<u8>,
        reader: &mut dyn Read,
        format: Format,
        depth: u32,
        unsafe_path: bool,
    ) -> Result<(), E> {
        if format == Format::Plain {
            return self.deliver(b, label, head, reader, depth, unsafe_path);
        }
        if depth >= b.limits.max_depth {
            return self.over_limit(label, LimitKind::Depth, u64::from(b.limits.max_depth));
        }
        let depth = depth + 1;
        match format {
            Format::Gzip | Format::Zstd | Format::Bzip2 | Format::Xz => {
                let count = Rc::new(Cell::new(0u64));
                let input = Counted {
                    inner: peeked(head, reader),
                    count: Rc::clone(&count),
                };
                let decoder: Box<dyn Read + '_> = match format {
                    Format::Gzip => Box::new(flate2::read::MultiGzDecoder::new(input)),
                    Format::Zstd => match zstd::stream::read::Decoder::new(input) {
                        Ok(d) => Box::new(d),
                        Err(e) => return self.error(label, Reason::of_io(format, &e)),
                    },
                    Format::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(input)),
                    _ => {
                        let kib =
                            u32::try_from(b.limits.max_window_bytes / 1024).unwrap_or(u32::MAX - 1);
                        Box::new(lzma_rust2::XzReader::new_mem_limit(input, true, kib))
                    }
                };
                let mut guard = Guard::new(decoder, b, format, Consumed::Counter(count));
                let inner = format!("{base}!{}", decompressed_name(last_segment(label)));
                let head = match read_head(&mut guard, SNIFF_LEN) {
                    Ok(h) => h,
                    Err(e) => return self.report_io(&inner, format, &e),
                };
                let inner_format = sniff(&head, &inner);
                if matches!(inner_format, Format::Tar | Format::Zip) {
                    guard.member_limit = u64::MAX;
                }
                self.open(
                    b,
                    &inner,
                    base,
                    head,
                    &mut guard,
                    inner_format,
                    depth,
                    unsafe_path,
                )
            }
            Format::Tar => self.tar(b, base, peeked(head, reader), depth),
            Format::Document(d) => {
                self.document_stream(b, label, d, &mut peeked(head, reader), depth)
            }
            Format::Zip => {
                let mut spool = tempfile::SpooledTempFile::new(b.limits.spool_in_memory);
                let len = match io::copy(&mut peeked(head, reader), &mut spool) {
                    Ok(n) => n,
                    Err(e) => return self.report_io(label, Format::Zip, &e),
                };
                if let Err(e) = spool.seek(SeekFrom::Start(0)) {
                    return self.error(label, Reason::Read(format!("zip spool: {e}")));
                }
                self.zip(b, base, spool, len, depth)
            }
            Format::Plain => self.deliver(b, label, Vec::new(), reader, depth, unsafe_path),
        }
    }

    fn deliver(
        &mut self,
        b: &Budget,
        name: &str,
        mut head: Vec<u8>,
        reader: &mut dyn Read,
        depth: u32,
        unsafe_path: bool,
    ) -> Result<(), E> {
        let utf16 = detect_utf16(&head, self.options.guess_utf16);
        let mut attachments = Vec::new();
        let err = match utf16 {
            None if head.starts_with(b"From ") && looks_like_mail(&head) => {
                return self.mbox(b, name, head, reader, depth, unsafe_path);
            }
            None if looks_like_mail(&head) => {
                let mut src = Catch {
                    inner: peeked(head, reader),
                    err: None,
                };
                let mut dec = MailDecoder::new(&mut src).with_attachment_limits(
                    self.options.limits.max_member_bytes,
                    usize::try_from(self.options.limits.max_members).unwrap_or(usize::MAX),
                );
                let offsets = Offsets::Mail(dec.offset_map());
                (self.visit)(Event::Member(Member {
                    name,
                    depth,
                    encoding: Encoding::Mail,
                    offsets,
                    unsafe_path,
                    reader: &mut dec,
                }))?;
                // Parts the visitor did not read to are still decoded.
                let _ = io::copy(&mut dec, &mut io::sink());
                attachments = dec.take_attachments();
                drop(dec);
                src.err
            }
            None => {
                let mut src = Catch {
                    inner: peeked(head, reader),
                    err: None,
                };
                (self.visit)(Event::Member(Member {
                    name,
                    depth,
                    encoding: Encoding::AsIs,
                    offsets: Offsets::Identity,
                    unsafe_path,
                    reader: &mut src,
                }))?;
                src.err
            }
            Some(start) => {
                let raw_start = if start.bom {
                    head.drain(..2);
                    2
                } else {
                    0
                };
                let mut src = Catch {
                    inner: peeked(head, reader),
                    err: None,
                };
                let mut dec = Utf16Decoder::new(&mut src, start.endian, raw_start);
                let offsets = Offsets::Utf16(dec.offset_map());
                (self.visit)(Event::Member(Member {
                    name,
                    depth,
                    encoding: Encoding::Utf16(start.endian),
                    offsets,
                    unsafe_path,
                    reader: &mut dec,
                }))?;
                drop(dec);
                src.err
            }
        };
        self.summary.members += 1;
        if let Some(e) = err {
            self.report_io(name, Format::Plain, &e)?;
        }
        self.attachments(b, name, attachments, depth)
    }

    /// Splits an mbox into its messages, each a member (`box.mbox!3`,
    /// numbered from 1) with its attachments walked right after it
    /// (`box.mbox!3!list.csv`): no record runs from one message into the
    /// next, and only one message's attachments wait at a time. A message
    /// is not an archive entry for the member-count limit: its bytes are
    /// the input's own, and a large mailbox holds far more than 100,000.
    fn mbox(
        &mut self,
        b: &Budget,
        name: &str,
        head: Vec<u8>,
        reader: &mut dyn Read,
        depth: u32,
        unsafe_path: bool,
    ) -> Result<(), E> {
        if depth >= b.limits.max_depth {
            return self.over_limit(name, LimitKind::Depth, u64::from(b.limits.max_depth));
        }
        let mut src = Catch {
            inner: peeked(head, reader),
            err: None,
        };
        let mut dec = MailDecoder::new(&mut src)
            .with_attachment_limits(
                self.options.limits.max_member_bytes,
                usize::try_from(self.options.limits.max_members).unwrap_or(usize::MAX),
            )
            .split_messages();
        let mut n = 0u64;
        // `Catch` ends the stream instead of failing, so the decoder's own
        // reads cannot fail: the error is looked at after each message.
        while !b.stopped() && dec.next_message().unwrap_or(false) {
            n += 1;
            let message = format!("{name}!{n}");
            let offsets = Offsets::Message {
                map: dec.offset_map(),
                lines_before: dec.lines_before(),
            };
            (self.visit)(Event::Member(Member {
                name: &message,
                depth: depth + 1,
                encoding: Encoding::Mail,
                offsets,
                unsafe_path,
                reader: &mut dec,
            }))?;
            // Parts the visitor did not read to are still decoded.
            let _ = io::copy(&mut dec, &mut io::sink());
            self.summary.members += 1;
            let attachments = dec.take_attachments();
            let err = dec.get_mut().err.take();
            if let Some(e) = &err {
                self.report_io(&message, Format::Plain, e)?;
            }
            self.attachments(b, &message, attachments, depth + 1)?;
            if err.is_some() {
                break;
            }
        }
        Ok(())
    }

    /// Walks a mail's decoded base64 parts as members inside it
    /// (`mail.eml!export.xlsx`).
    fn attachments(
        &mut self,
        b: &Budget,
        mail: &str,
        attachments: Vec<crate::mail::Attachment>,
        depth: u32,
    ) -> Result<(), E> {
        for mut att in attachments {
            if b.stopped() || !self.count_entry(b, mail)? {
                break;
            }
            let name = format!("{mail}!{}", clean_name(&att.name));
            if depth >= b.limits.max_depth {
                self.over_limit(&name, LimitKind::Depth, u64::from(b.limits.max_depth))?;
                continue;
            }
            let mut guard = Guard::new(&mut att.data, b, Format::Plain, Consumed::NotCompressed);
            self.walk(b, &name, &name, &mut guard, depth + 1, false)?;
            if att.truncated {
                self.over_limit(&name, LimitKind::MemberBytes, b.limits.max_member_bytes)?;
            }
        }
        Ok(())
    }

    fn tar(&mut self, b: &Budget, base: &str, reader: impl Read, depth: u32) -> Result<(), E> {
        let mut archive = tar::Archive::new(reader);
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => return self.report_io(base, Format::Tar, &e),
        };
        for entry in entries {
            if b.stopped() {
                break;
            }
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    // The tar stream is out of step: nothing after this is trustworthy.
                    self.report_io(base, Format::Tar, &e)?;
                    break;
                }
            };
            if !self.count_entry(b, base)? {
                break;
            }
            let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let name = format!("{base}!{}", clean_name(&raw_name));
            let link = || {
                entry
                    .link_name_bytes()
                    .map(|t| clean_name(&String::from_utf8_lossy(&t)))
                    .unwrap_or_default()
            };
            use tar::EntryType as T;
            match entry.header().entry_type() {
                T::Regular | T::Continuous | T::GNUSparse => {}
                T::Directory | T::XGlobalHeader | T::XHeader | T::GNULongName | T::GNULongLink => {
                    continue
                }
                T::Symlink => {
                    let target = link();
                    self.notice(&name, NoticeKind::Symlink { target })?;
                    continue;
                }
                T::Link => {
                    let target = link();
                    self.notice(&name, NoticeKind::Hardlink { target })?;
                    continue;
                }
                T::Char | T::Block | T::Fifo => {
                    let kind = match entry.header().entry_type() {
                        T::Char => "character device",
                        T::Block => "block device",
                        _ => "fifo",
                    };
                    let kind = kind.to_string();
                    self.notice(&name, NoticeKind::Special { kind })?;
                    continue;
                }
                other => {
                    let kind = format!("tar entry of type {:?}", char::from(other.as_byte()));
                    self.notice(&name, NoticeKind::Special { kind })?;
                    continue;
                }
            }
            let unsafe_path = is_unsafe_path(&raw_name);
            if unsafe_path {
                self.notice(&name, NoticeKind::UnsafePath)?;
            }
            let mut guard = Guard::new(&mut entry, b, Format::Tar, Consumed::NotCompressed);
            self.walk(b, &name, &name, &mut guard, depth, unsafe_path)?;
        }
        Ok(())
    }

    pub fn zip<S: Read + Seek + Send>(
        &mut self,
        b: &Budget,
        base: &str,
        source: S,
        len: u64,
        depth: u32,
    ) -> Result<(), E> {
        let mut archive = match zip::ZipArchive::new(source) {
            Ok(a) => a,
            Err(e) => return self.error(base, zip_reason(e)),
        };
        if let Some(format) = office_format(&mut archive) {
            let mut source = archive.into_inner();
            if let Err(e) = source.seek(SeekFrom::Start(0)) {
                return self.error(base, Reason::Read(format!("rewinding for {format}: {e}")));
            }
            return self.document(b, base, format, source, len, None, depth);
        }
        for i in 0..archive.len() {
            if b.stopped() {
                break;
            }
            if !self.count_entry(b, base)? {
                break;
            }
            let raw_name = archive
                .name_for_index(i)
                .and_then(Result::ok)
                .map(|n| n.into_owned())
                .unwrap_or_default();
            let name = format!("{base}!{}", clean_name(&raw_name));
            let mut file = match archive.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    self.error(&name, zip_reason(e))?;
                    continue;
                }
            };
            if file.is_dir() {
                continue;
            }
            if file.is_symlink() {
                // A zip symlink's target is its content; read a bounded prefix.
                let target = read_head(&mut file, 4096)
                    .map(|t| clean_name(&String::from_utf8_lossy(&t)))
                    .unwrap_or_default();
                self.notice(&name, NoticeKind::Symlink { target })?;
                continue;
            }
            let unsafe_path = file.enclosed_name().is_none() || is_unsafe_path(&raw_name);
            if unsafe_path {
                self.notice(&name, NoticeKind::UnsafePath)?;
            }
            let consumed = if file.compression() == zip::CompressionMethod::Stored {
                Consumed::NotCompressed
            } else {
                Consumed::Bounded(file.compressed_size().min(len))
            };
            let mut guard = Guard::new(&mut file, b, Format::Zip, consumed);
            self.walk(b, &name, &name, &mut guard, depth, unsafe_path)?;
        }
        Ok(())
    }
}

/// The office format of a zip (xlsx, docx, ods…), from its entry names
/// and, for OpenDocument, its `mimetype` entry.
fn office_format<S: Read + Seek>(
    archive: &mut zip::ZipArchive<S>,
) -> Option<bw_documents::DocFormat> {
    let mimetype = archive.by_name("mimetype").ok().and_then(|f| {
        let mut m = Vec::new();
        f.take(128).read_to_end(&mut m).ok().map(|_| m)
    });
    // Only the entries that name a format are looked up (a hash lookup
    // each), not every name of a zip that may hold a hundred thousand.
    let present = bw_documents::OFFICE_MARKERS
        .into_iter()
        .filter(|n| archive.index_for_name(n).is_some());
    bw_documents::detect_zip(present, mimetype.as_deref())
}

fn zip_reason(e: zip::result::ZipError) -> Reason {
    use zip::result::ZipError as Z;
    match e {
        Z::UnsupportedArchive(Z::PASSWORD_REQUIRED) => Reason::Encrypted {
            format: Format::Zip,
        },
        Z::UnsupportedArchive(detail) => Reason::Unsupported {
            format: Format::Zip,
            detail: detail.to_string(),
        },
        // zip 9 reports a compression method it does not decode as I/O.
        Z::Io(e) if e.kind() == io::ErrorKind::Unsupported => Reason::Unsupported {
            format: Format::Zip,
            detail: e.to_string(),
        },
        Z::Io(e) => Reason::of_io(Format::Zip, &e),
        other => Reason::Corrupt {
            format: Format::Zip,
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod offsets_tests {
    use super::*;
    use crate::offset_map::Runs;

    #[test]
    fn raw_range_maps_both_ends_or_names_the_member() {
        assert_eq!(
            Offsets::Identity.raw_range("a.txt", 3, 9).ok(),
            Some((3, 9))
        );
        // UTF-16: two decoded ASCII bytes from four raw bytes.
        let mut runs = Runs::starting_at(0);
        runs.push_many(1, 2, 2);
        let map = Offsets::Utf16(OffsetMap::new(runs));
        assert_eq!(map.raw_range("w.txt", 0, 2).ok(), Some((0, 4)));
        let err = map
            .raw_range("w.txt", 1, 7)
            .expect_err("past the decoded end");
        assert_eq!(
            err.to_string(),
            "w.txt: cannot map decoded offset 1 to the raw bytes"
        );
    }
}
