//! The route table, the OpenAPI document and the auth gate, route by
//! route (through `tower::ServiceExt::oneshot`, no socket): every route is
//! documented with the role it enforces and every documented route exists;
//! no credentials → 401, a lower role → 403, a cookie-authenticated state
//! change without its CSRF token → 403; SQL-injection and path-traversal
//! strings in every path and query parameter change nothing and never 500.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use bw_serve::{AppState, Config};
use bw_store::{IncidentId, NewIncident, Role, Store};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const PAYLOADS: [&str; 6] = [
    "' OR '1'='1",
    "1; DROP TABLE incidents; --",
    "INC-2026-0001' --",
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fshadow",
    "%00<script>",
];

struct App {
    router: Router,
    store: Store,
    tokens: Vec<(Role, String)>,
    incident: String,
    _dir: tempfile::TempDir,
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
    let mut tokens = Vec::new();
    for role in [Role::Viewer, Role::Analyst, Role::Admin] {
        let t = bw_serve::routes::admin::create(&store, "test", role, None, "test")
            .await
            .expect("token");
        tokens.push((role, t["token"].as_str().expect("secret").to_string()));
    }
    let incident = store
        .open_incident(
            &NewIncident {
                title: "seeded".into(),
                description: String::new(),
                discovered_at: time::OffsetDateTime::now_utc(),
                detected_by: "test".into(),
                severity: "high".parse().expect("severity"),
            },
            "test",
        )
        .await
        .expect("incident")
        .to_string();
    App {
        router: bw_serve::router(state),
        store,
        tokens,
        incident,
        _dir: dir,
    }
}

impl App {
    fn token(&self, role: Role) -> &str {
        &self
            .tokens
            .iter()
            .find(|(r, _)| *r == role)
            .expect("a token per role")
            .1
    }

    async fn call(&self, req: Request<Body>) -> (StatusCode, Value) {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A session cookie and its CSRF token, by logging in with a token.
    async fn session(&self, role: Role) -> (String, String) {
        let req = Request::post("/api/session/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(r#"{{"token":"{}"}}"#, self.token(role))))
            .expect("request");
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        assert_eq!(res.status(), StatusCode::OK);
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .expect("set-cookie")
            .to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        let pair = cookie.split(';').next().expect("pair").to_string();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let v: Value = serde_json::from_slice(&bytes).expect("json");
        (pair, v["csrf_token"].as_str().expect("csrf").to_string())
    }

    /// Everything a request could change, as JSON.
    async fn snapshot(&self) -> Value {
        let id = IncidentId::new(&self.incident);
        serde_json::json!({
            "incidents": self.store.list_incidents().await.expect("list"),
            "incident": self.store.incident(&id).await.expect("incident"),
            "audit": self.store.audit_log(&id).await.expect("audit"),
            "system": self.store.system_audit_log(0, 10_000).await.expect("system"),
            "jobs": self.store.jobs(0, 10_000).await.expect("jobs"),
            "tokens": self.store.tokens().await.expect("tokens"),
            "users": self.store.users().await.expect("users"),
        })
    }
}

/// One documented operation.
#[derive(Debug, Clone)]
struct Op {
    method: Method,
    path: String,
    role: Option<Role>,
    path_params: Vec<String>,
    query_params: Vec<String>,
}

fn role_of(scope: &str) -> Role {
    scope.parse().expect("a role as security scope")
}

async fn documented(app: &App) -> Vec<Op> {
    let req = Request::get("/api/openapi.json")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.token(Role::Viewer)),
        )
        .body(Body::empty())
        .expect("request");
    let (status, doc) = app.call(req).await;
    assert_eq!(status, StatusCode::OK);
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Ok(method) = method.to_ascii_uppercase().parse::<Method>() else {
                continue;
            };
            let role = op["security"]
                .as_array()
                .and_then(|s| s.first())
                .and_then(|s| s["bearer"].as_array())
                .and_then(|scopes| scopes.first())
                .and_then(Value::as_str)
                .map(role_of);
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let names = |place: &str| -> Vec<String> {
                params
                    .iter()
                    .filter(|p| p["in"] == place)
                    .filter_map(|p| p["name"].as_str().map(str::to_string))
                    .collect()
            };
            ops.push(Op {
                method,
                path: path.clone(),
                role,
                path_params: names("path"),
                query_params: names("query"),
            });
        }
    }
    ops
}

fn fill(path: &str, params: &[String], value: &str) -> String {
    let enc = percent(value);
    params.iter().fold(path.to_string(), |p, name| {
        p.replace(&format!("{{{name}}}"), &enc)
    })
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn request(op: &Op, uri: &str) -> axum::http::request::Builder {
    let b = Request::builder().method(op.method.clone()).uri(uri);
    if op.method == Method::GET {
        b
    } else {
        b.header(header::CONTENT_TYPE, "application/json")
    }
}

fn body(op: &Op) -> Body {
    if op.method == Method::GET {
        Body::empty()
    } else {
        Body::from("{}")
    }
}

#[tokio::test]
async fn every_route_is_documented_with_its_role_and_every_documented_route_exists() {
    let app = app().await;
    let ops = documented(&app).await;
    let doc: BTreeSet<(String, String, Option<Role>)> = ops
        .iter()
        .map(|o| (o.method.to_string(), o.path.clone(), o.role))
        .collect();
    let table: BTreeSet<(String, String, Option<Role>)> = bw_serve::routes::table()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string(), r.role))
        .collect();
    assert_eq!(
        doc.difference(&table).collect::<Vec<_>>(),
        Vec::<&(String, String, Option<Role>)>::new(),
        "documented but not routed (or with another role)"
    );
    assert_eq!(
        table.difference(&doc).collect::<Vec<_>>(),
        Vec::<&(String, String, Option<Role>)>::new(),
        "routed but not documented (or with another role)"
    );
    let public: BTreeSet<String> = ops
        .iter()
        .filter(|o| o.role.is_none())
        .map(|o| format!("{} {}", o.method, o.path))
        .collect();
    assert_eq!(
        public,
        [
            "GET /healthz",
            "POST /api/session/login",
            "GET /login",
            "POST /login",
            "GET /static/app.css",
            "GET /static/app.js",
        ]
        .into_iter()
        .map(String::from)
        .collect::<BTreeSet<_>>(),
        "only health, the logins (API and form) and the dashboard's two static files are public"
    );
    for op in &ops {
        let uri = fill(&op.path, &op.path_params, "x");
        let (status, _) = app
            .call(request(op, &uri).body(body(op)).expect("req"))
            .await;
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{} {} is documented but answers {status}",
            op.method,
            op.path
        );
    }
}

#[tokio::test]
async fn every_route_refuses_no_credentials_lower_roles_and_csrf_less_cookies() {
    let app = app().await;
    let ops = documented(&app).await;
    let cookies = [
        (Role::Viewer, app.session(Role::Viewer).await),
        (Role::Analyst, app.session(Role::Analyst).await),
        (Role::Admin, app.session(Role::Admin).await),
    ];
    for op in ops.iter().filter(|o| o.role.is_some()) {
        let need = op.role.expect("filtered");
        let uri = fill(&op.path, &op.path_params, &app.incident);
        let what = format!("{} {}", op.method, op.path);
        let (status, _) = app
            .call(request(op, &uri).body(body(op)).expect("req"))
            .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{what} without credentials"
        );
        let bogus = format!("Bearer bwt_{}", "0".repeat(64));
        let req = request(op, &uri).header(header::AUTHORIZATION, bogus);
        let (status, _) = app.call(req.body(body(op)).expect("req")).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{what} with an unknown token"
        );
        for (role, token) in app.tokens.iter().filter(|(r, _)| *r < need) {
            let req = request(op, &uri).header(header::AUTHORIZATION, format!("Bearer {token}"));
            let (status, _) = app.call(req.body(body(op)).expect("req")).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what} as {role}");
        }
        if op.method != Method::GET {
            let (_, (cookie, csrf)) = cookies
                .iter()
                .find(|(r, _)| *r == need)
                .expect("a session per role");
            let req = request(op, &uri).header(header::COOKIE, cookie.as_str());
            let (status, _) = app.call(req.body(body(op)).expect("req")).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{what} by cookie without CSRF"
            );
            let wrong = format!("{}0", &csrf[..csrf.len() - 1]);
            let req = request(op, &uri)
                .header(header::COOKIE, cookie.as_str())
                .header("x-csrf-token", if wrong == *csrf { "x" } else { &wrong });
            let (status, _) = app.call(req.body(body(op)).expect("req")).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{what} by cookie with a wrong CSRF"
            );
        }
    }
}

#[tokio::test]
async fn injection_and_traversal_in_every_parameter_change_nothing() {
    let app = app().await;
    let ops = documented(&app).await;
    let before = app.snapshot().await;
    let admin = format!("Bearer {}", app.token(Role::Admin));
    for op in &ops {
        if op.path_params.is_empty() && op.query_params.is_empty() {
            continue;
        }
        for payload in PAYLOADS {
            let mut uri = fill(&op.path, &op.path_params, payload);
            if !op.query_params.is_empty() {
                let q: Vec<String> = op
                    .query_params
                    .iter()
                    .map(|n| format!("{n}={}", percent(payload)))
                    .collect();
                uri = format!("{uri}?{}", q.join("&"));
            }
            let req = request(op, &uri).header(header::AUTHORIZATION, admin.as_str());
            let (status, body) = app.call(req.body(body(op)).expect("req")).await;
            assert!(
                !status.is_server_error(),
                "{} {uri}: {status} {body}",
                op.method
            );
            assert!(
                status.is_client_error() || op.method == Method::GET,
                "{} {uri} succeeded: {status}",
                op.method
            );
        }
    }
    // GETs with the real incident and hostile filters: still no 500.
    for q in ["jurisdiction", "field"] {
        for payload in PAYLOADS {
            let uri = format!(
                "/api/incidents/{}/affected?{q}={}",
                app.incident,
                percent(payload)
            );
            let req = Request::get(uri.as_str()).header(header::AUTHORIZATION, admin.as_str());
            let (status, _) = app.call(req.body(Body::empty()).expect("req")).await;
            assert!(!status.is_server_error(), "{uri}: {status}");
        }
    }
    assert_eq!(
        app.snapshot().await,
        before,
        "a hostile parameter changed the store"
    );
}

#[tokio::test]
async fn a_declared_oversize_body_is_refused_before_it_is_read() {
    let app = app().await;
    let uri = format!("/api/incidents/{}/evidence", app.incident);
    // The body is short, but the declared length is what is judged: the
    // handler would wait for 100 MB that never come.
    let req = Request::post(uri.as_str())
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.token(Role::Admin)),
        )
        .header(header::CONTENT_LENGTH, (100u64 << 20).to_string())
        .body(Body::from(vec![b'a'; 1024]))
        .expect("request");
    let (status, _) = app.call(req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let req = Request::post("/api/incidents")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.token(Role::Admin)),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(vec![b' '; (1 << 20) + 1]))
        .expect("request");
    let (status, _) = app.call(req).await;
    assert_eq!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "over 1 MiB on an ordinary route"
    );
}

#[tokio::test]
async fn paths_in_bodies_stay_inside_the_scan_roots() {
    let app = app().await;
    let root = app._dir.path().join("scans");
    std::fs::create_dir_all(&root).expect("scan root");
    std::fs::write(root.join("ok.csv"), "email\nperson@example.com\n").expect("file");
    let outside = app._dir.path().join("outside.csv");
    std::fs::write(&outside, "email\nother@example.com\n").expect("file");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, root.join("link.csv")).expect("symlink");
    let before = app.snapshot().await;
    let admin = format!("Bearer {}", app.token(Role::Admin));
    let root_s = root.to_string_lossy().into_owned();
    let hostile = [
        "/etc/passwd".to_string(),
        format!("{root_s}/../outside.csv"),
        format!("{root_s}/../../../../etc/passwd"),
        format!("{root_s}/link.csv"),
        format!("{root_s}/ok.csv\u{0}"),
        "../outside.csv".to_string(),
        String::new(),
    ];
    for p in &hostile {
        for (uri, body) in [
            ("/api/scans".to_string(), serde_json::json!({ "path": p })),
            (
                format!("/api/incidents/{}/scope", app.incident),
                serde_json::json!({ "paths": [p] }),
            ),
        ] {
            let req = Request::post(uri.as_str())
                .header(header::AUTHORIZATION, admin.as_str())
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request");
            let (status, v) = app.call(req).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri} {p:?}: {v}");
        }
    }
    assert_eq!(app.snapshot().await, before, "a refused path left a trace");
    // Inside the root, the same request is taken.
    let req = Request::post("/api/scans")
        .header(header::AUTHORIZATION, admin.as_str())
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({"path": format!("{root_s}/ok.csv")}).to_string(),
        ))
        .expect("request");
    let (status, v) = app.call(req).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{v}");
}
