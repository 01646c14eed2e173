//! `breachwatch notify`: lint templates, plan the outbox, send over SMTP,
//! follow progress, prove a notice, report to a regulator.
//!
//! Settings come from flags, then `[notify]` in config.toml. Contact
//! addresses are read at send time from the customer source the registry
//! was imported from (or `--contacts CSV`); nothing here stores or prints
//! an address.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use bw_notify::send::Campaign;
use bw_notify::{LanguageTexts, NoticeTexts, SendOptions, SendReport, SmtpSettings, Templates};
use bw_registry::{ColumnMap, ImportSource};
use bw_store::IncidentId;
use clap::{Args, Subcommand, ValueEnum};

use crate::home::{self, NotifyConfig};
use crate::incident::{connect, open_registry, print_json, StoreArgs};
use crate::registry::Location;

#[derive(Subcommand, Debug)]
pub enum NotifyCommand {
    /// Check the templates an incident's notices will use: syntax, known
    /// variables, and every content element each jurisdiction requires.
    Lint(LintArgs),
    /// Create one notice per affected customer in the outbox (idempotent:
    /// a re-plan adds only new customers). Lints first.
    Plan(PlanArgs),
    /// Deliver planned notices over SMTP; safe to kill and run again.
    Send(SendArgs),
    /// Counts by status and jurisdiction, against each deadline.
    Status(StatusArgs),
    /// What was sent to one customer, when, and the server's reply.
    Proof(ProofArgs),
    /// A report to one jurisdiction's regulator (Markdown and HTML).
    RegulatorReport(RegulatorArgs),
    /// An SMTP server that accepts and counts everything (benchmarks).
    #[command(hide = true)]
    Sink(SinkArgs),
}

#[derive(Args, Debug, Clone)]
pub struct TemplateArgs {
    /// Directory of `*.txt`/`*.html` templates overriding the built-in ones.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    incident: String,
    #[command(flatten)]
    tpl: TemplateArgs,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    incident: String,
    #[command(flatten)]
    tpl: TemplateArgs,
    /// Plan only notices some law requires (or asks to assess).
    #[arg(long)]
    required_only: bool,
    /// Sender address (its domain makes the Message-IDs) [default: `from` under [notify]].
    #[arg(long)]
    from: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct SendArgs {
    incident: String,
    #[command(flatten)]
    tpl: TemplateArgs,
    /// `smtp://host:port` (add `?tls=required` for STARTTLS) or
    /// `smtps://host:port`; `user:password@` may be given, or the password
    /// in BREACHWATCH_SMTP_PASSWORD.
    #[arg(long, value_name = "URL")]
    smtp_url: Option<String>,
    /// From mailbox, e.g. "Example Shop <privacy@shop.example>".
    #[arg(long)]
    from: Option<String>,
    /// SMTP transactions in flight [default: 8].
    #[arg(long)]
    concurrency: Option<usize>,
    /// Messages per second [default: no limit].
    #[arg(long)]
    rate: Option<f64>,
    /// Attempts before a temporary failure is final [default: 5].
    #[arg(long)]
    max_attempts: Option<u32>,
    /// First retry delay in seconds, doubled per attempt [default: 30].
    #[arg(long, value_name = "SECS")]
    retry_base: Option<f64>,
    /// Read contacts from this CSV instead of the registry's recorded source.
    #[arg(long, value_name = "CSV")]
    contacts: Option<PathBuf>,
    /// Column map for --contacts, as for `registry import --map`.
    #[arg(long, requires = "contacts")]
    map: Option<String>,
    /// Put failed notices back in the queue first.
    #[arg(long)]
    retry_failed: bool,
    /// No progress line.
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    location: Location,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum OutFormat {
    Human,
    Json,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    incident: String,
    #[arg(long, value_enum, default_value_t = OutFormat::Human)]
    format: OutFormat,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct ProofArgs {
    incident: String,
    customer_id: String,
    #[arg(long, value_enum, default_value_t = OutFormat::Human)]
    format: OutFormat,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct RegulatorArgs {
    incident: String,
    /// Jurisdiction code, e.g. US-CA, EU, GB.
    #[arg(long)]
    jurisdiction: String,
    /// Write `regulator-<code>.md` and `.html` here instead of printing Markdown.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct SinkArgs {
    #[arg(long, default_value = "127.0.0.1:2525")]
    listen: String,
}

fn config() -> Result<NotifyConfig> {
    Ok(home::Config::load(&home::data_dir()?)?.notify)
}

pub(crate) fn texts(cfg: &NotifyConfig) -> NoticeTexts {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    NoticeTexts {
        company_name: s(&cfg.company_name),
        contact: s(&cfg.contact),
        measures: s(&cfg.measures),
        advice: s(&cfg.advice),
        consequences: s(&cfg.consequences),
        identity_protection: s(&cfg.identity_protection),
        language: cfg.texts_language().to_string(),
        translations: cfg
            .texts
            .iter()
            .map(|(lang, t)| {
                let texts = LanguageTexts {
                    contact: t.contact.clone(),
                    measures: t.measures.clone(),
                    advice: t.advice.clone(),
                    consequences: t.consequences.clone(),
                    identity_protection: t.identity_protection.clone(),
                };
                (lang.clone(), texts)
            })
            .collect(),
        // Each notice takes its regulator and credit-bureau contacts from its
        // own jurisdictions' rule data (bw-law), so `regulator-contacts` and
        // `cra-contacts` under [notify] are not passed on.
    }
}

fn templates(a: &TemplateArgs, cfg: &NotifyConfig) -> Result<Templates> {
    let dir = a.templates.clone().or(cfg.templates.clone());
    Templates::load(dir.as_deref()).context("loading notice templates")
}

fn incident_id(s: &str) -> Result<IncidentId> {
    Ok(IncidentId::new(s.trim()))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub fn run(cmd: NotifyCommand) -> Result<u8> {
    let rt = runtime()?;
    rt.block_on(async {
        match cmd {
            NotifyCommand::Lint(a) => lint(a).await,
            NotifyCommand::Plan(a) => plan(a).await,
            NotifyCommand::Send(a) => send(a).await,
            NotifyCommand::Status(a) => status(a).await,
            NotifyCommand::Proof(a) => proof(a).await,
            NotifyCommand::RegulatorReport(a) => regulator(a).await,
            NotifyCommand::Sink(a) => sink(a).await,
        }
    })
}

/// Lint problems for the incident's notices; empty when all is well.
async fn problems(
    store: &bw_store::Store,
    id: &IncidentId,
    tpl: &Templates,
    cfg: &NotifyConfig,
) -> Result<Vec<bw_notify::TemplateProblem>> {
    let content = bw_law::NoticeContent::embedded().context("loading notice content rules")?;
    Ok(bw_notify::lint::problems(store, id, tpl, &content, &texts(cfg)).await?)
}

/// What lint asks a person without failing (content that turns on a fact
/// the incident does not record; campaign texts notices in another
/// language would print untranslated).
async fn asks(
    store: &bw_store::Store,
    id: &IncidentId,
    tpl: &Templates,
    cfg: &NotifyConfig,
) -> Result<Vec<bw_notify::TemplateProblem>> {
    let content = bw_law::NoticeContent::embedded().context("loading notice content rules")?;
    Ok(bw_notify::lint::warnings(store, id, tpl, &content, &texts(cfg)).await?)
}

async fn lint(a: LintArgs) -> Result<u8> {
    let cfg = config()?;
    let tpl = templates(&a.tpl, &cfg)?;
    let s = connect(&a.store).await?;
    let id = incident_id(&a.incident)?;
    let found = problems(&s.store, &id, &tpl, &cfg).await;
    let asked = asks(&s.store, &id, &tpl, &cfg).await;
    s.store.close().await;
    let (found, asked) = (found?, asked?);
    for p in &found {
        println!("{p}");
    }
    // Questions for a person, not failures: the exit code is the problems'.
    for p in &asked {
        println!("warning: {p}");
    }
    if found.is_empty() {
        eprintln!("breachwatch: templates OK for every jurisdiction of {id}");
        Ok(crate::exit::CLEAN)
    } else {
        eprintln!("breachwatch: {} template problem(s)", found.len());
        Ok(crate::exit::FOUND)
    }
}

fn sender(flag: &Option<String>, cfg: &NotifyConfig) -> Result<String> {
    flag.clone().or(cfg.from.clone()).ok_or_else(|| {
        anyhow!(
            "no sender: give --from \"Shop <privacy@shop.example>\" or set `from` under [notify]"
        )
    })
}

fn domain_of(from: &str) -> Result<String> {
    Ok(bw_notify::plan::sender_domain(from)?)
}

async fn plan(a: PlanArgs) -> Result<u8> {
    let cfg = config()?;
    let tpl = templates(&a.tpl, &cfg)?;
    let domain = domain_of(&sender(&a.from, &cfg)?)?;
    let s = connect(&a.store).await?;
    let id = incident_id(&a.incident)?;
    let res = async {
        let found = problems(&s.store, &id, &tpl, &cfg).await?;
        if !found.is_empty() {
            for p in &found {
                eprintln!("  {p}");
            }
            bail!(
                "{} template problem(s): fix them (`breachwatch notify lint {id}`) before planning",
                found.len()
            );
        }
        for p in asks(&s.store, &id, &tpl, &cfg).await? {
            eprintln!("breachwatch: warning: {p}");
        }
        let opts = bw_notify::plan::PlanOptions {
            domain,
            required_only: a.required_only,
        };
        Ok(bw_notify::plan(&s.store, &id, &opts, &s.actor).await?)
    }
    .await;
    s.store.close().await;
    let summary = res?;
    println!(
        "{id}: {} notice(s) added, {} already planned{}",
        summary.outcome.added,
        summary.outcome.existing,
        if a.required_only {
            format!(
                ", {} not required by law and left out",
                summary.not_required
            )
        } else {
            String::new()
        }
    );
    for (need, n) in &summary.by_need {
        println!("  legal need {need}: {n}");
    }
    Ok(crate::exit::CLEAN)
}

fn contact_source(a: &SendArgs) -> Result<ImportSource> {
    if let Some(path) = &a.contacts {
        let columns = match &a.map {
            Some(spec) => ColumnMap::parse(spec).context("--map")?,
            None => ColumnMap::default(),
        };
        return Ok(ImportSource::Csv {
            path: path.clone(),
            columns,
        });
    }
    let reg = open_registry(&a.location)?
        .ok_or_else(|| anyhow!("no registry: import customers first, or give --contacts CSV"))?;
    let src = reg
        .try_import_source()
        .context("reading the registry's recorded customer source")?
        .ok_or_else(|| {
            anyhow!(
                "the registry does not record where its customers came from: give --contacts CSV"
            )
        })?;
    src.resolved()
        .context("the registry's customer source cannot be re-read; give --contacts CSV")
}

async fn send(a: SendArgs) -> Result<u8> {
    let cfg = config()?;
    let tpl = templates(&a.tpl, &cfg)?;
    let from = sender(&a.from, &cfg)?;
    let url = a.smtp_url.clone().or(cfg.smtp_url.clone()).ok_or_else(|| {
        anyhow!("no SMTP server: give --smtp-url or set `smtp-url` under [notify]")
    })?;
    let url = with_env_password(&url);
    let source = contact_source(&a)?;
    let opts = SendOptions {
        concurrency: a.concurrency.or(cfg.concurrency).unwrap_or(8),
        rate_per_sec: a.rate.or(cfg.rate),
        max_attempts: a.max_attempts.or(cfg.max_attempts).unwrap_or(5),
        retry_base: Duration::from_secs_f64(
            a.retry_base
                .or(cfg.retry_base_secs)
                .unwrap_or(30.0)
                .max(0.0),
        ),
        ..SendOptions::default()
    };
    let s = connect(&a.store).await?;
    let opts = SendOptions {
        actor: s.actor.clone(),
        ..opts
    };
    let id = incident_id(&a.incident)?;
    let progress: Option<bw_notify::send::Progress> = if !a.quiet && std::io::stderr().is_terminal()
    {
        Some(Arc::new(|r: &SendReport| {
            eprint!(
                "\r{} sent, {} failed, {} retried of {} pending   ",
                r.sent, r.failed, r.retried, r.pending
            );
        }))
    } else {
        None
    };
    let res = async {
        if a.retry_failed {
            let n = s.store.requeue_failed_notices(&id, &s.actor).await?;
            eprintln!("breachwatch: {n} failed notice(s) re-queued");
        }
        let campaign = Campaign {
            templates: Arc::new(tpl),
            texts: texts(&cfg),
        };
        let smtp = SmtpSettings {
            url,
            from,
            timeout: Duration::from_secs(60),
        };
        bw_notify::send(
            &s.store,
            &id,
            bw_notify::contacts::from_source(source),
            &campaign,
            &smtp,
            &opts,
            progress.clone(),
        )
        .await
    }
    .await;
    if progress.is_some() {
        eprintln!();
    }
    let st = bw_notify::status::status(&s.store, &id).await;
    s.store.close().await;
    let r = res?;
    let st = st?;
    eprintln!(
        "breachwatch: {id}: this run sent {}, failed {} ({} no longer in the customer source), retried {} in {:.1}s; outbox: {} sent, {} failed, {} to send",
        r.sent,
        r.failed,
        r.not_in_source,
        r.retried,
        r.seconds,
        st.sent,
        st.failed,
        st.planned + st.sending
    );
    Ok(if st.failed > 0 || st.planned + st.sending > 0 {
        crate::exit::FOUND
    } else {
        crate::exit::CLEAN
    })
}

/// Puts `BREACHWATCH_SMTP_PASSWORD` into a URL that names a user but no
/// password, so the secret stays out of config files and shell history.
fn with_env_password(url: &str) -> String {
    let Some(pw) = std::env::var("BREACHWATCH_SMTP_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    else {
        return url.to_string();
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].split_once('@') {
        Some((user, host)) if !user.contains(':') => {
            let enc: String = pw
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("{scheme}://{user}:{enc}@{host}{}", &rest[authority_end..])
        }
        _ => url.to_string(),
    }
}

async fn status(a: StatusArgs) -> Result<u8> {
    let s = connect(&a.store).await?;
    let id = incident_id(&a.incident)?;
    let st = bw_notify::status::status(&s.store, &id).await;
    s.store.close().await;
    let st = st?;
    match a.format {
        OutFormat::Json => print_json(&st)?,
        OutFormat::Human => {
            println!(
                "{id}: {} notices — {} sent, {} failed, {} sending, {} planned",
                st.total(),
                st.sent,
                st.failed,
                st.sending,
                st.planned
            );
            println!(
                "{:<10} {:>8} {:>8} {:>8} {:>9} {:>14}  deadline",
                "where", "sent", "failed", "to send", "required", "required sent"
            );
            let now = time::OffsetDateTime::now_utc();
            for (j, c) in &st.by_jurisdiction {
                let deadline = c.deadline.as_deref().map_or_else(String::new, |d| {
                    let overdue = time::OffsetDateTime::parse(
                        d,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .map(|t| t < now && c.required_sent < c.required)
                    .unwrap_or(false);
                    format!(
                        "{}{}",
                        d.get(..10).unwrap_or(d),
                        if overdue { "  OVERDUE" } else { "" }
                    )
                });
                println!(
                    "{:<10} {:>8} {:>8} {:>8} {:>9} {:>14}  {}",
                    j,
                    c.sent,
                    c.failed,
                    c.planned + c.sending,
                    c.required,
                    c.required_sent,
                    deadline
                );
            }
        }
    }
    Ok(crate::exit::CLEAN)
}

async fn proof(a: ProofArgs) -> Result<u8> {
    let s = connect(&a.store).await?;
    let id = incident_id(&a.incident)?;
    let rows = s.store.notices_of(&id, &a.customer_id).await;
    s.store.close().await;
    let rows = rows?;
    if rows.is_empty() {
        bail!("{id} has no notice for customer {:?}", a.customer_id);
    }
    match a.format {
        OutFormat::Json => print_json(&rows)?,
        OutFormat::Human => {
            for n in &rows {
                println!("customer      {}", n.customer_id);
                println!("channel       {}", n.channel);
                println!("status        {}", n.status);
                println!("message-id    {}", n.message_id);
                println!("jurisdiction  {} ({})", n.jurisdiction, n.language);
                println!("fields        {}", n.fields.join(", "));
                println!(
                    "legally owed  {}{}",
                    if n.required { "yes" } else { "no" },
                    n.deadline
                        .as_deref()
                        .map(|d| format!(", deadline {d}"))
                        .unwrap_or_default()
                );
                println!("planned at    {}", n.planned_at);
                println!("attempts      {}", n.attempts);
                if let Some(t) = &n.sent_at {
                    println!("sent at       {t}");
                }
                if let Some(r) = &n.smtp_reply {
                    println!("server reply  {r}");
                }
                if let Some(t) = &n.template {
                    println!("template      {t}");
                }
                if let Some(h) = &n.content_sha256 {
                    println!("message hash  sha256:{h}");
                }
                if let Some(f) = &n.failure {
                    println!("last error    {f}");
                }
            }
        }
    }
    Ok(crate::exit::CLEAN)
}

async fn regulator(a: RegulatorArgs) -> Result<u8> {
    let cfg = config()?;
    let s = connect(&a.store).await?;
    let id = incident_id(&a.incident)?;
    let rep = bw_notify::regulator::report(&s.store, &id, &a.jurisdiction, &texts(&cfg)).await;
    s.store.close().await;
    let rep = rep?;
    match &a.out {
        None => print!("{}", rep.markdown),
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            for (ext, body) in [("md", &rep.markdown), ("html", &rep.html)] {
                let p = dir.join(format!("regulator-{}.{ext}", a.jurisdiction));
                std::fs::write(&p, body).with_context(|| format!("writing {}", p.display()))?;
                println!("{}", p.display());
            }
        }
    }
    Ok(crate::exit::CLEAN)
}

async fn sink(a: SinkArgs) -> Result<u8> {
    let sink = bw_notify::sink::SmtpSink::start(&a.listen)
        .await
        .with_context(|| format!("listening on {}", a.listen))?;
    eprintln!("breachwatch: SMTP sink on {}", sink.url());
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    println!("{}", sink.count());
    Ok(crate::exit::CLEAN)
}
