//! `bw-serve`: breachwatch's HTTP API — incidents, evidence, affected
//! customers, obligations, notices, audit logs, scans and background jobs —
//! on the same store, scan pipeline and libraries as the CLI, behind
//! authentication on every route but `/healthz` and the login.
//!
//! # What it must never do
//! - Answer a request that carries no valid identity, or let a role do
//!   more than it may (viewer reads, analyst edits incidents and runs
//!   scans and scope, admin manages users and tokens and sends notices).
//! - Accept a state change authenticated by a session cookie without the
//!   session's CSRF token.
//! - Return or log a personal value, a contact address, a token, a session
//!   id or a password: findings leave redacted (`bw_report::redact`),
//!   customers as ids, and logs name the route template, never the URI.
//! - Change anything outside the store's audited writes: incident changes
//!   go through `bw-store`'s incident audit chain, users, tokens and jobs
//!   through its system chain, each with the acting identity.
//! - Keep an uploaded evidence file: it is read once (hash, counts,
//!   affected) and deleted.
//! - Drive a scan loop of its own: scans are a `bw_scan::Visitor`.
//!
//! # Layout
//! `auth` (identities, roles, CSRF, passwords and secrets), `ratelimit`
//! (login attempts), `routes/*` (one module per resource, and the route
//! table every route is registered in), `openapi` (the document, from the
//! handlers' attributes), `jobs` (background scan, scope and send),
//! `scanjob` (the scan visitor, wrapped in the canary watch when canaries
//! were issued), `metrics`, `limits` (body sizes), `tls`,
//! `error`; `dashboard` (the HTML pages, their templates, stylesheet and
//! script, on the same route table).

pub mod auth;
pub mod dashboard;
mod error;
mod jobs;
mod limits;
pub mod metrics;
pub mod openapi;
mod ratelimit;
pub mod routes;
mod scanjob;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use crate::auth::{hash_password, new_secret, secret_digest};
pub use crate::error::ApiError;
pub use crate::routes::router;
pub use crate::tls::TlsFiles;

/// Everything the server needs that the CLI reads from flags, the
/// environment and `config.toml` (the server reads none of them itself).
#[derive(Clone)]
pub struct Config {
    /// Where uploads are staged while read (then deleted).
    pub data_dir: PathBuf,
    /// Directories scans and scope may read; a path outside all of them is
    /// refused (after resolving `..` and links).
    pub scan_roots: Vec<PathBuf>,
    /// Threads a scan job uses.
    pub scan_threads: usize,
    /// Findings stored per scan job; later ones are counted only.
    pub max_stored_findings: u64,
    pub registry_dir: PathBuf,
    /// `None` when no registry was imported: scope finds nobody.
    pub registry_key: Option<bw_registry::Key>,
    pub notify: NotifySettings,
    /// Session cookies get `Secure` (serving over TLS).
    pub secure_cookies: bool,
    /// Where `breachwatch canary` keeps its state: scan jobs watch for the
    /// canaries in it (read at each job, so canaries issued while the
    /// server runs count). `None`: no canary check.
    pub canary: Option<CanaryFiles>,
}

/// The canary state file and its display key (`canary/canary.sqlite3`,
/// `keys/canary.key` in the data directory).
#[derive(Clone, Debug)]
pub struct CanaryFiles {
    pub db: PathBuf,
    pub display_key: PathBuf,
}

/// What `[notify]` gives a send job.
#[derive(Clone, Default)]
pub struct NotifySettings {
    pub templates_dir: Option<PathBuf>,
    pub texts: bw_notify::NoticeTexts,
    pub smtp_url: Option<String>,
    pub from: Option<String>,
    /// Contacts CSV instead of the registry's recorded customer source.
    pub contacts_csv: Option<PathBuf>,
    pub concurrency: usize,
    pub rate_per_sec: Option<f64>,
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: bw_store::Store,
    pub config: Arc<Config>,
    pub metrics: Arc<metrics::Metrics>,
    pub(crate) jobs: Arc<jobs::Jobs>,
    pub(crate) limiter: Arc<ratelimit::LoginLimiter>,
}

impl AppState {
    /// Builds the state and marks jobs a previous server left running as
    /// interrupted (they can be re-run).
    pub async fn new(store: bw_store::Store, config: Config) -> Result<AppState, ApiError> {
        let n = store.interrupt_jobs().await?;
        if n > 0 {
            tracing::warn!(
                jobs = n,
                "jobs left running by a previous server marked interrupted"
            );
        }
        let metrics = Arc::new(metrics::Metrics::default());
        let config = Arc::new(config);
        Ok(AppState {
            jobs: Arc::new(jobs::Jobs::new(
                store.clone(),
                config.clone(),
                metrics.clone(),
            )),
            limiter: Arc::new(ratelimit::LoginLimiter::default()),
            store,
            config,
            metrics,
        })
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; with `tls`, every
/// connection is TLS (rustls).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    tls: Option<TlsFiles>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    match tls {
        None => {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown)
            .await
        }
        Some(files) => tls::serve(listener, app, &files, shutdown).await,
    }
}
