//! How a leaked password was stored. A password known only as a salted,
//! deliberately slow hash is not the password itself, but no statute in the
//! rules says hashing is "encryption" for its safe harbour either; a fast or
//! unsalted hash is routinely reversed and counts as the password.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The algorithm a password was hashed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hashing {
    Bcrypt,
    Argon2,
    Scrypt,
    Pbkdf2,
    /// `$6$` crypt(3): salted, 5,000 rounds by default.
    Sha512crypt,
    Md5,
    Sha1,
    Sha256,
    /// Any hash without a per-password salt.
    Unsalted,
}

impl Hashing {
    pub const ALL: [Hashing; 9] = [
        Hashing::Bcrypt,
        Hashing::Argon2,
        Hashing::Scrypt,
        Hashing::Pbkdf2,
        Hashing::Sha512crypt,
        Hashing::Md5,
        Hashing::Sha1,
        Hashing::Sha256,
        Hashing::Unsalted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Hashing::Bcrypt => "bcrypt",
            Hashing::Argon2 => "argon2",
            Hashing::Scrypt => "scrypt",
            Hashing::Pbkdf2 => "pbkdf2",
            Hashing::Sha512crypt => "sha512crypt",
            Hashing::Md5 => "md5",
            Hashing::Sha1 => "sha1",
            Hashing::Sha256 => "sha256",
            Hashing::Unsalted => "unsalted",
        }
    }

    /// Salted and built to be slow to guess against. The fast digests
    /// (MD5, SHA-1, SHA-256 as used for passwords) and unsalted hashes fall
    /// to commodity cracking and lookup tables, so they protect nothing.
    pub fn is_slow_and_salted(self) -> bool {
        matches!(
            self,
            Hashing::Bcrypt
                | Hashing::Argon2
                | Hashing::Scrypt
                | Hashing::Pbkdf2
                | Hashing::Sha512crypt
        )
    }

    /// Of two ways the same customers' passwords were stored, the one an
    /// attacker would attack: a fast hash over a slow one.
    pub fn weaker(self, other: Hashing) -> Hashing {
        match (self.is_slow_and_salted(), other.is_slow_and_salted()) {
            (true, false) => other,
            _ => self,
        }
    }
}

impl fmt::Display for Hashing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A hashing name that is none of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown password hashing {0:?} (expected bcrypt, argon2, scrypt, pbkdf2, sha512crypt, md5, sha1, sha256 or unsalted)"
)]
pub struct ParseHashingError(pub String);

impl FromStr for Hashing {
    type Err = ParseHashingError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace(['-', '_', ' '], "");
        let found = match key.as_str() {
            "argon2id" | "argon2i" | "argon2d" => Some(Hashing::Argon2),
            "sha512" => None,
            k => Hashing::ALL
                .into_iter()
                .find(|h| h.as_str().replace('_', "") == k),
        };
        found.ok_or_else(|| ParseHashingError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_classify() {
        for h in Hashing::ALL {
            assert_eq!(h.as_str().parse::<Hashing>(), Ok(h));
        }
        assert_eq!("Argon2id".parse(), Ok(Hashing::Argon2));
        assert_eq!("SHA-256".parse(), Ok(Hashing::Sha256));
        // Plain SHA-512 is ambiguous with sha512crypt: make the caller say.
        assert!("sha512".parse::<Hashing>().is_err());
        assert!(Hashing::Bcrypt.is_slow_and_salted());
        assert!(!Hashing::Md5.is_slow_and_salted());
        assert_eq!(Hashing::Bcrypt.weaker(Hashing::Sha1), Hashing::Sha1);
        assert_eq!(Hashing::Md5.weaker(Hashing::Scrypt), Hashing::Md5);
    }
}
