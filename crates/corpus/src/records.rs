//! Records of the formats that carry the notification laws' elements
//! beyond the first nine: a users table (`COPY` of a PostgreSQL dump), an
//! identity-verification export (CSV), patient records (NDJSON), and the
//! lines and paragraphs the older formats gain (payment and ACH log
//! lines, a mail's identity details).
//!
//! Label conventions as in the crate documentation: a span covers the
//! value as written, quotes outside. A username that is an email address
//! is labelled as an email only; an account number is labelled only when
//! the routing number beside it is ABA-valid; a bare `condition` only in
//! a patient's record.

use crate::doc::Doc;
use crate::idvalues::{ALLERGIES, CONDITIONS, PRODUCT_CONDITIONS};
use crate::kind::Kind::*;
use crate::values::{Gen, BRANDS, SHOP_DOMAIN};

/// The users table's `CREATE TABLE` and `COPY` header.
pub fn users_header(g: &mut Gen, d: &mut Doc) {
    d.s("--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 16.2\n\n");
    d.s("SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n\n");
    d.s("CREATE TABLE public.users (\n    id integer NOT NULL,\n    username character varying(64),\n    email character varying(255),\n    password_hash character varying(255),\n    last_login timestamp with time zone,\n    is_admin boolean DEFAULT false,\n    referral_code character varying(16)\n);\n\n");
    d.s(&format!(
        "-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: shop_{}\n\n",
        g.rng.lower(4)
    ));
    d.s("COPY public.users (id, username, email, password_hash, last_login, is_admin, referral_code) FROM stdin;\n");
}

pub fn users_footer(d: &mut Doc) {
    d.s("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n");
}

/// One `COPY` row of the users table.
pub fn users_row(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    let email = g.email_for(&p);
    d.s(&format!("{}\t", g.rng.range(1, 999_999)));
    if g.rng.chance(1, 8) {
        // Signed up with their address as the login: an email, nothing more.
        d.l(Email, &email);
    } else {
        let u = g.username_for(&p);
        d.l(Username, &u);
    }
    d.s("\t").l(Email, &email).s("\t");
    match g.rng.below(10) {
        0 => {
            d.s("\\N");
        }
        // Accounts from before the hashing migration.
        1 => {
            let pw = g.plain_password();
            d.l(Password, &pw);
        }
        _ => {
            let h = g.password_hash();
            d.l(Password, &h);
        }
    }
    let last_login = if g.rng.chance(1, 5) {
        "\\N".to_string()
    } else {
        g.timestamp()
    };
    d.s(&format!(
        "\t{last_login}\t{}\t{}\n",
        if g.rng.chance(1, 20) { "t" } else { "f" },
        g.rng.alnum_upper(8)
    ));
}

pub const KYC_HEADER: &str = "applicant_id,full_name,email,tax_id,passport_number,drivers_license,dl_state,routing_number,account_number,id_scheme,national_id,nhs_number,status,notes\n";

/// One row of the identity-verification export.
pub fn kyc_row(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    d.s(&format!("A-{},\"", g.rng.digits(7)));
    d.l(PersonName, &p.plain()).s("\",");
    let e = g.email_for(&p);
    d.l(Email, &e).s(",");
    match g.rng.below(6) {
        0 => {
            let v = g.itin(true);
            d.l(TaxId, &v);
        }
        1 => {
            let v = g.itin(false);
            d.l(TaxId, &v);
        }
        2 => {
            let v = g.ein();
            d.l(TaxId, &v);
        }
        3 => {
            let v = g.ssn_dashed();
            d.l(UsSsn, &v);
        }
        _ => {}
    }
    d.s(",");
    if g.rng.chance(1, 2) {
        let v = g.passport();
        d.l(Passport, &v);
    }
    d.s(",");
    if g.rng.chance(1, 2) {
        let v = g.drivers_license(&p);
        d.l(DriversLicense, &v);
        d.s(&format!(
            ",{}",
            g.pick_str(&["CA", "TX", "FL", "IL", "NY", "WA", "UK", "DE"])
        ));
    } else {
        d.s(",");
    }
    d.s(",");
    if g.rng.chance(1, 3) {
        // A routing number that fails its checksum vouches for nothing:
        // the account number beside it stays unlabelled.
        let valid = g.rng.chance(4, 5);
        let r = g.routing(valid);
        let a = g.bank_account();
        d.s(&r).s(",");
        if valid {
            d.l(BankAccount, &a);
        } else {
            d.s(&a);
        }
    } else {
        d.s(",");
    }
    d.s(",");
    let scheme = match g.rng.below(8) {
        0 => Some(("NINO", g.nino())),
        1 => Some(("BSN", g.bsn())),
        2 => Some(("SIN", g.sin())),
        3 => Some(("CPF", g.cpf())),
        4 => Some(("DNI", g.dni())),
        5 => Some(("AADHAAR", g.aadhaar())),
        _ => None,
    };
    match scheme {
        Some((name, v)) => {
            d.s(&format!("{name},")).l(GovernmentId, &v).s(",");
        }
        None => {
            d.s(",,");
        }
    }
    if g.rng.chance(1, 5) {
        let v = g.nhs();
        d.l(HealthInsurance, &v);
    }
    d.s(&format!(
        ",{},",
        g.pick_str(&["verified", "pending", "rejected"])
    ));
    // Hard negatives: the labels' words beside numbers of the shop's own.
    let note = match g.rng.below(6) {
        0 => format!("\"passport photo order {}\"", g.order_no()),
        1 => format!("\"DL renewal reminder; invoice {}\"", g.invoice()),
        2 => format!(
            "\"loyalty account number {} (points)\"",
            g.bare_nine_digits()
        ),
        3 => format!("\"passport wallet SKU {}\"", g.sku()),
        4 => format!("\"license plate sticker, tracking {}\"", g.tracking()),
        _ => String::new(),
    };
    d.s(&note).s("\n");
}

/// One patient record.
pub fn patient(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    d.s(&format!(
        "{{\"patient_id\":\"P-{}\",\"full_name\":\"",
        g.rng.digits(6)
    ));
    d.l(PersonName, &p.plain()).s("\",\"birth_date\":\"");
    let dob = g.dob();
    d.l(DateOfBirth, &dob).s("\",");
    if g.rng.chance(1, 2) {
        d.s("\"nhs_number\":\"");
        let v = g.nhs();
        d.l(HealthInsurance, &v).s("\",");
    } else {
        d.s("\"mbi\":\"");
        let v = g.mbi();
        d.l(HealthInsurance, &v).s("\",");
    }
    if g.rng.chance(1, 8) {
        // Nothing recorded yet: a null says nothing.
        d.s("\"diagnosis\":null,");
    } else {
        d.s("\"diagnosis\":\"");
        let v = g.diagnosis();
        d.l(Health, v).s("\",\"diagnosis_code\":\"");
        let c = g.icd10();
        d.l(Health, c).s("\",");
    }
    d.s("\"medication\":\"");
    let m = g.medication();
    d.l(Health, m).s("\",\"allergies\":\"");
    if g.rng.chance(1, 3) {
        d.s("none");
    } else {
        let a = g.pick_str(ALLERGIES);
        d.l(Health, a);
    }
    d.s("\",\"condition\":\"");
    let c = g.pick_str(CONDITIONS);
    d.l(Health, c);
    d.s(&format!(
        "\",\"ward\":\"{}{}\",\"updated\":\"{}\"}}\n",
        g.pick_str(&["A", "B", "C", "ICU-"]),
        g.rng.range(1, 40),
        g.timestamp()
    ));
}

/// A catalogue item's condition (never a patient's).
pub fn product_condition(g: &mut Gen) -> String {
    format!(",\"condition\":\"{}\"", g.pick_str(PRODUCT_CONDITIONS))
}

/// The legal line of a product page: the labels' words with nothing of a
/// person after them.
pub fn product_legal(g: &mut Gen, d: &mut Doc) {
    d.s(&format!(
        "<p class=\"legal\">Icons under license: MIT &middot; {} passport wallet, SKU {} &middot; Condition: {}</p>\n",
        g.pick_str(BRANDS),
        g.sku(),
        g.pick_str(PRODUCT_CONDITIONS)
    ));
}

/// The application log lines of the newer elements, for `app_log`'s
/// cases 10 to 14.
pub fn app_log_line(g: &mut Gen, d: &mut Doc, case: u64) {
    match case {
        10 => {
            let p = g.person();
            if g.rng.chance(1, 4) {
                let e = g.email_for(&p);
                d.s("auth ok username=").l(Email, &e);
            } else if g.rng.chance(1, 3) {
                // A connection URL with its credentials, beside URLs that
                // hold none (a proxy, an SCP-style remote).
                let u = g.username_for(&p);
                let pw = g.plain_password().replace(['%', '#', '?'], "!");
                d.s("db connect url=postgres://")
                    .l(Username, &u)
                    .s(":")
                    .l(Password, &pw);
                d.s(&format!(
                    "@pg-{}.internal.{SHOP_DOMAIN}:5432/shop proxy=http://{}:3128 \
                     remote=git@github.com:acme/shop.git",
                    g.rng.range(1, 9),
                    g.ip_private()
                ));
            } else {
                let u = g.username_for(&p);
                d.s("auth ok username=").l(Username, &u);
            }
            d.s(" from=");
            let ip = g.ip_public();
            d.l(IpAddress, &ip);
        }
        11 => {
            d.s("payment authorised card=");
            let c = g.card();
            d.l(PaymentCard, &c).s(" cvv=");
            let v = g.security_code();
            d.l(CardSecurityCode, &v);
            d.s(&format!(" qty={} status=200", g.rng.range(1, 999)));
        }
        12 => {
            let valid = g.rng.chance(3, 4);
            let r = g.routing(valid);
            let a = g.bank_account();
            d.s(&format!("ach debit scheduled routing={r} acct="));
            if valid {
                d.l(BankAccount, &a);
            } else {
                d.s(&a).s(" (routing check failed)");
            }
        }
        13 if g.rng.chance(1, 3) => {
            // The same in a clerk's words, German labels, and a flight
            // number after `DL` that is no licence.
            let p = g.person();
            let v = g.drivers_license(&p);
            d.s("kyc note: DL ").l(DriversLicense, &v);
            d.s(", Reisepass: ");
            let v = g.passport();
            d.l(Passport, &v);
            d.s(&format!(
                ", flies DL {} on {}",
                g.rng.range(10, 2999),
                g.recent_date()
            ));
        }
        13 => {
            d.s("kyc document ok passport_no=");
            let v = g.passport();
            d.l(Passport, &v).s(" dl_number=");
            let p = g.person();
            let v = g.drivers_license(&p);
            d.l(DriversLicense, &v);
        }
        _ => {
            if g.rng.chance(1, 2) {
                d.s("w9 received ITIN: ");
                let dashed = g.rng.chance(1, 2);
                let v = g.itin(dashed);
                d.l(TaxId, &v);
            } else {
                d.s("w9 received EIN: ");
                let v = g.ein();
                d.l(TaxId, &v);
            }
            d.s(&format!(" invoice={}", g.invoice()));
        }
    }
}

/// The identity details a customer writes into a support mail.
pub fn mail_identity(g: &mut Gen, d: &mut Doc, p: &crate::people::Person) {
    d.s("For the identity check:\nDriver's License No.: ");
    let v = g.drivers_license(p);
    d.l(DriversLicense, &v);
    d.s("\nPassport No.: ");
    let v = g.passport();
    d.l(Passport, &v);
    match g.rng.below(4) {
        0 => {
            d.s("\nNational Insurance number: ");
            let v = g.nino();
            d.l(GovernmentId, &v);
        }
        1 => {
            d.s("\nNHS No: ");
            let v = g.nhs();
            d.l(HealthInsurance, &v);
        }
        2 => {
            d.s("\nCPF: ");
            let v = g.cpf();
            d.l(GovernmentId, &v);
        }
        _ => {
            d.s("\nITIN: ");
            let v = g.itin(true);
            d.l(TaxId, &v);
        }
    }
    d.s("\n");
}
