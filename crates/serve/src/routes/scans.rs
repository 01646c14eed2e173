//! Scans and scope as background jobs, their redacted findings, and the
//! jobs themselves (progress by polling, cancel, re-run).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use bw_store::{IncidentId, JobRecord, Role};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Identity;
use crate::error::{ApiError, ApiResult};
use crate::routes::Paging;
use crate::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StartScan {
    /// A file or directory on the server, inside one of its scan roots.
    pub path: String,
}

/// Starts a scan of a server path; findings are stored redacted.
#[utoipa::path(post, path = "/api/scans", tag = "scans",
    security(("bearer" = ["analyst"])), request_body = StartScan,
    responses((status = 202, description = "The job"), (status = 400, description = "Path outside the scan roots")))]
pub async fn start(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Json(body): Json<StartScan>,
) -> ApiResult<Response> {
    let path = crate::jobs::allowed_path(&state.config, &body.path)?;
    let params = json!({"path": path});
    let job = state
        .jobs
        .start("scan", None, params, &who.principal)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job)).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingsQuery {
    /// Only findings of this kind (email, phone_number, …).
    pub kind: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// A page of a scan job's findings: path, offsets, kind, score and a
/// redacted excerpt.
#[utoipa::path(get, path = "/api/scans/{id}/findings", tag = "scans",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Scan job id"), FindingsQuery),
    responses((status = 200, description = "A page of findings"), (status = 404, description = "No such scan")))]
pub async fn findings(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<FindingsQuery>,
) -> ApiResult<Response> {
    let job = state
        .store
        .job(&id)
        .await?
        .filter(|j| j.kind == "scan")
        .ok_or_else(|| ApiError::NotFound("no such scan".into()))?;
    let paging = Paging {
        offset: q.offset,
        limit: q.limit,
    };
    let kind = q.kind.filter(|k| !k.is_empty());
    let items = state
        .store
        .scan_findings(&job.id, kind.as_deref(), paging.offset(), paging.limit())
        .await?;
    Ok(Json(json!({
        "job": job.id,
        "state": job.state,
        "offset": paging.offset(),
        "limit": paging.limit(),
        "items": items,
    }))
    .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Scope {
    /// Files on the server, inside its scan roots, to record as evidence.
    pub paths: Vec<String>,
    #[serde(default)]
    pub encrypted: bool,
}

/// Records server files as the incident's evidence and scopes them
/// against the registry, as a background job.
#[utoipa::path(post, path = "/api/incidents/{id}/scope", tag = "incidents",
    security(("bearer" = ["analyst"])), request_body = Scope,
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 202, description = "The job")))]
pub async fn scope(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    Json(body): Json<Scope>,
) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    state.store.incident(&id).await?;
    if body.paths.is_empty() || body.paths.len() > 1000 {
        return Err(ApiError::BadRequest("give 1 to 1000 paths".into()));
    }
    let paths = body
        .paths
        .iter()
        .map(|p| crate::jobs::allowed_path(&state.config, p))
        .collect::<ApiResult<Vec<_>>>()?;
    let params = json!({"incident": id.as_str(), "paths": paths, "encrypted": body.encrypted});
    let job = state
        .jobs
        .start("scope", Some(id.as_str()), params, &who.principal)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job)).into_response())
}

/// Jobs, newest first.
#[utoipa::path(get, path = "/api/jobs", tag = "jobs",
    security(("bearer" = ["viewer"])), params(Paging),
    responses((status = 200, description = "A page of jobs")))]
pub async fn jobs(State(state): State<AppState>, Query(p): Query<Paging>) -> ApiResult<Response> {
    Ok(Json(state.store.jobs(p.offset(), p.limit()).await?).into_response())
}

/// One job: state and progress counters (poll it).
#[utoipa::path(get, path = "/api/jobs/{id}", tag = "jobs",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "The job"), (status = 404, description = "No such job")))]
pub async fn job(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let job = job_or_404(&state, &id).await?;
    Ok(Json(job).into_response())
}

async fn job_or_404(state: &AppState, id: &str) -> ApiResult<JobRecord> {
    state
        .store
        .job(id)
        .await?
        .ok_or_else(|| ApiError::NotFound("no such job".into()))
}

/// Who may touch a job: sending is admin work, the rest analyst work.
fn may_touch(who: &Identity, kind: &str) -> ApiResult<()> {
    if kind == "send" && who.role < Role::Admin {
        return Err(ApiError::Forbidden("sending is for admins"));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/jobs/{id}/cancel", tag = "jobs",
    security(("bearer" = ["analyst"])),
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "Cancelled"), (status = 409, description = "Already ended")))]
pub async fn cancel(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let job = job_or_404(&state, &id).await?;
    may_touch(&who, &job.kind)?;
    if !state.jobs.cancel(&id, &who.principal).await? {
        return Err(ApiError::Conflict(format!("job is already {}", job.state)));
    }
    Ok(Json(json!({"id": id, "state": "cancelled"})).into_response())
}

/// Runs an ended job again with the same parameters (a new job): how an
/// interrupted one is resumed. A send picks up where the outbox stands.
#[utoipa::path(post, path = "/api/jobs/{id}/rerun", tag = "jobs",
    security(("bearer" = ["analyst"])),
    params(("id" = String, Path, description = "Job id")),
    responses((status = 202, description = "The new job"), (status = 409, description = "Still running")))]
pub async fn rerun(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let job = job_or_404(&state, &id).await?;
    may_touch(&who, &job.kind)?;
    if !job.finished() {
        return Err(ApiError::Conflict("the job is still running".into()));
    }
    let new = state
        .jobs
        .start(
            &job.kind,
            job.incident_id.as_deref(),
            job.params.clone(),
            &who.principal,
        )
        .await?;
    Ok((StatusCode::ACCEPTED, Json(new)).into_response())
}
