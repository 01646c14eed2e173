//! The canary state file (`canary/canary.sqlite3` in the data dir): issued
//! canaries as fingerprints plus a sealed display copy, what each recipient
//! was given (field names and row count), revocations, sightings, alerts
//! and counts of mail to unknown addresses.
//!
//! Kept apart from the incident store on purpose: the store holds no
//! contact data, not even synthetic, and its migrations belong to it. The
//! incident a recipient's sightings go to is remembered here by id.
//!
//! A canary is `active`, `revoked` (no longer handed out; a sighting still
//! attributes and says so) or `retired` (a registry import brought a real
//! customer with its email or phone: it no longer attributes, since a
//! sighting of that value may be the customer's).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use bw_registry::normalize::{email, phone};
use bw_registry::{Fingerprint, Fingerprinter, IdKind, Registry};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::crypt::DisplayKey;
use crate::error::{io, Error, Result};
use crate::gen::{self, Canary, Names, Source};
use crate::like::Shape;
use crate::now_ts;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS recipients (
    name        TEXT PRIMARY KEY,
    incident_id TEXT,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS issuances (
    id        INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL REFERENCES recipients (name),
    export    TEXT NOT NULL,
    domain    TEXT NOT NULL,
    fields    TEXT NOT NULL,
    rows      INTEGER NOT NULL,
    issued_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS canaries (
    id          TEXT PRIMARY KEY,
    issuance_id INTEGER NOT NULL REFERENCES issuances (id),
    recipient   TEXT NOT NULL,
    country     TEXT NOT NULL,
    sealed      BLOB NOT NULL,
    state       TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked', 'retired')),
    changed_at  TEXT,
    reason      TEXT
);
CREATE TABLE IF NOT EXISTS fingerprints (
    kind      TEXT NOT NULL,
    fp        BLOB NOT NULL,
    canary_id TEXT NOT NULL REFERENCES canaries (id),
    PRIMARY KEY (kind, fp)
);
CREATE TABLE IF NOT EXISTS domains (
    domain       TEXT PRIMARY KEY,
    unknown_rcpt INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sightings (
    id          INTEGER PRIMARY KEY,
    canary_id   TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    channel     TEXT NOT NULL,
    at          TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    source      TEXT NOT NULL,
    detail      BLOB,
    incident_id TEXT,
    UNIQUE (canary_id, sha256)
);
CREATE TABLE IF NOT EXISTS alerts (
    id          INTEGER PRIMARY KEY,
    recipient   TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    last_error  TEXT,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// What to issue.
#[derive(Clone, Debug)]
pub struct IssueRequest {
    pub recipient: String,
    pub count: usize,
    pub domain: String,
    /// A label for the export these canaries go into (a file name).
    pub export: String,
    pub shape: Shape,
}

/// One issuance: what a recipient was given, as the bound of a leak.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issuance {
    pub id: i64,
    pub recipient: String,
    pub export: String,
    pub domain: String,
    pub fields: Vec<String>,
    pub rows: u64,
    pub issued_at: String,
}

/// A canary as `canary list` shows it (no identifier values).
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub id: String,
    pub recipient: String,
    pub export: String,
    pub issuance: i64,
    pub issued_at: String,
    pub country: String,
    pub state: String,
    pub sightings: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// Per recipient, for `canary stats`.
#[derive(Clone, Debug, Serialize)]
pub struct RecipientStats {
    pub recipient: String,
    pub canaries: u64,
    pub revoked: u64,
    pub sightings: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub incident: Option<String>,
}

/// A sighting to remember (`detail` already sealed).
#[derive(Clone, Debug)]
pub struct NewSighting<'a> {
    pub canary_id: &'a str,
    pub recipient: &'a str,
    pub channel: &'a str,
    pub sha256: &'a str,
    pub source: &'a str,
    pub detail: Option<Vec<u8>>,
    pub incident_id: &'a str,
}

/// A sighting as recorded, its sealed detail (a mail's envelope sender,
/// client address, time, subject and headers) opened with the display key.
#[derive(Clone, Debug, Serialize)]
pub struct Sighting {
    pub canary_id: String,
    pub recipient: String,
    pub channel: String,
    pub at: String,
    pub sha256: String,
    pub source: String,
    pub incident: Option<String>,
    pub detail: Option<serde_json::Value>,
}

/// A webhook alert as recorded: `delivered` or `failed`.
#[derive(Clone, Debug, Serialize)]
pub struct Alert {
    pub recipient: String,
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
}

pub struct CanaryDb {
    conn: Connection,
}

/// The fingerprints a canary is recognised by: its email's forms and its
/// phone's E.164 form. Its name is not one: real people share it.
pub fn fingerprints(fp: &Fingerprinter, c: &Canary) -> Vec<(IdKind, Fingerprint)> {
    let mut out = Vec::new();
    if let Ok(f) = email::normalise(&c.email, email::EmailOptions::default()) {
        out.push((IdKind::Email, fp.fingerprint(IdKind::Email, &f.exact)));
        if let Some(v) = &f.variant {
            out.push((IdKind::Email, fp.fingerprint(IdKind::Email, v)));
        }
    }
    if !c.phone_e164.is_empty() {
        if let Ok(e164) = phone::normalise(&c.phone_e164, None) {
            out.push((IdKind::Phone, fp.fingerprint(IdKind::Phone, &e164)));
        }
    }
    out
}

/// Whether `c`'s email or phone is a registry customer's.
pub fn equals_customer(reg: &Registry, c: &Canary) -> bool {
    !reg.lookup_email(&c.email).is_empty()
        || (!c.phone_e164.is_empty() && !reg.lookup_phone(&c.phone_e164, None).is_empty())
}

impl CanaryDb {
    /// Opens (creating) the state file; its directory is made 0700.
    pub fn open(path: &Path) -> Result<CanaryDb> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io("creating canary directory", dir))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
            }
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        Ok(CanaryDb { conn })
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Issues `req.count` canaries to a recipient in one transaction, each
    /// unique among all canaries and, when `registry` is given, equal to no
    /// customer (redrawn until so). Returns the issuance and the canaries
    /// in clear, for printing once.
    pub fn issue(
        &mut self,
        req: &IssueRequest,
        names: &Names,
        src: &mut dyn Source,
        fp: &Fingerprinter,
        key: &DisplayKey,
        registry: Option<&Registry>,
    ) -> Result<(Issuance, Vec<Canary>)> {
        if req.recipient.trim().is_empty() {
            return Err(Error::Invalid("a recipient needs a name".into()));
        }
        if req.count == 0 || req.count > 10_000 {
            return Err(Error::Invalid("--count must be between 1 and 10000".into()));
        }
        let domain = req.domain.trim().to_ascii_lowercase();
        let at = now_ts();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO recipients (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            params![req.recipient, at],
        )?;
        tx.execute(
            "INSERT INTO domains (domain) VALUES (?1) ON CONFLICT (domain) DO NOTHING",
            params![domain],
        )?;
        let fields_json = serde_json::to_string(&req.shape.header).unwrap_or_default();
        // The bound: the rows of the real export plus the canaries in it.
        let rows = req.shape.rows + req.count as u64;
        tx.execute(
            "INSERT INTO issuances (recipient, export, domain, fields, rows, issued_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                req.recipient,
                req.export,
                domain,
                fields_json,
                rows as i64,
                at
            ],
        )?;
        let issuance_id = tx.last_insert_rowid();
        let mut out = Vec::with_capacity(req.count);
        let mut taken: HashSet<(IdKind, Fingerprint)> = HashSet::new();
        for _ in 0..req.count {
            let mut tries = 0;
            let (canary, fps) = loop {
                tries += 1;
                if tries > 1000 {
                    return Err(Error::Exhausted(format!(
                        "no unused canary found in 1000 draws for {domain}; \
                         fictional phone ranges may be used up: try another --domain"
                    )));
                }
                let country = req.shape.pick_country(src);
                let c = gen::draw(
                    src,
                    names,
                    &domain,
                    &country,
                    req.shape.id_sample.as_deref(),
                )?;
                let fps = fingerprints(fp, &c);
                let clash = fps.iter().any(|(k, f)| taken.contains(&(*k, *f)))
                    || fps.iter().try_fold(false, |any, (k, f)| {
                        let hit: Option<i64> = tx
                            .query_row(
                                "SELECT 1 FROM fingerprints WHERE kind = ?1 AND fp = ?2",
                                params![k.as_str(), &f[..]],
                                |r| r.get(0),
                            )
                            .optional()?;
                        Ok::<bool, Error>(any || hit.is_some())
                    })?
                    || registry.is_some_and(|r| equals_customer(r, &c));
                if !clash {
                    break (c, fps);
                }
            };
            let plain = serde_json::to_vec(&canary).map_err(|e| Error::Invalid(e.to_string()))?;
            let sealed = key.seal(&canary.id, &plain)?;
            tx.execute(
                "INSERT INTO canaries (id, issuance_id, recipient, country, sealed) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    canary.id,
                    issuance_id,
                    req.recipient,
                    canary.country,
                    sealed
                ],
            )?;
            for (k, f) in &fps {
                taken.insert((*k, *f));
                tx.execute(
                    "INSERT INTO fingerprints (kind, fp, canary_id) VALUES (?1, ?2, ?3)",
                    params![k.as_str(), &f[..], canary.id],
                )?;
            }
            out.push(canary);
        }
        tx.commit()?;
        let iss = Issuance {
            id: issuance_id,
            recipient: req.recipient.clone(),
            export: req.export.clone(),
            domain,
            fields: req.shape.header.clone(),
            rows,
            issued_at: at,
        };
        Ok((iss, out))
    }

    /// Every issuance of a recipient, oldest first.
    pub fn issuances(&self, recipient: &str) -> Result<Vec<Issuance>> {
        let mut st = self.conn.prepare(
            "SELECT id, recipient, export, domain, fields, rows, issued_at FROM issuances \
             WHERE recipient = ?1 ORDER BY id",
        )?;
        let rows = st.query_map(params![recipient], |r| {
            let fields: String = r.get(4)?;
            Ok(Issuance {
                id: r.get(0)?,
                recipient: r.get(1)?,
                export: r.get(2)?,
                domain: r.get(3)?,
                fields: serde_json::from_str(&fields).unwrap_or_default(),
                rows: r.get::<_, i64>(5)?.max(0) as u64,
                issued_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The canary in clear (for `list --reveal`), opened with the key.
    pub fn reveal(&self, id: &str, key: &DisplayKey) -> Result<Canary> {
        let sealed: Vec<u8> = self
            .conn
            .query_row(
                "SELECT sealed FROM canaries WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::Invalid(format!("no canary {id}")))?;
        let plain = key.open(id, &sealed)?;
        serde_json::from_slice(&plain).map_err(|_| Error::Unseal(id.to_string()))
    }

    /// Canaries, optionally of one recipient, with their sightings.
    pub fn list(&self, recipient: Option<&str>) -> Result<Vec<Listed>> {
        let mut st = self.conn.prepare(
            "SELECT c.id, c.recipient, i.export, i.id, i.issued_at, c.country, c.state, \
             COUNT(s.id), MIN(s.at), MAX(s.at) \
             FROM canaries c JOIN issuances i ON i.id = c.issuance_id \
             LEFT JOIN sightings s ON s.canary_id = c.id \
             WHERE ?1 IS NULL OR c.recipient = ?1 \
             GROUP BY c.id ORDER BY c.recipient, i.id, c.id",
        )?;
        let rows = st.query_map(params![recipient], |r| {
            Ok(Listed {
                id: r.get(0)?,
                recipient: r.get(1)?,
                export: r.get(2)?,
                issuance: r.get(3)?,
                issued_at: r.get(4)?,
                country: r.get(5)?,
                state: r.get(6)?,
                sightings: r.get::<_, i64>(7)?.max(0) as u64,
                first_seen: r.get(8)?,
                last_seen: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Revokes a canary by id, or all of a recipient's: they are handed out
    /// no more, and still attribute. Returns how many changed.
    pub fn revoke(&self, id_or_recipient: &str, reason: &str) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE canaries SET state = 'revoked', changed_at = ?2, reason = ?3 \
             WHERE state = 'active' AND (id = ?1 OR recipient = ?1)",
            params![id_or_recipient, now_ts(), reason],
        )?)
    }

    /// Canaries (not retired) whose email or phone is now a registry
    /// customer's; run after every registry import, then [`Self::retire`].
    pub fn collisions(&self, reg: &Registry, key: &DisplayKey) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT id FROM canaries WHERE state != 'retired' ORDER BY id")?;
        let ids: Vec<String> = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for id in ids {
            if equals_customer(reg, &self.reveal(&id, key)?) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Retires canaries that equal a customer: their fingerprints go, so a
    /// sighting of that value is never attributed to a recipient.
    pub fn retire(&mut self, ids: &[String], reason: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        for id in ids {
            tx.execute(
                "UPDATE canaries SET state = 'retired', changed_at = ?2, reason = ?3 WHERE id = ?1",
                params![id, now_ts(), reason],
            )?;
            tx.execute("DELETE FROM fingerprints WHERE canary_id = ?1", params![id])?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn stats(&self) -> Result<(Vec<RecipientStats>, BTreeMap<String, u64>)> {
        let mut st = self.conn.prepare(
            "SELECT r.name, r.incident_id, \
             (SELECT COUNT(*) FROM canaries c WHERE c.recipient = r.name), \
             (SELECT COUNT(*) FROM canaries c WHERE c.recipient = r.name AND c.state = 'revoked'), \
             (SELECT COUNT(*) FROM sightings s WHERE s.recipient = r.name), \
             (SELECT MIN(at) FROM sightings s WHERE s.recipient = r.name), \
             (SELECT MAX(at) FROM sightings s WHERE s.recipient = r.name) \
             FROM recipients r ORDER BY r.name",
        )?;
        let per = st
            .query_map([], |r| {
                Ok(RecipientStats {
                    recipient: r.get(0)?,
                    incident: r.get(1)?,
                    canaries: r.get::<_, i64>(2)?.max(0) as u64,
                    revoked: r.get::<_, i64>(3)?.max(0) as u64,
                    sightings: r.get::<_, i64>(4)?.max(0) as u64,
                    first_seen: r.get(5)?,
                    last_seen: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self
            .conn
            .prepare("SELECT domain, unknown_rcpt FROM domains ORDER BY domain")?;
        let unknown = st
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((per, unknown))
    }

    /// Adds to the count of mail to unknown addresses at `domain`.
    pub fn add_unknown(&self, domain: &str, n: u64) -> Result<()> {
        self.conn.execute(
            "UPDATE domains SET unknown_rcpt = unknown_rcpt + ?2 WHERE domain = ?1",
            params![domain, n as i64],
        )?;
        Ok(())
    }

    /// Remembers a sighting; `false` when this canary was already seen in
    /// the same bytes (a file scanned twice, a message redelivered).
    pub fn add_sighting(&self, s: &NewSighting<'_>) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO sightings (canary_id, recipient, channel, at, sha256, source, detail, incident_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (canary_id, sha256) DO NOTHING",
            params![
                s.canary_id,
                s.recipient,
                s.channel,
                now_ts(),
                s.sha256,
                s.source,
                s.detail,
                s.incident_id
            ],
        )?;
        Ok(n == 1)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, v],
            )?,
            None => self
                .conn
                .execute("DELETE FROM settings WHERE key = ?1", params![key])?,
        };
        Ok(())
    }

    /// Sightings, oldest first (of one recipient, if given), their details
    /// opened with `key` (sealed under the message or file SHA-256).
    pub fn sightings(&self, recipient: Option<&str>, key: &DisplayKey) -> Result<Vec<Sighting>> {
        let mut st = self.conn.prepare(
            "SELECT canary_id, recipient, channel, at, sha256, source, incident_id, detail \
             FROM sightings WHERE ?1 IS NULL OR recipient = ?1 ORDER BY id",
        )?;
        let rows = st
            .query_map(params![recipient], |r| {
                Ok((
                    Sighting {
                        canary_id: r.get(0)?,
                        recipient: r.get(1)?,
                        channel: r.get(2)?,
                        at: r.get(3)?,
                        sha256: r.get(4)?,
                        source: r.get(5)?,
                        incident: r.get(6)?,
                        detail: None,
                    },
                    r.get::<_, Option<Vec<u8>>>(7)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(mut s, sealed)| {
                if let Some(sealed) = sealed {
                    let plain = key.open(&s.sha256, &sealed)?;
                    s.detail = Some(
                        serde_json::from_slice(&plain)
                            .map_err(|_| Error::Unseal(s.canary_id.clone()))?,
                    );
                }
                Ok(s)
            })
            .collect()
    }

    /// Alerts recorded, oldest first.
    pub fn alerts(&self) -> Result<Vec<Alert>> {
        let mut st = self
            .conn
            .prepare("SELECT recipient, status, attempts, last_error FROM alerts ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok(Alert {
                recipient: r.get(0)?,
                status: r.get(1)?,
                attempts: r.get::<_, i64>(2)?.max(0) as u32,
                last_error: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn record_alert(
        &self,
        recipient: &str,
        incident: &str,
        status: &str,
        attempts: u32,
        last_error: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO alerts (recipient, incident_id, status, attempts, last_error, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![recipient, incident, status, attempts, last_error, now_ts()],
        )?;
        Ok(())
    }
}
