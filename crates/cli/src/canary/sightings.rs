//! `breachwatch canary sightings`: each recorded sighting for an
//! investigator — canary, recipient, channel, time, where it was seen, the
//! evidence hash and incident — and a mail sighting's sealed details
//! (envelope sender, client address, time, subject, headers), opened with
//! the display key.
//!
//! Redacted by default like every other output: the envelope sender by
//! its domain only, the client address as `bw-report` redacts an IP, the
//! subject by its length, headers by their names. `--reveal` prints the
//! details as they were received.

use std::io::Write;

use anyhow::Result;
use bw_canary::db::Sighting;
use bw_detect::Kind;
use clap::Args;
use serde_json::{json, Value};

use super::{display_key, open_db, FormatArgs, OutFormat};
use crate::exit;

#[derive(Args, Debug)]
pub struct SightingsArgs {
    /// Only this recipient's sightings.
    #[arg(long)]
    pub recipient: Option<String>,
    /// Show a mail's details as received (sender, client, subject, header
    /// values); default: sender domain, redacted client, subject length,
    /// header names.
    #[arg(long)]
    pub reveal: bool,
    #[command(flatten)]
    pub format: FormatArgs,
}

pub fn run(a: &SightingsArgs) -> Result<u8> {
    let db = open_db()?;
    let seen = db.sightings(a.recipient.as_deref(), &display_key()?)?;
    let mut out = std::io::stdout().lock();
    for s in &seen {
        let detail = s
            .detail
            .as_ref()
            .map(|d| if a.reveal { d.clone() } else { redacted(d) });
        match a.format.format {
            OutFormat::Jsonl => {
                let mut v = json!({
                    "canary": s.canary_id,
                    "recipient": s.recipient,
                    "channel": s.channel,
                    "at": s.at,
                    "source": s.source,
                    "sha256": s.sha256,
                    "incident": s.incident,
                });
                if let (Some(d), Some(obj)) = (detail, v.as_object_mut()) {
                    obj.insert("detail".into(), d);
                }
                writeln!(out, "{v}")?;
            }
            OutFormat::Human => writeln!(out, "{}", human(s, detail.as_ref()))?,
        }
    }
    if seen.is_empty() {
        eprintln!("no sightings recorded");
    }
    Ok(exit::CLEAN)
}

/// A mail sighting's details without what identifies the sender: the
/// envelope sender's domain, the client address redacted, the subject's
/// length in characters, the headers' names.
fn redacted(d: &Value) -> Value {
    let text = |k: &str| d.get(k).and_then(Value::as_str);
    let mut out = serde_json::Map::new();
    if let Some(from) = text("envelope_from") {
        let domain = from.rsplit_once('@').map(|(_, dom)| dom.to_string());
        out.insert("sender_domain".into(), json!(domain));
    }
    if let Some(client) = text("client") {
        out.insert(
            "client".into(),
            json!(bw_report::redact::redact(
                Kind::IpAddress,
                client.as_bytes()
            )),
        );
    }
    if let Some(at) = d.get("at") {
        out.insert("at".into(), at.clone());
    }
    if let Some(subject) = d.get("subject") {
        let chars = subject.as_str().map(|s| s.chars().count());
        out.insert("subject_chars".into(), json!(chars));
    }
    if let Some(headers) = d.get("headers").and_then(Value::as_array) {
        let names: Vec<&str> = headers
            .iter()
            .filter_map(|h| h.get(0).and_then(Value::as_str))
            .collect();
        out.insert("header_names".into(), json!(names));
    }
    Value::Object(out)
}

/// One line per sighting, the details after it in `key=value` form.
fn human(s: &Sighting, detail: Option<&Value>) -> String {
    let mut line = format!(
        "{}  {} sighting of {} for {}  in {}  sha256 {}  incident {}",
        s.at,
        s.channel,
        s.canary_id,
        s.recipient,
        s.source,
        s.sha256,
        s.incident.as_deref().unwrap_or("-"),
    );
    let Some(Value::Object(d)) = detail else {
        return line;
    };
    for (k, v) in d {
        let shown = match v {
            Value::String(t) => t.clone(),
            Value::Null => "-".into(),
            Value::Array(items) => items
                .iter()
                .map(|i| match i {
                    Value::String(t) => t.clone(),
                    // A revealed header: [name, value].
                    Value::Array(pair) => pair
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(": "),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" | "),
            other => other.to_string(),
        };
        line.push_str(&format!("\n    {k}: {shown}"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_the_domain_the_length_and_the_names_only() {
        let d = json!({
            "envelope_from": "bounce@elsewhere.example.net",
            "client": "203.0.113.9",
            "at": "2026-12-07T15:00:00Z",
            "subject": "Your order 42",
            "headers": [["From", "Spam <spammer@elsewhere.example.net>"], ["Date", "Mon"]],
        });
        let r = redacted(&d);
        assert_eq!(r["sender_domain"], "elsewhere.example.net");
        assert_eq!(r["subject_chars"], 13);
        assert_eq!(r["header_names"], json!(["From", "Date"]));
        assert_eq!(r["at"], "2026-12-07T15:00:00Z");
        let text = r.to_string();
        for secret in ["bounce@", "spammer", "203.0.113.9", "order 42"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}
