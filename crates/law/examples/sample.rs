//! Prints the obligations table for two sample incidents (used in the report).
//! Run: `cargo run -p bw-law --example sample [-- --json]`

use bw_law::{evaluate, sort_by_deadline, Element, ExposureInput, RuleSet};
use time::macros::datetime;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let json = std::env::args().any(|a| a == "--json");
    let rules = RuleSet::embedded()?;
    let discovered = datetime!(2026-05-04 09:00 UTC);
    let incidents: [(&str, &[Element]); 2] = [
        ("name + email", &[Element::Name, Element::Email]),
        (
            "name + payment_card + card_security_code",
            &[
                Element::Name,
                Element::PaymentCard,
                Element::CardSecurityCode,
            ],
        ),
    ];
    for (title, elements) in incidents {
        let mut input = ExposureInput::new(discovered);
        for (code, n) in [("US-CA", 1200), ("US-TX", 40), ("EU", 300), ("GB", 25)] {
            input.add(code, elements, n, false);
        }
        let mut out = evaluate(&rules, &input);
        sort_by_deadline(&mut out);
        if json {
            println!("{}", serde_json::to_string_pretty(&out)?);
            continue;
        }
        println!(
            "\nIncident: {title} exposed; discovered {discovered}; rules {}",
            rules.version()
        );
        println!("Decision support, not legal advice.");
        println!(
            "{:<6} {:>5}  {:<12} {:<22} {:<12} {:<22} {:<12} citation",
            "code", "res.", "individual", "ind. deadline", "regulator", "reg. deadline", "cra"
        );
        let ts = |t: Option<time::OffsetDateTime>| {
            t.map(|t| format!("{} {:02}:{:02}Z", t.date(), t.hour(), t.minute()))
                .unwrap_or_else(|| "-".into())
        };
        for o in &out {
            println!(
                "{:<6} {:>5}  {:<12} {:<22} {:<12} {:<22} {:<12} {}",
                o.code,
                o.residents,
                o.individual_notice.as_str(),
                ts(o.individual_deadline),
                o.regulator_notice.as_str(),
                ts(o.regulator_deadline),
                o.cra_notice.as_str(),
                o.citations.join("; ")
            );
        }
        for o in &out {
            for r in &o.reasons {
                println!("  - {r}");
            }
        }
    }
    Ok(())
}
