//! `bw-formats` turns compressed and archived data into scannable members.
//!
//! It sits between a file (or any `Read`) and the scanner: [`expand`] detects
//! the format by magic bytes (gzip incl. multi-member, zstd, bzip2, xz, zip,
//! tar, and compressed tars), walks into nested containers, and hands each
//! leaf to a callback as a [`Member`] — a streaming `Read` of its
//! decompressed bytes. Offsets a scanner reports on a member are offsets
//! into its decompressed bytes.
//!
//! It must never write a member to disk (the only file it may create is an
//! anonymous, already-unlinked temp file holding a zip nested in a stream,
//! whose central directory needs `Seek`), never follow a link, never trust
//! a size a header claims, and never let one bad member stop the rest.
//!
//! # Member names
//! Segments are joined by `!`, one per container a user would name:
//! - a plain file: its own name, `notes.txt`;
//! - an archive entry: `outer.zip!inner.csv`, nested
//!   `a.tar.gz!dir/b.zip!c.json` (a compressed tar is one container to its
//!   user, so `a.tar.gz!dir/…`, not `a.tar.gz!a.tar!dir/…`);
//! - a compressed file: `logs.gz!logs`, `x.csv.zst!x.csv` — the name gunzip
//!   would give it (a name without a known suffix is kept: `blob!blob`);
//! - a message of an mbox: its number from 1, `inbox.mbox!3`; a mail's
//!   attachment: its file name, `mail.eml!list.csv`, `inbox.mbox!3!list.csv`.
//!
//! Control characters in entry names are escaped.
//!
//! # Errors, notices, limits
//! Everything arrives through one callback as an [`Event`], in stream
//! order. A member never returns a read error: when the data behind it
//! fails, it ends early, and an [`Event::Error`] naming it follows. What it
//! produced before is real data and should be scanned. Entry names with `..`
//! or an absolute path get an [`NoticeKind::UnsafePath`] notice and are
//! still scanned; symlinks, hard links, devices and fifos get a notice and
//! are skipped. [`Limits`] (total bytes, member size, ratio, depth, member
//! count, decoder window) are enforced on the bytes as they stream, with an
//! error naming the member and the limit; total bytes and member count are
//! per top-level input and stop it, the others skip just the member.
//!
//! # Memory
//! Per open container: the decoder's state (gzip 32 KiB window; zstd and xz
//! their window, capped by [`Limits::max_window_bytes`] and libzstd's
//! 128 MiB default), buffers of tens of KiB, and the 512-byte sniff head. A
//! zip at the top of [`expand_seekable`] is read in place; a zip nested in a
//! stream is spooled, in memory up to [`Limits::spool_in_memory`] and in an
//! anonymous temp file beyond. Nothing else holds a whole member.
//!
//! # UTF-16
//! A member that starts with a UTF-16 byte-order mark (or, with
//! [`Options::guess_utf16`], looks like BOM-less mostly-ASCII UTF-16) is
//! transcoded to UTF-8 on the fly, so detectors see text. Offsets into the
//! UTF-8 map back to raw member offsets through [`Member::offsets`], which
//! stays valid for the last MiB handed out (more than the stream scanner
//! holds back); see [`utf16`].
//!
//! # Mail
//! A member whose head is a mail header block is read through
//! [`mail::MailDecoder`]: bodies and MIME parts sent as `quoted-printable`
//! are decoded (`=40` to `@`, soft line breaks removed), and so are header
//! fields' RFC 2047 encoded words (`=?utf-8?q?Jos=C3=A9?=`); everything else
//! passes through, and [`Member::offsets`] maps back to the raw bytes the
//! same way as for UTF-16. Base64 parts are decoded into spools and walked
//! after the mail as members inside it. A head that starts with a `From `
//! separator line is an mbox: each message is a member of its own,
//! followed by its attachments, and — the one exception to offsets being
//! into a member's own bytes — its offsets and lines are the mbox's
//! ([`Offsets::Message`]), a message being a slice of it.
//!
//! # Example
//! ```
//! use std::io::{Read, Write};
//! use bw_formats::{expand, Event, Options};
//!
//! // logs.gz holding one line.
//! let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
//! gz.write_all(b"mail jane@example.com\n").unwrap();
//! let bytes = gz.finish().unwrap();
//!
//! let mut seen = Vec::new();
//! let summary = expand("logs.gz", &bytes[..], &Options::default(), |event| {
//!     match event {
//!         Event::Member(mut m) => {
//!             // A real caller hands `m` to `StreamScanner::scan` and maps
//!             // each finding's offsets with `m.offsets().raw(..)`.
//!             let mut text = String::new();
//!             m.read_to_string(&mut text)?;
//!             seen.push((m.name().to_string(), text));
//!         }
//!         Event::Error(e) => eprintln!("{e}"),
//!         Event::Notice(n) => eprintln!("{n}"),
//!     }
//!     Ok::<(), std::io::Error>(())
//! })?;
//! assert_eq!(seen, [("logs.gz!logs".to_string(), "mail jane@example.com\n".to_string())]);
//! assert_eq!(summary.errors, 0);
//! # Ok::<(), std::io::Error>(())
//! ```

mod document;
mod error;
mod expand;
mod limits;
mod location;
pub mod mail;
mod offset_map;
mod render;
mod sniff;
mod table;
pub mod utf16;

use std::io::{Read, Seek, SeekFrom};

pub use bw_documents::{DocFormat, Shape};
pub use error::{MemberError, Notice, NoticeKind, Reason};
pub use expand::{Encoding, Member, Offsets};
pub use limits::{LimitKind, Limits};
pub use location::{FieldValue, Location};
pub use render::{LocationMap, Tap};
pub use sniff::{sniff, Format, SNIFF_LEN};
pub use table::TableWriter;

use expand::Walker;
use limits::Budget;

/// What [`expand`] does besides limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub limits: Limits,
    /// Also transcode BOM-less text that looks like UTF-16 (see
    /// [`utf16::detect_utf16`]); text with a BOM is always transcoded.
    pub guess_utf16: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            guess_utf16: true,
        }
    }
}

/// What [`expand`] hands to its callback.
pub enum Event<'a> {
    /// A member to scan.
    Member(Member<'a>),
    /// A member, or an archive as a whole, failed (after delivering what it could).
    Error(MemberError),
    /// A member was skipped or is suspicious; see [`NoticeKind`].
    Notice(Notice),
}

/// Counts for one top-level input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Members delivered.
    pub members: u64,
    /// [`Event::Error`]s delivered.
    pub errors: u64,
    /// [`Event::Notice`]s delivered.
    pub notices: u64,
    /// Archive entries seen, of any type.
    pub entries: u64,
    /// Bytes produced by decompressors (zip entries included).
    pub decompressed_bytes: u64,
}

/// Expands `reader`, named `name` (a path, `<stdin>`), calling `visit` for
/// each member, error and notice in stream order. Only the callback's own
/// error stops the walk and is returned; problems with the data are events.
///
/// A plain input is delivered as one member named `name`, read straight
/// from `reader` after a 512-byte sniff (no copies beyond that head). A zip
/// read this way is spooled first; for files, prefer [`expand_seekable`].
pub fn expand<R: Read, E>(
    name: &str,
    mut reader: R,
    options: &Options,
    mut visit: impl FnMut(Event<'_>) -> Result<(), E>,
) -> Result<Summary, E> {
    let budget = Budget::new(options.limits.clone());
    let mut walker = Walker::new(&mut visit, options);
    walker.walk(&budget, name, name, &mut reader, 0, false)?;
    Ok(finish(walker.summary, &budget))
}

/// Like [`expand`], for an input that can seek (a file): a top-level zip is
/// read in place through its central directory instead of being spooled.
pub fn expand_seekable<R: Read + Seek + Send, E>(
    name: &str,
    mut reader: R,
    options: &Options,
    mut visit: impl FnMut(Event<'_>) -> Result<(), E>,
) -> Result<Summary, E> {
    let budget = Budget::new(options.limits.clone());
    let mut walker = Walker::new(&mut visit, options);
    let head = match sniff::read_head(&mut reader, SNIFF_LEN) {
        Ok(h) => h,
        Err(e) => {
            walker.error(name, Reason::of_io(Format::Plain, &e))?;
            return Ok(finish(walker.summary, &budget));
        }
    };
    let format = sniff(&head, name);
    if format == Format::Zip && options.limits.max_depth > 0 {
        match rewind(&mut reader, head.len()) {
            Ok(len) => walker.zip(&budget, name, &mut reader, len, 1)?,
            Err(e) => walker.error(name, Reason::of_io(Format::Zip, &e))?,
        }
    } else if let (Format::Document(doc), true) = (format, options.limits.max_depth > 0) {
        match rewind(&mut reader, head.len()) {
            // A file on disk is opened by path too (SQLite honours the
            // `-wal` beside it); `name` is the path for every file input.
            Ok(len) => {
                let path = std::path::Path::new(name);
                let path = path.is_file().then_some(path);
                walker.document(&budget, name, doc, &mut reader, len, path, 1)?;
            }
            Err(e) => walker.error(name, Reason::of_io(format, &e))?,
        }
    } else {
        walker.open(&budget, name, name, head, &mut reader, format, 0, false)?;
    }
    Ok(finish(walker.summary, &budget))
}

/// Renders the rows `read` pushes (on its own thread) as members named
/// `name`, one per table, like a document's tables: CSV with a header,
/// offsets located as `{table, column, row, key}`. `read`'s error is one
/// [`Event::Error`] naming `name`; what it pushed before is delivered.
pub fn expand_table<E>(
    name: &str,
    read: impl FnOnce(&mut TableWriter) -> Result<(), String> + Send,
    options: &Options,
    mut visit: impl FnMut(Event<'_>) -> Result<(), E>,
) -> Result<Summary, E> {
    let budget = Budget::new(options.limits.clone());
    let mut walker = Walker::new(&mut visit, options);
    walker.table(name, read)?;
    Ok(finish(walker.summary, &budget))
}

/// Seeks back over the sniffed head; returns the length from there to the end.
fn rewind<R: Seek>(reader: &mut R, head: usize) -> std::io::Result<u64> {
    let start = reader.seek(SeekFrom::Current(-(head as i64)))?;
    let end = reader.seek(SeekFrom::End(0))?;
    reader.seek(SeekFrom::Start(start))?;
    Ok(end.saturating_sub(start))
}

fn finish(mut summary: Summary, budget: &Budget) -> Summary {
    summary.entries = budget.entries.get();
    summary.decompressed_bytes = budget.total.get();
    summary
}
