//! Affected customers (ids, field names and places only) and the
//! incident's obligations.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use bw_store::{AffectedFilter, IncidentId};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Identity;
use crate::error::{ApiError, ApiResult};
use crate::routes::Paging;
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AffectedQuery {
    /// `US-CA` or `DE`.
    pub jurisdiction: Option<String>,
    /// A field name: email, phone, name, …
    pub field: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// A page of affected customers: customer ids, the names of the exposed
/// fields, confidence and place; never contact data.
#[utoipa::path(get, path = "/api/incidents/{id}/affected", tag = "incidents",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id"), AffectedQuery),
    responses((status = 200, description = "total and items")))]
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<AffectedQuery>,
) -> ApiResult<Response> {
    let paging = Paging {
        offset: q.offset,
        limit: q.limit,
    };
    let filter = AffectedFilter {
        jurisdiction: q.jurisdiction.filter(|s| !s.is_empty()),
        field: q.field.filter(|s| !s.is_empty()),
    };
    let page = state
        .store
        .affected_page(
            &IncidentId::new(id),
            &filter,
            paging.offset(),
            paging.limit(),
        )
        .await?;
    Ok(Json(json!({
        "total": page.total,
        "offset": paging.offset(),
        "limit": paging.limit(),
        "items": page.items,
    }))
    .into_response())
}

/// The obligations last computed and stored (null before the first).
#[utoipa::path(get, path = "/api/incidents/{id}/obligations", tag = "incidents",
    security(("bearer" = ["viewer"])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "Stored obligations")))]
pub async fn obligations(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    state.store.incident(&id).await?;
    Ok(Json(state.store.obligations(&id).await?).into_response())
}

/// Works the obligations out from the incident as it stands (bw-law's
/// rules) and stores them, as `breachwatch incident obligations` does.
#[utoipa::path(post, path = "/api/incidents/{id}/obligations", tag = "incidents",
    security(("bearer" = ["analyst"])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "Computed and stored obligations")))]
pub async fn compute_obligations(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = IncidentId::new(id);
    let inc = state.store.incident(&id).await?;
    let evidence = state.store.evidence(&id).await?;
    let affected = state.store.affected(&id).await?;
    let declared = state.store.declarations(&id).await?;
    let computed = bw_incident::obligations::compute_with(&inc, &evidence, &affected, &declared)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    state
        .store
        .put_obligations(&id, &computed.body, &computed.rules_version, &who.principal)
        .await?;
    Ok(
        Json(json!({"rules_version": computed.rules_version, "body": computed.body}))
            .into_response(),
    )
}
