use super::*;
use crate::{Engine, Hint};

/// The secrets alone: the labelled kinds the same key search serves
/// (`user=ann` is a username) have tests of their own.
fn detector() -> SecretDetector {
    SecretDetector::new(
        [Kind::Password, Kind::CardSecurityCode]
            .into_iter()
            .collect(),
    )
}

fn found_with(text: &str, hints: &[Hint]) -> Vec<(Kind, String, f32, &'static str)> {
    let mut out = Vec::new();
    detector().find(text.as_bytes(), &Hints::new(hints), &mut out);
    out.sort_by_key(|f| f.start);
    out.into_iter()
        .map(|f| {
            (
                f.kind,
                text[f.start..f.end].to_string(),
                f.score,
                f.detector,
            )
        })
        .collect()
}

fn found(text: &str) -> Vec<(Kind, String, f32, &'static str)> {
    found_with(text, &[])
}

/// Asserts one finding of `kind` covering `value`, reported (score >= 0.5),
/// by `detector`.
#[track_caller]
fn one(text: &str, kind: Kind, value: &str, detector: &str) {
    let got = found(text);
    assert_eq!(got.len(), 1, "{text:?}: {got:?}");
    let (k, v, score, det) = &got[0];
    assert_eq!((*k, v.as_str(), *det), (kind, value, detector), "{text:?}");
    assert!(*score >= 0.5, "{text:?}: {score}");
}

/// Asserts nothing is reported at the default threshold.
#[track_caller]
fn none(text: &str) {
    let got: Vec<_> = found(text).into_iter().filter(|f| f.2 >= 0.5).collect();
    assert!(got.is_empty(), "{text:?}: {got:?}");
}

const BCRYPT: &str = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
const SHA512CRYPT: &str = "$6$rounds=5000$usesomesillystri$D4IrlXatmP7rx3P3InaxBeoomnAihCKRVQP22JZ6EY47Wc6BkroIuUUBOov1i.S5KPgErtP/EN5mcO.ChWQW21";

#[test]
fn password_hashes_are_found_in_any_field_with_their_scheme() {
    let argon =
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
    let cases = [
        (BCRYPT.to_string(), BCRYPT.to_string(), "password.bcrypt"),
        (
            format!("INSERT INTO customers VALUES (1,'ann@example.com','{BCRYPT}');"),
            BCRYPT.to_string(),
            "password.bcrypt",
        ),
        (
            format!("ann@example.com,{}", BCRYPT.replace("$2b$", "$2y$")),
            BCRYPT.replace("$2b$", "$2y$"),
            "password.bcrypt",
        ),
        (format!("{{\"h\":\"{argon}\"}}"), argon.to_string(), "password.argon2"),
        (
            "x $argon2i$m=4096,t=3,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A y"
                .to_string(),
            "$argon2i$m=4096,t=3,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A".to_string(),
            "password.argon2",
        ),
        (
            "root:$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E:"
                .to_string(),
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E"
                .to_string(),
            "password.scrypt",
        ),
        (
            "pbkdf2_sha256$600000$q8mLPsY1wT5z$AiH0Y8zTTbT7pgNJ8cOPqvBjdc0QhFyR0vXpHLS1Vxg=".to_string(),
            "pbkdf2_sha256$600000$q8mLPsY1wT5z$AiH0Y8zTTbT7pgNJ8cOPqvBjdc0QhFyR0vXpHLS1Vxg=".to_string(),
            "password.pbkdf2",
        ),
        (
            "'pbkdf2:sha256:600000$Zp1bJ7Jq$2f5c4b1e0b6a6b55a1c9e7a0a5a4cf1f8a8d3e1b5b4d2c1a0f9e8d7c6b5a4f3e'"
                .to_string(),
            "pbkdf2:sha256:600000$Zp1bJ7Jq$2f5c4b1e0b6a6b55a1c9e7a0a5a4cf1f8a8d3e1b5b4d2c1a0f9e8d7c6b5a4f3e"
                .to_string(),
            "password.pbkdf2",
        ),
        (
            format!("ann:{SHA512CRYPT}:19000:0:99999:7:::"),
            SHA512CRYPT.to_string(),
            "password.sha512crypt",
        ),
        (
            "bob:$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZF2ZrLIrR:".to_string(),
            "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZF2ZrLIrR".to_string(),
            "password.sha256crypt",
        ),
        (
            "carol:$1$saltstri$YMyguxXMBpd2TEZ.vS/3q1:".to_string(),
            "$1$saltstri$YMyguxXMBpd2TEZ.vS/3q1".to_string(),
            "password.md5crypt",
        ),
        (
            "dave:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7:".to_string(),
            "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7".to_string(),
            "password.yescrypt",
        ),
        (
            "(1,'admin','$P$BDJCyH3Ph6mb4Gn8b5DVnx0OOG7rJq.')".to_string(),
            "$P$BDJCyH3Ph6mb4Gn8b5DVnx0OOG7rJq.".to_string(),
            "password.phpass",
        ),
        (
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$m2DlpAzjZBRwN6y1sd+x5Q".to_string(),
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$m2DlpAzjZBRwN6y1sd+x5Q".to_string(),
            "password.argon2",
        ),
    ];
    for (text, value, det) in &cases {
        one(text, Kind::Password, value, det);
    }
}

#[test]
fn hash_like_text_is_not_a_hash() {
    for text in [
        // One character short, one too many, a bad cost.
        &BCRYPT[..59],
        &format!("{BCRYPT}x"),
        &BCRYPT.replace("$12$", "$1$"),
        // Shell and Perl.
        "echo $1$2 $HOME ${PASSWORD} $6",
        "my $sum = $a + $b; s/$1$2/x/",
        // A SHA-512 crypt with a short hash.
        "$6$salt$abcdef",
        // Prices and template strings.
        "$5 $10 $2.50 `${a}$${b}`",
        // A bare hex digest outside a password field.
        "commit 5f4dcc3b5aa765d61d8327deb882cf99 sha1=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
    ] {
        none(text);
    }
}

#[test]
fn plaintext_passwords_in_key_value_fields() {
    for (text, value) in [
        ("password=Tr0ub4dor&3", "Tr0ub4dor"),
        (
            "GET /login?user=ann&password=Kx9%21mq2&next=/ HTTP/1.1",
            "Kx9%21mq2",
        ),
        (
            "{\"email\":\"ann@example.com\",\"password\":\"Kx9!mq2zz\"}",
            "Kx9!mq2zz",
        ),
        ("{\\\"password\\\":\\\"Kx9!mq2zz\\\"}", "Kx9!mq2zz"),
        ("passwd: Kx9mq2zz\n", "Kx9mq2zz"),
        (
            "login failed user=ann pwd=Kx9mq2zz ip=81.2.69.160",
            "Kx9mq2zz",
        ),
        ("DB_PASSWORD=Kx9mq2zz\n", "Kx9mq2zz"),
        ("db_pass = 'Kx9mq2zz'", "Kx9mq2zz"),
        ("userPassword: Kx9mq2zz\n", "Kx9mq2zz"),
        ("$config['password'] => \"Kx9mq2zz\";", "Kx9mq2zz"),
        ("user[password]=Kx9mq2zz&x=1", "Kx9mq2zz"),
        ("<password>Kx9mq2zz</password>", "Kx9mq2zz"),
        ("mysql -u root --password=Kx9mq2zz db", "Kx9mq2zz"),
        ("password = Kx9mq2zz\n", "Kx9mq2zz"),
        ("  password: \"Kx9mq2zz\"\n", "Kx9mq2zz"),
        (
            "user: ann, password: Kx9mq2zz, ip: 81.2.69.160\n",
            "Kx9mq2zz",
        ),
        ("?user=ann&pass=Kx9mq2zz", "Kx9mq2zz"),
        (
            "userPassword:: e1NTSEF9VzZwaDVNbTVQejhHZ2lVTGJQZ3pHMzdtajlnPQ==\n",
            "e1NTSEF9VzZwaDVNbTVQejhHZ2lVTGJQZ3pHMzdtajlnPQ==",
        ),
        ("Passwort: Kx9mq2zz\n", "Kx9mq2zz"),
    ] {
        one(text, Kind::Password, value, "password.plaintext");
    }
}

#[test]
fn digests_count_only_in_a_password_field() {
    one(
        "{\"password_hash\": \"5f4dcc3b5aa765d61d8327deb882cf99\"}",
        Kind::Password,
        "5f4dcc3b5aa765d61d8327deb882cf99",
        "password.md5",
    );
    one(
        "pwd=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
        Kind::Password,
        "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
        "password.sha1",
    );
    none("\"etag\": \"5f4dcc3b5aa765d61d8327deb882cf99\"");
}

#[test]
fn placeholders_code_and_prose_are_not_passwords() {
    for text in [
        "password=***",
        "password=<redacted>",
        "password=${PASSWORD}",
        "password: ${{ secrets.DB_PASSWORD }}\n",
        "\"password\": \"\"",
        "password=",
        "password=changeme",
        "\"password\": \"your-password-here\"",
        "password: String,\n",
        "pub password: Option<String>,",
        "fn password(&self) -> &str",
        "let password = self.password.clone();",
        "password = getpass.getpass()",
        "password=password",
        "if password == \"x\" {",
        "Password: must be at least 8 characters long",
        ":param password: the user's password",
        "<input type=\"password\" name=\"password\">",
        "password_reset_token=Kx9mq2zz",
        "passwordless=true",
        "passport=X1234567",
        "bypass=Kx9mq2zz",
        "compass: north\n",
        "PWD=/home/ann/src",
        "cd $OLDPWD",
        "password: %(password)s",
        "--password <PASSWORD>",
        "--password string   The password to use",
        "password=[FILTERED]",
        // Real text: changelogs, test logs and code (`/usr/share/doc`, crate
        // sources).
        "gpg: The option --passphrase= can be empty.",
        "Certtool now accept --password for --key-info",
        "the new --password options.",
        "PASS: gdb.base/gdb-sigterm.exp: pass=10: continue\n",
        "PASS: addr2line\n",
        "GNUTLS_PKCS_NULL_PASSWORD: Added\n",
        "JPOOL_PASS = one processing pass, was",
        ".link files gained a new WakeOnLanPassword= setting",
        "removed from the 'passwd:' and 'group:' lines",
        "(strlen_pass::handle_assign,\n",
        "pub password: WS_STRING,\n",
        "    pub Password: u32,\n",
        "pbpassword : *const u8, cbpassword : u32,",
        "pub static kSecClassInternetPassword: CFStringRef;",
        "NL80211_ATTR_SAE_PASSWORD = 277,",
        "DEVSTAT_MATCH_PASS = 0x04,",
        "let mut passwd = mem::MaybeUninit::<PassWd>::uninit();",
        "let passwd = unsafe {",
        "buf[pass] = close;",
        "\"password\" => options = options.password(&value),",
        "pWInfo->eOnePass = bOnerow ? ONEPASS_SINGLE : ONEPASS_OFF;",
        "myURL.password = '123';",
        "?id=3021&user=guest&pass=guest.",
    ] {
        none(text);
    }
}

#[test]
fn security_codes_only_in_their_own_field() {
    for (text, value) in [
        ("{\"card\":\"4111111111111111\",\"cvv\":\"123\"}", "123"),
        ("cvc=0421&exp=12/27", "0421"),
        ("CVV2: 987\n", "987"),
        ("card_cvc: 456\n", "456"),
    ] {
        one(
            text,
            Kind::CardSecurityCode,
            value,
            "card_security_code.field",
        );
    }
    for text in [
        "cvv: 12345",
        "order 123 of 456",
        "cvc5 1.2.0",
        "csc.exe /out:a.dll",
        "card: 123",
    ] {
        none(text);
    }
}

#[test]
fn csv_columns_admit_passwords_and_codes() {
    let text = "email,password,cvv\nann@example.com,123456,321\nbob@example.com,***,12\n";
    let cell = |v: &str, field| {
        let start = text.find(v).expect("in text");
        Hint {
            start,
            end: start + v.len(),
            field,
        }
    };
    let hints = [
        cell("123456", Field::Password),
        cell("321", Field::CardSecurityCode),
        cell("***", Field::Password),
        cell("12\n", Field::CardSecurityCode),
    ];
    let got = found_with(text, &hints);
    let got: Vec<_> = got
        .iter()
        .map(|(k, v, _, d)| (*k, v.as_str(), *d))
        .collect();
    assert_eq!(
        got,
        vec![
            (Kind::Password, "123456", "password.plaintext"),
            (Kind::CardSecurityCode, "321", "card_security_code.field"),
        ]
    );
}

#[test]
fn keys_classify_by_their_last_word() {
    for (key, want) in [
        ("password", Some(Secret::Password)),
        ("db_password", Some(Secret::Password)),
        ("userPassword", Some(Secret::Password)),
        ("password_hash", Some(Secret::Password)),
        ("passwordConfirmation", Some(Secret::Password)),
        ("password2", Some(Secret::Password)),
        ("DB_PASS", Some(Secret::Password)),
        ("dbPass", Some(Secret::Password)),
        ("pwd", Some(Secret::Password)),
        ("--password", Some(Secret::Password)),
        ("cvv", Some(Secret::Code)),
        ("card.cvc2", Some(Secret::Code)),
        ("bypass", None),
        ("compass", None),
        ("passport", None),
        ("password_reset", None),
        ("passwordless", None),
        ("PWD", None),
        ("cwd", None),
        ("cvc5", None),
    ] {
        assert_eq!(classify_key(key.as_bytes()), want, "{key}");
    }
}

#[test]
fn the_engine_reports_the_issue_dump() {
    // The issue's case: a customers table with bcrypt hashes next to emails.
    let dump = format!(
        "CREATE TABLE customers (id int, email text, password_hash text);\n\
         INSERT INTO customers VALUES (1,'ann@example.com','{BCRYPT}');\n"
    );
    let engine = Engine::new(Kind::ALL);
    let mut out = Vec::new();
    engine.scan(dump.as_bytes(), &mut out);
    let kinds: Vec<Kind> = out
        .iter()
        .filter(|f| f.score >= 0.5)
        .map(|f| f.kind)
        .collect();
    assert!(kinds.contains(&Kind::Email), "{out:?}");
    assert!(kinds.contains(&Kind::Password), "{out:?}");
}

#[test]
fn dump_columns_name_passwords_as_keys_do() {
    for (name, want) in [
        ("customers_password", Some(Field::Password)),
        ("user_passwd", Some(Field::Password)),
        ("admin_pwd", Some(Field::Password)),
        ("member_pass", Some(Field::Password)),
        ("card_cvv", Some(Field::CardSecurityCode)),
        ("password_changed", None),
        ("password_salt", None),
        ("passport_no", None),
        ("bypass", None),
        ("pass_count", None),
        ("", None),
    ] {
        assert_eq!(column_secret(name.as_bytes()), want, "{name}");
    }
    assert_eq!(column_secret(&[b'p'; 100]), None);
}

#[test]
fn a_quoted_backslash_n_is_a_null_not_a_password() {
    // `COPY` writes the string `\N` as `\\N`; the cell is no password.
    let text = "7\tkw4ng\t\\\\N\n";
    let start = text.find('\\').expect("in text");
    let hints = [Hint {
        start,
        end: start + 3,
        field: Field::Password,
    }];
    assert!(found_with(text, &hints).is_empty());
}
