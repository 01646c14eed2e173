//! `breachwatch incident source-of-breach`, `incident set-description
//! --lang`, and what `incident show` and
//! `incident add-evidence` print about findings no customer was tied to
//! (detected, unattributed). Counts and kinds only, never values.

use anyhow::Result;
use bw_store::{Declarations, IncidentId, SourceOfBreach, UnattributedElement, UnattributedRecord};
use clap::Args;

use crate::incident::{Session, StoreArgs};

#[derive(Args, Debug)]
pub struct SourceOfBreachArgs {
    id: String,
    /// us (the business's own systems or staff), vendor (a service
    /// provider holding the data for it) or unknown.
    #[arg(value_parser = parse_source_of_breach)]
    source: SourceOfBreach,
    /// What it is known from, for the audit log.
    #[arg(long, default_value = "")]
    reason: String,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
}

pub(crate) fn parse_source_of_breach(s: &str) -> Result<SourceOfBreach, String> {
    s.parse()
        .map_err(|e: bw_store::ParseSourceOfBreachError| e.to_string())
}

pub(crate) async fn source_of_breach(s: Session, a: SourceOfBreachArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    if s.store
        .set_source_of_breach(&id, a.source, &a.reason, &s.actor)
        .await?
    {
        println!("{id}: source of breach is now {}", a.source);
    } else {
        println!(
            "{id}: source of breach was already {}; nothing changed",
            a.source
        );
    }
    Ok(0)
}

#[derive(Args, Debug)]
pub struct DescriptionArgs {
    id: String,
    /// The language of the notices it is for: en, fr, de, es, it, nl, pt
    /// or ja (the language of each customer's country). The description
    /// given at `incident open` is read as the default campaign texts'
    /// language (`texts-language` under [notify], default en).
    #[arg(long, value_parser = parse_language)]
    lang: String,
    /// What happened, in that language; "" removes it.
    text: String,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
}

fn parse_language(s: &str) -> Result<String, String> {
    let languages = bw_notify::lang::LANGUAGES;
    if languages.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "unknown language code {s:?}: notices are written in {}",
            languages.join(", ")
        ))
    }
}

pub(crate) async fn set_description(s: Session, a: DescriptionArgs) -> Result<u8> {
    let id = IncidentId::new(a.id);
    let changed = s
        .store
        .set_description_translation(&id, &a.lang, &a.text, &s.actor)
        .await?;
    let lang = &a.lang;
    match (changed, a.text.trim().is_empty()) {
        (true, false) => println!("{id}: description in {lang} recorded"),
        (true, true) => println!("{id}: description in {lang} removed"),
        (false, _) => println!("{id}: the description in {lang} already reads so; nothing changed"),
    }
    Ok(0)
}

/// The lines `incident show` prints for the description in other languages.
pub(crate) fn print_description_translations(declared: &Declarations) {
    for (lang, text) in &declared.description_translations {
        println!("description ({lang}): {text}");
    }
}

/// `1,200 password (bcrypt)`: one unattributed count as a reader sees it.
fn describe(u: &UnattributedElement) -> String {
    let hashing = u
        .hashing
        .as_deref()
        .map(|h| format!(" ({h} hashes)"))
        .unwrap_or_default();
    format!("{} {}{hashing}", thousands(u.count), u.kind)
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The lines `incident show` prints under "detected, unattributed".
pub(crate) fn print_unattributed(all: &[UnattributedRecord]) {
    if all.is_empty() {
        return;
    }
    println!("detected, unattributed (no customer could be tied to them):");
    for r in all {
        println!(
            "  {} in evidence #{} {}",
            describe(&r.element),
            r.evidence_seq,
            r.evidence_source
        );
    }
}

/// The line `incident add-evidence` prints for one file's.
pub(crate) fn added_line(all: &[UnattributedElement]) -> Option<String> {
    if all.is_empty() {
        return None;
    }
    let parts: Vec<String> = all.iter().map(describe).collect();
    Some(format!(
        "  detected, unattributed (no customer tied to them; they count as elements of the \
         incident): {}",
        parts.join(", ")
    ))
}
