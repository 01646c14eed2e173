//! Identities over their life (through `tower::ServiceExt::oneshot`, no
//! socket): the login rate limit per client address and per user name,
//! tokens that expire or are revoked (and the sessions opened with them),
//! a disabled user's sessions, and a token session that does not outlive
//! its token.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use bw_serve::{AppState, Config};
use bw_store::{NewToken, Role, Store};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const PASSWORD: &str = "a long enough passphrase 1";

struct App {
    router: Router,
    store: Store,
    admin: String,
    _dir: tempfile::TempDir,
}

/// An answer: status, its `Set-Cookie` and `Retry-After`, JSON body.
struct Answer {
    status: StatusCode,
    cookie: Option<String>,
    retry_after: Option<u64>,
    body: Value,
}

async fn app() -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_sqlite(&dir.path().join("bw.sqlite3"))
        .await
        .expect("open store");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        scan_roots: vec![dir.path().join("scans")],
        scan_threads: 1,
        max_stored_findings: 1000,
        registry_dir: dir.path().join("registry"),
        registry_key: None,
        notify: Default::default(),
        secure_cookies: false,
        canary: None,
    };
    let state = AppState::new(store.clone(), config).await.expect("state");
    let admin = bw_serve::routes::admin::create(&store, "admin", Role::Admin, None, "test")
        .await
        .expect("token")["token"]
        .as_str()
        .expect("secret")
        .to_string();
    for (name, role) in [("alice", Role::Analyst), ("bob", Role::Viewer)] {
        let hash = bw_serve::hash_password(PASSWORD).expect("hash");
        store
            .add_user(name, role, &hash, "test")
            .await
            .expect("user");
    }
    App {
        router: bw_serve::router(state),
        store,
        admin,
        _dir: dir,
    }
}

impl App {
    async fn send(&self, mut req: Request<Body>, from: [u8; 4]) -> Answer {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((from, 40000))));
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let header = |name| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let cookie = header(header::SET_COOKIE);
        let retry_after = header(header::RETRY_AFTER).and_then(|v| v.parse().ok());
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Answer {
            status,
            cookie,
            retry_after,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    async fn login(&self, body: Value, from: [u8; 4]) -> Answer {
        let req = Request::post("/api/session/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        self.send(req, from).await
    }

    /// `GET /api/session` with a bearer token or a cookie pair.
    async fn whoami(&self, auth: (&str, &str)) -> StatusCode {
        let req = Request::get("/api/session")
            .header(auth.0, auth.1)
            .body(Body::empty())
            .expect("request");
        self.send(req, [10, 0, 0, 1]).await.status
    }

    async fn admin(&self, method: &str, uri: &str, body: Value) -> Answer {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.admin))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        self.send(req, [10, 0, 0, 1]).await
    }
}

fn pair(cookie: &str) -> String {
    cookie.split(';').next().expect("pair").to_string()
}

fn max_age(cookie: &str) -> i64 {
    cookie
        .split(';')
        .find_map(|p| p.trim().strip_prefix("Max-Age="))
        .and_then(|v| v.parse().ok())
        .expect("Max-Age")
}

#[tokio::test]
async fn logins_are_limited_per_address_and_per_user_name() {
    let app = app().await;
    let (a, b) = ([192, 0, 2, 1], [192, 0, 2, 2]);
    let wrong = json!({"username": "alice", "password": "not the password"});
    let right = json!({"username": "alice", "password": PASSWORD});
    for i in 0..10 {
        let r = app.login(wrong.clone(), a).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // The right password no longer helps, from this address or another.
    let r = app.login(right.clone(), a).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.cookie.is_none());
    assert!(r.retry_after.is_some_and(|s| s > 0 && s <= 15 * 60));
    let r = app.login(right.clone(), b).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the name is blocked"
    );
    // Another user from another address signs in; from the guessing
    // address, nobody does.
    let bob = json!({"username": "bob", "password": PASSWORD});
    assert_eq!(app.login(bob.clone(), b).await.status, StatusCode::OK);
    assert_eq!(
        app.login(bob, a).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is blocked"
    );
    // Tokens guessed from an address count against it too.
    let c = [192, 0, 2, 3];
    for _ in 0..10 {
        let guess = json!({"token": format!("bwt_{}", "1".repeat(64))});
        assert_eq!(app.login(guess, c).await.status, StatusCode::UNAUTHORIZED);
    }
    let real = json!({"token": app.admin});
    assert_eq!(
        app.login(real, c).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn revoked_and_expired_tokens_and_their_sessions_stop_working() {
    let app = app().await;
    let here = [10, 0, 0, 9];
    let created = app
        .admin(
            "POST",
            "/api/tokens",
            json!({"name": "ci", "role": "viewer"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let token = created.body["token"].as_str().expect("token").to_string();
    let id = created.body["id"].as_str().expect("id").to_string();
    let bearer = format!("Bearer {token}");
    assert_eq!(app.whoami(("authorization", &bearer)).await, StatusCode::OK);
    let session = app.login(json!({ "token": token }), here).await;
    assert_eq!(session.status, StatusCode::OK);
    let cookie = pair(&session.cookie.expect("cookie"));
    assert_eq!(app.whoami(("cookie", &cookie)).await, StatusCode::OK);
    // The token list never shows a secret.
    let list = app.admin("GET", "/api/tokens", Value::Null).await;
    assert!(!list.body.to_string().contains(&token["bwt_".len()..]));

    let r = app
        .admin("DELETE", &format!("/api/tokens/{id}"), Value::Null)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.whoami(("authorization", &bearer)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.whoami(("cookie", &cookie)).await,
        StatusCode::UNAUTHORIZED,
        "a session opened with a revoked token"
    );
    assert_eq!(
        app.login(json!({ "token": token }), here).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = app
        .admin("DELETE", &format!("/api/tokens/{id}"), Value::Null)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    // A token whose lifetime is over is refused, by bearer and at login.
    let expired = app
        .admin(
            "POST",
            "/api/tokens",
            json!({"name": "old", "role": "admin", "expires_days": 0}),
        )
        .await;
    assert_eq!(expired.status, StatusCode::CREATED);
    let old = expired.body["token"].as_str().expect("token").to_string();
    assert_eq!(
        app.whoami(("authorization", &format!("Bearer {old}")))
            .await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(json!({ "token": old }), here).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A session opened with a token that ends in two hours ends with it,
    // not at the session's usual 12 hours; a user's lasts the 12.
    let short = format!("bwt_{}", "2".repeat(64));
    let ends = time::OffsetDateTime::now_utc() + time::Duration::hours(2);
    app.store
        .create_token(
            &NewToken {
                id: "tok_short".into(),
                name: "short".into(),
                role: Role::Viewer,
                token_sha256: bw_serve::secret_digest(&short),
                expires_at: Some(bw_store::format_ts(ends).expect("ts")),
            },
            "test",
        )
        .await
        .expect("token");
    let s = app.login(json!({ "token": short }), here).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    let age = max_age(&s.cookie.expect("cookie"));
    assert!((2 * 3600 - 60..=2 * 3600).contains(&age), "{age}");
    let user = app
        .login(json!({"username": "bob", "password": PASSWORD}), here)
        .await;
    assert_eq!(max_age(&user.cookie.expect("cookie")), 12 * 3600);
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions() {
    let app = app().await;
    let here = [10, 0, 0, 7];
    let s = app
        .login(json!({"username": "alice", "password": PASSWORD}), here)
        .await;
    assert_eq!(s.status, StatusCode::OK);
    assert_eq!(s.body["role"], "analyst");
    let cookie = pair(&s.cookie.expect("cookie"));
    assert_eq!(app.whoami(("cookie", &cookie)).await, StatusCode::OK);
    let r = app.admin("DELETE", "/api/users/alice", Value::Null).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.whoami(("cookie", &cookie)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(json!({"username": "alice", "password": PASSWORD}), here)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_login_form_needs_its_own_token_and_cookie() {
    let app = app().await;
    let here = [10, 0, 0, 5];
    let req = Request::get("/login").body(Body::empty()).expect("request");
    let mut req = req;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((here, 40000))));
    let res = app.router.clone().oneshot(req).await.expect("infallible");
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(pair)
        .expect("the form's cookie");
    let html = res.into_body().collect().await.expect("body").to_bytes();
    let html = String::from_utf8_lossy(&html);
    let token = html
        .split("name=\"login_token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the form's token")
        .to_string();
    let form = |t: &str| {
        format!(
            "login_token={t}&next=%2F&username=bob&password={}",
            PASSWORD.replace(' ', "+")
        )
    };
    let post = |cookie: Option<&str>, from: Option<(&str, &str)>, body: String| {
        let mut b = Request::post("/login")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        if let Some((site, origin)) = from {
            b = b
                .header("sec-fetch-site", site)
                .header(header::ORIGIN, origin);
        }
        b.body(Body::from(body)).expect("request")
    };
    // What a browser sends: our pages have no referrer, so Origin is null.
    let evil = Some(("cross-site", "https://evil.example"));
    let sandboxed = Some(("cross-site", "null"));
    // A cross-site post lacks the form's cookie or its token, or comes
    // from another origin (a cookie planted from a sibling site with a
    // token of its choosing would pass the double-submit check alone):
    // refused, right credentials or not, and no session comes of it.
    for (c, origin, t) in [
        (None, None, token.as_str()),
        (Some(cookie.as_str()), None, "0000"),
        (Some("bw_login=forged"), evil, "forged"),
        (Some(cookie.as_str()), evil, token.as_str()),
        (Some(cookie.as_str()), sandboxed, token.as_str()),
    ] {
        let r = app.send(post(c, origin, form(t)), here).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{c:?} {origin:?} {t}");
        assert!(
            r.cookie
                .as_deref()
                .is_none_or(|c| !c.starts_with("bw_session=")),
            "a session from a forged form"
        );
    }
    let own = Some(("same-origin", "null"));
    let r = app.send(post(Some(&cookie), own, form(&token)), here).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert!(r.cookie.is_some_and(|c| c.starts_with("bw_session=")));
}
