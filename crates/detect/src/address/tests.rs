use super::*;
use crate::stream::StreamScanner;
use crate::{Engine, Hint, KindSet};

fn scan(text: &str, hints: &[Hint]) -> Vec<Finding> {
    let mut out = Vec::new();
    AddressDetector::new().find(text.as_bytes(), &Hints::new(hints), &mut out);
    out
}

/// Asserts exactly one finding, covering exactly `value`, and returns its
/// score.
#[track_caller]
fn one(text: &str, value: &str) -> f32 {
    let all = scan(text, &[]);
    assert_eq!(all.len(), 1, "{text:?}: {all:?}");
    let at = text
        .find(value)
        .unwrap_or_else(|| panic!("{value:?} not in {text:?}"));
    assert_eq!(
        (all[0].start, all[0].end),
        (at, at + value.len()),
        "{text:?} -> {:?}",
        &text[all[0].start..all[0].end]
    );
    all[0].score
}

/// Asserts that nothing in `text` scores as personal data.
#[track_caller]
fn no_pii(text: &str) {
    let all: Vec<_> = scan(text, &[])
        .into_iter()
        .filter(|f| f.score >= 0.5)
        .map(|f| &text[f.start..f.end])
        .collect();
    assert!(all.is_empty(), "{text:?}: {all:?}");
}

#[test]
fn us_addresses() {
    for (text, addr) in [
        (
            "Visit 1600 Pennsylvania Ave NW, Washington, DC 20500 today",
            "1600 Pennsylvania Ave NW, Washington, DC 20500",
        ),
        (
            "742 Evergreen Terrace, Springfield, IL 62704",
            "742 Evergreen Terrace, Springfield, IL 62704",
        ),
        (
            "12 Main St\nSpringfield, IL 62704\n\nThanks",
            "12 Main St\nSpringfield, IL 62704",
        ),
        (
            "<address>88 Oak Court, Apt 12<br>\nMadison, WI 53703</address>",
            "88 Oak Court, Apt 12<br>\nMadison, WI 53703",
        ),
        (
            "350 5th Ave, New York, NY 10118-0110;",
            "350 5th Ave, New York, NY 10118-0110",
        ),
        (
            "12 Main St Springfield IL 62704",
            "12 Main St Springfield IL 62704",
        ),
    ] {
        let score = one(text, addr);
        assert!(score >= 0.9, "{text:?}: {score}");
    }
    let line = one("Deliver: 12 Main St Apt 4B.", "12 Main St Apt 4B");
    assert!((0.6..0.9).contains(&line), "{line}");
}

#[test]
fn uk_addresses() {
    assert!(
        one(
            "PM at 10 Downing Street, London SW1A 2AA.",
            "10 Downing Street, London SW1A 2AA"
        ) >= 0.9
    );
    assert!(one("Flat 3, 45 High Road\n", "Flat 3, 45 High Road") >= 0.6);
    assert!(
        one(
            "7 Baker Street\nManchester M1 1AE",
            "7 Baker Street\nManchester M1 1AE"
        ) >= 0.9
    );
    // A postcode that breaks the grammar is not a postcode line.
    let s = one("7 Baker Street, London SW1A 2A", "7 Baker Street");
    assert!(s < 0.9);
}

#[test]
fn german_addresses() {
    assert!(one("Hauptstraße 5, 10115 Berlin", "Hauptstraße 5, 10115 Berlin") >= 0.9);
    assert!(one("Anschrift: Musterweg 12a\n", "Musterweg 12a") >= 0.75);
    assert!(one("Am Markt 3\n04109 Leipzig", "Am Markt 3\n04109 Leipzig") >= 0.9);
    assert!(
        one(
            "Berliner Str. 7, 80331 München",
            "Berliner Str. 7, 80331 München"
        ) >= 0.9
    );
    assert!(
        one(
            "Karl-Marx-Allee 90, 10243 Berlin",
            "Karl-Marx-Allee 90, 10243 Berlin"
        ) >= 0.9
    );
}

#[test]
fn french_addresses() {
    assert!(
        one(
            "12 rue de la Paix, 75002 Paris",
            "12 rue de la Paix, 75002 Paris"
        ) >= 0.9
    );
    assert!(one("au 3 bis avenue Victor Hugo.", "3 bis avenue Victor Hugo") >= 0.6);
    assert!(
        one(
            "8 boulevard Haussmann\n75009 Paris",
            "8 boulevard Haussmann\n75009 Paris"
        ) >= 0.9
    );
    assert!(one("5 place de la Mairie", "5 place de la Mairie") >= 0.6);
    assert!(
        one(
            "14 allée d'Alsace, 69003 Lyon",
            "14 allée d'Alsace, 69003 Lyon"
        ) >= 0.9
    );
}

#[test]
fn product_version_and_brand_text_is_not_an_address() {
    no_pii("Buy the 5 Star Road Trip collection");
    no_pii("2 Pack Drive Belt for washers");
    no_pii("Route 66 Diner opens at 9");
    no_pii("we moved to Main Street last year");
    no_pii("ticket #12 Main St outage");
    no_pii("v2 Main Street release");
    no_pii("build 1.12 Main Road");
    no_pii("5 Place Settings, gold rim");
    no_pii("Spring 2024 collection");
    no_pii("Engineering 101 syllabus");
    no_pii("Rated 4.5 by 120 shoppers in New York");
    // Bare postcodes are not addresses.
    no_pii("SW1A 2AA");
    no_pii("Springfield, IL 62704");
    no_pii("zip=62704-1234 and 10115 Berlin");
    // A street in running text stays below the PII threshold.
    let all = scan("I live at 12 Main St and love it", &[]);
    assert_eq!(all.len(), 1);
    assert!(all[0].score < 0.5);
}

#[test]
fn hints_and_labels_raise_the_score() {
    let text = "C1,\"12 Main St\",x";
    let plain = scan(text, &[]);
    assert_eq!(plain.len(), 1);
    let h = [Hint {
        start: 3,
        end: 15,
        field: Field::Address,
    }];
    let hinted = scan(text, &h);
    assert_eq!(hinted.len(), 1);
    assert!(hinted[0].score > plain[0].score, "{hinted:?} vs {plain:?}");
    let other = [Hint {
        field: Field::Email,
        ..h[0]
    }];
    assert_eq!(scan(text, &other)[0].score, plain[0].score);
    let labelled = one("Ship to: 12 Main St\n", "12 Main St");
    assert!(labelled > plain[0].score);
    let json = one("{\"shipping_address\":\"Hauptstraße 5\"}", "Hauptstraße 5");
    assert!(json > LINE);
}

#[test]
fn chunked_scan_equals_whole_scan() {
    let engine = Engine::new([Kind::StreetAddress].into_iter().collect::<KindSet>());
    let mut hay = String::new();
    for i in 0..2000u32 {
        hay.push_str(&format!(
            "row {i} at 2024-01-15T10:20:30Z ip 10.0.{}.{} {} Maple St, Apt {}\nAustin, TX 787{:02} | Hauptstraße {}, 10115 Berlin | 5 Star Road Trip\n",
            i % 255,
            i % 7,
            i + 1,
            i % 40 + 1,
            i % 100,
            i % 180 + 1
        ));
    }
    let mut whole = Vec::new();
    engine.scan(hay.as_bytes(), &mut whole);
    assert_eq!(whole.len(), 4000);
    let mut got = Vec::new();
    StreamScanner::with_chunk_size(0)
        .scan(
            &engine,
            hay.as_bytes(),
            |_| true,
            |h| {
                got.push(h.finding);
                Ok(())
            },
        )
        .expect("in-memory reads do not fail");
    assert_eq!(got, whole);
}

#[test]
fn business_addresses_score_below_the_default_threshold() {
    for text in [
        "the Free Software Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301",
        "Foundation, Inc.,\n 51 Franklin St, Fifth Floor, Boston",
        "Northwind Traders Ltd\n12 High Street\nLondon SW1A 1AA",
        "Beispiel GmbH, Hauptstraße 5, 10115 Berlin",
    ] {
        no_pii(text);
        assert!(!scan(text, &[]).is_empty(), "{text:?}: still reported under --all");
    }
    // The same lines for a person, or after `c/o`, are personal data.
    for (text, addr) in [
        (
            "Jane Doe, 51 Franklin Street, Boston, MA 02110",
            "51 Franklin Street, Boston, MA 02110",
        ),
        ("Jane Doe c/o 12 High Street", "12 High Street"),
    ] {
        assert!(one(text, addr) >= 0.5, "{text:?}");
    }
}
