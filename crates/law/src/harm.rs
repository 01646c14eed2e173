//! Harm determinations and what a law asks after one. Many breach laws
//! excuse notice when an investigation finds harm unlikely; until someone
//! has found that, the answer is "assess", never "not required", and once
//! they have, some laws want the finding itself sent on.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use bw_terms::HarmFinding;

/// The finding that counts for one jurisdiction, and when it was made
/// (follow-up deadlines count from it, not from discovery).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HarmDetermination {
    pub finding: HarmFinding,
    pub decided_at: OffsetDateTime,
}

/// What a law asks once notice is excused by a no-harm determination
/// (rule data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRule {
    pub who: String,
    pub action: String,
    /// Days after the determination; `None`: the law gives no day count.
    pub deadline_days: Option<u32>,
    /// Smallest number of residents excused by the determination for which
    /// it is owed ("over five hundred" is 501).
    pub threshold_residents: u64,
}

/// A duty that remains after a no-harm determination, e.g. sending the
/// written determination to a regulator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    pub to: String,
    pub action: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub deadline: Option<OffsetDateTime>,
    pub citation: String,
}
