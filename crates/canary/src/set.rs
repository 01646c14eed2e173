//! Is this finding a canary? The issued canaries' fingerprints, loaded
//! once into a hash map, so a check is one normalisation, one keyed hash
//! and one probe, whatever the number of canaries.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use bw_detect::Kind;
use bw_registry::normalize::{email, phone};
use bw_registry::{Fingerprint, Fingerprinter, IdKind};
use rusqlite::params;

use crate::db::CanaryDb;
use crate::error::Result;

/// What a sighting names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    pub id: String,
    pub recipient: String,
    pub export: String,
    pub issuance: i64,
    /// Revoked canaries still attribute, marked so.
    pub revoked: bool,
}

/// Keyed fingerprints are already uniform: their first 8 bytes are the
/// hash (SipHash over them would be wasted work on the scan path).
#[derive(Default)]
pub struct FpHasher(u64);

impl Hasher for FpHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*b) << (8 * i);
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = self.0.rotate_left(8) ^ u64::from(b);
    }
    fn write_usize(&mut self, _: usize) {}
}

type FpMap = HashMap<(u8, Fingerprint), u32, BuildHasherDefault<FpHasher>>;

fn tag(k: IdKind) -> u8 {
    match k {
        IdKind::Email => 0,
        IdKind::Phone => 1,
        IdKind::Name => 2,
    }
}

pub struct CanarySet {
    map: FpMap,
    info: Vec<Info>,
    domains: HashSet<String>,
    /// Countries canaries were issued in: where a national-format phone
    /// found in a leak is read.
    regions: Vec<String>,
    fp: Fingerprinter,
}

impl std::fmt::Debug for CanarySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CanarySet({} canaries)", self.info.len())
    }
}

impl CanarySet {
    /// Every canary that attributes (active or revoked, not retired).
    pub fn load(db: &CanaryDb, fp: Fingerprinter) -> Result<CanarySet> {
        let conn = db.conn();
        let mut st = conn.prepare(
            "SELECT c.id, c.recipient, i.export, i.id, c.state, c.country \
             FROM canaries c JOIN issuances i ON i.id = c.issuance_id \
             WHERE c.state != 'retired' ORDER BY c.id",
        )?;
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut info = Vec::new();
        let mut regions: Vec<String> = Vec::new();
        let rows = st.query_map([], |r| {
            Ok((
                Info {
                    id: r.get(0)?,
                    recipient: r.get(1)?,
                    export: r.get(2)?,
                    issuance: r.get(3)?,
                    revoked: r.get::<_, String>(4)? == "revoked",
                },
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            let (i, country) = row?;
            if !regions.contains(&country) {
                regions.push(country);
            }
            index.insert(i.id.clone(), info.len() as u32);
            info.push(i);
        }
        let mut map = FpMap::default();
        let mut st = conn.prepare("SELECT kind, fp, canary_id FROM fingerprints")?;
        let rows = st.query_map(params![], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (kind, bytes, id) = row?;
            let kind = match kind.as_str() {
                "email" => IdKind::Email,
                "phone" => IdKind::Phone,
                _ => continue,
            };
            let (Ok(f), Some(ix)) = (<Fingerprint>::try_from(bytes.as_slice()), index.get(&id))
            else {
                continue;
            };
            map.insert((tag(kind), f), *ix);
        }
        let mut st = conn.prepare("SELECT domain FROM domains")?;
        let domains = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(CanarySet {
            map,
            info,
            domains,
            regions,
            fp,
        })
    }

    pub fn len(&self) -> usize {
        self.info.len()
    }

    pub fn is_empty(&self) -> bool {
        self.info.is_empty()
    }

    fn probe(&self, kind: IdKind, normalised: &str) -> Option<&Info> {
        let f = self.fp.fingerprint(kind, normalised);
        self.map
            .get(&(tag(kind), f))
            .and_then(|ix| self.info.get(*ix as usize))
    }

    /// The canary an email address is, if any.
    pub fn check_email(&self, raw: &str) -> Option<&Info> {
        let forms = email::normalise(raw, email::EmailOptions::default()).ok()?;
        self.probe(IdKind::Email, &forms.exact).or_else(|| {
            forms
                .variant
                .as_deref()
                .and_then(|v| self.probe(IdKind::Email, v))
        })
    }

    /// The canary a phone number is, if any: international forms directly,
    /// national ones read in each country canaries were issued in.
    pub fn check_phone(&self, raw: &str) -> Option<&Info> {
        if let Ok(e164) = phone::normalise(raw, None) {
            return self.probe(IdKind::Phone, &e164);
        }
        self.regions.iter().find_map(|r| {
            phone::normalise(raw, Some(r))
                .ok()
                .and_then(|e164| self.probe(IdKind::Phone, &e164))
        })
    }

    /// A scan finding's kind and value: the canary it is, if any. Only
    /// emails and phones identify a canary.
    pub fn check(&self, kind: Kind, value: &[u8]) -> Option<&Info> {
        if self.map.is_empty() {
            return None;
        }
        let text = std::str::from_utf8(value).ok()?;
        match kind {
            Kind::Email => self.check_email(text),
            Kind::PhoneNumber => self.check_phone(text),
            _ => None,
        }
    }

    /// Whether mail to `domain` is ours to receive (a canary domain).
    pub fn is_canary_domain(&self, domain: &str) -> bool {
        self.domains
            .contains(domain.trim_end_matches('.').to_ascii_lowercase().as_str())
    }
}
