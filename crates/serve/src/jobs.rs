//! Background jobs: scan, scope and send. A job is a row in the store
//! (state and progress counters) and a task here; the row outlives the
//! task, so progress survives a page reload and a restart marks what ran
//! as interrupted (see `AppState::new`). Cancelling sets a flag the scan
//! visitor and the scope loop check; a send task is aborted, which the
//! outbox is built for (a notice claimed but not recorded is sent again
//! by the next run under the same Message-ID).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bw_store::{IncidentId, JobRecord, Store};
use serde_json::{json, Value};
use tokio::task::AbortHandle;

use crate::auth::random_hex;
use crate::error::{ApiError, ApiResult};
use crate::metrics::Metrics;
use crate::Config;

/// How often a running job's counters are written to the store.
pub(crate) const PROGRESS_EVERY: Duration = Duration::from_millis(500);

struct Running {
    cancel: Arc<AtomicBool>,
    abort: Arc<Mutex<Option<AbortHandle>>>,
}

pub(crate) struct Jobs {
    store: Store,
    config: Arc<Config>,
    metrics: Arc<Metrics>,
    running: Arc<Mutex<HashMap<String, Running>>>,
}

/// What a job body needs.
pub(crate) struct Ctx {
    pub store: Store,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub id: String,
    pub actor: String,
    pub cancel: Arc<AtomicBool>,
    /// The latest counters; the pump writes them to the store.
    pub progress: Arc<Mutex<Value>>,
}

impl Ctx {
    pub fn set_progress(&self, v: Value) {
        *self.progress.lock().unwrap_or_else(|p| p.into_inner()) = v;
    }
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

impl Jobs {
    pub fn new(store: Store, config: Arc<Config>, metrics: Arc<Metrics>) -> Jobs {
        Jobs {
            store,
            config,
            metrics,
            running: Arc::default(),
        }
    }

    /// Records a job and starts it.
    pub async fn start(
        &self,
        kind: &str,
        incident: Option<&str>,
        params: Value,
        actor: &str,
    ) -> ApiResult<JobRecord> {
        let id = format!("job_{}", random_hex(8)?);
        self.store
            .create_job(&id, kind, incident, &params, actor)
            .await?;
        let ctx = Ctx {
            store: self.store.clone(),
            config: self.config.clone(),
            metrics: self.metrics.clone(),
            id: id.clone(),
            actor: actor.to_string(),
            cancel: Arc::default(),
            progress: Arc::new(Mutex::new(json!({}))),
        };
        let abort = Arc::new(Mutex::new(None));
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(
                id.clone(),
                Running {
                    cancel: ctx.cancel.clone(),
                    abort: abort.clone(),
                },
            );
        let running = self.running.clone();
        let kind = kind.to_string();
        let job_id = id.clone();
        tokio::spawn(async move {
            run(ctx, kind, params, abort).await;
            let _ = running.lock().map(|mut m| m.remove(&job_id));
        });
        self.store
            .job(&id)
            .await?
            .ok_or_else(|| ApiError::internal("a created job vanished"))
    }

    /// Cancels a queued or running job; `false` if it had ended.
    pub async fn cancel(&self, id: &str, actor: &str) -> ApiResult<bool> {
        let ok = self.store.cancel_job(id, actor).await?;
        let running = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        if let Some(r) = running {
            r.cancel.store(true, Ordering::Relaxed);
            if let Some(h) = r.abort.lock().unwrap_or_else(|p| p.into_inner()).take() {
                h.abort();
            }
        }
        Ok(ok)
    }
}

async fn run(ctx: Ctx, kind: String, params: Value, abort: Arc<Mutex<Option<AbortHandle>>>) {
    match ctx.store.start_job(&ctx.id).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::error!(job = %ctx.id, error = %e, "starting a job");
            return;
        }
    }
    tracing::info!(job = %ctx.id, kind = %kind, "job started");
    let pump = tokio::spawn(pump(
        ctx.store.clone(),
        ctx.id.clone(),
        ctx.progress.clone(),
    ));
    let res = match kind.as_str() {
        "scan" => crate::scanjob::run(&ctx, &params).await,
        "scope" => scope(&ctx, &params).await,
        "send" => {
            // On its own task so that cancel can abort it mid-run.
            let inner = Ctx {
                store: ctx.store.clone(),
                config: ctx.config.clone(),
                metrics: ctx.metrics.clone(),
                id: ctx.id.clone(),
                actor: ctx.actor.clone(),
                cancel: ctx.cancel.clone(),
                progress: ctx.progress.clone(),
            };
            let params = params.clone();
            let task = tokio::spawn(async move { send(&inner, &params).await });
            *abort.lock().unwrap_or_else(|p| p.into_inner()) = Some(task.abort_handle());
            match task.await {
                Ok(r) => r,
                Err(_) => Err(ApiError::internal("cancelled")),
            }
        }
        other => Err(ApiError::internal(format!("unknown job kind {other}"))),
    };
    pump.abort();
    let progress = ctx
        .progress
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let (state, error) = match res {
        _ if ctx.cancelled() => ("cancelled", None),
        Ok(()) => ("succeeded", None),
        Err(e) => ("failed", Some(e.to_string())),
    };
    if let Err(e) = ctx
        .store
        .finish_job(&ctx.id, state, &progress, error.as_deref())
        .await
    {
        tracing::error!(job = %ctx.id, error = %e, "ending a job");
    }
    tracing::info!(job = %ctx.id, state, "job ended");
}

/// Writes the counters to the job row while it runs.
async fn pump(store: Store, id: String, progress: Arc<Mutex<Value>>) {
    loop {
        tokio::time::sleep(PROGRESS_EVERY).await;
        let v = progress.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Err(e) = store.job_progress(&id, &v).await {
            tracing::warn!(job = %id, error = %e, "recording job progress");
        }
    }
}

/// `p` resolved (`..` and links) and inside one of the scan roots.
pub(crate) fn allowed_path(cfg: &Config, p: &str) -> ApiResult<String> {
    let refused =
        || ApiError::BadRequest("the path is not inside a scan root of this server".into());
    if p.is_empty() || p.contains('\0') {
        return Err(refused());
    }
    let resolved = std::fs::canonicalize(p).map_err(|_| refused())?;
    let inside = cfg
        .scan_roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .any(|root| resolved.starts_with(root));
    if !inside {
        return Err(refused());
    }
    resolved.to_str().map(str::to_string).ok_or_else(refused)
}

/// The registry, when one was imported and the key is known.
pub(crate) fn open_registry(cfg: &Config) -> ApiResult<Option<bw_registry::Registry>> {
    let Some(key) = &cfg.registry_key else {
        return Ok(None);
    };
    if !cfg.registry_dir.join("CURRENT").exists() {
        return Ok(None);
    }
    bw_registry::Registry::open(&cfg.registry_dir, key)
        .map(Some)
        .map_err(|e| ApiError::internal(format!("opening the registry: {e}")))
}

/// Reads an uploaded evidence body once, through a private temporary file
/// that is deleted whatever happens.
/// With `watch`, the read is checked for canaries too, and their sighting's
/// evidence named as the upload's.
pub(crate) fn collect_upload(
    cfg: &Config,
    name: &str,
    body: &[u8],
    encrypted: bool,
    watch: Option<&crate::scanjob::EvidenceWatch>,
) -> ApiResult<bw_incident::evidence::Collected> {
    let dir = cfg.data_dir.join("uploads");
    std::fs::create_dir_all(&dir)
        .map_err(|e| ApiError::internal(format!("creating {}: {e}", dir.display())))?;
    let path = dir.join(format!("{}.upload", random_hex(16)?));
    let _cleanup = Remove(path.clone());
    write_private(&path, body)?;
    let registry = open_registry(cfg)?;
    let hook = watch.map(|w| w.hook());
    let mut collected =
        bw_incident::evidence::collect_with(&path, encrypted, registry.as_ref(), hook.as_ref())
            .map_err(|e| ApiError::BadRequest(format!("reading the evidence: {e}")))?;
    collected.evidence.source = bw_store::sanitize_source(&format!("upload:{name}"));
    if let Some(w) = watch {
        let ev = &collected.evidence;
        w.read(
            &path.to_string_lossy(),
            &ev.source,
            &ev.sha256,
            ev.size_bytes,
        );
    }
    Ok(collected)
}

fn write_private(path: &Path, body: &[u8]) -> ApiResult<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .map_err(|e| ApiError::internal(format!("staging an upload: {e}")))?;
    f.write_all(body)
        .map_err(|e| ApiError::internal(format!("staging an upload: {e}")))
}

struct Remove(PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn param_str<'a>(params: &'a Value, key: &str) -> ApiResult<&'a str> {
    params
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::internal(format!("job parameter {key} missing")))
}

/// Server files as evidence of an incident, scoped against the registry.
async fn scope(ctx: &Ctx, params: &Value) -> ApiResult<()> {
    let id = IncidentId::new(param_str(params, "incident")?);
    let encrypted = params
        .get("encrypted")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let paths: Vec<String> = params
        .get("paths")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let cfg = ctx.config.clone();
    let registry = tokio::task::spawn_blocking(move || open_registry(&cfg))
        .await
        .map_err(ApiError::internal)??
        .map(Arc::new);
    // The files are checked for canaries in the same read, as scan jobs are.
    let cfg = ctx.config.clone();
    let watch = tokio::task::spawn_blocking(move || crate::scanjob::EvidenceWatch::load(&cfg))
        .await
        .map_err(ApiError::internal)??;
    let (mut done, mut affected, mut new_affected) = (0u64, 0u64, 0u64);
    for p in &paths {
        if ctx.cancelled() {
            break;
        }
        // Checked again at run time: a re-run may come after the roots changed.
        let path = allowed_path(&ctx.config, p)?;
        let reg = registry.clone();
        let hook = watch.as_ref().map(|w| w.hook());
        let read_as = path.clone();
        let collected = tokio::task::spawn_blocking(move || {
            bw_incident::evidence::collect_with(
                Path::new(&path),
                encrypted,
                reg.as_deref(),
                hook.as_ref(),
            )
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        if let Some(w) = &watch {
            let ev = &collected.evidence;
            w.read(&read_as, &read_as, &ev.sha256, ev.size_bytes);
        }
        let out = ctx
            .store
            .add_evidence_with(
                &id,
                &collected.evidence,
                &collected.affected,
                &collected.unattributed,
                &ctx.actor,
            )
            .await?;
        done += 1;
        affected += collected.affected.len() as u64;
        if let bw_store::AddEvidenceOutcome::Added {
            new_affected: n, ..
        } = out
        {
            new_affected += n;
        }
        ctx.set_progress(json!({"files": paths.len(), "files_done": done,
            "affected": affected, "new_affected": new_affected,
            "registry": registry.is_some()}));
    }
    if let Some(w) = watch {
        let (db, groups) = w.finish()?;
        let (canaries, incidents) = crate::scanjob::record(
            &ctx.config,
            ctx.store.clone(),
            ctx.actor.clone(),
            db,
            groups,
        )
        .await?;
        ctx.set_progress(json!({"files": paths.len(), "files_done": done,
            "affected": affected, "new_affected": new_affected,
            "registry": registry.is_some(),
            "canaries": canaries, "canary_incidents": incidents}));
    }
    Ok(())
}

/// Sends the planned notices of an incident.
async fn send(ctx: &Ctx, params: &Value) -> ApiResult<()> {
    let id = IncidentId::new(param_str(params, "incident")?);
    let n = &ctx.config.notify;
    let (Some(url), Some(from)) = (n.smtp_url.clone(), n.from.clone()) else {
        return Err(ApiError::BadRequest(
            "no SMTP server or sender configured".into(),
        ));
    };
    let tpl = bw_notify::Templates::load(n.templates_dir.as_deref())?;
    let cfg = ctx.config.clone();
    let source = tokio::task::spawn_blocking(move || contact_source(&cfg))
        .await
        .map_err(ApiError::internal)??;
    if params
        .get("retry_failed")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        ctx.store.requeue_failed_notices(&id, &ctx.actor).await?;
    }
    let campaign = bw_notify::Campaign {
        templates: Arc::new(tpl),
        texts: n.texts.clone(),
    };
    let smtp = bw_notify::SmtpSettings {
        url,
        from,
        timeout: Duration::from_secs(60),
    };
    let opts = bw_notify::SendOptions {
        concurrency: n.concurrency.max(1),
        rate_per_sec: n.rate_per_sec,
        actor: ctx.actor.clone(),
        ..bw_notify::SendOptions::default()
    };
    let progress = ctx.progress.clone();
    let report: bw_notify::send::Progress = Arc::new(move |r: &bw_notify::SendReport| {
        let v = serde_json::to_value(r).unwrap_or(Value::Null);
        *progress.lock().unwrap_or_else(|p| p.into_inner()) = v;
    });
    let r = bw_notify::send(
        &ctx.store,
        &id,
        bw_notify::contacts::from_source(source),
        &campaign,
        &smtp,
        &opts,
        Some(report),
    )
    .await?;
    ctx.set_progress(serde_json::to_value(&r).map_err(ApiError::internal)?);
    Ok(())
}

/// Where addresses are read at send time: the configured CSV, else the
/// customer source the registry was imported from.
fn contact_source(cfg: &Config) -> ApiResult<bw_registry::ImportSource> {
    if let Some(path) = &cfg.notify.contacts_csv {
        return Ok(bw_registry::ImportSource::Csv {
            path: path.clone(),
            columns: bw_registry::ColumnMap::default(),
        });
    }
    let reg = open_registry(cfg)?
        .ok_or_else(|| ApiError::BadRequest("no registry: import customers first".into()))?;
    reg.try_import_source()
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            ApiError::BadRequest("the registry does not record its customer source".into())
        })?
        .resolved()
        .map_err(|e| ApiError::BadRequest(format!("the registry's customer source: {e}")))
}
