//! `breachwatch scope`: which customers a leak exposes.
//!
//! Output: one line per affected customer, sorted by customer id.
//! - `jsonl`: `{"customer_id","country","region","matched","confidence",
//!   "occurrences","evidence":[{"path","start","end","kind"}]}` per
//!   customer, then one `{"ambiguous":{…}}` line per ambiguous identifier,
//!   then a final `{"summary":{…}}` line (counts, evidence files, errors;
//!   with `--reveal`, also the unmatched values). Consumers tell the lines
//!   apart by their top-level key.
//! - `csv`: a header and one row per customer; the summary goes to stderr.
//! - `human`: aligned text; the summary goes to stderr.
//!
//! Exit codes as for `scan`: 0 no affected customer, 1 some, 2 an error
//! (wins).
//!
//! Every option can also be set under `[scope]` in config.toml (`format`,
//! `threads`, `reveal`, `phone-regions`, `max-evidence`); flags win.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use bw_registry::Registry;
use bw_scope::{Affected, ScopeOptions, ScopeReport, Summary};
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::exit;
use crate::home;
use crate::registry::Location;

#[derive(Args, Debug)]
pub struct ScopeArgs {
    /// Leaked files or directories (archives are expanded); `-` reads stdin.
    #[arg(required = true)]
    pub leak: Vec<PathBuf>,
    #[command(flatten)]
    pub location: Location,
    /// Output format. Default: `[scope] format`, else human.
    #[arg(long, value_enum)]
    pub format: Option<ScopeFormat>,
    /// Include leaked values (evidence, ambiguous and unmatched identifiers).
    #[arg(long)]
    pub reveal: bool,
    /// Scanning threads. Default: all cores.
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Regions tried for national-format phones when a record gives no
    /// clue (comma-separated ISO codes). Default: the registry's most
    /// frequent countries.
    #[arg(long, value_delimiter = ',')]
    pub phone_regions: Vec<String>,
    /// Evidence spans listed per customer (all are counted). Default 8.
    #[arg(long)]
    pub max_evidence: Option<usize>,
    #[command(flatten)]
    pub sources: crate::remote::SourceArgs,
    /// Print registry-keyed fingerprints of the leak's emails and phones,
    /// and of the names in their records (JSON lines), instead of matching
    /// them: for a distributed join with
    /// `registry export` at data-lake scale. Needs the key, not the registry.
    #[arg(long)]
    pub emit_fingerprints: bool,
    /// With --emit-fingerprints: the registry was imported with
    /// --case-sensitive-local.
    #[arg(long, requires = "emit_fingerprints")]
    pub case_sensitive_local: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScopeFormat {
    Human,
    Jsonl,
    Csv,
}

pub fn run(args: ScopeArgs) -> Result<u8> {
    if args.emit_fingerprints {
        return crate::lake::emit(args);
    }
    let cfg = home::Config::load(&home::data_dir()?)?.scope;
    let format = match (args.format, cfg.format.as_deref()) {
        (Some(f), _) => f,
        (None, Some(name)) => ScopeFormat::from_str(name, true).map_err(|_| {
            anyhow::anyhow!("config.toml: [scope] format {name:?} is not one of human, jsonl, csv")
        })?,
        (None, None) => ScopeFormat::Human,
    };
    let dir = args.location.dir()?;
    let key = args.location.key()?;
    let reg = Registry::open(&dir, &key)
        .with_context(|| format!("opening registry {}", dir.display()))?;
    let mut opts = ScopeOptions {
        reveal: args.reveal || cfg.reveal.unwrap_or(false),
        phone_regions: if args.phone_regions.is_empty() {
            cfg.phone_regions.unwrap_or_default()
        } else {
            args.phone_regions.clone()
        },
        max_evidence: args.max_evidence.or(cfg.max_evidence).unwrap_or(8),
        resolvers: crate::remote::resolvers(&args.sources),
        ..ScopeOptions::default()
    };
    let part = crate::remote::shard::part(&args.sources.shard)?;
    part.check(&args.leak)?;
    opts.select = part.select;
    if let Some(t) = args.threads.or(cfg.threads) {
        opts.threads = t.max(1);
    }
    // Issued canaries are looked for in every scope run too.
    let watching = crate::canary::Watching::load()?;
    opts.on_finding = watching.as_ref().map(|w| w.scope_hook(opts.reveal));
    let t0 = std::time::Instant::now();
    let report = bw_scope::scope(&args.leak, &reg, &opts)?;
    let secs = t0.elapsed().as_secs_f64();
    opts.on_finding = None;
    let canary_lines = watching
        .as_ref()
        .map(|w| w.take_lines())
        .unwrap_or_default();
    let canary_failed = match watching {
        Some(w) => {
            for f in &report.files {
                w.hits.add_digest(&f.path, &f.sha256, f.size);
            }
            w.finish()?.1
        }
        None => false,
    };
    for e in &report.errors {
        eprintln!("breachwatch: {}: {}", e.path, e.message);
    }
    for w in &report.warnings {
        eprintln!("breachwatch: warning: {}: {}", w.path, w.message);
    }
    let summary = report.summary();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match format {
        ScopeFormat::Jsonl => write_jsonl(&mut out, &report, &summary, &canary_lines),
        ScopeFormat::Csv => write_csv(&mut out, &report.affected),
        ScopeFormat::Human => write_human(&mut out, &report),
    }
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        other => other.context("writing output")?,
    }
    if format != ScopeFormat::Jsonl {
        print_summary(&summary, secs);
    }
    Ok(if !report.errors.is_empty() || canary_failed {
        exit::ERROR
    } else if report.affected.is_empty() {
        exit::CLEAN
    } else {
        exit::FOUND
    })
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    files: &'a [bw_scope::EvidenceFile],
    errors: &'a [bw_scope::ItemError],
    #[serde(skip_serializing_if = "Option::is_none")]
    unmatched_values: Option<&'a std::collections::BTreeMap<&'static str, Vec<String>>>,
}

/// `canaries`: the `canary` findings (JSON objects as `scan --format
/// jsonl` prints them), each written as `{"canary":{…}}` after the
/// ambiguous lines.
fn write_jsonl(
    out: &mut impl Write,
    report: &ScopeReport,
    summary: &Summary,
    canaries: &[Vec<u8>],
) -> io::Result<()> {
    for a in &report.affected {
        serde_json::to_writer(&mut *out, a)?;
        out.write_all(b"\n")?;
    }
    for a in &report.ambiguous {
        serde_json::to_writer(&mut *out, &serde_json::json!({ "ambiguous": a }))?;
        out.write_all(b"\n")?;
    }
    for c in canaries {
        out.write_all(b"{\"canary\":")?;
        out.write_all(c)?;
        out.write_all(b"}\n")?;
    }
    let line = SummaryLine {
        summary,
        files: &report.files,
        errors: &report.errors,
        unmatched_values: report.unmatched_values.as_ref(),
    };
    serde_json::to_writer(&mut *out, &serde_json::json!({ "summary": line }))?;
    out.write_all(b"\n")
}

/// Quotes a CSV field when it needs it (ids and paths are free text).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_csv(out: &mut impl Write, affected: &[Affected]) -> io::Result<()> {
    writeln!(
        out,
        "customer_id,country,region,matched,confidence,occurrences,evidence,exposed"
    )?;
    for a in affected {
        let ev: Vec<String> = a
            .evidence
            .iter()
            .map(|e| format!("{}:{}-{}:{}", e.path, e.start, e.end, e.kind))
            .collect();
        writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            csv_field(&a.customer_id),
            csv_field(&a.country),
            csv_field(&a.region),
            a.matched.join("+"),
            a.confidence,
            a.occurrences,
            csv_field(&ev.join(";")),
            a.exposed.join("+")
        )?;
    }
    Ok(())
}

fn write_human(out: &mut impl Write, report: &ScopeReport) -> io::Result<()> {
    for a in &report.affected {
        let place = if a.region.is_empty() {
            a.country.clone()
        } else {
            format!("{}-{}", a.country, a.region)
        };
        let first = a
            .evidence
            .first()
            .map(|e| format!("{}:{}-{}", e.path, e.start, e.end))
            .unwrap_or_default();
        writeln!(
            out,
            "{}  {}  {}  confidence {:.3}  {}x  {}",
            a.customer_id,
            place,
            a.matched.join("+"),
            a.confidence,
            a.occurrences,
            first
        )?;
    }
    for a in &report.ambiguous {
        let at = a
            .evidence
            .first()
            .map(|e| format!("{}:{}-{}", e.path, e.start, e.end))
            .unwrap_or_default();
        let value = a
            .value
            .as_deref()
            .map(|v| format!(" {v:?}"))
            .unwrap_or_default();
        writeln!(
            out,
            "ambiguous {}{}: {} candidate customers, {}x, {}",
            a.kind, value, a.candidates, a.occurrences, at
        )?;
    }
    if let Some(values) = &report.unmatched_values {
        for (kind, vs) in values {
            for v in vs {
                writeln!(out, "unmatched {kind}: {v}")?;
            }
        }
    }
    Ok(())
}

fn print_summary(s: &Summary, secs: f64) {
    let join = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, n)| format!("{}: {n}", if k.is_empty() { "(none)" } else { k }))
            .collect::<Vec<_>>()
            .join(", ")
    };
    eprintln!(
        "scoped {:.1} MB in {secs:.2}s: {} affected customers; {} ambiguous identifiers; unmatched distinct: {} emails, {} phones, {} names; {} errors",
        s.bytes_scanned as f64 / 1e6,
        s.affected,
        s.ambiguous,
        s.unmatched.email,
        s.unmatched.phone_number,
        s.unmatched.person_name,
        s.errors
    );
    if s.names_contradicted > 0 {
        eprintln!(
            "{} name matches not attributed: their record's email or phone points to nobody or to someone else",
            s.names_contradicted
        );
    }
    if s.shared > 0 {
        eprintln!(
            "{} affected through an email or phone that several accounts share: each account is affected and gets its own notice",
            s.shared
        );
    }
    if s.affected > 0 {
        eprintln!("by matched fields: {}", join(&s.by_matched));
        eprintln!("by country: {}", join(&s.by_country));
        if !s.by_region.is_empty() {
            eprintln!("by region: {}", join(&s.by_region));
        }
    }
}
