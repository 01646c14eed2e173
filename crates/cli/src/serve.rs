//! `breachwatch serve`: the HTTP API (`bw-serve`) on the same store,
//! registry and `[notify]` settings as the other commands. This module
//! reads the flags, the config file and the data directory, installs the
//! log subscriber, and hands `bw-serve` plain values.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use crate::home;
use crate::incident::{connect, StoreArgs};
use crate::registry::Location;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port; the address
    /// is printed on stdout).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// PEM certificate chain: serve HTTPS (session cookies become Secure).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A directory scans and scope may read; repeat for several
    /// [default: the current directory].
    #[arg(long = "scan-root", value_name = "DIR")]
    scan_roots: Vec<PathBuf>,
    /// Threads per scan job [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Contacts CSV for sending, instead of the registry's recorded source.
    #[arg(long, value_name = "CSV")]
    contacts: Option<PathBuf>,
    /// Log level: error, warn, info or debug. Logs never carry a value,
    /// address, token or password.
    #[arg(long, default_value = "info")]
    log: tracing::Level,
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    location: Location,
}

pub fn run(a: ServeArgs) -> Result<u8> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .with_max_level(a.log)
        .init();
    let dir = home::data_dir()?;
    let cfg = home::Config::load(&dir)?.notify;
    let registry_dir = a.location.dir()?;
    // The key is needed only once a registry exists; without one, scope
    // finds nobody rather than failing.
    let registry_key = if registry_dir.join("CURRENT").exists() {
        Some(a.location.key()?)
    } else {
        None
    };
    let scan_roots = if a.scan_roots.is_empty() {
        vec![std::env::current_dir().context("reading the current directory")?]
    } else {
        a.scan_roots.clone()
    };
    // Where `breachwatch canary` keeps its state (crate::canary): scan
    // jobs watch for the canaries in it, as `scan` does.
    let canary = bw_serve::CanaryFiles {
        db: dir.join("canary").join("canary.sqlite3"),
        display_key: dir.join("keys").join("canary.key"),
    };
    let config = bw_serve::Config {
        data_dir: dir,
        scan_roots,
        scan_threads: a
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        max_stored_findings: 1_000_000,
        registry_dir,
        registry_key,
        notify: bw_serve::NotifySettings {
            templates_dir: cfg.templates.clone(),
            texts: crate::notify::texts(&cfg),
            smtp_url: cfg.smtp_url.clone(),
            from: cfg.from.clone(),
            contacts_csv: a.contacts.clone(),
            concurrency: cfg.concurrency.unwrap_or(8),
            rate_per_sec: cfg.rate,
        },
        secure_cookies: a.tls_cert.is_some(),
        canary: Some(canary),
    };
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => Some(bw_serve::TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        }),
        _ => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let session = connect(&a.store).await?;
        let store = session.store.clone();
        let state = bw_serve::AppState::new(store.clone(), config)
            .await
            .context("starting the server")?;
        let listener = tokio::net::TcpListener::bind(&a.listen)
            .await
            .with_context(|| format!("listening on {}", a.listen))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        // On stdout, alone, so scripts and tests can read the address.
        println!("listening on {scheme}://{addr}");
        std::io::stdout().flush().context("writing stdout")?;
        tracing::info!(%addr, tls = tls.is_some(), "serving");
        let res = bw_serve::serve(listener, bw_serve::router(state), tls, shutdown()).await;
        store.close().await;
        res.context("serving")?;
        Ok(crate::exit::CLEAN)
    })
}

/// Ctrl-C or SIGTERM: stop accepting, finish requests in flight. Jobs
/// still running are marked interrupted at the next start.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
