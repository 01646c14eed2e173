use super::super::card::tests::with_check_digit;
use super::super::ids::tests::{cpf_with_checks, nir_key, with_verhoeff};
use super::super::NumericDetector;
use crate::{Field, Finding, Hint, Hints, Kind};

fn scan(text: &str, hints: &[Hint]) -> Vec<Finding> {
    let mut out = Vec::new();
    NumericDetector::new(Kind::ALL).find_with_hints(text.as_bytes(), &Hints::new(hints), &mut out);
    out
}

/// The one finding in `text`: its kind, value, score and detector.
#[track_caller]
fn only(text: &str) -> (Kind, String, f32, &'static str) {
    only_with(text, &[])
}

#[track_caller]
fn only_with(text: &str, hints: &[Hint]) -> (Kind, String, f32, &'static str) {
    let got = scan(text, hints);
    assert_eq!(got.len(), 1, "{text:?}: {got:?}");
    let f = got[0];
    (
        f.kind,
        text[f.start..f.end].to_string(),
        f.score,
        f.detector,
    )
}

#[track_caller]
fn id(text: &str, kind: Kind, value: &str, detector: &str, min: f32) {
    let (k, v, score, det) = only(text);
    assert_eq!((k, v.as_str(), det), (kind, value, detector), "{text:?}");
    assert!(score >= min, "{text:?}: {score}");
}

/// No `government_id` or `health_insurance` finding at any score.
#[track_caller]
fn no_id(text: &str) {
    let got: Vec<_> = scan(text, &[])
        .into_iter()
        .filter(|f| matches!(f.kind, Kind::GovernmentId | Kind::HealthInsurance))
        .map(|f| (f.detector, text[f.start..f.end].to_string(), f.score))
        .collect();
    assert!(got.is_empty(), "{text:?}: {got:?}");
}

const GOV: Kind = Kind::GovernmentId;
const HEALTH: Kind = Kind::HealthInsurance;

#[test]
fn cpf_dotted_alone_or_digits_with_context() {
    id(
        "123.456.789-09",
        GOV,
        "123.456.789-09",
        "government_id.cpf",
        0.8,
    );
    id(
        "CPF: 123.456.789-09",
        GOV,
        "123.456.789-09",
        "government_id.cpf",
        0.95,
    );
    let cpf = cpf_with_checks("529982247");
    id(
        &format!("\"cpf\": \"{cpf}\""),
        GOV,
        &cpf,
        "government_id.cpf",
        0.95,
    );
    // Eleven bare digits need the word: alone they may be anything.
    no_id(&format!("ref {cpf} ok"));
    // A wrong check digit, a repeated digit.
    no_id("CPF: 123.456.789-00");
    no_id("CPF: 111.111.111-11");
}

#[test]
fn nir_spaced_compact_and_corsican() {
    let body = "1850578006084";
    let key = nir_key(body);
    let spaced = format!("1 85 05 78 006 084 {key}");
    id(
        &format!("n° {spaced}."),
        GOV,
        &spaced,
        "government_id.nir",
        0.8,
    );
    let compact = format!("{body}{key}");
    id(
        &format!("NIR : {compact}"),
        GOV,
        &compact,
        "government_id.nir",
        0.95,
    );
    id(
        &format!("numéro de sécurité sociale {compact}"),
        GOV,
        &compact,
        "government_id.nir",
        0.95,
    );
    no_id(&format!("id {compact}"));
    let corse = "285102A123456";
    let ck = nir_key(corse);
    let spaced = format!("2 85 10 2A 123 456 {ck}");
    id(&spaced, GOV, &spaced, "government_id.nir", 0.8);
    let compact = format!("{corse}{ck}");
    id(
        &format!("NIR {compact}"),
        GOV,
        &compact,
        "government_id.nir",
        0.95,
    );
    // A wrong key; a month that does not exist.
    no_id(&format!("NIR {body}00"));
    no_id(&format!("1 85 13 78 006 084 {}", nir_key("1851378006084")));
}

#[test]
fn bsn_sin_aadhaar_need_their_word() {
    id(
        "BSN: 111222333",
        GOV,
        "111222333",
        "government_id.bsn",
        0.95,
    );
    id(
        "burgerservicenummer 1112.22.333",
        GOV,
        "1112.22.333",
        "government_id.bsn",
        0.95,
    );
    no_id("111222333");
    let sin = with_check_digit("13069254");
    let spaced = format!("{} {} {}", &sin[..3], &sin[3..6], &sin[6..]);
    id(
        &format!("SIN: {spaced}"),
        GOV,
        &spaced,
        "government_id.sin",
        0.95,
    );
    id(
        &format!("Social Insurance Number {sin}"),
        GOV,
        &sin,
        "government_id.sin",
        0.95,
    );
    no_id(&format!("using {sin}"));
    no_id(&format!("sin(x) + {spaced}"));
    let a = with_verhoeff("23456789012");
    let spaced = format!("{} {} {}", &a[..4], &a[4..8], &a[8..]);
    id(
        &format!("Aadhaar No. {spaced}"),
        GOV,
        &spaced,
        "government_id.aadhaar",
        0.95,
    );
    no_id(&format!("ticket {spaced}"));
}

#[test]
fn letter_ids_dni_nie_nino_codice_fiscale() {
    id("DNI 12345678Z", GOV, "12345678Z", "government_id.dni", 0.95);
    id("12345678Z", GOV, "12345678Z", "government_id.dni", 0.7);
    id(
        "dni: 12345678-Z;",
        GOV,
        "12345678-Z",
        "government_id.dni",
        0.95,
    );
    id("NIE X1234567L", GOV, "X1234567L", "government_id.nie", 0.95);
    id("X1234567L", GOV, "X1234567L", "government_id.nie", 0.7);
    id(
        "NI number: AB123456C",
        GOV,
        "AB123456C",
        "government_id.nino",
        0.95,
    );
    id(
        "National Insurance: JG 10 37 59 A",
        GOV,
        "JG 10 37 59 A",
        "government_id.nino",
        0.95,
    );
    // A NINO has no checksum: without a word it is below the threshold.
    let (_, _, score, _) = only("AB123456C");
    assert!(score < 0.5);
    id(
        "RSSMRA85T10A562S",
        GOV,
        "RSSMRA85T10A562S",
        "government_id.codice_fiscale",
        0.8,
    );
    id(
        "Codice fiscale: RSSMRA85T10A562S",
        GOV,
        "RSSMRA85T10A562S",
        "government_id.codice_fiscale",
        0.95,
    );
    for text in [
        "12345678A",     // wrong letter
        "12345678Z9",    // longer token
        "0x12345678Z",   // glued
        "X1234567T",     // wrong letter
        "QQ 12 34 56 C", // HMRC's example prefix is never issued
        "QQ123456C",
        "AB123456E",         // suffix beyond D
        "GB123456A",         // unallocated prefix
        "RSSMRA85T10A562T",  // wrong check letter
        "XRSSMRA85T10A562S", // longer token
        "sha ABCDEF12345678",
    ] {
        no_id(text);
    }
}

#[test]
fn health_numbers_nhs_and_mbi() {
    id(
        "NHS number: 943 476 5919",
        HEALTH,
        "943 476 5919",
        "health_insurance.nhs",
        0.95,
    );
    id(
        "NHS No 9434765919",
        HEALTH,
        "9434765919",
        "health_insurance.nhs",
        0.95,
    );
    no_id("943 476 5919");
    no_id("NHS number: 943 476 5918");
    id(
        "Medicare ID: 1EG4-TE5-MK73",
        HEALTH,
        "1EG4-TE5-MK73",
        "health_insurance.mbi",
        0.95,
    );
    id(
        "MBI 1EG4TE5MK73",
        HEALTH,
        "1EG4TE5MK73",
        "health_insurance.mbi",
        0.95,
    );
    let (_, _, score, _) = only("1EG4TE5MK73");
    assert!(score < 0.5);
    for text in ["1SG4TE5MK73", "1EG4TE5MK7", "1EG4-TE5MK73", "x1EG4TE5MK73"] {
        no_id(text);
    }
}

#[test]
fn collisions_are_decided_by_context() {
    // Ten digits shaped like a US phone: a phone unless `NHS` says not.
    let (k, _, _, _) = only("tel 943 476 5919");
    assert_eq!(k, Kind::PhoneNumber);
    let (k, _, _, _) = only("NHS 943 476 5919");
    assert_eq!(k, HEALTH);
    // A SIN-shaped number that is also a valid phone, said to be a phone.
    let sin = with_check_digit("41555501");
    let (k, _, _, _) = only(&format!(
        "phone: {} {} {}",
        &sin[..3],
        &sin[3..6],
        &sin[6..]
    ));
    assert_ne!(k, GOV);
    // A Luhn-valid card never reads as an ID without a word.
    let (k, _, _, _) = only("card 4111 1111 1111 1111");
    assert_eq!(k, Kind::PaymentCard);
}

#[test]
fn columns_admit_and_veto() {
    let cell = |text: &str, v: &str, field| {
        let start = text.find(v).expect("in text");
        Hint {
            start,
            end: start + v.len(),
            field,
        }
    };
    let text = "1,111222333,x\n";
    let (k, _, score, det) = only_with(text, &[cell(text, "111222333", Field::GovernmentId)]);
    assert_eq!((k, det), (GOV, "government_id.bsn"));
    assert!(score >= 0.9);
    let text = "2,9434765919,x\n";
    let (k, _, _, det) = only_with(text, &[cell(text, "9434765919", Field::HealthInsurance)]);
    assert_eq!((k, det), (HEALTH, "health_insurance.nhs"));
    // A phone column says what its digits are, whatever the words say.
    let text = "cpf,123.456.789-09\n";
    let got = scan(text, &[cell(text, "123.456.789-09", Field::Phone)]);
    assert!(got.iter().all(|f| f.kind != GOV), "{got:?}");
}
