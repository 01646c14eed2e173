//! A database argument: which engine it names, how to print it without
//! its credentials, and which secrets to keep out of every message.

use std::fmt;

/// The database engines a URL can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    Postgres,
    Mysql,
    Sqlite,
}

impl Engine {
    fn of_scheme(scheme: &str) -> Option<Engine> {
        match scheme {
            "postgres" | "postgresql" => Some(Engine::Postgres),
            "mysql" | "mariadb" => Some(Engine::Mysql),
            "sqlite" => Some(Engine::Sqlite),
            _ => None,
        }
    }
}

/// A claimed argument. Its `Debug` shows only what may be printed.
pub(crate) struct Target {
    pub engine: Engine,
    /// The argument as given, credentials included: only for connecting.
    pub url: String,
    /// What names, errors and logs show: the URL without user, password
    /// or query (`postgres://db.example:5432/shop`); a SQLite path as given.
    pub display: String,
    /// Passwords in the URL (as written and percent-decoded), kept out of
    /// every message a driver returns.
    secrets: Vec<String>,
    /// `#schema.table` after the URL: that one table (the form findings
    /// name a table in, so a name printed by `scan` can be passed back,
    /// to `incident add-evidence` for one).
    pub only: Option<String>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("engine", &self.engine)
            .field("display", &self.display)
            .finish_non_exhaustive()
    }
}

/// Query parameters that carry a secret in the drivers' URL syntax.
const SECRET_PARAMS: [&str; 3] = ["password", "sslpassword", "pass"];

/// Secrets shorter than this are not scrubbed from messages: they cannot
/// be told apart from ordinary words (`bw` in a user name), and drivers
/// never echo a password anyway; the scrub is a second line of defence.
const MIN_SECRET: usize = 4;

impl Target {
    /// `None` when `arg` names no database; an error when it does but is
    /// no valid URL (the message never holds the argument itself, which
    /// may hold a password).
    pub fn claim(arg: &str) -> Option<Result<Target, String>> {
        let (scheme, rest) = arg.split_once("://")?;
        let engine = Engine::of_scheme(&scheme.to_ascii_lowercase())?;
        let (arg, only) = match arg.rsplit_once('#') {
            Some((url, table)) if !table.is_empty() => (url, Some(table.to_string())),
            _ => (arg, None),
        };
        if engine == Engine::Sqlite {
            return Some(if rest.is_empty() {
                Err("no database file after sqlite://".into())
            } else {
                Ok(Target {
                    engine,
                    url: arg.to_string(),
                    display: arg.to_string(),
                    secrets: Vec::new(),
                    only,
                })
            });
        }
        Some(Target::server(engine, arg).map(|t| Target { only, ..t }))
    }

    fn server(engine: Engine, arg: &str) -> Result<Target, String> {
        let parsed = url::Url::parse(arg).map_err(|e| format!("not a database URL: {e}"))?;
        let mut secrets = Vec::new();
        if let Some(p) = parsed.password() {
            secrets.push(p.to_string());
            secrets.push(decode(p));
        }
        for (k, v) in parsed.query_pairs() {
            if SECRET_PARAMS.contains(&k.to_ascii_lowercase().as_str()) {
                secrets.push(v.into_owned());
            }
        }
        secrets.retain(|s| s.len() >= MIN_SECRET);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
        let display = format!(
            "{}://{}{port}{}",
            parsed.scheme(),
            parsed.host_str().unwrap_or(""),
            parsed.path()
        );
        // sqlx parses `mysql:` URLs only; `mariadb:` is the same protocol.
        let url = match arg.split_once("://") {
            Some((s, rest)) if s.eq_ignore_ascii_case("mariadb") => format!("mysql://{rest}"),
            _ => arg.to_string(),
        };
        Ok(Target {
            engine,
            url,
            display,
            secrets,
            only: None,
        })
    }

    /// `text` (a driver's message) with every secret of the URL replaced.
    pub fn scrub(&self, text: impl fmt::Display) -> String {
        let mut text = text.to_string();
        for s in &self.secrets {
            if text.contains(s.as_str()) {
                text = text.replace(s.as_str(), "***");
            }
        }
        text
    }
}

/// Percent-decoding of a URL's user-info part, as drivers decode it.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_database_urls_are_claimed() {
        for arg in ["s3://bucket/x", "leak.csv", "/tmp/a.db", "http://x/y"] {
            assert!(Target::claim(arg).is_none(), "{arg}");
        }
        let t = Target::claim("sqlite://data/app.db")
            .expect("claimed")
            .expect("valid");
        assert_eq!(
            (t.engine, t.display.as_str()),
            (Engine::Sqlite, "sqlite://data/app.db")
        );
        let t = Target::claim("MariaDB://u:pw@h/db")
            .expect("claimed")
            .expect("valid");
        assert_eq!(t.engine, Engine::Mysql);
        assert_eq!(t.url, "mysql://u:pw@h/db");
        assert_eq!(t.only, None);
    }

    #[test]
    fn a_fragment_names_one_table() {
        let t = Target::claim("postgres://u:pw@h:5432/db#public.customers")
            .expect("claimed")
            .expect("valid");
        assert_eq!(t.display, "postgres://h:5432/db");
        assert_eq!(t.url, "postgres://u:pw@h:5432/db");
        assert_eq!(t.only.as_deref(), Some("public.customers"));
        let t = Target::claim("sqlite://data/app.db#main.orders")
            .expect("claimed")
            .expect("valid");
        assert_eq!(
            (t.url.as_str(), t.only.as_deref()),
            ("sqlite://data/app.db", Some("main.orders"))
        );
        assert_eq!(
            crate::display_name("mysql://u:s3cret-pw@h/shop?ssl-mode=required#shop.orders")
                .as_deref(),
            Some("mysql://h/shop#shop.orders")
        );
        assert_eq!(crate::display_name("s3://bucket/key"), None);
    }

    #[test]
    fn credentials_never_reach_the_display_or_messages() {
        let arg = "postgres://admin:s%40cret-Pa55@db.example:6432/shop?sslmode=require&password=other-Pa55";
        let t = Target::claim(arg).expect("claimed").expect("valid");
        assert_eq!(t.display, "postgres://db.example:6432/shop");
        let debug = format!("{t:?}");
        for secret in ["s%40cret-Pa55", "s@cret-Pa55", "other-Pa55", "admin"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert_eq!(
            t.scrub("auth failed for s@cret-Pa55 and other-Pa55 (s%40cret-Pa55)"),
            "auth failed for *** and *** (***)"
        );
        let bad = Target::claim("postgres://u:pw@[bad").expect("claimed");
        assert!(bad.is_err_and(|e| !e.contains("pw")));
    }
}
