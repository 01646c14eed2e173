//! `breachwatch canary`: issue canary customers to a data recipient, list,
//! revoke and count them, and watch for them — in scanned data (`check`)
//! and in mail to the canary domain (`listen`). A sighting opens or updates
//! the recipient's incident in the store and fires the webhook.
//!
//! State: `canary/canary.sqlite3` in the data directory (fingerprints,
//! sealed display copies, what each recipient was given, sightings) and
//! `keys/canary.key` (0600) beside the registry key. Canaries are
//! fingerprinted with the registry key, so `registry init` comes first.
//!
//! Exit codes: `check` as `scan` (0 no canary, 1 canaries seen, 2 error);
//! the others 0, or 2 on error.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use bw_canary::crypt::DisplayKey;
use bw_canary::db::{CanaryDb, IssueRequest};
use bw_canary::gen::{Names, OsSource};
use bw_canary::like::{self, Shape};
use bw_canary::set::CanarySet;
use bw_canary::sighting::{Recorder, SightingEvidence};
use bw_canary::smtp::{self, ListenConfig};
use bw_canary::visitor::{Hits, Nothing, Watch};
use bw_canary::webhook::WebhookConfig;
use bw_detect::{Kind, KindSet};
use bw_registry::{Fingerprinter, Key, Registry};
use clap::{Args, Subcommand, ValueEnum};

use crate::exit;
use crate::home;

mod sightings;
use crate::incident::StoreArgs;
use crate::registry::Location;

#[derive(Subcommand, Debug)]
pub enum CanaryCommand {
    /// Issue canary customers to a recipient; prints them as CSV rows
    /// ready to append to that recipient's export.
    Issue(IssueArgs),
    /// Issued canaries: recipient, export, state, sightings.
    List(ListArgs),
    /// Stop handing out a canary (by id) or all of a recipient's; revoked
    /// canaries still attribute a sighting, marked revoked.
    Revoke(RevokeArgs),
    /// Sightings per recipient, first and last seen; mail to unknown
    /// addresses per canary domain.
    Stats(FormatArgs),
    /// Each sighting recorded, with a mail's details (envelope sender,
    /// client, time, subject, headers): redacted unless --reveal.
    Sightings(sightings::SightingsArgs),
    /// Receive mail for the canary domains; mail to a canary is a sighting.
    Listen(ListenArgs),
    /// Scan files for canaries (the scan pipeline) and record sightings.
    Check(CheckArgs),
    /// Set (or clear) the webhook every sighting is posted to.
    Webhook(WebhookSetArgs),
}

#[derive(Args, Debug)]
pub struct IssueArgs {
    /// Who is given the export (a contractor, vendor, internal team).
    #[arg(long)]
    pub recipient: String,
    #[arg(long, default_value_t = 5)]
    pub count: usize,
    /// The mail domain canary emails use (one the retailer receives mail
    /// for). Default: the domain of the last issue.
    #[arg(long)]
    pub domain: Option<String>,
    /// The recipient's export (CSV): canaries take its header order,
    /// country mix and formats; its field names and row count are recorded
    /// as what the recipient was given. No row of it is kept.
    #[arg(long)]
    pub like: Option<PathBuf>,
    /// Label of the export (default: the --like file's name).
    #[arg(long)]
    pub export: Option<String>,
    /// Field names the export carries (comma-separated), when not --like.
    #[arg(long, value_delimiter = ',')]
    pub export_fields: Vec<String>,
    /// Rows of the export (without canaries), when not --like.
    #[arg(long)]
    pub export_rows: Option<u64>,
    /// Print the header line too (always printed without --like).
    #[arg(long)]
    pub header: bool,
    #[command(flatten)]
    pub location: Location,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    Human,
    Jsonl,
}

#[derive(Args, Debug)]
pub struct FormatArgs {
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutFormat,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only this recipient's canaries.
    #[arg(long)]
    pub recipient: Option<String>,
    /// Show each canary's identifiers (opened with the display key).
    #[arg(long)]
    pub reveal: bool,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Args, Debug)]
pub struct RevokeArgs {
    /// A canary id (`CNY-…`) or a recipient's name.
    pub target: String,
    #[arg(long, default_value = "revoked")]
    pub reason: String,
}

#[derive(Args, Debug, Clone)]
pub struct WebhookArgs {
    /// POST each new sighting here (JSON). Default: `canary webhook`'s URL.
    #[arg(long)]
    pub webhook: Option<String>,
    /// Attempts per alert.
    #[arg(long, default_value_t = 5)]
    pub webhook_attempts: u32,
    /// Wait before the first retry, doubled for each next one.
    #[arg(long, default_value_t = 1000)]
    pub webhook_backoff_ms: u64,
}

/// The flags' defaults, for commands that watch for canaries without
/// taking canary flags (`scan`).
impl Default for WebhookArgs {
    fn default() -> Self {
        WebhookArgs {
            webhook: None,
            webhook_attempts: 5,
            webhook_backoff_ms: 1000,
        }
    }
}

#[derive(Args, Debug)]
pub struct WebhookSetArgs {
    /// The URL; omit with --clear.
    #[arg(required_unless_present = "clear")]
    pub url: Option<String>,
    #[arg(long)]
    pub clear: bool,
}

#[derive(Args, Debug)]
pub struct ListenArgs {
    /// Address to receive SMTP on (port 0: any free port, printed).
    #[arg(long, default_value = "127.0.0.1:2525")]
    pub smtp: SocketAddr,
    /// Largest message accepted (e.g. `10M`); larger ones get 552.
    #[arg(long, value_parser = home::parse_size, default_value = "10M")]
    pub max_message: u64,
    /// Recipients per message.
    #[arg(long, default_value_t = 100)]
    pub max_rcpt: usize,
    /// Concurrent sessions; more get 421.
    #[arg(long, default_value_t = 20_000)]
    pub max_sessions: usize,
    /// Seconds a client may stay silent.
    #[arg(long, default_value_t = 60)]
    pub idle_secs: u64,
    /// Seconds a whole session may last.
    #[arg(long, default_value_t = 600)]
    pub session_secs: u64,
    /// Runtime threads. Default: 2.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    #[command(flatten)]
    pub webhook: WebhookArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub location: Location,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories (archives expanded); `-` reads stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Scanning threads. Default: all cores.
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Only report; record no sighting.
    #[arg(long)]
    pub no_record: bool,
    #[command(flatten)]
    pub webhook: WebhookArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub location: Location,
}

struct Paths {
    db: PathBuf,
    key: PathBuf,
}

fn paths() -> Result<Paths> {
    let dir = home::data_dir()?;
    Ok(Paths {
        db: dir.join("canary").join("canary.sqlite3"),
        key: dir.join("keys").join("canary.key"),
    })
}

fn open_db() -> Result<CanaryDb> {
    let p = paths()?;
    CanaryDb::open(&p.db).with_context(|| format!("opening {}", p.db.display()))
}

fn display_key() -> Result<DisplayKey> {
    let p = paths()?;
    DisplayKey::load_or_create(&p.key).with_context(|| format!("canary key {}", p.key.display()))
}

/// The registry, when one has been imported into.
fn registry(loc: &Location, key: &Key) -> Result<Option<Registry>> {
    let dir = loc.dir()?;
    if !dir.join("CURRENT").exists() {
        return Ok(None);
    }
    Ok(Some(Registry::open(&dir, key).with_context(|| {
        format!("opening registry {}", dir.display())
    })?))
}

pub fn run(cmd: CanaryCommand) -> Result<u8> {
    match cmd {
        CanaryCommand::Issue(a) => issue(&a),
        CanaryCommand::List(a) => list(&a),
        CanaryCommand::Revoke(a) => {
            let n = open_db()?.revoke(&a.target, &a.reason)?;
            if n == 0 {
                bail!("no active canary or recipient {:?}", a.target);
            }
            eprintln!("revoked {n} canaries (they still attribute sightings, marked revoked)");
            Ok(exit::CLEAN)
        }
        CanaryCommand::Stats(a) => stats(&a),
        CanaryCommand::Sightings(a) => sightings::run(&a),
        CanaryCommand::Listen(a) => listen(&a),
        CanaryCommand::Check(a) => check(&a),
        CanaryCommand::Webhook(a) => {
            let db = open_db()?;
            db.set_setting("webhook", if a.clear { None } else { a.url.as_deref() })?;
            Ok(exit::CLEAN)
        }
    }
}

fn issue(a: &IssueArgs) -> Result<u8> {
    let mut db = open_db()?;
    let domain = match (&a.domain, db.setting("domain")?) {
        (Some(d), _) => d.clone(),
        (None, Some(d)) => d,
        (None, None) => bail!("give --domain: a mail domain you receive mail for"),
    };
    let key = a.location.key()?;
    let reg = registry(&a.location, &key)?;
    let mut shape = match &a.like {
        Some(p) => Shape::read(p).with_context(|| format!("reading {}", p.display()))?,
        None => Shape::default_export(),
    };
    if !a.export_fields.is_empty() {
        shape.header = a.export_fields.clone();
    }
    if let Some(n) = a.export_rows {
        shape.rows = n;
    }
    let export = a.export.clone().unwrap_or_else(|| {
        a.like
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "export".into())
    });
    let req = IssueRequest {
        recipient: a.recipient.clone(),
        count: a.count,
        domain: domain.clone(),
        export,
        shape: shape.clone(),
    };
    let (iss, canaries) = db.issue(
        &req,
        &Names::load(),
        &mut OsSource::new(),
        &Fingerprinter::new(&key),
        &display_key()?,
        reg.as_ref(),
    )?;
    db.set_setting("domain", Some(&domain))?;
    let rows: Vec<Vec<String>> = canaries.iter().map(|c| shape.row(c)).collect();
    let header = (a.header || a.like.is_none()).then_some(shape.header.as_slice());
    let text = like::to_csv(header, &rows)?;
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("writing output")?;
    eprintln!(
        "issued {} canaries to {} (issue {}, export {}: {} fields, at most {} rows){}",
        canaries.len(),
        iss.recipient,
        iss.id,
        iss.export,
        iss.fields.len(),
        iss.rows,
        if reg.is_none() {
            "; no registry yet: each import checks canaries against customers"
        } else {
            ""
        }
    );
    Ok(exit::CLEAN)
}

fn list(a: &ListArgs) -> Result<u8> {
    let db = open_db()?;
    let rows = db.list(a.recipient.as_deref())?;
    let key = if a.reveal { Some(display_key()?) } else { None };
    let mut out = std::io::stdout().lock();
    for r in &rows {
        let shown = match &key {
            Some(k) => Some(db.reveal(&r.id, k)?),
            None => None,
        };
        match a.format.format {
            OutFormat::Jsonl => {
                let mut v = serde_json::to_value(r)?;
                if let (Some(c), Some(obj)) = (&shown, v.as_object_mut()) {
                    obj.insert("canary".into(), serde_json::to_value(c)?);
                }
                writeln!(out, "{v}")?;
            }
            OutFormat::Human => {
                let seen = match (&r.first_seen, &r.last_seen) {
                    (Some(f), Some(l)) => format!("{} sightings, first {f}, last {l}", r.sightings),
                    _ => "not seen".into(),
                };
                write!(
                    out,
                    "{}  {}  {} (issue {}, {})  {}  {}  {}",
                    r.id, r.recipient, r.export, r.issuance, r.issued_at, r.country, r.state, seen
                )?;
                if let Some(c) = shown {
                    write!(out, "  {} {} <{}> {}", c.first, c.last, c.email, c.phone)?;
                }
                writeln!(out)?;
            }
        }
    }
    Ok(exit::CLEAN)
}

fn stats(a: &FormatArgs) -> Result<u8> {
    let db = open_db()?;
    let (per, unknown) = db.stats()?;
    let alerts = db.alerts()?;
    let mut out = std::io::stdout().lock();
    match a.format {
        OutFormat::Jsonl => {
            for r in &per {
                writeln!(out, "{}", serde_json::json!({ "recipient": r }))?;
            }
            writeln!(
                out,
                "{}",
                serde_json::json!({ "unknown_rcpt": unknown, "alerts": alerts.len(),
                    "alerts_failed": alerts.iter().filter(|a| a.status != "delivered").count() })
            )?;
        }
        OutFormat::Human => {
            for r in &per {
                writeln!(
                    out,
                    "{}: {} canaries ({} revoked), {} sightings, first {}, last {}, incident {}",
                    r.recipient,
                    r.canaries,
                    r.revoked,
                    r.sightings,
                    r.first_seen.as_deref().unwrap_or("-"),
                    r.last_seen.as_deref().unwrap_or("-"),
                    r.incident.as_deref().unwrap_or("-")
                )?;
            }
            for (d, n) in &unknown {
                writeln!(out, "mail to unknown addresses at {d}: {n}")?;
            }
            for al in &alerts {
                writeln!(
                    out,
                    "alert for {}: {} after {} attempts{}",
                    al.recipient,
                    al.status,
                    al.attempts,
                    al.last_error
                        .as_deref()
                        .map(|e| format!(" (last error: {e})"))
                        .unwrap_or_default()
                )?;
            }
        }
    }
    Ok(exit::CLEAN)
}

fn webhook(db: &CanaryDb, a: &WebhookArgs) -> Result<Option<WebhookConfig>> {
    let url = match &a.webhook {
        Some(u) => Some(u.clone()),
        None => db.setting("webhook")?,
    };
    Ok(url.map(|u| WebhookConfig {
        attempts: a.webhook_attempts.max(1),
        backoff: Duration::from_millis(a.webhook_backoff_ms),
        ..WebhookConfig::new(u)
    }))
}

/// The canaries (fingerprints keyed with the registry key) and a recorder
/// writing to the state file and the store.
fn load(loc: &Location, store: &StoreArgs, hook: &WebhookArgs) -> Result<(CanarySet, Recorder)> {
    let (db, set) = load_set(loc)?;
    Ok((set, recorder(db, store, hook)?))
}

/// The state file and the canaries in it, fingerprinted with the registry key.
fn load_set(loc: &Location) -> Result<(CanaryDb, CanarySet)> {
    let key = loc.key()?;
    let db = open_db()?;
    let set = CanarySet::load(&db, Fingerprinter::new(&key))?;
    Ok((db, set))
}

/// A recorder of sightings: the state file, the incident store and the webhook.
fn recorder(db: CanaryDb, store: &StoreArgs, hook: &WebhookArgs) -> Result<Recorder> {
    let hook = webhook(&db, hook)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let session = rt.block_on(crate::incident::connect(store))?;
    Ok(Recorder::new(
        db,
        rt,
        session.store,
        session.actor,
        display_key()?,
        hook,
    ))
}

fn listen(a: &ListenArgs) -> Result<u8> {
    let (set, rec) = load(&a.location, &a.store, &a.webhook)?;
    if set.is_empty() {
        bail!("no canaries issued yet: run `breachwatch canary issue` first");
    }
    let cfg = ListenConfig {
        max_message: a.max_message,
        max_rcpt: a.max_rcpt.max(1),
        max_sessions: a.max_sessions.max(1),
        idle: Duration::from_secs(a.idle_secs.max(1)),
        session_time: Duration::from_secs(a.session_secs.max(1)),
        ..ListenConfig::new(a.smtp)
    };
    let listener = smtp::start(cfg, Arc::new(set), Box::new(rec), a.threads)
        .with_context(|| format!("listening on {}", a.smtp))?;
    // The first line of stdout is the address, for scripts and tests.
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", listener.local_addr())?;
    out.flush()?;
    drop(out);
    listener.join();
    Ok(exit::CLEAN)
}

fn check(a: &CheckArgs) -> Result<u8> {
    let (set, rec) = load(&a.location, &a.store, &a.webhook)?;
    if set.is_empty() {
        eprintln!("no canaries issued: nothing to look for");
        return Ok(exit::CLEAN);
    }
    let mut opts = bw_scan::Options {
        kinds: [Kind::Email, Kind::PhoneNumber]
            .into_iter()
            .collect::<KindSet>(),
        // A canary is known by its fingerprint, not by how personal it
        // looks: every valid email and phone is checked.
        min_score: 0.0,
        digest: true,
        lines: false,
        ..bw_scan::Options::default()
    };
    if let Some(t) = a.threads {
        opts.walk.threads = t.max(1);
    }
    let pipeline = bw_scan::Pipeline::new(opts);
    let hits = Hits::new();
    let problems = Mutex::new(Vec::new());
    pipeline.run(&a.paths, || {
        Watch::new(
            Nothing {
                problems: Some(&problems),
            },
            &set,
            &hits,
        )
    });
    for p in problems.into_inner().unwrap_or_default() {
        eprintln!("breachwatch: {p}");
    }
    let groups = hits.into_groups();
    let mut out = std::io::stdout().lock();
    for g in &groups {
        for h in &g.hits {
            writeln!(out, "{}", hit_line(h))?;
        }
    }
    drop(out);
    let failed = if a.no_record {
        rec.close();
        false
    } else {
        record(&groups, rec)?
    };
    Ok(if failed {
        exit::ERROR
    } else if groups.is_empty() {
        exit::CLEAN
    } else {
        exit::FOUND
    })
}

/// `member:start-end: canary ID (kind) issued to R with EXPORT (issue N)`.
fn hit_line(h: &bw_canary::visitor::ScanHit) -> String {
    format!(
        "{}:{}-{}: canary {} ({}) issued to {} with {} (issue {}){}",
        h.member,
        h.start,
        h.end,
        h.canary.id,
        h.kind.as_str(),
        h.canary.recipient,
        h.canary.export,
        h.canary.issuance,
        if h.canary.revoked { ", revoked" } else { "" }
    )
}

/// Records each input's sightings (opening or updating the recipient's
/// incident, firing the webhook); returns whether any could not be.
fn record(groups: &[bw_canary::visitor::InputHits], mut rec: Recorder) -> Result<bool> {
    let mut failed = false;
    for g in groups {
        let Some((sha256, size)) = g.digest.clone() else {
            eprintln!(
                "breachwatch: {}: not hashed, sighting not recorded",
                g.input
            );
            failed = true;
            continue;
        };
        let ev = SightingEvidence {
            recipient: g.recipient.clone(),
            canaries: g
                .hits
                .iter()
                .map(|h| {
                    let as_what = if h.kind == Kind::Email {
                        "email"
                    } else {
                        "phone"
                    };
                    (h.canary.id.clone(), as_what)
                })
                .collect(),
            channel: "scan",
            sha256,
            size,
            source: g.input.clone(),
            detail: None,
        };
        let r = rec
            .record(&ev)
            .with_context(|| format!("recording the sighting in {}", g.input))?;
        eprintln!(
            "{} {} for {}: {}",
            if r.opened { "opened" } else { "updated" },
            r.incident,
            g.recipient,
            if r.new_evidence {
                "evidence added"
            } else {
                "evidence already recorded"
            }
        );
        if let Some(d) = r.alert.filter(|d| !d.delivered) {
            eprintln!(
                "breachwatch: webhook alert failed after {} attempts: {}",
                d.attempts,
                d.last_error.unwrap_or_default()
            );
        }
    }
    rec.close();
    Ok(failed)
}

/// A `canary` finding kept by the scope hook: member, offset, the JSON
/// object.
type CanaryLine = (String, u64, Vec<u8>);

/// What `scan` and `scope` watch for on every run once canaries have been
/// issued: the canary set and a recorder of sightings in the default
/// store. `None` when no canary was ever issued (no state file), so a
/// plain scan pays nothing.
pub struct Watching {
    pub set: Arc<CanarySet>,
    pub hits: Arc<Hits>,
    /// `canary` findings seen through [`Watching::scope_hook`]: member,
    /// offset, the JSON object.
    lines: Arc<Mutex<Vec<CanaryLine>>>,
    /// The state file; the store is opened only if a canary is seen, so a
    /// scan that sees none never connects to it.
    db: CanaryDb,
}

impl Watching {
    pub fn load() -> Result<Option<Watching>> {
        if !paths()?.db.exists() {
            return Ok(None);
        }
        let loc = Location {
            registry: None,
            key_file: None,
        };
        let (db, set) = load_set(&loc)?;
        if set.is_empty() {
            return Ok(None);
        }
        Ok(Some(Watching {
            set: Arc::new(set),
            hits: Arc::new(Hits::new()),
            lines: Arc::default(),
            db,
        }))
    }

    /// The hook that checks scope's (or add-evidence's) findings against
    /// the canaries. Each canary seen is also kept as a JSON line, the
    /// `canary` finding `scan --format jsonl` prints (its value redacted
    /// unless `reveal`), for [`Watching::take_lines`].
    pub fn scope_hook(&self, reveal: bool) -> bw_scope::FindingHook {
        let (set, hits) = (Arc::clone(&self.set), Arc::clone(&self.hits));
        let lines = Arc::clone(&self.lines);
        bw_scope::FindingHook(Arc::new(move |found| {
            let Some(info) = hits.check(&set, found) else {
                return;
            };
            let rec = bw_report::Record {
                path: found.path,
                start: found.start as usize,
                end: found.end as usize,
                line: found.line,
                column: found.column,
                kind: found.kind,
                score: found.score,
                detector: found.detector,
                value: found.value,
                reveal,
                location: found.location,
            };
            let mark = bw_report::CanaryMark {
                id: &info.id,
                recipient: &info.recipient,
                export: &info.export,
                issue: info.issuance,
                revoked: info.revoked,
            };
            let mut line = Vec::new();
            bw_report::JsonlWriter::default().write_canary(&mut line, &rec, &mark);
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            let mut all = lines.lock().unwrap_or_else(|p| p.into_inner());
            all.push((found.path.to_string(), found.start, line));
        }))
    }

    /// The `canary` findings the hook kept, as JSON objects (one a line,
    /// no newline), in member and offset order.
    pub fn take_lines(&self) -> Vec<Vec<u8>> {
        let mut all = std::mem::take(&mut *self.lines.lock().unwrap_or_else(|p| p.into_inner()));
        all.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        all.into_iter().map(|(_, _, line)| line).collect()
    }

    /// Reports each canary seen on stderr (stdout carries the scan's own
    /// output format) and records the sightings; returns how many canaries
    /// were seen and whether recording any failed.
    pub fn finish(self) -> Result<(usize, bool)> {
        // Every hook clone was dropped with the run's options.
        let hits = Arc::try_unwrap(self.hits)
            .map_err(|_| anyhow::anyhow!("canary hits still shared after the run"))?;
        let groups = hits.into_groups();
        let seen = groups.iter().map(|g| g.hits.len()).sum();
        for g in &groups {
            for h in &g.hits {
                eprintln!("breachwatch: {}", hit_line(h));
            }
        }
        if groups.is_empty() {
            return Ok((0, false));
        }
        let rec = recorder(self.db, &StoreArgs::default(), &WebhookArgs::default())?;
        let failed = record(&groups, rec)?;
        Ok((seen, failed))
    }
}

/// After every registry import: canaries that now equal a customer (same
/// email or phone) are retired so they never attribute a real person's
/// data to a recipient. Called by `registry import`.
pub fn after_import(dir: &Path, key: &Key) -> Result<()> {
    let p = paths()?;
    if !p.db.exists() {
        return Ok(());
    }
    let mut db = open_db()?;
    let reg =
        Registry::open(dir, key).with_context(|| format!("opening registry {}", dir.display()))?;
    let hits = db.collisions(&reg, &display_key()?)?;
    if !hits.is_empty() {
        db.retire(&hits, "equals a registry customer")?;
        eprintln!(
            "warning: {} canaries now equal registry customers and were retired (no longer attribute): {}",
            hits.len(),
            hits.join(", ")
        );
    }
    Ok(())
}
