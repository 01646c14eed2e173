//! One rendered notice per jurisdiction family, read as the customer
//! receiving it would: the law's own words where it prescribes them, no
//! empty section, no placeholder, the contacts its law names and no other,
//! only the data this customer had exposed. `BW_PRINT_NOTICES=1` prints
//! them (`cargo test -p bw-notify families -- --nocapture`).

use super::tests::{notice_from_texts, NAME_EMAIL};
use super::*;

/// A campaign as a retailer would write it, with every text filled.
fn campaign() -> NoticeTexts {
    NoticeTexts {
        company_name: "Example Shop".into(),
        contact: "Example Shop privacy team, privacy@shop.example, +1 800 555 0100 \
                  (Monday to Friday, 9:00-17:00 ET), 1 Market Street, Springfield"
            .into(),
        measures: "We took the page offline the same day, fixed the fault and checked \
                   every other page that shows order details."
            .into(),
        advice: "Be wary of emails that mention your order and ask you to sign in or pay. \
                 We will never ask for your password by email."
            .into(),
        consequences: "Someone who saw these details could send you convincing phishing \
                       emails."
            .into(),
        identity_protection: "We offer you 12 months of identity theft protection at no cost. \
                              Enroll at https://shop.example/protect with code EXS-2026."
            .into(),
        ..NoticeTexts::default()
    }
}

fn render(country: &str, region: Option<&str>, fields: &[&str]) -> String {
    render_with(country, region, fields, campaign())
}

fn render_with(country: &str, region: Option<&str>, fields: &[&str], texts: NoticeTexts) -> String {
    let n = notice_from_texts(country, region, fields, bw_law::SourceOfBreach::Us, texts);
    if std::env::var_os("BW_PRINT_NOTICES").is_some() {
        println!("===== {country} {region:?} {fields:?}\n{n}");
    }
    check_reads_cleanly(&n);
    n
}

fn has(n: &str, what: &[&str]) {
    for w in what {
        assert!(n.contains(w), "{w:?} missing from:\n{n}");
    }
}

fn lacks(n: &str, what: &[&str]) {
    for w in what {
        assert!(!n.contains(w), "{w:?} must not appear in:\n{n}");
    }
}

/// What no notice may show a customer: template syntax, a field's
/// internal name, a timestamp, a heading with nothing under it.
fn check_reads_cleanly(n: &str) {
    lacks(n, &["{{", "{%", "}}", "T09:00", "_"]);
    lacks(n, &["<p></p>", "<li></li>", "<pre></pre>"]);
    let (text, html) = n.split_once("<!DOCTYPE").unwrap_or((n, ""));
    let lines: Vec<&str> = text.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let heading = l.len() > 3
            && l.chars().any(char::is_alphabetic)
            && l.chars().all(|c| !c.is_lowercase());
        if heading && !l.starts_with("NOTICE OF") {
            let next = lines.get(i + 1).map_or("", |x| x.trim());
            assert!(
                !next.is_empty(),
                "heading {l:?} has nothing under it:\n{text}"
            );
        }
    }
    // In HTML, a heading is followed by its paragraph or list, not by the
    // next heading.
    assert!(!html.contains("</h2>\n<h2>"), "{html}");
}

#[test]
fn california_reads_as_the_statute_titles_it_with_the_offer_and_bureaus() {
    let n = render("US", Some("CA"), &["person_name", "email", "us_ssn"]);
    // Cal. Civ. Code § 1798.82(d)(1): title and headings as the statute
    // gives them, the date of the breach and of the notice.
    has(
        &n,
        &[
            "Notice of Data Breach",
            "What Happened?",
            "What Information Was Involved?",
            "What We Are Doing.",
            "What You Can Do.",
            "For More Information.",
            "The breach occurred on or before November 20, 2026.",
            "Date of notice: ",
            "your Social Security number",
            "12 months of identity theft protection at no cost",
            "Equifax",
            "Experian",
            "TransUnion",
            "privacy@shop.example",
        ],
    );
    // Only what this customer had exposed; no other law's contacts.
    lacks(
        &n,
        &["payment card", "Information Commissioner", "ag.ny.gov"],
    );
}

#[test]
fn texas_gets_the_plain_notice_without_bureaus_or_an_empty_section() {
    let n = render("US", Some("TX"), &["person_name", "us_ssn"]);
    has(
        &n,
        &[
            "WHAT HAPPENED",
            "The incident happened on or before November 20, 2026, the day we discovered it.",
            "your Social Security number",
            "WHAT THIS MAY MEAN FOR YOU",
            "FOR MORE INFORMATION",
        ],
    );
    lacks(
        &n,
        &[
            "Notice of Data Breach",
            "Equifax",
            "identity theft protection",
        ],
    );
    // A US campaign need not describe consequences (no US law asks): the
    // section is left out rather than printed empty.
    let mut texts = campaign();
    texts.consequences.clear();
    let n = render_with("US", Some("TX"), &["person_name", "us_ssn"], texts);
    lacks(
        &n,
        &["WHAT THIS MAY MEAN FOR YOU", "What this may mean for you"],
    );
}

#[test]
fn the_uk_notice_names_the_ico_and_says_what_it_may_mean() {
    let n = render("GB", None, NAME_EMAIL);
    has(
        &n,
        &[
            "20 November 2026",
            "WHAT THIS MAY MEAN FOR YOU",
            "convincing phishing",
            "Information Commissioner's Office (ICO), 0303 123 1113",
            "your name",
            "your email address",
        ],
    );
    lacks(&n, &["November 20,", "Federal Trade Commission"]);
}

#[test]
fn eu_notices_are_in_the_customers_language_down_to_dates_and_fields() {
    let de = render("DE", None, NAME_EMAIL);
    has(
        &de,
        &[
            "WAS IST PASSIERT",
            "spätestens am 20. November 2026",
            "Ihr Name",
            "Ihre E-Mail-Adresse",
            "WAHRSCHEINLICHE FOLGEN",
            "Datum dieser Benachrichtigung: ",
        ],
    );
    lacks(&de, &["your name", "November 20,"]);
    let fr = render("FR", None, &["person_name", "email", "password"]);
    has(
        &fr,
        &[
            "au plus tard le 20 novembre 2026",
            "le mot de passe de votre compte",
            "CONSÉQUENCES PROBABLES",
        ],
    );
    lacks(&fr, &["  - password", "your account password"]);
}

#[test]
fn brazil_is_written_to_in_portuguese() {
    let n = render("BR", None, &["person_name", "email", "government_id"]);
    has(
        &n,
        &[
            "Olá, Jane Doe,",
            "O QUE ACONTECEU",
            "até 20 de novembro de 2026",
            "o seu nome",
            "o seu número de identificação (como o CPF)",
            "O QUE ISSO PODE SIGNIFICAR PARA VOCÊ",
            "MAIS INFORMAÇÕES",
            "lang=\"pt\"",
        ],
    );
    lacks(&n, &["Dear ", "WHAT HAPPENED"]);
}

#[test]
fn canada_gives_the_breach_period_and_names_no_us_agency() {
    let n = render("CA", Some("ON"), &["person_name", "email", "payment_card"]);
    // PIPEDA's regulations ask for the day or period of the breach.
    has(
        &n,
        &[
            "on or before 20 November 2026",
            "your payment card number",
            "WHAT YOU CAN DO",
        ],
    );
    lacks(
        &n,
        &["Federal Trade Commission", "Equifax", "Social Security"],
    );
}

#[test]
fn australia_names_the_entity_and_what_was_taken() {
    let n = render("AU", None, &["person_name", "government_id"]);
    // Privacy Act s. 26WK(3): identity and contact details of the entity,
    // the kinds of information, the steps to take.
    has(
        &n,
        &[
            "incident at Example Shop",
            "your national identity number",
            "WHAT YOU CAN DO",
            "privacy@shop.example",
            "20 November 2026",
        ],
    );
}
