//! The walker's side of documents: spool a nested one so it can seek,
//! run its reader (see [`crate::render`]), hand each part out as a member
//! and report what went wrong, naming the document.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc::Receiver;

use bw_documents::{DocError, DocFormat};

use crate::error::Reason;
use crate::expand::{Encoding, Member, Offsets, Walker};
use crate::limits::{Budget, LimitKind};
use crate::render::{self, Msg, PartReader};
use crate::sniff::Format;
use crate::Event;

impl<E> Walker<'_, E> {
    /// Reads the document `name` (already sniffed as `format`) from a
    /// stream: spooled first (every document format needs to seek), in
    /// memory up to [`crate::Limits::spool_in_memory`], beyond that in an
    /// anonymous temp file, never more than the member size limit.
    pub(crate) fn document_stream(
        &mut self,
        b: &Budget,
        name: &str,
        format: DocFormat,
        reader: &mut dyn Read,
        depth: u32,
    ) -> Result<(), E> {
        let mut spool = tempfile::SpooledTempFile::new(b.limits.spool_in_memory);
        let max = b.limits.max_member_bytes;
        let len = match io::copy(&mut reader.take(max.saturating_add(1)), &mut spool) {
            Ok(n) => n,
            Err(e) => return self.error(name, Reason::of_io(Format::Document(format), &e)),
        };
        if len > max {
            return self.over_limit(name, LimitKind::MemberBytes, max);
        }
        if let Err(e) = spool.seek(SeekFrom::Start(0)) {
            return self.error(name, Reason::Read(format!("document spool: {e}")));
        }
        self.document(b, name, format, spool, len, None, depth)
    }

    /// Reads the document `name` from a seekable `source` of `len` bytes
    /// positioned at its start; `path` when it is a file on disk.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn document<S: Read + Seek + Send>(
        &mut self,
        b: &Budget,
        name: &str,
        format: DocFormat,
        source: S,
        len: u64,
        path: Option<&Path>,
        depth: u32,
    ) -> Result<(), E> {
        let limits = bw_documents::Limits {
            max_inflated_bytes: b.limits.max_member_bytes,
            max_text_bytes: b.limits.max_member_bytes,
            ..bw_documents::Limits::default()
        };
        let gone = doc_reason(format, render::vanished(format));
        render::run(format, source, len, path, limits, |rx| {
            self.parts(name, rx, &gone, depth, true)
        })
    }

    /// Hands each part arriving on `rx` out as a member until the
    /// reader's last word, reporting its error (or `gone`, when the
    /// reader thread ended without one) against `name`. Each member is
    /// named `name!part` with `suffixed`, `name` itself otherwise (a
    /// database table is the input itself; its name is only in the
    /// locations).
    pub(crate) fn parts(
        &mut self,
        name: &str,
        rx: &Receiver<Msg>,
        gone: &Reason,
        depth: u32,
        suffixed: bool,
    ) -> Result<(), E> {
        let mut next = rx.recv().ok();
        loop {
            match next.take() {
                Some(Msg::Part { name: part, shape }) => {
                    let member = if part.is_empty() || !suffixed {
                        name.to_string()
                    } else {
                        format!("{name}!{}", crate::sniff::clean_name(&part))
                    };
                    let mut reader = PartReader::new(rx, gone, shape, &part);
                    let offsets = Offsets::Rendered(reader.map());
                    (self.visit)(Event::Member(Member {
                        name: &member,
                        depth,
                        encoding: Encoding::Rendered(shape),
                        offsets,
                        unsafe_path: false,
                        reader: &mut reader,
                    }))?;
                    self.summary.members += 1;
                    reader.drain();
                    next = reader.next.take();
                }
                // Text before any part cannot be placed: readers announce
                // a part first, so this is not reached.
                Some(Msg::Header(_)) | Some(Msg::Chunk { .. }) => next = rx.recv().ok(),
                Some(Msg::Done(Ok(()))) => return Ok(()),
                Some(Msg::Done(Err(reason))) => return self.error(name, reason),
                None => return self.error(name, gone.clone()),
            }
        }
    }
}

pub(crate) fn doc_reason(format: DocFormat, e: DocError) -> Reason {
    let format = Format::Document(format);
    match e {
        DocError::Encrypted => Reason::Encrypted { format },
        DocError::NoTextLayer => Reason::Unsupported {
            format,
            detail: "no text layer (image-only pages are not scanned)".into(),
        },
        DocError::Corrupt { detail, .. } => Reason::Corrupt { format, detail },
        DocError::Unsupported { detail, .. } => Reason::Unsupported { format, detail },
        e @ DocError::Limit { .. } => Reason::Stopped {
            format,
            detail: e.to_string(),
        },
        DocError::Panicked { detail, .. } => Reason::Corrupt {
            format,
            detail: format!("the parser failed: {detail}"),
        },
        DocError::Io(e) | DocError::Sink(e) => Reason::of_io(format, &e),
    }
}
