//! `--like EXPORT`: what the recipient's export looks like, so canary rows
//! can be appended to it unnoticed.
//!
//! Read from the export: its header (the field names, kept as the bound
//! of what the recipient was given), its row count, the spelling of its
//! country column (`GB`, `UK`, `United Kingdom`), its countries' mix, the
//! shape of its customer ids and whether its phones are international.
//! Never kept: any row's name, email, phone or address — canaries are
//! drawn, not copied.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{io, Error, Result};
use crate::gen::{Canary, Source};

/// The canary fields a column can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Id,
    First,
    Last,
    FullName,
    Email,
    Phone,
    Street,
    City,
    Postcode,
    Region,
    Country,
    Other,
}

/// Which canary field a header names (`E-Mail`, `given_name`, `Zip`…).
pub fn field_of(header: &str) -> Field {
    let h: String = header
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match h.as_str() {
        "customerid" | "id" | "custid" | "customernumber" | "accountid" | "clientid" | "userid" => {
            Field::Id
        }
        "firstname" | "givenname" | "forename" | "first" | "fname" => Field::First,
        "lastname" | "surname" | "familyname" | "last" | "lname" => Field::Last,
        "name" | "fullname" | "customername" | "contactname" => Field::FullName,
        "email" | "emailaddress" | "mail" | "contactemail" => Field::Email,
        "phone" | "phonenumber" | "telephone" | "tel" | "mobile" | "mobilephone" | "cell"
        | "contactphone" => Field::Phone,
        "address" | "street" | "address1" | "addressline1" | "streetaddress" | "line1" => {
            Field::Street
        }
        "city" | "town" | "locality" => Field::City,
        "zip" | "zipcode" | "postcode" | "postalcode" | "postcodezip" => Field::Postcode,
        "state" | "region" | "province" | "county" => Field::Region,
        "country" | "countrycode" | "countryiso" => Field::Country,
        _ => Field::Other,
    }
}

/// The shape of an export.
#[derive(Clone, Debug)]
pub struct Shape {
    pub header: Vec<String>,
    pub rows: u64,
    /// ISO alpha-2 → rows, where the country was readable.
    pub countries: BTreeMap<String, u64>,
    /// ISO alpha-2 → the export's own spelling of it.
    pub spelling: BTreeMap<String, String>,
    pub id_sample: Option<String>,
    pub international_phones: bool,
}

/// The header used without `--like`.
pub const DEFAULT_HEADER: [&str; 10] = [
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "city",
    "postcode",
    "region",
    "country",
];

impl Shape {
    pub fn default_export() -> Shape {
        Shape {
            header: DEFAULT_HEADER.iter().map(|s| s.to_string()).collect(),
            rows: 0,
            countries: BTreeMap::new(),
            spelling: BTreeMap::new(),
            id_sample: None,
            international_phones: false,
        }
    }

    /// Reads a CSV export (header first).
    pub fn read(path: &Path) -> Result<Shape> {
        let file = std::fs::File::open(path).map_err(io("opening export", path))?;
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(file);
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| Error::Invalid(format!("{}: no CSV header: {e}", path.display())))?
            .iter()
            .map(str::to_string)
            .collect();
        let fields: Vec<Field> = header.iter().map(|h| field_of(h)).collect();
        let mut shape = Shape {
            header,
            ..Shape::default_export()
        };
        let (mut intl, mut phones) = (0u64, 0u64);
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                // A malformed row still counts as given; its content is
                // not needed.
                Err(_) => {
                    shape.rows += 1;
                    continue;
                }
            }
            shape.rows += 1;
            let mut country = None;
            for (f, v) in fields.iter().zip(rec.iter()) {
                let v = v.trim();
                match f {
                    Field::Country => country = iso_country(v).map(|c| (c, v.to_string())),
                    Field::Id if shape.id_sample.is_none() && !v.is_empty() => {
                        shape.id_sample = Some(v.to_string())
                    }
                    Field::Phone if !v.is_empty() => {
                        phones += 1;
                        if v.starts_with('+') || v.starts_with("00") {
                            intl += 1;
                            if country.is_none() {
                                country =
                                    country_of_phone(v).map(|c| (c.to_string(), String::new()));
                            }
                        }
                    }
                    _ => {}
                }
            }
            if let Some((iso, spelled)) = country {
                *shape.countries.entry(iso.clone()).or_insert(0) += 1;
                if !spelled.is_empty() {
                    shape.spelling.entry(iso).or_insert(spelled);
                }
            }
        }
        shape.international_phones = phones > 0 && intl * 2 > phones;
        Ok(shape)
    }

    /// A country for the next canary, in the export's proportions (US
    /// when it says nothing).
    pub fn pick_country(&self, src: &mut dyn Source) -> String {
        let total: u64 = self.countries.values().sum();
        if total == 0 {
            return "US".into();
        }
        let mut x = src.below(total);
        for (c, n) in &self.countries {
            if x < *n {
                return c.clone();
            }
            x -= n;
        }
        "US".into()
    }

    /// One CSV row for `c`, in the header's order; columns no canary field
    /// fits are left empty.
    pub fn row(&self, c: &Canary) -> Vec<String> {
        self.header
            .iter()
            .map(|h| match field_of(h) {
                Field::Id => c.customer_id.clone(),
                Field::First => c.first.clone(),
                Field::Last => c.last.clone(),
                Field::FullName => format!("{} {}", c.first, c.last),
                Field::Email => c.email.clone(),
                Field::Phone if self.international_phones => c.phone_e164.clone(),
                Field::Phone => c.phone.clone(),
                Field::Street => c.street.clone(),
                Field::City => c.city.clone(),
                Field::Postcode => c.postcode.clone(),
                Field::Region => c.region.clone(),
                Field::Country => self
                    .spelling
                    .get(&c.country)
                    .cloned()
                    .unwrap_or_else(|| c.country.clone()),
                Field::Other => String::new(),
            })
            .collect()
    }
}

/// ISO alpha-2 of a country as exports spell it.
pub fn iso_country(v: &str) -> Option<String> {
    let l = v.trim().to_ascii_lowercase();
    let iso = match l.as_str() {
        "us" | "usa" | "united states" | "united states of america" => "US",
        "gb" | "uk" | "united kingdom" | "great britain" | "england" => "GB",
        "ca" | "can" | "canada" => "CA",
        "au" | "aus" | "australia" => "AU",
        "fr" | "fra" | "france" => "FR",
        _ if l.len() == 2 && l.chars().all(|c| c.is_ascii_alphabetic()) => {
            return Some(l.to_ascii_uppercase())
        }
        _ => return None,
    };
    Some(iso.to_string())
}

fn country_of_phone(v: &str) -> Option<&'static str> {
    let d: String = v.chars().filter(char::is_ascii_digit).collect();
    let d = d.strip_prefix("00").unwrap_or(&d);
    [("44", "GB"), ("61", "AU"), ("33", "FR"), ("1", "US")]
        .iter()
        .find(|(p, _)| d.starts_with(p))
        .map(|(_, c)| *c)
}

/// Writes rows as CSV (quoting as needed), header first when asked.
pub fn to_csv(header: Option<&[String]>, rows: &[Vec<String>]) -> Result<String> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let err = |e: csv::Error| Error::Invalid(format!("writing CSV: {e}"));
    if let Some(h) = header {
        w.write_record(h).map_err(err)?;
    }
    for r in rows {
        w.write_record(r).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Invalid(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Invalid(format!("writing CSV: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_reads_header_countries_and_ids_but_keeps_no_person() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("export.csv");
        std::fs::write(
            &p,
            "Cust ID,E-Mail,Given Name,Surname,Mobile,Country,Loyalty\n\
             A-0001,jane@real.example,Jane,Real,+44 7911 123456,United Kingdom,gold\n\
             A-0002,joe@real.example,Joe,Real,+44 7911 654321,United Kingdom,\n\
             A-0003,ann@real.example,Ann,Real,+1 415 555 0100,USA,\n",
        )
        .expect("write");
        let s = Shape::read(&p).expect("shape");
        assert_eq!(s.rows, 3);
        assert_eq!(s.countries.get("GB"), Some(&2));
        assert_eq!(
            s.spelling.get("GB").map(String::as_str),
            Some("United Kingdom")
        );
        assert!(s.international_phones);
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("jane") && !dbg.contains("7911"), "{dbg}");
        let c = Canary {
            id: "CNY-X".into(),
            customer_id: "A-7777".into(),
            first: "Mary".into(),
            last: "Keller".into(),
            email: "x@c.example".into(),
            phone: "07700 900123".into(),
            phone_e164: "+447700900123".into(),
            street: "1 High Road".into(),
            city: "London".into(),
            postcode: "SE1 9AB".into(),
            region: String::new(),
            country: "GB".into(),
        };
        assert_eq!(
            s.row(&c),
            [
                "A-7777",
                "x@c.example",
                "Mary",
                "Keller",
                "+447700900123",
                "United Kingdom",
                ""
            ]
        );
    }
}
