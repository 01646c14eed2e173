//! What investigators declare about an incident (its cause), run against
//! SQLite always and PostgreSQL when DATABASE_URL is set: audited, replayed
//! by `verify`, and caught when changed behind the log's back.

mod common;

use bw_store::{Cause, IncidentId, NewIncident, Severity, Store, StoreError};
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

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = crate::TestDb::sqlite().await;
                    crate::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = crate::TestDb::postgres().await else {
                        eprintln!("skipped: set DATABASE_URL (bash scripts/pg.sh) to run on PostgreSQL");
                        return;
                    };
                    crate::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
    };
}

both_backends!(
    cause_defaults_to_unknown_and_is_audited,
    cause_given_at_open,
    cause_changed_behind_the_log_is_caught,
    cause_needs_actor_and_known_incident,
);
