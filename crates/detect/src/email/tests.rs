use super::*;
use crate::testutil::scan_trickled;
use crate::{Engine, KindSet};

fn scan(hay: &[u8]) -> Vec<Finding> {
    let mut out = Vec::new();
    EmailDetector::new().find(hay, &mut out);
    out.sort_by_key(|f| f.start);
    out
}

/// Asserts that `hay` holds exactly one address, the first occurrence of
/// `value`, found by `detector`; returns its score.
#[track_caller]
fn one(hay: &str, value: &str, detector: &str) -> f32 {
    let got = scan(hay.as_bytes());
    let start = hay.find(value).unwrap_or(usize::MAX);
    let spans: Vec<_> = got.iter().map(|f| (f.start, f.end, f.detector)).collect();
    assert_eq!(
        spans,
        vec![(start, start + value.len(), detector)],
        "in {hay:?} expected {value:?}"
    );
    got[0].score
}

#[track_caller]
fn none(hay: &str) {
    let got = scan(hay.as_bytes());
    let values: Vec<_> = got
        .iter()
        .map(|f| String::from_utf8_lossy(&hay.as_bytes()[f.start..f.end]).into_owned())
        .collect();
    assert!(values.is_empty(), "in {hay:?} found {values:?}");
}

#[test]
fn plain_addresses_with_exact_offsets() {
    let got = scan(b"x jane.doe@example.com y");
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].start, got[0].end), (2, 22));
    assert_eq!(got[0].kind, Kind::Email);
    assert_eq!(got[0].detector, "email.address");
    assert!(got[0].score >= 0.9);

    for (hay, value) in [
        ("jane@example.com", "jane@example.com"),
        (
            "J.Smith-Jones_2@Mail.Example.CO.UK.",
            "J.Smith-Jones_2@Mail.Example.CO.UK",
        ),
        ("o'brien@example.ie, ", "o'brien@example.ie"),
        ("jane+shop@example.org;", "jane+shop@example.org"),
        ("a@b.io", "a@b.io"),
        ("kim@shop.example.net", "kim@shop.example.net"),
        ("lee@school.test", "lee@school.test"),
        ("lee@nowhere.invalid", "lee@nowhere.invalid"),
        ("müller@example.de", "müller@example.de"),
        ("jose@bücher.de", "jose@bücher.de"),
        ("“jane@example.com”", "jane@example.com"),
        ("<jane@example.com>", "jane@example.com"),
        ("(jane@example.com)", "jane@example.com"),
        ("'jane@example.com'", "jane@example.com"),
        ("**jane@example.com**", "jane@example.com"),
        ("1|jane@example.com|NY", "jane@example.com"),
        ("/users/jane@example.com/orders", "jane@example.com"),
        ("jane@xn--bcher-kva.example", "jane@xn--bcher-kva.example"),
        ("15551234567@vtext.com", "15551234567@vtext.com"),
    ] {
        let score = one(hay, value, "email.address");
        assert!(score >= 0.9, "{hay}: {score}");
    }
}

#[test]
fn addresses_in_structured_text() {
    let cases = [
        (
            r#"{"email":"jane.doe@example.com","id":7}"#,
            "jane.doe@example.com",
        ),
        (r#"{"note":"hi\njane@example.com"}"#, "jane@example.com"),
        (
            r#"{"html":"\u003cjane@example.com\u003e"}"#,
            "jane@example.com",
        ),
        (
            "id,name,email\n7,Jane Doe,jane@example.com\n",
            "jane@example.com",
        ),
        ("7,\"Doe, Jane\",\"jane@example.com\"\n", "jane@example.com"),
        (
            "2024-01-01T10:20:30Z INFO login ok user=jane@example.com ip=-",
            "jane@example.com",
        ),
        ("<a href=\"mailto:jane@example.com\">", "jane@example.com"),
        (
            "<a href=\"mailto:jane@example.com?subject=Hi\">",
            "jane@example.com",
        ),
        (
            "INSERT INTO t VALUES (1,'jane@example.com');",
            "jane@example.com",
        ),
        (
            "From: \"Jane Doe\" <jane@example.com>\r\n",
            "jane@example.com",
        ),
        ("To: Jane Doe <jane@example.com>, ", "jane@example.com"),
        (
            "Received: by mx; for <jane@example.com>;",
            "jane@example.com",
        ),
    ];
    for (hay, value) in cases {
        let score = one(hay, value, "email.address");
        assert!(score >= 0.9, "{hay}: {score}");
    }
}

#[test]
fn context_and_display_names_raise_the_score() {
    let bare = one("x jane@example.com", "jane@example.com", "email.address");
    for hay in [
        "Email: jane@example.com",
        "e-mail jane@example.com",
        "mailto:jane@example.com",
        "\"Jane Doe\" <jane@example.com>",
        "Jane Doe <jane@example.com>",
    ] {
        let s = one(hay, "jane@example.com", "email.address");
        assert!(s > bare, "{hay}: {s} <= {bare}");
    }
}

#[test]
fn url_encoded_addresses() {
    assert_eq!(
        one(
            "jane%40example.com",
            "jane%40example.com",
            "email.url_encoded"
        ),
        SCORE_PERSONAL
    );
    one(
        "/subscribe?email=jane%40example.com&list=news",
        "jane%40example.com",
        "email.url_encoded",
    );
    one(
        "?email=jane%2Bx%40example.com&x=1",
        "jane%2Bx%40example.com",
        "email.url_encoded",
    );
    one(
        "to=Jane%20Doe%20%3Cjane.doe%40example.com%3E",
        "jane.doe%40example.com",
        "email.url_encoded",
    );
    one(
        "href=mailto%3Ajane%40example.com",
        "jane%40example.com",
        "email.url_encoded",
    );
    let got = scan(b"jane%40example.com");
    assert_eq!((got[0].start, got[0].end), (0, 18));
    // A URL-encoded role mailbox is still a role mailbox.
    assert_eq!(
        one(
            "r=no-reply%40example.com",
            "no-reply%40example.com",
            "email.url_encoded"
        ),
        SCORE_ROLE
    );
}

#[test]
fn html_entity_addresses() {
    for (hay, value) in [
        ("jane&#64;example.com", "jane&#64;example.com"),
        ("jane&#064;example.com", "jane&#064;example.com"),
        ("jane&#x40;example.com", "jane&#x40;example.com"),
        ("jane&#X40;example.com", "jane&#X40;example.com"),
        ("jane&commat;example.com", "jane&commat;example.com"),
        (
            "<p>&lt;jane&#64;example.com&gt;</p>",
            "jane&#64;example.com",
        ),
    ] {
        one(hay, value, "email.html_entity");
    }
    none("jane&#65;example.com");
    none("jane&#64example.com");
    none("jane&amp;example.com");
}

#[test]
fn quoted_local_parts() {
    one(
        "x \"jane doe\"@example.com y",
        "\"jane doe\"@example.com",
        "email.quoted_local",
    );
    // JSON quotes around an `@` are not a quoted local part.
    none(r#"{"handle":"@example.com"}"#);
    none(r#"["", "@example.com"]"#);
}

#[test]
fn not_addresses() {
    for hay in [
        "logo@2x.png",
        "icon@3x.jpg",
        "video@2x.mov",
        "promo@2x.zip",
        "@jane_doe on twitter",
        "follow @example.com",
        "user@localhost",
        "root@server01",
        "ssh://deploy@10.0.0.5:22",
        "ssh://deploy@build.example.com/repo",
        "https://jane:hunter2@example.com/",
        "\"lodash@4.17.21\"",
        "npm i @types/node@18.11.9",
        "pkg@^1.2.0",
        "image@sha256:abc123",
        "jane@example",
        "jane@example.notatld",
        "jane@example.com_backup",
        "a@b.com@c.com",
        "jane..doe@example.com",
        "jane.@example.com",
        "jane@-example.com",
        "jane@example-.com",
        "@@example.com",
        "+@example.com",
        "&#64;example.com",
        "%40example.com",
    ] {
        none(hay);
    }
}

#[test]
fn message_ids_are_not_addresses() {
    for hay in [
        "Message-ID: <1234.5678@mail.example.com>\r\n",
        "message-id: <CAKx3F9aBcD7eFgH2iJkL9mN@mail.gmail.com>\n",
        "In-Reply-To: <jane.reply.thread@mail.example.com>\n",
        "References: <a.b@mail.example.com>\n <c.d@mail.example.com>\n",
        "queued msgid=<jane.thread@example.com>",
        "ref <3f2504e0-4f89-11d3-9a0c-0305e82c3301@example.com>",
        "id <20240101103000.12345@mx.example.com>",
    ] {
        none(hay);
    }
    // The header ends at the line; the next header's address counts.
    let hay = "Message-ID: <1@x.example.com>\nFrom: jane@example.com\n";
    one(hay, "jane@example.com", "email.address");
}

#[test]
fn role_mailboxes_score_low_but_are_found() {
    for local in [
        "support",
        "noreply",
        "no-reply",
        "orders",
        "abuse",
        "postmaster",
        "info",
        "sales",
        "admin",
        "webmaster",
        "help",
        "billing",
        "privacy",
        "security",
        "newsletter",
        "notifications",
        "mailer-daemon",
        "donotreply",
        "hostmaster",
        "contact",
        "team",
        "hello",
        "careers",
        "jobs",
        "press",
        "marketing",
        "service",
        "returns",
        "shipping",
        "customerservice",
        "bounce-8812",
        "bounces+jane",
        "git",
    ] {
        let value = format!("{local}@example.com");
        let hay = format!("x {value} y");
        assert_eq!(one(&hay, &value, "email.address"), SCORE_ROLE, "{local}");
    }
    assert_eq!(
        one(
            "git@github.com:org/repo.git",
            "git@github.com",
            "email.address"
        ),
        SCORE_ROLE
    );
}

#[test]
fn overlong_parts_are_rejected_not_truncated() {
    let local = "a".repeat(MAX_LOCAL_CHARS + 1);
    none(&format!(" {local}@example.com"));
    let local = "a".repeat(MAX_LOCAL_CHARS);
    let value = format!("{local}@example.com");
    one(&format!(" {value}"), &value, "email.address");
    let label = "b".repeat(MAX_LABEL + 1);
    none(&format!("jane@{label}.com"));
    let long = format!("jane@{}com", "abcdefghi.".repeat(26));
    none(&long);
}

#[test]
fn edges_of_the_haystack_are_boundaries() {
    let got = scan(b"jane@example.com");
    assert_eq!((got[0].start, got[0].end), (0, 16));
    let got = scan(b"@example.com");
    assert!(got.is_empty());
    let got = scan(b"jane@");
    assert!(got.is_empty());
    let got = scan(b"jane%4");
    assert!(got.is_empty());
    let got = scan(b"x&#6");
    assert!(got.is_empty());
}

#[test]
fn arbitrary_bytes_do_not_panic() {
    let detector = EmailDetector::new();
    let mut out = Vec::new();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let alphabet = b"a.@%40&#x;\"'\\u\xc3\xa9\xe2\x80-_+com";
    let mut hay = Vec::new();
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        hay.push(alphabet[(state % alphabet.len() as u64) as usize]);
    }
    for cut in 0..64 {
        detector.find(&hay[cut..], &mut out);
        for f in &out {
            assert!(f.start < f.end && f.end <= hay.len() - cut);
        }
        out.clear();
    }
}

/// Mixed content repeated with shifting lengths, so that addresses land on
/// every offset relative to chunk boundaries.
fn mixed_haystack() -> Vec<u8> {
    let mut hay = Vec::new();
    for i in 0..3000usize {
        let pad = "-".repeat(i % 37);
        hay.extend_from_slice(
            format!(
                "{pad}row {i}: \"Jane {i}\" <jane.doe{i}@example.com> \
                 ?e=kim{i}%40shop.example.org&x \
                 lee{i}&#64;example.net logo@2x.png support@example.com \
                 Message-ID: <{i}.77@mx.example.com>\n"
            )
            .as_bytes(),
        );
    }
    hay
}

#[test]
fn chunked_scan_equals_whole_scan() {
    let engine = Engine::new([Kind::Email].into_iter().collect::<KindSet>());
    let hay = mixed_haystack();
    let mut whole = Vec::new();
    engine.scan(&hay, &mut whole);
    // Per row: three personal addresses and one role mailbox.
    assert_eq!(whole.len(), 3000 * 4);
    for step in [1, 13, 4096, 65_536] {
        assert_eq!(scan_trickled(&engine, &hay, step), whole, "step {step}");
    }
}
