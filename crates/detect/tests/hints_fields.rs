//! A field's name raises or vetoes a kind: one rule per test, on small
//! CSV, TSV and SQL inputs scanned as the pipeline does (sniffed, then
//! streamed).

use bw_detect::hints::csv::CsvHinter;
use bw_detect::hints::sql::SqlHinter;
use bw_detect::{Engine, Kind, Start, StreamScanner};

/// `(kind, matched text)` of the findings at the default threshold.
fn found(name: &str, data: &str) -> Vec<(Kind, String)> {
    let engine = Engine::new(Kind::ALL);
    let mut out = Vec::new();
    let mut s = StreamScanner::default();
    let start = |head: &[u8]| {
        if let Some(h) = SqlHinter::sniff(name, head) {
            Start::Sql(h)
        } else if let Some(h) = CsvHinter::sniff(name, head) {
            Start::Csv(h)
        } else {
            Start::Plain
        }
    };
    s.scan_structured(&engine, data.as_bytes(), start, |h| {
        if h.finding.score >= 0.5 {
            out.push((
                h.finding.kind,
                String::from_utf8_lossy(h.value()).into_owned(),
            ));
        }
        Ok(())
    })
    .expect("in-memory reads do not fail");
    out
}

fn of(kind: Kind, v: &[(Kind, String)]) -> Vec<String> {
    v.iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, s)| s.clone())
        .collect()
}

#[test]
fn a_phone_column_admits_national_and_plus_less_numbers_and_an_id_column_none() {
    let csv = "account_id,mobile,notes\n\
               4158234471,4158234471,4158234471\n\
               2125550143,447911123456,x\n\
               6467231190,020 7946 0958,x\n";
    assert_eq!(
        of(Kind::PhoneNumber, &found("people.csv", csv)),
        vec!["4158234471", "447911123456", "020 7946 0958"]
    );
}

#[test]
fn an_ssn_column_admits_an_undashed_number() {
    let csv = "name\tssn\tcustomer_id\nMaren Lindqvist\t234567891\t345678912\n";
    assert_eq!(of(Kind::UsSsn, &found("export", csv)), vec!["234567891"]);
    let sql = "CREATE TABLE p (tax_id char(9), note text);\nINSERT INTO p VALUES ('345678901','456789012');\n";
    assert_eq!(of(Kind::UsSsn, &found("p.sql", sql)), vec!["345678901"]);
}

#[test]
fn tab_separated_name_columns_stay_apart() {
    let tsv = "first_name\tlast_name\temail\nMaren\tLindqvist\tmaren@posteo.de\n";
    assert_eq!(
        of(Kind::PersonName, &found("x.tsv", tsv)),
        vec!["Maren", "Lindqvist"]
    );
    let copy = "COPY public.c (given_name, family_name) FROM stdin;\nTobias\tOkafor\n\\.\n";
    assert_eq!(
        of(Kind::PersonName, &found("d.sql", copy)),
        vec!["Tobias", "Okafor"]
    );
}

#[test]
fn last_comma_first_fills_a_name_cell() {
    let csv = "id,full_name,email\n1,\"Lindqvist, Maren\",a@posteo.de\n2,\"Dos Santos, José María\",b@web.de\n";
    assert_eq!(
        of(Kind::PersonName, &found("c.csv", csv)),
        vec!["Lindqvist, Maren", "Dos Santos, José María"]
    );
}

#[test]
fn a_birth_date_column_takes_iso_and_us_dates_in_every_shape() {
    let csv = "email;Date of Birth\na@posteo.de;1984-03-12\nb@web.de;03/12/1984\n";
    assert_eq!(
        of(Kind::DateOfBirth, &found("c.csv", csv)),
        vec!["1984-03-12", "03/12/1984"]
    );
    let sql = "CREATE TABLE `u` (`id` int, `birth_date` date);\nINSERT INTO `u` VALUES (1,'1984-03-12'),(2,'1990-11-02');\n";
    assert_eq!(
        of(Kind::DateOfBirth, &found("u.sql", sql)),
        vec!["1984-03-12", "1990-11-02"]
    );
}

#[test]
fn a_known_table_s_columns_overrule_the_old_date_in_a_row_guess() {
    // Without a schema, the first old date of a people table's row is
    // guessed to be a birth date; with one, only the birth-date column is.
    let sql = "CREATE TABLE customers (id int, created_on date, birth_date date);\n\
               INSERT INTO customers VALUES (1,'2001-05-02','1984-03-12');\n";
    assert_eq!(
        of(Kind::DateOfBirth, &found("c.sql", sql)),
        vec!["1984-03-12"]
    );
}

#[test]
fn a_schema_less_row_keeps_its_guess_beside_a_hinted_statement() {
    // The next statement's `sku` hint lies within the guess's window but
    // not on the schema-less row's line.
    let dump = "INSERT INTO customers VALUES (7, 'Ann', 'Lee', '1981-11-12');\n\
                INSERT INTO products (sku, title) VALUES ('NW-1', 'Mug');\n";
    assert_eq!(
        of(Kind::DateOfBirth, &found("shop.sql", dump)),
        ["1981-11-12"]
    );
}

#[test]
fn identity_columns_admit_their_numbers_and_only_theirs() {
    // A verification export: each column's value is its kind; an account
    // number is a bank's beside an ABA-valid routing number only; an
    // email address in the username column is an email.
    let csv =
        "username,tax_id,passport_number,drivers_license,routing_number,account_number,notes\n\
               kw4ng,912-78-3456,C01X00T47,D4821937,021000021,483920175,passport photo 534218907\n\
               ann@example.org,46-1234567,534218907,MORGA753116SM9IJ,021000022,4417209311,x\n";
    let got = found("kyc.csv", csv);
    assert_eq!(of(Kind::Username, &got), ["kw4ng"]);
    assert_eq!(of(Kind::Email, &got), ["ann@example.org"]);
    assert_eq!(of(Kind::TaxId, &got), ["912-78-3456", "46-1234567"]);
    assert_eq!(of(Kind::Passport, &got), ["C01X00T47", "534218907"]);
    assert_eq!(
        of(Kind::DriversLicense, &got),
        ["D4821937", "MORGA753116SM9IJ"]
    );
    assert_eq!(of(Kind::BankAccount, &got), ["483920175"]);
    // The routing numbers are the banks', and nothing else either.
    assert!(
        got.iter().all(|(_, v)| !v.starts_with("02100002")),
        "{got:?}"
    );
}

#[test]
fn a_users_dump_holds_logins_and_password_hashes() {
    let dump = "CREATE TABLE public.users (\n    id integer,\n    username character varying(64),\n    password_hash character varying(255),\n    last_login timestamp\n);\n\
COPY public.users (id, username, password_hash, last_login) FROM stdin;\n\
1\tm.okafor\t$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\t2024-03-01 10:00:00+00\n\
2\tkw4ng\tkorvel42!\t\\N\n\\.\n";
    let got = found("users.sql", dump);
    assert_eq!(of(Kind::Username, &got), ["m.okafor", "kw4ng"]);
    assert_eq!(of(Kind::Password, &got).len(), 2, "{got:?}");
}

#[test]
fn medical_columns_and_a_condition_beside_them() {
    let sql = "CREATE TABLE `visits` (`id` int, `diagnosis` text, `condition` varchar(32));\n\
               INSERT INTO `visits` VALUES (1,'Mild intermittent asthma','stable'),(2,'Migraine','chronic');\n\
               CREATE TABLE `items` (`sku` varchar(16), `condition` varchar(16));\n\
               INSERT INTO `items` VALUES ('NW-1','refurbished'),('NW-2','open box');\n";
    assert_eq!(
        of(Kind::Health, &found("clinic.sql", sql)),
        ["Mild intermittent asthma", "stable", "Migraine", "chronic"]
    );
}

#[test]
fn a_brand_column_is_no_person() {
    // A catalogue's maker named after a person, in its own column: the
    // column says what it is, not a list of brands.
    let csv = "sku,brand,name,price\nJK-1,Laura Ashley,Harbor Jacket,59.00\nDR-2,Karen Millen,Wrap Dress,89.00\n";
    assert_eq!(
        of(Kind::PersonName, &found("catalogue.csv", csv)),
        Vec::<String>::new()
    );
    let sql = "INSERT INTO products (sku, brand, title) VALUES ('JK-1', 'Laura Ashley', 'Harbor edition');\n";
    assert_eq!(
        of(Kind::PersonName, &found("dump.sql", sql)),
        Vec::<String>::new()
    );
    // The same words in a customer column are a person.
    let people = "id,customer,email\n1,Laura Ashley,la@example.com\n";
    assert_eq!(
        of(Kind::PersonName, &found("orders.csv", people)),
        ["Laura Ashley"]
    );
}
