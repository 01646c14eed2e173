//! Context words that admit or veto a numeric candidate, kept apart from
//! the scanner so the lists can be read (and reviewed) on their own.

pub(super) const CARD_WORDS: &[&str] = &[
    "card",
    "visa",
    "mastercard",
    "amex",
    "american express",
    "discover",
    "diners",
    "jcb",
    "unionpay",
    "maestro",
    "credit",
    "debit",
    "payment",
    "cc#",
    "cc:",
    "cc=",
    "cc no",
    "ccnum",
    "cc_num",
    "cc-num",
    "pan:",
    "pan#",
    "pan=",
];
/// Words that make a Luhn-valid number more likely an identifier from a
/// shop's own systems. Whole words, so that `border` (an HTML table cell
/// around a card) does not count as `order`; short ones also carry
/// punctuation so that `ref` does not match inside `refund`.
pub(super) const NOT_CARD_WORDS: &[&str] = &[
    "order",
    "tracking",
    "invoice",
    "ref:",
    "ref#",
    "ref.",
    "ref no",
    "reference",
    "shipment",
    "parcel",
    "consignment",
    "awb",
    "txn",
    "transaction id",
];
/// Whole words: `ssn` in `classname` is no context.
pub(super) const SSN_WORDS: &[&str] = &[
    "ssn",
    "social security",
    "soc sec",
    "soc. sec",
    "ss#",
    "ss #",
    "ss no",
    "taxpayer",
];
/// Whole words (see [`ContextWords::whole_words`]), so compounds that end
/// in a phone word are listed as they are written.
pub(super) const PHONE_WORDS: &[&str] = &[
    "phone",
    "telephone",
    "cellphone",
    "smartphone",
    "tel",
    "mobile",
    "mobiltelefon",
    "cell",
    "fax",
    "call",
    "whatsapp",
    "contact",
    "mob:",
    "mob.",
    "handy",
    "telefon",
    "téléphone",
    "móvil",
    "cellulare",
    "celular",
    "电话",
    "電話",
];
/// Words before a dotted quad that make it a version, not an address.
pub(super) const VERSION_WORDS: &[&str] = &[
    "version", "ver ", "ver.", "ver:", "v.", "build", "release", "firmware", "fw ", "rev ", "rev.",
    // Cache-busting query parameters: `logo@2x.png?v=109.10.165.15`.
    "?v=", "&v=",
];
/// Whole words on a dotted quad's line that make it a section number
/// (`RFC 5280 Section 4.1.2.9`) or an object identifier
/// (`ObjectIdentifier::new("2.5.4.10")`, `oid 1.3.6.1`), not an address.
pub(super) const NUMBERING_WORDS: &[&str] = &[
    "section",
    "sect",
    "§",
    "clause",
    "chapter",
    "appendix",
    "paragraph",
    "oid",
    "objectidentifier",
    "object identifier",
    "object_identifier",
];
/// Context words of national identity and health-insurance numbers, one
/// list per scheme (whole words: `sin` is not in `using`, `nie` not in
/// `niece`). A word admits only its own scheme's numbers.
pub(super) const CPF_WORDS: &[&str] = &["cpf", "c.p.f", "cadastro de pessoas"];
pub(super) const NIR_WORDS: &[&str] = &[
    "nir",
    "insee",
    "sécurité sociale",
    "securite sociale",
    "sécu",
    "secu",
    "social security",
    "nss",
];
pub(super) const BSN_WORDS: &[&str] = &[
    "bsn",
    "burgerservicenummer",
    "burger service nummer",
    "sofinummer",
    "sofi-nummer",
    "sofi",
];
pub(super) const AADHAAR_WORDS: &[&str] = &["aadhaar", "aadhar", "uidai", "आधार"];
pub(super) const SIN_WORDS: &[&str] = &["sin", "s.i.n", "social insurance", "assurance sociale"];
pub(super) const NHS_WORDS: &[&str] = &["nhs"];
pub(super) const NINO_WORDS: &[&str] = &["nino", "national insurance", "ni number", "ni no"];
pub(super) const DNI_WORDS: &[&str] = &[
    "dni",
    "d.n.i",
    "nie",
    "n.i.e",
    "nif",
    "n.i.f",
    "documento nacional",
    "documento de identidad",
];
pub(super) const CF_WORDS: &[&str] = &[
    "codice fiscale",
    "codicefiscale",
    "codice_fiscale",
    "cod. fisc",
    "c.f.",
    "fiscal code",
];
pub(super) const MBI_WORDS: &[&str] = &["medicare", "mbi", "beneficiary"];
/// Words naming a US taxpayer number (whole words): they admit an ITIN.
pub(super) const TAX_WORDS: &[&str] = &[
    "itin",
    "tin",
    "taxpayer",
    "tax id",
    "tax_id",
    "taxid",
    "tax identification",
    "tax no",
    "tax number",
];
/// Words naming an employer's number (whole words): they admit an EIN.
/// `ein` counts only in capitals (see `tax.rs`).
pub(super) const EIN_WORDS: &[&str] = &[
    "ein",
    "fein",
    "employer identification",
    "employer id",
    "federal tax id",
    "tax id",
    "tax_id",
    "taxid",
    "tin",
];
