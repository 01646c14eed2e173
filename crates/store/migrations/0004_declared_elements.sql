-- Data elements an investigator knows were taken although no evidence
-- shows them ("the attacker read the users table, password hashes
-- included"). Names only, never values: the element, an optional hashing
-- qualifier for passwords, which customers, why, and who said so.
CREATE TABLE declarations (
    incident_id      TEXT NOT NULL REFERENCES incidents (id),
    seq              BIGINT NOT NULL,
    element          TEXT NOT NULL,
    -- For passwords known only as hashes: the algorithm (bcrypt, md5, …).
    hashing          TEXT,
    -- 1: every affected customer of the incident, including those added
    -- later; 0: the customers listed in declared_customers.
    all_affected     BIGINT NOT NULL CHECK (all_affected IN (0, 1)),
    customer_count   BIGINT NOT NULL,
    -- SHA-256 of the canonical JSON array of the sorted customer ids, as
    -- in the audit entry, so verify can tell a list edited afterwards.
    customers_sha256 TEXT NOT NULL,
    reason           TEXT NOT NULL,
    declared_at      TEXT NOT NULL,
    declared_by      TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
);

CREATE TABLE declared_customers (
    incident_id     TEXT NOT NULL,
    declaration_seq BIGINT NOT NULL,
    customer_id     TEXT NOT NULL,
    PRIMARY KEY (incident_id, declaration_seq, customer_id),
    FOREIGN KEY (incident_id, declaration_seq) REFERENCES declarations (incident_id, seq)
);
