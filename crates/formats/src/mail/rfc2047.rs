//! RFC 2047 encoded-words in header fields: `=?utf-8?q?Jos=C3=A9?=` and
//! `=?iso-8859-1?b?Sm9z6Q==?=` are what every mail library writes for a
//! display name or subject that is not ASCII, and a detector reading them
//! raw sees `=?utf-8?q?…` rather than a name.
//!
//! One field (its folded lines included) is decoded at a time, into the
//! parser's output with its [`Runs`], so a decoded character maps back to
//! the raw bytes it came from: the first character of a word to the
//! word's `=?`, the end of its last to after its `?=`. Whitespace between
//! two adjacent encoded words decodes to nothing (§6.2). A word that is not
//! well formed (an unknown charset, a bad escape, broken base64) is passed
//! through as written, never an error. Charsets are read with
//! `encoding_rs` (WHATWG labels: `iso-8859-1` reads as windows-1252, as
//! every mail client reads it); control characters a word decodes to are
//! written as spaces, so a header cannot make a message look binary.

use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use encoding_rs::{CoderResult, Encoding};

use crate::offset_map::Runs;

/// Longest charset name accepted (`iso-2022-jp*ja` and the like are far
/// shorter); keeps a word's first unit within the map's widths.
const MAX_CHARSET: usize = 64;

/// Base64 as senders write it: padding optional, trailing bits ignored.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Buffers reused across fields.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    /// A word's bytes before charset decoding.
    bytes: Vec<u8>,
    /// Raw offset (in the field) of each of `bytes`, and of its end.
    raw_at: Vec<usize>,
    /// Decoded UTF-8 of the word being decoded.
    text: Vec<u8>,
    /// Per decoded piece: its length in `text` and the raw range it maps to.
    units: Vec<(usize, usize, usize)>,
}

/// A syntactically complete `=?charset?enc?text?=` at some offset.
struct Word<'a> {
    charset: &'a [u8],
    b: bool,
    /// Where the encoded text starts and ends (before `?=`).
    text: (usize, usize),
    end: usize,
}

/// Whether `field` could hold an encoded word (checked before holding a
/// field back costs anything).
pub(super) fn has_encoded_word(field: &[u8]) -> bool {
    field.windows(2).any(|w| w == b"=?")
}

/// Writes `field` to `out` with its encoded words decoded, recording the
/// mapping in `runs`.
pub(super) fn decode_field(field: &[u8], out: &mut Vec<u8>, runs: &mut Runs, s: &mut Scratch) {
    // `done`: raw bytes before it are written; `after_word`: the end of
    // the last decoded word, when only whitespace may have followed it.
    let (mut done, mut pos) = (0, 0);
    let mut after_word = None;
    while let Some(j) = field[pos..].windows(2).position(|w| w == b"=?") {
        let at = pos + j;
        let Some(w) = parse(field, at) else {
            pos = at + 1;
            continue;
        };
        if !decode_word(field, &w, s) {
            pos = at + 1;
            continue;
        }
        let between = &field[done..at];
        if after_word == Some(done) && between.iter().all(|b| b.is_ascii_whitespace()) {
            runs.skip_raw(between.len() as u64);
        } else {
            identity(between, out, runs);
        }
        emit(at, w.end, out, runs, s);
        done = w.end;
        pos = w.end;
        after_word = Some(w.end);
    }
    identity(&field[done..], out, runs);
}

fn identity(bytes: &[u8], out: &mut Vec<u8>, runs: &mut Runs) {
    out.extend_from_slice(bytes);
    runs.push_many(1, 1, bytes.len() as u64);
}

/// The word starting at `at` (which holds `=?`), if it is one: a charset
/// token, `Q` or `B`, and encoded text of printable ASCII without `?` or
/// spaces, closed by `?=`.
fn parse(field: &[u8], at: usize) -> Option<Word<'_>> {
    let rest = &field[at + 2..];
    let cs_len = rest.iter().take(MAX_CHARSET + 1).position(|&b| b == b'?')?;
    let charset = &rest[..cs_len];
    if charset.is_empty() || !charset.iter().all(|b| b.is_ascii_graphic() && *b != b'=') {
        return None;
    }
    let b = match rest.get(cs_len + 1..cs_len + 3)? {
        [e, b'?'] if e.eq_ignore_ascii_case(&b'q') => false,
        [e, b'?'] if e.eq_ignore_ascii_case(&b'b') => true,
        _ => return None,
    };
    let start = at + 2 + cs_len + 3;
    let len = field[start..]
        .iter()
        .position(|&c| c == b'?' || !c.is_ascii_graphic())?;
    let end = start + len;
    (field.get(end..end + 2)? == b"?=").then_some(Word {
        charset,
        b,
        text: (start, end),
        end: end + 2,
    })
}

/// Decodes `w` into `s.text` and `s.units`; false if it is malformed.
fn decode_word(field: &[u8], w: &Word<'_>, s: &mut Scratch) -> bool {
    // RFC 2231 adds a language: `utf-8*en`.
    let label = w.charset.split(|&b| b == b'*').next().unwrap_or_default();
    let Some(encoding) = Encoding::for_label_no_replacement(label) else {
        return false;
    };
    s.bytes.clear();
    s.raw_at.clear();
    let (from, to) = w.text;
    let text = &field[from..to];
    if w.b {
        if LENIENT.decode_vec(text, &mut s.bytes).is_err() {
            return false;
        }
        // Byte k of the decoded data starts in base64 character 4k/3.
        s.raw_at
            .extend((0..s.bytes.len()).map(|k| from + k * 4 / 3));
    } else {
        let mut i = 0;
        while i < text.len() {
            s.raw_at.push(from + i);
            match text[i] {
                b'_' => s.bytes.push(b' '),
                b'=' => {
                    let h = text.get(i + 1).copied().and_then(hex);
                    let l = text.get(i + 2).copied().and_then(hex);
                    let (Some(h), Some(l)) = (h, l) else {
                        return false;
                    };
                    s.bytes.push(h << 4 | l);
                    i += 2;
                }
                c => s.bytes.push(c),
            }
            i += 1;
        }
    }
    s.raw_at.push(to);
    charset_decode(encoding, s);
    true
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// `s.bytes` in `encoding` → UTF-8 in `s.text`, one piece per source byte
/// that completed a character, so each piece knows its raw bytes.
fn charset_decode(encoding: &'static Encoding, s: &mut Scratch) {
    let mut dec = encoding.new_decoder_without_bom_handling();
    let mut buf = [0u8; 64];
    s.text.clear();
    s.units.clear();
    let mut piece_from = 0;
    for k in 0..=s.bytes.len() {
        let (input, last) = match s.bytes.get(k..k + 1) {
            Some(one) => (one, false),
            None => (&[][..], true),
        };
        let mut read = 0;
        let before = s.text.len();
        loop {
            let (result, r, written, _) = dec.decode_to_utf8(&input[read..], &mut buf, last);
            read += r;
            s.text.extend_from_slice(&buf[..written]);
            if result == CoderResult::InputEmpty {
                break;
            }
        }
        if s.text.len() > before {
            let piece_to = (k + 1).min(s.bytes.len());
            let raw = (s.raw_at[piece_from], s.raw_at[piece_to]);
            s.units.push((s.text.len() - before, raw.0, raw.1));
            piece_from = piece_to;
        }
    }
    for b in &mut s.text {
        if b.is_ascii_control() && *b != b'\t' {
            *b = b' ';
        }
    }
}

/// Writes the decoded word that spans raw `[at, end)`, its first piece
/// mapped from `=?` and its last to `?=`.
fn emit(at: usize, end: usize, out: &mut Vec<u8>, runs: &mut Runs, s: &mut Scratch) {
    out.extend_from_slice(&s.text);
    let n = s.units.len();
    if n == 0 {
        runs.skip_raw((end - at) as u64);
        return;
    }
    s.units[0].1 = at;
    s.units[n - 1].2 = end;
    for &(dec, from, to) in &s.units {
        push_unit(runs, dec, to.saturating_sub(from));
    }
}

/// One piece of `dec` decoded bytes from `raw` raw bytes; the map's widths
/// are bytes, so a wider piece (a long run of escape sequences a stateful
/// charset decoded to one character) maps its start past the excess.
fn push_unit(runs: &mut Runs, dec: usize, raw: usize) {
    let w = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
    if dec <= 255 && raw <= 255 {
        runs.push(w(dec), w(raw));
        return;
    }
    runs.skip_raw(raw.saturating_sub(255) as u64);
    runs.push(1, w(raw));
    runs.push_many(1, 0, dec as u64 - 1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offset_map::OffsetMap;

    fn decode(field: &str) -> (String, OffsetMap) {
        let mut out = Vec::new();
        let map = OffsetMap::new(Runs::starting_at(0));
        decode_field(
            field.as_bytes(),
            &mut out,
            &mut map.runs_mut(),
            &mut Scratch::default(),
        );
        (String::from_utf8(out).expect("utf-8"), map)
    }

    /// The raw text a decoded substring maps back to.
    fn raw_of<'a>(field: &'a str, text: &str, map: &OffsetMap, needle: &str) -> &'a str {
        let s = text.find(needle).expect("needle");
        let a = map.raw(s as u64).expect("start") as usize;
        let b = map.raw((s + needle.len()) as u64).expect("end") as usize;
        &field[a..b]
    }

    #[test]
    fn q_words_decode_and_map_to_the_word() {
        let f = "From: =?utf-8?q?Jos=C3=A9_Mar=C3=ADa_Dos_Santos?= <jm@example.com>\n";
        let (text, map) = decode(f);
        assert_eq!(text, "From: José María Dos Santos <jm@example.com>\n");
        let name = raw_of(f, &text, &map, "José María Dos Santos");
        assert_eq!(name, "=?utf-8?q?Jos=C3=A9_Mar=C3=ADa_Dos_Santos?=");
        assert_eq!(raw_of(f, &text, &map, "María"), "Mar=C3=ADa");
        assert_eq!(raw_of(f, &text, &map, "jm@example.com"), "jm@example.com");
        assert_eq!(map.raw(text.len() as u64), Some(f.len() as u64));
    }

    #[test]
    fn b_words_and_single_byte_charsets() {
        let (text, _) = decode("Subject: =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\n");
        assert_eq!(text, "Subject: If you can read this yo\n");
        let (text, _) = decode("To: =?iso-8859-15?q?Ren=E9_=A4?= <r@x.example>");
        assert_eq!(text, "To: René € <r@x.example>");
        let (text, _) = decode("To: =?windows-1252?Q?=93Zo=EB=94?= <z@x.example>");
        assert_eq!(text, "To: “Zoë” <z@x.example>");
        // Unpadded base64, a language after the charset (RFC 2231).
        let (text, _) = decode("Subject: =?UTF-8*en?b?w4lsb2RpZQ?=");
        assert_eq!(text, "Subject: Élodie");
    }

    #[test]
    fn b_words_map_each_character_to_its_quantum() {
        let f = "From: =?utf-8?b?6Yi05pyoIOWBpeWkqg==?= <k@x.example>";
        let (text, map) = decode(f);
        assert_eq!(text, "From: 鈴木 健太 <k@x.example>");
        assert_eq!(
            raw_of(f, &text, &map, "鈴木 健太"),
            "=?utf-8?b?6Yi05pyoIOWBpeWkqg==?="
        );
        // 健 is bytes 7..10 of the data: base64 characters 9..13.
        assert_eq!(raw_of(f, &text, &map, "健"), "OWBp");
    }

    #[test]
    fn whitespace_between_adjacent_words_is_dropped_and_elsewhere_kept() {
        // RFC 2047 §8's examples.
        for (raw, want) in [
            ("(=?ISO-8859-1?Q?a?=)", "(a)"),
            ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
            ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
            ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
            ("(a =?ISO-8859-1?Q?b?=)", "(a b)"),
        ] {
            assert_eq!(decode(raw).0, want, "{raw}");
        }
        // Python folds a long name into words on several lines.
        let f = "From: =?utf-8?q?=C3=81lvaro?=\n =?utf-8?q?_Fern=C3=A1ndez?= <a@x.example>\n";
        let (text, map) = decode(f);
        assert_eq!(text, "From: Álvaro Fernández <a@x.example>\n");
        assert_eq!(raw_of(f, &text, &map, "Fernández"), "Fern=C3=A1ndez?=");
        assert_eq!(
            raw_of(f, &text, &map, "Álvaro Fernández"),
            "=?utf-8?q?=C3=81lvaro?=\n =?utf-8?q?_Fern=C3=A1ndez?="
        );
    }

    #[test]
    fn malformed_words_pass_through_unchanged() {
        for raw in [
            "Subject: =?unknown-charset?q?abc?=",
            "Subject: =?utf-8?x?abc?=",
            "Subject: =?utf-8?q?a=ZZb?=",
            "Subject: =?utf-8?q?a=C?=",
            "Subject: =?utf-8?b?!!!!?=",
            "Subject: =?utf-8?q?no end",
            "Subject: =?utf-8?q?a b?=",
            "Subject: =??q?a?=",
            "Subject: =?utf-8?q",
            "Subject: =?",
            "Subject: a =?= b ?= c",
            "Subject: 100% =?=?=?",
        ] {
            let (text, map) = decode(raw);
            assert_eq!(text, raw);
            assert_eq!(map.raw(text.len() as u64), Some(raw.len() as u64));
        }
        // A bad word does not stop a good one after it.
        assert_eq!(decode("=?x?q?a?= =?utf-8?q?b?=").0, "=?x?q?a?= b");
    }

    #[test]
    fn control_characters_become_spaces_and_empty_words_vanish() {
        let raw = "Subject: a=?utf-8?q?=00=0A=0D?=b =?utf-8?q??= c";
        let (text, map) = decode(raw);
        assert_eq!(text, "Subject: a   b  c");
        assert_eq!(map.raw(text.len() as u64), Some(raw.len() as u64));
        // UTF-8 that is not: a replacement character, not an error.
        assert_eq!(decode("=?utf-8?q?a=FFb?=").0, "a\u{FFFD}b");
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_map_to_the_end() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let pieces: [&[u8]; 10] = [
            b"=?", b"?=", b"?q?", b"?B?", b"utf-8", b"=C3", b"_", b" ", b"\n ", b"\xff",
        ];
        for _ in 0..3000 {
            let mut f = Vec::new();
            for _ in 0..(x % 40) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if x % 3 == 0 {
                    f.push((x >> 8) as u8);
                } else {
                    f.extend_from_slice(pieces[(x >> 8) as usize % pieces.len()]);
                }
            }
            let mut out = Vec::new();
            let map = OffsetMap::new(Runs::starting_at(0));
            decode_field(&f, &mut out, &mut map.runs_mut(), &mut Scratch::default());
            assert_eq!(map.raw(out.len() as u64), Some(f.len() as u64), "{f:?}");
            for d in 0..=out.len() {
                let r = map.raw(d as u64).expect("mapped");
                assert!(r <= f.len() as u64);
            }
        }
    }
}
