//! The route table: every route of the server is one row here — method,
//! path template, the least role it needs (`None`: public) and its
//! handler — and [`router`] builds the axum router from it alone. The
//! OpenAPI document is generated from the handlers' attributes; a test
//! checks the two agree route by route, role by role.
//!
//! Each route is wrapped, innermost first, in: the role and CSRF gate
//! (`auth::authorize`), the declared-size check (413 before reading), and
//! the latency observer (metrics and one log line naming the template).

use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::Method;
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{delete, get, post, MethodRouter};
use axum::{Json, Router};
use bw_store::Role;
use serde::Deserialize;
use serde_json::json;

use crate::dashboard::pages as dash;
use crate::limits::{limit_for, refuse_declared_oversize};
use crate::AppState;

pub mod admin;
pub mod affected;
pub mod audit;
pub mod incidents;
pub mod notices;
pub mod scans;
pub mod session;
pub mod system;

/// One route of the server.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    /// The least role that may call it; `None` for the public ones.
    pub role: Option<Role>,
    /// A dashboard page: its gate's 401 and 403 are answered as pages.
    pub page: bool,
    handler: MethodRouter<AppState>,
}

fn r(
    method: Method,
    path: &'static str,
    role: Option<Role>,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        role,
        page: false,
        handler,
    }
}

/// A dashboard row of the table.
fn page(
    method: Method,
    path: &'static str,
    role: Option<Role>,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        page: true,
        ..r(method, path, role, handler)
    }
}

/// Every route, in the order the document lists them.
pub fn table() -> Vec<Route> {
    use Role::{Admin, Analyst, Viewer};
    let (v, an, ad) = (Some(Viewer), Some(Analyst), Some(Admin));
    vec![
        r(Method::GET, "/healthz", None, get(system::healthz)),
        r(Method::GET, "/metrics", v, get(system::metrics)),
        r(Method::GET, "/api/openapi.json", v, get(system::openapi)),
        r(
            Method::POST,
            "/api/session/login",
            None,
            post(session::login),
        ),
        r(
            Method::POST,
            "/api/session/logout",
            v,
            post(session::logout),
        ),
        r(Method::GET, "/api/session", v, get(session::whoami)),
        r(Method::GET, "/api/incidents", v, get(incidents::list)),
        r(Method::POST, "/api/incidents", an, post(incidents::create)),
        r(Method::GET, "/api/incidents/{id}", v, get(incidents::show)),
        r(
            Method::POST,
            "/api/incidents/{id}/status",
            an,
            post(incidents::set_status),
        ),
        r(
            Method::POST,
            "/api/incidents/{id}/evidence",
            an,
            post(incidents::upload_evidence),
        ),
        r(
            Method::GET,
            "/api/incidents/{id}/affected",
            v,
            get(affected::page),
        ),
        r(
            Method::GET,
            "/api/incidents/{id}/obligations",
            v,
            get(affected::obligations),
        ),
        r(
            Method::POST,
            "/api/incidents/{id}/obligations",
            an,
            post(affected::compute_obligations),
        ),
        r(
            Method::POST,
            "/api/incidents/{id}/scope",
            an,
            post(scans::scope),
        ),
        r(
            Method::GET,
            "/api/incidents/{id}/notices/lint",
            v,
            get(notices::lint),
        ),
        r(
            Method::POST,
            "/api/incidents/{id}/notices/plan",
            an,
            post(notices::plan),
        ),
        r(
            Method::GET,
            "/api/incidents/{id}/notices/status",
            v,
            get(notices::status),
        ),
        r(
            Method::GET,
            "/api/incidents/{id}/notices/proof/{customer}",
            v,
            get(notices::proof),
        ),
        r(
            Method::POST,
            "/api/incidents/{id}/notices/send",
            ad,
            post(notices::send),
        ),
        r(
            Method::GET,
            "/api/incidents/{id}/audit",
            v,
            get(audit::incident_log),
        ),
        r(
            Method::GET,
            "/api/incidents/{id}/audit/verify",
            v,
            get(audit::incident_verify),
        ),
        r(Method::GET, "/api/audit/system", ad, get(audit::system_log)),
        r(
            Method::GET,
            "/api/audit/system/verify",
            v,
            get(audit::system_verify),
        ),
        r(
            Method::GET,
            "/api/registry/stats",
            v,
            get(system::registry_stats),
        ),
        r(Method::POST, "/api/scans", an, post(scans::start)),
        r(
            Method::GET,
            "/api/scans/{id}/findings",
            v,
            get(scans::findings),
        ),
        r(Method::GET, "/api/jobs", v, get(scans::jobs)),
        r(Method::GET, "/api/jobs/{id}", v, get(scans::job)),
        r(
            Method::POST,
            "/api/jobs/{id}/cancel",
            an,
            post(scans::cancel),
        ),
        r(Method::POST, "/api/jobs/{id}/rerun", an, post(scans::rerun)),
        r(Method::GET, "/api/tokens", ad, get(admin::tokens)),
        r(Method::POST, "/api/tokens", ad, post(admin::create_token)),
        r(
            Method::DELETE,
            "/api/tokens/{id}",
            ad,
            delete(admin::revoke_token),
        ),
        r(Method::GET, "/api/users", ad, get(admin::users)),
        r(Method::POST, "/api/users", ad, post(admin::add_user)),
        r(
            Method::DELETE,
            "/api/users/{name}",
            ad,
            delete(admin::disable_user),
        ),
        // The dashboard.
        page(Method::GET, "/", v, get(dash::home)),
        page(Method::GET, "/login", None, get(dash::login_form)),
        page(Method::POST, "/login", None, post(dash::login_submit)),
        page(Method::GET, "/incidents", v, get(dash::incidents)),
        page(Method::GET, "/incidents/{id}", v, get(dash::incident)),
        page(
            Method::GET,
            "/incidents/{id}/live",
            v,
            get(dash::incident_live),
        ),
        page(Method::GET, "/scans", v, get(dash::scans)),
        page(Method::GET, "/scans/{id}", v, get(dash::scan)),
        page(Method::GET, "/audit", v, get(dash::audit)),
        page(Method::GET, "/static/app.css", None, get(dash::css)),
        page(Method::GET, "/static/app.js", None, get(dash::js)),
    ]
}

/// The application: every route of [`table`], wrapped as described above.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new();
    for route in table() {
        let limit = limit_for(route.path);
        let mut handler = route.handler;
        if let Some(role) = route.role {
            handler = handler.route_layer(from_fn_with_state(
                (state.clone(), role),
                crate::auth::authorize,
            ));
        }
        if route.page {
            handler = handler.route_layer(from_fn(crate::dashboard::page_errors));
        }
        let template = route.path;
        handler = handler
            .layer(DefaultBodyLimit::max(limit))
            .route_layer(from_fn(move |req, next| {
                refuse_declared_oversize(limit, req, next)
            }))
            .route_layer(from_fn_with_state((state.clone(), template), observe));
        app = app.route(route.path, handler);
    }
    app.fallback(|| async {
        (
            axum::http::StatusCode::NOT_FOUND,
            Json(json!({"error": "no such route"})),
        )
    })
    .with_state(state)
}

/// Latency per route template into the metrics, and one log line with
/// the template, method, status and time: no URI (ids, names and query
/// strings stay out of the logs).
async fn observe(
    State((state, template)): State<(AppState, &'static str)>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    let started = Instant::now();
    let res = next.run(req).await;
    let took = started.elapsed();
    let status = res.status().as_u16();
    state
        .metrics
        .observe(method.as_str(), template, status, took);
    tracing::info!(
        method = %method,
        route = template,
        status,
        micros = took.as_micros() as u64,
        "request"
    );
    res
}

/// `?offset=&limit=` of the paged lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Items to skip [default 0].
    pub offset: Option<i64>,
    /// Items per page, 1-1000 [default 100].
    pub limit: Option<i64>,
}

impl Paging {
    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(100).clamp(1, 1000)
    }
}
