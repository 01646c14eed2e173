//! Building the email for one notice, and what of the exchange is kept.

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

use crate::templates::{hex, Rendered};

/// The Message-ID of the notice to `customer_id` on `channel` for
/// `incident`: the same on every attempt and every run, so a recipient's
/// mail system (and an auditor) can tell a repeat from a second notice.
/// It does not reveal the customer id.
pub fn message_id(incident: &str, customer_id: &str, channel: &str, domain: &str) -> String {
    let mut h = blake3::Hasher::new();
    for part in [incident, customer_id, channel] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    format!(
        "<{}.{}@{}>",
        hex(&digest.as_bytes()[..12]),
        incident.to_ascii_lowercase(),
        domain
    )
}

/// Why an address cannot be written to; never contains the address.
pub fn check_address(email: &str) -> Result<Address, String> {
    let email = email.trim();
    if email.is_empty() {
        return Err("the customer has no email address in the customer source".into());
    }
    email
        .parse::<Address>()
        .map_err(|e| format!("the customer's email address is invalid ({e})"))
}

/// The MIME message for one notice.
pub fn build(
    from: &Mailbox,
    to: Address,
    to_name: &str,
    message_id: &str,
    rendered: &Rendered,
) -> Result<Message, String> {
    let name = to_name.trim();
    let to = Mailbox::new((!name.is_empty()).then(|| name.to_string()), to);
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(rendered.subject.clone())
        .message_id(Some(message_id.to_string()))
        .date_now();
    let built = match &rendered.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            rendered.text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(rendered.text.clone()),
        ),
    };
    built.map_err(|e| format!("building the message: {e}"))
}

/// A server reply or error as stored: every `local@domain` has its local
/// part masked, since servers echo recipients ("550 <jane@…> unknown").
pub fn scrub(reply: &str) -> String {
    let mut out = String::with_capacity(reply.len());
    for (i, word) in reply.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match word.find('@') {
            Some(at) => {
                let start = word[..at].rfind(['<', ':', '(', '"']).map_or(0, |p| p + 1);
                out.push_str(&word[..start]);
                out.push_str("***");
                out.push_str(&word[at..]);
            }
            None => out.push_str(word),
        }
    }
    // A reply is a few lines at most; a hostile server's novel is cut.
    if out.len() > 500 {
        let mut end = 500;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_deterministic_and_distinct() {
        let a = message_id("INC-2026-0001", "C1", "email", "shop.example");
        assert_eq!(
            a,
            message_id("INC-2026-0001", "C1", "email", "shop.example")
        );
        assert_ne!(
            a,
            message_id("INC-2026-0001", "C2", "email", "shop.example")
        );
        assert_ne!(
            a,
            message_id("INC-2026-0002", "C1", "email", "shop.example")
        );
        // Length-prefixing keeps ("a","bc") and ("ab","c") apart.
        assert_ne!(
            message_id("I", "ab", "c", "d"),
            message_id("I", "a", "bc", "d")
        );
        assert!(!a.contains("C1"));
        assert!(a.starts_with('<') && a.ends_with("@shop.example>"));
    }

    #[test]
    fn replies_are_scrubbed_of_addresses() {
        assert_eq!(
            scrub("550 5.1.1 <jane.doe@example.com>: Recipient address rejected"),
            "550 5.1.1 <***@example.com>: Recipient address rejected"
        );
        assert_eq!(
            scrub("250 2.0.0 Ok: queued as 4F2"),
            "250 2.0.0 Ok: queued as 4F2"
        );
    }

    #[test]
    fn bad_addresses_fail_without_echoing_them() {
        assert!(check_address("  ")
            .unwrap_err()
            .contains("no email address"));
        let err = check_address("jane.doe@@example").unwrap_err();
        assert!(err.contains("invalid") && !err.contains("jane"));
        assert!(check_address("jane@example.com").is_ok());
    }
}
