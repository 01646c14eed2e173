//! Health, metrics, the OpenAPI document and registry statistics.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use utoipa::OpenApi;

use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Liveness: the server answers and its store does.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, description = "Server and store are up")))]
pub async fn healthz(State(state): State<AppState>) -> ApiResult<Response> {
    state.store.job_counts().await?;
    Ok(Json(json!({"status": "ok"})).into_response())
}

/// Prometheus text exposition (any valid token or session, viewer role).
#[utoipa::path(get, path = "/metrics", tag = "system",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> ApiResult<Response> {
    let jobs = state.store.job_counts().await?;
    let mut notices: BTreeMap<String, u64> = BTreeMap::new();
    for inc in state.store.list_incidents().await? {
        for c in state.store.notice_counts(&inc.id).await? {
            *notices.entry(c.status.clone()).or_default() += c.count;
        }
    }
    let body = state.metrics.render(&jobs, &notices);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "system",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn openapi() -> Response {
    Json(crate::openapi::ApiDoc::openapi()).into_response()
}

/// Size of the customer registry: customers and fingerprints per kind,
/// customers per country. No identifier, fingerprint or key.
#[utoipa::path(get, path = "/api/registry/stats", tag = "registry",
    security(("bearer" = ["viewer"])),
    responses((status = 200, description = "Registry statistics")))]
pub async fn registry_stats(State(state): State<AppState>) -> ApiResult<Response> {
    let cfg = state.config.clone();
    let v = tokio::task::spawn_blocking(move || -> ApiResult<serde_json::Value> {
        let Some(reg) = crate::jobs::open_registry(&cfg)? else {
            return Ok(json!({"imported": false}));
        };
        let s = reg.stats();
        let countries: BTreeMap<&str, u64> = reg.country_counts().into_iter().collect();
        Ok(json!({
            "imported": true,
            "customers": s.customers,
            "email_fingerprints": s.email_fingerprints,
            "phone_fingerprints": s.phone_fingerprints,
            "name_fingerprints": s.name_fingerprints,
            "file_bytes": s.file_bytes,
            "generation": s.generation,
            "customers_by_country": countries,
        }))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(Json(v).into_response())
}
