//! `breachwatch incident` and `breachwatch audit`: incident records in
//! `bw-store`; evidence read and obligations worked out by `bw-incident`.
//!
//! The store is, first match wins: `--database URL` (`postgres://…` or
//! `sqlite://PATH`), `database = "URL"` under `[incident]` in `config.toml`,
//! else `breachwatch.sqlite3` in the data directory. The actor written to the
//! audit log is `--actor`, else `actor` under `[incident]`, else
//! `breachwatch-cli`.
//!
//! This module must never print or store a finding's value: evidence is
//! kept as a hash, a size and counts per kind, and customers as ids, field
//! names and places.

use std::future::Future;
use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use bw_store::{
    Cause, Declarations, DeclaredScope, HarmFinding, Incident, IncidentId, NewDeclaration,
    NewDetermination, NewIncident, Severity, SourceOfBreach, Status, Store, SQLITE_FILE_NAME,
};
use clap::{Args, Subcommand, ValueEnum};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::home;

/// `audit verify` exit code when the log does not check out.
const AUDIT_BROKEN: u8 = 1;
const DEFAULT_ACTOR: &str = "breachwatch-cli";

/// Where the incident store lives and who is acting; every subcommand takes these.
#[derive(Args, Debug, Clone, Default)]
pub struct StoreArgs {
    /// Database URL: `postgres://…` or `sqlite://PATH` [default: a SQLite
    /// file in the data directory, or `[incident] database` in config.toml].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Name recorded as the actor of each change in the audit log.
    #[arg(long, value_name = "NAME")]
    actor: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum IncidentCommand {
    /// Open a new incident; prints its id alone on stdout.
    Open(OpenArgs),
    /// List incidents, oldest first.
    List(ListArgs),
    /// Show one incident with its counts.
    Show(ShowArgs),
    /// Move an incident to its next status (open → triaged → contained →
    /// notifying → closed).
    Status(StatusArgs),
    /// Record why the breach happened (some laws turn on it).
    Cause(CauseArgs),
    /// Record whether the business was the source of the breach (us) or a
    /// vendor holding the data (California's identity-theft-services offer
    /// turns on it).
    SourceOfBreach(crate::facts::SourceOfBreachArgs),
    /// Give the description (what happened) in another language, for the
    /// notices written in it.
    SetDescription(crate::facts::DescriptionArgs),
    /// Record data elements known to be taken that no evidence shows (e.g.
    /// "the attacker read the users table incl. password hashes").
    Declare(DeclareArgs),
    /// Record a person's finding on whether the breach is likely to harm a
    /// jurisdiction's residents (the fact harm-based exceptions turn on).
    Determine(DetermineArgs),
    /// Print a JSON bundle for lawyers or regulators (redacted by default).
    Export(ExportArgs),
    /// Record files as evidence: SHA-256, size and finding counts per kind.
    AddEvidence(crate::evidence::AddEvidenceArgs),
    /// Record an affected set joined at data-lake scale (the Spark job's
    /// `affected.jsonl`) as evidence and affected customers.
    AddScope(crate::lake::AddScopeArgs),
    /// Work out and store the notification obligations, sorted by deadline.
    Obligations(ObligationsArgs),
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute an incident's audit chain; exit 1 naming the first broken entry.
    Verify(VerifyArgs),
}

#[derive(Args, Debug)]
pub struct OpenArgs {
    #[arg(long)]
    title: String,
    #[arg(long, default_value = "")]
    description: String,
    /// When the organisation learned of the breach (RFC 3339); legal
    /// deadlines count from here [default: now].
    #[arg(long, value_name = "RFC3339", value_parser = parse_rfc3339)]
    discovered_at: Option<OffsetDateTime>,
    /// Who or what found it ("customer report", "scan", a person).
    #[arg(long, default_value = "unspecified")]
    detected_by: String,
    /// low, medium, high or critical.
    #[arg(long, default_value = "medium", value_parser = parse_severity)]
    severity: Severity,
    /// Why it happened: attack, inadvertent_disclosure, lost_device, other
    /// or unknown. Japan, Korea and New York read it; change it later with
    /// `incident cause`.
    #[arg(long, default_value = "unknown", value_parser = parse_cause)]
    cause: Cause,
    /// Whether the business giving notice was the source of the breach:
    /// us, vendor or unknown (California's identity-theft-services offer
    /// is owed only when us); change it later with `incident
    /// source-of-breach`.
    #[arg(long, default_value = "unknown", value_parser = crate::facts::parse_source_of_breach)]
    source_of_breach: SourceOfBreach,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Human,
    Json,
    Csv,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    id: String,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    id: String,
    /// open, triaged, contained, notifying or closed.
    new_status: String,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct CauseArgs {
    id: String,
    /// attack, inadvertent_disclosure, lost_device, other or unknown.
    #[arg(value_parser = parse_cause)]
    cause: Cause,
    /// What the cause is known from, for the audit log.
    #[arg(long, default_value = "")]
    reason: String,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("whom").required(true).args(["customers", "all"])))]
pub struct DeclareArgs {
    id: String,
    /// A data element the laws name (password, username, us_ssn, passport,
    /// tax_id, biometric, …); repeat for several.
    #[arg(long = "element", required = true, value_parser = parse_element)]
    elements: Vec<bw_law::Element>,
    /// The password is known only as a hash made this way: bcrypt, argon2,
    /// scrypt, pbkdf2, sha512crypt (slow, salted) or md5, sha1, sha256,
    /// unsalted (fast: treated as the password).
    #[arg(long, value_name = "ALGORITHM", value_parser = parse_hashing)]
    hashed: Option<bw_law::Hashing>,
    /// File of customer ids, one per line (blank lines and `#` comments
    /// skipped).
    #[arg(long, value_name = "FILE")]
    customers: Option<PathBuf>,
    /// Every affected customer of the incident, including those added later.
    #[arg(long)]
    all: bool,
    /// What the investigator knows and how; kept in the audit log.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("finding").required(true).args(["no_harm", "harm_likely"])))]
pub struct DetermineArgs {
    id: String,
    /// Jurisdiction code of the rules whose harm exception this is (US-CO).
    #[arg(long, value_name = "CODE")]
    jurisdiction: String,
    /// The investigation found harm unlikely: the exception excuses notice.
    #[arg(long)]
    no_harm: bool,
    /// The investigation found harm likely: notice is owed.
    #[arg(long)]
    harm_likely: bool,
    /// What was investigated, who was consulted, what was found.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    id: String,
    /// Keep evidence locations in full (by default only the last path
    /// segment is kept).
    #[arg(long)]
    unredacted: bool,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct ObligationsArgs {
    id: String,
    #[arg(long, value_enum, default_value = "human")]
    format: TableFormat,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    id: String,
    #[command(flatten)]
    store: StoreArgs,
}

fn parse_rfc3339(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s.trim(), &Rfc3339)
        .map_err(|e| format!("{s:?} is not an RFC 3339 timestamp (e.g. 2026-05-04T09:00:00Z): {e}"))
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse().map_err(|e: bw_store::StoreError| e.to_string())
}

fn parse_cause(s: &str) -> Result<Cause, String> {
    s.parse()
        .map_err(|e: bw_law::ParseCauseError| e.to_string())
}

fn parse_element(s: &str) -> Result<bw_law::Element, String> {
    s.parse()
        .map_err(|e: bw_law::ParseElementError| e.to_string())
}

fn parse_hashing(s: &str) -> Result<bw_law::Hashing, String> {
    s.parse()
        .map_err(|e: bw_law::ParseHashingError| e.to_string())
}

/// The registry at `loc`, or `None` when none was ever imported there (a
/// registry that exists but does not open — wrong key, corruption — is an
/// error, never silently "no customers").
pub(crate) fn open_registry(
    loc: &crate::registry::Location,
) -> Result<Option<bw_registry::Registry>> {
    let dir = loc.dir()?;
    if !dir.join("CURRENT").exists() {
        return Ok(None);
    }
    let key = loc.key()?;
    let reg = bw_registry::Registry::open(&dir, &key)
        .with_context(|| format!("opening registry {}", dir.display()))?;
    Ok(Some(reg))
}

/// An open store and the actor to record.
pub(crate) struct Session {
    pub store: Store,
    pub actor: String,
}

pub(crate) async fn connect(args: &StoreArgs) -> Result<Session> {
    let dir = home::data_dir()?;
    let cfg = home::Config::load(&dir)?.incident;
    let actor = args
        .actor
        .clone()
        .or(cfg.actor)
        .unwrap_or_else(|| DEFAULT_ACTOR.to_string());
    let store = match args.database.as_deref().or(cfg.database.as_deref()) {
        Some(url) => Store::connect(url).await?,
        None => {
            // A path, not the directory: open_sqlite would take a missing
            // directory for the database file itself.
            let file = dir.join(SQLITE_FILE_NAME);
            Store::open_sqlite(&file).await?
        }
    };
    Ok(Session { store, actor })
}

/// Runs one command on a fresh current-thread runtime; the store is closed
/// afterwards whatever the outcome, so SQLite checkpoints its WAL.
pub(crate) fn with_store<F, Fut>(args: &StoreArgs, f: F) -> Result<u8>
where
    F: FnOnce(Session) -> Fut,
    Fut: Future<Output = Result<u8>>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let session = connect(args).await?;
        let store = session.store.clone();
        let res = f(session).await;
        store.close().await;
        res
    })
}

pub fn run(cmd: IncidentCommand) -> Result<u8> {
    match cmd {
        IncidentCommand::Open(a) => with_store(&a.store.clone(), |s| open(s, a)),
        IncidentCommand::List(a) => with_store(&a.store.clone(), |s| list(s, a)),
        IncidentCommand::Show(a) => with_store(&a.store.clone(), |s| show(s, a)),
        IncidentCommand::Status(a) => with_store(&a.store.clone(), |s| status(s, a)),
        IncidentCommand::Cause(a) => with_store(&a.store.clone(), |s| cause(s, a)),
        IncidentCommand::SourceOfBreach(a) => {
            with_store(&a.store.clone(), |s| crate::facts::source_of_breach(s, a))
        }
        IncidentCommand::SetDescription(a) => {
            with_store(&a.store.clone(), |s| crate::facts::set_description(s, a))
        }
        IncidentCommand::Declare(a) => with_store(&a.store.clone(), |s| declare(s, a)),
        IncidentCommand::Determine(a) => with_store(&a.store.clone(), |s| determine(s, a)),
        IncidentCommand::Export(a) => with_store(&a.store.clone(), |s| export(s, a)),
        IncidentCommand::AddEvidence(a) => {
            // Evidence is checked for canaries in the same read, as `scan`
            // is; their sightings are recorded after the store is closed
            // (the recorder runs its own runtime).
            let watching = crate::canary::Watching::load()?;
            let code = with_store(&a.store.clone(), |s| {
                crate::evidence::add_evidence(s, a, watching.as_ref())
            })?;
            let canary_failed = match watching {
                Some(w) => w.finish()?.1,
                None => false,
            };
            Ok(if canary_failed {
                crate::exit::ERROR
            } else {
                code
            })
        }
        IncidentCommand::AddScope(a) => {
            with_store(&a.store.clone(), |s| crate::lake::add_scope(s, a))
        }
        IncidentCommand::Obligations(a) => with_store(&a.store.clone(), |s| obligations(s, a)),
    }
}

pub fn run_audit(cmd: AuditCommand) -> Result<u8> {
    match cmd {
        AuditCommand::Verify(a) => with_store(&a.store.clone(), |s| verify(s, a)),
    }
}

pub(crate) fn print_json(v: &impl serde::Serialize) -> Result<()> {
    println!(
        "{}",
        serde_json::to_string_pretty(v).context("serialising output")?
    );
    Ok(())
}

/// `2026-05-04T09:00:00.000000Z` → `2026-05-04 09:00Z`, for tables.
fn short_ts(ts: &str) -> String {
    match OffsetDateTime::parse(ts, &Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!("{} {:02}:{:02}Z", t.date(), t.hour(), t.minute())
        }
        Err(_) => ts.to_string(),
    }
}

async fn open(s: Session, a: OpenArgs) -> Result<u8> {
    let new = NewIncident {
        title: a.title,
        description: a.description,
        discovered_at: a.discovered_at.unwrap_or_else(OffsetDateTime::now_utc),
        detected_by: a.detected_by,
        severity: a.severity,
    };
    let id = s
        .store
        .open_incident_with(&new, a.cause, a.source_of_breach, &s.actor)
        .await?;
    println!("{id}");
    Ok(0)
}

async fn list(s: Session, a: ListArgs) -> Result<u8> {
    let all = s.store.list_incidents().await?;
    if a.format == Format::Json {
        print_json(&all)?;
        return Ok(0);
    }
    if all.is_empty() {
        eprintln!("no incidents yet: open one with `breachwatch incident open --title …`");
        return Ok(0);
    }
    println!(
        "{:<14} {:<10} {:<9} {:<18} TITLE",
        "ID", "STATUS", "SEVERITY", "DISCOVERED"
    );
    for i in &all {
        println!(
            "{:<14} {:<10} {:<9} {:<18} {}",
            i.id,
            i.status,
            i.severity,
            short_ts(&i.discovered_at),
            i.title
        );
    }
    Ok(0)
}

async fn show(s: Session, a: ShowArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    let inc = s.store.incident(&id).await?;
    let evidence = s.store.evidence(&id).await?;
    let declared = s.store.declarations(&id).await?;
    if a.format == Format::Json {
        // The incident's own fields, plus what was declared (customer lists
        // as counts: `incident export` has them) and its evidence.
        let mut v = serde_json::to_value(&inc).context("serialising the incident")?;
        let declared_elements: Vec<serde_json::Value> = declared
            .declared_elements
            .iter()
            .map(|d| {
                serde_json::json!({
                    "seq": d.seq,
                    "element": d.element,
                    "hashing": d.hashing,
                    "all_affected": d.all_affected,
                    "customers": d.customers.len(),
                    "reason": d.reason,
                    "declared_at": d.declared_at,
                    "declared_by": d.declared_by,
                })
            })
            .collect();
        if let Some(obj) = v.as_object_mut() {
            obj.insert("cause".into(), serde_json::json!(declared.cause));
            obj.insert(
                "source_of_breach".into(),
                serde_json::json!(declared.source_of_breach),
            );
            obj.insert("declared_elements".into(), declared_elements.into());
            let unattributed: Vec<serde_json::Value> = declared
                .unattributed
                .iter()
                .map(|u| {
                    let mut v = serde_json::json!(u);
                    if let Some(o) = v.as_object_mut() {
                        o.insert("status".into(), "detected, unattributed".into());
                    }
                    v
                })
                .collect();
            obj.insert("unattributed".into(), unattributed.into());
            obj.insert(
                "determinations".into(),
                serde_json::to_value(&declared.determinations)
                    .context("serialising determinations")?,
            );
            obj.insert(
                "evidence".into(),
                serde_json::to_value(&evidence).context("serialising evidence")?,
            );
        }
        print_json(&v)?;
        return Ok(0);
    }
    print_incident(&inc, &declared);
    print_evidence(&evidence);
    crate::facts::print_unattributed(&declared.unattributed);
    if !declared.declared_elements.is_empty() {
        println!("declared:     {}", declared.declared_elements.len());
    }
    for d in &declared.declared_elements {
        let whom = if d.all_affected {
            "all affected customers".to_string()
        } else {
            format!("{} customers", d.customers.len())
        };
        let hashing = d
            .hashing
            .as_deref()
            .map(|h| format!(" ({h} hash)"))
            .unwrap_or_default();
        println!(
            "  #{} {}{hashing} for {whom}, by {} at {}: {}",
            d.seq, d.element, d.declared_by, d.declared_at, d.reason
        );
    }
    for d in &declared.determinations {
        println!(
            "determined:   #{} {} {} by {} at {}: {}",
            d.seq, d.jurisdiction, d.finding, d.decided_by, d.decided_at, d.reason
        );
    }
    Ok(0)
}

fn print_evidence(evidence: &[bw_store::EvidenceRecord]) {
    for e in evidence {
        let counts: Vec<String> = e
            .finding_counts
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        println!(
            "  #{} {}{} sha256 {} {} bytes{} [{}]",
            e.seq,
            e.source,
            e.version
                .as_ref()
                .map(|v| format!(" version {v}"))
                .unwrap_or_default(),
            e.sha256,
            e.size_bytes,
            if e.encrypted { " encrypted" } else { "" },
            counts.join(", ")
        );
    }
}

fn print_incident(inc: &Incident, declared: &Declarations) {
    println!("{}  {}", inc.id, inc.title);
    println!("status:       {}", inc.status);
    match inc.status.next() {
        Some(n) => println!("next status:  {n}"),
        None => println!("next status:  none (closed)"),
    }
    println!("severity:     {}", inc.severity);
    println!("cause:        {}", declared.cause);
    println!(
        "source:       {} (of the breach)",
        declared.source_of_breach
    );
    println!("discovered:   {}", inc.discovered_at);
    println!("detected by:  {}", inc.detected_by);
    println!("opened:       {}", inc.opened_at);
    println!("updated:      {}", inc.updated_at);
    let by_country: Vec<String> = inc
        .affected_by_country
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    if by_country.is_empty() {
        println!("affected:     {}", inc.affected_count);
    } else {
        println!(
            "affected:     {} ({})",
            inc.affected_count,
            by_country.join(", ")
        );
    }
    match &inc.obligations_version {
        Some(v) => println!("obligations:  computed with rules {v}"),
        None => println!(
            "obligations:  not computed (breachwatch incident obligations {})",
            inc.id
        ),
    }
    println!("audit log:    {} entries", inc.audit_entries);
    if !inc.description.is_empty() {
        println!("description:  {}", inc.description);
    }
    crate::facts::print_description_translations(declared);
    println!("evidence:     {}", inc.evidence_count);
}

async fn status(s: Session, a: StatusArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    let to: Status = a.new_status.parse()?;
    s.store.set_status(&id, to, &s.actor).await?;
    println!("{id} is now {to}");
    Ok(0)
}

async fn cause(s: Session, a: CauseArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    if s.store.set_cause(&id, a.cause, &a.reason, &s.actor).await? {
        println!("{id}: cause is now {}", a.cause);
    } else {
        println!("{id}: cause was already {}; nothing changed", a.cause);
    }
    Ok(0)
}

async fn declare(s: Session, a: DeclareArgs) -> Result<u8> {
    use bw_law::Element;
    let id = IncidentId::new(a.id);
    if a.hashed.is_some() && !a.elements.contains(&Element::Password) {
        return Err(anyhow!(
            "--hashed qualifies a password: add --element password, or drop --hashed"
        ));
    }
    let scope = match &a.customers {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading customer ids from {}", path.display()))?;
            let ids: Vec<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect();
            if ids.is_empty() {
                return Err(anyhow!("{} lists no customer ids", path.display()));
            }
            DeclaredScope::Customers(ids)
        }
        None => DeclaredScope::AllAffected,
    };
    let mut elements = a.elements.clone();
    elements.sort();
    elements.dedup();
    for e in elements {
        let hashing = (e == Element::Password).then_some(a.hashed).flatten();
        let new = NewDeclaration {
            element: e.as_str().to_string(),
            hashing: hashing.map(|h| h.as_str().to_string()),
            scope: scope.clone(),
            reason: a.reason.clone(),
        };
        let out = s.store.declare_element(&id, &new, &s.actor).await?;
        let what = match hashing {
            Some(h) => format!("{e} (as a {h} hash)"),
            None => e.to_string(),
        };
        let whom = match &scope {
            DeclaredScope::AllAffected => "all affected customers".to_string(),
            DeclaredScope::Customers(_) => format!("{} customers", out.customers),
        };
        println!(
            "{id}: declared {what} for {whom} (declaration #{})",
            out.seq
        );
        if out.not_yet_affected > 0 {
            eprintln!(
                "breachwatch: note: {} of them are not in the affected set of {id} yet; they \
                 count once evidence adds them",
                out.not_yet_affected
            );
        }
    }
    Ok(0)
}

async fn determine(s: Session, a: DetermineArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    let code = a.jurisdiction.trim().to_ascii_uppercase();
    let rules = bw_law::RuleSet::embedded().context("loading the breach-notification rules")?;
    let rule = rules
        .get(&code)
        .ok_or_else(|| anyhow!("no breach-notification rule for {code:?} (e.g. US-CO, US-FL)"))?;
    if !rule.has_harm_exception() {
        return Err(anyhow!(
            "{code} ({}) has no harm exception for a finding to excuse: {}",
            rule.statute,
            rule.risk_of_harm_note
                .as_deref()
                .unwrap_or("notice does not turn on a harm finding")
        ));
    }
    let finding = if a.no_harm {
        HarmFinding::NoHarm
    } else {
        HarmFinding::HarmLikely
    };
    let new = NewDetermination {
        jurisdiction: code.clone(),
        finding,
        reason: a.reason,
    };
    let seq = s.store.determine(&id, &new, &s.actor).await?;
    println!(
        "{id}: {code}: recorded {finding} (determination #{seq}, by {})",
        s.actor
    );
    if let Some(f) = rule.no_harm_follow_up.as_ref().filter(|_| a.no_harm) {
        println!(
            "{id}: {code} then asks: {}: {}{} ({})",
            f.who,
            f.action,
            f.deadline_days
                .map(|d| format!(" within {d} days"))
                .unwrap_or_default(),
            rule.statute
        );
    }
    let causes = &rule.risk_of_harm_causes;
    if !causes.is_empty() {
        let cause = s.store.declarations(&id).await?.cause;
        let open_to: Vec<&str> = causes.iter().map(|c| c.as_str()).collect();
        if !open_to.contains(&cause.as_str()) {
            eprintln!(
                "breachwatch: note: {code}'s exception is open only to {} breaches; the \
                 incident's cause is {cause}",
                open_to.join(" or ")
            );
        }
    }
    Ok(0)
}

async fn export(s: Session, a: ExportArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    let bundle = s.store.export(&id, !a.unredacted).await?;
    print_json(&bundle)?;
    Ok(0)
}

async fn obligations(s: Session, a: ObligationsArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    let inc = s.store.incident(&id).await?;
    let evidence = s.store.evidence(&id).await?;
    let affected = s.store.affected(&id).await?;
    let declared = s.store.declarations(&id).await?;
    let computed = bw_incident::obligations::compute_with(&inc, &evidence, &affected, &declared)?;
    s.store
        .put_obligations(&id, &computed.body, &computed.rules_version, &s.actor)
        .await?;
    let now = OffsetDateTime::now_utc();
    match a.format {
        TableFormat::Json => print_json(&computed.body)?,
        TableFormat::Csv => print!("{}", bw_incident::obligations::csv(&computed)),
        TableFormat::Human => print!("{}", bw_incident::obligations::human(&inc, &computed, now)),
    }
    Ok(0)
}

async fn verify(s: Session, a: VerifyArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    let report = s.store.verify(&id).await?;
    if report.ok() {
        let head = report
            .head_hash
            .ok_or_else(|| anyhow!("verify reported {id} intact without a head hash"))?;
        println!(
            "audit log intact ({} entries, head {head})",
            report.entries_checked
        );
        return Ok(0);
    }
    if let Some(b) = &report.first_broken {
        println!(
            "audit log of {id} is broken: first broken entry is #{}: {}",
            b.seq, b.problem
        );
    }
    for m in &report.state_mismatches {
        println!("audit log of {id} does not match the stored incident: {m}");
    }
    Ok(AUDIT_BROKEN)
}
