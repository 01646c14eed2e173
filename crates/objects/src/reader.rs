//! One object's bytes as a blocking `Read`. The GET is sent on the first
//! read, so it runs on the scan thread that took the object (in parallel
//! with the others), never while the listing lock is held; its body
//! arrives over a bounded channel, so at most [`CHUNKS`] chunks of one
//! object are in memory however large it is.

use std::io::{self, Read};
use std::sync::Arc;

use bytes::{Buf, Bytes};
use futures_util::StreamExt;
use object_store::path::Path;
use object_store::{GetOptions, ObjectStore};
use tokio::sync::mpsc;

use crate::bridge::{self, AbortOnDrop};
use crate::journal::Journal;

/// Body chunks (as the HTTP client hands them, tens of KiB) buffered
/// ahead of the scanner: enough to keep the connection busy while it
/// scans, bounded so a slow scan holds the download back.
const CHUNKS: usize = 16;

type Chunk = Result<Bytes, object_store::Error>;

pub(crate) struct ObjectReader {
    url: String,
    state: State,
    journal: Option<Arc<Journal>>,
}

pub(crate) struct Get {
    pub store: Arc<dyn ObjectStore>,
    pub path: Path,
    /// The ETag the listing gave: the GET must return those bytes (a
    /// changed object fails rather than being recorded under a version it
    /// no longer has).
    pub etag: Option<String>,
}

enum State {
    /// `None` only while the request is being sent.
    Unsent(Option<Box<Get>>),
    Receiving {
        rx: mpsc::Receiver<Chunk>,
        chunk: Bytes,
        _task: AbortOnDrop<()>,
    },
    Ended,
    Failed(io::ErrorKind, String),
}

impl ObjectReader {
    pub(crate) fn new(url: String, get: Get, journal: Option<Arc<Journal>>) -> ObjectReader {
        ObjectReader {
            url,
            state: State::Unsent(Some(Box::new(get))),
            journal,
        }
    }

    fn fail(&mut self, kind: io::ErrorKind, message: String) -> io::Error {
        if let Some(j) = &self.journal {
            j.forget(&self.url);
        }
        self.state = State::Failed(kind, message.clone());
        io::Error::new(kind, message)
    }
}

fn send(get: Get) -> Result<State, String> {
    let (tx, rx) = mpsc::channel::<Chunk>(CHUNKS);
    let task = bridge::runtime()?.spawn(async move {
        let opts = GetOptions {
            if_match: get.etag,
            ..GetOptions::default()
        };
        let mut body = match get.store.get_opts(&get.path, opts).await {
            Ok(res) => res.into_stream(),
            Err(e) => {
                let _ = tx.send(Err(e)).await;
                return;
            }
        };
        while let Some(chunk) = body.next().await {
            let last = chunk.is_err();
            // A closed channel: the reader was dropped (the scan stopped
            // early); dropping the body closes the connection.
            if tx.send(chunk).await.is_err() || last {
                return;
            }
        }
    });
    Ok(State::Receiving {
        rx,
        chunk: Bytes::new(),
        _task: AbortOnDrop(task),
    })
}

/// What a failed GET means to the person reading the report. The kinds
/// are never `InvalidData`/`Other`, which the formats layer would report
/// as corrupt content; never `Interrupted`, which readers retry.
fn describe(e: &object_store::Error) -> (io::ErrorKind, String) {
    match e {
        object_store::Error::NotFound { .. } => (
            io::ErrorKind::NotFound,
            "the object is gone (deleted after it was listed)".into(),
        ),
        object_store::Error::Precondition { .. } => (
            io::ErrorKind::ConnectionAborted,
            "the object changed after it was listed (its ETag differs); scan it again".into(),
        ),
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => (
            io::ErrorKind::PermissionDenied,
            format!("access denied: {e}"),
        ),
        _ => (io::ErrorKind::ConnectionAborted, e.to_string()),
    }
}

impl Drop for ObjectReader {
    fn drop(&mut self) {
        if let (State::Unsent(_), Some(j)) = (&self.state, &self.journal) {
            j.forget(&self.url);
        }
    }
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match &mut self.state {
                State::Unsent(get) => match get.take().map(|g| send(*g)) {
                    Some(Ok(state)) => self.state = state,
                    Some(Err(e)) => return Err(self.fail(io::ErrorKind::ConnectionAborted, e)),
                    None => self.state = State::Ended,
                },
                State::Receiving { rx, chunk, .. } => {
                    if !chunk.is_empty() {
                        let n = buf.len().min(chunk.len());
                        buf[..n].copy_from_slice(&chunk[..n]);
                        chunk.advance(n);
                        return Ok(n);
                    }
                    match bridge::block_on(rx.recv()) {
                        Some(Ok(bytes)) => *chunk = bytes,
                        Some(Err(e)) => {
                            let (kind, message) = describe(&e);
                            return Err(self.fail(kind, message));
                        }
                        None => {
                            self.state = State::Ended;
                            return Ok(0);
                        }
                    }
                }
                State::Ended => return Ok(0),
                // Reading on after a failure must not look like the end.
                State::Failed(kind, message) => return Err(io::Error::new(*kind, message.clone())),
            }
        }
    }
}
