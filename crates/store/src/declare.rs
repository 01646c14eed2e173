//! What investigators declare about an incident that no scan can find:
//! its cause, and data elements they know were taken. Each is one audited
//! write, so the log shows who said what and when, and `verify` can replay
//! it against the rows. Declarations hold names, never values.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::audit::{self, canonical_json};
use crate::determine::read_determinations;
use crate::error::{Context, Result, StoreError};
use crate::evidence::read_unattributed;
use crate::model::{
    Cause, Declarations, DeclareOutcome, DeclaredElement, DeclaredScope, IncidentId,
    NewDeclaration, SourceOfBreach,
};
use crate::rows::{count, ensure_exists, get, now_ts, parse_enum, values_placeholders};
use crate::tx::{audited, check_actor, retry, rolled_back, Change, Entry, Tx};
use crate::Store;

/// Customer ids per multi-row INSERT (3 parameters each).
const CUSTOMER_CHUNK: usize = 300;

/// Longest reason kept; a reason is a sentence for the log, not a report.
const MAX_REASON: usize = 2000;

impl Store {
    /// Records why the breach happened. `reason` (may be empty) goes into
    /// the audit entry. Returns false, writing nothing, when the incident
    /// already has this cause.
    pub async fn set_cause(
        &self,
        id: &IncidentId,
        cause: Cause,
        reason: &str,
        actor: &str,
    ) -> Result<bool> {
        self.set_fact(id, Fact::Cause(cause), reason, actor).await
    }

    /// Records whether the business giving notice was the source of the
    /// breach (audit action `incident.source_of_breach`). Returns false,
    /// writing nothing, when the incident already says so.
    pub async fn set_source_of_breach(
        &self,
        id: &IncidentId,
        source: SourceOfBreach,
        reason: &str,
        actor: &str,
    ) -> Result<bool> {
        self.set_fact(id, Fact::Source(source), reason, actor).await
    }

    async fn set_fact(
        &self,
        id: &IncidentId,
        fact: Fact,
        reason: &str,
        actor: &str,
    ) -> Result<bool> {
        check_actor(actor)?;
        let reason = check_reason(reason, false)?;
        let what = format!("setting the {} of {id} to {}", fact.label(), fact.value());
        retry(|| self.try_set_fact(id, fact, &reason, actor, &what))
            .await
            .map_err(rolled_back(&what))
    }

    async fn try_set_fact(
        &self,
        id: &IncidentId,
        fact: Fact,
        reason: &str,
        actor: &str,
        what: &str,
    ) -> Result<bool> {
        let tx = self.begin_write(what).await?;
        audited(tx, what, id, actor, |mut tx, _| async move {
            let before = fact.current(read_facts(&mut tx, id).await?);
            if before == fact.value() {
                return Ok((tx, Change::Rollback(false)));
            }
            let at = now_ts()?;
            // The column is one of Fact's two constants, never input.
            sqlx::query(&format!(
                "UPDATE incidents SET {} = $1 WHERE id = $2",
                fact.column()
            ))
            .bind(fact.value())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .context(|| what.to_string())?;
            let mut after = json!({ fact.column(): fact.value() });
            if let (false, Some(obj)) = (reason.is_empty(), after.as_object_mut()) {
                obj.insert("reason".into(), json!(reason));
            }
            let entry = Entry {
                at,
                action: fact.action(),
                before: json!({ fact.column(): before }),
                after,
            };
            Ok((tx, Change::Audit(true, entry)))
        })
        .await
    }

    /// Records that an element was taken from some or all affected
    /// customers, with the reason and the actor, as audit action
    /// `declaration.add`. Listed customers not yet affected are kept: they
    /// count once evidence adds them.
    pub async fn declare_element(
        &self,
        id: &IncidentId,
        declaration: &NewDeclaration,
        actor: &str,
    ) -> Result<DeclareOutcome> {
        check_actor(actor)?;
        let prepared = Prepared::new(declaration)?;
        retry(|| self.try_declare_element(id, &prepared, actor))
            .await
            .map_err(rolled_back(&format!(
                "declaring {} for {id}",
                prepared.element
            )))
    }

    async fn try_declare_element(
        &self,
        id: &IncidentId,
        d: &Prepared,
        actor: &str,
    ) -> Result<DeclareOutcome> {
        let what = format!("declaring {} for {id}", d.element);
        let what = what.as_str();
        let tx = self.begin_write(what).await?;
        audited(tx, what, id, actor, |mut tx, _| async move {
            let at = now_ts()?;
            let before_count = count(&mut tx, "declarations", id).await?;
            let row = sqlx::query(
                "SELECT COALESCE(MAX(seq), 0) AS last FROM declarations WHERE incident_id = $1",
            )
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await
            .context(|| what.to_string())?;
            let seq: i64 = get::<i64>(&row, "last")? + 1;
            let listed = d.customers.len() as u64;
            sqlx::query(
                "INSERT INTO declarations (incident_id, seq, element, hashing, all_affected, \
                 customer_count, customers_sha256, reason, declared_at, declared_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id.as_str())
            .bind(seq)
            .bind(d.element.as_str())
            .bind(d.hashing.clone())
            .bind(i64::from(d.all_affected))
            .bind(listed as i64)
            .bind(d.customers_sha256.as_str())
            .bind(d.reason.as_str())
            .bind(at.as_str())
            .bind(actor)
            .execute(&mut *tx)
            .await
            .context(|| format!("{what}: inserting the declaration"))?;
            insert_customers(&mut tx, id, seq, &d.customers).await?;
            let not_yet_affected = if d.customers.is_empty() {
                0
            } else {
                listed.saturating_sub(count_affected(&mut tx, id, seq).await?)
            };
            let mut after = json!({
                "seq": seq,
                "element": d.element,
                "all_affected": d.all_affected,
                "customer_count": listed,
                "customers_sha256": d.customers_sha256,
                "not_yet_affected": not_yet_affected,
                "reason": d.reason,
                "declaration_count": before_count + 1,
            });
            if let (Some(h), Some(obj)) = (&d.hashing, after.as_object_mut()) {
                obj.insert("hashing".into(), json!(h));
            }
            let entry = Entry {
                at,
                action: "declaration.add",
                before: json!({ "declaration_count": before_count }),
                after,
            };
            let outcome = DeclareOutcome {
                seq,
                customers: listed,
                not_yet_affected,
            };
            Ok((tx, Change::Audit(outcome, entry)))
        })
        .await
    }

    /// Everything declared about the incident.
    pub async fn declarations(&self, id: &IncidentId) -> Result<Declarations> {
        let mut tx = self
            .begin_read(&format!("reading declarations of {id}"))
            .await?;
        ensure_exists(&mut tx, id).await?;
        read_declarations(&mut tx, id).await
    }
}

pub(crate) async fn read_declarations(tx: &mut Tx, id: &IncidentId) -> Result<Declarations> {
    let (cause, source_of_breach) = read_facts(tx, id).await?;
    Ok(Declarations {
        cause,
        declared_elements: read_declared_elements(tx, id).await?,
        determinations: read_determinations(tx, id).await?,
        source_of_breach,
        unattributed: read_unattributed(tx, id).await?,
        description_translations: crate::describe::read_description_translations(tx, id).await?,
    })
}

async fn read_declared_elements(tx: &mut Tx, id: &IncidentId) -> Result<Vec<DeclaredElement>> {
    let what = || format!("reading declarations of {id}");
    let mut customers: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for r in sqlx::query(
        "SELECT declaration_seq, customer_id FROM declared_customers WHERE incident_id = $1 \
         ORDER BY declaration_seq, customer_id",
    )
    .bind(id.as_str())
    .fetch_all(&mut **tx)
    .await
    .context(what)?
    {
        customers
            .entry(get(&r, "declaration_seq")?)
            .or_default()
            .push(get(&r, "customer_id")?);
    }
    let rows = sqlx::query(
        "SELECT seq, element, hashing, all_affected, reason, declared_at, declared_by \
         FROM declarations WHERE incident_id = $1 ORDER BY seq",
    )
    .bind(id.as_str())
    .fetch_all(&mut **tx)
    .await
    .context(what)?;
    rows.iter()
        .map(|r| {
            let seq: i64 = get(r, "seq")?;
            Ok(DeclaredElement {
                seq,
                element: get(r, "element")?,
                hashing: get(r, "hashing")?,
                all_affected: get::<i64>(r, "all_affected")? != 0,
                customers: customers.remove(&seq).unwrap_or_default(),
                reason: get(r, "reason")?,
                declared_at: get(r, "declared_at")?,
                declared_by: get(r, "declared_by")?,
            })
        })
        .collect()
}

async fn insert_customers(tx: &mut Tx, id: &IncidentId, seq: i64, ids: &[String]) -> Result<()> {
    for chunk in ids.chunks(CUSTOMER_CHUNK) {
        let mut sql = String::from(
            "INSERT INTO declared_customers (incident_id, declaration_seq, customer_id) VALUES ",
        );
        sql.push_str(&values_placeholders(chunk.len(), 3));
        let mut q = sqlx::query(&sql);
        for c in chunk {
            q = q.bind(id.as_str()).bind(seq).bind(c.as_str());
        }
        q.execute(&mut **tx)
            .await
            .context(|| format!("recording the customers of declaration {seq} of {id}"))?;
    }
    Ok(())
}

/// How many of a declaration's customers are in the affected set.
async fn count_affected(tx: &mut Tx, id: &IncidentId, seq: i64) -> Result<u64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM declared_customers d JOIN affected a \
         ON a.incident_id = d.incident_id AND a.customer_id = d.customer_id \
         WHERE d.incident_id = $1 AND d.declaration_seq = $2",
    )
    .bind(id.as_str())
    .bind(seq)
    .fetch_one(&mut **tx)
    .await
    .context(|| format!("matching declaration {seq} of {id} to affected customers"))?;
    Ok(get::<i64>(&row, "n")?.max(0) as u64)
}

/// The digest of a declaration's customer list that the audit entry and
/// the row both carry: SHA-256 of the canonical JSON of the sorted ids.
pub(crate) fn customers_digest(sorted_ids: &[String]) -> String {
    audit::sha256_hex(canonical_json(&json!(sorted_ids)).as_bytes())
}

/// What a `declaration.add` audit entry says was declared.
pub(crate) struct LoggedDeclaration {
    pub(crate) seq: i64,
    element: String,
    customers_sha256: String,
}

impl LoggedDeclaration {
    pub(crate) fn from_entry(after: &serde_json::Value) -> Option<LoggedDeclaration> {
        Some(LoggedDeclaration {
            seq: after.get("seq")?.as_i64()?,
            element: after.get("element")?.as_str()?.to_string(),
            customers_sha256: after.get("customers_sha256")?.as_str()?.to_string(),
        })
    }
}

/// Compares the stored declarations, and the customer lists they cover,
/// with what the audit log says was declared.
pub(crate) async fn verify_declarations(
    tx: &mut Tx,
    id: &IncidentId,
    logged: &BTreeMap<i64, LoggedDeclaration>,
    mismatches: &mut Vec<String>,
) -> Result<()> {
    let stored = read_declared_elements(tx, id).await?;
    let mut seen = BTreeSet::new();
    for d in &stored {
        seen.insert(d.seq);
        let digest = customers_digest(&d.customers);
        match logged.get(&d.seq) {
            None => mismatches.push(format!(
                "declaration {} ({}) is stored but no audit entry added it",
                d.seq, d.element
            )),
            Some(l) if l.element != d.element => mismatches.push(format!(
                "declaration {} is stored as {} but the audit log says {}",
                d.seq, d.element, l.element
            )),
            Some(l) if l.customers_sha256 != digest => mismatches.push(format!(
                "the customers of declaration {} ({}) differ from those the audit log recorded",
                d.seq, d.element
            )),
            Some(_) => {}
        }
    }
    for (seq, l) in logged {
        if !seen.contains(seq) {
            mismatches.push(format!(
                "declaration {seq} ({}) was added per the audit log but is missing",
                l.element
            ));
        }
    }
    Ok(())
}

/// A declaration validated and normalised once, before any retry.
struct Prepared {
    element: String,
    hashing: Option<String>,
    all_affected: bool,
    customers: Vec<String>,
    customers_sha256: String,
    reason: String,
}

impl Prepared {
    fn new(d: &NewDeclaration) -> Result<Prepared> {
        let element = name("element", &d.element)?;
        let hashing = d
            .hashing
            .as_deref()
            .map(|h| name("hashing algorithm", h))
            .transpose()?;
        let reason = check_reason(&d.reason, true)?;
        let (all_affected, customers) = match &d.scope {
            DeclaredScope::AllAffected => (true, Vec::new()),
            DeclaredScope::Customers(ids) => {
                let set: BTreeSet<String> = ids
                    .iter()
                    .map(|c| c.trim())
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect();
                if set.is_empty() {
                    return Err(StoreError::Invalid(
                        "the declaration lists no customer ids (declare for all affected \
                         customers instead?)"
                            .into(),
                    ));
                }
                (false, set.into_iter().collect())
            }
        };
        Ok(Prepared {
            customers_sha256: customers_digest(&customers),
            element,
            hashing,
            all_affected,
            customers,
            reason,
        })
    }
}

/// A lowercase identifier (`password`, `bcrypt`): the store keeps names,
/// and anything else is either a value pasted by mistake or a typo.
fn name(what: &str, s: &str) -> Result<String> {
    let s = s.trim().to_ascii_lowercase();
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(StoreError::Invalid(format!(
            "{what} {s:?} is not a name (lowercase letters, digits and _)"
        )));
    }
    Ok(s)
}

/// An incident fact set by one audited column write.
#[derive(Clone, Copy)]
enum Fact {
    Cause(Cause),
    Source(SourceOfBreach),
}

impl Fact {
    fn column(self) -> &'static str {
        match self {
            Fact::Cause(_) => "cause",
            Fact::Source(_) => "source_of_breach",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Fact::Cause(_) => "incident.cause",
            Fact::Source(_) => "incident.source_of_breach",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Fact::Cause(_) => "cause",
            Fact::Source(_) => "source of breach",
        }
    }

    fn value(self) -> &'static str {
        match self {
            Fact::Cause(c) => c.as_str(),
            Fact::Source(s) => s.as_str(),
        }
    }

    /// This fact's value in what the incident says now.
    fn current(self, (cause, source): (Cause, SourceOfBreach)) -> &'static str {
        match self {
            Fact::Cause(_) => cause.as_str(),
            Fact::Source(_) => source.as_str(),
        }
    }
}

/// The incident's cause and source of breach.
async fn read_facts(tx: &mut Tx, id: &IncidentId) -> Result<(Cause, SourceOfBreach)> {
    let row = sqlx::query("SELECT cause, source_of_breach FROM incidents WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .context(|| format!("reading the cause of {id}"))?
        .ok_or_else(|| StoreError::NotFound(id.clone()))?;
    Ok((
        parse_enum(get::<String>(&row, "cause")?)?,
        parse_enum(get::<String>(&row, "source_of_breach")?)?,
    ))
}

/// Trims a reason and bounds it; `required` reasons may not be empty,
/// because a declaration nobody can explain later is worthless evidence.
pub(crate) fn check_reason(reason: &str, required: bool) -> Result<String> {
    let reason = reason.trim();
    if required && reason.is_empty() {
        return Err(StoreError::Invalid(
            "a declaration needs a reason (what the investigator knows and how)".into(),
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(StoreError::Invalid(format!(
            "the reason is longer than {MAX_REASON} characters; summarise it and keep the \
             details in the case file"
        )));
    }
    Ok(reason.to_string())
}
