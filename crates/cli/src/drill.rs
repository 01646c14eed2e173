//! `breachwatch drill`: a whole synthetic breach through every stage —
//! generate → scan → registry import → scope → incident → obligations →
//! notify — on embedded defaults in one directory, scored against the
//! scenario's truth by `bw-drill`.
//!
//! The output directory is a self-contained data directory: `leak/`,
//! `customers.csv`, `registry/` with its key in `keys/`, the SQLite store,
//! the truth files and `report.{json,md,html}`. Nothing outside it is read
//! or written (no config file, no `BREACHWATCH_HOME`).
//!
//! Exit codes: 0 every stage met the truth, 1 a stage missed (the report
//! names what), 2 the drill could not run.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use bw_corpus::score::Finding as ScoredFinding;
use bw_detect::Kind;
use bw_drill::report::{self, Notices, Stage};
use bw_drill::scenario::{SHOP, SHOP_DOMAIN};
use bw_drill::{GenOptions, Generated, Report, Scenario};
use bw_notify::message::message_id;
use bw_notify::sink::SmtpSink;
use bw_notify::{Campaign, NoticeTexts, SendOptions, SmtpSettings, Templates};
use bw_registry::ImportSource;
use bw_scan::{Found, Pipeline, Problem, Visitor, WalkOptions};
use bw_store::{Evidence, IncidentId, NewIncident, Severity, Store, SQLITE_FILE_NAME};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use time::OffsetDateTime;

use crate::exit;

/// Marks a directory as a drill's, so a rerun may clear it.
const MARKER: &str = ".breachwatch-drill";
const ACTOR: &str = "breachwatch-drill";

#[derive(Args, Debug)]
pub struct DrillArgs {
    /// product-pages (default), contractor-export or log-bucket.
    #[arg(long, default_value = "product-pages")]
    pub scenario: String,
    /// Size of the synthetic customer base.
    #[arg(long, default_value_t = 20_000)]
    pub customers: u64,
    /// Customers the leak exposes [default: one in 25].
    #[arg(long)]
    pub exposed: Option<u64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory for the drill's data and reports [default: a new
    /// directory under the system temp dir]. An existing directory must be
    /// empty or an earlier drill's.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Scanning threads [default: all cores].
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Test only: drop the scan's findings of this kind, to show a drill
    /// failing on a detector that misses.
    #[arg(long, hide = true, value_name = "KIND")]
    pub weaken_detector: Vec<String>,
}

pub fn run(args: DrillArgs) -> Result<u8> {
    let scenario: Scenario = args.scenario.parse()?;
    let mut weakened = Vec::new();
    for k in &args.weaken_detector {
        weakened.push(k.parse::<Kind>()?);
    }
    let out = prepare_out(args.out.as_deref())?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let opts = GenOptions {
        scenario,
        customers: args.customers,
        exposed: args.exposed,
        seed: args.seed,
    };
    // Two workers: the SMTP sink and the sender run side by side.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = rt.block_on(drill(&out, &opts, threads, &weakened))?;
    report
        .write(&out)
        .with_context(|| format!("writing the reports into {}", out.display()))?;
    print!("{}", report.to_text());
    println!(
        "\nreports: {}, {}, {}",
        out.join("report.json").display(),
        out.join("report.md").display(),
        out.join("report.html").display()
    );
    Ok(if report.passed {
        exit::CLEAN
    } else {
        exit::FOUND
    })
}

/// The output directory, created or cleared; never someone else's files.
fn prepare_out(out: Option<&Path>) -> Result<PathBuf> {
    let dir = match out {
        Some(d) => d.to_path_buf(),
        None => {
            let stamp = OffsetDateTime::now_utc().unix_timestamp();
            std::env::temp_dir().join(format!("breachwatch-drill-{stamp}-{}", std::process::id()))
        }
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .peekable();
        if entries.peek().is_some() {
            if !dir.join(MARKER).exists() {
                bail!(
                    "{} is not empty and not an earlier drill's directory: give an empty or new --out",
                    dir.display()
                );
            }
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("clearing the earlier drill in {}", dir.display()))?;
        }
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        "a breachwatch drill directory; cleared by the next drill\n",
    )
    .with_context(|| format!("writing into {}", dir.display()))?;
    // Reports name files relative to the directory, and the walk below
    // prints paths as given: make both absolute and canonical.
    std::fs::canonicalize(&dir).with_context(|| format!("resolving {}", dir.display()))
}

/// One stage's progress line on a terminal (nothing otherwise).
struct Spinner(Option<ProgressBar>);

impl Spinner {
    fn start(name: &str) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner(Some(bar))
    }

    fn done(self, stage: &Stage) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
            eprintln!(
                "✓ {:<14} {:>7.2}s  {}",
                stage.name, stage.seconds, stage.detail
            );
        }
    }
}

/// The stages run so far.
struct Stages(Vec<Stage>);

impl Stages {
    /// Records `stage`, which started at `t0`, and closes its spinner.
    fn push(&mut self, sp: Spinner, t0: Instant, mut stage: Stage) {
        stage.seconds = t0.elapsed().as_secs_f64();
        stage.throughput = (stage.seconds > 0.0).then(|| stage.items as f64 / stage.seconds);
        sp.done(&stage);
        self.0.push(stage);
    }
}

/// A stage's figures; its time is filled in by [`Stages::push`].
fn stage(name: &str, items: u64, unit: &str, bytes: Option<u64>, detail: String) -> Stage {
    Stage {
        name: name.into(),
        seconds: 0.0,
        items,
        unit: unit.into(),
        throughput: None,
        bytes,
        detail,
    }
}

async fn drill(out: &Path, opts: &GenOptions, threads: usize, weakened: &[Kind]) -> Result<Report> {
    let mut stages = Stages(Vec::new());

    let (t0, sp) = (Instant::now(), Spinner::start("generate"));
    let generated = bw_drill::generate(out, opts)
        .with_context(|| format!("generating the {} scenario", opts.scenario))?;
    stages.push(
        sp,
        t0,
        stage(
            "generate",
            generated.bytes,
            "B",
            Some(generated.bytes),
            format!(
                "{} customers, {} leak file(s) of {:.1} MB, {} exposed customers and {} guests, {} labelled spans",
                opts.customers,
                generated.files,
                generated.bytes as f64 / 1e6,
                generated.truth.exposed.len(),
                generated.truth.guests,
                generated.truth.spans.len()
            ),
        ),
    );

    let (t0, sp) = (Instant::now(), Spinner::start("scan"));
    let scanned = scan(out, &generated.leak_dir, threads, weakened)?;
    let detection = report::detection(&generated.truth.spans, scanned.findings);
    stages.push(
        sp,
        t0,
        stage(
            "scan",
            scanned.bytes,
            "B",
            Some(scanned.bytes),
            format!(
                "{} members, {:.1} MB decompressed, {} findings{}",
                scanned.members,
                scanned.bytes as f64 / 1e6,
                detection.found,
                if scanned.errors > 0 {
                    format!(", {} errors", scanned.errors)
                } else {
                    String::new()
                }
            ),
        ),
    );

    let (t0, sp) = (Instant::now(), Spinner::start("registry import"));
    let registry_dir = out.join("registry");
    let key_file = out.join("keys").join("registry.key");
    std::fs::create_dir_all(out.join("keys")).context("creating the key directory")?;
    let (key, _) = bw_registry::init_with_key_file(&registry_dir, &key_file)
        .with_context(|| format!("initialising registry {}", registry_dir.display()))?;
    let imported = bw_registry::import_csv_file(
        &registry_dir,
        &key,
        &generated.customers_csv,
        &bw_registry::ImportOptions::default(),
    )
    .with_context(|| format!("importing {}", generated.customers_csv.display()))?;
    let registry = bw_registry::Registry::open(&registry_dir, &key)
        .with_context(|| format!("opening registry {}", registry_dir.display()))?;
    stages.push(
        sp,
        t0,
        stage(
            "registry import",
            imported.rows,
            "rows",
            None,
            format!(
                "{} customers; {} email, {} phone, {} name fingerprints; {} rows skipped",
                imported.customers,
                imported.email_fingerprints,
                imported.phone_fingerprints,
                imported.name_fingerprints,
                imported.skipped_rows
            ),
        ),
    );

    // Notices go to the addresses in the customer source the registry
    // recorded at import, as `notify send` reads them.
    let source = registry
        .try_import_source()
        .context("reading the registry's recorded customer source")?
        .context("the registry recorded no customer source")?
        .resolved()
        .context("resolving the registry's customer source")?;

    let (t0, sp) = (Instant::now(), Spinner::start("scope"));
    let scope_opts = bw_scope::ScopeOptions {
        threads,
        // Enough spans to place every customer in every file they are in.
        max_evidence: 64,
        ..bw_scope::ScopeOptions::default()
    };
    let scoped = bw_scope::scope(
        std::slice::from_ref(&generated.leak_dir),
        &registry,
        &scope_opts,
    )
    .context("scoping the leak")?;
    let found: BTreeSet<String> = scoped
        .affected
        .iter()
        .map(|a| a.customer_id.clone())
        .collect();
    let scope = report::scope_result(&generated.truth, &found);
    stages.push(
        sp,
        t0,
        stage(
            "scope",
            scoped.bytes_scanned,
            "B",
            Some(scoped.bytes_scanned),
            format!(
                "{} affected customers, {} ambiguous identifiers, {} distinct unmatched emails{}",
                scoped.affected.len(),
                scoped.ambiguous.len(),
                scoped.unmatched.email,
                if scoped.errors.is_empty() {
                    String::new()
                } else {
                    format!(", {} errors", scoped.errors.len())
                }
            ),
        ),
    );

    let (t0, sp) = (Instant::now(), Spinner::start("incident"));
    let db = out.join(SQLITE_FILE_NAME);
    let store = Store::open_sqlite(&db)
        .await
        .with_context(|| format!("opening the store {}", db.display()))?;
    let res = incident_and_after(
        out,
        opts,
        &generated,
        &scoped,
        source,
        &store,
        &mut stages,
        t0,
        sp,
    )
    .await;
    store.close().await;
    let (incident, discovered, obligations, notices) = res?;

    let mut report = Report {
        scenario: opts.scenario.as_str().into(),
        title: opts.scenario.title().into(),
        seed: opts.seed,
        customers: opts.customers,
        incident: Some(incident),
        discovered_at: discovered,
        weakened: weakened.iter().map(|k| k.as_str().to_string()).collect(),
        stages: stages.0,
        detection,
        scope,
        obligations,
        notices,
        floors: report::Floors::default(),
        misses: Vec::new(),
        passed: false,
    };
    report.judge();
    Ok(report)
}

type AfterScope = (String, String, Vec<report::Obligation>, Notices);

/// Incident, obligations and notify: everything that needs the store.
#[allow(clippy::too_many_arguments)]
async fn incident_and_after(
    _out: &Path,
    opts: &GenOptions,
    generated: &Generated,
    scoped: &bw_scope::ScopeReport,
    source: ImportSource,
    store: &Store,
    stages: &mut Stages,
    t0: Instant,
    sp: Spinner,
) -> Result<AfterScope> {
    // Whole seconds: deadlines read better and the stored text round-trips.
    let now = OffsetDateTime::now_utc();
    let discovered = now.replace_nanosecond(0).unwrap_or(now);
    let id = store
        .open_incident(
            &NewIncident {
                title: format!("Drill: {}", opts.scenario.title()),
                description: format!(
                    "breachwatch drill, scenario {}, {} customers, seed {}",
                    opts.scenario, opts.customers, opts.seed
                ),
                discovered_at: discovered,
                detected_by: "drill".into(),
                severity: Severity::High,
            },
            ACTOR,
        )
        .await
        .context("opening the incident")?;
    let mut recorded = 0u64;
    for file in &scoped.files {
        let evidence = Evidence {
            source: file.path.clone(),
            sha256: file.sha256.clone(),
            size_bytes: file.size,
            collected_at: OffsetDateTime::now_utc(),
            finding_counts: file
                .findings
                .iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect(),
            encrypted: false,
        };
        let affected = bw_incident::affected::in_input(&file.path, scoped);
        recorded += affected.len() as u64;
        store
            .add_evidence(&id, &evidence, &affected, ACTOR)
            .await
            .with_context(|| format!("adding {} to {id}", file.path))?;
    }
    let stored = store
        .affected(&id)
        .await
        .context("reading affected customers")?;
    stages.push(
        sp,
        t0,
        stage(
            "incident",
            stored.len() as u64,
            "customers",
            None,
            format!(
                "{id}: {} evidence file(s), {} affected customers recorded ({recorded} file links)",
                scoped.files.len(),
                stored.len()
            ),
        ),
    );

    let (t0, sp) = (Instant::now(), Spinner::start("obligations"));
    // The same code path as `incident obligations`: what the store holds
    // for the incident, evaluated and stored the same way.
    let inc = store.incident(&id).await.context("reading the incident")?;
    let evidence = store.evidence(&id).await.context("reading evidence")?;
    let computed = bw_incident::obligations::compute(&inc, &evidence, &stored)?;
    let report::Evaluated {
        rows: obligations,
        rules_version,
        ..
    } = report::compare(computed.rows, &generated.truth, discovered)
        .context("evaluating obligations")?;
    let body = computed.body;
    let discovered_text = bw_store::format_ts(discovered).context("formatting discovery time")?;
    store
        .put_obligations(&id, &body, &rules_version, ACTOR)
        .await
        .context("storing obligations")?;
    let required = obligations
        .iter()
        .filter(|o| o.individual_notice == "required")
        .count();
    stages.push(
        sp,
        t0,
        stage(
            "obligations",
            obligations.len() as u64,
            "jurisdictions",
            None,
            format!(
                "{} jurisdictions, individual notice required in {required}, rules {rules_version}",
                obligations.len()
            ),
        ),
    );

    let notices = notify(&id, generated, source, store, stages).await?;
    Ok((id.to_string(), discovered_text, obligations, notices))
}

/// Plans one notice per affected customer, sends them to an in-process
/// SMTP sink, sends again (which must send nothing), and counts what the
/// sink accepted against what was due and against the truth.
async fn notify(
    id: &IncidentId,
    generated: &Generated,
    source: ImportSource,
    store: &Store,
    stages: &mut Stages,
) -> Result<Notices> {
    let (t0, sp) = (Instant::now(), Spinner::start("notify plan"));
    let templates = Templates::load(None).context("loading the embedded notice templates")?;
    let texts = notice_texts();
    let affected = store
        .affected(id)
        .await
        .context("reading affected customers")?;
    let content = bw_law::NoticeContent::embedded().context("loading notice content rules")?;
    let problems = templates.lint(&content, &bw_notify::plan::uses(&affected), &texts);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        bail!("notice template problems:\n  {}", list.join("\n  "));
    }
    let plan_opts = bw_notify::plan::PlanOptions {
        domain: SHOP_DOMAIN.into(),
        required_only: false,
    };
    let planned = bw_notify::plan(store, id, &plan_opts, ACTOR)
        .await
        .context("planning notices")?;
    let due = planned.outcome.added + planned.outcome.existing;
    let needs: Vec<String> = planned
        .by_need
        .iter()
        .map(|(need, n)| format!("{need} {n}"))
        .collect();
    stages.push(
        sp,
        t0,
        stage(
            "notify plan",
            due,
            "notices",
            None,
            format!("{due} notices planned (legal need: {})", needs.join(", ")),
        ),
    );

    let (t0, sp) = (Instant::now(), Spinner::start("notify send"));
    let sink = SmtpSink::start("127.0.0.1:0")
        .await
        .context("starting the in-process SMTP sink")?;
    let campaign = Campaign {
        templates: Arc::new(templates),
        texts,
    };
    let smtp = SmtpSettings {
        url: sink.url(),
        from: format!("{SHOP} <privacy@{SHOP_DOMAIN}>"),
        timeout: Duration::from_secs(30),
    };
    let send_opts = SendOptions {
        retry_base: Duration::from_millis(200),
        actor: ACTOR.into(),
        ..SendOptions::default()
    };
    let first = bw_notify::send(
        store,
        id,
        bw_notify::contacts::from_source(source.clone()),
        &campaign,
        &smtp,
        &send_opts,
        None,
    )
    .await
    .context("sending notices")?;
    // A clean rerun must find nothing left to send.
    let second = bw_notify::send(
        store,
        id,
        bw_notify::contacts::from_source(source),
        &campaign,
        &smtp,
        &send_opts,
        None,
    )
    .await
    .context("sending notices again")?;
    let status = bw_notify::status::status(store, id)
        .await
        .context("reading the outbox status")?;
    let accepted = sink.accepted();
    let expected: BTreeSet<String> = affected
        .iter()
        .map(|a| message_id(id.as_str(), &a.customer_id, bw_notify::EMAIL, SHOP_DOMAIN))
        .collect();
    let mut seen: BTreeMap<&str, u64> = BTreeMap::new();
    let mut unexpected = 0u64;
    let mut recipients: BTreeSet<String> = BTreeSet::new();
    for a in &accepted {
        match a.message_id.as_deref().filter(|m| expected.contains(*m)) {
            Some(m) => *seen.entry(m).or_default() += 1,
            None => unexpected += 1,
        }
        recipients.extend(a.recipients.iter().map(|r| r.to_ascii_lowercase()));
    }
    let duplicates = seen.values().map(|n| n - 1).sum();
    let exposed_unnotified = generated
        .truth
        .exposed
        .values()
        .filter(|e| !recipients.contains(&e.email.to_ascii_lowercase()))
        .count() as u64;
    stages.push(
        sp,
        t0,
        stage(
            "notify send",
            accepted.len() as u64,
            "messages",
            None,
            format!(
                "{} sent, {} failed, {} retried; rerun sent {}; the sink accepted {} messages",
                first.sent,
                first.failed,
                first.retried,
                second.sent,
                accepted.len()
            ),
        ),
    );
    Ok(Notices {
        status: "sent".into(),
        due,
        accepted: seen.len() as u64,
        duplicates,
        unexpected,
        failed: status.failed,
        exposed_unnotified,
        note: String::new(),
    })
}

/// The campaign texts of the synthetic retailer.
fn notice_texts() -> NoticeTexts {
    NoticeTexts {
        company_name: SHOP.into(),
        contact: format!("privacy@{SHOP_DOMAIN}, +1 415-200-0199, https://{SHOP_DOMAIN}/privacy"),
        measures: "We fixed the fault that showed account details on product pages, removed the \
                   cached pages, and asked search engines to drop their copies."
            .into(),
        advice: "Be wary of emails that mention your order history or ask you to sign in; we \
                 will never ask for your password by email."
            .into(),
        consequences: "Someone who saw the page could send you unwanted or fraudulent emails."
            .into(),
        regulator_contacts: "Your data protection authority or state attorney general.".into(),
        cra_contacts:
            "Equifax, Experian and TransUnion, whose contact details are on their web sites.".into(),
    }
}

struct Scanned {
    findings: Vec<ScoredFinding>,
    bytes: u64,
    members: u64,
    errors: u64,
}

/// Scans the leak as `breachwatch scan` does (all kinds, archives
/// expanded, CSV hints, the default threshold), keeping each finding's
/// location relative to `out` so it lines up with the truth.
fn scan(out: &Path, leak: &Path, threads: usize, weakened: &[Kind]) -> Result<Scanned> {
    let pipeline = Pipeline::new(bw_scan::Options {
        // Findings are scored by byte offsets: no line numbers to keep.
        lines: false,
        walk: WalkOptions {
            threads,
            ..WalkOptions::default()
        },
        ..bw_scan::Options::default()
    });
    let prefix = format!("{}/", out.display());
    let all = Mutex::new(Scanned {
        findings: Vec::new(),
        bytes: 0,
        members: 0,
        errors: 0,
    });
    let failure: Mutex<Option<String>> = Mutex::new(None);
    pipeline.run(&[leak.to_path_buf()], || Collect {
        local: Scanned {
            findings: Vec::new(),
            bytes: 0,
            members: 0,
            errors: 0,
        },
        all: &all,
        failure: &failure,
        prefix: &prefix,
        weakened,
    });
    if let Some(e) = lock(&failure).take() {
        bail!("scanning the leak: {e}");
    }
    Ok(all.into_inner().unwrap_or_else(|p| p.into_inner()))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking scan thread already failed the drill; the data is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One scan thread's findings, merged into `all` when it ends.
struct Collect<'a> {
    local: Scanned,
    all: &'a Mutex<Scanned>,
    failure: &'a Mutex<Option<String>>,
    prefix: &'a str,
    weakened: &'a [Kind],
}

impl Visitor for Collect<'_> {
    fn finding(&mut self, f: &Found<'_>) -> std::io::Result<()> {
        if self.weakened.contains(&f.kind) {
            return Ok(());
        }
        self.local.findings.push(ScoredFinding {
            path: f
                .path
                .strip_prefix(self.prefix)
                .unwrap_or(f.path)
                .to_string(),
            start: f.start,
            end: f.end,
            kind: f.kind.as_str().to_string(),
            detector: Some(f.detector.to_string()),
        });
        Ok(())
    }

    fn scanned(&mut self, s: &bw_scan::Scanned<'_>) -> std::io::Result<()> {
        self.local.bytes += s.bytes;
        if !s.piece {
            self.local.members += 1;
        }
        Ok(())
    }

    fn problem(&mut self, p: Problem<'_>) {
        match p {
            Problem::Source(_) | Problem::Member(_) | Problem::Read { .. } => {
                self.local.errors += 1
            }
            Problem::Notice(_) | Problem::Skipped(_) => {}
        }
    }

    fn aborted(&mut self, name: &str, e: std::io::Error) {
        *lock(self.failure) = Some(format!("{name}: {e}"));
    }
}

impl Drop for Collect<'_> {
    fn drop(&mut self) {
        let mut all = lock(self.all);
        all.findings.append(&mut self.local.findings);
        all.bytes += self.local.bytes;
        all.members += self.local.members;
        all.errors += self.local.errors;
    }
}
