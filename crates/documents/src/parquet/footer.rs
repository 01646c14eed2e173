//! The footer's claims, checked before parquet reads them: its magic, its
//! metadata length, and every list length inside the metadata.
//!
//! parquet reserves a `Vec` for the row-group list from the count the
//! footer claims (a footer of 30 bytes claiming 2^30 row groups made it
//! ask for 96 GiB and abort the process: no panic to catch), and other
//! lists from a count bounded only by the bytes left. So the metadata is
//! walked once here, in thrift's compact protocol, without allocating,
//! and any list longer than the file could hold, or than any real file
//! has, ends the read first.

use crate::{Bound, DocError, DocFormat};

use super::remote::Remote;

/// The most footer metadata accepted. Real files hold kilobytes to a few
/// megabytes (thousands of columns × hundreds of row groups).
pub(super) const MAX_FOOTER: u64 = 64 << 20;

/// Row groups a footer may list: parquet numbers them with an `i16`.
const MAX_ROW_GROUPS: u64 = i16::MAX as u64;

/// Elements any other list may claim (schema elements, key-value pairs,
/// column orders): far above real schemas, and at most ~100 MB of
/// address space whatever parquet reserves per element.
const MAX_LIST: u64 = 1 << 20;

/// Nesting of structs and lists; real metadata nests a handful deep.
const MAX_DEPTH: u32 = 32;

const STRUCT: u8 = 12;

pub(super) fn check(remote: &Remote) -> Result<(), DocError> {
    use parquet::file::reader::Length;
    let len = remote.len();
    if len < 12 {
        return Err(corrupt(format!(
            "{len} bytes is too short for a Parquet file"
        )));
    }
    let tail = remote
        .fetch(len - 8, 8)
        .map_err(|e| corrupt(e.to_string()))?;
    match &tail[4..8] {
        b"PAR1" => {}
        b"PARE" => return Err(DocError::Encrypted),
        _ => return Err(corrupt("no PAR1 footer (truncated?)".to_string())),
    }
    let meta_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if meta_len > len - 12 {
        return Err(corrupt(format!(
            "the footer claims {meta_len} bytes of metadata in a file of {len} bytes"
        )));
    }
    if meta_len > MAX_FOOTER {
        return Err(DocError::Limit {
            format: DocFormat::Parquet,
            bound: Bound::Footer,
            limit: MAX_FOOTER,
        });
    }
    let meta = remote
        .fetch(len - 8 - meta_len, meta_len as usize)
        .map_err(|e| corrupt(e.to_string()))?;
    let mut walk = Walk { buf: &meta, at: 0 };
    walk.file_metadata().map_err(corrupt)
}

fn corrupt(detail: String) -> DocError {
    DocError::Corrupt {
        format: DocFormat::Parquet,
        detail,
    }
}

struct Walk<'a> {
    buf: &'a [u8],
    at: usize,
}

type Step<T> = Result<T, String>;

impl Walk<'_> {
    fn left(&self) -> u64 {
        (self.buf.len() - self.at) as u64
    }

    fn byte(&mut self) -> Step<u8> {
        let b = *self
            .buf
            .get(self.at)
            .ok_or_else(|| "footer metadata ends early".to_string())?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Step<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("footer metadata: an over-long varint".to_string())
    }

    fn skip_bytes(&mut self, n: u64) -> Step<()> {
        if n > self.left() {
            return Err(format!(
                "footer metadata: a field of {n} bytes past its end"
            ));
        }
        self.at += n as usize;
        Ok(())
    }

    /// FileMetaData: field 4 is the row-group list, whose length parquet
    /// trusts; everything else is walked by the generic rules.
    fn file_metadata(&mut self) -> Step<()> {
        let mut id = 0i64;
        loop {
            let header = self.byte()?;
            if header == 0 {
                return Ok(());
            }
            let ty = header & 0x0f;
            id = match header >> 4 {
                0 => zigzag(self.varint()?),
                delta => id + i64::from(delta),
            };
            if id == 4 && ty == 9 {
                self.list(1, MAX_ROW_GROUPS, "row groups")?;
            } else {
                self.value(ty, 1)?;
            }
        }
    }

    fn value(&mut self, ty: u8, depth: u32) -> Step<()> {
        if depth > MAX_DEPTH {
            return Err("footer metadata nests too deep".to_string());
        }
        match ty {
            1 | 2 => Ok(()),
            3 => self.skip_bytes(1),
            4..=6 => self.varint().map(drop),
            7 => self.skip_bytes(8),
            8 => {
                let n = self.varint()?;
                self.skip_bytes(n)
            }
            9 | 10 => self.list(depth, MAX_LIST, "list elements"),
            11 => {
                let n = self.varint()?;
                if n == 0 {
                    return Ok(());
                }
                let types = self.byte()?;
                self.claim(n, 2, MAX_LIST, "map entries")?;
                for _ in 0..n {
                    self.value(types >> 4, depth + 1)?;
                    self.value(types & 0x0f, depth + 1)?;
                }
                Ok(())
            }
            STRUCT => loop {
                let header = self.byte()?;
                if header == 0 {
                    return Ok(());
                }
                if header >> 4 == 0 {
                    self.varint()?;
                }
                self.value(header & 0x0f, depth + 1)?;
            },
            other => Err(format!("footer metadata: unknown thrift type {other}")),
        }
    }

    fn list(&mut self, depth: u32, max: u64, what: &str) -> Step<()> {
        let header = self.byte()?;
        let ty = header & 0x0f;
        let n = match header >> 4 {
            15 => self.varint()?,
            n => u64::from(n),
        };
        // A boolean element is one byte in a list; a struct at least its stop byte.
        self.claim(n, 1, max, what)?;
        for _ in 0..n {
            match ty {
                1 | 2 => self.skip_bytes(1)?,
                ty => self.value(ty, depth + 1)?,
            }
        }
        Ok(())
    }

    /// A count of `n` elements of at least `min` bytes each must fit in
    /// what is left, and under `max`.
    fn claim(&self, n: u64, min: u64, max: u64, what: &str) -> Step<()> {
        if n.saturating_mul(min) > self.left() {
            return Err(format!(
                "the footer claims {n} {what} in {} bytes of metadata",
                self.left()
            ));
        }
        if n > max {
            return Err(format!(
                "the footer claims {n} {what} (at most {max} are read)"
            ));
        }
        Ok(())
    }
}

fn zigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}
