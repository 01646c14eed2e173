//! Who may use the server: local users (Argon2id PHC strings, made by the
//! caller), API tokens and login sessions (SHA-256 digests of 256-bit
//! random values, made by the caller). Nothing here can hold a password or
//! a token in the clear: every method takes the digest or the hash.
//! Creating, revoking and disabling are recorded in the system audit
//! chain in the same transaction; logins are not (they change no data).

use serde::Serialize;
use serde_json::json;

use crate::error::{Context, Result, StoreError};
use crate::rows::{get, now_ts};
use crate::system_audit::append;
use crate::tx::{commit, retry, rolled_back};
use crate::Store;

/// What an identity may do; each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads redacted data.
    Viewer,
    /// Also edits incidents, runs scans and scope.
    Analyst,
    /// Also manages users and tokens and sends notices.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Role> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            _ => Err(StoreError::Invalid(format!(
                "unknown role {s:?}: expected viewer, analyst or admin"
            ))),
        }
    }
}

/// A user as listed (no password hash).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserRecord {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub created_by: String,
    pub disabled_at: Option<String>,
}

/// A token to store: its digest only.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub token_sha256: String,
    pub expires_at: Option<String>,
}

/// A token as listed (no digest).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenRecord {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub created_by: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl TokenRecord {
    /// Neither revoked nor expired at `now` (a stored timestamp).
    pub fn valid_at(&self, now: &str) -> bool {
        self.revoked_at.is_none() && self.expires_at.as_deref().is_none_or(|e| e > now)
    }
}

/// A login session: its digest, who, the role and its CSRF token.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub principal: String,
    pub role: Role,
    pub csrf_token: String,
    pub expires_at: String,
}

fn valid_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{what} must be 1-64 characters of letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

fn role_of(row: &sqlx::any::AnyRow) -> Result<Role> {
    get::<String>(row, "role")?.parse()
}

impl Store {
    /// Adds a local user; `password_hash` is an Argon2id PHC string.
    pub async fn add_user(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
        actor: &str,
    ) -> Result<()> {
        valid_name("a user name", name)?;
        if !password_hash.starts_with("$argon2id$") {
            return Err(StoreError::Invalid(
                "a password must be stored as an Argon2id hash".into(),
            ));
        }
        let what = format!("adding user {name}");
        retry(|| async {
            let mut tx = self.begin_write(&what).await?;
            let exists = sqlx::query("SELECT name FROM users WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await
                .context(|| what.clone())?;
            if exists.is_some() {
                return Err(StoreError::Invalid(format!("user {name} already exists")));
            }
            let now = now_ts()?;
            sqlx::query(
                "INSERT INTO users (name, role, password_hash, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(name)
            .bind(role.as_str())
            .bind(password_hash)
            .bind(now.as_str())
            .bind(actor)
            .execute(&mut *tx)
            .await
            .context(|| what.clone())?;
            let after = json!({"user": name, "role": role.as_str()});
            append(
                &mut tx,
                self.backend,
                actor,
                "user.add",
                &json!(null),
                &after,
            )
            .await?;
            commit(tx, &what).await
        })
        .await
        .map_err(rolled_back(&what))
    }

    /// The role and password hash of an enabled user.
    pub async fn user_credentials(&self, name: &str) -> Result<Option<(Role, String)>> {
        let row = sqlx::query(
            "SELECT role, password_hash FROM users WHERE name = $1 AND disabled_at IS NULL",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .context(|| "reading a user".to_string())?;
        row.map(|r| Ok((role_of(&r)?, get(&r, "password_hash")?)))
            .transpose()
    }

    pub async fn users(&self) -> Result<Vec<UserRecord>> {
        let rows = sqlx::query(
            "SELECT name, role, created_at, created_by, disabled_at FROM users ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await
        .context(|| "listing users".to_string())?;
        rows.iter()
            .map(|r| {
                Ok(UserRecord {
                    name: get(r, "name")?,
                    role: role_of(r)?,
                    created_at: get(r, "created_at")?,
                    created_by: get(r, "created_by")?,
                    disabled_at: get(r, "disabled_at")?,
                })
            })
            .collect()
    }

    /// Disables a user and ends their sessions; `false` if there was no
    /// enabled user of that name.
    pub async fn disable_user(&self, name: &str, actor: &str) -> Result<bool> {
        self.end_principal(
            Ending {
                what: format!("disabling user {name}"),
                update: "UPDATE users SET disabled_at = $1 WHERE name = $2 AND disabled_at IS NULL",
                key: name,
                principal: format!("user:{name}"),
                action: "user.disable",
                after: json!({"user": name, "disabled": true}),
            },
            actor,
        )
        .await
    }

    /// Stores a new API token (its digest).
    pub async fn create_token(&self, new: &NewToken, actor: &str) -> Result<()> {
        valid_name("a token name", &new.name)?;
        if !crate::audit::is_sha256_hex(&new.token_sha256) {
            return Err(StoreError::Invalid(
                "a token is stored as its SHA-256".into(),
            ));
        }
        let what = format!("creating token {}", new.id);
        retry(|| async {
            let mut tx = self.begin_write(&what).await?;
            let now = now_ts()?;
            sqlx::query(
                "INSERT INTO api_tokens (id, name, role, token_sha256, created_at, created_by, \
                 expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new.id.as_str())
            .bind(new.name.as_str())
            .bind(new.role.as_str())
            .bind(new.token_sha256.as_str())
            .bind(now.as_str())
            .bind(actor)
            .bind(new.expires_at.as_deref())
            .execute(&mut *tx)
            .await
            .context(|| what.clone())?;
            let after = json!({"token": new.id, "name": new.name, "role": new.role.as_str(),
                "expires_at": new.expires_at});
            append(
                &mut tx,
                self.backend,
                actor,
                "token.create",
                &json!(null),
                &after,
            )
            .await?;
            commit(tx, &what).await
        })
        .await
        .map_err(rolled_back(&what))
    }

    pub async fn tokens(&self) -> Result<Vec<TokenRecord>> {
        let rows = sqlx::query(
            "SELECT id, name, role, created_at, created_by, expires_at, revoked_at \
             FROM api_tokens ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await
        .context(|| "listing tokens".to_string())?;
        rows.iter().map(token_row).collect()
    }

    /// The token with this digest, valid or not (the caller checks).
    pub async fn token_by_digest(&self, sha256: &str) -> Result<Option<TokenRecord>> {
        let row = sqlx::query(
            "SELECT id, name, role, created_at, created_by, expires_at, revoked_at \
             FROM api_tokens WHERE token_sha256 = $1",
        )
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await
        .context(|| "reading a token".to_string())?;
        row.as_ref().map(token_row).transpose()
    }

    /// Revokes a token and ends the sessions it opened; `false` if there
    /// was no unrevoked token with that id.
    pub async fn revoke_token(&self, id: &str, actor: &str) -> Result<bool> {
        self.end_principal(
            Ending {
                what: format!("revoking token {id}"),
                update:
                    "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                key: id,
                principal: format!("token:{id}"),
                action: "token.revoke",
                after: json!({"token": id, "revoked": true}),
            },
            actor,
        )
        .await
    }

    /// Ends a user or token: stamps it (`update`, binding now and `key`,
    /// touching only a live one), drops the sessions it opened, and logs
    /// it; `false`, writing nothing, if there was nothing live to end.
    async fn end_principal(&self, e: Ending<'_>, actor: &str) -> Result<bool> {
        let what = e.what.as_str();
        retry(|| async {
            let mut tx = self.begin_write(what).await?;
            let now = now_ts()?;
            let done = sqlx::query(e.update)
                .bind(now.as_str())
                .bind(e.key)
                .execute(&mut *tx)
                .await
                .context(|| what.to_string())?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            sqlx::query("DELETE FROM sessions WHERE principal = $1")
                .bind(e.principal.as_str())
                .execute(&mut *tx)
                .await
                .context(|| what.to_string())?;
            append(
                &mut tx,
                self.backend,
                actor,
                e.action,
                &json!(null),
                &e.after,
            )
            .await?;
            commit(tx, what).await?;
            Ok(true)
        })
        .await
        .map_err(rolled_back(what))
    }

    /// Stores a session (its digest) until `expires_at`.
    pub async fn create_session(&self, id_sha256: &str, session: &SessionRecord) -> Result<()> {
        let now = now_ts()?;
        // Expired sessions go on each login, so the table stays small
        // without a sweeper task.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now.as_str())
            .execute(&self.pool)
            .await
            .context(|| "removing expired sessions".to_string())?;
        sqlx::query(
            "INSERT INTO sessions (id_sha256, principal, role, csrf_token, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_sha256)
        .bind(session.principal.as_str())
        .bind(session.role.as_str())
        .bind(session.csrf_token.as_str())
        .bind(now.as_str())
        .bind(session.expires_at.as_str())
        .execute(&self.pool)
        .await
        .context(|| "creating a session".to_string())?;
        Ok(())
    }

    /// An unexpired session by digest.
    pub async fn session(&self, id_sha256: &str) -> Result<Option<SessionRecord>> {
        let now = now_ts()?;
        let row = sqlx::query(
            "SELECT principal, role, csrf_token, expires_at FROM sessions \
             WHERE id_sha256 = $1 AND expires_at > $2",
        )
        .bind(id_sha256)
        .bind(now.as_str())
        .fetch_optional(&self.pool)
        .await
        .context(|| "reading a session".to_string())?;
        row.map(|r| {
            Ok(SessionRecord {
                principal: get(&r, "principal")?,
                role: role_of(&r)?,
                csrf_token: get(&r, "csrf_token")?,
                expires_at: get(&r, "expires_at")?,
            })
        })
        .transpose()
    }

    pub async fn end_session(&self, id_sha256: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_sha256 = $1")
            .bind(id_sha256)
            .execute(&self.pool)
            .await
            .context(|| "ending a session".to_string())?;
        Ok(())
    }
}

fn token_row(r: &sqlx::any::AnyRow) -> Result<TokenRecord> {
    Ok(TokenRecord {
        id: get(r, "id")?,
        name: get(r, "name")?,
        role: role_of(r)?,
        created_at: get(r, "created_at")?,
        created_by: get(r, "created_by")?,
        expires_at: get(r, "expires_at")?,
        revoked_at: get(r, "revoked_at")?,
    })
}

/// What [`Store::end_principal`] ends and how it is logged.
struct Ending<'a> {
    what: String,
    update: &'static str,
    key: &'a str,
    principal: String,
    action: &'static str,
    after: serde_json::Value,
}
