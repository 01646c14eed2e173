//! `bw-registry`: the customer base as keyed fingerprints, for matching
//! leaked identifiers to customers without keeping customer PII in clear.
//!
//! What it does:
//! - normalises emails, phones (E.164) and person names — the same code on
//!   import and on lookup ([`normalize`]);
//! - fingerprints each normalised form with keyed BLAKE3 under a 32-byte
//!   secret [`Key`], truncated to 128 bits, with one derived subkey per
//!   identifier type;
//! - stores fingerprints as sorted 20-byte entries (fingerprint + customer
//!   index) in a memory-mapped, checksummed index file, next to the customer
//!   id, country and region (kept in clear: jurisdiction needs them);
//! - imports customers as snapshots from CSV or a SQL query
//!   ([`ImportSource`], [`import`]), reusing unchanged rows, and publishes
//!   each import atomically as a new generation, with a record of its
//!   source (never a password) so that contacts can be re-read from it;
//! - reads customer sources row by row for any consumer
//!   ([`for_each_customer`]) — the registry itself keeps no contact data;
//! - answers lookups ([`Registry::lookup_email`], [`Registry::lookup_phone`],
//!   [`Registry::lookup_name`]) with candidate customer indices.
//!
//! What it must never do: write an email, phone or name in clear into the
//! registry directory, into an error or into a report; read the key from the
//! environment or keep it inside the registry directory (the caller owns
//! where the key comes from); return "no match" when the key is wrong
//! ([`Error::WrongKey`] instead); open a published index file for writing,
//! truncate it or publish another file under its name — readers, in this
//! process or others, have it memory-mapped, and a truncated mapping kills
//! them with SIGBUS (see "a published generation file is immutable" in the
//! `registry` module).
//!
//! # Typical use (what the CLI wires up)
//! ```
//! use bw_registry::{import_csv, init, ImportOptions, Key, Registry};
//! let dir = tempfile::tempdir()?;
//! let key = Key::from_bytes([7; 32]); // CLI: Key::load_or_create_file / Key::from_hex
//! init(dir.path(), &key)?;
//! let csv = "customer_id,email,first_name,last_name,phone,country,region\n\
//!            C1,Elodie.Durand@Example.fr,Élodie,Durand,06 12 34 56 78,FR,\n";
//! let report = import_csv(dir.path(), &key, csv.as_bytes(), &ImportOptions::default())?;
//! assert_eq!(report.added, 1);
//!
//! let reg = Registry::open(dir.path(), &key)?;
//! let m = reg.lookup_email("elodie.durand@example.FR");
//! let c = reg.customer(m.as_slice()[0].customer).map(|c| c.id);
//! assert_eq!(c, Some("C1"));
//! assert_eq!(reg.lookup_phone("+33 6 12 34 56 78", None).len(), 1);
//! assert_eq!(reg.lookup_name("DURAND, Elodie").len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Costs
//! On disk and in memory: 20 bytes per fingerprint (an identifier with a
//! variant form has two), plus per customer 8 (id offset) + id length + 2
//! (jurisdiction) + 8 (row hash) bytes. Opening maps the file and, by
//! default, verifies xxh3 checksums over it in one sequential pass
//! ([`Verify`]); lookups are an interpolation search over uniformly
//! distributed keys, a few cache lines each.

mod error;
pub mod export;
mod format;
mod import;
mod key;
pub mod normalize;
mod prefilter;
mod registry;
mod source;

pub use error::{Error, Result};
pub use import::{
    import, import_csv, import_csv_file, init, init_with_key_file, ColumnMap, ImportOptions,
    ImportReport, InitOutcome, RowProblem, RowWarning, FIELDS,
};
pub use key::{Fingerprint, Fingerprinter, IdKind, Key, FP_LEN};
pub use normalize::email::EmailOptions;
pub use normalize::Forms;
pub use registry::{CustomerRef, Lookups, Match, Matches, Registry, Stats, Verify};
pub use source::{
    for_each_customer, redact_url, CustomerRow, ImportSource, SourceReport, MAX_SOURCE_WARNINGS,
};
