//! The customer base and leak that the scope and registry tests share:
//! 200 synthetic customers from `bw_scope::synth` (two sharing a name, one
//! with a guest namesake) and a leak the test writes itself (CSV, HTML and
//! a zip holding JSON), with the affected customers it should yield.

use std::collections::BTreeMap;

use bw_scope::synth::{self, Person, CSV_HEADER};

use super::{Run, Scratch};

pub const SEED: u64 = 7;
pub const CUSTOMERS: u64 = 200;
/// Two customers share this (hand-picked) full name.
pub const SHARED: (&str, &str) = ("Maria", "Garcia");
/// Customer 50's (hand-picked, unique) name; a guest in the leak has it too.
pub const NAMESAKE: (&str, &str) = ("Helen", "Whitaker");

pub fn customers() -> Vec<Person> {
    (0..CUSTOMERS)
        .map(|n| {
            let mut p = synth::customer(SEED, n);
            if n >= CUSTOMERS - 2 {
                p.first = SHARED.0.into();
                p.last = SHARED.1.into();
            }
            if n == 50 {
                p.first = NAMESAKE.0.into();
                p.last = NAMESAKE.1.into();
            }
            p
        })
        .collect()
}

pub fn customers_csv(people: &[Person]) -> String {
    let mut s = format!("{CSV_HEADER}\n");
    for p in people {
        s.push_str(&synth::csv_row(p));
        s.push('\n');
    }
    s
}

/// A zip with one stored (uncompressed) entry: enough for the expander,
/// and no zip writer needed in the test.
pub fn stored_zip(name: &str, data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    let crc = crc.sum();
    let (n, len) = (name.len() as u16, data.len() as u32);
    let mut z = Vec::new();
    z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    z.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    let cd = z.len() as u32;
    z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    z.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&[0; 12]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    let cd_len = z.len() as u32 - cd;
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    z.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    z.extend_from_slice(&cd_len.to_le_bytes());
    z.extend_from_slice(&cd.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

/// Writes the leak; returns the expected `customer_id -> matched` map.
pub fn write_leak(s: &Scratch, people: &[Person]) -> BTreeMap<String, String> {
    let d = |n: u64| synth::distractor(SEED, n);
    let mut want = BTreeMap::new();
    let mut csv = String::from("order,email,phone\n");
    // Email only; email and international phone; national phone only.
    csv.push_str(&format!("o1,{},\n", people[3].email));
    csv.push_str(&format!(
        "o2,{},{}\n",
        people[10].email, people[10].phone_intl
    ));
    csv.push_str(&format!("o3,,{}\n", people[11].phone));
    for n in 0..5 {
        csv.push_str(&format!("x{n},{},{}\n", d(n).email, d(n).phone_intl));
    }
    want.insert(people[3].id.clone(), "email".to_string());
    want.insert(people[10].id.clone(), "email+phone_number".to_string());
    want.insert(people[11].id.clone(), "phone_number".to_string());
    s.write("leak/users.csv", csv.as_bytes());

    let mut html = String::from("<html><body><table>\n");
    for p in [&people[25], &d(5), &people[40], &d(6)] {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>\n",
            p.email.to_uppercase(),
            p.phone_intl
        ));
    }
    // A customer's name beside a non-customer's email: a guest with the
    // same name, not that customer (counted as contradicted).
    html.push_str(&format!(
        "<tr><td>{} {}</td><td>{}</td></tr>\n",
        NAMESAKE.0,
        NAMESAKE.1,
        d(5).email
    ));
    // The shared name alone: ambiguous. The same name next to the email of
    // one of its two customers: that customer, name confirmed.
    let last = &people[CUSTOMERS as usize - 1];
    html.push_str(&format!(
        "<p>Complaint filed by {} {} last week.</p>\n",
        SHARED.0, SHARED.1
    ));
    html.push_str(&"<p>Nothing to see here, just filler text for distance.</p>\n".repeat(8));
    html.push_str(&format!(
        "<tr><td>{} {}</td><td>{}</td></tr>\n</table></body></html>\n",
        SHARED.0, SHARED.1, last.email
    ));
    want.insert(people[25].id.clone(), "email+phone_number".to_string());
    want.insert(people[40].id.clone(), "email+phone_number".to_string());
    want.insert(last.id.clone(), "email+person_name".to_string());
    s.write("leak/page.html", html.as_bytes());

    let mut json = String::from("[\n");
    for p in [&people[77], &d(7), &people[120], &d(8)] {
        json.push_str(&format!(
            "  {{\"order\": 1, \"contact\": \"{}\"}},\n",
            p.email
        ));
    }
    json.push_str("  {}\n]\n");
    want.insert(people[77].id.clone(), "email".to_string());
    want.insert(people[120].id.clone(), "email".to_string());
    s.write(
        "leak/export.zip",
        &stored_zip("orders.json", json.as_bytes()),
    );
    want
}

pub fn setup() -> (Scratch, Vec<Person>) {
    let s = Scratch::new();
    let people = customers();
    s.write("customers.csv", customers_csv(&people).as_bytes());
    let r = s.run(&["registry", "init"]);
    assert_eq!(r.code, 0, "init: {}", r.stderr);
    let r = s.run(&["registry", "import", "customers.csv"]);
    assert_eq!(r.code, 0, "import: {}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("{CUSTOMERS} customers ({CUSTOMERS} added")),
        "{}",
        r.stdout
    );
    (s, people)
}

pub fn affected(r: &Run) -> BTreeMap<String, String> {
    r.jsonl()
        .iter()
        .filter(|l| l.get("customer_id").is_some())
        .map(|l| {
            let m: Vec<&str> = l["matched"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            (
                l["customer_id"].as_str().unwrap_or("").to_string(),
                m.join("+"),
            )
        })
        .collect()
}
