//! Credentials in URLs: `scheme://user:password@host` (connection strings
//! in `.env` files, configuration and logs: `postgres://`, `mysql://`,
//! `redis://`, `amqp://`, `https://`, `ftp://`…). The password part is a
//! `password` finding; the user part a `username` where the login rules of
//! the label module take it, and never scoring above its password.
//!
//! Every `://` (a SIMD substring search) is tried: a scheme before it, then
//! the authority up to the first `/`, `?`, `#` or space, which must hold a
//! user-info ending at its last `@` and split by its first `:`. What is not
//! a credential: `user@host` (no password), `host:8080` (no `@`), IPv6
//! literals (`[::1]` is a host, never user-info), templates and masks
//! (`${PASS}`, `<password>`, `****`: [`value::judge`]'s rules), anonymous
//! FTP (`anonymous:ann@`, whose password is a mail address by
//! convention), CVS's `:pserver:anoncvs@`, a one-letter host (URL
//! parsers' tests). Documentation's credentials are reported below the
//! threshold: on a reserved example host (`example.com`, `*.test`,
//! RFC 2606), `localhost`, a placeholder host or port (`@server:port/`),
//! with a placeholder user (`user:s3cret@`, `john:smith@`), or a default
//! account (`guest:guest@`).
//!
//! Looked for when the `password` kind is on (the user comes with its
//! password; with `username` alone, URLs are not read).
//!
//! Bounds: a scheme is at most [`MAX_SCHEME`] bytes before its `://`, the
//! user-info at most [`MAX_USERINFO`] after it.

use super::value::{self, Form};
use crate::{Finding, Kind};

/// The longest scheme read (`postgresql+asyncpg` is 18).
const MAX_SCHEME: usize = 32;
/// The longest user-info read.
const MAX_USERINFO: usize = 256;
/// A documentation example's credentials: below the report threshold.
const EXAMPLE: f32 = 0.3;

/// User names that only stand for one in documentation
/// (`mysql://user:s3cret@db/app`). Compared ignoring case.
const PLACEHOLDER_USERS: &[&str] = &[
    "user",
    "username",
    "usr",
    "login",
    "name",
    "myuser",
    "my_user",
    "youruser",
    "your_user",
    "yourusername",
    "your_username",
    "someone",
    "somebody",
    "foo",
    "me",
    // The names examples give their users (`socks5://john:smith@…`).
    "john",
    "jane",
    "alice",
    "bob",
];

/// The word "password" in other languages, standing for one in a manual's
/// URL (`http://gebruiker:wachtwoord@server:poort/`); compared ignoring
/// case. Only here: in a password column, they may be a user's.
const PASSWORD_WORDS: &[&str] = &[
    "passwort",
    "kennwort",
    "wachtwoord",
    "motdepasse",
    "mot_de_passe",
    "contrasena",
    "senha",
    "parola",
    "losenord",
    "salasana",
];

/// A `://` whose user-info holds a password: the password's and the user's
/// byte ranges (the user's may be empty: `redis://:pw@host`).
struct Creds {
    user: (usize, usize),
    password: (usize, usize),
    host: (usize, usize),
}

/// Bytes of a scheme (RFC 3986: a letter, then letters, digits, `+-.`).
fn scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

/// Bytes that end an authority: the path, query and fragment delimiters,
/// space, and what quotes or brackets a URL in text or code (a bracket
/// also opens an IPv6 literal, which is a host).
fn ends_authority(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'/' | b'?'
                | b'#'
                | b'"'
                | b'\''
                | b'`'
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'|'
                | b'\\'
                | b'^'
        )
        || b < 0x20
}

/// Reads the credentials of the URL whose `://` is at `p`.
fn at(hay: &[u8], p: usize) -> Option<Creds> {
    let lo = p.saturating_sub(MAX_SCHEME + 1);
    let n = hay[lo..p]
        .iter()
        .rev()
        .take_while(|&&b| scheme_byte(b))
        .count();
    let s = p - n;
    if n == 0 || n > MAX_SCHEME || !hay[s].is_ascii_alphabetic() {
        return None;
    }
    let a = p + 3;
    let limit = hay.len().min(a + MAX_USERINFO + 1);
    let stop = a + hay[a..limit]
        .iter()
        .position(|&b| ends_authority(b))
        .unwrap_or(limit - a);
    // The last `@`: an unescaped one in a password is kept in it, as
    // most URL parsers do.
    let at = a + memchr::memrchr(b'@', &hay[a..stop])?;
    if at - a > MAX_USERINFO {
        return None;
    }
    let colon = a + memchr::memchr(b':', &hay[a..at])?;
    // A host follows: a name, an address or an IPv6 literal.
    let host_end = match hay.get(at + 1) {
        // An IPv6 literal, to its bracket.
        Some(b'[') => memchr::memchr(b']', &hay[at + 1..limit]).map_or(at + 1, |i| at + 2 + i),
        _ => stop.max(at + 1),
    };
    let host_ok = hay
        .get(at + 1)
        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'[');
    // `javascript://:x@y/` (a URL parser's test) has no host to log in
    // to; `cvs://:pserver:anoncvs@host:/cvs` is CVS's access method and
    // user, not a password.
    let empty_user_method = colon == a && memchr::memchr(b':', &hay[colon + 1..at]).is_some();
    if !host_ok || colon + 1 == at || host_end - at < 3 || empty_user_method {
        return None;
    }
    Some(Creds {
        user: (a, colon),
        password: (colon + 1, at),
        host: (at + 1, host_end),
    })
}

/// Hosts and ports that only stand for one in documentation
/// (`user:s3cret@server:port/`, `@hostname:5432`). Compared ignoring case.
const PLACEHOLDER_HOSTS: &[&str] = &[
    "host",
    "hostname",
    "server",
    "servername",
    "myhost",
    "myserver",
    "yourhost",
    "yourserver",
    "domain",
];

/// The host without its port, lower-cased into `buf`, and whether a port
/// that is no number follows it (`server:port`, `host:poort`).
fn host_name<'b>(hay: &[u8], (s, e): (usize, usize), buf: &'b mut [u8; 64]) -> (&'b [u8], bool) {
    let h = &hay[s..e];
    let (h, port) = match memchr::memchr(b':', h) {
        Some(i) if !h.starts_with(b"[") => (&h[..i], &h[i + 1..]),
        _ => (h, &h[h.len()..]),
    };
    let named_port = !port.is_empty() && !port.iter().all(u8::is_ascii_digit);
    let n = h.len().min(buf.len());
    buf[..n].copy_from_slice(&h[..n]);
    buf[..n].make_ascii_lowercase();
    (&buf[..n], named_port)
}

/// A host reserved for documentation and tests (RFC 2606, RFC 6761):
/// `example.com`, `www.example.org`, `db.test`, `x.invalid`; and this
/// machine (`localhost`, `127.0.0.1`, `[::1]`), whose credentials in
/// crate sources and documentation are tests' and tutorials' (a proxy's
/// `hemligearne:kulgrej@localhost:443`).
fn example_host(host: &[u8]) -> bool {
    let host = host.strip_suffix(b".").unwrap_or(host);
    if matches!(host, b"localhost" | b"[::1]") || host.starts_with(b"127.") {
        return true;
    }
    let under =
        |d: &[u8]| host == d || (host.ends_with(d) && host[..host.len() - d.len()].ends_with(b"."));
    [
        &b"example.com"[..],
        b"example.org",
        b"example.net",
        b"example",
        b"test",
        b"invalid",
    ]
    .iter()
    .any(|d| under(d))
}

/// Appends the credentials in URLs in `hay` to `out`: passwords, and their
/// users when `usernames` is on.
pub(super) fn find(
    hay: &[u8],
    finder: &memchr::memmem::Finder<'_>,
    usernames: bool,
    out: &mut Vec<Finding>,
) {
    for p in finder.find_iter(hay) {
        let Some(c) = at(hay, p) else {
            continue;
        };
        let user = &hay[c.user.0..c.user.1];
        let pw = &hay[c.password.0..c.password.1];
        // Anonymous FTP: the password is a mail address by convention.
        if user.eq_ignore_ascii_case(b"anonymous") || user.eq_ignore_ascii_case(b"ftp") {
            continue;
        }
        if PASSWORD_WORDS
            .iter()
            .any(|w| pw.eq_ignore_ascii_case(w.as_bytes()))
        {
            continue;
        }
        let Some((mut score, det)) = value::judge(pw, Form::Url, None) else {
            continue;
        };
        let mut buf = [0u8; 64];
        let (host, named_port) = host_name(hay, c.host, &mut buf);
        let placeholder_user = PLACEHOLDER_USERS
            .iter()
            .any(|w| user.eq_ignore_ascii_case(w.as_bytes()));
        let placeholder_host = named_port
            || PLACEHOLDER_HOSTS
                .iter()
                .any(|w| host.eq_ignore_ascii_case(w.as_bytes()));
        if example_host(host)
            || placeholder_host
            || placeholder_user
            || user.eq_ignore_ascii_case(pw)
        {
            score = score.min(EXAMPLE);
        }
        let det = if det == "password.plaintext" {
            "password.url"
        } else {
            det
        };
        let user_finding = (usernames && !user.is_empty())
            .then(|| crate::label::url_username(user))
            .flatten()
            .map(|u| Finding {
                start: c.user.0,
                end: c.user.1,
                kind: Kind::Username,
                score: u.min(score),
                detector: "username.url",
            });
        out.extend(user_finding);
        out.push(Finding {
            start: c.password.0,
            end: c.password.1,
            kind: Kind::Password,
            score,
            detector: det,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::{Engine, Kind};

    /// `(kind, value, score, detector)` of the password and username
    /// findings through the whole engine (email, IP and label detectors
    /// see the same bytes).
    fn found(text: &str) -> Vec<(Kind, String, f32, &'static str)> {
        let engine = Engine::new(Kind::ALL);
        let mut out = Vec::new();
        engine.scan(text.as_bytes(), &mut out);
        out.into_iter()
            .filter(|f| matches!(f.kind, Kind::Password | Kind::Username | Kind::Email))
            .map(|f| {
                (
                    f.kind,
                    text[f.start..f.end].to_string(),
                    f.score,
                    f.detector,
                )
            })
            .collect()
    }

    fn reported(text: &str) -> Vec<(Kind, String)> {
        found(text)
            .into_iter()
            .filter(|f| f.2 >= 0.5)
            .map(|f| (f.0, f.1))
            .collect()
    }

    #[track_caller]
    fn creds(text: &str, user: Option<&str>, password: &str) {
        let mut want = Vec::new();
        if let Some(u) = user {
            want.push((Kind::Username, u.to_string()));
        }
        want.push((Kind::Password, password.to_string()));
        assert_eq!(reported(text), want, "{text:?}");
        let det = found(text)
            .into_iter()
            .find(|f| f.0 == Kind::Password)
            .map(|f| f.3);
        assert_eq!(det, Some("password.url"), "{text:?}");
    }

    #[test]
    fn credentials_in_connection_urls() {
        creds(
            "DATABASE_URL=postgres://app_rw:Zq8vLm2xR4@db.internal.acme.io:5432/shop",
            Some("app_rw"),
            "Zq8vLm2xR4",
        );
        creds(
            "conn = mysql://kwang:Tr0ub4dor3@10.0.3.7/orders",
            Some("kwang"),
            "Tr0ub4dor3",
        );
        creds(
            "fetch ftp://kmiller:s3cr3tPa55@ftp.acme-corp.net/pub/ done",
            Some("kmiller"),
            "s3cr3tPa55",
        );
        creds("redis://:h7Gk2pQ9@cache.acme.io:6379/0", None, "h7Gk2pQ9");
        creds(
            "see <https://ann.lee:pw4Ann2024@intranet.acme.com/wiki>",
            Some("ann.lee"),
            "pw4Ann2024",
        );
        creds(
            "\"mongodb+srv://svc-orders:Vq3%40xL9w@cluster0.ab1cd.mongodb.net/?retryWrites=true\"",
            Some("svc-orders"),
            "Vq3%40xL9w",
        );
        creds(
            "smtp://mailer:Kp9-vX2!q@smtp.acme.io:587",
            Some("mailer"),
            "Kp9-vX2!q",
        );
        creds(
            "amqp://orders:R4bb1tMQ77@mq.acme.io:5672/%2f",
            Some("orders"),
            "R4bb1tMQ77",
        );
        // An `@` in the password: the last one ends the user-info.
        creds(
            "jdbc:mysql://etl_job:p@ss4Etl9@10.1.2.3:3306/dw",
            Some("etl_job"),
            "p@ss4Etl9",
        );
        // An IPv6 literal is the host.
        creds(
            "postgresql://replica:Hq2wE8rT@[2001:db8::17]:5432/app",
            Some("replica"),
            "Hq2wE8rT",
        );
        // A service account's name is a login all the same for its
        // password; as a username it is below the threshold.
        assert_eq!(
            reported("postgres://postgres:Nw8rQ2zLp4@10.0.0.5/app"),
            [(Kind::Password, "Nw8rQ2zLp4".to_string())]
        );
    }

    #[test]
    fn no_password_no_finding() {
        for text in [
            "https://ann@intranet.acme.com/wiki",
            "ssh://git@github.com:22/org/repo.git",
            "git@github.com:org/repo.git",
            "http://intranet.acme.com:8080/status",
            "http://[::1]:8080/health",
            "http://[fe80::1%25eth0]:80/",
            "https://acme.com/login?next=/a:b@c",
            "redis://user:@cache:6379",
            "mailto:ann@acme.com",
            "see http://host:80 and ann:Zq8vLm2x@ later",
            // CVS's access method; a URL parser's test without a host.
            "cvs://:pserver:anoncvs@sources.redhat.com:/cvs/src",
            "\"href\": \"javascript://:bowser@x/\",",
        ] {
            let got = reported(text);
            assert!(
                got.iter().all(|(k, _)| *k == Kind::Email),
                "{text:?}: {got:?}"
            );
        }
    }

    #[test]
    fn placeholders_and_documentation() {
        // Templates, masks and key words are no password at all.
        for text in [
            "postgres://user:password@localhost/db",
            "postgres://${DB_USER}:${DB_PASS}@db:5432/app",
            "mysql://app:$MYSQL_PASSWORD@db/app",
            "mysql://root:<password>@localhost:3306/",
            "amqp://app:****@mq:5672/",
            "amqp://app:xxx@mq:5672/",
            "redis://default:%s@%s:%d",
            "https://user:pass@example.com/",
            "https://x:{{ token }}@github.com/org/repo",
            "\\fIhttp://gebruiker:wachtwoord@server:poort/\\fR",
            "https://oauth2:api_token@gitlab.acme.io/org/repo.git",
            "ftp://anonymous:ann@acme.com@ftp.gnu.org/gnu/",
        ] {
            let got = found(text);
            assert!(got.iter().all(|f| f.0 == Kind::Email), "{text:?}: {got:?}");
        }
        // Documentation's credentials: found, below the threshold.
        for text in [
            "https://ann:Zq8vLm2xR4@example.com/",
            "postgres://app:Zq8vLm2xR4@db.example.org/app",
            "postgres://app:Zq8vLm2xR4@db.test:5432/app",
            "mysql://user:Zq8vLm2xR4@db.acme.io/app",
            "amqp://guest:guest@mq.acme.io:5672/",
            "http://foo:bar@proxy.acme.io:3128",
            "https://ann:changeme@git.acme.io/",
            "/// * `socks5://john:smith@socks.acme.io`",
            "Proxy::new(\"https://hemligearne:kulgrej@localhost:443/\")",
            "redis://cache:Zq8vLm2xR4@127.0.0.1:6379/0",
            "#     http://jschmoe:xyzzy@www.bogus.net:8000/foo/bar.tml?q=foo",
            "http://kwang:Zq8vLm2xR4@server:poort/",
            "postgres://kwang:Zq8vLm2xR4@hostname:5432/database",
        ] {
            let got = found(text);
            assert!(
                got.iter().any(|f| f.0 == Kind::Password),
                "{text:?}: {got:?}"
            );
            assert!(got.iter().all(|f| f.2 < 0.5), "{text:?}: {got:?}");
        }
    }

    #[test]
    fn chunked_scans_agree_with_whole_ones() {
        let block = "DATABASE_URL=postgres://app_rw:Zq8vLm2xR4@db.internal.acme.io:5432/shop\n\
                     redis://:h7Gk2pQ9@cache.acme.io:6379/0 ssh://git@github.com/x\n\
                     postgresql://replica:Hq2wE8rT@[2001:db8::17]:5432/app http://[::1]:80/\n";
        let mut text = String::new();
        for pad in 0..120 {
            text.push_str(&"x".repeat(pad % 41));
            text.push(' ');
            text.push_str(block);
        }
        let engine = Engine::new(Kind::ALL);
        let mut whole = Vec::new();
        engine.scan(text.as_bytes(), &mut whole);
        for step in [1, 5, 64, 509, 4096] {
            let got = crate::testutil::scan_trickled(&engine, text.as_bytes(), step);
            assert_eq!(got, whole, "step {step}");
        }
        let count = |k| {
            whole
                .iter()
                .filter(|f| f.kind == k && f.score >= 0.5)
                .count()
        };
        assert_eq!(count(Kind::Password), 3 * 120);
        assert_eq!(count(Kind::Username), 2 * 120);
    }
}
