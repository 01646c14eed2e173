//! What the expand tests share: a sink that keeps what `expand` hands out,
//! and writers for every container and compression format.
#![allow(dead_code)] // each test file uses a different subset

use std::io::{self, Cursor, Read, Write};

use bw_formats::{expand, expand_seekable, Event, MemberError, Notice, Options, Summary};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

#[derive(Debug)]
pub enum Got {
    Member {
        name: String,
        len: u64,
        /// The first 16 MiB: enough to compare small members whole.
        data: Vec<u8>,
        unsafe_path: bool,
    },
    Error(MemberError),
    Notice(Notice),
}

pub const KEEP: usize = 16 << 20;

pub fn collect(event: Event<'_>, out: &mut Vec<Got>) -> io::Result<()> {
    match event {
        Event::Member(mut m) => {
            let mut data = Vec::new();
            let mut len = 0u64;
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                let n = m.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                len += n as u64;
                let room = KEEP.saturating_sub(data.len()).min(n);
                data.extend_from_slice(&buf[..room]);
            }
            out.push(Got::Member {
                name: m.name().to_string(),
                len,
                data,
                unsafe_path: m.unsafe_path(),
            });
        }
        Event::Error(e) => out.push(Got::Error(e)),
        Event::Notice(n) => out.push(Got::Notice(n)),
    }
    Ok(())
}

pub fn run(name: &str, bytes: &[u8], options: &Options) -> (Vec<Got>, Summary) {
    let mut got = Vec::new();
    let summary =
        expand(name, bytes, options, |e| collect(e, &mut got)).expect("the collector never fails");
    (got, summary)
}

pub fn run_seekable(name: &str, bytes: &[u8], options: &Options) -> (Vec<Got>, Summary) {
    let mut got = Vec::new();
    let summary = expand_seekable(name, Cursor::new(bytes), options, |e| collect(e, &mut got))
        .expect("the collector never fails");
    (got, summary)
}

pub fn members(got: &[Got]) -> Vec<(&str, &[u8])> {
    got.iter()
        .filter_map(|g| match g {
            Got::Member { name, data, .. } => Some((name.as_str(), data.as_slice())),
            _ => None,
        })
        .collect()
}

pub fn errors(got: &[Got]) -> Vec<&MemberError> {
    got.iter()
        .filter_map(|g| match g {
            Got::Error(e) => Some(e),
            _ => None,
        })
        .collect()
}

pub fn member_len(got: &[Got], want: &str) -> Option<u64> {
    got.iter().find_map(|g| match g {
        Got::Member { name, len, .. } if name == want => Some(*len),
        _ => None,
    })
}

/// Deterministic text with personal-data-shaped lines, `n` lines long.
pub fn text(n: usize, tag: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        writeln!(
            out,
            "{tag},{i},customer{i}@example.com,+1 202 555 {:04}",
            i % 10_000
        )
        .expect("writing to a Vec");
    }
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("in memory");
    enc.finish().expect("in memory")
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 1).expect("in memory")
}

pub fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    enc.write_all(data).expect("in memory");
    enc.finish().expect("in memory")
}

pub fn xz(data: &[u8]) -> Vec<u8> {
    let mut enc = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(1))
        .expect("in memory");
    enc.write_all(data).expect("in memory");
    enc.finish().expect("in memory")
}

pub fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, *data).expect("in memory");
    }
    b.into_inner().expect("in memory")
}

pub fn zip(entries: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, method) in entries {
        w.start_file(
            *name,
            SimpleFileOptions::default().compression_method(*method),
        )
        .expect("in memory");
        w.write_all(data).expect("in memory");
    }
    w.finish().expect("in memory").into_inner()
}
