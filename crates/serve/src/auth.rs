//! Who is asking, and may they: API tokens (`Authorization: Bearer`),
//! session cookies from a login, roles, and the CSRF check on every state
//! change a cookie authenticates. Secrets are 256-bit OS randomness and
//! are stored as SHA-256 digests: a fast hash is enough for values nobody
//! can guess, unlike passwords, which get Argon2id.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use bw_store::Role;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "bw_session";
/// The header a cookie-authenticated state change must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The prefix of API tokens, so a leaked one is recognisable (and
/// secret scanners can be taught it).
pub const TOKEN_PREFIX: &str = "bwt_";

/// The acting identity of a request, as the audit log names it.
#[derive(Debug, Clone)]
pub struct Identity {
    /// `user:NAME` or `token:ID`.
    pub principal: String,
    pub role: Role,
    /// Authenticated by a session cookie (so state changes need CSRF).
    pub via_cookie: bool,
    pub csrf_token: Option<String>,
    /// When a token identity stops being valid (a session opened with the
    /// token must not outlive it).
    pub expires_at: Option<String>,
}

/// `n` bytes of OS randomness as lowercase hex.
pub fn random_hex(n: usize) -> Result<String, ApiError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| ApiError::internal(format!("OS randomness: {e}")))?;
    Ok(hex(&buf))
}

/// A new API token or session secret: 256 random bits.
pub fn new_secret(prefix: &str) -> Result<String, ApiError> {
    Ok(format!("{prefix}{}", random_hex(32)?))
}

/// What the store keeps of a secret.
pub fn secret_digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Argon2id PHC string of `password` (the crate's defaults: 19 MiB, two
/// passes, OWASP's minimum), with a random salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::internal(format!("OS randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Whether `password` matches `phc`. Without a user (`phc` None) a fixed
/// hash is checked anyway, so an unknown name costs what a wrong password
/// does and timing does not tell which names exist.
pub fn verify_password(password: &str, phc: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a password").unwrap_or_default());
    let known = phc.is_some();
    let phc = phc.unwrap_or(dummy);
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && known
}

/// Constant-time equality, for CSRF tokens.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The identity a request carries, if any valid one.
pub(crate) async fn identify(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Identity>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or("");
        return token_identity(state, token).await;
    }
    let Some(sid) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(s) = state.store.session(&secret_digest(sid)).await? else {
        return Ok(None);
    };
    Ok(Some(Identity {
        principal: s.principal,
        role: s.role,
        via_cookie: true,
        csrf_token: Some(s.csrf_token),
        expires_at: Some(s.expires_at),
    }))
}

/// The identity of an API token, if it is one, unrevoked and unexpired.
pub(crate) async fn token_identity(
    state: &AppState,
    token: &str,
) -> Result<Option<Identity>, ApiError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() != TOKEN_PREFIX.len() + 64 {
        return Ok(None);
    }
    let Some(rec) = state.store.token_by_digest(&secret_digest(token)).await? else {
        return Ok(None);
    };
    let now = bw_store::format_ts(time::OffsetDateTime::now_utc())?;
    if !rec.valid_at(&now) {
        return Ok(None);
    }
    Ok(Some(Identity {
        principal: format!("token:{}", rec.id),
        role: rec.role,
        via_cookie: false,
        csrf_token: None,
        expires_at: rec.expires_at,
    }))
}

/// Whether a browser says the request comes from another site: its
/// `Sec-Fetch-Site` (every current browser sends it, whatever the
/// referrer policy), else an `Origin` naming another host than `Host`.
/// Our pages send no referrer, so a browser's `Origin` on them is `null`:
/// that alone proves nothing either way. Clients that are not browsers
/// send neither, and the form's token and cookie decide.
pub(crate) fn cross_site(headers: &HeaderMap) -> bool {
    let get = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get(header::HeaderName::from_static("sec-fetch-site")) {
        return !matches!(site, "same-origin" | "none");
    }
    match get(header::ORIGIN) {
        None | Some("null") => false,
        Some(origin) => {
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest.trim_end_matches('/'));
            !matches!((origin_host, get(header::HOST)), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
        }
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The per-route gate: an identity of at least `role`, and on a
/// cookie-authenticated state change the session's CSRF token. Puts the
/// [`Identity`] in the request's extensions for the handler.
pub(crate) async fn authorize(
    State((state, role)): State<(AppState, Role)>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let who = identify(&state, req.headers())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if who.role < role {
        return Err(ApiError::Forbidden("this needs a higher role"));
    }
    if who.via_cookie && changes_state(req.method()) {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let expected = who.csrf_token.as_deref().unwrap_or("");
        if expected.is_empty() || !same(sent, expected) {
            return Err(ApiError::Forbidden("missing or wrong CSRF token"));
        }
    }
    req.extensions_mut().insert(who);
    Ok(next.run(req).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", Some(&h)));
        assert!(!verify_password("wrong", Some(&h)));
        assert!(!verify_password("correct horse", None));
    }

    #[test]
    fn secrets_are_256_bit_and_digests_are_stable() {
        let a = new_secret(TOKEN_PREFIX).expect("secret");
        let b = new_secret(TOKEN_PREFIX).expect("secret");
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(secret_digest(&a), secret_digest(&a));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn requests_from_other_sites_are_recognised() {
        let h = |pairs: &[(&'static str, &str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, v.parse().expect("header"));
            }
            m
        };
        let host = ("host", "127.0.0.1:8080");
        for ok in [
            vec![host],
            vec![host, ("origin", "http://127.0.0.1:8080")],
            vec![("host", "bw.example"), ("origin", "https://BW.example")],
            vec![host, ("origin", "null"), ("sec-fetch-site", "same-origin")],
            vec![host, ("origin", "null")],
        ] {
            assert!(!cross_site(&h(&ok)), "{ok:?}");
        }
        for bad in [
            vec![host, ("origin", "https://evil.example")],
            vec![host, ("origin", "http://127.0.0.1:8081")],
            vec![("origin", "http://127.0.0.1:8080")],
            vec![host, ("origin", "null"), ("sec-fetch-site", "cross-site")],
            vec![host, ("sec-fetch-site", "same-site")],
        ] {
            assert!(cross_site(&h(&bad)), "{bad:?}");
        }
    }
}
