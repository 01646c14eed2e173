//! Parquet's `ChunkReader` over the borrowed [`Source`](crate::Source).
//!
//! The parquet crate wants a `'static + Send + Sync` reader (it keeps it in
//! an `Arc` in every column reader), and a `Source` is a borrowed
//! `&mut dyn Read + Seek`. So the source stays with a helper thread of a
//! `std::thread::scope`, which serves byte ranges on request over a
//! channel; what parquet holds is only the channel's ends. One range per
//! page (and one small block per page header) crosses the channel, so the
//! cost is a few round trips per megabyte, and nothing but the pages being
//! decoded is ever in memory.

use std::io::{self, Read, SeekFrom};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use parquet::errors::{ParquetError, Result as PqResult};
use parquet::file::reader::{ChunkReader, Length};

use crate::{Bound, DocError, DocFormat, ReadSeek};

/// What a page header read asks for at a time: headers are small, but
/// parquet's thrift decoder reads them a byte at a time.
const HEADER_BLOCK: usize = 16 << 10;

type Reply = io::Result<Vec<u8>>;

/// Serves `(start, len)` reads of `reader` until every [`Remote`] is gone.
pub(super) fn serve(
    reader: &mut (dyn ReadSeek + Send),
    requests: Receiver<(u64, usize)>,
    replies: Sender<Reply>,
) {
    for (start, len) in requests {
        let res = read_at(reader, start, len);
        if replies.send(res).is_err() {
            break;
        }
    }
}

fn read_at(reader: &mut (dyn ReadSeek + Send), start: u64, len: usize) -> Reply {
    reader.seek(SeekFrom::Start(start))?;
    // `len` was checked against the file's length and the read limit
    // before it was asked for: this is what the file really holds.
    let mut buf = vec![0; len];
    reader.read_exact(&mut buf)?;
    Ok(buf)
}

/// Why a read failed, kept for the caller: parquet's own error would only
/// say "external error", and a limit or an I/O error is not corruption.
#[derive(Default)]
pub(super) struct Cause(Mutex<Option<DocError>>);

impl Cause {
    fn set(&self, e: DocError) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert(e);
        }
    }

    pub(super) fn take(&self) -> Option<DocError> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

struct Channel {
    requests: Sender<(u64, usize)>,
    replies: Receiver<Reply>,
}

struct Shared {
    channel: Mutex<Channel>,
    len: u64,
    max_read: u64,
    cause: Arc<Cause>,
}

/// A parquet `ChunkReader` whose reads go to the thread that owns the source.
#[derive(Clone)]
pub(super) struct Remote(Arc<Shared>);

impl Remote {
    pub(super) fn new(
        requests: Sender<(u64, usize)>,
        replies: Receiver<Reply>,
        len: u64,
        max_read: u64,
        cause: Arc<Cause>,
    ) -> Remote {
        Remote(Arc::new(Shared {
            channel: Mutex::new(Channel { requests, replies }),
            len,
            max_read,
            cause,
        }))
    }

    /// `len` bytes at `start`, refused (never allocated) when the range
    /// is past the end of the file or over the read limit.
    pub(super) fn fetch(&self, start: u64, len: usize) -> PqResult<Vec<u8>> {
        let shared = &self.0;
        let end = start.checked_add(len as u64);
        if end.is_none_or(|end| end > shared.len) {
            return Err(ParquetError::EOF(format!(
                "a read of {len} bytes at {start} goes past the end of the file ({} bytes)",
                shared.len
            )));
        }
        if len as u64 > shared.max_read {
            shared.cause.set(DocError::Limit {
                format: DocFormat::Parquet,
                bound: Bound::Memory,
                limit: shared.max_read,
            });
            return Err(ParquetError::General("page over the limit".to_string()));
        }
        let channel = shared
            .channel
            .lock()
            .map_err(|_| ParquetError::General("reader lock poisoned".to_string()))?;
        let sent = channel.requests.send((start, len));
        let reply = sent.ok().and_then(|()| channel.replies.recv().ok());
        match reply {
            Some(Ok(buf)) => Ok(buf),
            Some(Err(e)) => {
                let detail = e.to_string();
                shared.cause.set(DocError::Io(e));
                Err(ParquetError::External(detail.into()))
            }
            None => Err(ParquetError::General("source reader gone".to_string())),
        }
    }
}

impl Length for Remote {
    fn len(&self) -> u64 {
        self.0.len
    }
}

impl ChunkReader for Remote {
    type T = RemoteRead;

    fn get_read(&self, start: u64) -> PqResult<RemoteRead> {
        Ok(RemoteRead {
            remote: self.clone(),
            pos: start.min(self.0.len),
            buf: Vec::new(),
            at: 0,
        })
    }

    fn get_bytes(&self, start: u64, length: usize) -> PqResult<Bytes> {
        self.fetch(start, length).map(Bytes::from)
    }
}

/// A `Read` from an offset on, fetching [`HEADER_BLOCK`]s as it goes.
pub(super) struct RemoteRead {
    remote: Remote,
    pos: u64,
    buf: Vec<u8>,
    at: usize,
}

impl Read for RemoteRead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.at == self.buf.len() {
            let left = self.remote.0.len - self.pos;
            let want = (HEADER_BLOCK as u64).min(left) as usize;
            if want == 0 {
                return Ok(0);
            }
            self.buf = self
                .remote
                .fetch(self.pos, want)
                .map_err(io::Error::other)?;
            self.pos += want as u64;
            self.at = 0;
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
