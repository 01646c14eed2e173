//! Delivery: the outbox worker.
//!
//! Flow of one run:
//! 1. The ids of notices still to send (`planned`, or `sending` left by a
//!    killed run) become a compact set of 128-bit keys.
//! 2. The customer source is streamed once on a blocking thread; each row
//!    whose key is pending goes through a bounded channel (memory stays flat
//!    whatever the source's size).
//! 3. The dispatcher claims those notices in batches (`sending`, one
//!    transaction per batch), paces them at the rate limit, and runs at most
//!    `concurrency` SMTP transactions at once.
//! 4. Each worker records its outcome and waits until it is committed before
//!    taking the next notice; commits are grouped by one writer task. So at
//!    any moment at most `concurrency` notices are accepted-but-unrecorded:
//!    the bound on duplicates after a SIGKILL.
//! 5. 4xx and lost connections come back after exponential backoff; 5xx
//!    fail the notice with the server's reply. Notices whose customer is no
//!    longer in the source fail with that reason once the whole source was
//!    read.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bw_law::{ContentElement, Element, NoticeContent};
use bw_store::{ClaimedNotice, Incident, IncidentId, NoticeResult, Store};
use lettre::address::Envelope;
use lettre::message::Mailbox;
use serde::Serialize;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot, Semaphore};

use crate::lang::field_label;
use crate::message::{build, check_address, scrub};
use crate::smtp::{Mailer, SendError, Server};
use crate::templates::Templates;
use crate::vars::{
    agency_lines, CompanyVars, CustomerVars, FieldVars, IncidentVars, NoticeTexts, NoticeVars,
};
use crate::{NotifyError, Result, EMAIL};

/// One customer as the customer source has them now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub customer_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// Streams the customer source: called once, on a blocking thread, with a
/// sink that takes each row and returns false when no more are wanted.
pub type ContactFeed =
    Box<dyn FnOnce(&mut dyn FnMut(Contact) -> bool) -> std::result::Result<(), String> + Send>;

/// Where and as whom to send.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// `smtp://host:port` (plain; `?tls=required` for STARTTLS) or
    /// `smtps://host:port` (implicit TLS); user:password may be in it.
    pub url: String,
    /// The From mailbox, e.g. `Example Shop <privacy@shop.example>`.
    pub from: String,
    /// Per SMTP command.
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct SendOptions {
    /// SMTP transactions in flight at once.
    pub concurrency: usize,
    /// Messages per second; `None` for no limit.
    pub rate_per_sec: Option<f64>,
    /// Attempts per notice before a temporary failure becomes permanent.
    pub max_attempts: u32,
    /// First retry delay; doubles per attempt.
    pub retry_base: Duration,
    /// Consecutive connection failures (no notice accepted in between)
    /// after which the run stops, leaving the rest planned.
    pub max_connection_failures: u32,
    pub actor: String,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            concurrency: 8,
            rate_per_sec: None,
            max_attempts: 5,
            retry_base: Duration::from_secs(30),
            max_connection_failures: 20,
            actor: "breachwatch-notify".into(),
        }
    }
}

/// The campaign-wide inputs of rendering.
#[derive(Clone)]
pub struct Campaign {
    pub templates: Arc<Templates>,
    pub texts: NoticeTexts,
}

/// What one run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SendReport {
    /// Notices pending when the run started.
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// Temporary failures that were retried (counted per attempt).
    pub retried: u64,
    /// Notices failed because the customer is no longer in the source.
    pub not_in_source: u64,
    /// Notices left planned because the run stopped (server unavailable).
    pub left_planned: u64,
    pub seconds: f64,
}

/// Progress callback: called after each recorded batch.
pub type Progress = Arc<dyn Fn(&SendReport) + Send + Sync>;

type Key = [u8; 16];

fn key(customer_id: &str) -> Key {
    let h = blake3::hash(customer_id.as_bytes());
    let mut k = [0u8; 16];
    k.copy_from_slice(&h.as_bytes()[..16]);
    k
}

/// A notice in flight with the contact it goes to.
struct Job {
    notice: ClaimedNotice,
    contact: Contact,
}

/// A worker's outcome, before it is recorded.
enum Outcome {
    Sent,
    /// Temporary: retry later. `connection` when no SMTP reply was had.
    Retry {
        connection: bool,
    },
    Failed,
}

struct Recorded {
    result: NoticeResult,
    ack: oneshot::Sender<std::result::Result<(), String>>,
}

/// Delivers the pending email notices of `id`. See the module docs.
pub async fn send(
    store: &Store,
    id: &IncidentId,
    feed: ContactFeed,
    campaign: &Campaign,
    smtp: &SmtpSettings,
    opts: &SendOptions,
    progress: Option<Progress>,
) -> Result<SendReport> {
    let started = Instant::now();
    if !campaign.templates.broken().is_empty() {
        return Err(NotifyError::Templates(campaign.templates.broken().to_vec()));
    }
    let concurrency = opts.concurrency.max(1);
    let from: Mailbox = smtp.from.parse().map_err(|e| {
        NotifyError::Invalid(format!("sender {:?} is not a mailbox: {e}", smtp.from))
    })?;
    let incident = store.incident(id).await?;
    let declared = store.declarations(id).await?;
    let content = NoticeContent::embedded()
        .map_err(|e| NotifyError::Invalid(format!("loading the notice content rules: {e}")))?;

    // 1. What is pending.
    let mut pending: HashMap<Key, bool> = HashMap::new();
    let mut after = String::new();
    loop {
        let page = store.pending_notices(id, EMAIL, &after, 10_000).await?;
        let Some(last) = page.last() else { break };
        after = last.clone();
        for c in &page {
            pending.insert(key(c), false);
        }
    }
    let mut report = SendReport {
        pending: pending.len() as u64,
        ..SendReport::default()
    };
    if pending.is_empty() {
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }

    let parsed = Server::parse(&smtp.url, smtp.timeout).map_err(|reason| NotifyError::Smtp {
        server: bw_store::sanitize_source(&smtp.url),
        reason,
    })?;
    let server = parsed.to_string();
    // A refused connection is a clear error before anything changes.
    let transport = Mailer::connect(parsed)
        .await
        .map_err(|e| NotifyError::Smtp {
            server: server.clone(),
            reason: format!("cannot connect: {e}"),
        })?;
    let transport = Arc::new(transport);

    // 2. Stream the source.
    let pending = Arc::new(std::sync::Mutex::new(pending));
    let (contact_tx, mut contact_rx) = mpsc::channel::<Contact>(4096);
    let feed_pending = Arc::clone(&pending);
    let feeder = tokio::task::spawn_blocking(move || {
        let mut push = |c: Contact| -> bool {
            let k = key(&c.customer_id);
            let wanted = match feed_pending.lock() {
                Ok(mut p) => match p.get_mut(&k) {
                    Some(seen) if !*seen => {
                        *seen = true;
                        true
                    }
                    _ => false,
                },
                Err(_) => return false,
            };
            !wanted || contact_tx.blocking_send(c).is_ok()
        };
        feed(&mut push)
    });

    // 4. The writer: group commits, then acks.
    let (rec_tx, mut rec_rx) = mpsc::channel::<Recorded>(concurrency * 2);
    let writer_store = store.clone();
    let writer_id = id.clone();
    let writer = tokio::spawn(async move {
        while let Some(first) = rec_rx.recv().await {
            let mut batch = vec![first];
            while let Ok(more) = rec_rx.try_recv() {
                batch.push(more);
            }
            let results: Vec<NoticeResult> = batch.iter().map(|r| r.result.clone()).collect();
            let outcome = writer_store
                .record_notice_results(&writer_id, EMAIL, &results)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
            for r in batch {
                let _ = r.ack.send(outcome.clone());
            }
        }
    });

    // 3. Dispatch.
    let ctx = Arc::new(RunContext {
        incident,
        source: declared.source_of_breach,
        descriptions: declared.description_translations,
        content,
        texts: campaign.texts.clone(),
        from,
        opts: opts.clone(),
    });
    let permits = Arc::new(Semaphore::new(concurrency));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(Job, Outcome)>();
    let mut in_flight = 0usize;
    let mut retry_queue: VecDeque<(Instant, Contact)> = VecDeque::new();
    let mut next_slot = Instant::now();
    let mut feed_open = true;
    let mut connection_failures = 0u32;
    let mut stop: Option<String> = None;
    let mut buffer: Vec<Contact> = Vec::new();
    let batch_size = (concurrency * 4).clamp(16, 256);

    loop {
        // Collect what is ready to claim: due retries first, then new rows.
        let now = Instant::now();
        while retry_queue.front().is_some_and(|(due, _)| *due <= now) && buffer.len() < batch_size {
            if let Some((_, c)) = retry_queue.pop_front() {
                buffer.push(c);
            }
        }
        if stop.is_none() {
            while feed_open && buffer.len() < batch_size {
                match contact_rx.try_recv() {
                    Ok(c) => buffer.push(c),
                    Err(mpsc::error::TryRecvError::Empty) => break,
                    Err(mpsc::error::TryRecvError::Disconnected) => feed_open = false,
                }
            }
        }
        if stop.is_none() && !buffer.is_empty() {
            let contacts = std::mem::take(&mut buffer);
            let ids: Vec<String> = contacts.iter().map(|c| c.customer_id.clone()).collect();
            let claimed = store.claim_notices(id, EMAIL, &ids).await?;
            let mut by_id: HashMap<String, Contact> = contacts
                .into_iter()
                .map(|c| (c.customer_id.clone(), c))
                .collect();
            for notice in claimed {
                let Some(contact) = by_id.remove(&notice.customer_id) else {
                    continue;
                };
                if let Some(rate) = opts.rate_per_sec.filter(|r| *r > 0.0) {
                    let now = Instant::now();
                    if next_slot > now {
                        tokio::time::sleep_until(next_slot.into()).await;
                    }
                    next_slot = next_slot.max(now) + Duration::from_secs_f64(1.0 / rate);
                }
                let permit = Arc::clone(&permits)
                    .acquire_owned()
                    .await
                    .map_err(|_| NotifyError::Invalid("worker pool closed".into()))?;
                in_flight += 1;
                let job = Job { notice, contact };
                let (job_ctx, transport, rec_tx, done_tx) = (
                    Arc::clone(&ctx),
                    Arc::clone(&transport),
                    rec_tx.clone(),
                    done_tx.clone(),
                );
                let templates = Arc::clone(&campaign.templates);
                tokio::spawn(async move {
                    let outcome = deliver(&job_ctx, &templates, &transport, &job, &rec_tx).await;
                    drop(permit);
                    let _ = done_tx.send((job, outcome));
                });
                // Fold finished jobs in as we go, so the retry queue and
                // the connection-failure count stay current.
                while let Ok((job, outcome)) = done_rx.try_recv() {
                    in_flight -= 1;
                    account(
                        &mut report,
                        &ctx,
                        &job,
                        outcome,
                        &mut retry_queue,
                        &mut connection_failures,
                    );
                }
                if connection_failures >= opts.max_connection_failures.max(1) {
                    stop = Some(format!(
                        "{connection_failures} connection failures in a row; stopped, the rest stay planned"
                    ));
                    break;
                }
            }
            if let Some(p) = &progress {
                p(&report);
            }
            continue;
        }
        // Nothing to claim now: wait for a finished job, a new row or a due retry.
        let idle = in_flight == 0 && (!feed_open || stop.is_some());
        if idle && (retry_queue.is_empty() || stop.is_some()) {
            break;
        }
        let wake = retry_queue
            .front()
            .map(|(due, _)| *due)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            Some((job, outcome)) = done_rx.recv(), if in_flight > 0 => {
                in_flight -= 1;
                account(&mut report, &ctx, &job, outcome, &mut retry_queue, &mut connection_failures);
                if connection_failures >= opts.max_connection_failures.max(1) && stop.is_none() {
                    stop = Some(format!(
                        "{connection_failures} connection failures in a row; stopped, the rest stay planned"
                    ));
                }
                if let Some(p) = &progress { p(&report); }
            }
            c = contact_rx.recv(), if feed_open && stop.is_none() => match c {
                Some(c) => buffer.push(c),
                None => feed_open = false,
            },
            _ = tokio::time::sleep_until(wake.into()), if !retry_queue.is_empty() && stop.is_none() => {}
        }
    }
    drop(contact_rx);
    let feed_result = feeder
        .await
        .map_err(|e| NotifyError::Contacts(format!("the reader thread failed: {e}")))?;
    drop(rec_tx);
    drop(done_tx);
    let _ = writer.await;

    // 5. Whoever was pending but never seen in a fully read source.
    if stop.is_none() {
        feed_result.map_err(NotifyError::Contacts)?;
        let unseen: Vec<Key> = pending
            .lock()
            .map(|p| {
                p.iter()
                    .filter(|(_, seen)| !**seen)
                    .map(|(k, _)| *k)
                    .collect()
            })
            .unwrap_or_default();
        if !unseen.is_empty() {
            report.not_in_source = fail_unseen(store, id, &unseen).await?;
            report.failed += report.not_in_source;
        }
    } else {
        report.left_planned = report.pending.saturating_sub(report.sent + report.failed);
    }
    report.seconds = started.elapsed().as_secs_f64();
    store
        .record_send_run(
            id,
            &json!({
                "pending": report.pending,
                "sent": report.sent,
                "failed": report.failed,
                "not_in_source": report.not_in_source,
                "retried": report.retried,
                "stopped": stop,
                "server": server,
            }),
            &opts.actor,
        )
        .await?;
    if let Some(p) = &progress {
        p(&report);
    }
    transport.shutdown().await;
    match stop {
        Some(reason) => Err(NotifyError::Smtp { server, reason }),
        None => Ok(report),
    }
}

struct RunContext {
    incident: Incident,
    /// Whether the business was the source of the breach (California's
    /// offer of identity-theft services turns on it).
    source: bw_law::SourceOfBreach,
    /// The incident's description in other languages, by language code.
    descriptions: BTreeMap<String, String>,
    /// Which agencies each jurisdiction's notice names.
    content: NoticeContent,
    texts: NoticeTexts,
    from: Mailbox,
    opts: SendOptions,
}

/// Folds one finished job into the report and schedules its retry.
fn account(
    report: &mut SendReport,
    ctx: &RunContext,
    job: &Job,
    outcome: Outcome,
    retry_queue: &mut VecDeque<(Instant, Contact)>,
    connection_failures: &mut u32,
) {
    match outcome {
        Outcome::Sent => {
            report.sent += 1;
            *connection_failures = 0;
        }
        Outcome::Failed => {
            report.failed += 1;
            *connection_failures = 0;
        }
        Outcome::Retry { connection } => {
            report.retried += 1;
            if connection {
                *connection_failures += 1;
            } else {
                *connection_failures = 0;
            }
            let due = Instant::now() + backoff(&ctx.opts, job.notice.attempts);
            let pos = retry_queue.partition_point(|(d, _)| *d <= due);
            retry_queue.insert(pos, (due, job.contact.clone()));
        }
    }
}

fn backoff(opts: &SendOptions, attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    opts.retry_base
        .saturating_mul(1u32 << exp)
        .min(Duration::from_secs(6 * 3600))
}

/// Renders, sends, records; returns once the outcome is committed.
async fn deliver(
    ctx: &RunContext,
    templates: &Templates,
    transport: &Mailer,
    job: &Job,
    rec_tx: &mpsc::Sender<Recorded>,
) -> Outcome {
    let customer_id = job.notice.customer_id.clone();
    let (result, outcome) = match attempt(ctx, templates, transport, job).await {
        Ok((reply, template, sha)) => (
            NoticeResult::Sent {
                customer_id,
                reply,
                template,
                content_sha256: sha,
            },
            Outcome::Sent,
        ),
        Err(Failure::Permanent(reason)) => (
            NoticeResult::Failed {
                customer_id,
                reason,
            },
            Outcome::Failed,
        ),
        Err(Failure::Temporary { reason, connection }) => {
            if job.notice.attempts >= i64::from(ctx.opts.max_attempts) {
                (
                    NoticeResult::Failed {
                        customer_id,
                        reason: format!(
                            "gave up after {} attempts; last: {reason}",
                            job.notice.attempts
                        ),
                    },
                    Outcome::Failed,
                )
            } else {
                let next = OffsetDateTime::now_utc() + backoff(&ctx.opts, job.notice.attempts);
                (
                    NoticeResult::Retry {
                        customer_id,
                        reason,
                        next_attempt_at: next.format(&Rfc3339).ok(),
                    },
                    Outcome::Retry { connection },
                )
            }
        }
    };
    let (ack_tx, ack_rx) = oneshot::channel();
    if rec_tx
        .send(Recorded {
            result,
            ack: ack_tx,
        })
        .await
        .is_err()
    {
        return Outcome::Retry { connection: false };
    }
    // Holding the permit until the write is committed is what bounds the
    // notices that a kill can leave accepted-but-unrecorded.
    let _ = ack_rx.await;
    outcome
}

enum Failure {
    Permanent(String),
    Temporary { reason: String, connection: bool },
}

async fn attempt(
    ctx: &RunContext,
    templates: &Templates,
    transport: &Mailer,
    job: &Job,
) -> std::result::Result<(String, String, String), Failure> {
    let n = &job.notice;
    let c = &job.contact;
    let to = check_address(&c.email).map_err(Failure::Permanent)?;
    let key = templates
        .select(&n.jurisdictions, &n.language)
        .ok_or_else(|| {
            Failure::Permanent("no template for this jurisdiction and no default".into())
        })?;
    let written_in = templates.written_in(&key, &n.language, &ctx.texts.language);
    let vars = vars_for(ctx, n, c, written_in);
    let rendered = templates
        .render(&key, &vars)
        .map_err(|p| Failure::Permanent(format!("template: {p}")))?;
    let name = format!("{} {}", c.first_name.trim(), c.last_name.trim());
    let message =
        build(&ctx.from, to, &name, &n.message_id, &rendered).map_err(Failure::Permanent)?;
    let bytes = message.formatted();
    let envelope: Envelope = message.envelope().clone();
    let sha = bw_store::audit::sha256_hex(&bytes);
    match transport.send(&envelope, &bytes).await {
        Ok(resp) => {
            let text: Vec<&str> = resp.message().collect();
            Ok((
                scrub(&format!("{} {}", resp.code(), text.join(" "))),
                rendered.template,
                sha,
            ))
        }
        Err(SendError::Permanent(e)) => Err(Failure::Permanent(scrub(&e))),
        Err(SendError::Transient(e)) => Err(Failure::Temporary {
            connection: false,
            reason: scrub(&e),
        }),
        Err(SendError::Connection(e)) => Err(Failure::Temporary {
            connection: true,
            reason: scrub(&e),
        }),
    }
}

/// An RFC 3339 timestamp's (UTC) date as the reader writes dates; the
/// stored text's date part if it does not parse.
fn reader_date(ts: &str, language: &str, country: &str) -> String {
    match OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339) {
        Ok(t) => {
            crate::lang::long_date(t.to_offset(time::UtcOffset::UTC).date(), language, country)
        }
        Err(_) => ts.get(..10).unwrap_or_default().to_string(),
    }
}

/// The variables of one notice whose template is written in
/// `template_language` ([`Templates::written_in`]).
fn vars_for(
    ctx: &RunContext,
    n: &ClaimedNotice,
    c: &Contact,
    template_language: &str,
) -> NoticeVars {
    let inc = &ctx.incident;
    // `US-CA` → `US`: how dates are written.
    let country = n.jurisdiction.split('-').next().unwrap_or_default();
    // Each campaign text in the template's language where one is given:
    // the paragraphs read in the language of the words around them.
    let text = |e: ContentElement| {
        ctx.texts
            .in_language(template_language, e)
            .unwrap_or_default()
            .to_string()
    };
    let first = c.first_name.trim();
    let last = c.last_name.trim();
    let name = match (first.is_empty(), last.is_empty()) {
        (false, false) => format!("{first} {last}"),
        (false, true) => first.to_string(),
        (true, false) => last.to_string(),
        (true, true) => match n.language.as_str() {
            "fr" => "Madame, Monsieur".to_string(),
            "de" => "Kundin, Kunde".to_string(),
            "pt" => "Cliente".to_string(),
            _ => "Customer".to_string(),
        },
    };
    // Fields the law vocabulary does not know cannot meet an agency
    // condition; they still appear in the notice's list of data.
    let exposed: Vec<Element> = n.fields.iter().filter_map(|f| f.parse().ok()).collect();
    let agencies = ctx.content.agencies_for(&n.jurisdictions, &exposed);
    // Owed, or possibly owed (the source of the breach not recorded): a
    // configured offer is made rather than withheld.
    let offer_owed = n.jurisdictions.iter().any(|j| {
        ctx.content
            .required_by_exposure(j, &exposed, ctx.source)
            .iter()
            .any(|(c, _)| c.element == ContentElement::IdentityTheftServices)
    });
    NoticeVars {
        customer: CustomerVars {
            name,
            first_name: first.to_string(),
            last_name: last.to_string(),
        },
        exposed: n
            .fields
            .iter()
            .map(|f| FieldVars {
                kind: f.clone(),
                label: field_label(f, &n.language),
            })
            .collect(),
        incident: IncidentVars {
            id: inc.id.to_string(),
            title: inc.title.clone(),
            // In the template's language where the incident gives it
            // (`incident set-description --lang`), as the campaign texts.
            description: ctx
                .descriptions
                .get(template_language)
                .unwrap_or(&inc.description)
                .clone(),
            breach_date: reader_date(&inc.discovered_at, &n.language, country),
        },
        company: CompanyVars {
            name: ctx.texts.company_name.clone(),
            contact: text(ContentElement::Contact),
        },
        notice_date: crate::lang::long_date(OffsetDateTime::now_utc().date(), &n.language, country),
        measures: text(ContentElement::WhatWeAreDoing),
        advice: text(ContentElement::WhatYouCanDo),
        consequences: text(ContentElement::LikelyConsequences),
        regulator_contacts: agency_lines(&agencies.regulators),
        cra_contacts: agency_lines(&agencies.cras),
        identity_protection: if offer_owed {
            text(ContentElement::IdentityTheftServices)
        } else {
            String::new()
        },
        jurisdiction: n.jurisdiction.clone(),
        language: n.language.clone(),
    }
}

/// Fails the pending notices whose customer the source no longer has.
async fn fail_unseen(store: &Store, id: &IncidentId, unseen: &[Key]) -> Result<u64> {
    let wanted: std::collections::HashSet<Key> = unseen.iter().copied().collect();
    let mut ids = Vec::new();
    let mut after = String::new();
    loop {
        let page = store.pending_notices(id, EMAIL, &after, 10_000).await?;
        let Some(last) = page.last() else { break };
        after = last.clone();
        ids.extend(page.into_iter().filter(|c| wanted.contains(&key(c))));
    }
    let mut failed = 0;
    for chunk in ids.chunks(500) {
        let claimed = store.claim_notices(id, EMAIL, chunk).await?;
        let results: Vec<NoticeResult> = claimed
            .into_iter()
            .map(|n| NoticeResult::Failed {
                customer_id: n.customer_id,
                reason: "the customer is no longer in the customer source (deleted since the \
                         incident?); no address to write to"
                    .into(),
            })
            .collect();
        failed += store.record_notice_results(id, EMAIL, &results).await?;
    }
    Ok(failed)
}

#[cfg(test)]
mod families;
#[cfg(test)]
mod languages;
#[cfg(test)]
mod tests;
