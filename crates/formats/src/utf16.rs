//! UTF-16 to UTF-8 transcoding with an offset map back to the raw bytes.
//!
//! Detectors work on UTF-8, so UTF-16 text is transcoded as it streams. The
//! decoder records, per run of characters of equal widths (ASCII: 1 byte of
//! UTF-8 for 2 raw; CJK: 3 for 2; a surrogate pair: 4 for 4), where the run
//! starts in both spaces. A decoded offset then maps to a raw offset by one
//! binary search and a division. Runs are kept for the last
//! [`Utf16Decoder::with_window`] decoded bytes handed out (1 MiB by
//! default, above the stream scanner's chunk plus its look-behind), so
//! memory stays bounded on streams of any length.

use std::io::{self, Read};

pub use crate::offset_map::OffsetMap;
use crate::offset_map::Runs;

/// Byte order of UTF-16 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endian {
    Little,
    Big,
}

/// What [`detect_utf16`] found at the start of a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utf16Start {
    pub endian: Endian,
    /// Whether the stream starts with a byte-order mark (2 bytes, skipped).
    pub bom: bool,
}

/// UTF-16 by byte-order mark; with `guess`, also BOM-less UTF-16 whose text
/// is mostly ASCII (one NUL in nearly every code unit, on the same side).
/// The guess needs 64 bytes at least and is deliberately strict: binary
/// data full of NULs must not be mistaken for text.
pub fn detect_utf16(head: &[u8], guess: bool) -> Option<Utf16Start> {
    // FF FE 00 00 is the UTF-32 LE mark: not ours.
    if head.starts_with(&[0xff, 0xfe]) && !head.starts_with(&[0xff, 0xfe, 0, 0]) {
        return Some(Utf16Start {
            endian: Endian::Little,
            bom: true,
        });
    }
    if head.starts_with(&[0xfe, 0xff]) {
        return Some(Utf16Start {
            endian: Endian::Big,
            bom: true,
        });
    }
    if !guess || head.len() < 64 {
        return None;
    }
    let pairs = head.len() / 2;
    let (mut zero_even, mut zero_odd, mut both) = (0usize, 0usize, 0usize);
    for p in head.chunks_exact(2) {
        match (p[0] == 0, p[1] == 0) {
            (true, true) => both += 1,
            (true, false) => zero_even += 1,
            (false, true) => zero_odd += 1,
            (false, false) => {}
        }
    }
    let strict = |side: usize, other: usize| side * 10 >= pairs * 9 && other == 0 && both == 0;
    if strict(zero_odd, zero_even) {
        Some(Utf16Start {
            endian: Endian::Little,
            bom: false,
        })
    } else if strict(zero_even, zero_odd) {
        Some(Utf16Start {
            endian: Endian::Big,
            bom: false,
        })
    } else {
        None
    }
}

/// A `Read` of UTF-8 decoded from a UTF-16 `Read`. Unpaired surrogates and
/// a trailing odd byte become U+FFFD.
pub struct Utf16Decoder<R> {
    inner: R,
    endian: Endian,
    inbuf: Vec<u8>,
    /// Raw bytes carried to the next refill: an odd byte, or a high
    /// surrogate waiting for its pair.
    carry: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    handed_out: u64,
    window: u64,
    map: OffsetMap,
    eof: bool,
}

impl<R: Read> Utf16Decoder<R> {
    /// A decoder of `inner`, whose first byte is at raw offset `raw_start`
    /// (2 when the caller has already consumed a byte-order mark).
    pub fn new(inner: R, endian: Endian, raw_start: u64) -> Self {
        let runs = Runs::starting_at(raw_start);
        Utf16Decoder {
            inner,
            endian,
            inbuf: vec![0; 64 * 1024],
            carry: Vec::with_capacity(4),
            out: Vec::with_capacity(96 * 1024),
            out_pos: 0,
            handed_out: 0,
            window: 1 << 20,
            map: OffsetMap::new(runs),
            eof: false,
        }
    }

    /// Keep offset mappings for at least the last `window` decoded bytes
    /// handed out.
    pub fn with_window(mut self, window: u64) -> Self {
        self.window = window;
        self
    }

    /// The offset map, valid while this decoder lives (and after).
    pub fn offset_map(&self) -> OffsetMap {
        self.map.clone()
    }

    fn unit(&self, b: [u8; 2]) -> u16 {
        match self.endian {
            Endian::Little => u16::from_le_bytes(b),
            Endian::Big => u16::from_be_bytes(b),
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_pos = 0;
        let n = loop {
            match self.inner.read(&mut self.inbuf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            self.eof = true;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(&self.inbuf[..n]);
        let mut runs = self.map.runs_mut();
        runs.forget_before(self.handed_out.saturating_sub(self.window));
        let mut i = 0;
        while i + 2 <= bytes.len() {
            let u = self.unit([bytes[i], bytes[i + 1]]);
            if (0xd800..0xdc00).contains(&u) {
                if i + 4 > bytes.len() {
                    if !self.eof {
                        break;
                    }
                } else {
                    let lo = self.unit([bytes[i + 2], bytes[i + 3]]);
                    if (0xdc00..0xe000).contains(&lo) {
                        let c =
                            0x10000 + ((u32::from(u) - 0xd800) << 10) + (u32::from(lo) - 0xdc00);
                        let ch = char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
                        push_char(&mut self.out, ch);
                        runs.push(4, 4);
                        i += 4;
                        continue;
                    }
                }
                push_char(&mut self.out, char::REPLACEMENT_CHARACTER);
                runs.push(3, 2);
                i += 2;
                continue;
            }
            let ch = char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER);
            let w = push_char(&mut self.out, ch);
            runs.push(w, 2);
            i += 2;
        }
        if self.eof && i < bytes.len() {
            // A lone trailing byte cannot be a code unit.
            push_char(&mut self.out, char::REPLACEMENT_CHARACTER);
            runs.push(3, 1);
            i = bytes.len();
        }
        self.carry.extend_from_slice(&bytes[i..]);
        Ok(())
    }
}

fn push_char(out: &mut Vec<u8>, ch: char) -> u8 {
    let mut buf = [0u8; 4];
    let s = ch.encode_utf8(&mut buf);
    out.extend_from_slice(s.as_bytes());
    s.len() as u8
}

impl<R: Read> Read for Utf16Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        self.handed_out += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, endian: Endian, bom: bool) -> Vec<u8> {
        let mut raw = Vec::new();
        let units = if bom { Some(0xfeffu16) } else { None };
        for u in units.into_iter().chain(text.encode_utf16()) {
            match endian {
                Endian::Little => raw.extend_from_slice(&u.to_le_bytes()),
                Endian::Big => raw.extend_from_slice(&u.to_be_bytes()),
            }
        }
        raw
    }

    /// A reader handing out `step` bytes at a time, to split code units and
    /// surrogate pairs across refills.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn every_char_boundary_maps_exactly() {
        let text = "Name: Zoë 山田 太郎 😀 mail z@example.com 𝄞end";
        for endian in [Endian::Little, Endian::Big] {
            let raw = encode(text, endian, true);
            for step in [1, 3, 5, 4096] {
                let mut dec = Utf16Decoder::new(Trickle(&raw[2..], step), endian, 2);
                let map = dec.offset_map();
                let mut out = String::new();
                dec.read_to_string(&mut out).expect("in-memory read");
                assert_eq!(out, text);
                // Walk both encodings char by char.
                let (mut d, mut r) = (0u64, 2u64);
                for ch in text.chars() {
                    assert_eq!(map.raw(d), Some(r), "{ch:?} step {step}");
                    d += ch.len_utf8() as u64;
                    r += 2 * ch.len_utf16() as u64;
                }
                assert_eq!(map.raw(d), Some(raw.len() as u64));
                assert_eq!(map.raw(d + 1), None);
            }
        }
    }

    #[test]
    fn broken_utf16_becomes_replacement_characters() {
        // lone high surrogate, lone low surrogate, trailing odd byte
        let raw = [0x3d, 0xd8, b'a', 0, 0x00, 0xdc, b'b', 0, 0x41];
        let mut dec = Utf16Decoder::new(&raw[..], Endian::Little, 0);
        let map = dec.offset_map();
        let mut out = String::new();
        dec.read_to_string(&mut out).expect("in-memory read");
        assert_eq!(out, "\u{fffd}a\u{fffd}b\u{fffd}");
        assert_eq!(map.raw(3), Some(2)); // 'a'
        assert_eq!(map.raw(7), Some(6)); // 'b'
        assert_eq!(map.raw(11), Some(9));
    }

    #[test]
    fn old_mappings_are_forgotten() {
        let text = "ab".repeat(200_000);
        let raw = encode(&text, Endian::Little, false);
        let mut dec = Utf16Decoder::new(&raw[..], Endian::Little, 0).with_window(1000);
        let map = dec.offset_map();
        let mut sink = Vec::new();
        dec.read_to_end(&mut sink).expect("in-memory read");
        // One run covers all ASCII, so even the start stays mapped; what
        // matters is that memory is one run, not one per character.
        assert_eq!(map.run_count(), 1);
        assert_eq!(map.raw(10), Some(20));
        let mixed = "aé".repeat(100_000);
        let raw = encode(&mixed, Endian::Little, false);
        let mut dec = Utf16Decoder::new(&raw[..], Endian::Little, 0).with_window(1000);
        let map = dec.offset_map();
        dec.read_to_end(&mut sink).expect("in-memory read");
        assert!(map.run_count() < 200_000 / 2);
        assert_eq!(map.raw(0), None);
        let end = 300_000u64;
        assert_eq!(map.raw(end - 3), Some(400_000 - 4));
    }

    #[test]
    fn detection() {
        let le = encode(
            "plain ascii text, long enough to guess its encoding well",
            Endian::Little,
            false,
        );
        let be = encode(
            "plain ascii text, long enough to guess its encoding well",
            Endian::Big,
            false,
        );
        assert_eq!(
            detect_utf16(&le, true).map(|s| s.endian),
            Some(Endian::Little)
        );
        assert_eq!(detect_utf16(&be, true).map(|s| s.endian), Some(Endian::Big));
        assert_eq!(detect_utf16(&le, false), None);
        assert_eq!(detect_utf16(&[0u8; 128], true), None);
        assert_eq!(detect_utf16(b"\xff\xfe\0\0", true), None);
        assert_eq!(
            detect_utf16(b"\xfe\xffrest", false),
            Some(Utf16Start {
                endian: Endian::Big,
                bom: true
            })
        );
    }
}
