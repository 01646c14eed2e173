//! What the value of a password field is: a password, a hash (left to
//! `hash.rs`), a placeholder, or code.
//!
//! Documentation, configuration templates and source code name password
//! fields far more often than they hold one, so the rules here are about
//! what is *not* a password: masks (`***`), templates (`${PASSWORD}`,
//! `{{ password }}`, `%(pw)s`), redaction markers (`<redacted>`,
//! `[FILTERED]`), nulls and booleans, type names (`password: String`),
//! variables and calls (`password=self.password`, `pwd=getpass()`). A
//! documentation placeholder (`changeme`, `your_password`) is kept below
//! the report threshold; in a CSV password column it is a user's password
//! like any other (`123456` is the most common one in every breach).

use super::hash;

/// How a value was written after its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Form {
    /// `"password": "…"`, `password='…'`.
    Quoted,
    /// `password=…` (query strings, logs, `.env` files, INI).
    Equals,
    /// `password: …` at the end of its line (YAML, mail, logs).
    Colon,
    /// A cell of a CSV password column.
    Cell,
    /// The password of a URL's user-info (`postgres://app:…@db`).
    Url,
}

/// A plaintext password in a keyed field.
const KEYED: f32 = 0.8;
/// After `:`: written in prose and code too.
const LOOSE: f32 = 0.7;
/// A cell of a password column, or a hash in a password field.
const CELL: f32 = 0.9;
/// A documentation placeholder: reported below the threshold.
const PLACEHOLDER: f32 = 0.3;

/// Values that are never a password: markers, nulls, type names and the
/// key words themselves (`password: password`). Compared ignoring case.
const NOT_PASSWORDS: &[&str] = &[
    "redacted",
    "redact",
    "filtered",
    "hidden",
    "masked",
    "removed",
    "omitted",
    "sensitive",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "n/a",
    "na",
    "required",
    "optional",
    "string",
    "str",
    "text",
    "bytes",
    "char",
    "varchar",
    "bool",
    "boolean",
    "int",
    "integer",
    "number",
    "any",
    "object",
    "void",
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "empty",
    "blank",
    "unset",
    "notset",
    "value",
    "prompt",
    "stdin",
    "secretstring",
    "secret_string",
    "option",
    "secret",
    "zeroizing",
    "vec",
    "self",
    "this",
    "new",
    "function",
    "fn",
    "func",
    "return",
    "await",
    "let",
    "var",
    "const",
    "mut",
    // `\N`, a null as `LOAD DATA` and `COPY` write it, quoted into a
    // string by a dump (`'\\N'`).
    "\\\\N",
];

/// Documentation placeholders (ignoring case): reported below the
/// threshold, never as a person's password, in keyed fields; a cell of a
/// password column is a user's whatever it says.
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "changethis",
    "example",
    "sample",
    "dummy",
    "placeholder",
    "foo",
    "bar",
    "foobar",
    "baz",
    "qux",
    "xyzzy",
    "test",
    "testing",
    "tester",
    "testpass",
    "testpassword",
    "test123",
    "mysecret",
    "supersecret",
    "topsecret",
    "s3cr3t",
    "s3cret",
    "hunter2",
    "letmein",
    "abc",
    "abc123",
    "xyz",
    "pa55word",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "password1",
    "password123",
    "pass123",
    "admin",
    "root",
    "toor",
    "guest",
    "user",
    "demo",
    "default",
    "1234",
    "12345",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "qwerty",
    "opensesame",
];

/// Substrings that make a keyed value a placeholder (`your_password_here`,
/// `MY-SECRET`, `examplePass`).
const PLACEHOLDER_PARTS: &[&str] = &[
    "your",
    "here",
    "example",
    "changeme",
    "change_me",
    "xxx",
    "placeholder",
    "redacted",
    "secret",
    "dummy",
    "sample",
    "passw",
    "mypass",
];

fn eq_any(v: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| v.eq_ignore_ascii_case(w.as_bytes()))
}

fn contains_any(v: &[u8], parts: &[&str]) -> bool {
    let mut buf = [0u8; 128];
    let n = v.len().min(buf.len());
    for (d, s) in buf.iter_mut().zip(v) {
        *d = s.to_ascii_lowercase();
    }
    let lower = &buf[..n];
    parts
        .iter()
        .any(|p| memchr::memmem::find(lower, p.as_bytes()).is_some())
}

/// A mask: one character repeated (`***`, `xxxxxx`, `........`), or only
/// mask characters.
fn masked(v: &[u8]) -> bool {
    v.iter().all(|&b| b == v[0]) || v.iter().all(|b| b"*#.?-_xX".contains(b))
}

/// A template or variable reference: `${PASSWORD}`, `$PASSWORD`,
/// `{{ password }}`, `%(password)s`, `%s`, `#{pw}`, `<%= pw %>`, `:password`
/// and `@password` (SQL parameters), `<password>`, `[REDACTED]`,
/// `(hidden)`, `{password}`.
fn template(v: &[u8]) -> bool {
    let first = v[0];
    let second = v.get(1).copied().unwrap_or(0);
    let last = v[v.len() - 1];
    match first {
        b'$' => second == b'{' || second == b'(' || second.is_ascii_alphabetic() || second == b'_',
        b'%' | b'?' => true,
        b':' | b'@' => second.is_ascii_alphabetic() || second == b'_',
        b'#' => second == b'{',
        b'<' => last == b'>',
        b'[' => last == b']',
        b'(' => last == b')',
        b'{' => last == b'}' || second == b'{' || second == b'%',
        _ => false,
    }
}

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `self.password`, `args.pwd`, `os.environ`, `config.db.password`: a
/// dotted path of identifiers (no segment starts with a digit).
fn dotted_path(v: &[u8]) -> bool {
    v.contains(&b'.')
        && v.split(|&b| b == b'.').all(|seg| {
            seg.first()
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
                && seg.iter().all(|&b| ident_byte(b))
        })
}

/// Code rather than a value: a reference, a path, a call, a type.
fn code(v: &[u8], next: Option<u8>) -> bool {
    let identifier = v.iter().all(|&b| ident_byte(b));
    matches!(next, Some(b'(' | b'[' | b'<'))
        || matches!(v[0], b'&' | b'*' | b'!')
        || dotted_path(v)
        || memchr::memmem::find(v, b"::").is_some()
        || memchr::memmem::find(v, b"->").is_some()
        // A variable named for what it holds: `password=user_password`.
        || (identifier && contains_any(v, &["pass", "pwd", "secret", "cred", "token"]))
}

/// Judges `v`, the value of a password field written in `form`; `next` is
/// the byte right after an unquoted value. Returns the score and detector
/// of the finding, or `None` when the value is no password (or is a hash
/// of a scheme `hash.rs` reports by itself).
pub(super) fn judge(v: &[u8], form: Form, next: Option<u8>) -> Option<(f32, &'static str)> {
    if v.len() < 3 || masked(v) || template(v) || eq_any(v, NOT_PASSWORDS) {
        return None;
    }
    if let Some(det) = hash::whole_value(v) {
        // Modular crypt and framework strings are reported by the hash
        // scan wherever they are; LDAP values only here.
        return (det == "password.ldap").then_some((CELL, det));
    }
    if let Some(det) = hash::hex_digest(v) {
        return Some((CELL, det));
    }
    if form == Form::Cell {
        return Some((CELL, "password.plaintext"));
    }
    if form != Form::Quoted && code(v, next) {
        return None;
    }
    // Three characters (`'123'`, `abc`) are an example's, not a person's.
    if v.len() == 3 || eq_any(v, PLACEHOLDERS) || contains_any(v, PLACEHOLDER_PARTS) {
        return Some((PLACEHOLDER, "password.plaintext"));
    }
    let score = match form {
        Form::Quoted | Form::Equals | Form::Cell | Form::Url => KEYED,
        Form::Colon => LOOSE,
    };
    Some((score, "password.plaintext"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_templates_and_code_are_not_passwords() {
        for v in [
            "***",
            "********",
            "xxxxxxxx",
            "<redacted>",
            "<password>",
            "${PASSWORD}",
            "$DB_PASS",
            "$(cat /run/secrets/pw)",
            "{{ password }}",
            "{{password}}",
            "%(password)s",
            "%s",
            "?",
            ":password",
            "@pw",
            "[FILTERED]",
            "(hidden)",
            "null",
            "None",
            "true",
            "String",
            "password",
            "self.password",
            "args.pwd",
            "&str",
            "user_password",
            "x",
        ] {
            assert_eq!(judge(v.as_bytes(), Form::Equals, None), None, "{v:?}");
        }
        assert_eq!(judge(b"getpass", Form::Equals, Some(b'(')), None);
        assert_eq!(judge(b"Option", Form::Colon, Some(b'<')), None);
    }

    #[test]
    fn documentation_placeholders_score_below_the_threshold() {
        for v in [
            "changeme",
            "your_password_here",
            "examplePass",
            "hunter2",
            "admin",
        ] {
            let (score, _) = judge(v.as_bytes(), Form::Quoted, None).expect(v);
            assert!(score < 0.5, "{v:?}");
        }
        // In a password column, the same values are users' passwords.
        let (score, _) = judge(b"123456", Form::Cell, None).expect("a cell");
        assert!(score >= 0.5);
    }

    #[test]
    fn passwords_and_digests() {
        assert_eq!(
            judge(b"Tr0ub4dor&3", Form::Quoted, None),
            Some((KEYED, "password.plaintext"))
        );
        assert_eq!(
            judge(b"s3cr3tPa55!", Form::Colon, Some(b'\n')),
            Some((LOOSE, "password.plaintext"))
        );
        assert_eq!(
            judge(b"5f4dcc3b5aa765d61d8327deb882cf99", Form::Quoted, None),
            Some((CELL, "password.md5"))
        );
        assert_eq!(
            judge(b"{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", Form::Colon, None),
            Some((CELL, "password.ldap"))
        );
        // Hashes with a scheme are the hash scan's.
        assert_eq!(
            judge(
                b"$2b$12$KIXQJ1eY5l9b1W9e0X6zEuq0mJq5b7C1o0m3Hq9r3tGx8yJc2a4Wq",
                Form::Quoted,
                None
            ),
            None
        );
    }
}
