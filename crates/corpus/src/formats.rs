//! One record (a page, an event, a row, a message…) of each file format,
//! written into a [`Doc`] with its labels.

use crate::doc::Doc;
use crate::kind::Kind::{self, *};
use crate::logs;
use crate::people::Person;
use crate::records;
use crate::values::{Gen, BRANDS, PLACES, PRODUCTS, SHOP_DOMAIN};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    HtmlProduct,
    HtmlOrder,
    JsonApi,
    Ndjson,
    CsvCustomers,
    CsvOrders,
    AccessLog,
    AppLog,
    Mail,
    Sql,
    /// A users table: logins, emails, password hashes.
    UsersDump,
    /// An identity-verification export: tax, passport, licence, bank and
    /// national numbers.
    KycCsv,
    /// Patient records: health numbers and medical fields.
    Patients,
}

impl Format {
    pub const ALL: [Format; 13] = [
        Format::HtmlProduct,
        Format::HtmlOrder,
        Format::JsonApi,
        Format::Ndjson,
        Format::CsvCustomers,
        Format::CsvOrders,
        Format::AccessLog,
        Format::AppLog,
        Format::Mail,
        Format::Sql,
        Format::UsersDump,
        Format::KycCsv,
        Format::Patients,
    ];

    /// (directory, file stem, extension)
    pub fn naming(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Format::HtmlProduct => ("html", "product", "html"),
            Format::HtmlOrder => ("html", "order", "html"),
            Format::JsonApi => ("api", "orders", "json"),
            Format::Ndjson => ("events", "events", "ndjson"),
            Format::CsvCustomers => ("exports", "customers", "csv"),
            Format::CsvOrders => ("exports", "orders", "csv"),
            Format::AccessLog => ("logs", "access", "log"),
            Format::AppLog => ("logs", "app", "log"),
            Format::Mail => ("mail", "inbox", "mbox"),
            Format::Sql => ("db", "dump", "sql"),
            Format::UsersDump => ("db", "users", "sql"),
            Format::KycCsv => ("exports", "kyc", "csv"),
            Format::Patients => ("events", "patients", "ndjson"),
        }
    }

    /// Typical file size in bytes at the default corpus size.
    pub fn base_file_size(self) -> usize {
        match self {
            Format::HtmlProduct | Format::HtmlOrder => 12 << 10,
            Format::JsonApi | Format::UsersDump | Format::KycCsv | Format::Patients => 48 << 10,
            _ => 96 << 10,
        }
    }

    /// Text written once at the start of a file.
    pub fn header(self, g: &mut Gen, d: &mut Doc) {
        match self {
            Format::CsvCustomers => {
                d.s("customer_id,first_name,last_name,full_name,email,phone,dob,address,ssn,iban,created_at,notes\n");
            }
            Format::CsvOrders => {
                d.s("order_id,order_date,sku,qty,price,customer_email,ship_to,card,cvv,card_masked,tracking,client_ip,user_agent\n");
            }
            Format::Sql => {
                d.s("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n-- Host: 10.0.4.17    Database: shop\n");
                d.s(&format!(
                    "-- Dump completed on {}\nSET NAMES utf8mb4;\n\n",
                    g.timestamp()
                ));
            }
            Format::UsersDump => records::users_header(g, d),
            Format::KycCsv => {
                d.s(records::KYC_HEADER);
            }
            Format::JsonApi => {
                d.s(&format!(
                    "{{\"api_version\":\"v2.{}.0\",\"request_id\":\"{}\",\"data\":[\n",
                    g.rng.range(0, 9),
                    g.uuid()
                ));
            }
            _ => {}
        }
    }

    /// Text that closes a file (keeps JSON documents well-formed).
    pub fn footer(self, g: &mut Gen, d: &mut Doc) {
        if self == Format::UsersDump {
            records::users_footer(d);
        }
        if self == Format::JsonApi {
            d.s(&format!(
                "\n],\"meta\":{{\"next_cursor\":\"{}\",\"etag\":\"{}\"}}}}\n",
                g.uuid(),
                g.sha()
            ));
        }
    }

    /// Separator written between records of the same file (not before the first).
    pub fn between(self, d: &mut Doc) {
        if self == Format::JsonApi {
            d.s(",\n");
        }
    }

    pub fn record(self, g: &mut Gen, d: &mut Doc) {
        match self {
            Format::HtmlProduct => html_product(g, d),
            Format::HtmlOrder => html_order(g, d),
            Format::JsonApi => json_order(g, d),
            Format::Ndjson => ndjson_event(g, d),
            Format::CsvCustomers => csv_customer(g, d),
            Format::CsvOrders => csv_order(g, d),
            Format::AccessLog => logs::access_log(g, d),
            Format::AppLog => logs::app_log(g, d),
            Format::Mail => mail(g, d),
            Format::Sql => sql(g, d),
            Format::UsersDump => records::users_row(g, d),
            Format::KycCsv => records::kyc_row(g, d),
            Format::Patients => records::patient(g, d),
        }
    }
}

/// JSON string escaping for values we write (names, addresses, UAs).
fn js(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes a labelled value as the body of a JSON string (quotes unlabelled).
fn json_kv(d: &mut Doc, key: &str, kind: Option<Kind>, value: &str) {
    d.s(&format!("\"{key}\":\""));
    match kind {
        Some(k) => d.l(k, &js(value)),
        None => d.s(&js(value)),
    };
    d.s("\"");
}

fn name_with_title(g: &mut Gen, d: &mut Doc, p: &Person) {
    let (prefix, name) = p.surface(&mut g.rng);
    d.s(&prefix).l(PersonName, &name);
}

/// An email written as HTML would: plain, as a mailto link, or with `&#64;`.
fn html_email(g: &mut Gen, d: &mut Doc, email: &str) {
    match g.rng.below(3) {
        0 => {
            d.l(Email, email);
        }
        1 => {
            d.s("<a href=\"mailto:")
                .l(Email, email)
                .s("\">")
                .l(Email, email)
                .s("</a>");
        }
        _ => {
            let ent = email.replacen('@', "&#64;", 1);
            d.l(Email, &ent);
        }
    }
}

/// A name split by inline tags; the label covers the raw bytes.
fn html_name(g: &mut Gen, d: &mut Doc, p: &Person) {
    if g.rng.chance(1, 3) && p.locale != crate::people::Locale::Jp {
        let start = d.pos();
        d.s(&format!("<b>{}</b> {}", p.given, p.family));
        d.label_from(PersonName, start);
    } else {
        name_with_title(g, d, p);
    }
}

fn html_address(g: &mut Gen, d: &mut Doc, p: &Person) {
    let lines = g.address(p);
    d.s("<address>");
    let start = d.pos();
    d.s(&lines.join("<br>\n"));
    d.label_from(StreetAddress, start);
    d.s("</address>\n");
}

fn negatives_html(g: &mut Gen, d: &mut Doc) {
    let role = g.role_email();
    d.s(&format!(
        "<footer><p>Questions? Write to <a href=\"mailto:{role}\">{role}</a> or follow @northwind_{} on social.</p>\n",
        g.rng.lower(5)
    ));
    d.s(&format!(
        "<img src=\"/static/img/logo@2x.png\" srcset=\"/static/img/logo@3x.png 3x\"><script src=\"https://cdn.jsdelivr.net/npm/alpinejs@3.{}.{}/dist/cdn.min.js\"></script>\n",
        g.rng.range(0, 14),
        g.rng.range(0, 9)
    ));
    d.s(&format!(
        "<script src=\"/assets/app.v{}.js\" integrity=\"sha384-{}\"></script></footer>\n",
        g.version4(),
        g.sha()
    ));
}

fn html_product(g: &mut Gen, d: &mut Doc) {
    let brand = g.pick_str(BRANDS);
    let product = g.pick_str(PRODUCTS);
    let sku = g.sku();
    let price = g.price();
    let uuid = g.uuid();
    d.s(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{brand} Slim Fit Jacket | Northwind Outfitters</title></head>\n<body data-page-id=\"{uuid}\">\n<h1>{brand} Slim Fit Jacket</h1>\n<p class=\"sku\">SKU {sku} &middot; {price} &middot; ships from our {} warehouse</p>\n<p>Pairs well with the {product}. Free returns within 30 days.</p>\n<section class=\"qa\">\n",
        g.pick_str(PLACES)
    ));
    for _ in 0..g.rng.range(2, 5) {
        let p = g.person();
        let date = g.recent_date();
        d.s("<div class=\"question\"><p>Does this run small? I'm usually a medium.</p><p class=\"by\">Asked by ");
        html_name(g, d, &p);
        d.s(&format!(" on {date}</p>\n"));
        if g.rng.chance(1, 2) {
            // The incident this product exists for: a customer's contact
            // details rendered into a public page.
            d.s("<p class=\"contact\">Customer contact: ");
            let e = g.email_for(&p);
            html_email(g, d, &e);
            if g.rng.chance(1, 2) {
                d.s(" &middot; phone ");
                let ph = g.phone();
                d.l(PhoneNumber, &ph);
            }
            d.s("</p>\n");
        }
        let staff = g.role_email();
        d.s(&format!(
            "<div class=\"answer\"><p>It runs true to size. &mdash; Northwind team ({staff})</p></div></div>\n"
        ));
    }
    d.s(&format!(
        "</section>\n<p class=\"reviews\">Rated 4.{} by {} shoppers in {} &middot; version {}</p>\n",
        g.rng.below(10),
        g.rng.range(10, 999),
        g.pick_str(PLACES),
        g.version4()
    ));
    records::product_legal(g, d);
    negatives_html(g, d);
    d.s("</body></html>\n");
}

fn html_order(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    let order = g.order_no();
    d.s(&format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Order #{order} confirmed</title></head><body>\n<h1>Thank you for your order</h1>\n<p>Dear "
    ));
    name_with_title(g, d, &p);
    d.s(&format!(
        ",</p>\n<p>Order #{order} placed {} &middot; total {}</p>\n<table class=\"items\"><tr><td>{}</td><td>{} {}</td><td>{}</td></tr></table>\n<h2>Ship to</h2>\n",
        g.timestamp(),
        g.price(),
        g.sku(),
        g.pick_str(BRANDS),
        g.pick_str(PRODUCTS),
        g.price()
    ));
    html_name(g, d, &p);
    d.s("\n");
    html_address(g, d, &p);
    d.s("<p>Confirmation sent to ");
    let e = g.email_for(&p);
    html_email(g, d, &e);
    d.s(" &middot; Tel: ");
    let ph = g.phone();
    d.l(PhoneNumber, &ph);
    d.s(&format!(
        "</p>\n<p>Paid with card {} &middot; tracking {}</p>\n",
        g.masked_card(),
        g.tracking()
    ));
    if g.rng.chance(1, 3) {
        d.s("<input type=\"hidden\" name=\"debug_card\" value=\"");
        let c = g.card();
        d.l(PaymentCard, &c);
        d.s("\">\n");
    }
    negatives_html(g, d);
    d.s("</body></html>\n");
}

fn json_order(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    d.s(&format!(
        "  {{\"id\":\"{}\",\"order_no\":\"{}\",\"created_at\":\"{}\",\"customer\":{{",
        g.uuid(),
        g.order_no(),
        g.timestamp()
    ));
    if g.rng.chance(1, 2) {
        json_kv(d, "first_name", Some(PersonName), &p.given);
        d.s(",");
        json_kv(d, "last_name", Some(PersonName), &p.family);
    } else {
        json_kv(d, "name", Some(PersonName), &p.plain());
    }
    d.s(",");
    let e = g.email_for(&p);
    json_kv(d, "email", Some(Email), &e);
    d.s(",");
    let ph = g.phone();
    json_kv(d, "phone", Some(PhoneNumber), &ph);
    d.s(",");
    let dob = g.dob();
    json_kv(d, "birth_date", Some(DateOfBirth), &dob);
    d.s(",");
    let addr = g.address(&p).join(", ");
    json_kv(d, "shipping_address", Some(StreetAddress), &addr);
    d.s(&format!(
        "}},\"payment\":{{\"method\":\"card\",\"masked\":\"{}\",\"auth_code\":\"{}\"",
        g.masked_card(),
        g.rng.alnum_upper(6)
    ));
    if g.rng.chance(1, 3) {
        d.s(",");
        let c = g.card();
        json_kv(d, "pan", Some(PaymentCard), &c);
        d.s(",");
        let v = g.security_code();
        json_kv(d, "cvc", Some(CardSecurityCode), &v);
    }
    if g.rng.chance(1, 4) {
        d.s(",");
        let iban = g.iban();
        json_kv(d, "iban", Some(Iban), &iban);
    }
    d.s(&format!(
        "}},\"items\":[{{\"sku\":\"{}\",\"qty\":{},\"price\":\"{}\"{}}}],",
        g.sku(),
        g.rng.range(1, 4),
        g.price(),
        records::product_condition(g)
    ));
    let ip = g.ip_public();
    json_kv(d, "client_ip", Some(IpAddress), &ip);
    d.s(",");
    let ua = g.user_agent();
    json_kv(d, "user_agent", None, &ua);
    d.s(&format!(
        ",\"support_contact\":\"{}\",\"trace\":\"{}\",\"reference\":\"{}\"}}",
        g.role_email(),
        g.sha(),
        g.luhn_invalid_16()
    ));
}

fn ndjson_event(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    let ev = g.pick_str(&[
        "login",
        "checkout",
        "password_reset",
        "newsletter_signup",
        "address_change",
    ]);
    d.s(&format!(
        "{{\"ts\":\"{}\",\"event\":\"{ev}\",\"session\":\"{}\",",
        g.timestamp(),
        g.uuid()
    ));
    let e = g.email_for(&p);
    json_kv(d, "user", Some(Email), &e);
    d.s(",");
    let ip = g.ip_public();
    json_kv(d, "ip", Some(IpAddress), &ip);
    d.s(&format!(
        ",\"edge\":\"{}\",\"build\":\"{}\"",
        g.ip_private(),
        g.version4()
    ));
    match ev {
        "checkout" => {
            d.s(",");
            let c = g.card();
            json_kv(d, "card_number", Some(PaymentCard), &c);
            d.s(&format!(
                ",\"card_hint\":\"{}\",\"total\":\"{}\"",
                g.masked_card(),
                g.price()
            ));
        }
        "address_change" => {
            d.s(",");
            let a = g.address(&p).join(", ");
            json_kv(d, "new_address", Some(StreetAddress), &a);
            d.s(",");
            let ph = g.phone();
            json_kv(d, "phone", Some(PhoneNumber), &ph);
        }
        "password_reset" => {
            d.s(&format!(
                ",\"token\":\"{}\",\"notify\":\"{}\"",
                g.sha(),
                g.role_email()
            ));
        }
        _ => {
            d.s(&format!(",\"ua\":\"{}\"", js(&g.user_agent())));
        }
    }
    d.s("}\n");
}

fn csv_customer(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    d.s(&format!("C{},", g.rng.digits(8)));
    d.l(PersonName, &p.given).s(",");
    d.l(PersonName, &p.family).s(",\"");
    d.l(PersonName, &p.plain()).s("\",");
    let e = g.email_for(&p);
    d.l(Email, &e).s(",");
    let ph = g.phone();
    d.l(PhoneNumber, &ph).s(",");
    let dob = g.dob();
    d.s("\"").l(DateOfBirth, &dob).s("\",\"");
    let a = g.address(&p).join(", ");
    d.l(StreetAddress, &a).s("\",");
    if g.rng.chance(1, 3) {
        let s = g.ssn_dashed();
        d.l(UsSsn, &s);
    }
    d.s(",");
    if g.rng.chance(1, 3) {
        let i = g.iban();
        d.l(Iban, &i);
    }
    d.s(&format!(",{},", g.timestamp()));
    match g.rng.below(4) {
        0 => {
            let bad = g.iban_bad_checksum();
            d.s(&format!("\"old account {bad} (closed)\""));
        }
        1 => {
            d.s(&format!(
                "\"prefers {} products; ref {}\"",
                g.pick_str(BRANDS),
                g.bare_nine_digits()
            ));
        }
        2 => {
            d.s(&format!(
                "\"flagged: SSN on file {} rejected\"",
                g.invalid_ssn()
            ));
        }
        _ => {}
    }
    d.s("\n");
}

fn csv_order(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    d.s(&format!(
        "{},{},{},{},{},",
        g.order_no(),
        g.recent_date(),
        g.sku(),
        g.rng.range(1, 5),
        g.price().replace(',', "")
    ));
    let e = g.email_for(&p);
    d.l(Email, &e).s(",\"");
    d.l(PersonName, &p.plain()).s("\",");
    if g.rng.chance(1, 4) {
        let c = g.card();
        d.l(PaymentCard, &c).s(",");
        if g.rng.chance(2, 3) {
            let v = g.security_code();
            d.l(CardSecurityCode, &v);
        }
    } else if g.rng.chance(1, 3) {
        d.s(&g.luhn_invalid_16()).s(",");
    } else {
        d.s(",");
    }
    d.s(&format!(",{},{},", g.masked_card(), g.tracking()));
    if g.rng.chance(1, 2) {
        let ip = g.ip_public();
        d.l(IpAddress, &ip);
    } else {
        d.s(&g.ip_private());
    }
    d.s(&format!(",\"{}\"\n", g.user_agent()));
}

fn mail(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    let e = g.email_for(&p);
    let support = g.role_email();
    let msgid = format!(
        "<{}.{}@mail.{SHOP_DOMAIN}>",
        g.rng.digits(12),
        g.rng.hex(10)
    );
    d.s("From ").l(Email, &e).s(" Tue Mar 12 10:22:33 2024\n");
    d.s("Received: from mail-out.example.net (mail-out.example.net [");
    let ip = g.ipv4_public();
    d.l(IpAddress, &ip);
    d.s(&format!(
        "])\n\tby mx1.{SHOP_DOMAIN} ({}) with ESMTPS id {}\n",
        g.ip_private(),
        g.rng.alnum_upper(12)
    ));
    d.s("From: \"");
    d.l(PersonName, &p.plain()).s("\" <").l(Email, &e).s(">\n");
    d.s(&format!(
        "To: Northwind Support <{support}>\nSubject: Question about order #{}\n",
        g.order_no()
    ));
    d.s(&format!(
        "Date: Tue, 12 Mar 2024 10:{:02}:{:02} +0100\nMessage-ID: {msgid}\n",
        g.rng.below(60),
        g.rng.below(60)
    ));
    d.s("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n");
    d.s("Hello,\n\nmy parcel has not arrived. My details:\n\nName: ");
    name_with_title(g, d, &p);
    d.s("\nDate of birth: ");
    let dob = g.dob();
    d.l(DateOfBirth, &dob);
    d.s("\nPhone: ");
    let ph = g.phone();
    d.l(PhoneNumber, &ph);
    d.s("\nAddress:\n");
    let lines = g.address(&p);
    let start = d.pos();
    d.s(&lines.join("\n"));
    d.label_from(StreetAddress, start);
    if g.rng.chance(1, 3) {
        d.s("\n\n");
        records::mail_identity(g, d, &p);
    }
    d.s(&format!(
        "\n\nTracking number {} (shipped {}).\n",
        g.tracking(),
        g.recent_date()
    ));
    if g.rng.chance(1, 3) {
        d.s("Please refund to IBAN ");
        let i = g.iban();
        d.l(Iban, &i);
        d.s(".\n");
    }
    d.s("\nThanks,\n");
    d.l(PersonName, &p.plain());
    d.s(&format!(
        "\n\n> On {} {} wrote:\n> Your order has shipped. Do not reply to this message.\n\n",
        g.recent_date(),
        support
    ));
}

fn sql_str(s: &str) -> String {
    s.replace('\'', "''")
}

fn sql(g: &mut Gen, d: &mut Doc) {
    let p = g.person();
    if g.rng.chance(1, 4) {
        d.s(&format!(
            "INSERT INTO products (sku, brand, title, price, image) VALUES ('{}', '{}', '{} edition', '{}', 'hero@2x.jpg');\n",
            g.sku(),
            g.pick_str(BRANDS),
            g.pick_str(PRODUCTS),
            g.price()
        ));
    }
    d.s(&format!(
        "INSERT INTO customers VALUES ({}, '",
        g.rng.range(1, 9_999_999)
    ));
    d.l(PersonName, &sql_str(&p.given)).s("', '");
    d.l(PersonName, &sql_str(&p.family)).s("', '");
    let e = g.email_for(&p);
    d.l(Email, &e).s("', '");
    let ph = g.phone();
    d.l(PhoneNumber, &ph).s("', '");
    let dob = g.dob();
    d.l(DateOfBirth, &dob).s("', '");
    let a = sql_str(&g.address(&p).join(", "));
    d.l(StreetAddress, &a).s("', ");
    if g.rng.chance(1, 2) {
        d.s("'");
        let s = g.ssn_dashed();
        d.l(UsSsn, &s).s("'");
    } else {
        d.s("NULL");
    }
    d.s(", ");
    if g.rng.chance(1, 3) {
        d.s("'");
        let c = g.card();
        d.l(PaymentCard, &c).s("'");
    } else {
        d.s(&format!("'{}'", g.masked_card()));
    }
    d.s(", '");
    let ip = g.ip_public();
    d.l(IpAddress, &ip);
    d.s(&format!("', '{}', '{}');\n", g.timestamp(), g.sha()));
    if g.rng.chance(1, 3) {
        d.s(&format!(
            "INSERT INTO audit_log VALUES ('{}', '{}', 'export by {}', '{}');\n",
            g.uuid(),
            g.ip_private(),
            g.role_email(),
            g.recent_date()
        ));
    }
}
