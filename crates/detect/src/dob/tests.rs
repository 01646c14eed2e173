use super::*;
use crate::stream::StreamScanner;
use crate::{Engine, Hint, KindSet};

fn scan(text: &str, hints: &[Hint]) -> Vec<Finding> {
    let mut out = Vec::new();
    DobDetector::new().find(text.as_bytes(), &Hints::new(hints), &mut out);
    out
}

/// Asserts exactly one finding, covering exactly `value`, and returns its
/// score.
#[track_caller]
fn one(text: &str, value: &str) -> f32 {
    let all = scan(text, &[]);
    assert_eq!(all.len(), 1, "{text:?}: {all:?}");
    let at = text
        .find(value)
        .unwrap_or_else(|| panic!("{value:?} not in {text:?}"));
    assert_eq!(
        (all[0].start, all[0].end),
        (at, at + value.len()),
        "{text:?}"
    );
    all[0].score
}

#[track_caller]
fn none(text: &str) {
    let all = scan(text, &[]);
    assert!(all.is_empty(), "{text:?}: {all:?}");
}

#[test]
fn every_format_after_a_label() {
    for (text, date) in [
        ("DOB: 1984-03-07", "1984-03-07"),
        ("D.O.B. 03/07/1984", "03/07/1984"),
        ("dob=3/7/84 zip=62704", "3/7/84"),
        ("Date of birth: 07.03.1984\n", "07.03.1984"),
        ("Birth date 07/03/1984.", "07/03/1984"),
        ("Date of birth: 7 March 1984", "7 March 1984"),
        ("date of birth: March 7, 1984;", "March 7, 1984"),
        ("Date de naissance : 7 mars 1984", "7 mars 1984"),
        ("Geburtsdatum: 7. März 1984", "7. März 1984"),
        ("geb. 07.03.1984 in Köln", "07.03.1984"),
        (
            "Fecha de nacimiento: 7 de marzo de 1984",
            "7 de marzo de 1984",
        ),
        ("<td>Birthday</td><td>1984-03-07</td>", "1984-03-07"),
        ("Date of birth (dd.mm.yyyy): 07.03.1984", "07.03.1984"),
    ] {
        let score = one(text, date);
        assert!(score >= 0.9, "{text:?}: {score}");
    }
}

#[test]
fn born_scores_lower_than_a_label() {
    let born = one("She was born on March 7, 1984 in Ohio.", "March 7, 1984");
    let label = one("DOB March 7, 1984", "March 7, 1984");
    assert!((0.8..0.9).contains(&born), "{born}");
    assert!(label > born);
    assert!(one("Né le 7 mars 1984 à Lyon", "7 mars 1984") >= 0.85);
    assert!(one("Jeanne, née le 07/03/1984", "07/03/1984") >= 0.85);
}

#[test]
fn json_keys_in_the_look_behind() {
    for key in [
        "dob",
        "birth_date",
        "birthDate",
        "date_of_birth",
        "customer_dob",
    ] {
        let text = format!("{{\"id\":7,\"{key}\":\"1984-03-07\",\"zip\":\"62704\"}}");
        assert!(one(&text, "1984-03-07") >= 0.9, "{key}");
    }
    // Compact dates need a key right before them.
    assert!(one("{\"dob\":\"19840307\"}", "19840307") >= 0.9);
    none("Born 1984, order 19840307");
}

#[test]
fn bare_dates_and_lookalike_words_are_not_birth_dates() {
    none("Delivered on 03/07/2024");
    none("order placed 1984-03-07 by phone");
    none("expires 12/27");
    none("created_at=2024-01-15T10:20:30Z");
    none("Adobe 1984-03-07 release");
    none("reborn 1984-03-07");
    none("stubborn since 07.03.1984");
    none("\"dob_verified\":\"1984-03-07\"");
    // Context with a non-date, or a date too far away.
    none("DOB: unknown, order 12345 on 1984-03-07");
    none("DOB: timestamp 2024-01-15T10:20:30Z");
    none("DOB: 1984-02-30");
    none("DOB: 1850-01-01");
    none("born in 1984 and shipped on 03/07/2024");
    let far = format!("DOB:{}1984-03-07", " x".repeat(30));
    none(&far);
}

#[test]
fn hinted_cells_accept_bare_and_compact_dates() {
    let text = "C1,Jane,\"1984-03-07\",x\nC2,Joe,19840307,y\nC3,Max,1984-03-07,z\n";
    let cell = |v: &str| {
        let start = text.find(v).expect("in text");
        Hint {
            start,
            end: start + v.len(),
            field: Field::DateOfBirth,
        }
    };
    let hints = [cell("\"1984-03-07\""), cell("19840307")];
    let found = scan(text, &hints);
    let spans: Vec<&str> = found.iter().map(|f| &text[f.start..f.end]).collect();
    // The third row's cell has no hint: a bare date stays a bare date.
    assert_eq!(spans, ["1984-03-07", "19840307"]);
    assert!(found.iter().all(|f| f.score >= 0.95));
    assert!(scan(text, &[]).is_empty());
    // A hinted cell that is not a date yields nothing.
    let text = "C1,n/a,x";
    let h = [Hint {
        start: 3,
        end: 6,
        field: Field::DateOfBirth,
    }];
    assert!(scan(text, &h).is_empty());
}

#[test]
fn the_old_date_in_a_people_table_row() {
    let row = "INSERT INTO customers VALUES (7, 'Jane', 'O''Neil', 'j@x.io', '1984-03-07', '12 Main St', '2024-01-15T10:20:30Z');";
    let s = one(row, "1984-03-07");
    assert!((0.5..0.85).contains(&s), "{s}");
    // Recent dates, other tables and later rows are not birth dates.
    none("INSERT INTO customers VALUES (7, 'Jane', '2024-01-15', 'x');");
    none("INSERT INTO orders VALUES (7, 'Jane', '1984-03-07', 'x');");
    none("INSERT INTO customers VALUES (7, 'Jane'), (8, '1984-03-07');");
    none("INSERT INTO customers VALUES (7, 'Jane 1984-03-07', 'x');");
}

#[test]
fn one_finding_per_date_with_the_best_context() {
    let all = scan("Date of birth date: 1984-03-07", &[]);
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].score, STRONG);
}

#[test]
fn chunked_scan_equals_whole_scan() {
    let engine = Engine::new([Kind::DateOfBirth].into_iter().collect::<KindSet>());
    let mut hay = String::new();
    for i in 0..3000u32 {
        let d = i % 28 + 1;
        hay.push_str(&format!(
            "row {i} delivered 2024-01-{d:02} DOB: 19{:02}-03-{d:02} born on {d} March 1984; ",
            40 + i % 60
        ));
    }
    let mut whole = Vec::new();
    engine.scan(hay.as_bytes(), &mut whole);
    assert_eq!(whole.len(), 6000);
    let mut got = Vec::new();
    StreamScanner::with_chunk_size(0)
        .scan(
            &engine,
            hay.as_bytes(),
            |_| true,
            |h| {
                got.push(h.finding);
                Ok(())
            },
        )
        .expect("in-memory reads do not fail");
    assert_eq!(got, whole);
}
