//! The decoder on mail written by hand: every escape, cut and
//! separator case, read in steps that cut lines anywhere.

use super::*;

/// Hands out `step` bytes per read, to cut lines and escapes anywhere.
pub(super) struct Trickle<'a>(pub &'a [u8], pub usize);
impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.1.min(out.len()).min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn decode_all(raw: &[u8], step: usize) -> (Vec<u8>, OffsetMap) {
    let mut dec = MailDecoder::new(Trickle(raw, step));
    let map = dec.offset_map();
    let mut out = Vec::new();
    dec.read_to_end(&mut out).expect("in-memory read");
    (out, map)
}

/// Checks that `needle`, found in the decoded text, maps to raw bytes
/// that decode to it; returns the raw ranges.
fn raw_ranges(raw: &[u8], step: usize, needle: &str) -> Vec<(usize, usize)> {
    let (out, map) = decode_all(raw, step);
    let mut found = Vec::new();
    let n = needle.as_bytes();
    let mut i = 0;
    while let Some(p) = out[i..].windows(n.len()).position(|w| w == n) {
        let s = i + p;
        let rs = map.raw(s as u64).expect("mapped") as usize;
        let re = map.raw((s + n.len()) as u64).expect("mapped") as usize;
        assert_eq!(
            qp_decode(&raw[rs..re]),
            n,
            "step {step}: {:?}",
            String::from_utf8_lossy(&raw[rs..re])
        );
        found.push((rs, re));
        i = s + n.len();
    }
    found
}

/// A plain reference decoder for whole strings, independent of the
/// streaming one.
fn qp_decode(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw)
        .replace("=\r\n", "")
        .replace("=\n", "");
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

const QP_MAIL: &str = "From: \"Jane Doe\" <jane.doe@example.com>\r\n\
    To: support@example.org\r\n\
    Subject: refund\r\n\
    MIME-Version: 1.0\r\n\
    Content-Type: text/plain; charset=utf-8\r\n\
    Content-Transfer-Encoding: quoted-printable\r\n\
    \r\n\
    Name: Jane =\r\n\
    Doe, write to jane.d=\r\n\
    oe=40example.com or =C3=89lodie Durand=20\r\n\
    =3D=3D end\r\n";

#[test]
fn quoted_printable_body_is_decoded_and_maps_back() {
    for step in [1, 2, 3, 7, 4096] {
        let (out, _) = decode_all(QP_MAIL.as_bytes(), step);
        let text = String::from_utf8(out).expect("utf-8");
        let body = text.split("\r\n\r\n").nth(1).expect("body");
        assert_eq!(
            body,
            "Name: Jane Doe, write to jane.doe@example.com or Élodie Durand \r\n== end\r\n"
        );
        // The header's address is passed through; the body's is decoded.
        let mails = raw_ranges(QP_MAIL.as_bytes(), step, "jane.doe@example.com");
        assert_eq!(mails.len(), 2);
        assert_eq!(mails[0].0, QP_MAIL.find("jane.doe@").expect("header"));
        assert_eq!(mails[1].0, QP_MAIL.find("jane.d=").expect("body"));
        assert_eq!(raw_ranges(QP_MAIL.as_bytes(), step, "Jane Doe").len(), 2);
        let elodie = raw_ranges(QP_MAIL.as_bytes(), step, "Élodie Durand");
        assert_eq!(elodie[0].0, QP_MAIL.find("=C3=89").expect("escape"));
    }
}

#[test]
fn only_quoted_printable_parts_of_a_multipart_are_decoded() {
    let raw = "Received: from a by b\n\
        From: x@example.com\n\
        Content-Type: multipart/mixed;\n\
        \tboundary=\"b1\"\n\
        \n\
        preamble a=40b.example\n\
        --b1\n\
        Content-Type: text/plain\n\
        \n\
        plain a=40b.example\n\
        --b1\n\
        Content-Type: text/plain\n\
        Content-Transfer-Encoding: Quoted-Printable\n\
        \n\
        qp a=40b.example\n\
        --b1--\n\
        epilogue a=40b.example\n";
    for step in [1, 5, 4096] {
        let (out, _) = decode_all(raw.as_bytes(), step);
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("preamble a=40b.example\n"), "{text}");
        assert!(text.contains("plain a=40b.example\n"), "{text}");
        assert!(text.contains("qp a@b.example\n"), "{text}");
        assert!(text.contains("epilogue a=40b.example\n"), "{text}");
        assert_eq!(raw_ranges(raw.as_bytes(), step, "a@b.example").len(), 1);
    }
}

#[test]
fn long_lines_are_decoded_in_pieces_without_cutting_escapes() {
    // One 420 KB line of escapes and text: no line end for the buffer
    // to stop at.
    let mut raw = String::from(
        "From: x@example.com\nSubject: s\nContent-Transfer-Encoding: quoted-printable\n\n",
    );
    let body_start = raw.len();
    for i in 0..60_000 {
        raw.push_str(if i % 7 == 0 { "ab=40cd" } else { "xy=40z " });
    }
    raw.push('\n');
    let expect = qp_decode(&raw.as_bytes()[body_start..]);
    for step in [4096, 100_000] {
        let (out, map) = decode_all(raw.as_bytes(), step);
        assert_eq!(&out[body_start..], &expect[..]);
        assert_eq!(map.raw(out.len() as u64), Some(raw.len() as u64));
    }
    assert_eq!(
        raw_ranges(raw.as_bytes(), 4096, "ab@cd").len(),
        60_000 / 7 + 1
    );
}

#[test]
fn mail_heads_are_recognised_and_others_are_not() {
    assert!(looks_like_mail(QP_MAIL.as_bytes()));
    assert!(looks_like_mail(
        b"From a@b.example Tue Mar 12 10:22:33 2024\nReceived: from x\n\tby y\nFrom: a@b.example\n\n"
    ));
    assert!(!looks_like_mail(b"Subject: only one header\n\nbody\n"));
    assert!(!looks_like_mail(b"name,email\nJane,j@example.com\n"));
    assert!(!looks_like_mail(b"X-A: 1\nX-B: 2\n\n"));
    assert!(!looks_like_mail(b"Date: today\nnot a header line\nTo: x\n"));
    assert!(!looks_like_mail(b""));
}

#[test]
fn old_mappings_are_forgotten() {
    let mut raw = String::from("From: a\nTo: b\nContent-Transfer-Encoding: quoted-printable\n\n");
    for _ in 0..200_000 {
        raw.push_str("=C3=A9a");
    }
    let mut dec = MailDecoder::new(raw.as_bytes()).with_window(1000);
    let map = dec.offset_map();
    std::io::copy(&mut dec, &mut std::io::sink()).expect("in-memory read");
    // What is kept: the window plus the block last handed out, not the
    // 400,000 runs of the whole stream.
    assert!(map.run_count() < 60_000, "{}", map.run_count());
    assert_eq!(map.raw(0), None);
}

/// What Python's `email` package (policy.default) writes for a sender and a
/// subject that are not ASCII: a long name folded into two encoded words.
const ENCODED_HEADERS: &str =
    "From: =?utf-8?q?Jos=C3=A9_Mar=C3=ADa_Dos_Santos_Fern=C3=A1ndez_de_la?=\n\
    \x20=?utf-8?q?_Cruz?= <jm@example.com>\n\
    To: =?utf-8?b?6Yi05pyoIOWBpeWkqg==?= <kenta@example.jp>\n\
    Subject: =?iso-8859-1?q?R=E9clamation?= order 77\n\
    Content-Type: multipart/mixed; boundary=\"b1\"\n\
    \n\
    --b1\n\
    Content-Type: text/plain; name=\"=?utf-8?q?Fran=C3=A7oise=2Etxt?=\"\n\
    Content-Description: =?utf-8?q?Fran=C3=A7oise?= Martin\n\
    \n\
    body =?utf-8?q?is_not_a_header?=\n\
    --b1--\n";

#[test]
fn encoded_words_in_message_and_part_headers_are_decoded_and_map_back() {
    let raw = ENCODED_HEADERS.as_bytes();
    for step in [1, 2, 3, 7, 4096] {
        let (out, map) = decode_all(raw, step);
        let text = String::from_utf8(out).expect("utf-8");
        assert!(
            text.starts_with(
                "From: José María Dos Santos Fernández de la Cruz <jm@example.com>\n\
                 To: 鈴木 健太 <kenta@example.jp>\n\
                 Subject: Réclamation order 77\n"
            ),
            "step {step}: {text}"
        );
        assert!(
            text.contains("Content-Description: Françoise Martin\n"),
            "{text}"
        );
        // Bodies are not headers.
        assert!(
            text.contains("body =?utf-8?q?is_not_a_header?=\n"),
            "{text}"
        );
        let span = |needle: &str| {
            let s = text.find(needle).expect("needle");
            let a = map.raw(s as u64).expect("start") as usize;
            let b = map.raw((s + needle.len()) as u64).expect("end") as usize;
            &ENCODED_HEADERS[a..b]
        };
        let name = span("José María Dos Santos Fernández de la Cruz");
        assert!(
            name.starts_with("=?utf-8?q?Jos=C3=A9_") && name.ends_with("_Cruz?="),
            "{name}"
        );
        assert_eq!(span("Cruz"), "Cruz?=");
        assert_eq!(span("jm@example.com"), "jm@example.com");
        assert_eq!(span("鈴木 健太"), "=?utf-8?b?6Yi05pyoIOWBpeWkqg==?=");
        assert_eq!(
            span("Françoise Martin"),
            "=?utf-8?q?Fran=C3=A7oise?= Martin"
        );
        assert_eq!(span("body"), "body");
        assert_eq!(map.raw(text.len() as u64), Some(raw.len() as u64));
    }
}

#[test]
fn a_stream_that_ends_inside_its_headers_hands_out_the_last_field() {
    let raw = b"From: a@example.com\nSubject: =?utf-8?q?Z=C3=B6e?=";
    for step in [1, 5, 4096] {
        let (out, map) = decode_all(raw, step);
        assert_eq!(out, "From: a@example.com\nSubject: Zöe".as_bytes());
        assert_eq!(map.raw(out.len() as u64), Some(raw.len() as u64));
    }
}

#[test]
fn a_header_field_longer_than_the_limit_is_passed_on_in_pieces() {
    let mut raw = String::from("From: a@example.com\nSubject:");
    for _ in 0..2000 {
        raw.push_str(" =?utf-8?q?=C3=A9t=C3=A9?=\n");
    }
    raw.push_str("\nbody\n");
    let (out, map) = decode_all(raw.as_bytes(), 4096);
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.ends_with("\n\nbody\n"), "{}", &text[text.len() - 40..]);
    // Joined within each piece held, never more than MAX_HEADER raw bytes.
    assert!(text.contains("étéétéété"), "{}", &text[..200]);
    assert!(text.len() < raw.len() / 2);
    assert_eq!(map.raw(text.len() as u64), Some(raw.len() as u64));
}

#[test]
fn arbitrary_mail_shaped_bytes_never_panic() {
    let pieces: [&[u8]; 14] = [
        b"From: ",
        b"Subject: ",
        b"=?utf-8?q?",
        b"=?iso-8859-1?B?",
        b"?=",
        b"=C3=A9",
        b"SGk=",
        b"\n",
        b"\r\n",
        b"\n ",
        b"Content-Type: multipart/mixed; boundary=b\n",
        b"--b\n",
        b"Content-Transfer-Encoding: quoted-printable\n",
        b"From a@b Mon Jan  1 00:00:00 2026\n",
    ];
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    for round in 0..150 {
        let mut raw = Vec::new();
        for _ in 0..(x % 200) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x % 4 == 0 {
                raw.push((x >> 8) as u8);
            } else {
                raw.extend_from_slice(pieces[(x >> 8) as usize % pieces.len()]);
            }
        }
        // Byte-by-byte reads cost a buffer refill each: a few suffice.
        let step = if round % 20 == 0 { 1 } else { 2 + round % 61 };
        let (out, map) = decode_all(&raw, step);
        assert_eq!(map.raw(out.len() as u64), Some(raw.len() as u64), "{raw:?}");
        let mut dec = MailDecoder::new(Trickle(&raw, step)).split_messages();
        while dec.next_message().expect("in memory") {
            std::io::copy(&mut dec, &mut std::io::sink()).expect("in memory");
        }
    }
}
