//! Users and API tokens (admin only). A token is shown once, in the
//! answer that creates it; the store keeps its digest.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use bw_store::{NewToken, Role};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{self, Identity, TOKEN_PREFIX};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

fn role(s: &str) -> ApiResult<Role> {
    s.parse()
        .map_err(|e: bw_store::StoreError| ApiError::BadRequest(e.to_string()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateToken {
    pub name: String,
    /// viewer, analyst or admin.
    pub role: String,
    /// Lifetime in days; none for no expiry.
    pub expires_days: Option<u32>,
}

#[utoipa::path(get, path = "/api/tokens", tag = "admin",
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "Tokens (no secrets)")))]
pub async fn tokens(State(state): State<AppState>) -> ApiResult<Response> {
    Ok(Json(state.store.tokens().await?).into_response())
}

/// Creates a token; the answer is the only place its secret appears.
#[utoipa::path(post, path = "/api/tokens", tag = "admin",
    security(("bearer" = ["admin"])), request_body = CreateToken,
    responses((status = 201, description = "The token, shown once")))]
pub async fn create_token(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Json(body): Json<CreateToken>,
) -> ApiResult<Response> {
    let created = create(
        &state.store,
        &body.name,
        role(&body.role)?,
        body.expires_days,
        &who.principal,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Creates a token in `store`: the shared path of the API and `breachwatch
/// token create`. Returns id, name, role, expiry and the secret.
pub async fn create(
    store: &bw_store::Store,
    name: &str,
    role: Role,
    expires_days: Option<u32>,
    actor: &str,
) -> ApiResult<serde_json::Value> {
    let token = auth::new_secret(TOKEN_PREFIX)?;
    let id = format!("tok_{}", auth::random_hex(6)?);
    let expires_at = expires_days
        .map(|d| {
            bw_store::format_ts(
                time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(d)),
            )
        })
        .transpose()?;
    store
        .create_token(
            &NewToken {
                id: id.clone(),
                name: name.to_string(),
                role,
                token_sha256: auth::secret_digest(&token),
                expires_at: expires_at.clone(),
            },
            actor,
        )
        .await?;
    Ok(json!({"id": id, "name": name, "role": role, "expires_at": expires_at, "token": token}))
}

#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "admin",
    security(("bearer" = ["admin"])),
    params(("id" = String, Path, description = "Token id (tok_…)")),
    responses((status = 200, description = "Revoked"), (status = 404, description = "No such active token")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    if state.store.revoke_token(&id, &who.principal).await? {
        Ok(Json(json!({"revoked": id})).into_response())
    } else {
        Err(ApiError::NotFound("no active token with that id".into()))
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AddUser {
    pub name: String,
    pub role: String,
    pub password: String,
}

#[utoipa::path(get, path = "/api/users", tag = "admin",
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "Users (no password hashes)")))]
pub async fn users(State(state): State<AppState>) -> ApiResult<Response> {
    Ok(Json(state.store.users().await?).into_response())
}

/// Minimum password length for local users.
pub const MIN_PASSWORD: usize = 12;

#[utoipa::path(post, path = "/api/users", tag = "admin",
    security(("bearer" = ["admin"])), request_body = AddUser,
    responses((status = 201, description = "User added")))]
pub async fn add_user(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Json(body): Json<AddUser>,
) -> ApiResult<Response> {
    let role = role(&body.role)?;
    if body.password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::BadRequest(format!(
            "a password needs at least {MIN_PASSWORD} characters"
        )));
    }
    let password = body.password;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(ApiError::internal)??;
    state
        .store
        .add_user(&body.name, role, &hash, &who.principal)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"name": body.name, "role": role})),
    )
        .into_response())
}

#[utoipa::path(delete, path = "/api/users/{name}", tag = "admin",
    security(("bearer" = ["admin"])),
    params(("name" = String, Path, description = "User name")),
    responses((status = 200, description = "Disabled, sessions ended"), (status = 404, description = "No such enabled user")))]
pub async fn disable_user(
    State(state): State<AppState>,
    Extension(who): Extension<Identity>,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    if state.store.disable_user(&name, &who.principal).await? {
        Ok(Json(json!({"disabled": name})).into_response())
    } else {
        Err(ApiError::NotFound("no enabled user with that name".into()))
    }
}
