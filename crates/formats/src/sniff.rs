//! Format detection by magic bytes, and member naming.

use std::fmt;
use std::io::{self, Read};

/// How many leading bytes [`sniff`] wants: a tar header block, whose magic
/// sits at offset 257 and whose checksum covers all 512 bytes.
pub const SNIFF_LEN: usize = 512;

/// A container format, or `Plain` for anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// A document read as rows of text (see `bw_documents`); the zip-based
    /// office formats are sniffed as [`Format::Zip`] and told apart by
    /// their entries.
    Document(bw_documents::DocFormat),
    Gzip,
    Zstd,
    Bzip2,
    Xz,
    Zip,
    Tar,
    Plain,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Document(d) => d.name(),
            Format::Gzip => "gzip",
            Format::Zstd => "zstd",
            Format::Bzip2 => "bzip2",
            Format::Xz => "xz",
            Format::Zip => "zip",
            Format::Tar => "tar",
            Format::Plain => "plain",
        })
    }
}

/// Detects the format of data starting with `head` (ideally [`SNIFF_LEN`]
/// bytes, fewer if the data is shorter). Magic bytes decide; the name's
/// extension is only a tie-breaker, for old (v7) tars that carry no magic:
/// a `.tar` name plus a valid header checksum.
pub fn sniff(head: &[u8], name: &str) -> Format {
    if head.starts_with(&[0x1f, 0x8b, 0x08]) {
        return Format::Gzip;
    }
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Format::Zstd;
    }
    // "BZh1".."BZh9", then the magic of a block (pi) or of the end of stream
    // (sqrt pi): four ASCII letters alone are too common in text.
    if head.len() >= 10
        && head.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&head[3])
        && (head[4..10] == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
            || head[4..10] == [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
    {
        return Format::Bzip2;
    }
    if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        return Format::Xz;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Format::Zip;
    }
    if head.len() >= 263 && &head[257..262] == b"ustar" {
        return Format::Tar;
    }
    if has_extension(name, &[".tar"]) && tar_checksum_ok(head) {
        return Format::Tar;
    }
    if let Some(d) = bw_documents::detect(head, name) {
        return Format::Document(d);
    }
    Format::Plain
}

fn tar_checksum_ok(head: &[u8]) -> bool {
    let Some(block) = head.get(..512) else {
        return false;
    };
    let field = &block[148..156];
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|b| *b == b' ')
        .take_while(|b| (b'0'..=b'7').contains(b))
        .collect();
    if digits.is_empty() {
        return false;
    }
    let Ok(text) = std::str::from_utf8(&digits) else {
        return false;
    };
    let Ok(stored) = u32::from_str_radix(text, 8) else {
        return false;
    };
    let sum: u32 = block
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                u32::from(b' ')
            } else {
                u32::from(*b)
            }
        })
        .sum();
    // An all-zero block sums to 256 (the blank checksum field): not a header.
    stored == sum && sum != 256
}

fn has_extension(name: &str, exts: &[&str]) -> bool {
    let lower = name.to_ascii_lowercase();
    exts.iter().any(|e| lower.ends_with(e))
}

/// The name of what a compressed file holds, as its user would say it:
/// `logs.gz` holds `logs`, `a.tgz` holds `a.tar`. A name without a known
/// compression suffix is kept whole (`data` gzipped holds `data`).
pub(crate) fn decompressed_name(segment: &str) -> String {
    let base = segment.rsplit('/').next().unwrap_or(segment);
    let lower = base.to_ascii_lowercase();
    const TO_TAR: [&str; 7] = [".tgz", ".taz", ".tbz", ".tbz2", ".tb2", ".txz", ".tzst"];
    for ext in TO_TAR {
        if lower.ends_with(ext) && base.len() > ext.len() {
            return format!("{}.tar", &base[..base.len() - ext.len()]);
        }
    }
    const STRIP: [&str; 7] = [".gz", ".gzip", ".zst", ".zstd", ".bz2", ".bz", ".xz"];
    for ext in STRIP {
        if lower.ends_with(ext) && base.len() > ext.len() {
            return base[..base.len() - ext.len()].to_string();
        }
    }
    base.to_string()
}

/// Archive entry names come from the archive's author: control characters
/// are escaped so that a name cannot rewrite the user's terminal.
pub(crate) fn clean_name(raw: &str) -> String {
    if !raw.chars().any(char::is_control) {
        return raw.to_string();
    }
    raw.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Whether extracting this entry name verbatim could write outside the
/// extraction directory.
pub(crate) fn is_unsafe_path(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// Reads up to `len` bytes, retrying short reads, stopping at end of stream.
pub(crate) fn read_head(reader: &mut dyn Read, len: usize) -> io::Result<Vec<u8>> {
    let mut head = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                head.truncate(filled);
                return Err(e);
            }
        }
    }
    head.truncate(filled);
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_naturally() {
        assert_eq!(decompressed_name("logs.gz"), "logs");
        assert_eq!(decompressed_name("dir/x.csv.ZST"), "x.csv");
        assert_eq!(decompressed_name("a.tgz"), "a.tar");
        assert_eq!(decompressed_name("a.tar.xz"), "a.tar");
        assert_eq!(decompressed_name("blob"), "blob");
        assert_eq!(decompressed_name(".gz"), ".gz");
    }

    #[test]
    fn unsafe_paths() {
        for bad in [
            "../../etc/passwd",
            "/etc/passwd",
            "a/../../b",
            "C:\\x",
            "..\\x",
        ] {
            assert!(is_unsafe_path(bad), "{bad}");
        }
        for good in ["a/b.csv", "..a/b", "a..b", "dir/"] {
            assert!(!is_unsafe_path(good), "{good}");
        }
    }

    #[test]
    fn control_characters_escaped() {
        assert_eq!(clean_name("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clean_name("plain.csv"), "plain.csv");
    }

    #[test]
    fn text_that_starts_like_bzip2_is_plain() {
        let mut text = b"BZh9 is not a magic number on its own".to_vec();
        assert_eq!(sniff(&text, "x.txt"), Format::Plain);
        text.truncate(3);
        assert_eq!(sniff(&text, "x.bz2"), Format::Plain);
    }
}
