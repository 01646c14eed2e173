//! Where notification stands: counts by status and jurisdiction, and
//! progress against each jurisdiction's deadline.

use std::collections::BTreeMap;

use bw_store::{IncidentId, Store};
use serde::Serialize;

use crate::Result;

/// One jurisdiction's notices.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct JurisdictionStatus {
    pub planned: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
    /// Notices some law requires.
    pub required: u64,
    /// Of those, sent.
    pub required_sent: u64,
    /// Earliest legal deadline among its required notices (RFC 3339).
    pub deadline: Option<String>,
}

/// `notify status --format json`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Status {
    pub incident: String,
    pub planned: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
    pub by_jurisdiction: BTreeMap<String, JurisdictionStatus>,
}

impl Status {
    pub fn total(&self) -> u64 {
        self.planned + self.sending + self.sent + self.failed
    }
}

pub async fn status(store: &Store, id: &IncidentId) -> Result<Status> {
    let mut s = Status {
        incident: id.to_string(),
        ..Status::default()
    };
    for c in store.notice_counts(id).await? {
        let j = s.by_jurisdiction.entry(c.jurisdiction.clone()).or_default();
        let (total, per) = match c.status.as_str() {
            "planned" => (&mut s.planned, &mut j.planned),
            "sending" => (&mut s.sending, &mut j.sending),
            "sent" => (&mut s.sent, &mut j.sent),
            _ => (&mut s.failed, &mut j.failed),
        };
        *total += c.count;
        *per += c.count;
        if c.required {
            j.required += c.count;
            if c.status == "sent" {
                j.required_sent += c.count;
            }
            if let Some(d) = c.earliest_deadline {
                if j.deadline.as_ref().is_none_or(|cur| d < *cur) {
                    j.deadline = Some(d);
                }
            }
        }
    }
    Ok(s)
}
