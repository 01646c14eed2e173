//! SMTP connections for the sender: lettre's protocol client on
//! connections we open and keep ourselves, one per worker at most.
//!
//! Why not lettre's pooled transport: it writes the message body and the
//! terminating `.` in two writes, and on a socket with Nagle's algorithm on
//! (lettre does not set TCP_NODELAY) the second write waits for the ACK of
//! the first, which the server delays by up to 40 ms: that capped delivery
//! at about 25 messages per second per connection. Here the socket has
//! TCP_NODELAY and the dot-stuffed body goes out with its terminator in one
//! write.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use lettre::transport::smtp::Error as SmtpError;
use tokio::net::TcpStream;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// `smtp://`: plain.
    None,
    /// `smtp://…?tls=opportunistic`: STARTTLS when offered.
    Opportunistic,
    /// `smtp://…?tls=required`: STARTTLS or fail.
    Required,
    /// `smtps://`: TLS from the first byte.
    Implicit,
}

/// A parsed `smtp://` / `smtps://` URL.
#[derive(Clone)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    credentials: Option<(String, String)>,
    pub timeout: Duration,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the password.
        write!(f, "{self}")
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls == Tls::Implicit {
            "smtps"
        } else {
            "smtp"
        };
        write!(f, "{scheme}://{}:{}", self.host, self.port)
    }
}

impl Server {
    /// Parses `smtp://[user[:password]@]host[:port][?tls=required|opportunistic]`
    /// or `smtps://…` (default ports 25 and 465).
    pub fn parse(url: &str, timeout: Duration) -> Result<Server, String> {
        let u = url::Url::parse(url).map_err(|e| format!("invalid SMTP URL: {e}"))?;
        let mut tls = match u.scheme() {
            "smtp" => Tls::None,
            "smtps" => Tls::Implicit,
            other => {
                return Err(format!(
                    "unsupported scheme {other:?}: use smtp:// or smtps://"
                ))
            }
        };
        for (k, v) in u.query_pairs() {
            match (k.as_ref(), v.as_ref(), tls) {
                ("tls", "required", Tls::None) => tls = Tls::Required,
                ("tls", "opportunistic", Tls::None) => tls = Tls::Opportunistic,
                ("tls", _, _) => return Err(format!("tls={v} is not valid here")),
                _ => return Err(format!("unknown SMTP URL parameter {k:?}")),
            }
        }
        let host = u
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("the SMTP URL has no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = u
            .port()
            .unwrap_or(if tls == Tls::Implicit { 465 } else { 25 });
        let credentials = (!u.username().is_empty()).then(|| {
            (
                percent_decode(u.username()),
                percent_decode(u.password().unwrap_or("")),
            )
        });
        Ok(Server {
            host,
            port,
            tls,
            credentials,
            timeout,
        })
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let hello = ClientId::default();
        let tls_params = || TlsParameters::new(self.host.clone());
        let mut conn = if self.tls == Tls::Implicit {
            AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(self.timeout),
                &hello,
                Some(tls_params()?),
                None,
            )
            .await?
        } else {
            let tcp = tokio::time::timeout(
                self.timeout,
                TcpStream::connect((self.host.as_str(), self.port)),
            )
            .await
            .map_err(|_| SendError::Connection("connection timed out".into()))?
            .map_err(|e| SendError::Connection(e.to_string()))?;
            tcp.set_nodelay(true)
                .map_err(|e| SendError::Connection(e.to_string()))?;
            let mut conn =
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello).await?;
            let starttls = match self.tls {
                Tls::Required => true,
                Tls::Opportunistic => conn.can_starttls(),
                _ => false,
            };
            if starttls {
                conn.starttls(tls_params()?, &hello).await?;
            }
            conn
        };
        if let Some((user, pass)) = &self.credentials {
            let creds = Credentials::new(user.clone(), pass.clone());
            conn.auth(&[Mechanism::Plain, Mechanism::Login], &creds)
                .await?;
        }
        Ok(conn)
    }
}

/// Why a transaction failed, classified for the retry policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// A 5xx reply: the notice fails.
    Permanent(String),
    /// A 4xx reply: retry later.
    Transient(String),
    /// No reply at all (refused, reset, timeout, TLS): retry later, and
    /// many in a row mean the server is down.
    Connection(String),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Permanent(s) | SendError::Transient(s) | SendError::Connection(s) => {
                f.write_str(s)
            }
        }
    }
}

impl From<SmtpError> for SendError {
    fn from(e: SmtpError) -> Self {
        let text = describe(&e);
        if e.is_permanent() {
            SendError::Permanent(text)
        } else if e.is_transient() {
            SendError::Transient(text)
        } else {
            SendError::Connection(text)
        }
    }
}

/// An error with its source chain ("connection refused" lives there).
fn describe(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

/// Connections not in use; at most one per worker exists.
pub struct Mailer {
    server: Server,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
}

impl Mailer {
    /// Connects once (a refused connection is reported before anything
    /// is claimed) and keeps that connection for the first worker.
    pub async fn connect(server: Server) -> Result<Mailer, SendError> {
        let first = server.connect().await?;
        Ok(Mailer {
            server,
            idle: Mutex::new(vec![first]),
        })
    }

    /// One mail transaction. A connection that saw any error is dropped,
    /// so the next transaction starts clean.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<Response, SendError> {
        let pooled = self.idle.lock().ok().and_then(|mut v| v.pop());
        let mut conn = match pooled {
            Some(c) => c,
            None => self.server.connect().await?,
        };
        match transaction(&mut conn, envelope, message).await {
            Ok(r) => {
                if let Ok(mut v) = self.idle.lock() {
                    v.push(conn);
                }
                Ok(r)
            }
            Err(e) => {
                conn.abort().await;
                Err(e.into())
            }
        }
    }

    /// Says QUIT on the idle connections.
    pub async fn shutdown(&self) {
        let conns: Vec<AsyncSmtpConnection> = self
            .idle
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default();
        for mut c in conns {
            let _ = c.quit().await;
        }
    }
}

/// The DATA payload: dot-stuffed, with its terminator, sent as one write.
struct Payload(String);

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn dot_stuff(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 64);
    for (i, line) in message.split("\r\n").enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out
}

async fn transaction(
    conn: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    message: &[u8],
) -> Result<Response, SmtpError> {
    let mut params = Vec::new();
    if !message.is_ascii() {
        params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(envelope.from().cloned(), params))
        .await?;
    for to in envelope.to() {
        conn.command(Rcpt::new(to.clone(), Vec::new())).await?;
    }
    conn.command(Data).await?;
    match std::str::from_utf8(message) {
        Ok(text) => conn.command(Payload(dot_stuff(text))).await,
        // Not UTF-8 (lettre's builder never makes that): lettre's own path.
        Err(_) => conn.message(message).await,
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or("zz"), 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_tls_modes_ports_and_credentials() {
        let t = Duration::from_secs(5);
        let s = Server::parse("smtp://127.0.0.1:2525", t).expect("plain");
        assert_eq!(
            (s.host.as_str(), s.port, s.tls),
            ("127.0.0.1", 2525, Tls::None)
        );
        let s = Server::parse("smtp://mail.example?tls=required", t).expect("starttls");
        assert_eq!((s.port, s.tls), (25, Tls::Required));
        let s = Server::parse("smtps://u%40x:p%2Fw@mail.example", t).expect("implicit");
        assert_eq!((s.port, s.tls), (465, Tls::Implicit));
        assert_eq!(s.credentials, Some(("u@x".into(), "p/w".into())));
        assert!(!format!("{s:?}").contains("p/w"), "no password in Debug");
        assert!(Server::parse("http://x", t).is_err());
        assert!(Server::parse("smtp://x?tls=maybe", t).is_err());
    }

    #[test]
    fn payload_is_dot_stuffed_and_terminated() {
        assert_eq!(dot_stuff("a\r\n.b\r\n"), "a\r\n..b\r\n.\r\n");
        assert_eq!(dot_stuff(".x"), "..x\r\n.\r\n");
    }
}
