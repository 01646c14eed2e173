//! An SMTP server that accepts every message and records it: the
//! in-process mail server of `breachwatch drill` and the sink of
//! `bench/notify.sh`. It speaks just enough RFC 5321 for real clients
//! (EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and
//! keeps only the Message-ID, the envelope recipients and the size of each
//! message, never its body.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub message_id: Option<String>,
    pub recipients: Vec<String>,
    pub bytes: usize,
}

/// A running sink; stops when dropped.
pub struct SmtpSink {
    addr: SocketAddr,
    accepted: Arc<Mutex<Vec<Accepted>>>,
    task: JoinHandle<()>,
}

/// Lines longer than this end the session (RFC 5321 allows 1000).
const MAX_LINE: usize = 64 * 1024;
/// Messages larger than this are refused with 552.
const MAX_MESSAGE: usize = 32 << 20;

impl SmtpSink {
    /// Listens on `addr` (e.g. `127.0.0.1:0` for any free port).
    pub async fn start(addr: &str) -> std::io::Result<SmtpSink> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let _ = session(stream, log).await;
                });
            }
        });
        Ok(SmtpSink {
            addr,
            accepted,
            task,
        })
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Everything accepted so far, in order of acceptance.
    pub fn accepted(&self) -> Vec<Accepted> {
        self.accepted.lock().map(|a| a.clone()).unwrap_or_default()
    }

    pub fn count(&self) -> usize {
        self.accepted.lock().map(|a| a.len()).unwrap_or_default()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(stream: TcpStream, log: Arc<Mutex<Vec<Accepted>>>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 breachwatch-sink ESMTP ready\r\n").await?;
    let mut line = Vec::new();
    let mut recipients: Vec<String> = Vec::new();
    let mut mail_from = false;
    let mut queued: u64 = 0;
    loop {
        line.clear();
        if read_line(&mut r, &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let cmd = text.trim_end();
        let verb = cmd.get(..4).unwrap_or(cmd).to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => {
                b"250-breachwatch-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 33554432\r\n"
            }
            "HELO" => b"250 breachwatch-sink\r\n",
            "MAIL" => {
                mail_from = true;
                recipients.clear();
                b"250 2.1.0 Ok\r\n"
            }
            "RCPT" if mail_from => {
                let addr = cmd
                    .split_once(':')
                    .map(|(_, a)| {
                        a.trim()
                            .trim_start_matches('<')
                            .split('>')
                            .next()
                            .unwrap_or("")
                    })
                    .unwrap_or("");
                recipients.push(addr.to_string());
                b"250 2.1.5 Ok\r\n"
            }
            "DATA" if !recipients.is_empty() => {
                w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let (size, message_id, too_big) = read_data(&mut r).await?;
                mail_from = false;
                if too_big {
                    recipients.clear();
                    w.write_all(b"552 5.3.4 Message too big\r\n").await?;
                    continue;
                }
                queued += 1;
                if let Ok(mut l) = log.lock() {
                    l.push(Accepted {
                        message_id,
                        recipients: std::mem::take(&mut recipients),
                        bytes: size,
                    });
                }
                w.write_all(format!("250 2.0.0 Ok: queued as S{queued}\r\n").as_bytes())
                    .await?;
                continue;
            }
            "RCPT" | "DATA" => b"503 5.5.1 Bad sequence of commands\r\n",
            "RSET" => {
                mail_from = false;
                recipients.clear();
                b"250 2.0.0 Ok\r\n"
            }
            "NOOP" => b"250 2.0.0 Ok\r\n",
            "QUIT" => {
                w.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 Command not recognized\r\n",
        };
        w.write_all(reply).await?;
    }
}

async fn read_line<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
    line: &mut Vec<u8>,
) -> std::io::Result<usize> {
    let n = r.read_until(b'\n', line).await?;
    if line.len() > MAX_LINE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "line too long",
        ));
    }
    Ok(n)
}

/// Reads a DATA section up to the lone dot: (bytes, Message-ID, too big).
async fn read_data<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
) -> std::io::Result<(usize, Option<String>, bool)> {
    let mut line = Vec::new();
    let mut size = 0usize;
    let mut in_headers = true;
    let mut message_id = None;
    loop {
        line.clear();
        if read_line(r, &mut line).await? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed in DATA",
            ));
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok((size, message_id, size > MAX_MESSAGE));
        }
        let body = line.strip_prefix(b".").unwrap_or(&line);
        size += body.len();
        if in_headers {
            if body == b"\r\n" || body == b"\n" {
                in_headers = false;
            } else if body.len() > 11 && body[..11].eq_ignore_ascii_case(b"message-id:") {
                message_id = Some(String::from_utf8_lossy(&body[11..]).trim().to_string());
            }
        }
    }
}
