//! `canary listen`: an SMTP receiver for the canary domains.
//!
//! The protocol (command parsing, sequencing, replies, dot-unstuffing) is
//! `mailin`'s state machine; this module owns the sockets and every limit,
//! because a receiver on the open internet meets garbage, huge messages,
//! recipient floods and clients that never finish, and one of them must
//! never stop the others:
//! - concurrent sessions are capped ([`ListenConfig::max_sessions`]); a
//!   connection over the cap gets `421` and is closed;
//! - a line is read into a bounded buffer: an over-long command is refused
//!   with `500`, an over-long data line is passed on in pieces;
//! - each read waits at most [`ListenConfig::idle`], a whole session at
//!   most [`ListenConfig::session_time`] (slowloris gets `421`);
//! - a message over [`ListenConfig::max_message`] is hashed no further,
//!   kept nowhere and refused with `552` at its end;
//! - recipients past [`ListenConfig::max_rcpt`] get `452`, and a session
//!   that collects [`ListenConfig::max_errors`] error replies is closed.
//!
//! Mail to a canary address is a sighting ([`MailSighting`]: envelope
//! sender, client address, time, subject, selected headers, SHA-256 of the
//! message), handed to a [`Sink`] on a worker thread; the `250` is sent
//! only after the sink recorded it (else `451`, and the sender retries).
//! Mail to another address at a canary domain is accepted and counted,
//! never stored: a receiver that rejected unknown addresses would tell a
//! prober which addresses are canaries. Other domains are refused (`550`):
//! this is no relay.

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use mailin::{Action, Handler, Response, SessionBuilder};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, Notify, Semaphore};
use tokio::time::{timeout, Instant};

use crate::set::{CanarySet, Info};

/// The listener's limits.
#[derive(Clone, Debug)]
pub struct ListenConfig {
    pub addr: SocketAddr,
    /// The name in the greeting.
    pub hostname: String,
    pub max_message: u64,
    pub max_rcpt: usize,
    pub max_sessions: usize,
    pub max_line: usize,
    pub max_errors: u32,
    pub idle: Duration,
    pub session_time: Duration,
    /// How long a sighting may take to record before the client gets 451.
    pub record_timeout: Duration,
}

impl ListenConfig {
    pub fn new(addr: SocketAddr) -> ListenConfig {
        ListenConfig {
            addr,
            hostname: "breachwatch-canary".into(),
            max_message: 10 << 20,
            max_rcpt: 100,
            max_sessions: 20_000,
            // RFC 5321 allows 1000 for text lines; real clients exceed it.
            max_line: 64 << 10,
            max_errors: 20,
            idle: Duration::from_secs(60),
            session_time: Duration::from_secs(600),
            record_timeout: Duration::from_secs(30),
        }
    }
}

/// A message to canary addresses.
#[derive(Clone, Debug)]
pub struct MailSighting {
    /// The canaries it was addressed to (each once).
    pub canaries: Vec<Info>,
    pub from: String,
    pub client: IpAddr,
    pub at: String,
    pub subject: Option<String>,
    /// Selected headers (`Date`, `From`, `Message-ID`, `Received`…), unfolded.
    pub headers: Vec<(String, String)>,
    pub sha256: String,
    pub size: u64,
}

/// Where sightings go (the recorder); runs on the listener's worker thread.
pub trait Sink: Send {
    /// Records the sighting durably; an error makes the client retry.
    fn mail(&mut self, m: &MailSighting) -> Result<(), String>;
    /// Adds `n` messages to unknown addresses at `domain`.
    fn unknown(&mut self, domain: &str, n: u64);
}

/// Counters, for the logs and the benchmark.
#[derive(Debug, Default)]
pub struct Stats {
    pub sessions: AtomicU64,
    pub active: AtomicU64,
    pub busy_refused: AtomicU64,
    pub messages: AtomicU64,
    pub sightings: AtomicU64,
    pub unknown_rcpt: AtomicU64,
    pub oversize: AtomicU64,
    pub timeouts: AtomicU64,
    pub errors_closed: AtomicU64,
}

enum Event {
    Mail(Box<MailSighting>, oneshot::Sender<bool>),
    Unknown(String, u64),
}

/// A running listener.
pub struct Listener {
    addr: SocketAddr,
    stats: Arc<Stats>,
    stop: Arc<Notify>,
    thread: Option<std::thread::JoinHandle<()>>,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl Listener {
    /// The bound address (port 0 resolved).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Blocks until the listener stops (it does not by itself).
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops accepting, ends the runtime (open sessions are dropped) and
    /// lets the worker finish what it was handed.
    pub fn stop(mut self) {
        self.stop.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// Binds `cfg.addr` and serves on `threads` runtime threads; sightings go
/// to `sink` on a worker thread of their own.
pub fn start(
    cfg: ListenConfig,
    set: Arc<CanarySet>,
    mut sink: Box<dyn Sink>,
    threads: usize,
) -> io::Result<Listener> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .thread_name("canary-smtp")
        .enable_all()
        .build()?;
    // A deep accept queue: the default (128) drops the SYNs of a burst of
    // connections, which clients then retry after seconds.
    let listener = {
        let _in_runtime = rt.enter();
        let socket = if cfg.addr.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        socket.bind(cfg.addr)?;
        socket.listen(4096)?
    };
    let addr = listener.local_addr()?;
    let stats = Arc::new(Stats::default());
    let stop = Arc::new(Notify::new());
    // Bounded: when the recorder falls behind, clients get 451 and retry
    // instead of the listener growing a queue.
    let (tx, rx) = mpsc::sync_channel::<Event>(1024);
    let worker = std::thread::Builder::new()
        .name("canary-sightings".into())
        .spawn(move || {
            // Counts of mail to unknown addresses are summed here and
            // written once a second: one write per message would make the
            // counter the bottleneck of a spam run.
            let mut pending: BTreeMap<String, u64> = BTreeMap::new();
            // Backdated, so an isolated count is written at once.
            let mut flushed = std::time::Instant::now()
                .checked_sub(Duration::from_secs(1))
                .unwrap_or_else(std::time::Instant::now);
            loop {
                match rx.recv_timeout(Duration::from_secs(1)) {
                    Ok(Event::Mail(m, ack)) => {
                        let ok = match sink.mail(&m) {
                            Ok(()) => true,
                            Err(e) => {
                                // Errors name canaries by id, never an address.
                                eprintln!("breachwatch: canary listen: recording a sighting: {e}");
                                false
                            }
                        };
                        let _ = ack.send(ok);
                    }
                    Ok(Event::Unknown(d, n)) => *pending.entry(d).or_insert(0) += n,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
                if !pending.is_empty() && flushed.elapsed() >= Duration::from_secs(1) {
                    for (d, n) in std::mem::take(&mut pending) {
                        sink.unknown(&d, n);
                    }
                    flushed = std::time::Instant::now();
                }
            }
            for (d, n) in pending {
                sink.unknown(&d, n);
            }
        })?;
    let st = stats.clone();
    let stop2 = stop.clone();
    let thread = std::thread::Builder::new()
        .name("canary-listen".into())
        .spawn(move || {
            rt.block_on(async move {
                let cfg = Arc::new(cfg);
                let permits = Arc::new(Semaphore::new(cfg.max_sessions));
                loop {
                    let accepted = tokio::select! {
                        a = listener.accept() => a,
                        () = stop2.notified() => break,
                    };
                    let Ok((stream, peer)) = accepted else {
                        // EMFILE and friends: back off instead of spinning.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    st.sessions.fetch_add(1, Ordering::Relaxed);
                    let Ok(permit) = permits.clone().try_acquire_owned() else {
                        st.busy_refused.fetch_add(1, Ordering::Relaxed);
                        tokio::spawn(async move {
                            let mut s = stream;
                            let _ = timeout(
                                Duration::from_secs(1),
                                s.write_all(b"421 4.3.2 Too busy, try later\r\n"),
                            )
                            .await;
                        });
                        continue;
                    };
                    let (cfg, set, tx, st) = (cfg.clone(), set.clone(), tx.clone(), st.clone());
                    tokio::spawn(async move {
                        st.active.fetch_add(1, Ordering::Relaxed);
                        session(stream, peer, &cfg, set, tx, &st).await;
                        st.active.fetch_sub(1, Ordering::Relaxed);
                        drop(permit);
                    });
                }
            });
            // Dropping the runtime here cancels every open session.
        })?;
    Ok(Listener {
        addr,
        stats,
        stop,
        thread: Some(thread),
        worker: Some(worker),
    })
}

/// The message being received, shared between the mailin handler and the
/// session loop (which sends the sighting and waits for it to be recorded
/// before replying).
#[derive(Default)]
struct Transaction {
    from: String,
    canaries: Vec<Info>,
    rcpt: usize,
    unknown: BTreeMap<String, u64>,
    size: u64,
    oversize: bool,
    hasher: Sha256,
    head: Vec<u8>,
    head_done: bool,
    /// Set by `data_end` for the loop to act on.
    finished: Option<MailSighting>,
}

const HEAD_MAX: usize = 64 << 10;
const KEPT_HEADERS: [&str; 9] = [
    "date",
    "from",
    "reply-to",
    "return-path",
    "message-id",
    "received",
    "x-mailer",
    "user-agent",
    "x-originating-ip",
];

struct Conn {
    set: Arc<CanarySet>,
    client: IpAddr,
    max_message: u64,
    max_rcpt: usize,
    tx: Arc<Mutex<Transaction>>,
}

impl Conn {
    fn with<R>(&self, f: impl FnOnce(&mut Transaction) -> R) -> R {
        let mut g = match self.tx.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(&mut g)
    }
}

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn parse_headers(head: &[u8]) -> (Option<String>, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(head);
    let mut unfolded: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = unfolded.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
                continue;
            }
        }
        unfolded.push(line.to_string());
    }
    let mut subject = None;
    let mut kept = Vec::new();
    for l in unfolded {
        let Some((name, value)) = l.split_once(':') else {
            continue;
        };
        let lname = name.trim().to_ascii_lowercase();
        if lname == "subject" && subject.is_none() {
            subject = Some(clip(value.trim(), 998));
        } else if KEPT_HEADERS.contains(&lname.as_str()) && kept.len() < 20 {
            kept.push((name.trim().to_string(), clip(value.trim(), 998)));
        }
    }
    (subject, kept)
}

impl Handler for Conn {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        let from = clip(from, 320);
        self.with(|t| {
            let unknown = std::mem::take(&mut t.unknown);
            *t = Transaction {
                from,
                unknown,
                ..Transaction::default()
            };
        });
        mailin::response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let to = to.trim().trim_start_matches('<').trim_end_matches('>');
        let full = self.with(|t| t.rcpt >= self.max_rcpt);
        if full {
            return Response::custom(452, "4.5.3 Too many recipients".into());
        }
        let domain = to.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        if !self.set.is_canary_domain(domain) {
            return Response::custom(550, "5.7.1 Relaying denied".into());
        }
        let hit = self.set.check_email(to).cloned();
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        self.with(|t| {
            t.rcpt += 1;
            match hit {
                Some(info) => {
                    if !t.canaries.iter().any(|c| c.id == info.id) {
                        t.canaries.push(info);
                    }
                }
                None => *t.unknown.entry(domain).or_insert(0) += 1,
            }
        });
        mailin::response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.with(|t| {
            t.size = 0;
            t.oversize = false;
            t.hasher = Sha256::new();
            t.head.clear();
            t.head_done = false;
        });
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        let max = self.max_message;
        self.with(|t| {
            t.size += buf.len() as u64;
            if t.size > max {
                // Past the limit nothing is kept or hashed; the rest is
                // read and dropped so the client hears 552 at its end.
                t.oversize = true;
                return;
            }
            t.hasher.update(buf);
            if !t.head_done {
                t.head.extend_from_slice(buf);
                if buf == b"\r\n" || buf == b"\n" || t.head.len() >= HEAD_MAX {
                    t.head_done = true;
                }
            }
        });
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let client = self.client;
        self.with(|t| {
            if t.oversize {
                return mailin::response::NO_STORAGE;
            }
            let hasher = std::mem::take(&mut t.hasher);
            if !t.canaries.is_empty() {
                let (subject, headers) = parse_headers(&t.head);
                t.finished = Some(MailSighting {
                    canaries: std::mem::take(&mut t.canaries),
                    from: t.from.clone(),
                    client,
                    at: crate::now_ts(),
                    subject,
                    headers,
                    sha256: format!("{:x}", hasher.finalize()),
                    size: t.size,
                });
            }
            mailin::response::OK
        })
    }
}

/// Reads one line (through `\n`) of at most `max` bytes into `buf`.
/// Returns the bytes read (0 at EOF) and whether the line was cut.
async fn read_line<R: AsyncBufReadExt + Unpin>(
    rd: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<(usize, bool)> {
    loop {
        let avail = rd.fill_buf().await?;
        if avail.is_empty() {
            return Ok((buf.len(), false));
        }
        let room = max - buf.len();
        let take = avail.len().min(room);
        if let Some(i) = memchr(b'\n', &avail[..take]) {
            buf.extend_from_slice(&avail[..=i]);
            rd.consume(i + 1);
            return Ok((buf.len(), false));
        }
        buf.extend_from_slice(&avail[..take]);
        rd.consume(take);
        if buf.len() >= max {
            return Ok((buf.len(), true));
        }
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|b| *b == needle)
}

async fn send(
    wr: &mut tokio::net::tcp::OwnedWriteHalf,
    res: &Response,
    idle: Duration,
) -> io::Result<()> {
    let mut out = Vec::with_capacity(64);
    res.write_to(&mut out)?;
    match timeout(idle, wr.write_all(&out)).await {
        Ok(r) => r,
        Err(_) => Err(io::ErrorKind::TimedOut.into()),
    }
}

async fn say(wr: &mut tokio::net::tcp::OwnedWriteHalf, text: &[u8]) {
    let _ = timeout(Duration::from_secs(2), wr.write_all(text)).await;
}

/// Closes our side, then reads and drops what the client still sends for
/// a moment: closing a socket with unread input sends a reset, which can
/// destroy our last reply (the `421`) before the client reads it.
async fn linger(
    rd: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    wr: &mut tokio::net::tcp::OwnedWriteHalf,
) {
    let _ = timeout(Duration::from_secs(1), wr.shutdown()).await;
    let mut scratch = [0u8; 8192];
    let mut left: usize = 1 << 20;
    let until = Instant::now() + Duration::from_millis(500);
    while left > 0 {
        let Some(wait) = until.checked_duration_since(Instant::now()) else {
            break;
        };
        match timeout(wait, tokio::io::AsyncReadExt::read(rd, &mut scratch)).await {
            Ok(Ok(n)) if n > 0 => left = left.saturating_sub(n),
            _ => break,
        }
    }
}

async fn session(
    stream: TcpStream,
    peer: SocketAddr,
    cfg: &ListenConfig,
    set: Arc<CanarySet>,
    events: mpsc::SyncSender<Event>,
    st: &Stats,
) {
    let (rd, mut wr) = stream.into_split();
    let mut rd = BufReader::with_capacity(8 << 10, rd);
    let shared = Arc::new(Mutex::new(Transaction::default()));
    let conn = Conn {
        set,
        client: peer.ip(),
        max_message: cfg.max_message,
        max_rcpt: cfg.max_rcpt,
        tx: shared.clone(),
    };
    let mut smtp = SessionBuilder::new(cfg.hostname.clone()).build(peer.ip(), conn);
    if send(&mut wr, &smtp.greeting(), cfg.idle).await.is_err() {
        return;
    }
    let deadline = Instant::now() + cfg.session_time;
    let mut line = Vec::with_capacity(1024);
    let mut in_data = false;
    let mut errors = 0u32;
    loop {
        line.clear();
        let left = deadline.saturating_duration_since(Instant::now());
        let read = timeout(
            cfg.idle.min(left),
            read_line(&mut rd, &mut line, cfg.max_line),
        )
        .await;
        let cut = match read {
            Err(_) => {
                st.timeouts.fetch_add(1, Ordering::Relaxed);
                say(&mut wr, b"421 4.4.2 Timeout, closing connection\r\n").await;
                break;
            }
            Ok(Err(_)) | Ok(Ok((0, _))) => break,
            Ok(Ok((_, cut))) => cut,
        };
        if cut && !in_data {
            // Drop the rest of the over-long command, within the same
            // limits, then refuse it.
            let mut rest = Vec::with_capacity(1024);
            loop {
                rest.clear();
                let left = deadline.saturating_duration_since(Instant::now());
                match timeout(
                    cfg.idle.min(left),
                    read_line(&mut rd, &mut rest, cfg.max_line),
                )
                .await
                {
                    Ok(Ok((n, true))) if n > 0 => continue,
                    Ok(Ok((n, false))) if n > 0 => break,
                    _ => return,
                }
            }
            errors += 1;
            if errors >= cfg.max_errors {
                st.errors_closed.fetch_add(1, Ordering::Relaxed);
                say(
                    &mut wr,
                    b"421 4.7.0 Too many errors, closing connection\r\n",
                )
                .await;
                break;
            }
            say(&mut wr, b"500 5.5.2 Line too long\r\n").await;
            continue;
        }
        let ending_data = in_data && line == b".\r\n";
        let mut res = smtp.process(&line);
        if res.code == 354 {
            in_data = true;
        }
        if ending_data {
            in_data = false;
            st.messages.fetch_add(1, Ordering::Relaxed);
            let (finished, unknown, oversize) = {
                let mut t = match shared.lock() {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
                (
                    t.finished.take(),
                    std::mem::take(&mut t.unknown),
                    t.oversize,
                )
            };
            if oversize {
                st.oversize.fetch_add(1, Ordering::Relaxed);
            }
            for (d, n) in unknown {
                st.unknown_rcpt.fetch_add(n, Ordering::Relaxed);
                let _ = events.try_send(Event::Unknown(d, n));
            }
            if let Some(m) = finished {
                let (ack_tx, ack_rx) = oneshot::channel();
                let recorded = match events.try_send(Event::Mail(Box::new(m), ack_tx)) {
                    Ok(()) => matches!(timeout(cfg.record_timeout, ack_rx).await, Ok(Ok(true))),
                    Err(_) => false,
                };
                if recorded {
                    st.sightings.fetch_add(1, Ordering::Relaxed);
                } else {
                    res = mailin::response::INTERNAL_ERROR;
                }
            }
        }
        if res.is_error {
            errors += 1;
            if errors >= cfg.max_errors {
                st.errors_closed.fetch_add(1, Ordering::Relaxed);
                say(
                    &mut wr,
                    b"421 4.7.0 Too many errors, closing connection\r\n",
                )
                .await;
                break;
            }
        }
        match res.action {
            Action::NoReply => {}
            Action::Close => {
                let _ = send(&mut wr, &res, cfg.idle).await;
                break;
            }
            _ => {
                if send(&mut wr, &res, cfg.idle).await.is_err() {
                    return;
                }
            }
        }
    }
    linger(&mut rd, &mut wr).await;
}
