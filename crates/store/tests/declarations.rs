//! What investigators declare about an incident (its cause, elements they
//! know were taken), run against
//! SQLite always and PostgreSQL when DATABASE_URL is set: audited, replayed
//! by `verify`, and caught when changed behind the log's back.

#[macro_use]
mod common;

use std::collections::BTreeMap;

use bw_store::audit::sha256_hex;
use bw_store::{
    Affected, Cause, DeclaredScope, Evidence, HarmFinding, IncidentId, NewDeclaration,
    NewDetermination, NewIncident, Severity, Store, StoreError,
};
use common::TestDb;
use time::macros::datetime;

fn new_incident(title: &str) -> NewIncident {
    NewIncident {
        title: title.to_string(),
        description: "users table read by an attacker".into(),
        discovered_at: datetime!(2026-05-04 09:00 UTC),
        detected_by: "soc".into(),
        severity: Severity::High,
    }
}

async fn open(store: &Store, title: &str) -> IncidentId {
    store
        .open_incident(&new_incident(title), "alice")
        .await
        .expect("open incident")
}

fn actions(log: &[bw_store::AuditEntry]) -> Vec<&str> {
    log.iter().map(|e| e.action.as_str()).collect()
}

// ---------------------------------------------------------------- checks

async fn cause_defaults_to_unknown_and_is_audited(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "no cause yet").await;
    assert_eq!(
        s.declarations(&id).await.expect("read").cause,
        Cause::Unknown
    );
    // Opening without a cause writes the same entry as before causes existed.
    let log = s.audit_log(&id).await.expect("log");
    assert!(log[0].after.get("cause").is_none(), "{}", log[0].after);

    assert!(s
        .set_cause(&id, Cause::Attack, "SQL injection in search", "bob")
        .await
        .expect("set cause"));
    // The same cause again changes nothing and writes no entry.
    assert!(!s
        .set_cause(&id, Cause::Attack, "", "bob")
        .await
        .expect("same cause"));
    assert_eq!(
        s.declarations(&id).await.expect("read").cause,
        Cause::Attack
    );
    let log = s.audit_log(&id).await.expect("log");
    assert_eq!(actions(&log), ["incident.open", "incident.cause"]);
    assert_eq!(log[1].actor, "bob");
    assert_eq!(log[1].before["cause"], "unknown");
    assert_eq!(log[1].after["cause"], "attack");
    assert_eq!(log[1].after["reason"], "SQL injection in search");
    assert!(s.verify(&id).await.expect("verify").ok());
}

async fn cause_given_at_open(db: &TestDb) {
    let s = &db.store;
    let id = s
        .open_incident_with_cause(&new_incident("lost laptop"), Cause::LostDevice, "alice")
        .await
        .expect("open");
    assert_eq!(
        s.declarations(&id).await.expect("read").cause,
        Cause::LostDevice
    );
    let log = s.audit_log(&id).await.expect("log");
    assert_eq!(log[0].after["cause"], "lost_device");
    assert!(s.verify(&id).await.expect("verify").ok());
}

async fn cause_changed_behind_the_log_is_caught(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "tamper cause").await;
    db.raw_exec(&format!(
        "UPDATE incidents SET cause = 'inadvertent_disclosure' WHERE id = '{id}'"
    ))
    .await;
    let r = s.verify(&id).await.expect("verify runs");
    assert!(!r.ok());
    let all = r.state_mismatches.join("\n");
    assert!(all.contains("incidents.cause"), "{all}");
}

async fn cause_needs_actor_and_known_incident(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "errors").await;
    assert!(matches!(
        s.set_cause(&id, Cause::Other, "", " ").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.set_cause(&IncidentId::new("INC-1999-0001"), Cause::Other, "", "bob")
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!("phishing".parse::<Cause>().is_err());
    assert_eq!(
        "Inadvertent-Disclosure".parse::<Cause>().ok(),
        Some(Cause::InadvertentDisclosure)
    );
}

fn declaration(element: &str, hashing: Option<&str>, scope: DeclaredScope) -> NewDeclaration {
    NewDeclaration {
        element: element.into(),
        hashing: hashing.map(str::to_string),
        scope,
        reason: "attacker read the users table incl. password hashes".into(),
    }
}

async fn seed_affected(s: &Store, id: &IncidentId, ids: &[&str]) {
    let bytes = format!("evidence for {}", ids.join(","));
    let ev = Evidence {
        source: "/leak/users.csv".into(),
        sha256: sha256_hex(bytes.as_bytes()),
        size_bytes: bytes.len() as u64,
        collected_at: datetime!(2026-05-04 10:00 UTC),
        finding_counts: BTreeMap::from([("email".to_string(), ids.len() as u64)]),
        encrypted: false,
        version: None,
    };
    let affected: Vec<Affected> = ids
        .iter()
        .map(|c| Affected {
            customer_id: c.to_string(),
            matched_fields: vec!["email".into()],
            confidence: 0.9,
            country: Some("US".into()),
            region: Some("CA".into()),
        })
        .collect();
    s.add_evidence(id, &ev, &affected, "alice")
        .await
        .expect("evidence");
}

async fn elements_declared_for_listed_and_all_customers(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "users table").await;
    seed_affected(s, &id, &["C1", "C2"]).await;
    let listed =
        DeclaredScope::Customers(vec![" C2 ".into(), "C1".into(), "C9".into(), "C1".into()]);
    let out = s
        .declare_element(
            &id,
            &declaration("password", Some("bcrypt"), listed),
            "carol",
        )
        .await
        .expect("declare");
    assert_eq!((out.seq, out.customers, out.not_yet_affected), (1, 3, 1));
    let all = s
        .declare_element(
            &id,
            &declaration("username", None, DeclaredScope::AllAffected),
            "carol",
        )
        .await
        .expect("declare all");
    assert_eq!((all.seq, all.customers), (2, 0));

    let d = s.declarations(&id).await.expect("read").declared_elements;
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].element, "password");
    assert_eq!(d[0].hashing.as_deref(), Some("bcrypt"));
    assert_eq!(d[0].customers, ["C1", "C2", "C9"]);
    assert!(!d[0].all_affected);
    assert_eq!(d[0].declared_by, "carol");
    assert!(d[1].all_affected && d[1].customers.is_empty());

    let log = s.audit_log(&id).await.expect("log");
    let e = log.last().expect("entry");
    assert_eq!(e.action, "declaration.add");
    assert_eq!(e.after["element"], "username");
    assert_eq!(log[log.len() - 2].after["hashing"], "bcrypt");
    assert_eq!(log[log.len() - 2].after["not_yet_affected"], 1);
    assert!(s.verify(&id).await.expect("verify").ok());
    let bundle = s.export(&id, true).await.expect("export");
    assert_eq!(bundle.declarations.declared_elements.len(), 2);
}

async fn declarations_are_validated(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "bad declarations").await;
    let mut no_reason = declaration("password", None, DeclaredScope::AllAffected);
    no_reason.reason = "  ".into();
    for bad in [
        no_reason,
        declaration("hunter2 is the password", None, DeclaredScope::AllAffected),
        declaration("password", Some("$2b$10$abc"), DeclaredScope::AllAffected),
        declaration("password", None, DeclaredScope::Customers(vec![" ".into()])),
    ] {
        assert!(
            matches!(
                s.declare_element(&id, &bad, "carol").await,
                Err(StoreError::Invalid(_))
            ),
            "{bad:?}"
        );
    }
    assert_eq!(s.audit_log(&id).await.expect("log").len(), 1);
}

async fn declared_customers_changed_behind_the_log_are_caught(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "tamper declarations").await;
    let listed = DeclaredScope::Customers(vec!["C1".into(), "C2".into()]);
    s.declare_element(&id, &declaration("password", None, listed), "carol")
        .await
        .expect("declare");
    db.raw_exec(&format!(
        "DELETE FROM declared_customers WHERE incident_id = '{id}' AND customer_id = 'C2'"
    ))
    .await;
    let r = s.verify(&id).await.expect("verify runs");
    let all = r.state_mismatches.join("\n");
    assert!(all.contains("customers of declaration 1"), "{all}");

    let id2 = open(s, "tamper declarations 2").await;
    s.declare_element(
        &id2,
        &declaration("password", None, DeclaredScope::AllAffected),
        "carol",
    )
    .await
    .expect("declare");
    db.raw_exec(&format!(
        "UPDATE declarations SET element = 'email' WHERE incident_id = '{id2}'"
    ))
    .await;
    let all = s
        .verify(&id2)
        .await
        .expect("verify")
        .state_mismatches
        .join("\n");
    assert!(all.contains("the audit log says password"), "{all}");
}

fn finding(code: &str, finding: HarmFinding) -> NewDetermination {
    NewDetermination {
        jurisdiction: code.into(),
        finding,
        reason: "hashes only, no misuse seen; law enforcement consulted".into(),
    }
}

async fn harm_determinations_are_audited_and_verified(db: &TestDb) {
    let s = &db.store;
    let id = open(s, "determinations").await;
    assert_eq!(
        s.determine(&id, &finding("us-co", HarmFinding::NoHarm), "erin")
            .await
            .expect("determine"),
        1
    );
    s.determine(&id, &finding("US-FL", HarmFinding::HarmLikely), "erin")
        .await
        .expect("determine");
    let d = s.declarations(&id).await.expect("read").determinations;
    assert_eq!(d.len(), 2);
    assert_eq!(
        (d[0].jurisdiction.as_str(), d[0].finding),
        ("US-CO", HarmFinding::NoHarm)
    );
    assert_eq!(d[1].decided_by, "erin");
    let log = s.audit_log(&id).await.expect("log");
    assert_eq!(log[1].action, "determination.add");
    assert_eq!(log[1].after["finding"], "no_harm");
    assert!(s.verify(&id).await.expect("verify").ok());

    let mut no_reason = finding("US-CO", HarmFinding::NoHarm);
    no_reason.reason = String::new();
    for bad in [no_reason, finding("US CO; drop", HarmFinding::NoHarm)] {
        assert!(matches!(
            s.determine(&id, &bad, "erin").await,
            Err(StoreError::Invalid(_))
        ));
    }

    db.raw_exec(&format!(
        "UPDATE determinations SET finding = 'no_harm' WHERE incident_id = '{id}' AND seq = 2"
    ))
    .await;
    let all = s
        .verify(&id)
        .await
        .expect("verify")
        .state_mismatches
        .join("\n");
    assert!(
        all.contains("harm determination 2 is stored as US-FL no_harm"),
        "{all}"
    );
}

on_both_backends!(
    cause_defaults_to_unknown_and_is_audited,
    cause_given_at_open,
    cause_changed_behind_the_log_is_caught,
    cause_needs_actor_and_known_incident,
    elements_declared_for_listed_and_all_customers,
    declarations_are_validated,
    declared_customers_changed_behind_the_log_are_caught,
    harm_determinations_are_audited_and_verified,
);
