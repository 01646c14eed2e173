//! The secret key and keyed fingerprints.
//!
//! Keyed BLAKE3 is used rather than HMAC-SHA-256: it is a PRF with a native
//! keyed mode (no ipad/opad construction), one compression for the short
//! inputs we hash (HMAC-SHA-256 needs at least two per call), and
//! `derive_key` gives per-identifier subkeys, which is the domain separation
//! we need without ad-hoc prefixes. One crate instead of three.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

use crate::error::{io, Error, Result};

/// Length of a stored fingerprint in bytes (128 bits; ≥ 96 is required so
/// that random collisions stay negligible at 10^9 identifiers).
pub const FP_LEN: usize = 16;

/// A 128-bit keyed fingerprint of one normalised identifier.
pub type Fingerprint = [u8; FP_LEN];

/// The 32-byte secret that keys every fingerprint.
///
/// It must live outside the registry directory: whoever holds the key and
/// the registry can test guesses, so keeping them apart is what makes the
/// registry useless on its own. `Debug` never prints the bytes.
#[derive(Clone)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

impl Key {
    pub const LEN: usize = 32;

    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Result<Key> {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).map_err(|e| Error::Random(e.to_string()))?;
        Ok(Key(b))
    }

    /// Parses 64 hex digits (surrounding whitespace ignored): the format of
    /// the key file and of an environment variable the caller reads.
    pub fn from_hex(text: &str) -> Result<Key> {
        let t = text.trim().as_bytes();
        if t.len() != 64 {
            return Err(Error::InvalidKey {
                reason: format!("expected 64 hex digits, got {} characters", t.len()),
            });
        }
        let mut b = [0u8; 32];
        for (i, pair) in t.chunks_exact(2).enumerate() {
            let hi = hex_val(pair[0]);
            let lo = hex_val(pair[1]);
            match (hi, lo) {
                (Some(h), Some(l)) => b[i] = (h << 4) | l,
                _ => {
                    return Err(Error::InvalidKey {
                        reason: "not a hex string".into(),
                    })
                }
            }
        }
        Ok(Key(b))
    }

    pub fn to_hex(&self) -> String {
        const D: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for &x in &self.0 {
            s.push(D[(x >> 4) as usize] as char);
            s.push(D[(x & 15) as usize] as char);
        }
        s
    }

    /// Reads a key file (64 hex digits). On Unix, refuses a file that group
    /// or others may access, as ssh does for private keys.
    pub fn load_file(path: &Path) -> Result<Key> {
        let mut f = std::fs::File::open(path).map_err(io("opening key file", path))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = f
                .metadata()
                .map_err(io("reading key file metadata", path))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(Error::KeyPermissions {
                    path: path.to_path_buf(),
                    mode: mode & 0o777,
                });
            }
        }
        let mut text = String::new();
        // A key file is 65 bytes; cap the read so a wrong path cannot make us
        // slurp a large file.
        (&mut f)
            .take(1024)
            .read_to_string(&mut text)
            .map_err(io("reading key file", path))?;
        Key::from_hex(&text)
    }

    /// Creates a new key file with mode 0600, or loads the existing one.
    /// An existing file is never overwritten: losing the key makes every
    /// registry built with it unusable. Returns whether a key was created.
    pub fn load_or_create_file(path: &Path) -> Result<(Key, bool)> {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(path) {
            Ok(mut f) => {
                let key = Key::generate()?;
                let text = format!("{}\n", key.to_hex());
                f.write_all(text.as_bytes())
                    .and_then(|()| f.sync_all())
                    .map_err(io("writing key file", path))?;
                Ok((key, true))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Ok((Key::load_file(path)?, false))
            }
            Err(e) => Err(io("creating key file", path)(e)),
        }
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// What a fingerprint identifies; each has its own derived subkey so an
/// email fingerprint can never equal a name fingerprint of the same bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdKind {
    Email,
    Phone,
    Name,
}

impl IdKind {
    pub const ALL: [IdKind; 3] = [IdKind::Email, IdKind::Phone, IdKind::Name];

    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Email => "email",
            IdKind::Phone => "phone",
            IdKind::Name => "name",
        }
    }
}

/// The registry's keyed fingerprint of a normalised identifier, for other
/// crates that must recognise registry-shaped identifiers without a
/// registry (canaries): the very same subkeys and truncation as the index,
/// so nothing outside this module computes a fingerprint its own way.
/// Derives the subkeys once; `Debug` never prints them.
#[derive(Clone)]
pub struct Fingerprinter(Keys);

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fingerprinter(<redacted>)")
    }
}

impl Fingerprinter {
    pub fn new(key: &Key) -> Fingerprinter {
        Fingerprinter(Keys::derive(key))
    }

    /// `normalised` must come from this crate's normalisers
    /// ([`crate::normalize`]), as on import and lookup.
    pub fn fingerprint(&self, kind: IdKind, normalised: &str) -> Fingerprint {
        self.0.fingerprint(kind, normalised)
    }
}

/// Per-purpose subkeys derived from the master key.
#[derive(Clone)]
pub(crate) struct Keys {
    email: [u8; 32],
    phone: [u8; 32],
    name: [u8; 32],
    row: [u8; 32],
    check: [u8; 32],
}

impl Keys {
    pub(crate) fn derive(key: &Key) -> Keys {
        let d = |ctx: &str| blake3::derive_key(ctx, &key.0);
        Keys {
            email: d("breachwatch registry 2025 email fingerprint v1"),
            phone: d("breachwatch registry 2025 phone fingerprint v1"),
            name: d("breachwatch registry 2025 name fingerprint v1"),
            row: d("breachwatch registry 2025 row hash v1"),
            check: d("breachwatch registry 2025 key check value v1"),
        }
    }

    pub(crate) fn fingerprint(&self, kind: IdKind, normalised: &str) -> Fingerprint {
        let k = match kind {
            IdKind::Email => &self.email,
            IdKind::Phone => &self.phone,
            IdKind::Name => &self.name,
        };
        let h = blake3::keyed_hash(k, normalised.as_bytes());
        let mut out = [0u8; FP_LEN];
        out.copy_from_slice(&h.as_bytes()[..FP_LEN]);
        out
    }

    /// Keyed so that the stored row hash cannot be used to confirm guesses
    /// of a customer's fields.
    pub(crate) fn row_hasher(&self) -> blake3::Hasher {
        blake3::Hasher::new_keyed(&self.row)
    }

    /// Stored in the header; comparing it tells a wrong key apart from a
    /// registry that simply has no match.
    pub(crate) fn check_value(&self) -> [u8; 32] {
        *blake3::keyed_hash(&self.check, b"key check").as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_roundtrip_and_rejects_bad_input() {
        let k = Key::from_bytes([0xab; 32]);
        let h = k.to_hex();
        assert_eq!(h.len(), 64);
        assert_eq!(Key::from_hex(&h).map(|k| k.0).ok(), Some([0xab; 32]));
        assert!(Key::from_hex("abc").is_err());
        assert!(Key::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn domains_are_separated() {
        let keys = Keys::derive(&Key::from_bytes([7; 32]));
        let a = keys.fingerprint(IdKind::Email, "x");
        let b = keys.fingerprint(IdKind::Name, "x");
        let c = keys.fingerprint(IdKind::Phone, "x");
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_ne!(b, c);
    }

    #[test]
    fn fingerprinter_matches_the_index_subkeys() {
        let key = Key::from_bytes([9; 32]);
        let f = Fingerprinter::new(&key);
        let keys = Keys::derive(&key);
        for kind in IdKind::ALL {
            assert_eq!(
                f.fingerprint(kind, "a@b.example"),
                keys.fingerprint(kind, "a@b.example")
            );
        }
        assert!(!format!("{f:?}").contains("09"));
    }

    #[test]
    fn debug_hides_key() {
        let k = Key::from_bytes([0x5a; 32]);
        assert!(!format!("{k:?}").contains("5a5a"));
    }
}
