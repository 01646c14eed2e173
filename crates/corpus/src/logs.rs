//! The log formats: a web server's access log and an application's log,
//! one line a record, with their labels.

use crate::doc::Doc;
use crate::kind::Kind::*;
use crate::records;
use crate::values::{Gen, SHOP_DOMAIN};

fn url_encode_email(e: &str) -> String {
    e.replace('+', "%2B").replace('@', "%40")
}

const MONTHS3: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub fn access_log(g: &mut Gen, d: &mut Doc) {
    let public = g.rng.chance(3, 4);
    if public {
        let ip = g.ip_public();
        d.l(IpAddress, &ip);
    } else {
        d.s(&g.ip_private());
    }
    let when = format!(
        "{:02}/{}/2024:{:02}:{:02}:{:02} +0000",
        g.rng.range(1, 28),
        MONTHS3[g.rng.usize(12)],
        g.rng.below(24),
        g.rng.below(60),
        g.rng.below(60)
    );
    d.s(&format!(" - - [{when}] \"GET "));
    match g.rng.below(5) {
        0 => {
            let p = g.person();
            let e = g.email_for(&p);
            d.s("/account/lookup?email=")
                .l(Email, &url_encode_email(&e))
                .s(&format!("&ref={}", g.rng.lower(6)));
        }
        1 => {
            d.s(&format!("/static/img/logo@2x.png?v={}", g.version4()));
        }
        2 => {
            d.s(&format!(
                "/products/{}?utm_source=newsletter&sid={}",
                g.sku().to_lowercase(),
                g.uuid()
            ));
        }
        3 => {
            d.s(&format!(
                "/api/v2/orders/{}/tracking/{}",
                g.order_no(),
                g.tracking()
            ));
        }
        _ => {
            d.s(&format!(
                "/unsubscribe?u={}&list=weekly",
                url_encode_email(&g.role_email())
            ));
        }
    }
    d.s(&format!(
        " HTTP/1.1\" {} {} \"https://www.{SHOP_DOMAIN}/\" \"{}\"",
        g.pick_str(&["200", "200", "304", "404", "302"]),
        g.rng.range(200, 90000),
        g.user_agent()
    ));
    if g.rng.chance(1, 3) {
        d.s(" xff=");
        let ip = g.ip_public();
        d.l(IpAddress, &ip);
    }
    d.s("\n");
}

pub fn app_log(g: &mut Gen, d: &mut Doc) {
    let ts = g.timestamp();
    let level = g.pick_str(&["INFO", "INFO", "DEBUG", "WARN", "ERROR"]);
    let svc = g.pick_str(&["checkout", "accounts", "payments", "shipping", "crm-sync"]);
    d.s(&format!("{ts} {level} [{svc}] req={} ", g.uuid()));
    match g.rng.below(15) {
        case @ 10.. => records::app_log_line(g, d, case),
        0 => {
            let p = g.person();
            let e = g.email_for(&p);
            d.s("login ok user=").l(Email, &e).s(" from=");
            let ip = g.ip_public();
            d.l(IpAddress, &ip);
        }
        1 => {
            d.s("payment declined card=");
            let c = g.card();
            d.l(PaymentCard, &c);
            d.s(&format!(
                " amount={} retry_ref={}",
                g.price(),
                g.luhn_invalid_16()
            ));
        }
        2 => {
            d.s("identity check SSN: ");
            if g.rng.chance(1, 2) {
                let s = g.ssn_undashed();
                d.l(UsSsn, &s);
            } else {
                let s = g.ssn_dashed();
                d.l(UsSsn, &s);
            }
            d.s(" result=pass");
        }
        3 => {
            d.s("sepa mandate iban=");
            let i = g.iban();
            d.l(Iban, &i);
            d.s(&format!(
                " previous={} (checksum failed)",
                g.iban_bad_checksum().replace(' ', "")
            ));
        }
        4 => {
            d.s("sms sent to ");
            let ph = g.phone();
            d.l(PhoneNumber, &ph);
            d.s(&format!(
                " template=otp order={} at {}",
                g.order_no(),
                g.recent_date()
            ));
        }
        9 => {
            // A nine-digit number with no SSN context: not labelled.
            d.s(&format!(
                "export batch={} rows={} checksum={}",
                g.bare_nine_digits(),
                g.rng.range(1, 99999),
                g.sha()
            ));
        }
        5 => {
            d.s(&format!(
                "db pool connected host={}:5432 replica={} driver=pg@8.{}.{} commit={}",
                g.ip_private(),
                g.ip_private(),
                g.rng.range(0, 12),
                g.rng.range(0, 9),
                g.sha()
            ));
        }
        6 => {
            let p = g.person();
            d.s("customer updated name=\"");
            d.l(PersonName, &p.plain()).s("\" dob=");
            let dob = g.dob();
            d.l(DateOfBirth, &dob);
            d.s(&format!(" zip={} notify={}", g.zip4(), g.role_email()));
        }
        7 => {
            d.s(&format!(
                "client version v{} agent=\"{}\" mask={} invalid_ssn={}",
                g.version4(),
                g.user_agent(),
                g.masked_card(),
                g.invalid_ssn()
            ));
        }
        _ => {
            d.s(&format!(
                "webhook from @{} delivered id=<{}.{}@mail.{SHOP_DOMAIN}> latency_ms={}",
                g.rng.lower(7),
                g.rng.digits(14),
                g.rng.hex(8),
                g.rng.range(1, 900)
            ));
        }
    }
    d.s("\n");
}
