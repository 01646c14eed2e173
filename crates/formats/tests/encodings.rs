//! `expand` decoding text: UTF-16 with a byte-order mark and
//! quoted-printable mail (also inside a gzip), with every offset mapping
//! back to the raw bytes.

mod support;

use std::io::{self, Read};

use bw_formats::utf16::Endian;
use bw_formats::{expand, Encoding, Event, Options};
use support::*;

fn utf16(text: &str, endian: Endian) -> Vec<u8> {
    std::iter::once(0xfeffu16)
        .chain(text.encode_utf16())
        .flat_map(|u| match endian {
            Endian::Little => u.to_le_bytes(),
            Endian::Big => u.to_be_bytes(),
        })
        .collect()
}

#[test]
fn utf16_with_bom_is_decoded_and_offsets_map_to_raw_bytes() {
    let email = "jane.doe@example.com";
    let text = format!("名前: 山田 🎉𝄞 Zoë, mail {email} end\n").repeat(20_000);
    for endian in [Endian::Little, Endian::Big] {
        let raw = utf16(&text, endian);
        for (name, bytes) in [("u.txt", raw.clone()), ("u.txt.gz", gzip(&raw))] {
            let mut checked = 0;
            expand(name, &bytes[..], &Options::default(), |e| {
                if let Event::Member(mut m) = e {
                    assert_eq!(m.encoding(), Encoding::Utf16(endian));
                    let offsets = m.offsets();
                    checked += drain_rest(&mut m, &offsets, &raw, endian, 0, email)?;
                }
                Ok::<(), io::Error>(())
            })
            .expect("in memory");
            assert_eq!(checked, 20_000, "{name} {endian:?}");
        }
    }
}

/// Reads the rest of a member keeping absolute decoded offsets, checking
/// every occurrence of `needle` maps back to the same text in `raw`.
fn drain_rest(
    m: &mut impl Read,
    offsets: &bw_formats::Offsets,
    raw: &[u8],
    endian: Endian,
    mut pos: u64,
    needle: &str,
) -> io::Result<usize> {
    let mut found = 0;
    let mut window: Vec<u8> = Vec::new();
    let mut window_start = pos;
    let mut buf = [0u8; 3000];
    loop {
        let n = m.read(&mut buf)?;
        if n == 0 {
            return Ok(found);
        }
        window.extend_from_slice(&buf[..n]);
        pos += n as u64;
        while let Some(p) = memfind(&window, needle.as_bytes()) {
            let start = window_start + p as u64;
            let end = start + needle.len() as u64;
            let rs = offsets.raw(start).expect("in window") as usize;
            let re = offsets.raw(end).expect("in window") as usize;
            assert_eq!(decode16(&raw[rs..re], endian), needle);
            found += 1;
            let cut = p + needle.len();
            window.drain(..cut);
            window_start += cut as u64;
        }
        // Keep only a tail that may hold the start of the next occurrence.
        let keep = window.len().min(needle.len());
        let cut = window.len() - keep;
        window.drain(..cut);
        window_start += cut as u64;
        assert_eq!(window_start + window.len() as u64, pos);
    }
}

fn memfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn decode16(raw: &[u8], endian: Endian) -> String {
    let units: Vec<u16> = raw
        .chunks_exact(2)
        .map(|p| match endian {
            Endian::Little => u16::from_le_bytes([p[0], p[1]]),
            Endian::Big => u16::from_be_bytes([p[0], p[1]]),
        })
        .collect();
    String::from_utf16_lossy(&units)
}

#[test]
fn quoted_printable_mail_in_a_gzip_is_decoded_with_raw_offsets() {
    let email = "jane.doe@example.com";
    let mut raw = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\n\
        Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        .to_vec();
    for i in 0..5_000 {
        // The address cut at a different place on each line.
        let cut = 1 + i % (email.len() - 1);
        let (a, b) = email.split_at(cut);
        let line = format!("row {i} caf=C3=A9 {a}=\r\n{b} end\r\n").replace('@', "=40");
        raw.extend_from_slice(line.as_bytes());
    }
    for (name, bytes) in [("m.eml", raw.clone()), ("m.eml.gz", gzip(&raw))] {
        let mut found = Vec::new();
        expand(name, &bytes[..], &Options::default(), |e| {
            if let Event::Member(mut m) = e {
                assert_eq!(m.encoding(), Encoding::Mail);
                let offsets = m.offsets();
                let mut text = Vec::new();
                m.read_to_end(&mut text)?;
                // All decoded at once here, so ask the map with a window
                // that covers everything: only the last MiB is kept.
                let mut at = 0;
                while let Some(p) = memfind(&text[at..], email.as_bytes()) {
                    let s = at + p;
                    let e = s + email.len();
                    if text.len() - s < (1 << 20) {
                        let rs = offsets.raw(s as u64).expect("in window") as usize;
                        let re = offsets.raw(e as u64).expect("in window") as usize;
                        found.push((rs, re));
                    }
                    at = e;
                }
            }
            Ok::<(), io::Error>(())
        })
        .expect("in memory");
        assert_eq!(found.len(), 5_000, "{name}");
        for (rs, re) in found {
            let span = String::from_utf8_lossy(&raw[rs..re])
                .replace("=\r\n", "")
                .replace("=40", "@");
            assert_eq!(span, email, "{name}");
        }
    }
}
