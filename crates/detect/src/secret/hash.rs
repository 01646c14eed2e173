//! Password hash formats, recognised by their scheme prefix and exact
//! layout wherever they occur: a stored hash is a password's stand-in
//! (notification laws name passwords whether hashed or not), and these
//! layouts are written for nothing else.
//!
//! Every format is read from a `$`: the modular crypt formats start with
//! one (`$2b$`, `$argon2id$`, `$6$`…), and the framework formats have one
//! right after a short algorithm name (`pbkdf2_sha256$`, Django;
//! `pbkdf2:sha256:600000$`, Werkzeug), which is looked for behind the `$`.
//! A hash is a whole token: a byte of its alphabet right after it rejects
//! it.

/// `[./A-Za-z0-9]`: the crypt(3) base-64 alphabet.
fn crypt64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'/'
}

/// `[A-Za-z0-9+/]`: standard base 64 without padding (PHC strings).
fn b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Standard base 64 with `=` padding (Django's PBKDF2).
fn b64_padded(b: u8) -> bool {
    b64(b) || b == b'='
}

fn hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// The longest hash we read: argon2 with large parameters and a 64-byte
/// output is about 150 bytes.
const MAX_HASH: usize = 256;

/// A hash found at `[start, end)`, and its scheme as a detector name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Hash {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) detector: &'static str,
}

/// A cursor over the bytes after a `$`.
struct Cur<'a> {
    hay: &'a [u8],
    p: usize,
}

impl Cur<'_> {
    fn lit(&mut self, s: &[u8]) -> Option<()> {
        self.hay
            .get(self.p..self.p + s.len())
            .filter(|w| *w == s)
            .map(|_| self.p += s.len())
    }

    /// A run of `class` bytes of `min..=max` length.
    fn run(&mut self, class: fn(u8) -> bool, min: usize, max: usize) -> Option<usize> {
        let n = self.hay[self.p..]
            .iter()
            .take(max + 1)
            .take_while(|&&b| class(b))
            .count();
        (min..=max).contains(&n).then(|| {
            self.p += n;
            n
        })
    }

    /// A run of exactly `n` bytes of `class`, not followed by another.
    fn exact(&mut self, class: fn(u8) -> bool, n: usize) -> Option<()> {
        self.run(class, n, n).map(|_| ())
    }

    fn digits(&mut self, min: usize, max: usize) -> Option<usize> {
        self.run(|b| b.is_ascii_digit(), min, max)
    }

    /// The end of the hash, if no letter, digit or hash punctuation
    /// follows (a full stop may: the runs of a fixed length counted it).
    fn end(&self) -> Option<usize> {
        let next = self.hay.get(self.p).copied();
        let more =
            |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'$' | b'+' | b'/' | b'=' | b'_');
        (!next.is_some_and(more)).then_some(self.p)
    }
}

/// The hash whose `$` is at `p` (a modular crypt string starting there, or
/// a framework string whose algorithm name ends just before it).
pub(super) fn at_dollar(hay: &[u8], p: usize) -> Option<Hash> {
    debug_assert_eq!(hay[p], b'$');
    let glued = p > 0 && hay[p - 1].is_ascii_alphanumeric();
    if glued {
        if let Some(h) = framework(hay, p) {
            return Some(h);
        }
    }
    let (end, detector) = modular(hay, p)?;
    // Django keeps bcrypt and argon2 under its own prefix:
    // `argon2$argon2id$…`, `bcrypt$$2b$…`, `bcrypt_sha256$$2b$…`.
    let start = django_wrapper(hay, p).unwrap_or(p);
    if glued && start == p {
        return None;
    }
    Some(Hash {
        start,
        end,
        detector,
    })
}

fn django_wrapper(hay: &[u8], p: usize) -> Option<usize> {
    let q = if p > 0 && hay[p - 1] == b'$' {
        p - 1
    } else {
        p
    };
    let from = q.saturating_sub(16);
    let name_len = hay[from..q]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    let start = q - name_len;
    let name = &hay[start..q];
    let ok = matches!(
        (q == p, name),
        (true, b"argon2" | b"bcrypt") | (false, b"bcrypt" | b"bcrypt_sha256")
    );
    (ok && (start == 0 || !hay[start - 1].is_ascii_alphanumeric())).then_some(start)
}

/// Modular crypt format strings (`$id$…`).
fn modular(hay: &[u8], p: usize) -> Option<(usize, &'static str)> {
    let mut c = Cur { hay, p: p + 1 };
    let id = *hay.get(p + 1)?;
    let detector = match id {
        b'2' => {
            // bcrypt: $2b$12$ + 22 salt + 31 hash characters = 60 bytes.
            c.lit(b"2")?;
            if !matches!(hay.get(c.p), Some(b'a' | b'b' | b'y' | b'x')) {
                return None;
            }
            c.p += 1;
            c.lit(b"$")?;
            c.digits(2, 2)?;
            c.lit(b"$")?;
            c.exact(crypt64, 53)?;
            "password.bcrypt"
        }
        b'a' => {
            if c.lit(b"apr1$").is_some() {
                c.run(crypt64, 1, 8)?;
                c.lit(b"$")?;
                c.exact(crypt64, 22)?;
                "password.md5crypt"
            } else {
                c.lit(b"argon2")?;
                c.lit(b"id$")
                    .or_else(|| c.lit(b"i$"))
                    .or_else(|| c.lit(b"d$"))?;
                if c.lit(b"v=").is_some() {
                    c.digits(1, 3)?;
                    c.lit(b"$")?;
                }
                c.lit(b"m=")?;
                c.digits(1, 10)?;
                c.lit(b",t=")?;
                c.digits(1, 10)?;
                c.lit(b",p=")?;
                c.digits(1, 3)?;
                c.lit(b"$")?;
                c.run(b64, 8, 88)?;
                c.lit(b"$")?;
                c.run(b64, 16, 128)?;
                "password.argon2"
            }
        }
        b's' => {
            // passlib: $scrypt$ln=16,r=8,p=1$salt$hash
            c.lit(b"scrypt$ln=")?;
            c.digits(1, 2)?;
            c.lit(b",r=")?;
            c.digits(1, 3)?;
            c.lit(b",p=")?;
            c.digits(1, 3)?;
            c.lit(b"$")?;
            c.run(b64, 8, 88)?;
            c.lit(b"$")?;
            c.run(b64, 16, 128)?;
            "password.scrypt"
        }
        b'7' => {
            // crypt's scrypt: $7$ + parameters and salt + $ + 43.
            c.lit(b"7$")?;
            c.run(crypt64, 14, 64)?;
            c.lit(b"$")?;
            c.exact(crypt64, 43)?;
            "password.scrypt"
        }
        b'y' => {
            // yescrypt (today's /etc/shadow default): $y$params$salt$hash
            c.lit(b"y$")?;
            c.run(crypt64, 1, 16)?;
            c.lit(b"$")?;
            c.run(crypt64, 1, 64)?;
            c.lit(b"$")?;
            c.exact(crypt64, 43)?;
            "password.yescrypt"
        }
        b'5' | b'6' => {
            c.p += 1;
            c.lit(b"$")?;
            if c.lit(b"rounds=").is_some() {
                c.digits(1, 9)?;
                c.lit(b"$")?;
            }
            c.run(crypt64, 1, 16)?;
            c.lit(b"$")?;
            if id == b'6' {
                c.exact(crypt64, 86)?;
                "password.sha512crypt"
            } else {
                c.exact(crypt64, 43)?;
                "password.sha256crypt"
            }
        }
        b'1' => {
            c.lit(b"1$")?;
            c.run(crypt64, 1, 8)?;
            c.lit(b"$")?;
            c.exact(crypt64, 22)?;
            "password.md5crypt"
        }
        b'P' | b'H' => {
            // phpass (WordPress, phpBB): $P$ + cost + 8 salt + 22 hash.
            c.p += 1;
            c.lit(b"$")?;
            c.exact(crypt64, 31)?;
            "password.phpass"
        }
        _ => return None,
    };
    let end = c.end()?;
    (end - p <= MAX_HASH).then_some((end, detector))
}

/// Django (`pbkdf2_sha256$600000$salt$hash=`, `scrypt$…`) and Werkzeug
/// (`pbkdf2:sha256:600000$salt$hex`, `scrypt:32768:8:1$salt$hex`) strings,
/// whose `$` at `p` follows the algorithm.
fn framework(hay: &[u8], p: usize) -> Option<Hash> {
    let from = p.saturating_sub(32);
    let n = hay[from..p]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':'))
        .count();
    let start = p - n;
    if start > 0 && (hay[start - 1].is_ascii_alphanumeric() || hay[start - 1] == b'$') {
        return None;
    }
    let name = &hay[start..p];
    let mut c = Cur { hay, p: p + 1 };
    let detector = match name {
        b"pbkdf2_sha256" | b"pbkdf2_sha1" => {
            c.digits(1, 9)?;
            c.lit(b"$")?;
            c.run(|b| b.is_ascii_alphanumeric(), 1, 64)?;
            c.lit(b"$")?;
            c.run(b64_padded, 24, 90)?;
            "password.pbkdf2"
        }
        b"scrypt" => {
            c.digits(1, 9)?;
            c.lit(b"$")?;
            c.run(|b| b.is_ascii_alphanumeric(), 1, 64)?;
            c.lit(b"$")?;
            c.digits(1, 3)?;
            c.lit(b"$")?;
            c.digits(1, 3)?;
            c.lit(b"$")?;
            c.run(b64_padded, 24, 120)?;
            "password.scrypt"
        }
        _ if name.starts_with(b"pbkdf2:sha") || name.starts_with(b"scrypt:") => {
            let params = name.split(|&b| b == b':').skip(1);
            if !params.clone().all(|s| !s.is_empty()) || name.ends_with(b":") || params.count() > 4
            {
                return None;
            }
            c.run(|b| b.is_ascii_alphanumeric(), 1, 64)?;
            c.lit(b"$")?;
            c.run(hex, 40, 128)?;
            if name.starts_with(b"scrypt") {
                "password.scrypt"
            } else {
                "password.pbkdf2"
            }
        }
        _ => return None,
    };
    let end = c.end()?;
    (end - start <= MAX_HASH).then_some(Hash {
        start,
        end,
        detector,
    })
}

/// The hash that `value` (a field's whole value) is, if it is one: a
/// modular crypt or framework string, or an LDAP `{SCHEME}` value.
pub(super) fn whole_value(value: &[u8]) -> Option<&'static str> {
    if let Some(rest) = value.strip_prefix(b"{") {
        let close = rest.iter().position(|&b| b == b'}')?;
        let scheme = &rest[..close];
        let known = [
            &b"SSHA"[..],
            b"SHA",
            b"SMD5",
            b"MD5",
            b"CRYPT",
            b"SSHA256",
            b"SSHA512",
            b"SHA256",
            b"SHA512",
            b"PBKDF2",
            b"PBKDF2-SHA256",
            b"PBKDF2-SHA512",
            b"ARGON2",
            b"BCRYPT",
        ];
        let body = &rest[close + 1..];
        return (known.iter().any(|k| scheme.eq_ignore_ascii_case(k))
            && body.len() >= 8
            && body
                .iter()
                .all(|&b| b64_padded(b) || b == b'$' || b == b'.'))
        .then_some("password.ldap");
    }
    let dollar = value.iter().position(|&b| b == b'$')?;
    let h = at_dollar(value, dollar)?;
    (h.start == 0 && h.end == value.len()).then_some(h.detector)
}

/// A bare hex digest's scheme by its length: only ever asked about a value
/// in a password field (hex digests are everywhere else).
pub(super) fn hex_digest(value: &[u8]) -> Option<&'static str> {
    if !value.iter().all(|&b| hex(b)) {
        return None;
    }
    Some(match value.len() {
        32 => "password.md5",
        40 => "password.sha1",
        64 => "password.sha256",
        128 => "password.sha512",
        _ => return None,
    })
}
