//! Bomb limits, and the counting reader that enforces them while streaming.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};
use std::rc::Rc;

use crate::error::{Failure, Reason};
use crate::sniff::Format;

/// Limits against decompression bombs and runaway archives. Every limit is
/// enforced on the bytes actually produced, never on sizes that headers claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes produced by all decompressors together, per top-level input.
    pub max_total_bytes: u64,
    /// Bytes produced by one decompressor or read from one archive entry.
    pub max_member_bytes: u64,
    /// Output-to-input ratio of one decompressor, checked once it has
    /// produced more than [`Limits::ratio_grace_bytes`].
    pub max_ratio: u64,
    /// Output below which the ratio is not checked: small, highly repetitive
    /// files legitimately compress far better than 1000:1.
    pub ratio_grace_bytes: u64,
    /// Containers (compression layers and archives) opened one inside the
    /// other. `a.tar.gz!dir/b.zip!c.json` is depth 3: gzip, tar, zip.
    pub max_depth: u32,
    /// Archive entries (of any type, skipped ones included) per top-level input.
    pub max_members: u64,
    /// A zip nested in a stream is spooled (its central directory is at the
    /// end): in memory up to this size, then in an anonymous temp file.
    pub spool_in_memory: usize,
    /// Largest decoder window (xz dictionary) accepted, so that one header
    /// cannot make us allocate gigabytes. zstd keeps libzstd's own default
    /// (128 MiB, `ZSTD_WINDOWLOG_LIMIT_DEFAULT`).
    pub max_window_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_bytes: 10 << 30,
            max_member_bytes: 4 << 30,
            max_ratio: 1000,
            ratio_grace_bytes: 1 << 20,
            max_depth: 8,
            max_members: 100_000,
            spool_in_memory: 16 << 20,
            max_window_bytes: 256 << 20,
        }
    }
}

/// Which limit was hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    TotalBytes,
    MemberBytes,
    Ratio,
    Depth,
    Members,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitKind::TotalBytes => "total decompressed bytes",
            LimitKind::MemberBytes => "member size",
            LimitKind::Ratio => "compression ratio",
            LimitKind::Depth => "nesting depth",
            LimitKind::Members => "member count",
        })
    }
}

/// State shared by every reader of one top-level input. Single-threaded by
/// design: one input is expanded on one thread, inputs run in parallel.
pub(crate) struct Budget {
    pub limits: Limits,
    pub total: Cell<u64>,
    pub entries: Cell<u64>,
    /// Set when a per-input limit (total bytes, member count) is hit: all
    /// remaining work for this input stops.
    pub exhausted: Cell<bool>,
    /// Set when the member-count limit is hit.
    pub members_hit: Cell<bool>,
    next_failure: Cell<u64>,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            total: Cell::new(0),
            entries: Cell::new(0),
            exhausted: Cell::new(false),
            members_hit: Cell::new(false),
            next_failure: Cell::new(0),
        }
    }

    /// Whether a per-input limit stops all further work on this input.
    pub fn stopped(&self) -> bool {
        self.exhausted.get() || self.members_hit.get()
    }

    pub fn failure(&self, reason: Reason) -> Failure {
        let id = self.next_failure.get();
        self.next_failure.set(id + 1);
        Failure { id, reason }
    }
}

/// How many compressed bytes a decompressor has consumed.
#[derive(Clone)]
pub(crate) enum Consumed {
    /// Counted live below the decompressor (it may read ahead by its buffer
    /// size, which only makes the ratio look smaller).
    Counter(Rc<Cell<u64>>),
    /// A zip entry: its decompressor cannot read past this many bytes.
    Bounded(u64),
    /// Not a decompressor (a tar entry): no ratio check.
    NotCompressed,
}

/// Counts the bytes read through it into a shared cell.
pub(crate) struct Counted<R> {
    pub inner: R,
    pub count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Wraps a decompressor's (or an archive entry's) output: counts it against
/// the limits and turns its errors into a sticky [`Failure`], so that the
/// same broken layer is reported once, however many readers above it see
/// the error.
pub(crate) struct Guard<'b, R> {
    pub inner: R,
    pub budget: &'b Budget,
    pub format: Format,
    pub consumed: Consumed,
    /// The member-size limit; lifted for a stream that carries an archive
    /// (a `.tar.gz`), whose entries are limited one by one instead.
    pub member_limit: u64,
    produced: u64,
    failed: Option<Failure>,
    /// A limit reached exactly at the end of a read: the bytes were handed
    /// out, the error comes with the next read.
    pending: Option<Failure>,
}

impl<'b, R: Read> Guard<'b, R> {
    pub fn new(inner: R, budget: &'b Budget, format: Format, consumed: Consumed) -> Self {
        Guard {
            inner,
            budget,
            format,
            consumed,
            member_limit: budget.limits.max_member_bytes,
            produced: 0,
            failed: None,
            pending: None,
        }
    }

    fn fail(&mut self, f: Failure) -> io::Error {
        let e = f.clone().into_io();
        self.failed = Some(f);
        e
    }

    fn limit(&self, which: LimitKind, limit: u64) -> Failure {
        if matches!(which, LimitKind::TotalBytes) {
            self.budget.exhausted.set(true);
        }
        self.budget.failure(Reason::LimitExceeded { which, limit })
    }
}

impl<R: Read> Read for Guard<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(f) = &self.failed {
            return Err(f.clone().into_io());
        }
        if let Some(f) = self.pending.take() {
            return Err(self.fail(f));
        }
        let l = &self.budget.limits;
        if self.budget.exhausted.get() {
            let f = self.budget.failure(Reason::LimitExceeded {
                which: LimitKind::TotalBytes,
                limit: l.max_total_bytes,
            });
            return Err(self.fail(f));
        }
        let member_left = self.member_limit.saturating_sub(self.produced);
        let total_left = l.max_total_bytes.saturating_sub(self.budget.total.get());
        let (which, limit, left) = if member_left <= total_left {
            (LimitKind::MemberBytes, self.member_limit, member_left)
        } else {
            (LimitKind::TotalBytes, l.max_total_bytes, total_left)
        };
        if left == 0 {
            // Probe one byte: a stream that ends exactly at the limit is fine.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe) {
                Ok(0) => Ok(0),
                Ok(_) => {
                    let f = self.limit(which, limit);
                    Err(self.fail(f))
                }
                Err(e) => {
                    let f = self.classify(e);
                    Err(self.fail(f))
                }
            };
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match self.inner.read(&mut buf[..want]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) => {
                let f = self.classify(e);
                return Err(self.fail(f));
            }
        };
        self.produced += n as u64;
        if !matches!(self.format, Format::Tar | Format::Plain) {
            self.budget.total.set(self.budget.total.get() + n as u64);
        }
        if self.produced > l.ratio_grace_bytes {
            let input = match &self.consumed {
                Consumed::Counter(c) => Some(c.get()),
                Consumed::Bounded(b) => Some(*b),
                Consumed::NotCompressed => None,
            };
            if let Some(input) = input {
                if self.produced > l.max_ratio.saturating_mul(input.max(1)) {
                    self.pending = Some(self.limit(LimitKind::Ratio, l.max_ratio));
                }
            }
        }
        Ok(n)
    }
}

impl<R> Guard<'_, R> {
    /// Errors of the layer below: a failure already tagged by a lower guard
    /// passes through unchanged, anything else is this layer's fault.
    fn classify(&self, e: io::Error) -> Failure {
        if let Some(f) = Failure::from_io(&e) {
            return f.clone();
        }
        self.budget.failure(Reason::of_io(self.format, &e))
    }
}
