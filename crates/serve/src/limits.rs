//! Request body limits: 64 MiB for evidence uploads, 1 MiB elsewhere. A
//! declared `Content-Length` over the limit is refused with 413 before a
//! byte of the body is read; a chunked body is cut off by axum's
//! `DefaultBodyLimit` when it passes the limit.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;

pub const UPLOAD_LIMIT: usize = 64 << 20;
pub const DEFAULT_LIMIT: usize = 1 << 20;

/// The evidence upload route (its template).
pub const UPLOAD_ROUTE: &str = "/api/incidents/{id}/evidence";

pub fn limit_for(route: &str) -> usize {
    if route == UPLOAD_ROUTE {
        UPLOAD_LIMIT
    } else {
        DEFAULT_LIMIT
    }
}

/// Refuses a declared length over `limit` before reading the body.
pub async fn refuse_declared_oversize(
    limit: usize,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::TooLarge);
    }
    Ok(next.run(req).await)
}
