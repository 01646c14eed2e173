//! Synthetic customers for the registry tests and the benchmark example:
//! a seeded generator, no word lists. Names are built from syllables, so
//! they are long enough (≥ 6 letters) that finding one by chance in random
//! fingerprint bytes is impossible in practice.
#![allow(dead_code)]

use std::fmt::Write;

pub use bw_testkit::SplitMix64;

const ONSETS: &[&str] = &[
    "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr", "ch",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ou", "ai"];
const ACCENTED: &[&str] = &["é", "è", "ü", "ö", "å"];

/// A capitalised made-up word of 3 syllables; `accent` puts a diacritic in.
pub fn word(rng: &mut SplitMix64, accent: bool) -> String {
    let mut s = String::new();
    for i in 0..3 {
        s.push_str(ONSETS[rng.below(ONSETS.len() as u64) as usize]);
        if accent && i == 1 {
            s.push_str(ACCENTED[rng.below(ACCENTED.len() as u64) as usize]);
        } else {
            s.push_str(VOWELS[rng.below(VOWELS.len() as u64) as usize]);
        }
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

#[derive(Clone, Debug)]
pub struct Customer {
    pub id: String,
    pub email: String,
    pub first: String,
    pub last: String,
    /// National format for the customer's country.
    pub phone: String,
    /// What the phone must normalise to.
    pub e164: String,
    pub country: String,
    pub region: String,
}

const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "gmail.com",
    "mail.example.net",
];

/// Customer number `n` (ids and emails are unique per `n`).
pub fn customer(rng: &mut SplitMix64, n: u64) -> Customer {
    let accent_first = rng.below(4) == 0;
    let first = word(rng, accent_first);
    let accent_last = rng.below(6) == 0;
    let last = word(rng, accent_last);
    let domain = DOMAINS[rng.below(DOMAINS.len() as u64) as usize];
    let local = format!("{}.{}{}", ascii(&first), ascii(&last), n);
    let email = if rng.below(3) == 0 {
        format!("{local}@{}", domain.to_uppercase())
    } else {
        format!("{local}@{domain}")
    };
    let (country, region, phone, e164) = match rng.below(3) {
        0 => {
            // 061… is an assigned French mobile range.
            let d = 1_000_000 + n % 9_000_000;
            let s = format!("61{d:07}");
            let phone = format!(
                "0{} {} {} {} {}",
                &s[0..1],
                &s[1..3],
                &s[3..5],
                &s[5..7],
                &s[7..9]
            );
            ("FR", "IDF", phone, format!("+33{s}"))
        }
        1 => {
            let d = 10_000_000 + n % 90_000_000;
            ("DE", "BE", format!("030 {d:08}"), format!("+4930{d:08}"))
        }
        _ => {
            let area = ["212", "415", "617"][rng.below(3) as usize];
            let exch = 200 + rng.below(700);
            let exch = if exch == 555 { 556 } else { exch };
            let line = n % 10_000;
            let region = ["NY", "CA", "MA"][rng.below(3) as usize];
            (
                "US",
                region,
                format!("({area}) {exch}-{line:04}"),
                format!("+1{area}{exch}{line:04}"),
            )
        }
    };
    Customer {
        id: format!("C{n:07}"),
        email,
        first,
        last,
        phone,
        e164,
        country: country.into(),
        region: region.into(),
    }
}

/// Emails are ASCII: strip accents the simple way for the local part.
fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'é' | 'è' => 'e',
            'ü' => 'u',
            'ö' => 'o',
            'å' => 'a',
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
}

pub fn customers(seed: u64, range: std::ops::Range<u64>) -> Vec<Customer> {
    let mut rng = SplitMix64::new(seed);
    range.map(|n| customer(&mut rng, n)).collect()
}

pub const HEADER: &str = "customer_id,email,first_name,last_name,phone,country,region";

pub fn row(c: &Customer) -> String {
    format!(
        "{},{},{},{},{},{},{}",
        c.id, c.email, c.first, c.last, c.phone, c.country, c.region
    )
}

pub fn csv(cs: &[Customer]) -> String {
    let mut s = String::with_capacity(cs.len() * 100);
    s.push_str(HEADER);
    s.push('\n');
    for c in cs {
        let _ = writeln!(s, "{}", row(c));
    }
    s
}
