//! What a PDF may cost, checked before a parser spends it. lopdf inflates
//! object and cross-reference streams while it loads a file, and
//! pdf-extract inflates content streams and embedded fonts, each into one
//! `Vec` with no bound; so every stream's filter chain is decoded here
//! first, into a counter that stops at [`Limits::max_inflated_bytes`],
//! with memory for one buffer whatever the stream claims.
//!
//! Only the filters lopdf decodes matter (Flate, LZW, ASCII85): a chain
//! it cannot decode stops at the first filter it does not know, and so do
//! we — but only after counting the stages before it, which lopdf does
//! inflate.
//!
//! [`Limits::max_inflated_bytes`]: crate::Limits::max_inflated_bytes

use std::io::{self, Read};

use flate2::read::DeflateDecoder;
use memchr::memmem;

use crate::{Bound, DocError, DocFormat};

/// Objects a PDF may hold (each costs lopdf a parsed object in memory;
/// a 5,000-page book has about 100,000).
pub(super) const MAX_OBJECTS: u64 = 1_000_000;

/// Filters in one chain: real files use one or two.
const MAX_FILTERS: usize = 8;

/// A filter lopdf decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Filter {
    Flate,
    /// `early` is `/EarlyChange` (default 1): it changes where code
    /// widths switch, so a decode with the wrong one fails at once.
    Lzw {
        early: bool,
    },
    Ascii85,
}

impl Filter {
    pub(super) fn from_name(name: &[u8], early: bool) -> Option<Filter> {
        match name {
            b"FlateDecode" => Some(Filter::Flate),
            b"LZWDecode" => Some(Filter::Lzw { early }),
            b"ASCII85Decode" => Some(Filter::Ascii85),
            _ => None,
        }
    }
}

pub(super) fn over(limit: u64) -> DocError {
    DocError::Limit {
        format: DocFormat::Pdf,
        bound: Bound::Inflate,
        limit,
    }
}

/// Decodes `raw` through each prefix of `filters` (lopdf keeps every
/// stage's output whole), counting, and fails when any stage passes
/// `limit`.
pub(super) fn check_chain(raw: &[u8], filters: &[Filter], limit: u64) -> Result<(), DocError> {
    if filters.len() > MAX_FILTERS {
        return Err(DocError::Limit {
            format: DocFormat::Pdf,
            bound: Bound::Filters,
            limit: MAX_FILTERS as u64,
        });
    }
    let mut buf = vec![0u8; 64 << 10];
    for n in 1..=filters.len() {
        let mut stage: Box<dyn Read + '_> = Box::new(raw);
        for f in &filters[..n] {
            stage = match *f {
                // lopdf falls back to raw deflate after the two header
                // bytes when zlib fails, and zlib is that same deflate
                // data: counting raw deflate bounds both.
                Filter::Flate => Box::new(DeflateDecoder::new(Skip::new(stage, 2))),
                Filter::Lzw { early } => Box::new(Lzw::new(stage, early)),
                Filter::Ascii85 => Box::new(Ascii85::new(stage)),
            };
        }
        let mut total: u64 = 0;
        loop {
            match stage.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => {
                    total += k as u64;
                    if total > limit {
                        return Err(over(limit));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // lopdf keeps what decoded before an error: so do we.
                Err(_) => break,
            }
        }
    }
    Ok(())
}

/// Checks the raw bytes of a PDF before lopdf loads it: the number of
/// objects, and every stream's inflated size. The dictionaries are read
/// loosely (the text between `obj` and `stream`); the exact check on
/// lopdf's own objects follows the load.
pub(super) fn prescan(bytes: &[u8], limit: u64) -> Result<(), DocError> {
    let mut objects: u64 = 0;
    for at in memmem::find_iter(bytes, b"obj") {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + 3).copied();
        if before.is_some_and(|b| b.is_ascii_whitespace())
            && after.is_none_or(|b| !b.is_ascii_alphanumeric())
        {
            objects += 1;
        }
    }
    let mut last_end = 0;
    for at in memmem::find_iter(bytes, b"stream") {
        if at < last_end || bytes[..at].ends_with(b"end") {
            continue;
        }
        let start = match (bytes.get(at + 6), bytes.get(at + 7)) {
            (Some(b'\r'), Some(b'\n')) => at + 8,
            (Some(b'\n'), _) | (Some(b'\r'), _) => at + 7,
            _ => continue,
        };
        let end = memmem::find(&bytes[start..], b"endstream").map_or(bytes.len(), |e| start + e);
        last_end = end;
        let from = at.saturating_sub(1 << 20);
        let dict = match memmem::rfind(&bytes[from..at], b"obj") {
            Some(o) => &bytes[from + o + 3..at],
            None => &bytes[from..at],
        };
        if memmem::find(dict, b"/ObjStm").is_some() {
            objects += int_after(dict, b"/N").unwrap_or(0);
        }
        check_chain(&bytes[start..end], &loose_filters(dict), limit)?;
    }
    if objects > MAX_OBJECTS {
        return Err(DocError::Limit {
            format: DocFormat::Pdf,
            bound: Bound::Objects,
            limit: MAX_OBJECTS,
        });
    }
    Ok(())
}

/// The filters named after `/Filter` in a dictionary's text, up to the
/// first one lopdf does not decode.
fn loose_filters(dict: &[u8]) -> Vec<Filter> {
    let early = int_after(dict, b"/EarlyChange") != Some(0);
    let Some(at) = memmem::find(dict, b"/Filter") else {
        return Vec::new();
    };
    let rest = skip_ws(&dict[at + 7..]);
    let list: &[u8] = match rest.first() {
        Some(b'[') => {
            let end = memchr::memchr(b']', rest).unwrap_or(rest.len());
            &rest[1..end]
        }
        Some(b'/') => {
            let end = rest[1..]
                .iter()
                .position(|b| is_delimiter(*b))
                .map_or(rest.len(), |e| e + 1);
            &rest[..end]
        }
        _ => return Vec::new(),
    };
    let mut filters = Vec::new();
    for name in list.split(|b| *b == b'/' || b.is_ascii_whitespace()) {
        if name.is_empty() {
            continue;
        }
        match Filter::from_name(name, early) {
            Some(f) => filters.push(f),
            None => break,
        }
    }
    filters
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"/[]<>()%".contains(&b)
}

fn skip_ws(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

/// The integer after `key` (not a longer key starting with it).
fn int_after(dict: &[u8], key: &[u8]) -> Option<u64> {
    let mut from = 0;
    while let Some(at) = memmem::find(&dict[from..], key) {
        let rest = &dict[from + at + key.len()..];
        if rest.first().is_some_and(|b| !is_delimiter(*b)) {
            from += at + key.len();
            continue;
        }
        let rest = skip_ws(rest);
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        return std::str::from_utf8(&rest[..digits]).ok()?.parse().ok();
    }
    None
}

/// Skips the first `n` bytes of a reader.
struct Skip<R> {
    inner: R,
    left: usize,
}

impl<R: Read> Skip<R> {
    fn new(inner: R, n: usize) -> Skip<R> {
        Skip { inner, left: n }
    }
}

impl<R: Read> Read for Skip<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.left > 0 {
            let mut sink = [0u8; 8];
            let want = self.left.min(sink.len());
            let n = self.inner.read(&mut sink[..want])?;
            if n == 0 {
                return Ok(0);
            }
            self.left -= n;
        }
        self.inner.read(buf)
    }
}

/// LZW as lopdf decodes it (weezl, MSB first, 8-bit symbols), as a reader.
struct Lzw<R> {
    inner: R,
    decoder: weezl::decode::Decoder,
    input: Vec<u8>,
    pos: usize,
    filled: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> Lzw<R> {
    fn new(inner: R, early: bool) -> Lzw<R> {
        use weezl::{decode::Decoder, BitOrder};
        let decoder = if early {
            Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
        } else {
            Decoder::new(BitOrder::Msb, 8)
        };
        Lzw {
            inner,
            decoder,
            input: vec![0; 16 << 10],
            pos: 0,
            filled: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for Lzw<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while !self.done && !buf.is_empty() {
            if self.pos == self.filled && !self.eof {
                self.filled = self.inner.read(&mut self.input)?;
                self.pos = 0;
                self.eof = self.filled == 0;
            }
            let res = self
                .decoder
                .decode_bytes(&self.input[self.pos..self.filled], buf);
            self.pos += res.consumed_in;
            match res.status {
                Ok(weezl::LzwStatus::Done) | Err(_) => self.done = true,
                Ok(_) if res.consumed_in == 0 && res.consumed_out == 0 => {
                    // No progress on what is left: only more input helps.
                    if self.eof || self.pos < self.filled {
                        self.done = true;
                    }
                }
                Ok(_) => {}
            }
            if res.consumed_out > 0 {
                return Ok(res.consumed_out);
            }
        }
        Ok(0)
    }
}

/// ASCII85 as lopdf decodes it: `z` is four zero bytes, white space is
/// skipped, anything else outside `!`..=`u` (the `~>` end) ends the data.
struct Ascii85<R> {
    inner: R,
    group: [u8; 5],
    count: usize,
    out: [u8; 4],
    out_len: usize,
    out_pos: usize,
    done: bool,
}

impl<R: Read> Ascii85<R> {
    fn new(inner: R) -> Ascii85<R> {
        Ascii85 {
            inner,
            group: [0; 5],
            count: 0,
            out: [0; 4],
            out_len: 0,
            out_pos: 0,
            done: false,
        }
    }

    /// Decodes the pending group (a final partial one padded with `u`).
    fn flush(&mut self) {
        if self.count == 0 {
            return;
        }
        let n = self.count;
        for c in &mut self.group[n..] {
            *c = b'u';
        }
        let mut v: u64 = 0;
        for c in self.group {
            v = v * 85 + u64::from(c - b'!');
        }
        let bytes = (v as u32).to_be_bytes();
        let keep = if n == 5 { 4 } else { n - 1 };
        self.out[..keep].copy_from_slice(&bytes[..keep]);
        self.out_len = keep;
        self.out_pos = 0;
        self.count = 0;
    }
}

impl<R: Read> Read for Ascii85<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
        while written < buf.len() {
            if self.out_pos < self.out_len {
                let k = (self.out_len - self.out_pos).min(buf.len() - written);
                buf[written..written + k]
                    .copy_from_slice(&self.out[self.out_pos..self.out_pos + k]);
                self.out_pos += k;
                written += k;
                continue;
            }
            if self.done {
                break;
            }
            let mut c = [0u8; 1];
            if self.inner.read(&mut c)? == 0 {
                self.done = true;
                self.flush();
                continue;
            }
            match c[0] {
                b'z' if self.count == 0 => {
                    self.out = [0; 4];
                    self.out_len = 4;
                    self.out_pos = 0;
                }
                b if b.is_ascii_whitespace() => {}
                b @ b'!'..=b'u' => {
                    self.group[self.count] = b;
                    self.count += 1;
                    if self.count == 5 {
                        self.flush();
                    }
                }
                _ => {
                    self.done = true;
                    self.flush();
                }
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(mut r: impl Read) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = r.read_to_end(&mut out);
        out
    }

    #[test]
    fn ascii85_and_lzw_readers_decode_as_lopdf_does() {
        // "Man " in ASCII85, a `z` group, and a final partial group.
        let a85 = drain(Ascii85::new(&b"9jqo^ z F*2M~>"[..]));
        assert_eq!(a85.len(), 11);
        assert_eq!(&a85[..8], b"Man \0\0\0\0");

        let text = b"TOBEORNOTTOBEORTOBEORNOT#".repeat(200);
        let mut enc = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
        let packed = enc.encode(&text).expect("lzw encodes");
        let got = drain(Lzw::new(&packed[..], true));
        assert_eq!(got, text);
    }

    #[test]
    fn loose_dictionaries() {
        assert_eq!(
            loose_filters(b"<< /Length 5 /Filter /FlateDecode >>"),
            [Filter::Flate]
        );
        assert_eq!(
            loose_filters(b"<</Filter[/ASCII85Decode /FlateDecode]/Length 9>>"),
            [Filter::Ascii85, Filter::Flate]
        );
        assert_eq!(
            loose_filters(b"<</Filter [/FlateDecode /DCTDecode /FlateDecode]>>"),
            [Filter::Flate]
        );
        assert_eq!(
            loose_filters(b"<</Filter/LZWDecode/DecodeParms<</EarlyChange 0>>>>"),
            [Filter::Lzw { early: false }]
        );
        assert_eq!(int_after(b"/Type/ObjStm/N 12/First 80", b"/N"), Some(12));
        assert_eq!(int_after(b"/Name/x /N 3", b"/N"), Some(3));
    }

    #[test]
    fn a_chain_is_counted_stage_by_stage() {
        use flate2::write::ZlibEncoder;
        use std::io::Write;
        let mut inner = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        inner.write_all(&vec![0u8; 8 << 20]).expect("deflate");
        let inner = inner.finish().expect("deflate");
        let mut outer = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        outer.write_all(&inner).expect("deflate");
        let outer = outer.finish().expect("deflate");
        let two = [Filter::Flate, Filter::Flate];
        assert!(check_chain(&outer, &two, 9 << 20).is_ok());
        assert!(matches!(
            check_chain(&outer, &two, 4 << 20),
            Err(DocError::Limit { .. })
        ));
        // Not zlib at all: decodes to nothing, as lopdf's would.
        assert!(check_chain(b"plain text", &[Filter::Flate], 1).is_ok());
    }
}
