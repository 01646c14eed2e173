//! Incidents: list, open, show, status changes and evidence upload.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use bw_store::{AddEvidenceOutcome, IncidentId, NewIncident, Status};
use serde::Deserialize;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::auth::Identity;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

fn bad(e: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(e.to_string())
}

#[utoipa::path(get, path = "/api/incidents", tag = "incidents",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "Every incident, oldest first")))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Response> {
    Ok(Json(state.store.list_incidents().await?).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateIncident {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// RFC 3339; default now. Legal deadlines count from here.
    pub discovered_at: Option<String>,
    #[serde(default)]
    pub detected_by: Option<String>,
    /// low, medium, high or critical [default medium].
    pub severity: Option<String>,
    /// attack, inadvertent_disclosure, lost_device, other or unknown.
    pub cause: Option<String>,
}

#[utoipa::path(post, path = "/api/incidents", tag = "incidents",
    security(("bearer" = ["analyst"])), request_body = CreateIncident,
    responses((status = 201, description = "The new incident's id")))]
pub async fn create(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Json(body): Json<CreateIncident>,
) -> ApiResult<Response> {
    let discovered_at = match body.discovered_at.as_deref() {
        Some(s) => OffsetDateTime::parse(s.trim(), &Rfc3339).map_err(bad)?,
        None => OffsetDateTime::now_utc(),
    };
    let new = NewIncident {
        title: body.title,
        description: body.description,
        discovered_at,
        detected_by: body.detected_by.unwrap_or_else(|| "unspecified".into()),
        severity: body
            .severity
            .as_deref()
            .unwrap_or("medium")
            .parse()
            .map_err(bad)?,
    };
    let cause: bw_store::Cause = body
        .cause
        .as_deref()
        .unwrap_or("unknown")
        .parse()
        .map_err(bad)?;
    let id = state
        .store
        .open_incident_with_cause(&new, cause, &who.principal)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

/// The incident with its counts, evidence (hashes, sizes, counts per
/// kind), cause, declarations (customer lists as counts) and findings.
#[utoipa::path(get, path = "/api/incidents/{id}", tag = "incidents",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "The incident"), (status = 404, description = "No such incident")))]
pub async fn show(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    let inc = state.store.incident(&id).await?;
    let evidence = state.store.evidence(&id).await?;
    let declared = state.store.declarations(&id).await?;
    let mut v = serde_json::to_value(&inc).map_err(ApiError::internal)?;
    let declared_elements: Vec<serde_json::Value> = declared
        .declared_elements
        .iter()
        .map(|d| {
            json!({"seq": d.seq, "element": d.element, "hashing": d.hashing,
                "all_affected": d.all_affected, "customers": d.customers.len(),
                "reason": d.reason, "declared_at": d.declared_at, "declared_by": d.declared_by})
        })
        .collect();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("next_status".into(), json!(inc.status.next()));
        obj.insert("cause".into(), json!(declared.cause));
        obj.insert("declared_elements".into(), declared_elements.into());
        obj.insert(
            "determinations".into(),
            serde_json::to_value(&declared.determinations).map_err(ApiError::internal)?,
        );
        obj.insert(
            "evidence".into(),
            serde_json::to_value(&evidence).map_err(ApiError::internal)?,
        );
    }
    Ok(Json(v).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SetStatus {
    /// The next status: open → triaged → contained → notifying → closed.
    pub status: String,
}

#[utoipa::path(post, path = "/api/incidents/{id}/status", tag = "incidents",
    security(("bearer" = ["analyst"])), request_body = SetStatus,
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "Changed"), (status = 409, description = "Not the next status")))]
pub async fn set_status(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    Json(body): Json<SetStatus>,
) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    let to: Status = body.status.parse().map_err(bad)?;
    state.store.set_status(&id, to, &who.principal).await?;
    Ok(Json(json!({"id": id, "status": to})).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// A name for the evidence (its file name); only the last path segment is kept.
    pub name: Option<String>,
    /// The exposed copy was encrypted and its key was not exposed.
    pub encrypted: Option<bool>,
}

/// Records the body (up to 64 MiB) as evidence: SHA-256, size, finding
/// counts per kind and, with a registry, the customers it exposes, in one
/// read. The bytes are deleted afterwards; only the record stays.
#[utoipa::path(post, path = "/api/incidents/{id}/evidence", tag = "incidents",
    security(("bearer" = ["analyst"])),
    params(("id" = String, Path, description = "Incident id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, description = "Recorded"), (status = 200, description = "Already present"),
        (status = 413, description = "Over 64 MiB")))]
pub async fn upload_evidence(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    Query(params): Query<UploadParams>,
    body: Bytes,
) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    // An unknown incident fails before the bytes are written anywhere.
    state.store.incident(&id).await?;
    let name = params
        .name
        .as_deref()
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .unwrap_or("upload")
        .to_string();
    let encrypted = params.encrypted.unwrap_or(false);
    let cfg = state.config.clone();
    // Checked for canaries in the same read, as scan and scope jobs are.
    let (collected, watch) = tokio::task::spawn_blocking(move || {
        let watch = crate::scanjob::EvidenceWatch::load(&cfg)?;
        crate::jobs::collect_upload(&cfg, &name, &body, encrypted, watch.as_ref())
            .map(|c| (c, watch))
    })
    .await
    .map_err(ApiError::internal)??;
    let outcome = state
        .store
        .add_evidence(
            &id,
            &collected.evidence,
            &collected.affected,
            &who.principal,
        )
        .await?;
    let status = match outcome {
        AddEvidenceOutcome::Added { .. } => StatusCode::CREATED,
        AddEvidenceOutcome::AlreadyPresent { .. } => StatusCode::OK,
    };
    let (canaries, canary_incidents) = match watch {
        Some(w) => {
            let (db, groups) = w.finish()?;
            crate::scanjob::record(
                &state.config,
                state.store.clone(),
                who.principal.clone(),
                db,
                groups,
            )
            .await?
        }
        None => (0, Vec::new()),
    };
    Ok((
        status,
        Json(json!({
            "outcome": outcome,
            "sha256": collected.evidence.sha256,
            "size_bytes": collected.evidence.size_bytes,
            "finding_counts": collected.evidence.finding_counts,
            "affected": collected.affected.len(),
            "problems": collected.problems.len(),
            "warnings": collected.warnings.len(),
            "canaries": canaries,
            "canary_incidents": canary_incidents,
        })),
    )
        .into_response())
}
