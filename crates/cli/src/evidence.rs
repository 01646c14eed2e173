//! `breachwatch incident add-evidence`: files, objects and database tables
//! read once by `bw-incident` for their hash, size, per-kind counts, the
//! registry customers they expose and the credential findings no customer
//! was tied to, and checked for canaries in the same read.
//!
//! Must never print or store a finding's value: counts, kinds, customer
//! ids and hashes only.

use std::path::PathBuf;

use anyhow::Result;
use bw_store::{AddEvidenceOutcome, Affected, Evidence, IncidentId, UnattributedElement};
use clap::Args;

use crate::incident::{open_registry, Session, StoreArgs};

#[derive(Args, Debug)]
pub struct AddEvidenceArgs {
    id: String,
    /// Files whose bytes are the evidence (archives and compressed files
    /// are expanded for counting; the hash is of the file as given).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The exposed copy was encrypted and its key was not exposed
    /// (encryption safe harbour).
    #[arg(long)]
    encrypted: bool,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// The customer registry the evidence is matched against (affected
    /// customers are recorded only when one exists).
    #[command(flatten)]
    registry: crate::registry::Location,
    /// How to reach objects given as `s3://bucket/key` (and `gs://`,
    /// `az://`, `https://`): recorded with their URL and ETag.
    #[command(flatten)]
    objects: crate::remote::objects::ObjectArgs,
}

pub(crate) async fn add_evidence(
    s: Session,
    a: AddEvidenceArgs,
    watching: Option<&crate::canary::Watching>,
) -> Result<u8> {
    let id = IncidentId::new(a.id);
    // Fail on an unknown id before reading possibly large files.
    s.store.incident(&id).await?;
    let registry = open_registry(&a.registry)?;
    let hook = watching.map(|w| w.scope_hook(false));
    for path in &a.paths {
        // A database URL is printed without its credentials.
        let shown = crate::remote::tables::shown(path);
        // Blocking file I/O on the runtime thread is fine: this command does
        // nothing else concurrently.
        let collected = match path.to_str() {
            Some(url) if crate::remote::objects::is_object_url(path) => {
                let resolvers = bw_scan::Resolvers(
                    crate::remote::objects::resolver(&a.objects)
                        .into_iter()
                        .collect(),
                );
                bw_incident::evidence::collect_remote_with(
                    url,
                    a.encrypted,
                    registry.as_ref(),
                    &resolvers,
                    hook.as_ref(),
                )?
            }
            Some(url) if crate::remote::tables::is_table_url(path) => {
                crate::remote::tables::evidence(url, a.encrypted, registry.as_ref(), hook.as_ref())?
            }
            _ => bw_incident::evidence::collect_with(
                path,
                a.encrypted,
                registry.as_ref(),
                hook.as_ref(),
            )?,
        };
        if let Some(w) = watching {
            // Members of a table are named as its evidence is (the URL
            // without credentials); of a file or object, by the argument.
            let ev = &collected.evidence;
            let read_as = if crate::remote::tables::is_table_url(path) {
                ev.source.clone()
            } else {
                path.to_string_lossy().into_owned()
            };
            w.hits.add_digest(&read_as, &ev.sha256, ev.size_bytes);
        }
        for p in &collected.problems {
            eprintln!("breachwatch: {p}");
        }
        for w in &collected.warnings {
            eprintln!("breachwatch: warning: {w}");
        }
        if !collected.problems.is_empty() {
            eprintln!(
                "breachwatch: warning: {}: {} part(s) could not be read; finding counts cover \
                 what could",
                shown,
                collected.problems.len()
            );
        }
        let (ev, affected, unattributed) = (
            collected.evidence,
            collected.affected,
            collected.unattributed,
        );
        let counts: Vec<String> = ev
            .finding_counts
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let what = format!(
            "{}{} (sha256 {}, {} bytes; findings: {}",
            shown,
            ev.version
                .as_ref()
                .map(|v| format!(" version {v}"))
                .unwrap_or_default(),
            ev.sha256,
            ev.size_bytes,
            if counts.is_empty() {
                "none".to_string()
            } else {
                counts.join(", ")
            },
        );
        record(&s, &id, (&ev, &affected, &unattributed), &shown, &what).await?;
    }
    if registry.is_none() {
        eprintln!(
            "breachwatch: note: no customer registry at {}: affected customers were not recorded \
             (run `breachwatch registry init` and `registry import` first)",
            a.registry.dir()?.display()
        );
    }
    Ok(0)
}

/// Records evidence with its affected customers and the elements no
/// customer was tied to (what `add-evidence` and `add-scope` both do), and
/// says what changed; `what` opens the "added" line's parenthesis after
/// the evidence's name (`shown`).
pub(crate) async fn record(
    s: &Session,
    id: &IncidentId,
    (ev, affected, unattributed): (&Evidence, &[Affected], &[UnattributedElement]),
    shown: &str,
    what: &str,
) -> Result<()> {
    let outcome = s
        .store
        .add_evidence_with(id, ev, affected, unattributed, &s.actor)
        .await?;
    match outcome {
        AddEvidenceOutcome::Added {
            evidence_seq,
            new_affected,
            ..
        } => {
            println!(
                "added evidence #{evidence_seq} to {id}: {what}; {} affected customers, \
                 {new_affected} new)",
                affected.len()
            );
            if let Some(line) = crate::facts::added_line(unattributed) {
                println!("{line}");
            }
        }
        AddEvidenceOutcome::AlreadyPresent { evidence_seq } => println!(
            "already present: {shown} (sha256 {}) is evidence #{evidence_seq} of {id}; nothing \
             changed",
            ev.sha256
        ),
    }
    Ok(())
}
