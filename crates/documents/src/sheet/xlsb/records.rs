//! BIFF12, the record stream every part of an xlsb is: a record type (one
//! or two bytes), a body size (one to four bytes; both 7 bits a byte, the
//! high bit saying another byte follows) and that many bytes of body.
//!
//! The size is the file's claim. A body we keep is refused past
//! [`MAX_KEPT`] before a byte of it is read, and otherwise read as its
//! bytes arrive, so nothing is allocated on a claim alone; a body we do not
//! need is read through and dropped. A body that ends early is a truncated
//! record, named with its type and what it claimed.

use std::io::{self, BufRead, Read};

use crate::{DocError, DocFormat};

/// The largest body kept. Excel holds a cell's text to 32,767 UTF-16
/// units (64 KiB); other writers are looser, so this leaves room many
/// times over while a lying size cannot make us hold 256 MiB for a cell.
pub(super) const MAX_KEPT: u32 = 4 << 20;

/// One part's record stream; `what` names the part in every error.
pub(super) struct Records<R> {
    r: R,
    what: String,
    body: Vec<u8>,
}

/// A record: its type and, if it was kept, its body (empty otherwise).
pub(super) struct Record<'a> {
    pub(super) typ: u16,
    pub(super) body: Body<'a>,
}

impl<R: BufRead> Records<R> {
    pub(super) fn new(r: R, what: impl Into<String>) -> Records<R> {
        Records {
            r,
            what: what.into(),
            body: Vec::new(),
        }
    }

    /// The next record, its body kept when `keep(type)` says so; `None`
    /// where the stream ends between records.
    pub(super) fn next(
        &mut self,
        keep: impl FnOnce(u16) -> bool,
    ) -> Result<Option<Record<'_>>, DocError> {
        let Some(b0) = self.byte()? else {
            return Ok(None);
        };
        let typ = if b0 & 0x80 == 0 {
            u16::from(b0)
        } else {
            let b1 = self.header_byte()?;
            if b1 & 0x80 != 0 {
                return Err(self.corrupt("a record type longer than two bytes"));
            }
            u16::from(b0 & 0x7f) | u16::from(b1) << 7
        };
        let mut len = 0u32;
        for i in 0..4 {
            let b = self.header_byte()?;
            len |= u32::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                break;
            }
            if i == 3 {
                return Err(self.corrupt("a record size longer than four bytes"));
            }
        }
        self.body.clear();
        let want = u64::from(len);
        let got = if keep(typ) {
            if len > MAX_KEPT {
                return Err(self.corrupt(format!(
                    "record {typ:#06x} claims {len} bytes, more than the {MAX_KEPT} a cell, \
                     string or format record is read to"
                )));
            }
            let got = (&mut self.r).take(want).read_to_end(&mut self.body);
            got.map_err(|e| self.io(e))? as u64
        } else {
            io::copy(&mut (&mut self.r).take(want), &mut io::sink()).map_err(|e| self.io(e))?
        };
        if got < want {
            return Err(self.corrupt(format!(
                "record {typ:#06x} truncated: it claims {len} bytes, the part ends after {got}"
            )));
        }
        Ok(Some(Record {
            typ,
            body: Body {
                typ,
                bytes: &self.body,
                what: &self.what,
            },
        }))
    }

    /// A byte, or `None` at the end of the stream.
    fn byte(&mut self) -> Result<Option<u8>, DocError> {
        loop {
            match self.r.fill_buf() {
                Ok([]) => return Ok(None),
                Ok([b, ..]) => {
                    let b = *b;
                    self.r.consume(1);
                    return Ok(Some(b));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io(e)),
            }
        }
    }

    /// A byte of a header that has begun: the end of the stream here is a
    /// cut record.
    fn header_byte(&mut self) -> Result<u8, DocError> {
        self.byte()?
            .ok_or_else(|| self.corrupt("the part ends inside a record header"))
    }

    fn corrupt(&self, detail: impl std::fmt::Display) -> DocError {
        corrupt(&self.what, detail)
    }

    /// A read error of the inflated part: the file's fault when the zip
    /// or deflate layer found it malformed, the medium's otherwise.
    fn io(&self, e: io::Error) -> DocError {
        match e.kind() {
            io::ErrorKind::InvalidData
            | io::ErrorKind::InvalidInput
            | io::ErrorKind::UnexpectedEof => self.corrupt(e),
            _ => DocError::Io(e),
        }
    }
}

/// A corrupt-xlsb error naming `what` (a part, or `sheet "Name"`).
pub(super) fn corrupt(what: &str, detail: impl std::fmt::Display) -> DocError {
    DocError::Corrupt {
        format: DocFormat::Xlsb,
        detail: format!("{what}: {detail}"),
    }
}

/// A kept record body, read field by field; a field past its end is a
/// corrupt record, never an index panic.
#[derive(Clone, Copy)]
pub(super) struct Body<'a> {
    typ: u16,
    bytes: &'a [u8],
    what: &'a str,
}

impl<'a> Body<'a> {
    fn get<const N: usize>(&self, at: usize) -> Result<[u8; N], DocError> {
        at.checked_add(N)
            .and_then(|end| self.bytes.get(at..end))
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| self.short())
    }

    fn short(&self) -> DocError {
        self.corrupt(format!(
            "record {:#06x} is {} bytes, too short for its fields",
            self.typ,
            self.bytes.len()
        ))
    }

    /// An error about this record's content, naming its part.
    pub(super) fn corrupt(&self, detail: impl std::fmt::Display) -> DocError {
        corrupt(self.what, detail)
    }

    pub(super) fn u8(&self, at: usize) -> Result<u8, DocError> {
        Ok(self.get::<1>(at)?[0])
    }

    pub(super) fn u16(&self, at: usize) -> Result<u16, DocError> {
        Ok(u16::from_le_bytes(self.get(at)?))
    }

    /// A 24-bit field (a cell's style index).
    pub(super) fn u24(&self, at: usize) -> Result<u32, DocError> {
        let [a, b, c] = self.get(at)?;
        Ok(u32::from_le_bytes([a, b, c, 0]))
    }

    pub(super) fn u32(&self, at: usize) -> Result<u32, DocError> {
        Ok(u32::from_le_bytes(self.get(at)?))
    }

    pub(super) fn f64(&self, at: usize) -> Result<f64, DocError> {
        Ok(f64::from_le_bytes(self.get(at)?))
    }

    /// The XLWideString at `at` (a count of UTF-16 units, then the units)
    /// and the offset just past it.
    pub(super) fn wide(&self, at: usize) -> Result<(Utf16<'a>, usize), DocError> {
        let units = usize::try_from(self.u32(at)?).map_err(|_| self.short())?;
        let start = at + 4;
        let end = units
            .checked_mul(2)
            .and_then(|n| n.checked_add(start))
            .ok_or_else(|| self.short())?;
        let bytes = self.bytes.get(start..end).ok_or_else(|| self.short())?;
        Ok((Utf16(bytes), end))
    }

    /// An XLNullableWideString: `None` for the null marker (a count of
    /// `0xFFFFFFFF`), and the offset just past it.
    pub(super) fn nullable_wide(&self, at: usize) -> Result<(Option<Utf16<'a>>, usize), DocError> {
        if self.u32(at)? == u32::MAX {
            return Ok((None, at + 4));
        }
        let (s, end) = self.wide(at)?;
        Ok((Some(s), end))
    }
}

/// UTF-16LE text inside a record body, decoded where it is used.
#[derive(Clone, Copy)]
pub(super) struct Utf16<'a>(&'a [u8]);

impl Utf16<'_> {
    /// Appends the text to `out`, an unpaired surrogate as U+FFFD.
    pub(super) fn push_to(self, out: &mut String) {
        let units = self
            .0
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]));
        out.extend(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
    }

    pub(super) fn decode(self) -> String {
        let mut s = String::with_capacity(self.0.len() / 2);
        self.push_to(&mut s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as a writer lays it out.
    fn record(typ: u16, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        if typ < 0x80 {
            out.push(typ as u8);
        } else {
            out.extend([(typ & 0x7f) as u8 | 0x80, (typ >> 7) as u8]);
        }
        let mut len = body.len();
        loop {
            let b = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
        out.extend_from_slice(body);
        out
    }

    fn all(bytes: &[u8], keep: fn(u16) -> bool) -> Result<Vec<(u16, Vec<u8>)>, DocError> {
        let mut recs = Records::new(bytes, "test.bin");
        let mut out = Vec::new();
        while let Some(r) = recs.next(keep)? {
            out.push((r.typ, r.body.bytes.to_vec()));
        }
        Ok(out)
    }

    #[test]
    fn types_and_sizes_of_one_to_four_bytes() {
        let big = vec![7u8; 300];
        let mut bytes = record(0x0011, b"abc");
        bytes.extend(record(0x0269, &big));
        bytes.extend(record(0x0000, b""));
        let got = all(&bytes, |_| true).expect("records");
        assert_eq!(
            got,
            vec![(0x0011, b"abc".to_vec()), (0x0269, big), (0x0000, vec![])]
        );
        // Skipped bodies are read through, not kept.
        let got = all(&bytes, |t| t == 0).expect("records");
        assert_eq!(got[1], (0x0269, vec![]));
        assert_eq!(got.len(), 3);
    }

    fn detail(res: Result<Vec<(u16, Vec<u8>)>, DocError>) -> String {
        match res {
            Err(DocError::Corrupt { format, detail }) => {
                assert_eq!(format, DocFormat::Xlsb);
                detail
            }
            other => panic!("want corrupt, got {other:?}"),
        }
    }

    #[test]
    fn lying_and_cut_records_are_corrupt_not_allocated() {
        // 0x0011 claiming 2^28 - 1 bytes, with three present.
        let huge = [0x11, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3];
        let d = detail(all(&huge, |_| true));
        assert!(d.contains("claims 268435455 bytes, more than"), "{d}");
        // The same claim on a body we skip: read through to the end.
        let d = detail(all(&huge, |_| false));
        assert_eq!(
            d,
            "test.bin: record 0x0011 truncated: it claims 268435455 bytes, the part ends after 3"
        );
        // Under the bound, but cut.
        let d = detail(all(&[0x06, 0x20, 1, 2], |_| true));
        assert!(d.ends_with("claims 32 bytes, the part ends after 2"), "{d}");
        let d = detail(all(&[0x06], |_| true));
        assert!(d.ends_with("the part ends inside a record header"), "{d}");
        let d = detail(all(&[0x06, 0x80, 0x80, 0x80, 0x80, 0x01], |_| true));
        assert!(d.ends_with("a record size longer than four bytes"), "{d}");
        let d = detail(all(&[0x86, 0x86, 0x01, 0x00], |_| true));
        assert!(d.ends_with("a record type longer than two bytes"), "{d}");
    }

    #[test]
    fn fields_past_the_body_are_corrupt() {
        let bytes = record(0x0007, &[1, 0, 0, 0, 0, 0, 0]);
        let mut recs = Records::new(&bytes[..], "sheet \"S\"");
        let r = recs.next(|_| true).expect("read").expect("a record");
        assert_eq!(r.body.u24(4).expect("style"), 0);
        let err = r.body.u32(8).expect_err("past the end");
        assert_eq!(
            err.to_string(),
            "corrupt xlsb file: sheet \"S\": record 0x0007 is 7 bytes, too short for its fields"
        );
        // A string whose count runs past the body.
        let bytes = record(0x0006, &[0xff, 0xff, 0xff, 0x7f, b'a', 0]);
        let mut recs = Records::new(&bytes[..], "x");
        let r = recs.next(|_| true).expect("read").expect("a record");
        assert!(r.body.wide(0).is_err());
        let bytes = record(0x0006, &[2, 0, 0, 0, b'h', 0, 0x3d, 0xd8]);
        let mut recs = Records::new(&bytes[..], "x");
        let r = recs.next(|_| true).expect("read").expect("a record");
        let (s, end) = r.body.wide(0).expect("string");
        assert_eq!((s.decode().as_str(), end), ("h\u{fffd}", 8));
    }
}
