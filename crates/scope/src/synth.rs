//! Synthetic customers and non-customers for tests and benchmarks: seeded,
//! reproducible, built from syllables (no name lists, no real people).
//!
//! Every value is a function of `(seed, n)`, so a benchmark can write ten
//! million customers and later rebuild any one of them for its truth file
//! without keeping them in memory. Customers and distractors draw from
//! disjoint phone ranges and email patterns, so a distractor can never be
//! a customer.

/// The seeded generator every value is drawn from (splitmix64: the same
/// sequence the benchmarks' recorded figures were made with).
pub use bw_testkit::SplitMix64 as Rng;

const ONSETS: &[&str] = &[
    "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr", "ch",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ou", "ai"];

/// A capitalised made-up word of `syllables` syllables.
pub fn word(rng: &mut Rng, syllables: usize) -> String {
    let mut s = String::new();
    for _ in 0..syllables {
        s.push_str(ONSETS[rng.below(ONSETS.len() as u64) as usize]);
        s.push_str(VOWELS[rng.below(VOWELS.len() as u64) as usize]);
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => s,
    }
}

/// One synthetic person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub email: String,
    pub first: String,
    pub last: String,
    /// National format of `country`.
    pub phone: String,
    /// The same number with its calling code (`+33 6 …`).
    pub phone_intl: String,
    pub country: String,
    /// US state for US customers, else empty.
    pub region: String,
}

const COUNTRIES: &[&str] = &["US", "FR", "GB", "US", "DE"];
const STATES: &[&str] = &["CA", "NY", "TX", "WA", "IL"];
const US_AREAS: &[u32] = &[201, 212, 415, 617, 303, 312];
const US_AREAS_OTHER: &[u32] = &[646, 718, 510];
const DOMAINS: &[&str] = &["example.com", "example.org", "mail.example.net"];

/// Customer `n` of the customer base generated with `seed`.
pub fn customer(seed: u64, n: u64) -> Person {
    person(seed, n, false)
}

/// Non-customer `n`: same shapes, disjoint values.
pub fn distractor(seed: u64, n: u64) -> Person {
    person(seed ^ 0x5bd1_e995, n, true)
}

fn person(seed: u64, n: u64, other: bool) -> Person {
    let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ n);
    let syllables = 2 + rng.below(2) as usize;
    let first = word(&mut rng, syllables);
    let last = word(&mut rng, 3);
    let country = COUNTRIES[rng.below(COUNTRIES.len() as u64) as usize];
    let region = if country == "US" {
        STATES[rng.below(STATES.len() as u64) as usize]
    } else {
        ""
    };
    let domain = DOMAINS[rng.below(DOMAINS.len() as u64) as usize];
    let tag = if other { "x" } else { "" };
    let email = format!(
        "{}.{}{tag}{n}@{domain}",
        first.to_ascii_lowercase(),
        last.to_ascii_lowercase()
    );
    let (phone, phone_intl) = phone(country, n, other);
    Person {
        id: format!("{}{n:08}", if other { "X" } else { "C" }),
        email,
        first,
        last,
        phone,
        phone_intl,
        country: country.to_string(),
        region: region.to_string(),
    }
}

/// A valid number, unique per `n` (below 10^7) within customers and
/// within distractors, and never shared between the two (each country
/// gives the two groups different number ranges).
fn phone(country: &str, n: u64, other: bool) -> (String, String) {
    let d = n % 10_000_000;
    let rest = format!("{d:07}");
    match country {
        "FR" => {
            // 06 1… for customers, 07 5… for others: both mobile ranges.
            let (lead, sub) = if other { (7, 5) } else { (6, 1) };
            let tail = format!("{sub}{rest}");
            let pairs = |s: &str| {
                s.as_bytes()
                    .chunks(2)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            (
                format!("0{lead} {}", pairs(&tail)),
                format!("+33 {lead} {}", pairs(&tail)),
            )
        }
        "GB" => {
            let net = if other { "781" } else { "792" };
            (
                format!("0{net}{} {}", &rest[..1], &rest[1..]),
                format!("+44 {net}{} {}", &rest[..1], &rest[1..]),
            )
        }
        "DE" => {
            let net = if other { "0160" } else { "0151" };
            (
                format!("{net} 1{rest}"),
                format!("+49 {} 1{rest}", &net[1..]),
            )
        }
        _ => {
            let areas = if other { US_AREAS_OTHER } else { US_AREAS };
            let area = areas[(d % areas.len() as u64) as usize];
            let local = 2_000_000 + (d / areas.len() as u64) % 8_000_000;
            let (ex, line) = (local / 10_000, local % 10_000);
            (
                format!("({area}) {ex:03}-{line:04}"),
                format!("+1 {area}-{ex:03}-{line:04}"),
            )
        }
    }
}

/// The registry's CSV header.
pub const CSV_HEADER: &str = "customer_id,email,first_name,last_name,phone,country,region";

/// One registry CSV row (no newline).
pub fn csv_row(p: &Person) -> String {
    format!(
        "{},{},{},{},{},{},{}",
        p.id, p.email, p.first, p.last, p.phone, p.country, p.region
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use bw_registry::normalize::phone::normalise;

    #[test]
    fn phones_are_valid_and_agree_across_formats() {
        for n in [0u64, 1, 7, 12_345, 3_333_333, 9_999_999] {
            for p in [customer(3, n), distractor(3, n)] {
                let national = normalise(&p.phone, Some(&p.country));
                let intl = normalise(&p.phone_intl, None);
                assert!(national.is_ok(), "{} {}: {national:?}", p.country, p.phone);
                assert_eq!(national, intl, "{} vs {}", p.phone, p.phone_intl);
            }
        }
    }

    #[test]
    fn customers_and_distractors_never_collide() {
        let mut phones = std::collections::HashSet::new();
        let mut emails = std::collections::HashSet::new();
        for n in 0..2000 {
            for p in [customer(1, n), distractor(1, n)] {
                let e164 = normalise(&p.phone_intl, None).expect("valid phone");
                assert!(phones.insert(e164), "phone repeats at {n}");
                assert!(emails.insert(p.email.clone()), "email repeats at {n}");
            }
        }
        assert_eq!(customer(1, 5), customer(1, 5));
        assert_ne!(customer(1, 5), customer(2, 5));
    }
}
