//! Positive values of every kind (valid by construction and re-checked)
//! and the hard negatives that look like them.

use phonenumber::country::Id;
use phonenumber::Mode;

use crate::people::{Locale, NameLists, Person};
use crate::rng::Rng;
use crate::validate;

pub const SHOP_DOMAIN: &str = "northwind-outfitters.com";

pub struct Gen {
    pub rng: Rng,
    pub names: NameLists,
    /// Per region: validated numbers, each in several validated spellings.
    phones: Vec<Vec<Vec<String>>>,
}

/// National significant number prefixes per region; random digits follow
/// and the result is kept only if libphonenumber calls it valid. Fictional
/// ranges come first where they exist and are valid (US 555-01xx, Ofcom's
/// drama ranges).
#[rustfmt::skip]
const PHONE_PLANS: &[(Id, &[(&str, usize)])] = &[
    (Id::US, &[("2125550", 3), ("4155550", 3), ("6175550", 3), ("312", 7), ("503", 7), ("713", 7), ("917", 7)]),
    (Id::CA, &[("416", 7), ("604", 7), ("514", 7), ("403", 7)]),
    (Id::GB, &[("2079460", 3), ("7700900", 3), ("1614960", 3), ("1134960", 3), ("7911", 6)]),
    (Id::DE, &[("30", 8), ("89", 7), ("151", 8), ("170", 7), ("40", 8)]),
    (Id::FR, &[("1", 8), ("4", 8), ("6", 8), ("7", 8)]),
    (Id::ES, &[("6", 8), ("91", 7), ("93", 7)]),
    (Id::IT, &[("3", 9), ("06", 8), ("02", 8)]),
    (Id::NL, &[("6", 8), ("20", 7), ("10", 7)]),
    (Id::BR, &[("119", 8), ("219", 8), ("1130", 6)]),
    (Id::IN, &[("98", 8), ("99", 8), ("70", 8)]),
    (Id::JP, &[("90", 8), ("80", 8), ("3", 8)]),
];

fn phone_spellings(region: Id, num: &phonenumber::PhoneNumber, rng: &mut Rng) -> Vec<String> {
    let intl = num.format().mode(Mode::International).to_string();
    let national = num.format().mode(Mode::National).to_string();
    let e164 = num.format().mode(Mode::E164).to_string();
    let mut out = vec![intl.clone(), national.clone(), e164];
    // Separators as each country writes them, not every one everywhere.
    match region {
        Id::US | Id::CA => {
            let digits: String = national.chars().filter(char::is_ascii_digit).collect();
            if digits.len() == 10 {
                out.push(format!(
                    "{}-{}-{}",
                    &digits[..3],
                    &digits[3..6],
                    &digits[6..]
                ));
                out.push(format!(
                    "{}.{}.{}",
                    &digits[..3],
                    &digits[3..6],
                    &digits[6..]
                ));
            }
        }
        Id::FR | Id::IT => out.push(national.replace(' ', ".")),
        Id::DE => out.push(national.replacen(' ', "/", 1)),
        _ => out.push(national.replace(' ', "-")),
    }
    if rng.chance(1, 4) {
        out.push(intl.replace(' ', "-"));
    }
    out.retain(|s| {
        let parsed = if s.starts_with('+') {
            phonenumber::parse(None, s)
        } else {
            phonenumber::parse(Some(region), s)
        };
        parsed.is_ok_and(|n| phonenumber::is_valid(&n))
    });
    out
}

fn build_phone_pool(rng: &mut Rng, per_region: usize) -> Vec<Vec<Vec<String>>> {
    PHONE_PLANS
        .iter()
        .map(|(region, plans)| {
            let mut pool = Vec::with_capacity(per_region);
            let mut attempts = 0;
            while pool.len() < per_region && attempts < per_region * 50 {
                attempts += 1;
                let (prefix, rest) = rng.pick(plans);
                let nsn = format!("{prefix}{}", rng.digits(*rest));
                let Ok(num) = phonenumber::parse(Some(*region), &nsn) else {
                    continue;
                };
                if !phonenumber::is_valid(&num) {
                    continue;
                }
                let spellings = phone_spellings(*region, &num, rng);
                if !spellings.is_empty() {
                    pool.push(spellings);
                }
            }
            pool
        })
        .collect()
}

const FREEMAIL: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.co.uk",
    "btinternet.co.uk",
    "web.de",
    "gmx.de",
    "t-online.de",
    "orange.fr",
    "free.fr",
    "laposte.fr",
    "libero.it",
    "ziggo.nl",
    "uol.com.br",
    "yahoo.co.in",
    "yahoo.co.jp",
    "proton.me",
    "telefonica.es",
];
const WORDS: &[&str] = &[
    "lumen",
    "harbor",
    "oakridge",
    "bluefin",
    "copperleaf",
    "nordlicht",
    "atelier",
    "stackyard",
    "quillon",
    "meridian",
    "brightwell",
    "foxglove",
];
const OWN_TLDS: &[&str] = &[
    "com", "de", "co.uk", "fr", "io", "shop", "net", "nl", "es", "it",
];
pub const ROLES: &[&str] = &[
    "support",
    "noreply",
    "no-reply",
    "orders",
    "info",
    "abuse",
    "postmaster",
    "billing",
    "returns",
    "help",
    "sales",
    "privacy",
    "webmaster",
    "hostmaster",
];

impl Gen {
    pub fn new(seed: u64) -> Gen {
        let mut rng = Rng::new(seed);
        let mut pool_rng = rng.fork();
        Gen {
            phones: build_phone_pool(&mut pool_rng, 200),
            rng,
            names: NameLists::load(),
        }
    }

    pub fn person(&mut self) -> Person {
        Person::new(&mut self.rng, &self.names)
    }

    pub fn email_for(&mut self, p: &Person) -> String {
        let r = &mut self.rng;
        let (g, f) = (&p.ascii_given, &p.ascii_family);
        let m = p.middle.to_ascii_lowercase();
        let first_initial = g.chars().next().unwrap_or('x');
        let local = match r.below(12) {
            0 => format!("{g}.{f}"),
            1 => format!("{g}_{f}"),
            2 => format!("{first_initial}{f}"),
            3 => format!("{g}.{f}+{}", r.pick(&["shop", "orders", "nw", "promo"])),
            4 => format!("{g}.{m}.{f}"),
            5 => format!("{g}-{f}"),
            6 => format!("{g}{f}{}", r.range(10, 99)),
            7 => format!("{g}{}", r.range(1950, 2005)),
            8 => format!("{f}.{g}"),
            9 => format!("{first_initial}{m}{f}{}", r.range(1, 999)),
            10 => {
                let mut s = format!("{g}.{f}");
                if let Some(c) = s.get_mut(0..1) {
                    c.make_ascii_uppercase();
                }
                s
            }
            _ => format!("{g}{f}"),
        };
        let domain = match r.below(10) {
            0..=5 => r.pick(FREEMAIL).to_string(),
            6 => format!("{}.{}", r.pick(WORDS), r.pick(OWN_TLDS)),
            7 => format!("mail.{}.{}", r.pick(WORDS), r.pick(OWN_TLDS)),
            8 => format!("{f}-family.{}", r.pick(&["de", "fr", "nl", "com"])),
            _ => format!("{}.{}", r.pick(WORDS), r.pick(&["io", "shop", "co.uk"])),
        };
        format!("{local}@{domain}")
    }

    pub fn role_email(&mut self) -> String {
        let role = self.rng.pick(ROLES);
        match self.rng.below(3) {
            0 => format!("{role}@{SHOP_DOMAIN}"),
            1 => format!("{role}@mail.{SHOP_DOMAIN}"),
            _ => format!(
                "{role}@{}.{}",
                self.rng.pick(WORDS),
                self.rng.pick(OWN_TLDS)
            ),
        }
    }

    /// A validated phone number from the pool, in one of its spellings.
    pub fn phone(&mut self) -> String {
        let region = self.rng.usize(self.phones.len());
        let pool = &self.phones[region];
        if pool.is_empty() {
            // The pool build validates, so an empty pool is a plan bug;
            // fall back to a number known to be valid.
            return "+44 20 7946 0958".into();
        }
        let spellings = &pool[self.rng.usize(pool.len())];
        spellings[self.rng.usize(spellings.len())].clone()
    }

    /// Card digits (Luhn-valid, real IIN range), contiguous.
    pub fn card_digits(&mut self) -> String {
        let r = &mut self.rng;
        let (prefix, len) = match r.below(9) {
            0 | 1 => ("4".to_string(), 16),
            2 => (r.range(51, 55).to_string(), 16),
            3 => (r.range(2221, 2720).to_string(), 16),
            4 => (r.pick(&["34", "37"]).to_string(), 15),
            5 => (r.pick(&["6011", "65"]).to_string(), 16),
            6 => (r.range(644, 649).to_string(), 16),
            7 => (r.range(3528, 3589).to_string(), 16),
            _ => {
                if r.chance(1, 2) {
                    ("36".to_string(), 14)
                } else {
                    (r.range(300, 305).to_string(), 14)
                }
            }
        };
        let body = format!("{prefix}{}", r.digits(len - 1 - prefix.len()));
        let check = validate::luhn_check_digit(&body);
        format!("{body}{check}")
    }

    /// Card in a common spelling: contiguous, or grouped by the network's
    /// print layout with spaces or dashes.
    pub fn card(&mut self) -> String {
        let d = self.card_digits();
        let sep = *self.rng.pick(&["", " ", " ", "-"]);
        if sep.is_empty() {
            return d;
        }
        let groups: &[usize] = match d.len() {
            15 => &[4, 6, 5],
            14 => &[4, 6, 4],
            _ => &[4, 4, 4, 4],
        };
        let mut out = String::new();
        let mut i = 0;
        for (n, g) in groups.iter().enumerate() {
            if n > 0 {
                out.push_str(sep);
            }
            out.push_str(&d[i..i + g]);
            i += g;
        }
        out
    }

    /// 16 digits starting like a Visa/Mastercard that fail Luhn.
    pub fn luhn_invalid_16(&mut self) -> String {
        let body = format!("{}{}", self.rng.pick(&["4", "5"]), self.rng.digits(14));
        let check = (validate::luhn_check_digit(&body) + 1 + self.rng.below(8) as u8) % 10;
        format!("{body}{check}")
    }

    pub fn masked_card(&mut self) -> String {
        let last4 = self.rng.digits(4);
        match self.rng.below(3) {
            0 => format!("**** **** **** {last4}"),
            1 => format!("XXXX-XXXX-XXXX-{last4}"),
            _ => format!("************{last4}"),
        }
    }

    /// (area, group, serial) valid under SSA rules.
    fn ssn_parts(&mut self, area_lo: u64, area_hi: u64) -> (u64, u64, u64) {
        let mut area = self.rng.range(area_lo, area_hi);
        if area == 666 {
            area = 665;
        }
        (area, self.rng.range(1, 99), self.rng.range(1, 9999))
    }

    pub fn ssn_dashed(&mut self) -> String {
        let (a, g, s) = self.ssn_parts(1, 899);
        format!("{a:03}-{g:02}-{s:04}")
    }

    pub fn ssn_undashed(&mut self) -> String {
        let (a, g, s) = self.ssn_parts(1, 899);
        format!("{a:03}{g:02}{s:04}")
    }

    /// A nine-digit number that must not be read as an SSN without context.
    /// Areas 100–599 also keep it from being a valid Spanish or Italian
    /// national phone number, so it is a negative for every kind.
    pub fn bare_nine_digits(&mut self) -> String {
        let (a, g, s) = self.ssn_parts(100, 599);
        format!("{a:03}{g:02}{s:04}")
    }

    /// SSN-shaped but invalid, and (checked) not a valid phone number
    /// either, so it is a negative for every kind.
    pub fn invalid_ssn(&mut self) -> String {
        loop {
            let s = self.invalid_ssn_candidate();
            if !validate::phone_ok(&s) {
                return s;
            }
        }
    }

    fn invalid_ssn_candidate(&mut self) -> String {
        let (a, g, s) = self.ssn_parts(1, 899);
        match self.rng.below(5) {
            0 => format!("000-{g:02}-{s:04}"),
            1 => format!("666-{g:02}-{s:04}"),
            2 => format!("{}-{g:02}-{s:04}", self.rng.range(900, 999)),
            3 => format!("{a:03}-00-{s:04}"),
            _ => format!("{a:03}-{g:02}-0000"),
        }
    }

    fn iban_compact(&mut self) -> String {
        let r = &mut self.rng;
        let (cc, bban) = match r.below(9) {
            0 | 1 => ("DE", r.digits(18)),
            2 => (
                "GB",
                format!(
                    "{}{}",
                    r.pick(&["NWBK", "BARC", "LOYD", "MIDL"]),
                    r.digits(14)
                ),
            ),
            3 => (
                "FR",
                format!("{}{}{}", r.digits(10), r.alnum_upper(11), r.digits(2)),
            ),
            4 => ("ES", r.digits(20)),
            5 => (
                "IT",
                format!(
                    "{}{}{}",
                    char::from(b'A' + r.below(26) as u8),
                    r.digits(10),
                    r.alnum_upper(12)
                ),
            ),
            6 => (
                "NL",
                format!(
                    "{}{}",
                    r.pick(&["ABNA", "INGB", "RABO", "TRIO"]),
                    r.digits(10)
                ),
            ),
            7 => ("BE", r.digits(12)),
            _ => ("AT", r.digits(16)),
        };
        let rem = validate::mod97(&format!("{bban}{cc}00")).unwrap_or(0);
        format!("{cc}{:02}{bban}", 98 - rem)
    }

    fn group4(s: &str) -> String {
        let b = s.as_bytes();
        b.chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn iban(&mut self) -> String {
        let c = self.iban_compact();
        if self.rng.chance(1, 2) {
            Gen::group4(&c)
        } else {
            c
        }
    }

    /// IBAN-shaped, right length, wrong check digits.
    pub fn iban_bad_checksum(&mut self) -> String {
        let c = self.iban_compact();
        let good: u64 = c[2..4].parse().unwrap_or(2);
        let bad = (good + 1 + self.rng.below(90)) % 97;
        let bad = if bad < 2 { bad + 2 } else { bad };
        let s = format!("{}{bad:02}{}", &c[..2], &c[4..]);
        if validate::iban_ok(&s) {
            // The perturbed digits happened to be valid again; spoil the BBAN.
            return format!("{}{:02}{}0", &c[..2], bad, &c[4..c.len() - 1]);
        }
        if self.rng.chance(1, 2) {
            Gen::group4(&s)
        } else {
            s
        }
    }

    pub fn ipv4_public(&mut self) -> String {
        let r = &mut self.rng;
        match r.below(5) {
            0 => format!("192.0.2.{}", r.range(1, 254)),
            1 => format!("198.51.100.{}", r.range(1, 254)),
            2 => format!("203.0.113.{}", r.range(1, 254)),
            _ => {
                let first = r.pick(&[
                    23u64, 31, 37, 46, 62, 77, 81, 86, 89, 91, 109, 151, 176, 185, 188, 212, 217,
                ]);
                format!(
                    "{first}.{}.{}.{}",
                    r.range(0, 255),
                    r.range(0, 255),
                    r.range(1, 254)
                )
            }
        }
    }

    fn h16(&mut self) -> String {
        format!("{:x}", self.rng.range(1, 0xffff))
    }

    pub fn ipv6_public(&mut self) -> String {
        match self.rng.below(4) {
            0 => format!("2001:db8::{}", self.h16()),
            1 => format!("2001:db8:{}:{}::{}", self.h16(), self.h16(), self.h16()),
            2 => {
                let head = *self
                    .rng
                    .pick(&["2a02", "2a01", "2600", "2607", "2a00", "2c0f"]);
                let rest: Vec<String> = (0..7).map(|_| self.h16()).collect();
                format!("{head}:{}", rest.join(":"))
            }
            _ => format!(
                "2001:0db8:{:04x}:0000:0000:{:04x}:{:04x}:{:04x}",
                self.rng.below(0x10000),
                self.rng.range(1, 0xffff),
                self.rng.below(0x10000),
                self.rng.range(1, 0xffff)
            ),
        }
    }

    pub fn ip_public(&mut self) -> String {
        if self.rng.chance(1, 4) {
            self.ipv6_public()
        } else {
            self.ipv4_public()
        }
    }

    pub fn ip_private(&mut self) -> String {
        let r = &mut self.rng;
        match r.below(7) {
            0 => format!(
                "10.{}.{}.{}",
                r.range(0, 255),
                r.range(0, 255),
                r.range(1, 254)
            ),
            1 => format!("192.168.{}.{}", r.range(0, 255), r.range(1, 254)),
            2 => format!(
                "172.{}.{}.{}",
                r.range(16, 31),
                r.range(0, 255),
                r.range(1, 254)
            ),
            3 => "127.0.0.1".into(),
            4 => "::1".into(),
            5 => format!("fe80::{:x}:{:x}", r.range(1, 0xffff), r.range(1, 0xffff)),
            _ => format!("169.254.{}.{}", r.range(0, 255), r.range(1, 254)),
        }
    }

    pub fn version4(&mut self) -> String {
        let r = &mut self.rng;
        format!(
            "{}.{}.{}.{}",
            r.range(1, 130),
            r.range(0, 20),
            r.range(0, 9999),
            r.range(0, 300)
        )
    }

    pub fn user_agent(&mut self) -> String {
        let r = &mut self.rng;
        let chrome = r.range(100, 131);
        match r.below(4) {
            0 => format!("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Safari/537.36"),
            1 => format!("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{}.1 Safari/605.1.15", r.range(0, 5)),
            2 => format!("Mozilla/5.0 (X11; Linux x86_64; rv:{0}.0) Gecko/20100101 Firefox/{0}.0", r.range(110, 130)),
            _ => format!("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}.0.{}.{} Mobile Safari/537.36", r.range(1000, 6999), r.range(10, 250)),
        }
    }

    pub fn uuid(&mut self) -> String {
        let r = &mut self.rng;
        format!(
            "{}-{}-4{}-{}{}-{}",
            r.hex(8),
            r.hex(4),
            r.hex(3),
            r.pick(&["8", "9", "a", "b"]),
            r.hex(3),
            r.hex(12)
        )
    }

    pub fn sha(&mut self) -> String {
        let n = *self.rng.pick(&[32usize, 40, 64]);
        self.rng.hex(n)
    }

    pub fn sku(&mut self) -> String {
        let r = &mut self.rng;
        format!(
            "NW-{}-{:04}-{}",
            r.pick(&["JKT", "TSH", "SHO", "BAG", "HAT", "DRS"]),
            r.range(1, 9999),
            r.pick(&["BLK", "NVY", "RED", "GRN", "S", "M", "L", "XL"])
        )
    }

    /// Starts with 1, so it is never a valid NANP number either.
    pub fn order_no(&mut self) -> String {
        format!("100{}", self.rng.digits(7))
    }

    pub fn tracking(&mut self) -> String {
        let r = &mut self.rng;
        match r.below(3) {
            0 => format!("1Z{}{}", r.alnum_upper(6), r.digits(10)),
            1 => format!("9400{}", r.digits(18)),
            _ => format!("JD{}", r.digits(18)),
        }
    }

    pub fn price(&mut self) -> String {
        let r = &mut self.rng;
        match r.below(3) {
            0 => format!("${}.{:02}", r.range(5, 499), r.below(100)),
            1 => format!("€{},{:02}", r.range(5, 499), r.below(100)),
            _ => format!("${},{:03}.00", r.range(1, 9), r.below(1000)),
        }
    }

    pub fn timestamp(&mut self) -> String {
        let r = &mut self.rng;
        format!(
            "2024-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            r.range(1, 12),
            r.range(1, 28),
            r.below(24),
            r.below(60),
            r.below(60),
            r.below(1000)
        )
    }

    pub fn recent_date(&mut self) -> String {
        let r = &mut self.rng;
        format!("2024-{:02}-{:02}", r.range(1, 12), r.range(1, 28))
    }

    pub fn zip4(&mut self) -> String {
        format!("{}-{}", self.rng.digits(5), self.rng.digits(4))
    }

    /// A birth date in one of the common spellings.
    pub fn dob(&mut self) -> String {
        let r = &mut self.rng;
        let (y, m, d) = (r.range(1940, 2005), r.range(1, 12), r.range(1, 28));
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let month = MONTHS[(m - 1) as usize];
        match r.below(6) {
            0 | 1 => format!("{y}-{m:02}-{d:02}"),
            2 => format!("{m:02}/{d:02}/{y}"),
            3 => format!("{d:02}.{m:02}.{y}"),
            4 => format!("{month} {d}, {y}"),
            _ => format!("{d} {month} {y}"),
        }
    }

    /// A postal address line (single line) for the person's country.
    pub fn address(&mut self, p: &Person) -> Vec<String> {
        let r = &mut self.rng;
        let n = r.range(1, 2999);
        match p.locale {
            Locale::De | Locale::Nl => {
                let street = r.pick(&[
                    "Hauptstraße",
                    "Bahnhofstraße",
                    "Schillerstraße",
                    "Gartenweg",
                    "Lindenallee",
                    "Goethestraße",
                ]);
                let city = r.pick(&["Berlin", "Hamburg", "München", "Köln", "Leipzig", "Dresden"]);
                vec![
                    format!("{street} {}", r.range(1, 180)),
                    format!("{} {city}", r.range(10115, 99998)),
                ]
            }
            Locale::Fr => {
                let street = r.pick(&[
                    "rue de la Paix",
                    "avenue des Lilas",
                    "boulevard Haussmann",
                    "rue du Moulin",
                    "place de la Mairie",
                ]);
                let city = r.pick(&["Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille"]);
                vec![
                    format!("{} {street}", r.range(1, 180)),
                    format!("{:05} {city}", r.range(10000, 95999)),
                ]
            }
            Locale::Ie => {
                let street = r.pick(&[
                    "Baker Street",
                    "Church Road",
                    "Mill Lane",
                    "Station Road",
                    "Queens Close",
                ]);
                let (town, area) = r.pick(&[
                    ("London", "SW1A"),
                    ("Manchester", "M1"),
                    ("Leeds", "LS2"),
                    ("Bristol", "BS1"),
                    ("York", "YO1"),
                ]);
                let pc = format!(
                    "{area} {}{}{}",
                    r.range(1, 9),
                    char::from(b'A' + r.below(26) as u8),
                    char::from(b'A' + r.below(26) as u8)
                );
                vec![
                    format!("{} {street}", r.range(1, 250)),
                    format!("{town} {pc}"),
                ]
            }
            _ => {
                let street = r.pick(&[
                    "Maple",
                    "Oak",
                    "Cedar",
                    "Elm",
                    "Lakeview",
                    "Hillcrest",
                    "Pine",
                    "Sunset",
                    "Highland",
                    "Ridge",
                ]);
                let ty = r.pick(&[
                    "St", "Street", "Ave", "Avenue", "Rd", "Blvd", "Lane", "Dr", "Court",
                ]);
                let (city, st, zip) = r.pick(&[
                    ("Springfield", "IL", 62704u64),
                    ("Portland", "OR", 97205),
                    ("Austin", "TX", 78701),
                    ("Columbus", "OH", 43215),
                    ("Madison", "WI", 53703),
                    ("Denver", "CO", 80202),
                    ("Raleigh", "NC", 27601),
                ]);
                let mut line1 = format!("{n} {street} {ty}");
                if r.chance(1, 4) {
                    line1.push_str(&format!(", Apt {}", r.range(1, 40)));
                }
                vec![line1, format!("{city}, {st} {}", zip + r.below(20))]
            }
        }
    }

    pub fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        let s: &&'static str = self.rng.pick(items);
        s
    }
}

pub const BRANDS: &[&str] = &[
    "Calvin Klein",
    "Ralph Lauren",
    "Tommy Hilfiger",
    "Hugo Boss",
    "Jack Daniels",
    "Ben Sherman",
    "Ted Baker",
    "Vera Wang",
];
pub const PRODUCTS: &[&str] = &[
    "Echo Dot",
    "Apple Watch",
    "Kindle Paperwhite",
    "Galaxy Buds",
    "Fire Stick",
    "Instant Pot",
];
pub const PLACES: &[&str] = &[
    "New York",
    "San Francisco",
    "Los Angeles",
    "Saint Louis",
    "Santa Monica",
    "Fort Worth",
    "Cape Town",
];
