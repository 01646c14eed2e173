use super::*;

/// The hinted cells of `data` fed in chunks of `step`, as text.
fn cells(data: &[u8], step: usize) -> Vec<(String, Field)> {
    let mut h = SqlHinter::new();
    for chunk in data.chunks(step) {
        h.feed(chunk);
    }
    let mut out = Vec::new();
    h.hints_in(0, data.len(), &mut out);
    out.iter()
        .map(|x| {
            (
                String::from_utf8_lossy(&data[x.start..x.end]).into_owned(),
                x.field,
            )
        })
        .collect()
}

fn same_for_every_chunking(data: &[u8]) -> Vec<(String, Field)> {
    let want = cells(data, data.len());
    for step in [1, 2, 3, 7, 64] {
        assert_eq!(cells(data, step), want, "step {step}");
    }
    want
}

fn c(s: &str, f: Field) -> (String, Field) {
    (s.to_string(), f)
}

#[test]
fn mysqldump_create_table_columns_reach_every_tuple_of_an_extended_insert() {
    let data = b"-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `customers`;\n\
CREATE TABLE `customers` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `first_name` varchar(40) NOT NULL,\n\
  `telephone` varchar(32) DEFAULT NULL COMMENT 'mobile, (or home)',\n  `price` decimal(10,2),\n  `tax_id` char(9),\n\
  PRIMARY KEY (`id`),\n  KEY `idx` (`first_name`,`telephone`)\n) ENGINE=InnoDB;\n\
LOCK TABLES `customers` WRITE;\n\
INSERT INTO `customers` VALUES (1,'Ann','(415) 823-4471',1.50,'123456789'),(2,'O\\'Dell',NULL,2.00,'234567890'),(3,'Kim','4158234471',3.00,NULL);\n\
UNLOCK TABLES;\n";
    assert_eq!(
        same_for_every_chunking(data),
        vec![
            c("1", Field::Id),
            c("Ann", Field::GivenName),
            c("(415) 823-4471", Field::Phone),
            c("123456789", Field::TaxId),
            c("2", Field::Id),
            c("O\\'Dell", Field::GivenName),
            c("234567890", Field::TaxId),
            c("3", Field::Id),
            c("Kim", Field::GivenName),
            c("4158234471", Field::Phone),
        ]
    );
}

#[test]
fn pg_dump_copy_blocks_are_tab_separated_with_null_and_escapes() {
    let data = b"--\n-- PostgreSQL database dump\n--\nSET statement_timeout = 0;\n\
COPY public.customers (id, email, phone, notes) FROM stdin;\n\
1\tann@posteo.de\t(415) 823-4471\tline\\none\n\
2\t\\N\t020 7946 0958\t\\N\n\
\\.\n\
COPY public.orders (id, total) FROM stdin;\n7\t12.50\n\\.\n\
SELECT pg_catalog.setval('x', 1, true);\n";
    assert_eq!(
        same_for_every_chunking(data),
        vec![
            c("1", Field::Id),
            c("ann@posteo.de", Field::Email),
            c("(415) 823-4471", Field::Phone),
            c("2", Field::Id),
            c("020 7946 0958", Field::Phone),
            c("7", Field::Id),
        ]
    );
}

#[test]
fn pg_dump_inserts_with_and_without_column_lists() {
    let data = b"CREATE TABLE public.customers (\n    id integer NOT NULL,\n    last_name character varying(40),\n    mobile text\n);\n\
INSERT INTO public.customers VALUES (1, 'Okafor', '4158234471');\n\
INSERT INTO public.customers (mobile, last_name) VALUES ('447911123456', E'Dos\\\\Santos');\n\
INSERT INTO public.customers VALUES (3, 'Mc''Kay', NULL), (4, 'Haddad', '212-555-0199');\n";
    assert_eq!(
        same_for_every_chunking(data),
        vec![
            c("1", Field::Id),
            c("Okafor", Field::FamilyName),
            c("4158234471", Field::Phone),
            c("447911123456", Field::Phone),
            c("Dos\\\\Santos", Field::FamilyName),
            c("3", Field::Id),
            c("Mc''Kay", Field::FamilyName),
            c("4", Field::Id),
            c("Haddad", Field::FamilyName),
            c("212-555-0199", Field::Phone),
        ]
    );
}

#[test]
fn sqlite_dump_inserts_without_a_space_before_the_tuple() {
    let data = b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE customers(id INTEGER PRIMARY KEY, \"date of birth\" TEXT, ssn TEXT, note TEXT);\n\
INSERT INTO customers VALUES(1,'1984-03-12','123456789','a; b'), (2,'03/12/1984','234567890','(x)');\n\
CREATE INDEX i ON customers(ssn);\nCOMMIT;\n";
    assert_eq!(
        same_for_every_chunking(data),
        vec![
            c("1", Field::Id),
            c("1984-03-12", Field::DateOfBirth),
            c("123456789", Field::Ssn),
            c("2", Field::Id),
            c("03/12/1984", Field::DateOfBirth),
            c("234567890", Field::Ssn),
        ]
    );
}

#[test]
fn unknown_tables_and_unfollowed_statements_give_no_hints() {
    let data = b"INSERT INTO customers VALUES (1,'Ann','Lee');\n\
CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\
CREATE TABLE t (a text, b text);\nINSERT INTO t VALUES ('x','y');\n";
    assert!(same_for_every_chunking(data).is_empty());
}

#[test]
fn the_table_map_is_capped() {
    let mut data = Vec::new();
    for i in 0..MAX_TABLES + 10 {
        data.extend_from_slice(format!("CREATE TABLE t{i} (email text);\n").as_bytes());
    }
    let last = MAX_TABLES + 9;
    data.extend_from_slice(
        format!("INSERT INTO t0 VALUES ('a@b.de');\nINSERT INTO t{last} VALUES ('c@d.de');\n")
            .as_bytes(),
    );
    let mut h = SqlHinter::new();
    h.feed(&data);
    assert_eq!(h.tables.len(), MAX_TABLES);
    assert_eq!(
        cells(&data, 4096),
        vec![c("c@d.de", Field::Email)],
        "the oldest table was dropped"
    );
}

#[test]
fn dumps_are_sniffed_by_name_or_head() {
    assert!(SqlHinter::sniff("backup.SQL", b"whatever").is_some());
    assert!(SqlHinter::sniff("x", b"-- MySQL dump 10.13  Distrib 8.0\n").is_some());
    assert!(SqlHinter::sniff("x", b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n").is_some());
    assert!(SqlHinter::sniff("x", b"SET x = 1;\n\nCOPY public.t (a) FROM stdin;\n").is_some());
    assert!(
        SqlHinter::sniff("notes.txt", b"We talked about the INSERT INTO statement.\n").is_none()
    );
    assert!(SqlHinter::sniff("a.csv", b"name,email\nAnn,a@b.de\n").is_none());
}

#[test]
fn forgetting_keeps_the_open_cell() {
    let mut h = SqlHinter::new();
    h.feed(b"CREATE TABLE t (email text);\nINSERT INTO t VALUES ('a@b.de'),('c@d");
    h.forget_before(60);
    let mut out = Vec::new();
    h.hints_in(50, 100, &mut out);
    assert_eq!(
        out,
        vec![Hint {
            start: 13,
            end: 16,
            field: Field::Email
        }]
    );
}

/// The record each byte of `data` is in (fed in chunks of `step`; a
/// chunk's bytes are asked for once the next one is fed, as the scanner
/// asks only for findings before its look-ahead, then forgotten).
fn records(data: &[u8], step: usize) -> Vec<Option<u64>> {
    let mut h = SqlHinter::new();
    let mut out = Vec::new();
    let mut asked = 0;
    let mut fed = 0;
    for chunk in data.chunks(step) {
        h.feed(chunk);
        out.extend((asked..fed).map(|p| h.record_at(p)));
        h.forget_before(fed);
        asked = fed;
        fed += chunk.len();
    }
    out.extend((asked..fed).map(|p| h.record_at(p)));
    out
}

/// [`records`] of `data`, checked to be the same for every chunking in
/// `steps`, and a lookup of the record the first occurrence of a needle
/// starts in.
fn records_for_every_chunking<'a>(
    data: &'a [u8],
    steps: &[usize],
) -> impl Fn(&[u8]) -> Option<u64> + 'a {
    let want = records(data, data.len());
    for &step in steps {
        assert_eq!(records(data, step), want, "step {step}");
    }
    move |needle: &[u8]| {
        let i = data
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("needle in data");
        want[i]
    }
}

#[test]
fn every_tuple_and_copy_row_is_one_record_across_chunks() {
    let data = b"CREATE TABLE t (a int, b text);\n\
INSERT INTO t VALUES (1,'x),('),(2,'y');\n\
INSERT INTO t VALUES\n\t(3,'z'),\n\t(4,NULL);\n\
COPY public.t (a, b) FROM stdin;\n5\tu\n6\tv\n\\.\n-- done\n";
    let at = records_for_every_chunking(data, &[1, 2, 5, 64]);
    assert_eq!(at(b"CREATE"), None);
    assert_eq!(at(b"1,'x"), Some(0));
    // A parenthesis in a string does not end the tuple.
    assert_eq!(at(b"('),"), Some(0));
    assert_eq!(at(b"2,'y"), Some(1));
    assert_eq!(at(b";\nINSERT INTO t VALUES\n"), None);
    assert_eq!(at(b"3,'z"), Some(2));
    assert_eq!(at(b"4,NULL"), Some(3));
    assert_eq!(at(b"5\tu"), Some(4));
    assert_eq!(at(b"6\tv"), Some(5));
    assert_eq!(at(b"-- done"), None);
}

#[test]
fn tuples_of_unknown_tables_are_skipped_through_with_their_strings() {
    // No columns known: tuples are skipped to the next quote or
    // parenthesis, and an escape string still takes backslash escapes.
    let data = b"INSERT INTO t VALUES (1, E'a\\')b', 'c(d'),(2, x'ff', ')'),(3,NULL);\n-- end\n";
    let at = records_for_every_chunking(data, &[1, 2, 3, 64]);
    assert_eq!(at(b"b', 'c(d"), Some(0));
    assert_eq!(at(b"2, x'ff'"), Some(1));
    assert_eq!(at(b"')'),"), Some(1));
    assert_eq!(at(b"3,NULL"), Some(2));
    assert_eq!(at(b"-- end"), None);
}

/// The hints after feeding `data[..k]`, for every `k`, must be the final
/// hints clipped to `k`: a scan fed to any point sees the same cells as
/// one fed further (a stream's chunk and a piece end at different places).
fn open_cells_agree_with_closed_ones(data: &[u8]) {
    let mut full = SqlHinter::new();
    full.feed(data);
    let mut want = Vec::new();
    full.hints_in(0, data.len(), &mut want);
    for k in 1..data.len() {
        let mut h = SqlHinter::new();
        h.feed(&data[..k]);
        let mut got = Vec::new();
        h.hints_in(0, k, &mut got);
        let clipped: Vec<Hint> = want
            .iter()
            .filter(|w| w.start < k)
            .map(|w| Hint {
                end: w.end.min(k),
                ..*w
            })
            .filter(|w| w.end > w.start)
            .collect();
        assert_eq!(got, clipped, "fed {k} bytes");
    }
}

#[test]
fn a_cell_is_hinted_while_parentheses_after_it_are_open() {
    // A quoted cell with parentheses after its string (broken quoting, or
    // a cast): the cell stays open through them and ends at its quote.
    let data = b"CREATE TABLE t (n int, first_name text);\n\
INSERT INTO t VALUES (1,'Maren Lund'(x(y)z)),(2,'Ann');\n";
    open_cells_agree_with_closed_ones(data);
    assert_eq!(
        same_for_every_chunking(data),
        vec![
            c("Maren Lund", Field::GivenName),
            c("Ann", Field::GivenName)
        ]
    );
}

#[test]
fn an_unquoted_cell_is_all_of_its_call() {
    let data = b"CREATE TABLE t (n int, email text);\n\
INSERT INTO t VALUES (1,lower(concat('A@B.DE','x'))),(2,'c@d.de');\n";
    open_cells_agree_with_closed_ones(data);
    assert_eq!(
        same_for_every_chunking(data),
        vec![
            c("lower(concat('A@B.DE','x'))", Field::Email),
            c("c@d.de", Field::Email)
        ]
    );
}
