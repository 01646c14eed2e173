//! Drawing one synthetic customer.
//!
//! Plausible, so nobody filters it out of an export by eye; unique, so a
//! sighting names one recipient; unguessable, so nobody who suspects the
//! domain can forge a sighting or enumerate the canaries:
//! - names from the census lists `bw-corpus` ships, weighted toward
//!   frequent names as real customer bases are;
//! - the email's local part is a *different* given name and surname, a
//!   separator and 2–4 digits (`dorothy_keller482`): ~36 bits drawn from the
//!   OS random source, unrelated to the canary's displayed name;
//! - phones only from ranges regulators reserve for fiction (US/CA
//!   555-0100..0199, UK Ofcom drama numbers 020 7946 0xxx, 0161 496 0xxx
//!   and 0113 496 0xxx, AU ACMA (0x) 5550 xxxx, FR ARCEP 01 99 00 xx xx), so
//!   a canary can never ring a real person; other countries get no phone.
//!   Only ranges libphonenumber's metadata holds valid: Ofcom's drama
//!   mobiles (07700 900xxx) and ARCEP's 06 39 98 are not, so neither the
//!   scanner nor the registry would read them and a sighting by phone
//!   could never happen;
//! - a street address in a large city of the country.

use serde::{Deserialize, Serialize};

use crate::crypt::random;
use crate::error::{Error, Result};

/// One canary customer in clear: only ever in memory or sealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canary {
    /// Internal id (`CNY-…`), what errors, alerts and incidents name.
    pub id: String,
    /// What goes in the export's customer-id column.
    pub customer_id: String,
    pub first: String,
    pub last: String,
    pub email: String,
    /// National format (`(212) 555-0142`); empty where the country has no
    /// fictional range.
    pub phone: String,
    /// The same number in E.164 (`+12125550142`), or empty.
    pub phone_e164: String,
    pub street: String,
    pub city: String,
    pub postcode: String,
    pub region: String,
    /// ISO 3166 alpha-2.
    pub country: String,
}

/// Where random numbers come from: the OS for real canaries, a seeded
/// generator in tests.
pub trait Source {
    fn next_u64(&mut self) -> u64;

    fn below(&mut self, n: u64) -> u64 {
        // Rejection sampling: no modulo bias in the unguessable parts.
        let n = n.max(1);
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// One element of a non-empty list, uniformly.
pub fn pick<'a, T>(src: &mut dyn Source, list: &'a [T]) -> &'a T {
    &list[src.below(list.len() as u64) as usize]
}

/// The operating system's CSPRNG, read 512 bytes at a time.
pub struct OsSource {
    buf: [u64; 64],
    at: usize,
}

impl OsSource {
    pub fn new() -> OsSource {
        OsSource {
            buf: [0; 64],
            at: 64,
        }
    }

    fn refill(&mut self) -> Result<()> {
        let bytes: [u8; 512] = random()?;
        for (i, c) in bytes.chunks_exact(8).enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.buf[i] = u64::from_le_bytes(w);
        }
        self.at = 0;
        Ok(())
    }
}

impl Default for OsSource {
    fn default() -> Self {
        OsSource::new()
    }
}

impl Source for OsSource {
    fn next_u64(&mut self) -> u64 {
        if self.at == self.buf.len() {
            // A failing OS random source is not recoverable here; the key
            // file and nonces would have failed first.
            if let Err(e) = self.refill() {
                panic!("{e}");
            }
        }
        self.at += 1;
        self.buf[self.at - 1]
    }
}

impl<F: FnMut() -> u64> Source for F {
    fn next_u64(&mut self) -> u64 {
        self()
    }
}

/// The census name lists, title-cased.
pub struct Names {
    given: Vec<String>,
    last: Vec<String>,
}

fn parse(list: &str) -> Vec<String> {
    list.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next())
        .map(|w| {
            let lower = w.to_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => lower,
            }
        })
        .collect()
}

impl Names {
    pub fn load() -> Names {
        let mut given = parse(bw_corpus::CENSUS_FEMALE_FIRST);
        given.extend(parse(bw_corpus::CENSUS_MALE_FIRST));
        Names {
            given,
            last: parse(bw_corpus::CENSUS_LAST),
        }
    }

    /// Frequent names more often (the lists are most frequent first).
    fn skewed<'a>(&'a self, src: &mut dyn Source, list: &'a [String]) -> &'a str {
        let a = src.below(list.len() as u64);
        let b = src.below(list.len() as u64);
        &list[a.min(b) as usize]
    }
}

/// Countries with fictional phone ranges and city data; others are drawn
/// as US-shaped addresses without a phone.
pub const COUNTRIES: [&str; 5] = ["US", "GB", "CA", "AU", "FR"];

struct City {
    name: &'static str,
    region: &'static str,
    /// Postcode prefix; the rest is drawn.
    post: &'static str,
    /// Area codes (NANP) or fictional prefixes used for phones here.
    area: &'static [&'static str],
}

const US_CITIES: &[City] = &[
    City {
        name: "New York",
        region: "NY",
        post: "100",
        area: &["212", "646", "718"],
    },
    City {
        name: "Los Angeles",
        region: "CA",
        post: "900",
        area: &["213", "310", "323"],
    },
    City {
        name: "Chicago",
        region: "IL",
        post: "606",
        area: &["312", "773"],
    },
    City {
        name: "Houston",
        region: "TX",
        post: "770",
        area: &["713", "281"],
    },
    City {
        name: "Seattle",
        region: "WA",
        post: "981",
        area: &["206"],
    },
    City {
        name: "Denver",
        region: "CO",
        post: "802",
        area: &["303", "720"],
    },
    City {
        name: "Boston",
        region: "MA",
        post: "021",
        area: &["617"],
    },
    City {
        name: "Atlanta",
        region: "GA",
        post: "303",
        area: &["404", "678"],
    },
];
const CA_CITIES: &[City] = &[
    City {
        name: "Toronto",
        region: "ON",
        post: "M5V",
        area: &["416", "647"],
    },
    City {
        name: "Vancouver",
        region: "BC",
        post: "V6B",
        area: &["604", "778"],
    },
    City {
        name: "Montreal",
        region: "QC",
        post: "H3B",
        area: &["514", "438"],
    },
    City {
        name: "Calgary",
        region: "AB",
        post: "T2P",
        area: &["403", "587"],
    },
];
// Ofcom's drama ranges per city: 020 7946 0000-0999, 0161 496 0000-0999,
// 0113 496 0000-0999.
const GB_CITIES: &[City] = &[
    City {
        name: "London",
        region: "",
        post: "SE1",
        area: &["20 7946 0"],
    },
    City {
        name: "Manchester",
        region: "",
        post: "M1",
        area: &["161 496 0"],
    },
    City {
        name: "Leeds",
        region: "",
        post: "LS1",
        area: &["113 496 0"],
    },
];
// ACMA's fiction numbers: (02|03|07|08) 5550 xxxx.
const AU_CITIES: &[City] = &[
    City {
        name: "Sydney",
        region: "NSW",
        post: "20",
        area: &["2"],
    },
    City {
        name: "Melbourne",
        region: "VIC",
        post: "30",
        area: &["3"],
    },
    City {
        name: "Brisbane",
        region: "QLD",
        post: "40",
        area: &["7"],
    },
    City {
        name: "Perth",
        region: "WA",
        post: "60",
        area: &["8"],
    },
];
// ARCEP reserves 01 99 00 00 00 - 01 99 00 99 99 for fiction.
const FR_CITIES: &[City] = &[
    City {
        name: "Paris",
        region: "",
        post: "750",
        area: &[],
    },
    City {
        name: "Lyon",
        region: "",
        post: "690",
        area: &[],
    },
    City {
        name: "Marseille",
        region: "",
        post: "130",
        area: &[],
    },
];

const STREET_KINDS_EN: &[&str] = &["Street", "Avenue", "Road", "Lane", "Drive", "Place"];
const STREET_KINDS_GB: &[&str] = &["Road", "Street", "Lane", "Close", "Gardens", "Way"];
const STREET_KINDS_FR: &[&str] = &["rue", "avenue", "boulevard", "allée"];
const GB_INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

fn digits(src: &mut dyn Source, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + src.below(10) as u8))
        .collect()
}

/// A phone in the fictional range of `country` near `city`: (national,
/// E.164), or `None` where the country has none.
fn phone(src: &mut dyn Source, country: &str, city: &City) -> Option<(String, String)> {
    match country {
        "US" | "CA" => {
            let area = *pick(src, city.area);
            let line = format!("01{}", digits(src, 2));
            Some((format!("({area}) 555-{line}"), format!("+1{area}555{line}")))
        }
        "GB" => {
            let prefix = *pick(src, city.area);
            let d = digits(src, 3);
            let national = format!("0{prefix}{d}");
            let e164 = format!("+44{}{d}", prefix.replace(' ', ""));
            Some((national, e164))
        }
        "AU" => {
            let a = *pick(src, city.area);
            let d = digits(src, 4);
            Some((format!("(0{a}) 5550 {d}"), format!("+61{a}5550{d}")))
        }
        "FR" => {
            let (a, b) = (digits(src, 2), digits(src, 2));
            Some((format!("01 99 00 {a} {b}"), format!("+3319900{a}{b}")))
        }
        _ => None,
    }
}

fn cities(country: &str) -> &'static [City] {
    match country {
        "GB" => GB_CITIES,
        "CA" => CA_CITIES,
        "AU" => AU_CITIES,
        "FR" => FR_CITIES,
        _ => US_CITIES,
    }
}

fn address(src: &mut dyn Source, names: &Names, country: &str, city: &City) -> (String, String) {
    let street_name = names.skewed(src, &names.last).to_string();
    let number = 1 + src.below(if country == "GB" { 240 } else { 9800 });
    let street = match country {
        "FR" => format!("{number} {} {street_name}", pick(src, STREET_KINDS_FR)),
        "GB" => format!("{number} {street_name} {}", pick(src, STREET_KINDS_GB)),
        _ => format!("{number} {street_name} {}", pick(src, STREET_KINDS_EN)),
    };
    let postcode = match country {
        "GB" => {
            let a = char::from(*pick(src, GB_INWARD));
            let b = char::from(*pick(src, GB_INWARD));
            format!("{} {}{a}{b}", city.post, src.below(10))
        }
        "CA" => format!(
            "{} {}{}{}",
            city.post,
            src.below(10),
            char::from(*pick(src, b"ABCEGHJKLMNPRSTVXY")),
            src.below(10)
        ),
        "AU" => format!("{}{}", city.post, digits(src, 2)),
        _ => format!("{}{}", city.post, digits(src, 5 - city.post.len())),
    };
    (street, postcode)
}

/// The unguessable local part: given name, separator, surname, 2–4
/// digits, each drawn independently of the displayed name.
fn local_part(src: &mut dyn Source, names: &Names) -> String {
    let a = pick(src, &names.given).to_lowercase();
    let b = pick(src, &names.last).to_lowercase();
    let sep = *pick(src, &[".", "_", ""]);
    let n = 2 + src.below(3) as usize;
    format!("{a}{sep}{b}{}", digits(src, n))
}

/// What the customer-id column of the export looks like: a sample id whose
/// letters and digits are redrawn (`C-004211` → `C-771093`), so a canary's
/// id has the export's shape without being anyone's.
pub fn id_like(src: &mut dyn Source, sample: &str) -> String {
    sample
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from(b'0' + src.below(10) as u8)
            } else if c.is_ascii_uppercase()
                && sample.chars().filter(char::is_ascii_uppercase).count() > 1
            {
                char::from(b'A' + src.below(26) as u8)
            } else if c.is_ascii_lowercase() {
                char::from(b'a' + src.below(26) as u8)
            } else {
                c
            }
        })
        .collect()
}

/// Draws one canary for `country` (ISO alpha-2) with email on `domain`.
/// Uniqueness and registry collisions are the caller's checks
/// ([`crate::db::CanaryDb::issue`]).
pub fn draw(
    src: &mut dyn Source,
    names: &Names,
    domain: &str,
    country: &str,
    id_sample: Option<&str>,
) -> Result<Canary> {
    if domain.is_empty() || domain.contains(['@', ' ', '/']) || !domain.contains('.') {
        return Err(Error::Invalid(format!("not a mail domain: {domain:?}")));
    }
    let country = country.to_ascii_uppercase();
    let city = pick(src, cities(&country));
    let first = names.skewed(src, &names.given).to_string();
    let last = names.skewed(src, &names.last).to_string();
    let email = format!("{}@{}", local_part(src, names), domain.to_ascii_lowercase());
    let (phone, phone_e164) = phone(src, &country, city).unwrap_or_default();
    let (street, postcode) = address(src, names, &country, city);
    let id_bytes: Vec<char> = (0..8)
        .map(|_| char::from(*pick(src, b"ABCDEFGHJKMNPQRSTVWXYZ23456789")))
        .collect();
    let id = format!("CNY-{}", id_bytes.iter().collect::<String>());
    let customer_id = match id_sample {
        Some(s) if !s.is_empty() => id_like(src, s),
        _ => format!("C{}", digits(src, 8)),
    };
    Ok(Canary {
        id,
        customer_id,
        first,
        last,
        email,
        phone,
        phone_e164,
        street,
        city: city.name.to_string(),
        postcode,
        region: city.region.to_string(),
        country,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bw_registry::normalize::phone;

    fn seeded(seed: u64) -> impl FnMut() -> u64 {
        let mut r = bw_testkit::SplitMix64::new(seed);
        move || r.next_u64()
    }

    #[test]
    fn phones_are_valid_numbers_in_fictional_ranges() {
        let names = Names::load();
        let mut src = seeded(1);
        for country in COUNTRIES {
            for _ in 0..50 {
                let c = draw(&mut src, &names, "canary.shop.example", country, None).expect("draw");
                assert!(!c.phone.is_empty(), "{country}");
                let e164 = phone::normalise(&c.phone, Some(country))
                    .unwrap_or_else(|e| panic!("{country} {}: {e:?}", c.phone));
                assert_eq!(e164, c.phone_e164, "{country} {}", c.phone);
                let fictional = match country {
                    "US" | "CA" => c.phone_e164[5..].starts_with("55501"),
                    "GB" => {
                        c.phone_e164.starts_with("+442079460")
                            || c.phone_e164.starts_with("+441614960")
                            || c.phone_e164.starts_with("+441134960")
                    }
                    "AU" => c.phone_e164[4..].starts_with("5550"),
                    "FR" => c.phone_e164.starts_with("+3319900"),
                    _ => false,
                };
                assert!(fictional, "{country} {}", c.phone_e164);
            }
        }
        let de = draw(&mut src, &names, "canary.shop.example", "DE", None).expect("draw");
        assert!(de.phone.is_empty());
    }

    #[test]
    fn emails_are_on_the_domain_and_not_the_displayed_name() {
        let names = Names::load();
        let mut src = seeded(2);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2000 {
            let c = draw(&mut src, &names, "Canary.Shop.Example", "US", None).expect("draw");
            assert!(c.email.ends_with("@canary.shop.example"));
            assert!(seen.insert(c.email.clone()), "duplicate {}", c.email);
            assert!(c.id.starts_with("CNY-") && c.id.len() == 12);
        }
        assert!(draw(&mut src, &names, "no domain", "US", None).is_err());
    }

    #[test]
    fn ids_take_the_shape_of_the_sample() {
        let mut src = seeded(3);
        let id = id_like(&mut src, "C-004211");
        assert_eq!(id.len(), 8);
        assert!(id.starts_with("C-") && id[2..].chars().all(|c| c.is_ascii_digit()));
    }
}
