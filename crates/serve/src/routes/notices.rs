//! Notices: template lint, outbox planning, delivery status, per-customer
//! proof, and sending (an admin-only background job).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use bw_store::IncidentId;
use serde::Deserialize;
use serde_json::json;

use crate::auth::Identity;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

fn templates(state: &AppState) -> ApiResult<bw_notify::Templates> {
    Ok(bw_notify::Templates::load(
        state.config.notify.templates_dir.as_deref(),
    )?)
}

async fn problems(state: &AppState, id: &IncidentId) -> ApiResult<Vec<String>> {
    let tpl = templates(state)?;
    let content = bw_law::NoticeContent::embedded().map_err(ApiError::internal)?;
    let found =
        bw_notify::lint::problems(&state.store, id, &tpl, &content, &state.config.notify.texts)
            .await?;
    Ok(found.iter().map(ToString::to_string).collect())
}

/// What lint asks a person without failing `ok`: a fact the incident does
/// not record, campaign texts untranslated for some notices' language.
async fn warnings(state: &AppState, id: &IncidentId) -> ApiResult<Vec<String>> {
    let tpl = templates(state)?;
    let content = bw_law::NoticeContent::embedded().map_err(ApiError::internal)?;
    let found =
        bw_notify::lint::warnings(&state.store, id, &tpl, &content, &state.config.notify.texts)
            .await?;
    Ok(found.iter().map(ToString::to_string).collect())
}

/// Checks the templates the incident's notices will use against each
/// jurisdiction's required content.
#[utoipa::path(get, path = "/api/incidents/{id}/notices/lint", tag = "notices",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "ok, the problems found and the warnings")))]
pub async fn lint(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    let found = problems(&state, &id).await?;
    let warned = warnings(&state, &id).await?;
    Ok(
        Json(json!({"ok": found.is_empty(), "problems": found, "warnings": warned}))
            .into_response(),
    )
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct Plan {
    /// Plan only notices some law requires (or asks to assess).
    #[serde(default)]
    pub required_only: bool,
}

/// Adds one notice per affected customer to the outbox (idempotent);
/// refuses while lint finds problems.
#[utoipa::path(post, path = "/api/incidents/{id}/notices/plan", tag = "notices",
    security(("bearer" = ["analyst"])), request_body = Plan,
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "Notices added and already planned"),
        (status = 400, description = "Template problems, or no sender configured")))]
pub async fn plan(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    Json(body): Json<Plan>,
) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    state.store.incident(&id).await?;
    let from = state
        .config
        .notify
        .from
        .clone()
        .ok_or_else(|| ApiError::BadRequest("no sender: set `from` under [notify]".into()))?;
    let found = problems(&state, &id).await?;
    if !found.is_empty() {
        return Err(ApiError::BadRequest(format!(
            "{} template problem(s); see the lint route",
            found.len()
        )));
    }
    let opts = bw_notify::plan::PlanOptions {
        domain: bw_notify::plan::sender_domain(&from)?,
        required_only: body.required_only,
    };
    let summary = bw_notify::plan(&state.store, &id, &opts, &who.principal).await?;
    Ok(Json(json!({
        "added": summary.outcome.added,
        "existing": summary.outcome.existing,
        "not_required": summary.not_required,
        "by_need": summary.by_need,
    }))
    .into_response())
}

/// Counts by status and jurisdiction, against each deadline.
#[utoipa::path(get, path = "/api/incidents/{id}/notices/status", tag = "notices",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "Outbox status")))]
pub async fn status(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    state.store.incident(&id).await?;
    Ok(Json(bw_notify::status::status(&state.store, &id).await?).into_response())
}

/// What was sent to one customer: when, under which Message-ID, the
/// server's reply (addresses masked) and the SHA-256 of the message.
#[utoipa::path(get, path = "/api/incidents/{id}/notices/proof/{customer}", tag = "notices",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id"),
        ("customer" = String, Path, description = "Customer id")),
    responses((status = 200, description = "The customer's notices"), (status = 404, description = "No notice")))]
pub async fn proof(
    State(state): State<AppState>,
    Path((id, customer)): Path<(String, String)>,
) -> ApiResult<Response> {
    let notices = state
        .store
        .notices_of(&IncidentId::new(id), &customer)
        .await?;
    if notices.is_empty() {
        return Err(ApiError::NotFound("no notice for that customer".into()));
    }
    Ok(Json(notices).into_response())
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct Send {
    /// Put failed notices back in the queue first.
    #[serde(default)]
    pub retry_failed: bool,
}

/// Starts delivering the planned notices over SMTP as a background job
/// (admin only); follow it at `/api/jobs/{id}`.
#[utoipa::path(post, path = "/api/incidents/{id}/notices/send", tag = "notices",
    security(("bearer" = ["admin"])), request_body = Send,
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 202, description = "The job")))]
pub async fn send(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    Json(body): Json<Send>,
) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    state.store.incident(&id).await?;
    if state.config.notify.smtp_url.is_none() || state.config.notify.from.is_none() {
        return Err(ApiError::BadRequest(
            "no SMTP server or sender: set `smtp-url` and `from` under [notify]".into(),
        ));
    }
    let params = json!({"incident": id.as_str(), "retry_failed": body.retry_failed});
    let job = state
        .jobs
        .start("send", Some(id.as_str()), params, &who.principal)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job)).into_response())
}
