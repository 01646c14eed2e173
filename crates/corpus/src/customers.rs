//! The generator's customers as plain records, for corpora that real
//! tools write (`scripts/realtools.py`: database dumps, Python's `csv` and
//! `email`). Each cell carries the kind a person reading it would call it,
//! or none; the tool is handed the values and the labels are those values
//! found back in what it wrote, so nothing here knows a file format.
//!
//! Values come from the same `Gen` as the generated corpus (names,
//! phones in every spelling, checksum-valid cards and IBANs, hashes,
//! licences, passports) with the hard negatives a customers table holds:
//! masked cards, private addresses in the last-login column, loyalty and
//! order numbers shaped like SSNs or phones.

use serde::Serialize;

use crate::kind::Kind::{self, *};
use crate::values::Gen;

/// One cell: column, value (`None` is SQL `NULL`), and its kind when the
/// value is personal data.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Cell {
    pub column: &'static str,
    pub value: Option<String>,
    pub kind: Option<&'static str>,
}

/// One customer: the table row, then what a support mail about them says
/// besides (full name as written, order and tracking numbers).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Customer {
    pub id: u64,
    pub cells: Vec<Cell>,
    pub full_name: String,
    pub order_no: String,
    pub tracking: String,
    pub sku: String,
}

/// The row's columns in table order (every customer has each, in this
/// order).
pub const COLUMNS: &[&str] = &[
    "id",
    "loyalty_no",
    "first_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "address",
    "country",
    "ssn",
    "card_number",
    "card_cvv",
    "iban",
    "last_login_ip",
    "username",
    "password_hash",
    "passport_no",
    "drivers_license",
    "created_at",
    "last_order_no",
    "notes",
];

fn cell(column: &'static str, value: impl Into<String>, kind: Option<Kind>) -> Cell {
    Cell {
        column,
        value: Some(value.into()),
        kind: kind.map(|k| k.as_str()),
    }
}

fn null(column: &'static str) -> Cell {
    Cell {
        column,
        value: None,
        kind: None,
    }
}

fn country(p: &crate::people::Person) -> &'static str {
    use crate::people::Locale;
    match p.locale {
        Locale::Us => "US",
        Locale::Fr => "FR",
        Locale::De => "DE",
        Locale::Nl => "NL",
        Locale::Ie => "GB",
        Locale::Es => "ES",
        Locale::It => "IT",
        Locale::Jp => "JP",
    }
}

/// `count` customers for `seed`: same seed, same customers (a stream of
/// its own, so it shares no draws with the generated corpus of that seed).
pub fn customers(seed: u64, count: usize) -> Vec<Customer> {
    // A distinct stream: the same seed's generated corpus and these
    // customers are not the same people.
    let mut g = Gen::new(seed ^ 0x5245_414c_544f_4f4c);
    (1..=count as u64).map(|id| customer(&mut g, id)).collect()
}

fn customer(g: &mut Gen, id: u64) -> Customer {
    let p = g.person();
    let mut cells = vec![cell("id", id.to_string(), None)];
    // Nine digits a lazy SSN rule would take: only the column says no.
    cells.push(cell("loyalty_no", g.bare_nine_digits(), None));
    cells.push(cell("first_name", p.given.clone(), Some(PersonName)));
    cells.push(cell("last_name", p.family.clone(), Some(PersonName)));
    cells.push(cell("email", g.email_for(&p), Some(Email)));
    cells.push(cell("phone", g.phone(), Some(PhoneNumber)));
    cells.push(cell("date_of_birth", g.dob(), Some(DateOfBirth)));
    cells.push(cell(
        "address",
        g.address(&p).join(", "),
        Some(StreetAddress),
    ));
    cells.push(cell("country", country(&p), None));
    cells.push(match g.rng.below(6) {
        0 | 1 => cell("ssn", g.ssn_dashed(), Some(UsSsn)),
        // Typed without dashes: only the column says what it is.
        2 => cell("ssn", g.ssn_undashed(), Some(UsSsn)),
        _ => null("ssn"),
    });
    let card = match g.rng.below(3) {
        0 => Some(g.card()),
        1 => None,
        _ => {
            cells.push(cell("card_number", g.masked_card(), None));
            None
        }
    };
    match card {
        Some(c) => {
            cells.push(cell("card_number", c, Some(PaymentCard)));
            if g.rng.chance(1, 2) {
                cells.push(cell("card_cvv", g.security_code(), Some(CardSecurityCode)));
            } else {
                cells.push(null("card_cvv"));
            }
        }
        None => {
            if cells.last().map(|c| c.column) != Some("card_number") {
                cells.push(null("card_number"));
            }
            cells.push(null("card_cvv"));
        }
    }
    cells.push(if g.rng.chance(1, 3) {
        cell("iban", g.iban(), Some(Iban))
    } else {
        null("iban")
    });
    cells.push(if g.rng.chance(1, 5) {
        // Logged in from the office network: not a person's address.
        cell("last_login_ip", g.ip_private(), None)
    } else {
        cell("last_login_ip", g.ip_public(), Some(IpAddress))
    });
    cells.push(cell("username", g.username_for(&p), Some(Username)));
    cells.push(cell("password_hash", g.password_hash(), Some(Password)));
    cells.push(if g.rng.chance(1, 4) {
        cell("passport_no", g.passport(), Some(Passport))
    } else {
        null("passport_no")
    });
    cells.push(if g.rng.chance(1, 4) {
        cell(
            "drivers_license",
            g.drivers_license(&p),
            Some(DriversLicense),
        )
    } else {
        null("drivers_license")
    });
    cells.push(cell("created_at", g.timestamp(), None));
    let order_no = g.order_no();
    cells.push(cell("last_order_no", order_no.clone(), None));
    cells.push(match g.rng.below(4) {
        0 => cell(
            "notes",
            format!("old account {} (closed)", g.iban_bad_checksum()),
            None,
        ),
        1 => cell("notes", format!("ref {} via phone", g.invoice()), None),
        2 => cell(
            "notes",
            format!("flagged: SSN on file {} rejected", g.invalid_ssn()),
            None,
        ),
        _ => null("notes"),
    });
    Customer {
        id,
        cells,
        full_name: p.plain(),
        order_no,
        tracking: g.tracking(),
        sku: g.sku(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_customer_has_every_column_in_order_and_seeds_repeat() {
        let a = customers(7, 200);
        for c in &a {
            let cols: Vec<&str> = c.cells.iter().map(|c| c.column).collect();
            assert_eq!(cols, COLUMNS, "customer {}", c.id);
            // A kind only on a value.
            assert!(c
                .cells
                .iter()
                .all(|c| c.value.is_some() || c.kind.is_none()));
        }
        assert_eq!(a, customers(7, 200));
        assert_ne!(a, customers(8, 200));
        let kinds: std::collections::BTreeSet<&str> = a
            .iter()
            .flat_map(|c| c.cells.iter().filter_map(|c| c.kind))
            .collect();
        assert_eq!(kinds.len(), 14, "{kinds:?}");
    }
}
