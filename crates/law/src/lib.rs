//! `bw-law` answers "what do we owe, to whom, by when?" after a breach.
//!
//! Rules for every jurisdiction in the data (US states and territories, EU
//! GDPR, UK, Canada and Quebec, Australia, New Zealand, Brazil, Japan,
//! Singapore, India, South Korea, China, Switzerland) are versioned JSON files
//! in `rules/`, each with its statute citation, source URLs, `as_of` date and
//! confidence; they are compiled into the binary. [`evaluate`] turns the
//! elements exposed and the residents affected per jurisdiction into
//! individual, regulator and credit-bureau duties with deadlines counted from
//! discovery, and says which rule fired and why.
//!
//! This is decision support, not legal advice. The crate must never drop a
//! jurisdiction (an unknown code comes back as [`RuleStatus::NoRule`], "no
//! rule: review manually") and must never turn a fact the data could not
//! verify (`null`) into "not required": that becomes [`Notice::Assess`].
//!
//! ```
//! use bw_law::{evaluate, Element, ExposureInput, Notice, RuleSet};
//! let rules = RuleSet::embedded().expect("embedded rules");
//! let mut input = ExposureInput::new(time::macros::datetime!(2026-05-04 09:00 UTC));
//! input.add("US-CA", &[Element::Name, Element::Email], 1200, false);
//! let out = evaluate(&rules, &input);
//! assert_eq!(out[0].individual_notice, Notice::NotRequired);
//! ```

mod cause;
mod content;
mod deadline;
mod element;
mod eval;
mod harm;
mod hashing;
mod individual;
mod jurisdiction;
mod rules;
mod unattributed;

pub use cause::{Cause, ParseCauseError};
pub use content::{
    Agency, AgencyRule, ConditionalContent, ContentDuty, ContentElement, ContentRule,
    NoticeAgencies, NoticeContent, ParseSourceOfBreachError, SourceOfBreach,
};
pub use element::{Element, ParseElementError, KIND_ELEMENTS};
pub use eval::{
    evaluate, sort_by_deadline, ExposureGroup, ExposureInput, JurisdictionExposure,
    JurisdictionObligation, Notice, RuleStatus,
};
pub use harm::{FollowUp, FollowUpRule, HarmDetermination, HarmFinding};
pub use hashing::{Hashing, ParseHashingError};
pub use jurisdiction::{jurisdictions_for, UNKNOWN_JURISDICTION};
pub use rules::{
    Confidence, CraNotice, EncryptionScope, Family, IndividualNotice, IndividualTrigger,
    RegulatorNotice, RegulatorTrigger, Relative, RelativeAnchor, Rule, RuleError, RuleSet,
    RuleTerm,
};
pub use unattributed::{counts_unattributed, UnattributedElement};
