//! `bw-terms`: the words the law rules (`bw-law`) and the incident store
//! (`bw-store`) share about an incident — why the breach happened
//! ([`Cause`]), whether harm is likely ([`HarmFinding`]) and whether the
//! business giving notice was the source of the breach
//! ([`SourceOfBreach`]) — so both
//! read and write the same values without depending on each other.
//!
//! It must never hold rules, storage or anything but these names: what a
//! cause or a finding means for notice is `bw-law`'s to decide.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The cause of a breach, as the incident records it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// Unauthorised access or another wrongful act (hacking, malware, theft).
    Attack,
    /// Disclosure by mistake, by people allowed to see the data.
    InadvertentDisclosure,
    LostDevice,
    Other,
    /// Not recorded: a rule that turns on the cause must treat every cause
    /// as possible.
    #[default]
    Unknown,
}

impl Cause {
    pub const ALL: [Cause; 5] = [
        Cause::Attack,
        Cause::InadvertentDisclosure,
        Cause::LostDevice,
        Cause::Other,
        Cause::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Attack => "attack",
            Cause::InadvertentDisclosure => "inadvertent_disclosure",
            Cause::LostDevice => "lost_device",
            Cause::Other => "other",
            Cause::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cause name that is none of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown cause {0:?} (expected attack, inadvertent_disclosure, lost_device, other or unknown)"
)]
pub struct ParseCauseError(pub String);

impl FromStr for Cause {
    type Err = ParseCauseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Cause::ALL
            .into_iter()
            .find(|c| c.as_str() == key)
            .ok_or_else(|| ParseCauseError(s.to_string()))
    }
}

/// A person's finding on whether the breach is likely to harm a
/// jurisdiction's residents. Many laws excuse notice once harm is found
/// unlikely; until someone has found that, the answer is "assess".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HarmFinding {
    NoHarm,
    HarmLikely,
}

impl HarmFinding {
    pub fn as_str(self) -> &'static str {
        match self {
            HarmFinding::NoHarm => "no_harm",
            HarmFinding::HarmLikely => "harm_likely",
        }
    }
}

impl fmt::Display for HarmFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A harm finding name that is neither.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown harm finding {0:?} (expected no_harm or harm_likely)")]
pub struct ParseHarmFindingError(pub String);

impl FromStr for HarmFinding {
    type Err = ParseHarmFindingError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "no_harm" => Ok(HarmFinding::NoHarm),
            "harm_likely" => Ok(HarmFinding::HarmLikely),
            other => Err(ParseHarmFindingError(other.to_string())),
        }
    }
}

/// Whether the business giving notice was the source of the breach (its
/// own systems or staff) or a vendor holding the data for it. California
/// owes the identity-theft-services offer only in the first case.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SourceOfBreach {
    /// The business itself (its systems, its staff).
    Us,
    /// A vendor or service provider that held the data for the business.
    Vendor,
    /// Not recorded: a rule that turns on it must treat both as possible.
    #[default]
    Unknown,
}

impl SourceOfBreach {
    pub const ALL: [SourceOfBreach; 3] = [
        SourceOfBreach::Us,
        SourceOfBreach::Vendor,
        SourceOfBreach::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceOfBreach::Us => "us",
            SourceOfBreach::Vendor => "vendor",
            SourceOfBreach::Unknown => "unknown",
        }
    }
}

impl fmt::Display for SourceOfBreach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A source-of-breach name that is none of the three.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown source of breach {0:?} (expected us, vendor or unknown)")]
pub struct ParseSourceOfBreachError(pub String);

impl FromStr for SourceOfBreach {
    type Err = ParseSourceOfBreachError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase();
        SourceOfBreach::ALL
            .into_iter()
            .find(|c| c.as_str() == key)
            .ok_or_else(|| ParseSourceOfBreachError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_round_trip() {
        for c in Cause::ALL {
            assert_eq!(c.as_str().parse::<Cause>(), Ok(c));
            let json = serde_json::to_string(&c).expect("serialise");
            assert_eq!(json, format!("\"{c}\""));
        }
        assert_eq!("Lost-Device".parse(), Ok(Cause::LostDevice));
        assert!("hack".parse::<Cause>().is_err());
    }

    #[test]
    fn sources_of_breach_round_trip() {
        for c in SourceOfBreach::ALL {
            assert_eq!(c.as_str().parse::<SourceOfBreach>(), Ok(c));
        }
        assert_eq!("Vendor".parse(), Ok(SourceOfBreach::Vendor));
        assert!("them".parse::<SourceOfBreach>().is_err());
    }
}
