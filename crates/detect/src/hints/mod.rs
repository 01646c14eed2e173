//! Structure hints: what a format says a byte range is ("this cell is in
//! the `first_name` column"), so that detectors can accept what text alone
//! cannot prove — a lone given name, an undashed SSN, a bare date.
//!
//! JSON keys, HTML labels and `key=value` pairs sit right before their
//! values, inside [`crate::MAX_LOOKBEHIND`], so detectors read a key
//! themselves; but not where its value ends, nor which object holds it,
//! so the [`json::JsonHinter`] and the [`kv::KvHinter`] (logs) hand those
//! over as hints too. A CSV header can be megabytes away from its cells,
//! and a dump's `CREATE TABLE` gigabytes away from its rows; the
//! [`csv::CsvHinter`] and the [`sql::SqlHinter`] carry them across chunks
//! and hand the engine one [`Hint`] per cell of a recognised column. An
//! HTML page's names sit in attributes and header cells, not before the
//! text they name: the [`html::HtmlHinter`] carries them to it.

pub mod csv;
pub mod html;
pub mod json;
pub mod kv;
pub mod sql;

use csv::CsvHinter;
use html::HtmlHinter;
use json::JsonHinter;
use kv::KvHinter;
use sql::SqlHinter;

/// The structure a stream is followed by: what sniffing its head chose.
#[derive(Clone, Debug)]
pub enum Structure {
    Csv(CsvHinter),
    Sql(SqlHinter),
    Json(JsonHinter),
    Kv(KvHinter),
    /// Boxed: its element stack and tag state make it several times the
    /// size of the others.
    Html(Box<HtmlHinter>),
}

impl From<JsonHinter> for Structure {
    fn from(h: JsonHinter) -> Structure {
        Structure::Json(h)
    }
}

impl From<Box<HtmlHinter>> for Structure {
    fn from(h: Box<HtmlHinter>) -> Structure {
        Structure::Html(h)
    }
}

impl From<KvHinter> for Structure {
    fn from(h: KvHinter) -> Structure {
        Structure::Kv(h)
    }
}

impl From<CsvHinter> for Structure {
    fn from(h: CsvHinter) -> Structure {
        Structure::Csv(h)
    }
}

impl From<SqlHinter> for Structure {
    fn from(h: SqlHinter) -> Structure {
        Structure::Sql(h)
    }
}

impl Structure {
    /// Feeds the next bytes of the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        match self {
            Structure::Csv(h) => h.feed(bytes),
            Structure::Sql(h) => h.feed(bytes),
            Structure::Json(h) => h.feed(bytes),
            Structure::Kv(h) => h.feed(bytes),
            Structure::Html(h) => h.feed(bytes),
        }
    }

    /// Appends the hints overlapping stream offsets `[start, end)` to
    /// `out`, relative to `start` and clipped to the range.
    pub fn hints_in(&self, start: usize, end: usize, out: &mut Vec<Hint>) {
        match self {
            Structure::Csv(h) => h.hints_in(start, end, out),
            Structure::Sql(h) => h.hints_in(start, end, out),
            Structure::Json(h) => h.hints_in(start, end, out),
            Structure::Kv(h) => h.hints_in(start, end, out),
            Structure::Html(h) => h.hints_in(start, end, out),
        }
    }

    /// The number of the record the structure says holds stream offset
    /// `pos` (a SQL value tuple or `COPY` row, a JSON object, an HTML row
    /// or item), if it says one does. Asked in stream order, for offsets
    /// fed and not forgotten.
    /// CSV and logs say none: their records are lines, which the caller
    /// counts itself.
    pub fn record_at(&self, pos: usize) -> Option<u64> {
        match self {
            Structure::Csv(_) => None,
            Structure::Sql(h) => h.record_at(pos),
            Structure::Json(h) => h.record_at(pos),
            Structure::Kv(_) => None,
            Structure::Html(h) => h.record_at(pos),
        }
    }

    /// Forgets hints (and records) that end before stream offset `pos`.
    pub fn forget_before(&mut self, pos: usize) {
        match self {
            Structure::Csv(h) => h.forget_before(pos),
            Structure::Sql(h) => h.forget_before(pos),
            Structure::Json(h) => h.forget_before(pos),
            Structure::Kv(h) => h.forget_before(pos),
            Structure::Html(h) => h.forget_before(pos),
        }
    }

    /// Whether the hinter turned itself off (the rest is plain text).
    pub fn is_off(&self) -> bool {
        match self {
            Structure::Csv(h) => h.is_off(),
            Structure::Sql(h) => h.is_off(),
            Structure::Json(h) => h.is_off(),
            Structure::Kv(h) => h.is_off(),
            Structure::Html(h) => h.is_off(),
        }
    }

    /// Why the hinter turned itself off, if it did.
    pub fn warning(&self) -> Option<&str> {
        match self {
            Structure::Csv(h) => h.warning(),
            Structure::Sql(h) => h.warning(),
            Structure::Json(h) => h.warning(),
            Structure::Kv(_) | Structure::Html(_) => None,
        }
    }
}

/// What a field holds, as its name (column, key, label) says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Email,
    /// `first_name`, `given_name`, `vorname`, `prenom`…
    GivenName,
    /// `last_name`, `surname`, `family_name`, `nachname`, `nom`…
    FamilyName,
    /// `full_name`, `customer`, `recipient`, `cardholder`…
    FullName,
    /// A bare `name`: a person's in a customer table, but a product's in a
    /// catalogue and a step's in a CI file, so weaker evidence than
    /// [`Field::FullName`].
    Name,
    DateOfBirth,
    Ssn,
    Phone,
    /// `address`, `street`, `address_line1`, `strasse`, `adresse`…
    Address,
    Postcode,
    City,
    Card,
    Iban,
    Ip,
    /// `password`, `passwd`, `pwd`, `password_hash`, `user_pass`…: a
    /// plaintext password or its hash.
    Password,
    /// `cvv`, `cvc`, `csc`…: a payment card's security code.
    CardSecurityCode,
    /// `cpf`, `bsn`, `dni`, `nino`, `aadhaar`, `sin`, `codice_fiscale`…:
    /// a national identity, tax or social-insurance number.
    GovernmentId,
    /// `nhs_number`, `mbi`, `medicare_number`: a health-insurance number.
    HealthInsurance,
    /// `username`, `user_name`, `login`, `user_login`, `screen_name`: a
    /// login name (an email address in one is an email, nothing more).
    Username,
    /// `bank_account`, `bank_account_number`, `checking_account`: a bank
    /// account number, whatever else the record holds.
    BankAccount,
    /// `account_number`, `acct_no`: an account's number, a bank's only in
    /// a record that also holds a routing number.
    AccountNumber,
    /// `routing_number`, `aba`, `rtn`: a US bank's ABA routing number (the
    /// bank's, not a person's: evidence for the account number beside it).
    RoutingNumber,
    /// `tax_id`, `tin`, `itin`, `ein`: a US taxpayer number (an SSN in one
    /// is an SSN).
    TaxId,
    /// `drivers_license`, `dl_number`, `licence_number`: a driver's
    /// licence number.
    DriversLicense,
    /// `passport`, `passport_number`, `passport_no`.
    Passport,
    /// `diagnosis`, `medication`, `medical_condition`, `prescription`:
    /// medical information.
    Health,
    /// A bare `condition`: a patient's in a table with medical columns, a
    /// product's in a catalogue (`new`, `used`), so medical only beside a
    /// [`Field::Health`] column in the same record.
    Condition,
    /// `country`, `country_code`, `land`, `pays`, `pais`: where the
    /// record's person lives (an ISO code or a name), which tells the
    /// numbering plan of the record's national phone numbers.
    Country,
    /// `brand`, `manufacturer`, `vendor`, `product_name`, `model`: a
    /// catalogue's product or maker, never a person however its words look
    /// (`Calvin Klein` in a `brand` column).
    Product,
    /// `id`, `customer_id`, `accountId`, `uuid`, `order_number`, `sku`,
    /// `version`: a record's or an object's number, never a person's phone,
    /// SSN or card however its digits look.
    Id,
}

impl Field {
    /// Classifies a field name (a CSV header cell, a JSON key): case,
    /// separators (`_`, `-`, ` `, `.`) and surrounding quotes are ignored.
    pub fn classify(name: &[u8]) -> Option<Field> {
        Field::classify_known(name).or_else(|| is_id_name(name).then_some(Field::Id))
    }

    /// [`Field::classify`] for a column name (the same rules; a name for
    /// the callers that read a table's columns).
    pub fn classify_column(name: &[u8]) -> Option<Field> {
        Field::classify(name)
    }

    fn classify_known(name: &[u8]) -> Option<Field> {
        let mut buf = [0u8; 32];
        let mut n = 0;
        let mut bytes = name.iter().copied();
        while let Some(b) = bytes.next() {
            // A Latin-1 letter in UTF-8 (`0xC3` + one byte) is compared by
            // its base letter: `Führerschein`, `Prénom`, `Straße` are the
            // names `fuhrerschein`, `prenom`, `strasse`.
            let folded: &[u8] = match b {
                0xC3 => bytes.next().map_or(b"", latin1_base),
                _ if b.is_ascii_alphanumeric() => std::slice::from_ref(&b),
                _ => b"",
            };
            for &f in folded {
                if n == buf.len() {
                    return None;
                }
                buf[n] = f.to_ascii_lowercase();
                n += 1;
            }
        }
        // No name below starts with a digit: a log's `2026-05-04T10:…`
        // (a key to the log hinter, and a new one on every line) is
        // turned down before some 300 comparisons.
        if !buf[0].is_ascii_lowercase() {
            return None;
        }
        let key = std::str::from_utf8(&buf[..n]).ok()?;
        Some(match key {
            "email" | "emailaddress" | "mail" | "email1" | "customeremail" | "contactemail"
            | "useremail" | "courriel" => Field::Email,
            "firstname" | "givenname" | "forename" | "fname" | "first" | "vorname" | "prenom"
            | "nombre" | "billingfirstname" | "shippingfirstname" | "customerfirstname" => {
                Field::GivenName
            }
            "lastname" | "surname" | "familyname" | "lname" | "last" | "nachname" | "apellido"
            | "apellidos" | "billinglastname" | "shippinglastname" | "customerlastname" => {
                Field::FamilyName
            }
            "name" => Field::Name,
            "fullname" | "customer" | "customername" | "recipient" | "recipientname"
            | "cardholder" | "cardholdername" | "contactname" | "billingname" | "shippingname"
            | "shipto" | "billto" | "displayname" | "nom" | "nomcomplet" | "accountholder"
            | "holder" | "person" | "author" | "reviewer" => Field::FullName,
            "dob" | "dateofbirth" | "birthdate" | "birthday" | "birthdt" | "geburtsdatum"
            | "datenaissance" | "datedenaissance" | "fechanacimiento" | "bdate" => {
                Field::DateOfBirth
            }
            "ssn" | "socialsecuritynumber" | "socialsecurity" | "ssnumber" => Field::Ssn,
            "phone" | "phonenumber" | "telephone" | "tel" | "mobile" | "cell" | "mobilephone"
            | "telefon" | "telefono" | "contactphone" | "phone1" | "msisdn" => Field::Phone,
            "address" | "street" | "streetaddress" | "address1" | "addressline1"
            | "billingaddress" | "shippingaddress" | "addr" | "strasse" | "adresse"
            | "direccion" | "line1" | "shippingstreet" | "billingstreet" => Field::Address,
            "zip" | "zipcode" | "postcode" | "postalcode" | "plz" | "codepostal" | "cp" => {
                Field::Postcode
            }
            "city" | "town" | "stadt" | "ort" | "ville" | "ciudad" => Field::City,
            "country" | "countrycode" | "countryiso" | "countryiso2" | "countryname"
            | "billingcountry" | "shippingcountry" | "customercountry" | "land" | "pays"
            | "pais" | "paese" => Field::Country,
            "card" | "cardnumber" | "cc" | "ccnumber" | "creditcard" | "pan" => Field::Card,
            "iban" => Field::Iban,
            "ip" | "ipaddress" | "clientip" | "remoteaddr" | "remoteip" => Field::Ip,
            "password" | "passwd" | "pwd" | "pass" | "pw" | "passphrase" | "passwordhash"
            | "passworddigest" | "hashedpassword" | "encryptedpassword" | "cryptedpassword"
            | "userpassword" | "userpass" | "userpwd" | "pwdhash" | "passhash" | "pwhash"
            | "loginpassword" | "accountpassword" | "passwort" | "motdepasse" | "contrasena"
            | "senha" | "wachtwoord" => Field::Password,
            "cvv"
            | "cvv2"
            | "cvc"
            | "cvc2"
            | "csc"
            | "cvn"
            | "ccv"
            | "cardcvv"
            | "cardcvc"
            | "cvvcode"
            | "cvccode"
            | "cardsecuritycode"
            | "cardverificationcode"
            | "cardverificationvalue" => Field::CardSecurityCode,
            "cpf"
            | "nir"
            | "insee"
            | "numerosecu"
            | "numsecu"
            | "bsn"
            | "burgerservicenummer"
            | "sofinummer"
            | "dni"
            | "nie"
            | "nif"
            | "aadhaar"
            | "aadhar"
            | "aadhaarnumber"
            | "aadharnumber"
            | "sin"
            | "socialinsurancenumber"
            | "nino"
            | "ninumber"
            | "nationalinsurancenumber"
            | "nationalinsurance"
            | "codicefiscale"
            | "nationalid"
            | "nationalidnumber"
            | "governmentid" => Field::GovernmentId,
            "nhs"
            | "nhsnumber"
            | "nhsno"
            | "mbi"
            | "medicare"
            | "medicarenumber"
            | "medicareid"
            | "medicarebeneficiaryidentifier"
            | "healthinsurancenumber" => Field::HealthInsurance,
            "username" | "username1" | "loginname" | "login" | "userlogin" | "loginid"
            | "screenname" | "uname" | "benutzername" | "nomutilisateur" | "nombreusuario"
            | "usuario" => Field::Username,
            "bankaccount"
            | "bankaccountnumber"
            | "bankaccountno"
            | "bankacct"
            | "bankacctno"
            | "checkingaccount"
            | "checkingaccountnumber"
            | "savingsaccount"
            | "savingsaccountnumber"
            | "ddaaccount"
            | "depositaccount"
            | "kontonummer" => Field::BankAccount,
            "accountnumber" | "accountno" | "acctno" | "acctnumber" | "accountnum" | "acctnum"
            | "acct" => Field::AccountNumber,
            "routingnumber"
            | "routingno"
            | "routing"
            | "aba"
            | "abanumber"
            | "abaroutingnumber"
            | "rtn"
            | "routingtransitnumber"
            | "bankrouting"
            | "bankroutingnumber" => Field::RoutingNumber,
            "taxid"
            | "tin"
            | "itin"
            | "ein"
            | "fein"
            | "taxpayerid"
            | "taxidnumber"
            | "taxpayeridentificationnumber"
            | "employeridentificationnumber" => Field::TaxId,
            "driverslicense"
            | "driverlicense"
            | "driverslicence"
            | "driverlicence"
            | "driverslicensenumber"
            | "driverlicensenumber"
            | "driverslicenceno"
            | "driverslicenseno"
            | "drivinglicence"
            | "drivinglicense"
            | "drivinglicencenumber"
            | "dl"
            | "dlnumber"
            | "dlno"
            | "licencenumber"
            | "licensenumber"
            | "licenceno"
            | "fuhrerschein"
            | "fuhrerscheinnummer"
            | "fuhrerscheinnr"
            | "permisdeconduire" => Field::DriversLicense,
            "passport" | "passportnumber" | "passportno" | "passportnum" | "passportid"
            | "reisepass" | "reisepassnummer" | "passeport" | "pasaporte" | "passaporto"
            | "paspoort" => Field::Passport,
            "diagnosis" | "diagnoses" | "diagnosiscode" | "primarydiagnosis" | "medication"
            | "medications" | "medicalcondition" | "medicalconditions" | "healthcondition"
            | "healthconditions" | "prescription" | "prescriptions" | "allergies" | "allergy"
            | "icd10" | "icdcode" | "diagnose" | "medicament" | "medicamento"
            | "medicalhistory" => Field::Health,
            "condition" | "conditions" => Field::Condition,
            "brand" | "brandname" | "manufacturer" | "maker" | "vendor" | "vendorname"
            | "product" | "productname" | "producttitle" | "model" | "modelname" => Field::Product,
            "id" | "uuid" | "guid" | "orderid" | "ordernumber" | "orderno" | "sku" | "version"
            | "invoice" | "invoicenumber" | "invoiceno" | "trackingnumber" | "serial"
            | "serialnumber" => Field::Id,
            _ => return None,
        })
    }
}

/// `customer_id`, `account-id`, `accountId`, `userID`: a name that ends in
/// an `id` of its own (not `paid`, `valid`, `android`).
/// Appends the part of each of `hints` (stream offsets) that falls in
/// stream bytes `start..end`, made relative to `start`: every hinter's
/// `hints_in`.
fn clip_into<'a>(
    hints: impl Iterator<Item = &'a Hint>,
    start: usize,
    end: usize,
    out: &mut Vec<Hint>,
) {
    for h in hints {
        if h.end <= start || h.start >= end {
            continue;
        }
        out.push(Hint {
            start: h.start.max(start) - start,
            end: h.end.min(end) - start,
            field: h.field,
        });
    }
}

/// The number of the record holding stream offset `pos`: among the
/// finished `records` (start, end, number), in stream order, else the
/// `open` one (start, number) if it has begun.
fn record_in(
    records: &std::collections::VecDeque<(usize, usize, u64)>,
    open: Option<(usize, u64)>,
    pos: usize,
) -> Option<u64> {
    let i = records.partition_point(|&(_, end, _)| end <= pos);
    match records.get(i) {
        Some(&(s, _, n)) if s <= pos => Some(n),
        Some(_) => None,
        None => open.filter(|&(s, _)| s <= pos).map(|(_, n)| n),
    }
}

/// The base letters of the Latin-1 letter whose UTF-8 second byte (after
/// `0xC3`) is `b`: `ü` → `u`, `ß` → `ss`, `æ` → `ae`; nothing for `×`,
/// `÷` and bytes that are no such letter.
fn latin1_base(b: u8) -> &'static [u8] {
    const BASE: [&[u8]; 64] = [
        b"a", b"a", b"a", b"a", b"a", b"a", b"ae", b"c", // À-Ç
        b"e", b"e", b"e", b"e", b"i", b"i", b"i", b"i", // È-Ï
        b"d", b"n", b"o", b"o", b"o", b"o", b"o", b"", // Ð-×
        b"o", b"u", b"u", b"u", b"u", b"y", b"th", b"ss", // Ø-ß
        b"a", b"a", b"a", b"a", b"a", b"a", b"ae", b"c", // à-ç
        b"e", b"e", b"e", b"e", b"i", b"i", b"i", b"i", // è-ï
        b"d", b"n", b"o", b"o", b"o", b"o", b"o", b"", // ð-÷
        b"o", b"u", b"u", b"u", b"u", b"y", b"th", b"y", // ø-ÿ
    ];
    match b {
        0x80..=0xBF => BASE[usize::from(b - 0x80)],
        _ => b"",
    }
}

fn is_id_name(name: &[u8]) -> bool {
    let name = name.trim_ascii();
    let name = name
        .strip_prefix(b"\"")
        .and_then(|n| n.strip_suffix(b"\""))
        .unwrap_or(name);
    let n = name.len();
    if n < 3 || !name[n - 2..].eq_ignore_ascii_case(b"id") {
        return false;
    }
    let before = name[n - 3];
    let camel = name[n - 2] == b'I' && before.is_ascii_lowercase();
    matches!(before, b'_' | b'-' | b'.' | b' ') || camel
}

/// A byte range of the haystack and what its structure says it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    pub start: usize,
    pub end: usize,
    pub field: Field,
}

/// The hints for one haystack, sorted by `start`, not overlapping.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints<'a>(&'a [Hint]);

impl<'a> Hints<'a> {
    pub const NONE: Hints<'static> = Hints(&[]);

    /// Wraps hints sorted by `start` that do not overlap.
    pub fn new(sorted: &'a [Hint]) -> Hints<'a> {
        debug_assert!(sorted.windows(2).all(|w| w[0].end <= w[1].start));
        Hints(sorted)
    }

    /// The hint covering byte `pos`, if any.
    pub fn at(&self, pos: usize) -> Option<&'a Hint> {
        let i = self.0.partition_point(|h| h.end <= pos);
        self.0.get(i).filter(|h| h.start <= pos)
    }

    /// The hints overlapping `[start, end)`.
    pub fn overlapping(&self, start: usize, end: usize) -> &'a [Hint] {
        let from = self.0.partition_point(|h| h.end <= start);
        let to = from + self.0[from..].partition_point(|h| h.start < end);
        &self.0[from..to]
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_classify_across_spellings() {
        assert_eq!(Field::classify(b"First_Name"), Some(Field::GivenName));
        assert_eq!(Field::classify(b"\"last-name\""), Some(Field::FamilyName));
        assert_eq!(Field::classify(b"Date of Birth"), Some(Field::DateOfBirth));
        assert_eq!(Field::classify(b"E-Mail"), Some(Field::Email));
        assert_eq!(Field::classify(b"qty"), None);
        assert_eq!(Field::classify(b"sku"), Some(Field::Id));
        assert_eq!(Field::classify(b"customer_id"), Some(Field::Id));
        assert_eq!(Field::classify(b"accountId"), Some(Field::Id));
        assert_eq!(Field::classify(b"tax_id"), Some(Field::TaxId));
        assert_eq!(Field::classify(b"user_name"), Some(Field::Username));
        assert_eq!(Field::classify(b"login_id"), Some(Field::Username));
        assert_eq!(Field::classify(b"user_id"), Some(Field::Id));
        assert_eq!(
            Field::classify(b"Routing Number"),
            Some(Field::RoutingNumber)
        );
        assert_eq!(Field::classify(b"bank_account"), Some(Field::BankAccount));
        assert_eq!(
            Field::classify(b"account_number"),
            Some(Field::AccountNumber)
        );
        assert_eq!(Field::classify(b"DL#"), Some(Field::DriversLicense));
        assert_eq!(Field::classify(b"passport_no"), Some(Field::Passport));
        assert_eq!(Field::classify(b"Diagnosis"), Some(Field::Health));
        assert_eq!(Field::classify(b"condition"), Some(Field::Condition));
        assert_eq!(Field::classify(b"license"), None);
        assert_eq!(Field::classify(b"paid"), None);
        assert_eq!(Field::classify(b"android"), None);
        assert_eq!(Field::classify(b"password_hash"), Some(Field::Password));
        assert_eq!(Field::classify(b"user_pass"), Some(Field::Password));
        assert_eq!(Field::classify(b"CVV2"), Some(Field::CardSecurityCode));
        assert_eq!(
            Field::classify(b"codice_fiscale"),
            Some(Field::GovernmentId)
        );
        assert_eq!(Field::classify(b"NHS Number"), Some(Field::HealthInsurance));
        assert_eq!(Field::classify(b"Country"), Some(Field::Country));
        assert_eq!(Field::classify(b"country_code"), Some(Field::Country));
        assert_eq!(Field::classify(b"Land"), Some(Field::Country));
        assert_eq!(Field::classify(b"countries_visited"), None);
        assert_eq!(Field::classify(b"Brand"), Some(Field::Product));
        assert_eq!(Field::classify(b"product_name"), Some(Field::Product));
        assert_eq!(Field::classify(&[b'x'; 100]), None);
    }

    #[test]
    fn accented_names_are_read_by_their_base_letters() {
        let name = |s: &str| Field::classify(s.as_bytes());
        assert_eq!(name("Führerschein"), Some(Field::DriversLicense));
        assert_eq!(name("Führerschein-Nr."), Some(Field::DriversLicense));
        assert_eq!(name("Prénom"), Some(Field::GivenName));
        assert_eq!(name("Straße"), Some(Field::Address));
        assert_eq!(name("Teléfono"), Some(Field::Phone));
        // Other scripts and symbols stay out of the name.
        assert_eq!(name("Größe×"), None);
        assert_eq!(name("電話"), None);
    }

    #[test]
    fn lookup_by_position() {
        let v = [
            Hint {
                start: 0,
                end: 4,
                field: Field::Email,
            },
            Hint {
                start: 10,
                end: 15,
                field: Field::GivenName,
            },
        ];
        let h = Hints::new(&v);
        assert_eq!(h.at(3).map(|h| h.field), Some(Field::Email));
        assert_eq!(h.at(4), None);
        assert_eq!(h.at(12).map(|h| h.field), Some(Field::GivenName));
        assert_eq!(h.overlapping(3, 11).len(), 2);
        assert_eq!(h.overlapping(4, 10).len(), 0);
    }
}
