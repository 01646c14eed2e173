//! The display key and the sealed copies it opens.
//!
//! A canary must be shown again (`canary list --reveal`, re-printing the
//! rows for an export), so a fingerprint is not enough; but the state file
//! must not become a list of plausible customers either. Each canary's
//! plaintext is sealed with XChaCha20-Poly1305 under a 32-byte key kept in
//! its own 0600 file beside the registry key (`keys/canary.key`), never in
//! the state file or the incident store. The nonce is 192 random bits per
//! seal, so no counter has to survive between runs; the associated data is
//! the canary id, so a sealed copy moved to another row does not open.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::{io, Error, Result};

const NONCE_LEN: usize = 24;

/// The key that seals canaries' display copies. `Debug` hides it.
#[derive(Clone)]
pub struct DisplayKey([u8; 32]);

impl std::fmt::Debug for DisplayKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DisplayKey(<redacted>)")
    }
}

pub(crate) fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| Error::Random(e.to_string()))?;
    Ok(b)
}

impl DisplayKey {
    pub fn from_bytes(bytes: [u8; 32]) -> DisplayKey {
        DisplayKey(bytes)
    }

    pub fn generate() -> Result<DisplayKey> {
        Ok(DisplayKey(random()?))
    }

    /// Loads the key file (64 hex digits), creating it with mode 0600 when
    /// missing. An existing file is never overwritten: without it no
    /// display copy opens again. Refuses a file others may read.
    pub fn load_or_create(path: &Path) -> Result<DisplayKey> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io("creating key directory", dir))?;
        }
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(path) {
            Ok(mut f) => {
                let key = DisplayKey::generate()?;
                f.write_all(format!("{}\n", hex(&key.0)).as_bytes())
                    .and_then(|()| f.sync_all())
                    .map_err(io("writing key file", path))?;
                Ok(key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => DisplayKey::load(path),
            Err(e) => Err(io("creating key file", path)(e)),
        }
    }

    pub fn load(path: &Path) -> Result<DisplayKey> {
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
                return Err(Error::Key(format!(
                    "{} is readable by others (mode {:o}); chmod 600 it",
                    path.display(),
                    mode & 0o777
                )));
            }
        }
        let mut text = String::new();
        (&mut f)
            .take(1024)
            .read_to_string(&mut text)
            .map_err(io("reading key file", path))?;
        let t = text.trim().as_bytes();
        if t.len() != 64 {
            return Err(Error::Key(format!(
                "{}: expected 64 hex digits",
                path.display()
            )));
        }
        let mut b = [0u8; 32];
        for (i, pair) in t.chunks_exact(2).enumerate() {
            let s = std::str::from_utf8(pair).map_err(|_| Error::Key("not hex".into()))?;
            b[i] = u8::from_str_radix(s, 16).map_err(|_| Error::Key("not hex".into()))?;
        }
        Ok(DisplayKey(b))
    }

    /// `nonce || ciphertext+tag`, bound to `id`.
    pub fn seal(&self, id: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let nonce: [u8; NONCE_LEN] = random()?;
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: id.as_bytes(),
                },
            )
            .map_err(|_| Error::Key("sealing failed".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn open(&self, id: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return Err(Error::Unseal(id.to_string()));
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        XChaCha20Poly1305::new((&self.0).into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: id.as_bytes(),
                },
            )
            .map_err(|_| Error::Unseal(id.to_string()))
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_opens_only_with_its_key_and_id() {
        let k = DisplayKey::from_bytes([3; 32]);
        let sealed = k.seal("CNY-1", b"Ann Example").expect("seal");
        assert!(!sealed.windows(3).any(|w| w == b"Ann"));
        assert_eq!(k.open("CNY-1", &sealed).expect("open"), b"Ann Example");
        assert!(k.open("CNY-2", &sealed).is_err());
        assert!(DisplayKey::from_bytes([4; 32])
            .open("CNY-1", &sealed)
            .is_err());
        assert_ne!(sealed, k.seal("CNY-1", b"Ann Example").expect("seal"));
    }

    #[test]
    fn key_file_is_created_private_and_reloaded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("keys/canary.key");
        let a = DisplayKey::load_or_create(&p).expect("create");
        let b = DisplayKey::load_or_create(&p).expect("load");
        assert_eq!(a.0, b.0);
        assert!(!format!("{a:?}").contains(&hex(&a.0[..4])));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
