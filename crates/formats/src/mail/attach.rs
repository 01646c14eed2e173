//! Base64 parts of a mail — attachments, and text bodies some clients send
//! in base64 — decoded into spools while the mail streams past, to be
//! walked as members of their own after it (`mail.eml!export.xlsx`), so an
//! xlsx in a zip in a mail is read like one on disk.

use std::io::{Seek, SeekFrom, Write};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// Decoded bytes of one part kept in memory before the spool moves to an
/// anonymous temp file.
const IN_MEMORY: usize = 1 << 20;

/// A decoded base64 part.
pub struct Attachment {
    /// The name the sender gave it (`filename=`, `name=`), cleaned, or
    /// `part-N` (with `.txt`/`.html` for text) when it has none.
    pub name: String,
    /// Its decoded bytes, rewound.
    pub data: tempfile::SpooledTempFile,
    /// How many decoded bytes it holds.
    pub len: u64,
    /// It was cut at the size limit (the rest was not decoded).
    pub truncated: bool,
}

/// One base64 part being decoded.
pub(super) struct Decoding {
    att: Attachment,
    /// Base64 characters of an incomplete quad carried to the next line.
    carry: Vec<u8>,
    max: u64,
    failed: bool,
}

impl Decoding {
    pub(super) fn new(name: String, max: u64) -> Decoding {
        Decoding {
            att: Attachment {
                name,
                data: tempfile::SpooledTempFile::new(IN_MEMORY),
                len: 0,
                truncated: false,
            },
            carry: Vec::new(),
            max,
            failed: false,
        }
    }

    /// Decodes one line of the part's body. Characters outside the base64
    /// alphabet (line breaks, stray blanks) are dropped, as RFC 2045 asks.
    pub(super) fn line(&mut self, line: &[u8]) {
        if self.failed || self.att.truncated {
            return;
        }
        self.carry.extend(
            line.iter()
                .copied()
                .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')),
        );
        let whole = self.carry.len() / 4 * 4;
        if whole == 0 {
            return;
        }
        // Padding inside the stream (concatenated encodings) ends a quad
        // early; decode up to and including the first padded quad, and
        // drop what a strict decoder would call garbage after it.
        let upto = match self.carry[..whole].iter().position(|&b| b == b'=') {
            Some(p) => (p / 4 + 1) * 4,
            None => whole,
        };
        let decoded = STANDARD.decode(&self.carry[..upto]);
        let rest = if upto < whole { whole } else { upto };
        self.carry.drain(..rest);
        match decoded {
            Ok(bytes) => self.write(&bytes),
            Err(_) => self.failed = true,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        let room = self.max.saturating_sub(self.att.len);
        let n = (bytes.len() as u64).min(room) as usize;
        if n < bytes.len() {
            self.att.truncated = true;
        }
        if self.att.data.write_all(&bytes[..n]).is_err() {
            self.failed = true;
            return;
        }
        self.att.len += n as u64;
    }

    /// The decoded part, rewound; `None` when nothing usable came out.
    pub(super) fn finish(mut self) -> Option<Attachment> {
        if !self.carry.is_empty() && !self.failed {
            // Unpadded tail (some writers drop the padding).
            let tail = std::mem::take(&mut self.carry);
            let mut padded = tail.clone();
            while padded.len() % 4 != 0 {
                padded.push(b'=');
            }
            if let Ok(bytes) = STANDARD.decode(&padded) {
                self.write(&bytes);
            }
        }
        if self.att.len == 0 {
            return None;
        }
        self.att.data.seek(SeekFrom::Start(0)).ok()?;
        Some(self.att)
    }
}

/// The file name a part's headers give: `filename=` of
/// Content-Disposition, else `name=` of Content-Type; RFC 2231
/// (`filename*=UTF-8''na%20me.xlsx`) and quoted forms. Path separators
/// are removed: a name is one member segment.
pub(super) fn file_name(disposition: Option<&[u8]>, content_type: Option<&[u8]>) -> Option<String> {
    let from = |value: &[u8], key: &str| -> Option<String> {
        let lower = value.to_ascii_lowercase();
        let ext = format!("{key}*=");
        let plain = format!("{key}=");
        if let Some(at) = find_param(&lower, ext.as_bytes()) {
            let raw = param_value(&value[at + ext.len()..]);
            // charset'lang'percent-encoded
            let encoded = raw.rsplit(|b| *b == b'\'').next().unwrap_or(&raw);
            return Some(String::from_utf8_lossy(&percent_decode(encoded)).into_owned());
        }
        let at = find_param(&lower, plain.as_bytes())?;
        Some(String::from_utf8_lossy(&param_value(&value[at + plain.len()..])).into_owned())
    };
    let name = disposition
        .and_then(|d| from(d, "filename"))
        .or_else(|| content_type.and_then(|c| from(c, "name")))?;
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&name)
        .trim()
        .to_string();
    (!name.is_empty()).then_some(name)
}

/// Where `key` starts as a parameter (after `;` or a blank), not inside
/// another parameter's name.
fn find_param(lower: &[u8], key: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = lower[from..].windows(key.len()).position(|w| w == key) {
        let at = from + p;
        if at == 0 || matches!(lower[at - 1], b';' | b' ' | b'\t') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn param_value(rest: &[u8]) -> Vec<u8> {
    match rest.strip_prefix(b"\"") {
        Some(q) => q.split(|b| *b == b'"').next().unwrap_or(q).to_vec(),
        None => rest
            .split(|b| *b == b';' || b.is_ascii_whitespace())
            .next()
            .unwrap_or(rest)
            .to_vec(),
    }
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(h), Some(l)) = (super::hex(s[i + 1]), super::hex(s[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// Reads an attachment whole (tests).
#[cfg(test)]
pub(crate) fn read_all(att: &mut Attachment) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    att.data.read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_decode_across_uneven_breaks_and_missing_padding() {
        let text = b"name,email\nMarisol Quenby,marisol.q@example.net\n";
        let enc = STANDARD.encode(text);
        for width in [1, 3, 4, 7, 76] {
            let mut d = Decoding::new("x.csv".into(), 1 << 20);
            for chunk in enc.as_bytes().chunks(width) {
                let mut line = chunk.to_vec();
                line.extend_from_slice(b"\r\n");
                d.line(&line);
            }
            let mut att = d.finish().expect("decoded");
            assert_eq!(read_all(&mut att).expect("read"), text, "width {width}");
        }
        let unpadded = enc.trim_end_matches('=');
        let mut d = Decoding::new("x".into(), 1 << 20);
        d.line(unpadded.as_bytes());
        let mut att = d.finish().expect("decoded");
        assert_eq!(read_all(&mut att).expect("read"), text);
    }

    #[test]
    fn a_part_stops_at_the_size_limit_and_says_so() {
        let enc = STANDARD.encode(vec![b'a'; 1000]);
        let mut d = Decoding::new("big".into(), 100);
        d.line(enc.as_bytes());
        let att = d.finish().expect("decoded");
        assert_eq!(att.len, 100);
        assert!(att.truncated);
    }

    #[test]
    fn file_names_come_from_the_headers_in_every_form() {
        let n = |d: Option<&str>, c: Option<&str>| {
            file_name(d.map(str::as_bytes), c.map(str::as_bytes))
        };
        assert_eq!(
            n(Some("attachment; filename=\"export q3.xlsx\""), None).as_deref(),
            Some("export q3.xlsx")
        );
        assert_eq!(
            n(Some("attachment; filename=list.csv"), None).as_deref(),
            Some("list.csv")
        );
        assert_eq!(
            n(
                Some("attachment; filename*=UTF-8''kunden%20liste.csv"),
                None
            )
            .as_deref(),
            Some("kunden liste.csv")
        );
        assert_eq!(
            n(None, Some("application/pdf; name=\"../../labels.pdf\"")).as_deref(),
            Some("labels.pdf")
        );
        assert_eq!(n(Some("inline"), Some("text/plain; charset=utf-8")), None);
        // `name=` inside `filename=` is not a second parameter.
        assert_eq!(n(None, Some("text/plain; xname=a.txt")), None);
    }
}
