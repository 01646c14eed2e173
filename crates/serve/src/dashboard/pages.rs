//! The dashboard's handlers, one per page. Each builds a plain context
//! from the store (counts, ids, hashes, redacted excerpts) and renders a
//! template; `me` tells the templates which forms the role may see (the
//! API routes behind those forms check the role again).

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use bw_store::{IncidentId, JobRecord, Role};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::view::{self, Countdown};
use super::{html, render, safe_next, PageError, PageResult};
use crate::auth::{self, Identity};
use crate::error::ApiError;
use crate::routes::session::{open_session, Login};
use crate::AppState;

/// The cookie holding the login form's double-submit token.
const LOGIN_COOKIE: &str = "bw_login";

/// Who is looking, as the templates see it.
#[derive(Serialize)]
struct Me<'a> {
    principal: &'a str,
    role: &'static str,
    is_analyst: bool,
    is_admin: bool,
    csrf: &'a str,
}

fn me(who: &Identity) -> Me<'_> {
    Me {
        principal: &who.principal,
        role: who.role.as_str(),
        is_analyst: who.role >= Role::Analyst,
        is_admin: who.role >= Role::Admin,
        csrf: who.csrf_token.as_deref().unwrap_or(""),
    }
}

fn ok(body: String) -> PageResult {
    Ok(html(StatusCode::OK, body))
}

/// The start page: the incidents.
#[utoipa::path(get, path = "/", tag = "dashboard",
    security(("bearer" = ["viewer"])),
    responses((status = 303, description = "To the incidents page")))]
pub async fn home() -> Response {
    Redirect::to("/incidents").into_response()
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NextQuery {
    /// The page to return to after signing in.
    pub next: Option<String>,
}

fn login_page(status: StatusCode, next: &str, error: Option<&str>) -> PageResult {
    let token = auth::random_hex(16)?;
    let body = render(
        "login.html",
        json!({ "next": next, "login_token": &token, "error": error, "me": null }),
    )?;
    let mut res = html(status, body);
    let cookie =
        format!("{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=1800");
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// The sign-in form (public).
#[utoipa::path(get, path = "/login", tag = "dashboard",
    params(NextQuery),
    responses((status = 200, description = "The sign-in form", content_type = "text/html")))]
pub async fn login_form(Query(q): Query<NextQuery>) -> PageResult {
    login_page(StatusCode::OK, &safe_next(q.next.as_deref()), None)
}

/// The sign-in form's fields.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    /// An API token instead of a name and password.
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub next: String,
    /// Must equal the `bw_login` cookie set with the form.
    #[serde(default)]
    pub login_token: String,
}

/// Signs in from the form: a session cookie and a redirect to the page
/// asked for. Rate-limited like the JSON login.
#[utoipa::path(post, path = "/login", tag = "dashboard",
    request_body(content = LoginForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "Signed in"), (status = 401, description = "Wrong credentials"),
        (status = 403, description = "The form's token does not match its cookie")))]
pub async fn login_submit(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let next = safe_next(Some(&form.next));
    let cookie = auth::cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    // The token only shows the post came with the form's cookie; a cookie
    // planted from a sibling site would pass it, so a browser must not
    // say the post came from another site either.
    if cookie.is_empty() || !auth::same(cookie, &form.login_token) || auth::cross_site(&headers) {
        return login_page(
            StatusCode::FORBIDDEN,
            &next,
            Some("The form expired; please sign in again."),
        );
    }
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|p| p.0.ip().to_string());
    let login = if form.username.trim().is_empty() && !form.token.trim().is_empty() {
        Login {
            username: None,
            password: None,
            token: Some(form.token.trim().to_string()),
        }
    } else {
        Login {
            username: Some(form.username.trim().to_string()),
            password: Some(form.password),
            token: None,
        }
    };
    match open_session(&state, peer.as_deref(), login).await {
        Ok(opened) => {
            let mut res = Redirect::to(&next).into_response();
            let h = res.headers_mut();
            for c in [
                opened.cookie,
                format!("{LOGIN_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0"),
            ] {
                if let Ok(v) = c.parse() {
                    h.append(header::SET_COOKIE, v);
                }
            }
            Ok(res)
        }
        Err(ApiError::Unauthenticated) => login_page(
            StatusCode::UNAUTHORIZED,
            &next,
            Some("Wrong name, password or token."),
        ),
        Err(e @ ApiError::TooManyAttempts { .. }) => {
            login_page(StatusCode::TOO_MANY_REQUESTS, &next, Some(&e.to_string()))
        }
        Err(ApiError::BadRequest(m)) => login_page(StatusCode::BAD_REQUEST, &next, Some(&m)),
        Err(e) => Err(e.into()),
    }
}

/// Every incident.
#[utoipa::path(get, path = "/incidents", tag = "dashboard",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "The incidents page", content_type = "text/html")))]
pub async fn incidents(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
) -> PageResult {
    let mut list = state.store.list_incidents().await?;
    list.reverse();
    ok(render(
        "incidents.html",
        json!({ "me": me(&who), "nav": "incidents", "incidents": list }),
    )?)
}

/// One row of the obligations table.
#[derive(Serialize)]
struct Duty {
    code: String,
    residents: u64,
    owed: u64,
    individual: String,
    individual_deadline: Option<Countdown>,
    regulator_notice: String,
    regulator: Option<String>,
    regulator_deadline: Option<Countdown>,
    elements: Vec<String>,
}

fn duties(body: &Value, now: OffsetDateTime) -> Vec<Duty> {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let n = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
    body.get("jurisdictions")
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .map(|r| Duty {
                    code: s(r, "code").unwrap_or_default(),
                    residents: n(r, "residents"),
                    owed: n(r, "residents_owed_notice"),
                    individual: s(r, "individual_notice")
                        .unwrap_or_default()
                        .replace('_', " "),
                    individual_deadline: view::countdown_str(
                        r.get("individual_deadline").and_then(Value::as_str),
                        now,
                    ),
                    regulator_notice: s(r, "regulator_notice")
                        .unwrap_or_default()
                        .replace('_', " "),
                    regulator: s(r, "regulator"),
                    regulator_deadline: view::countdown_str(
                        r.get("regulator_deadline").and_then(Value::as_str),
                        now,
                    ),
                    elements: r
                        .get("elements")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|e| e.as_str().map(|e| e.replace('_', " ")))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One jurisdiction's notification progress.
#[derive(Serialize)]
struct Progress {
    code: String,
    total: u64,
    sent: u64,
    failed: u64,
    waiting: u64,
    percent: u64,
    required: u64,
    required_sent: u64,
    deadline: Option<Countdown>,
}

/// A job as the pages show it: state and numeric counters only.
#[derive(Serialize)]
struct JobView {
    id: String,
    kind: String,
    state: String,
    running: bool,
    path: Option<String>,
    counters: Vec<(String, String)>,
    error: Option<String>,
    created_at: String,
    created_by: String,
    finished_at: Option<String>,
}

fn job_view(j: &JobRecord) -> JobView {
    JobView {
        id: j.id.clone(),
        kind: j.kind.clone(),
        state: j.state.clone(),
        running: !j.finished(),
        path: j
            .params
            .get("path")
            .and_then(Value::as_str)
            .map(str::to_string),
        counters: view::counters(&j.progress),
        error: j.error.clone(),
        created_at: j.created_at.clone(),
        created_by: j.created_by.clone(),
        finished_at: j.finished_at.clone(),
    }
}

/// What the room refreshes by polling: obligations with countdowns,
/// notification progress against deadlines, the latest send job.
async fn live_context(state: &AppState, id: &IncidentId) -> Result<Value, ApiError> {
    let now = OffsetDateTime::now_utc();
    let stored = state.store.obligations(id).await?;
    let duties = stored.as_ref().map(|o| duties(&o.body, now));
    let status = bw_notify::status::status(&state.store, id).await?;
    let progress: Vec<Progress> = status
        .by_jurisdiction
        .iter()
        .map(|(code, j)| {
            let total = j.planned + j.sending + j.sent + j.failed;
            Progress {
                code: code.clone(),
                total,
                sent: j.sent,
                failed: j.failed,
                waiting: j.planned + j.sending,
                percent: (j.sent * 100).checked_div(total).unwrap_or(0),
                required: j.required,
                required_sent: j.required_sent,
                deadline: view::countdown_str(j.deadline.as_deref(), now),
            }
        })
        .collect();
    let send_job = state
        .store
        .jobs(0, 200)
        .await?
        .into_iter()
        .find(|j| j.kind == "send" && j.incident_id.as_deref() == Some(id.as_str()))
        .map(|j| job_view(&j));
    Ok(json!({
        "id": id.as_str(),
        "duties": duties,
        "rules_version": stored.as_ref().map(|o| o.rule_set_version.clone()),
        "computed_at": stored.as_ref().map(|o| o.computed_at.clone()),
        "progress": progress,
        "notices": {"total": status.total(), "planned": status.planned,
            "sending": status.sending, "sent": status.sent, "failed": status.failed},
        "send_job": send_job,
        "now": bw_store::format_ts(now)?,
    }))
}

/// An incident's room: status, charts of the affected, obligations with
/// countdowns, notification progress, evidence, timeline.
#[utoipa::path(get, path = "/incidents/{id}", tag = "dashboard",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "The incident room", content_type = "text/html"),
        (status = 404, description = "No such incident")))]
pub async fn incident(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
) -> PageResult {
    let id = IncidentId::new(id);
    let inc = state.store.incident(&id).await?;
    let evidence = state.store.evidence(&id).await?;
    // Counted here from the affected rows; a store aggregate would spare
    // reading them all on a very large incident.
    let affected = state.store.affected(&id).await?;
    let mut by_place: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_fields: BTreeMap<String, u64> = BTreeMap::new();
    for a in &affected {
        // The law's jurisdictions (US-CA, EU, …), as the obligations name them.
        for code in
            bw_law::jurisdictions_for(a.country.as_deref().unwrap_or(""), a.region.as_deref())
        {
            *by_place.entry(code).or_default() += 1;
        }
        *by_fields
            .entry(view::combination(&a.matched_fields))
            .or_default() += 1;
    }
    drop(affected);
    let audit = state.store.audit_log(&id).await?;
    let timeline: Vec<Value> = audit
        .iter()
        .rev()
        .map(|e| json!({"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action}))
        .collect();
    let verify = state.store.verify(&id).await?;
    let live = live_context(&state, &id).await?;
    let evidence: Vec<Value> = evidence
        .iter()
        .map(|e| {
            json!({"seq": e.seq, "source": e.source, "sha256": e.sha256,
                "size_bytes": e.size_bytes, "encrypted": e.encrypted,
                "findings": e.finding_counts.values().sum::<u64>(),
                "kinds": e.finding_counts.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>(),
                "added_at": e.added_at, "added_by": e.added_by})
        })
        .collect();
    ok(render(
        "incident.html",
        json!({
            "me": me(&who), "nav": "incidents",
            "inc": &inc,
            "next_status": inc.status.next(),
            "by_place": view::chart(by_place),
            "by_fields": view::chart(by_fields),
            "bar_span": view::BAR_SPAN,
            "evidence": evidence,
            "timeline": timeline,
            "verify_ok": verify.ok(),
            "verify": &verify,
            "live": live,
        }),
    )?)
}

/// The room's polled part (an HTML fragment).
#[utoipa::path(get, path = "/incidents/{id}/live", tag = "dashboard",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "Obligations, countdowns and notification progress", content_type = "text/html"),
        (status = 404, description = "No such incident")))]
pub async fn incident_live(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
) -> PageResult {
    let id = IncidentId::new(id);
    state.store.incident(&id).await?;
    let live = live_context(&state, &id).await?;
    ok(render(
        "live.html",
        json!({ "me": me(&who), "live": live }),
    )?)
}

/// Scan jobs, newest first, and (for analysts) a form to start one.
#[utoipa::path(get, path = "/scans", tag = "dashboard",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "The scans page", content_type = "text/html")))]
pub async fn scans(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
) -> PageResult {
    let jobs: Vec<JobView> = state
        .store
        .jobs(0, 500)
        .await?
        .iter()
        .filter(|j| j.kind == "scan")
        .map(job_view)
        .collect();
    ok(render(
        "scans.html",
        json!({ "me": me(&who), "nav": "scans", "jobs": jobs }),
    )?)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScanQuery {
    /// Only findings of this kind.
    pub kind: Option<String>,
    /// Findings to skip [default 0].
    pub offset: Option<i64>,
}

const FINDINGS_PAGE: i64 = 50;

/// One scan: live progress and a page of its redacted findings.
#[utoipa::path(get, path = "/scans/{id}", tag = "dashboard",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Scan job id"), ScanQuery),
    responses((status = 200, description = "The scan page", content_type = "text/html"),
        (status = 404, description = "No such scan")))]
pub async fn scan(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    Query(q): Query<ScanQuery>,
) -> PageResult {
    let job = state
        .store
        .job(&id)
        .await?
        .filter(|j| j.kind == "scan")
        .ok_or_else(|| PageError(ApiError::NotFound("no such scan".into())))?;
    let kind = q.kind.filter(|k| {
        !k.is_empty() && k.len() <= 40 && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    });
    let offset = q.offset.unwrap_or(0).max(0);
    let findings = state
        .store
        .scan_findings(&job.id, kind.as_deref(), offset, FINDINGS_PAGE + 1)
        .await?;
    let more = findings.len() as i64 > FINDINGS_PAGE;
    let findings: Vec<Value> = findings
        .iter()
        .take(FINDINGS_PAGE as usize)
        .map(|f| {
            json!({"path": f.path, "line": f.line, "kind": f.kind,
                "score": format!("{:.2}", f.score), "excerpt": f.excerpt})
        })
        .collect();
    ok(render(
        "scan.html",
        json!({
            "me": me(&who), "nav": "scans",
            "job": job_view(&job),
            "findings": findings,
            "kind": kind,
            "offset": offset,
            "prev": (offset > 0).then(|| (offset - FINDINGS_PAGE).max(0)),
            "next": more.then_some(offset + FINDINGS_PAGE),
        }),
    )?)
}

/// The audit chains and their verification: each incident's, and the
/// system chain (its entries for admins, who may read them).
#[utoipa::path(get, path = "/audit", tag = "dashboard",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "The audit page", content_type = "text/html")))]
pub async fn audit(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
) -> PageResult {
    let mut chains = Vec::new();
    for inc in state.store.list_incidents().await?.iter().rev() {
        let r = state.store.verify(&inc.id).await?;
        chains.push(json!({
            "id": inc.id, "title": inc.title, "ok": r.ok(),
            "entries": r.entries_checked, "head": r.head_hash,
            "broken": r.first_broken.as_ref().map(|b| format!("entry {}: {}", b.seq, b.problem)),
            "mismatches": r.state_mismatches.len(),
        }));
    }
    let system = state.store.verify_system_audit().await?;
    let system_ok = system.ok();
    let entries: Vec<Value> = if who.role >= Role::Admin {
        let mut all = state.store.system_audit_log(0, 100_000).await?;
        all.reverse();
        all.truncate(200);
        all.iter()
            .map(|e| {
                let v = serde_json::to_value(e).unwrap_or(Value::Null);
                json!({"seq": v["seq"], "at": v["at"], "actor": v["actor"], "action": v["action"]})
            })
            .collect()
    } else {
        Vec::new()
    };
    ok(render(
        "audit.html",
        json!({
            "me": me(&who), "nav": "audit",
            "chains": chains,
            "system_ok": system_ok,
            "system": serde_json::to_value(&system).map_err(ApiError::internal)?,
            "entries": entries,
        }),
    )?)
}

/// The stylesheet (public).
#[utoipa::path(get, path = "/static/app.css", tag = "dashboard",
    responses((status = 200, description = "Stylesheet", content_type = "text/css")))]
pub async fn css() -> Response {
    super::asset("text/css; charset=utf-8", super::CSS)
}

/// The script (public).
#[utoipa::path(get, path = "/static/app.js", tag = "dashboard",
    responses((status = 200, description = "Script", content_type = "text/javascript")))]
pub async fn js() -> Response {
    super::asset("text/javascript; charset=utf-8", super::JS)
}
