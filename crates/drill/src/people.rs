//! The synthetic retailer's customers: names from the 1990 US census lists
//! that `bw-corpus` ships for its generator (public domain; see
//! `crates/corpus/data/PROVENANCE.md`), places across the US, the EU, the
//! UK, Canada, Australia, Japan and Brazil, and phone numbers in ranges
//! their numbering plans hand out.
//!
//! Every customer is a function of `(seed, n)`, so a scenario can rebuild
//! any one of them without holding the whole base in memory.

use bw_scope::synth::Rng;

// The generator may use the corpus's census lists; detectors never may
// (PROVENANCE.md). Taken from bw-corpus so there is one source of them.
const FEMALE: &str = bw_corpus::CENSUS_FEMALE_FIRST;
const MALE: &str = bw_corpus::CENSUS_MALE_FIRST;
const LAST: &str = bw_corpus::CENSUS_LAST;

/// The customer CSV header, as `breachwatch registry import` reads it.
pub const CSV_HEADER: &str = "customer_id,email,first_name,last_name,phone,country,region";

/// Where customers live: (country, region, weight in percent). Regions are
/// ISO 3166-2 subdivisions without the country prefix.
const PLACES: &[(&str, &str, u32)] = &[
    ("US", "CA", 9),
    ("US", "NY", 6),
    ("US", "TX", 6),
    ("US", "FL", 4),
    ("US", "WA", 3),
    ("US", "IL", 3),
    ("US", "MA", 3),
    ("US", "CO", 2),
    ("US", "GA", 2),
    ("US", "NJ", 2),
    ("US", "OR", 2),
    ("FR", "", 5),
    ("DE", "", 5),
    ("IT", "", 3),
    ("ES", "", 3),
    ("NL", "", 2),
    ("IE", "", 2),
    ("GB", "", 12),
    ("CA", "ON", 4),
    ("CA", "QC", 3),
    ("CA", "BC", 2),
    ("CA", "AB", 1),
    ("AU", "NSW", 4),
    ("AU", "VIC", 3),
    ("JP", "", 5),
    ("BR", "", 4),
];

/// North American area codes per region.
fn area_codes(country: &str, region: &str) -> &'static [u32] {
    match (country, region) {
        ("US", "CA") => &[415, 510, 213, 619],
        ("US", "NY") => &[212, 718, 917],
        ("US", "TX") => &[512, 713, 214],
        ("US", "FL") => &[305, 407],
        ("US", "WA") => &[206, 425],
        ("US", "IL") => &[312, 773],
        ("US", "MA") => &[617, 508],
        ("US", "CO") => &[303, 720],
        ("US", "GA") => &[404, 678],
        ("US", "NJ") => &[201, 973],
        ("US", _) => &[503, 971],
        (_, "QC") => &[514, 418],
        (_, "BC") => &[604, 250],
        (_, "AB") => &[403, 780],
        _ => &[416, 613],
    }
}

const DOMAINS: &[&str] = &[
    "example.com",
    "example.net",
    "example.org",
    "mail.example.com",
];

/// One customer of the synthetic retailer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    pub id: String,
    pub first: String,
    pub last: String,
    pub email: String,
    /// International format (`+1 415-200-0001`), as CRMs export it.
    pub phone: String,
    pub country: String,
    /// Empty where the country has no region that matters here.
    pub region: String,
}

impl Customer {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    /// One registry CSV row (no newline).
    pub fn csv_row(&self) -> String {
        format!(
            "{},{},{},{},{},{},{}",
            self.id, self.email, self.first, self.last, self.phone, self.country, self.region
        )
    }
}

/// The census name lists, parsed once per scenario.
pub struct Names {
    given: Vec<String>,
    family: Vec<String>,
}

impl Names {
    pub fn load() -> Names {
        let parse = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_whitespace().next())
                .map(title_case)
                .collect()
        };
        let mut given = parse(FEMALE);
        given.extend(parse(MALE));
        Names {
            given,
            family: parse(LAST),
        }
    }

    /// Customer `n` of the base generated with `seed`.
    pub fn customer(&self, seed: u64, n: u64) -> Customer {
        self.person(seed, n, false)
    }

    /// A guest (not a customer) `n`: same shapes, an email no customer has.
    pub fn guest(&self, seed: u64, n: u64) -> Customer {
        self.person(seed ^ 0x6a09_e667_f3bc_c908, n, true)
    }

    fn person(&self, seed: u64, n: u64, guest: bool) -> Customer {
        let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ n);
        let first = pick(&mut rng, &self.given).to_string();
        let last = pick(&mut rng, &self.family).to_string();
        let (country, region) = place(&mut rng);
        let domain = DOMAINS[rng.below(DOMAINS.len() as u64) as usize];
        let tag = if guest { "guest" } else { "" };
        let email = format!(
            "{}.{}{tag}{n}@{domain}",
            first.to_ascii_lowercase(),
            last.to_ascii_lowercase()
        );
        Customer {
            id: format!("{}{n:08}", if guest { "G" } else { "C" }),
            phone: phone(country, region, n, guest),
            first,
            last,
            email,
            country: country.to_string(),
            region: region.to_string(),
        }
    }
}

fn pick<'a>(rng: &mut Rng, items: &'a [String]) -> &'a str {
    items
        .get(rng.below(items.len() as u64) as usize)
        .map_or("Lee", String::as_str)
}

fn place(rng: &mut Rng) -> (&'static str, &'static str) {
    let total: u32 = PLACES.iter().map(|p| p.2).sum();
    let mut x = rng.below(u64::from(total)) as u32;
    for &(c, r, w) in PLACES {
        if x < w {
            return (c, r);
        }
        x -= w;
    }
    ("US", "CA")
}

/// `MCDONALD` → `Mcdonald`: census lists are upper case.
fn title_case(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => lower,
    }
}

/// A number valid in `country`'s plan, unique per `n` (below 4·10^6 in
/// North America, 10^7 elsewhere) among
/// customers and among guests, never shared between the two (guests get
/// other ranges).
fn phone(country: &str, region: &str, n: u64, guest: bool) -> String {
    let d = n % 10_000_000;
    let r7 = format!("{d:07}");
    let (a, b) = r7.split_at(3);
    match country {
        "US" | "CA" => {
            let areas = area_codes(country, region);
            let area = areas[(d % areas.len() as u64) as usize];
            // Customers take line numbers 0000-4999, guests 5000-9999.
            let exchange = 200 + (d / 5_000) % 800;
            let line = d % 5_000 + if guest { 5_000 } else { 0 };
            format!("+1 {area}-{exchange:03}-{line:04}")
        }
        "GB" => format!(
            "+44 {}{} {}",
            if guest { "781" } else { "792" },
            &r7[..1],
            &r7[1..]
        ),
        "FR" => {
            let lead = if guest { "7 5" } else { "6 1" };
            format!(
                "+33 {lead}{} {} {} {}",
                &r7[..1],
                &r7[1..3],
                &r7[3..5],
                &r7[5..]
            )
        }
        "DE" => format!("+49 {} 1{r7}", if guest { "160" } else { "151" }),
        "IT" => format!("+39 {} {a} {b}", if guest { "348" } else { "347" }),
        "ES" => format!("+34 6{} {a} {b}", if guest { "2" } else { "1" }),
        "NL" => format!("+31 6 {}{r7}", if guest { "2" } else { "1" }),
        "IE" => format!("+353 {} {a} {b}", if guest { "86" } else { "87" }),
        "AU" => format!("+61 4{} {a} {b}", if guest { "2" } else { "1" }),
        "JP" => format!("+81 {} {}{} {}", if guest { "80" } else { "90" }, 1, a, b),
        _ => format!("+55 11 9{}{a} {b}", if guest { "7" } else { "6" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bw_registry::normalize::phone::normalise;
    use std::collections::{BTreeSet, HashSet};

    #[test]
    fn phones_are_valid_and_unique_across_customers_and_guests() {
        let names = Names::load();
        let mut seen = HashSet::new();
        let mut countries = BTreeSet::new();
        for n in (0..3000).chain([9_999_999, 1_234_567, 100_000]) {
            for p in [names.customer(7, n), names.guest(7, n)] {
                let e164 = normalise(&p.phone, None);
                assert!(e164.is_ok(), "{} {}: {e164:?}", p.country, p.phone);
                assert!(seen.insert(format!("{e164:?}")), "{} repeats", p.phone);
                countries.insert(p.country.clone());
            }
        }
        let want: BTreeSet<String> = PLACES.iter().map(|p| p.0.to_string()).collect();
        assert_eq!(countries, want, "every place is drawn");
    }

    #[test]
    fn customers_are_reproducible_and_named_from_the_lists() {
        let names = Names::load();
        assert_eq!(names.customer(1, 42), names.customer(1, 42));
        assert_ne!(names.customer(1, 42), names.customer(2, 42));
        let c = names.customer(1, 42);
        assert!(c.first.chars().next().is_some_and(char::is_uppercase));
        assert!(c
            .email
            .ends_with(&format!("42@{}", c.email.split('@').nth(1).unwrap_or(""))));
        assert_ne!(names.guest(1, 42).email, c.email);
        assert!(names.given.len() >= 1000 && names.family.len() >= 1000);
    }
}
