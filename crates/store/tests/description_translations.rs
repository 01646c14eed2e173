//! The incident's description in other languages, against SQLite always
//! and PostgreSQL when DATABASE_URL is set: set, changed and removed per
//! language as audited writes, read back with the declarations, replayed
//! by `verify`, and caught when changed behind the log's back.

#[macro_use]
mod common;

use std::collections::BTreeMap;

use bw_store::{NewIncident, Severity};
use common::TestDb;
use time::macros::datetime;

const FR: &str = "Une erreur technique a affiché des noms sur des pages produits.";
const DE: &str = "Ein technischer Fehler zeigte Namen auf Produktseiten an.";

async fn translations_are_audited_and_verified(db: &TestDb) {
    let s = &db.store;
    let id = s
        .open_incident(
            &NewIncident {
                title: "Q&A pages".into(),
                description: "A technical error showed names on product pages.".into(),
                discovered_at: datetime!(2026-11-20 09:00 UTC),
                detected_by: "support".into(),
                severity: Severity::High,
            },
            "alice",
        )
        .await
        .expect("open");
    let read = || async {
        s.declarations(&id)
            .await
            .expect("read")
            .description_translations
    };
    assert!(read().await.is_empty());

    assert!(s
        .set_description_translation(&id, "fr", FR, "alice")
        .await
        .expect("set fr"));
    assert!(s
        .set_description_translation(&id, "de", &format!("  {DE}\n"), "bob")
        .await
        .expect("set de"));
    // The same words again change nothing and log nothing.
    assert!(!s
        .set_description_translation(&id, "fr", FR, "alice")
        .await
        .expect("same again"));
    assert_eq!(
        read().await,
        BTreeMap::from([("de".to_string(), DE.to_string()), ("fr".into(), FR.into())])
    );
    let log = s.audit_log(&id).await.expect("log");
    assert_eq!(log.len(), 3, "{log:?}");
    assert_eq!(log[1].action, "incident.description_translation");
    assert_eq!(log[1].before["description"], serde_json::Value::Null);
    assert_eq!(
        (log[2].actor.as_str(), &log[2].after["language"]),
        ("bob", &serde_json::json!("de"))
    );
    assert!(s.verify(&id).await.expect("verify").ok());

    // Empty removes one language.
    assert!(s
        .set_description_translation(&id, "de", "", "bob")
        .await
        .expect("remove de"));
    assert_eq!(
        read().await,
        BTreeMap::from([("fr".to_string(), FR.to_string())])
    );
    assert!(s.verify(&id).await.expect("verify").ok());

    // Not a language code.
    let err = s
        .set_description_translation(&id, "French", FR, "alice")
        .await
        .expect_err("not a code");
    assert!(err.to_string().contains("language code"), "{err}");

    // Reworded behind the log's back: verify names the language.
    db.raw_exec(&format!(
        "UPDATE incidents SET description_translations = '{{\"fr\":\"autre chose\"}}' \
         WHERE id = '{id}'"
    ))
    .await;
    let report = s.verify(&id).await.expect("verify");
    assert!(
        report
            .state_mismatches
            .iter()
            .any(|m| m.contains("the fr description")),
        "{:?}",
        report.state_mismatches
    );
    // Not even JSON any more: still a mismatch in the report, not an error.
    db.raw_exec(&format!(
        "UPDATE incidents SET description_translations = 'garbage' WHERE id = '{id}'"
    ))
    .await;
    let report = s.verify(&id).await.expect("verify reports, not fails");
    assert!(
        report
            .state_mismatches
            .iter()
            .any(|m| m.contains("not a JSON object") && m.contains("holds 1 of them")),
        "{:?}",
        report.state_mismatches
    );
}

on_both_backends!(translations_are_audited_and_verified,);
