//! Audit logs and their verification: each incident's chain, and the
//! system chain (users, tokens, jobs).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bw_store::IncidentId;

use crate::error::ApiResult;
use crate::routes::Paging;
use crate::AppState;

#[utoipa::path(get, path = "/api/incidents/{id}/audit", tag = "audit",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "The incident's audit entries in order")))]
pub async fn incident_log(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(Json(state.store.audit_log(&IncidentId::new(id)).await?).into_response())
}

/// Recomputes the chain and replays it against the stored incident.
#[utoipa::path(get, path = "/api/incidents/{id}/audit/verify", tag = "audit",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "Verification report (ok, head hash, first broken entry)")))]
pub async fn incident_verify(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let report = state.store.verify(&IncidentId::new(id)).await?;
    let ok = report.ok();
    let mut v = serde_json::to_value(&report).map_err(crate::ApiError::internal)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("ok".into(), ok.into());
    }
    Ok(Json(v).into_response())
}

/// Entries of the system chain after `offset` (a sequence number).
#[utoipa::path(get, path = "/api/audit/system", tag = "audit",
    security(("bearer" = ["admin"])),
    params(Paging),
    responses((status = 200, description = "System audit entries")))]
pub async fn system_log(
    State(state): State<AppState>,
    Query(p): Query<Paging>,
) -> ApiResult<Response> {
    Ok(Json(state.store.system_audit_log(p.offset(), p.limit()).await?).into_response())
}

#[utoipa::path(get, path = "/api/audit/system/verify", tag = "audit",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "Verification report of the system chain")))]
pub async fn system_verify(State(state): State<AppState>) -> ApiResult<Response> {
    let report = state.store.verify_system_audit().await?;
    let ok = report.ok();
    let mut v = serde_json::to_value(&report).map_err(crate::ApiError::internal)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("ok".into(), ok.into());
    }
    Ok(Json(v).into_response())
}
