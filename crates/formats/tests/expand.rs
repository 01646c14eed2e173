//! End-to-end behaviour of `expand` on inputs built here with the same
//! crates' writers: compression, archives, limits and damage. Text
//! encodings and mail are in `encodings.rs`.

mod support;

use std::cell::Cell;
use std::io::{self, Cursor, Read, Write};

use bw_formats::{expand, Event, LimitKind, Limits, Notice, NoticeKind, Options, Reason};
use support::*;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

#[test]
fn plain_input_passes_through_under_its_own_name() {
    let data = text(1000, "plain");
    let (got, summary) = run("notes.txt", &data, &Options::default());
    assert_eq!(members(&got), [("notes.txt", &data[..])]);
    assert_eq!(summary.members, 1);
    assert_eq!(summary.decompressed_bytes, 0);
    // Shorter than the sniff head, and empty.
    let (got, _) = run("tiny", b"hi", &Options::default());
    assert_eq!(members(&got), [("tiny", &b"hi"[..])]);
    let (got, _) = run("empty", b"", &Options::default());
    assert_eq!(members(&got), [("empty", &b""[..])]);
}

/// Records the largest read the member asked of the source: after the
/// 512-byte sniff head, reads go straight into the caller's buffer.
struct Spy<'a> {
    data: &'a [u8],
    largest: &'a Cell<usize>,
}

impl Read for Spy<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.largest.set(self.largest.get().max(out.len()));
        let n = out.len().min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn plain_reads_go_straight_to_the_source() {
    let data = text(50_000, "spy");
    let largest = Cell::new(0);
    let spy = Spy {
        data: &data,
        largest: &largest,
    };
    let big = 1 << 20;
    let mut seen = 0u64;
    expand("big.csv", spy, &Options::default(), |e| {
        if let Event::Member(mut m) = e {
            let mut buf = vec![0u8; big];
            // The first read drains the sniff head; later ones hit the source.
            loop {
                let n = m.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                seen += n as u64;
            }
        }
        Ok::<(), io::Error>(())
    })
    .expect("in memory");
    assert_eq!(seen, data.len() as u64);
    assert!(largest.get() >= big - 512, "largest read {}", largest.get());
}

#[test]
fn each_compression_format_by_magic_with_natural_names() {
    let data = text(2000, "c");
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("logs.gz", gzip(&data), "logs.gz!logs"),
        ("x.csv.zst", zstd(&data), "x.csv.zst!x.csv"),
        ("x.csv.bz2", bzip2(&data), "x.csv.bz2!x.csv"),
        ("x.csv.xz", xz(&data), "x.csv.xz!x.csv"),
        // Magic decides, not the extension.
        ("misnamed.txt", zstd(&data), "misnamed.txt!misnamed.txt"),
    ];
    for (name, bytes, want) in cases {
        let (got, summary) = run(name, &bytes, &Options::default());
        assert_eq!(members(&got), [(want, &data[..])], "{name}");
        assert_eq!(summary.decompressed_bytes, data.len() as u64, "{name}");
        assert!(errors(&got).is_empty(), "{name}: {:?}", errors(&got));
    }
}

#[test]
fn multi_member_gzip_is_one_stream() {
    let (a, b) = (text(100, "first"), text(100, "second"));
    let mut bytes = gzip(&a);
    bytes.extend(gzip(&b));
    let (got, _) = run("two.gz", &bytes, &Options::default());
    assert_eq!(members(&got), [("two.gz!two", &[a, b].concat()[..])]);
}

#[test]
fn tar_and_compressed_tars_name_entries_under_the_file() {
    let (a, b) = (text(10, "a"), text(20, "b"));
    let t = tar(&[("dir/a.csv", &a), ("b.json", &b)]);
    let want = |base: &str| {
        vec![
            (format!("{base}!dir/a.csv"), a.clone()),
            (format!("{base}!b.json"), b.clone()),
        ]
    };
    for (name, bytes) in [
        ("x.tar", t.clone()),
        ("x.tar.gz", gzip(&t)),
        ("x.tgz", gzip(&t)),
        ("x.tar.zst", zstd(&t)),
        ("x.tar.bz2", bzip2(&t)),
        ("x.tar.xz", xz(&t)),
    ] {
        let (got, summary) = run(name, &bytes, &Options::default());
        let got: Vec<(String, Vec<u8>)> = members(&got)
            .into_iter()
            .map(|(n, d)| (n.to_string(), d.to_vec()))
            .collect();
        assert_eq!(got, want(name), "{name}");
        assert_eq!(summary.entries, 2);
    }
}

#[test]
fn tar_gz_holding_a_zip_holding_a_csv() {
    let csv = text(300, "deep");
    let json = b"{\"email\":\"a@example.com\"}".to_vec();
    let inner = zip(&[
        ("c.csv", &csv, CompressionMethod::Deflated),
        ("d.json", &json, CompressionMethod::Stored),
    ]);
    let outer = gzip(&tar(&[("dir/b.zip", &inner), ("top.txt", b"top")]));
    let (got, summary) = run("a.tar.gz", &outer, &Options::default());
    assert_eq!(
        members(&got),
        [
            ("a.tar.gz!dir/b.zip!c.csv", &csv[..]),
            ("a.tar.gz!dir/b.zip!d.json", &json[..]),
            ("a.tar.gz!top.txt", &b"top"[..]),
        ]
    );
    assert_eq!(summary.entries, 4);
    // The same zip at the top, read in place through Seek, and spooled.
    for (got, _) in [
        run_seekable("b.zip", &inner, &Options::default()),
        run("b.zip", &inner, &Options::default()),
    ] {
        assert_eq!(
            members(&got),
            [("b.zip!c.csv", &csv[..]), ("b.zip!d.json", &json[..])]
        );
    }
}

#[test]
fn seekable_input_that_is_not_a_zip_streams_as_usual() {
    let data = text(100, "s");
    let (got, _) = run_seekable("s.gz", &gzip(&data), &Options::default());
    assert_eq!(members(&got), [("s.gz!s", &data[..])]);
    let (got, _) = run_seekable("s.txt", &data, &Options::default());
    assert_eq!(members(&got), [("s.txt", &data[..])]);
}

/// Streams `len` zeros into `w` without holding them.
fn write_zeros(w: &mut impl Write, len: u64) {
    let block = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        w.write_all(&block[..n]).expect("in memory");
        left -= n as u64;
    }
}

#[test]
fn zip_bomb_by_ratio_stops_the_member_and_the_rest_goes_on() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Zstd)
        .large_file(true);
    w.start_file("zeros.bin", opts).expect("in memory");
    write_zeros(&mut w, 1 << 30);
    let after = text(100, "after");
    w.start_file("after.csv", SimpleFileOptions::default())
        .expect("in memory");
    w.write_all(&after).expect("in memory");
    let bomb = w.finish().expect("in memory").into_inner();
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());

    let (got, _) = run_seekable("bomb.zip", &bomb, &Options::default());
    let errs = errors(&got);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].name, "bomb.zip!zeros.bin");
    assert_eq!(
        errs[0].reason,
        Reason::LimitExceeded {
            which: LimitKind::Ratio,
            limit: 1000
        }
    );
    let produced = member_len(&got, "bomb.zip!zeros.bin").expect("delivered up to the limit");
    assert!(
        produced > 1 << 20 && produced < 1000 * bomb.len() as u64 + (1 << 20),
        "{produced}"
    );
    assert_eq!(
        members(&got).last(),
        Some(&("bomb.zip!after.csv", &after[..]))
    );
}

#[test]
fn gzip_bomb_stopped_by_total_size() {
    // Deflate tops out near 1032:1, under the ratio limit: the size limits
    // are what stop a plain gzip bomb.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    write_zeros(&mut enc, 64 << 20);
    let bomb = enc.finish().expect("in memory");
    let options = Options {
        limits: Limits {
            max_total_bytes: 10 << 20,
            ..Limits::default()
        },
        ..Options::default()
    };
    let (got, summary) = run("zeros.gz", &bomb, &options);
    assert_eq!(member_len(&got, "zeros.gz!zeros"), Some(10 << 20));
    let errs = errors(&got);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].name, "zeros.gz!zeros");
    assert_eq!(
        errs[0].reason,
        Reason::LimitExceeded {
            which: LimitKind::TotalBytes,
            limit: 10 << 20
        }
    );
    assert_eq!(summary.decompressed_bytes, 10 << 20);
}

#[test]
fn total_size_limit_across_zip_members_stops_the_input() {
    let chunk = text(40_000, "t"); // about 1.6 MB each
    let names = ["1.csv", "2.csv", "3.csv", "4.csv", "5.csv"];
    let entries: Vec<(&str, &[u8], CompressionMethod)> = names
        .iter()
        .map(|n| (*n, &chunk[..], CompressionMethod::Deflated))
        .collect();
    let z = zip(&entries);
    let limit = 3 * chunk.len() as u64 + 1000;
    let options = Options {
        limits: Limits {
            max_total_bytes: limit,
            ..Limits::default()
        },
        ..Options::default()
    };
    let (got, _) = run_seekable("five.zip", &z, &options);
    let names_got: Vec<&str> = members(&got).iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names_got,
        [
            "five.zip!1.csv",
            "five.zip!2.csv",
            "five.zip!3.csv",
            "five.zip!4.csv"
        ]
    );
    assert_eq!(member_len(&got, "five.zip!4.csv"), Some(1000));
    let errs = errors(&got);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].name, "five.zip!4.csv");
}

#[test]
fn member_size_limit_skips_only_that_member() {
    let big = text(10_000, "big");
    let small = text(10, "small");
    let t = gzip(&tar(&[("big.csv", &big), ("small.csv", &small)]));
    let options = Options {
        limits: Limits {
            max_member_bytes: 100_000,
            ..Limits::default()
        },
        ..Options::default()
    };
    let (got, _) = run("m.tgz", &t, &options);
    assert_eq!(member_len(&got, "m.tgz!big.csv"), Some(100_000));
    assert_eq!(members(&got).last(), Some(&("m.tgz!small.csv", &small[..])));
    let errs = errors(&got);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].name, "m.tgz!big.csv");
    assert_eq!(
        errs[0].reason,
        Reason::LimitExceeded {
            which: LimitKind::MemberBytes,
            limit: 100_000
        }
    );
}

#[test]
fn nesting_depth_limit() {
    let data = text(10, "deep");
    let options = Options {
        limits: Limits {
            max_depth: 2,
            ..Limits::default()
        },
        ..Options::default()
    };
    let (got, _) = run("x.gz.gz", &gzip(&gzip(&data)), &options);
    assert_eq!(members(&got), [("x.gz.gz!x", &data[..])]);
    let (got, _) = run("x.gz.gz.gz", &gzip(&gzip(&gzip(&data))), &options);
    assert!(members(&got).is_empty());
    let errs = errors(&got);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].name, "x.gz.gz.gz!x.gz");
    assert_eq!(
        errs[0].reason,
        Reason::LimitExceeded {
            which: LimitKind::Depth,
            limit: 2
        }
    );
    // zip in zip in zip: the innermost is not opened, its sibling is read.
    let c = zip(&[("c.txt", &data, CompressionMethod::Deflated)]);
    let b = zip(&[
        ("c.zip", &c, CompressionMethod::Stored),
        ("ok.txt", b"ok", CompressionMethod::Stored),
    ]);
    let a = zip(&[("b.zip", &b, CompressionMethod::Deflated)]);
    let (got, _) = run_seekable("a.zip", &a, &options);
    assert_eq!(members(&got), [("a.zip!b.zip!ok.txt", &b"ok"[..])]);
    assert_eq!(errors(&got)[0].name, "a.zip!b.zip!c.zip");
}

#[test]
fn member_count_limit() {
    let owned: Vec<(String, Vec<u8>)> = (0..50)
        .map(|i| (format!("f{i}.txt"), format!("row {i}").into_bytes()))
        .collect();
    let entries: Vec<(&str, &[u8])> = owned
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let options = Options {
        limits: Limits {
            max_members: 10,
            ..Limits::default()
        },
        ..Options::default()
    };
    let (got, summary) = run("many.tar", &tar(&entries), &options);
    assert_eq!(members(&got).len(), 10);
    assert_eq!(summary.members, 10);
    let errs = errors(&got);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].name, "many.tar");
    assert_eq!(
        errs[0].reason,
        Reason::LimitExceeded {
            which: LimitKind::Members,
            limit: 10
        }
    );
}

#[test]
fn path_traversal_names_are_reported_and_still_scanned() {
    let secret = b"root:x:0:0:jane@example.com".to_vec();
    let z = zip(&[
        ("../../etc/passwd", &secret, CompressionMethod::Deflated),
        ("/abs/path.txt", b"abs", CompressionMethod::Stored),
        ("fine/ok.txt", b"ok", CompressionMethod::Stored),
    ]);
    let (got, _) = run_seekable("evil.zip", &z, &Options::default());
    let notices: Vec<&Notice> = got
        .iter()
        .filter_map(|g| match g {
            Got::Notice(n) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(
        notices,
        [
            &Notice {
                name: "evil.zip!../../etc/passwd".into(),
                kind: NoticeKind::UnsafePath
            },
            &Notice {
                name: "evil.zip!/abs/path.txt".into(),
                kind: NoticeKind::UnsafePath
            },
        ]
    );
    let flagged: Vec<(&str, bool)> = got
        .iter()
        .filter_map(|g| match g {
            Got::Member {
                name, unsafe_path, ..
            } => Some((name.as_str(), *unsafe_path)),
            _ => None,
        })
        .collect();
    assert_eq!(
        flagged,
        [
            ("evil.zip!../../etc/passwd", true),
            ("evil.zip!/abs/path.txt", true),
            ("evil.zip!fine/ok.txt", false)
        ]
    );
    assert_eq!(members(&got)[0].1, &secret[..]);
}

#[test]
fn truncated_gzip_delivers_what_it_has_then_reports() {
    let data = text(20_000, "trunc");
    let full = gzip(&data);
    let cut = &full[..full.len() * 6 / 10];
    let (got, _) = run("t.csv.gz", cut, &Options::default());
    let m = members(&got);
    assert_eq!(m.len(), 1);
    let (name, got_data) = m[0];
    assert_eq!(name, "t.csv.gz!t.csv");
    assert!(
        got_data.len() > data.len() / 3,
        "{} of {}",
        got_data.len(),
        data.len()
    );
    assert!(got_data.len() < data.len());
    assert_eq!(got_data, &data[..got_data.len()]);
    let errs = errors(&got);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].name, "t.csv.gz!t.csv");
    assert!(
        matches!(
            errs[0].reason,
            Reason::Truncated {
                format: bw_formats::Format::Gzip
            }
        ),
        "{:?}",
        errs[0].reason
    );
}

#[test]
fn truncated_tar_gz_reports_once() {
    let (a, b) = (text(5_000, "a"), text(5_000, "b"));
    let full = gzip(&tar(&[("a.csv", &a), ("b.csv", &b)]));
    let cut = &full[..full.len() * 3 / 4];
    let (got, _) = run("t.tgz", cut, &Options::default());
    let m = members(&got);
    assert_eq!(m[0], ("t.tgz!a.csv", &a[..]));
    assert_eq!(m[1].0, "t.tgz!b.csv");
    assert_eq!(m[1].1, &b[..m[1].1.len()]);
    let errs = errors(&got);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].name, "t.tgz!b.csv");
}

/// Offset of the data of zip entry `name` (after its local header).
fn local_data_offset(z: &[u8], name: &str) -> usize {
    let mut i = 0;
    while let Some(p) = z[i..].windows(4).position(|w| w == b"PK\x03\x04") {
        let h = i + p;
        let name_len = u16::from_le_bytes([z[h + 26], z[h + 27]]) as usize;
        let extra_len = u16::from_le_bytes([z[h + 28], z[h + 29]]) as usize;
        if &z[h + 30..h + 30 + name_len] == name.as_bytes() {
            return h + 30 + name_len + extra_len;
        }
        i = h + 4;
    }
    panic!("no local header for {name}");
}

#[test]
fn corrupt_zip_member_among_good_ones() {
    let (a, b, c) = (text(3000, "a"), text(3000, "b"), text(3000, "c"));
    let mut z = zip(&[
        ("a.csv", &a, CompressionMethod::Deflated),
        ("b.csv", &b, CompressionMethod::Deflated),
        ("c.csv", &c, CompressionMethod::Deflated),
    ]);
    let off = local_data_offset(&z, "b.csv");
    for byte in &mut z[off + 200..off + 240] {
        *byte ^= 0x5a;
    }
    let (got, summary) = run_seekable("c.zip", &z, &Options::default());
    let m = members(&got);
    assert_eq!(m[0], ("c.zip!a.csv", &a[..]));
    assert_eq!(m[2], ("c.zip!c.csv", &c[..]));
    let errs = errors(&got);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].name, "c.zip!b.csv");
    assert!(
        matches!(errs[0].reason, Reason::Corrupt { .. }),
        "{:?}",
        errs[0].reason
    );
    assert_eq!(summary.errors, 1);
}

#[test]
fn unsupported_zip_method_is_a_member_error() {
    let mut z = zip(&[
        ("odd.bin", b"stored bytes", CompressionMethod::Stored),
        ("ok.txt", b"ok", CompressionMethod::Stored),
    ]);
    // Relabel odd.bin as LZMA (14), which this build does not decode, in
    // its local and its central header.
    let local = local_data_offset(&z, "odd.bin") - 30 - "odd.bin".len();
    z[local + 8] = 14;
    let central = z
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("a central directory");
    z[central + 10] = 14;
    let (got, _) = run_seekable("m.zip", &z, &Options::default());
    assert_eq!(members(&got), [("m.zip!ok.txt", &b"ok"[..])]);
    let errs = errors(&got);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].name, "m.zip!odd.bin");
    assert!(
        matches!(errs[0].reason, Reason::Unsupported { .. }),
        "{:?}",
        errs[0].reason
    );
}

#[test]
fn tar_links_and_devices_are_skipped_never_followed() {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "shadow", "/etc/shadow")
        .expect("in memory");
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Link);
    h.set_size(0);
    b.append_link(&mut h, "hard", "real.txt")
        .expect("in memory");
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Fifo);
    h.set_size(0);
    b.append_data(&mut h, "pipe", &b""[..]).expect("in memory");
    let mut h = tar::Header::new_gnu();
    h.set_size(4);
    b.append_data(&mut h, "real.txt", &b"real"[..])
        .expect("in memory");
    let t = b.into_inner().expect("in memory");
    let (got, summary) = run("l.tar", &t, &Options::default());
    assert_eq!(members(&got), [("l.tar!real.txt", &b"real"[..])]);
    let notices: Vec<NoticeKind> = got
        .iter()
        .filter_map(|g| match g {
            Got::Notice(n) => Some(n.kind.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        notices,
        [
            NoticeKind::Symlink {
                target: "/etc/shadow".into()
            },
            NoticeKind::Hardlink {
                target: "real.txt".into()
            },
            NoticeKind::Special {
                kind: "fifo".into()
            },
        ]
    );
    assert_eq!(summary.entries, 4);
}
