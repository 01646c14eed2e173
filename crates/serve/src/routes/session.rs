//! Login (user + password, or an API token) to a session cookie, logout,
//! and "who am I" with the CSRF token the dashboard sends back on every
//! state change. The cookie is HttpOnly and SameSite=Strict, and Secure
//! when the server speaks TLS.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use bw_store::SessionRecord;
use serde::Deserialize;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::auth::{self, Identity, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// How long a session lasts.
const SESSION_HOURS: i64 = 12;

/// Either `username` and `password`, or `token`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Login {
    pub username: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
}

/// Opens a session; rate-limited per client address and per user name.
#[utoipa::path(post, path = "/api/session/login", tag = "session",
    request_body = Login,
    responses((status = 200, description = "Session cookie set; body has the CSRF token"),
        (status = 401, description = "Wrong name, password or token"),
        (status = 429, description = "Too many failed attempts")))]
pub async fn login(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    Json(body): Json<Login>,
) -> ApiResult<Response> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|p| p.0.ip().to_string());
    let opened = open_session(&state, peer.as_deref(), body).await?;
    Ok((
        [(header::SET_COOKIE, opened.cookie)],
        Json(json!({"principal": opened.principal, "role": opened.role,
            "csrf_token": opened.csrf_token})),
    )
        .into_response())
}

/// A session just opened: its `Set-Cookie` value and what the client may
/// know of it.
pub(crate) struct Opened {
    pub cookie: String,
    pub principal: String,
    pub role: bw_store::Role,
    pub csrf_token: String,
}

/// Checks the credentials (rate-limited per client address and per user
/// name) and opens a session: the JSON login and the dashboard's form
/// login both come here.
pub(crate) async fn open_session(
    state: &AppState,
    peer: Option<&str>,
    body: Login,
) -> ApiResult<Opened> {
    let ip_key = format!("ip:{}", peer.unwrap_or("unknown"));
    let user_key = match (&body.username, &body.token) {
        (Some(u), _) => format!("user:{u}"),
        (None, Some(_)) => "token".to_string(),
        (None, None) => {
            return Err(ApiError::BadRequest(
                "give username and password, or token".into(),
            ))
        }
    };
    let keys = [ip_key, user_key.clone()];
    if let Some(secs) = state.limiter.blocked(&keys) {
        return Err(ApiError::TooManyAttempts {
            retry_after_secs: secs,
        });
    }
    let who = match (body.username, body.password, body.token) {
        (Some(name), Some(password), _) => {
            let creds = state.store.user_credentials(&name).await?;
            let hash = creds.as_ref().map(|(_, h)| h.clone());
            // Argon2 is deliberately slow: off the async threads.
            let ok = tokio::task::spawn_blocking(move || {
                auth::verify_password(&password, hash.as_deref())
            })
            .await
            .map_err(ApiError::internal)?;
            match creds {
                Some((role, _)) if ok => Some((format!("user:{name}"), role, None)),
                _ => None,
            }
        }
        (None, _, Some(token)) => auth::token_identity(state, &token)
            .await?
            .map(|i| (i.principal, i.role, i.expires_at)),
        _ => {
            return Err(ApiError::BadRequest(
                "give username and password, or token".into(),
            ))
        }
    };
    let Some((principal, role, token_expiry)) = who else {
        state.limiter.failed(&keys);
        tracing::warn!("failed login");
        return Err(ApiError::Unauthenticated);
    };
    state.limiter.succeeded(&user_key);
    let sid = auth::new_secret("")?;
    let csrf = auth::random_hex(32)?;
    let now = OffsetDateTime::now_utc();
    let mut expires = now + Duration::hours(SESSION_HOURS);
    // A session opened with a token ends when the token does.
    if let Some(end) = token_expiry {
        let end = OffsetDateTime::parse(&end, &Rfc3339)
            .map_err(|e| ApiError::internal(format!("a stored token expiry: {e}")))?;
        expires = expires.min(end);
    }
    let max_age = (expires - now).whole_seconds().max(0);
    state
        .store
        .create_session(
            &auth::secret_digest(&sid),
            &SessionRecord {
                principal: principal.clone(),
                role,
                csrf_token: csrf.clone(),
                expires_at: bw_store::format_ts(expires)?,
            },
        )
        .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if state.config.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    tracing::info!(role = role.as_str(), "login");
    Ok(Opened {
        cookie,
        principal,
        role,
        csrf_token: csrf,
    })
}

/// Ends the session of this cookie.
#[utoipa::path(post, path = "/api/session/logout", tag = "session",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "Session ended, cookie cleared")))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(sid) = auth::cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&auth::secret_digest(sid)).await?;
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok(([(header::SET_COOKIE, clear)], Json(json!({"ok": true}))).into_response())
}

/// The identity of this request, and its CSRF token when it is a session.
#[utoipa::path(get, path = "/api/session", tag = "session",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "Principal, role and CSRF token")))]
pub async fn whoami(Extension(who): Extension<Identity>) -> Response {
    Json(json!({
        "principal": who.principal,
        "role": who.role,
        "csrf_token": who.csrf_token,
    }))
    .into_response()
}
