//! SHA-256 of an input while the expander reads it, so evidence is read
//! once: whatever the expander skipped or re-read out of order is hashed
//! again at the end, so the digest is always of the whole input.

use std::io::{self, Read, Seek, SeekFrom};

use sha2::{Digest, Sha256};

pub(crate) struct Hashing<R> {
    inner: R,
    pos: u64,
    hashed: u64,
    sha: Sha256,
}

impl<R> Hashing<R> {
    pub(crate) fn new(inner: R) -> Self {
        Hashing {
            inner,
            pos: 0,
            hashed: 0,
            sha: Sha256::new(),
        }
    }

    fn hex(sha: Sha256) -> String {
        sha.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl<R: Read> Hashing<R> {
    /// For a stream: hashes what the expander left unread. Returns the
    /// digest and the stream's length.
    pub(crate) fn finish_stream(mut self) -> io::Result<(String, u64)> {
        io::copy(&mut self, &mut io::sink())?;
        Ok((Self::hex(self.sha), self.pos))
    }
}

impl<R: Read + Seek> Hashing<R> {
    /// For a file: reads on from the first byte not yet hashed.
    pub(crate) fn finish_seekable(mut self) -> io::Result<(String, u64)> {
        self.pos = self.inner.seek(SeekFrom::Start(self.hashed))?;
        io::copy(&mut self, &mut io::sink())?;
        Ok((Self::hex(self.sha), self.hashed))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let end = self.pos + n as u64;
        if self.pos <= self.hashed && end > self.hashed {
            let from = (self.hashed - self.pos) as usize;
            self.sha.update(&buf[from..n]);
            self.hashed = end;
        }
        self.pos = end;
        Ok(n)
    }
}

impl<R: Seek> Seek for Hashing<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha_hex(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn a_skipping_reader_still_hashes_every_byte() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let mut h = Hashing::new(io::Cursor::new(&data[..]));
        let mut buf = [0u8; 100];
        h.read_exact(&mut buf).unwrap();
        // Jump ahead and back, as a zip reader does.
        h.seek(SeekFrom::Start(9_000)).unwrap();
        h.read_exact(&mut buf).unwrap();
        h.seek(SeekFrom::Start(50)).unwrap();
        h.read_exact(&mut buf).unwrap();
        assert_eq!(h.finish_seekable().unwrap(), (sha_hex(&data), 10_000));

        let mut s = Hashing::new(&data[..]);
        s.read_exact(&mut buf).unwrap();
        assert_eq!(s.finish_stream().unwrap(), (sha_hex(&data), 10_000));
    }
}
