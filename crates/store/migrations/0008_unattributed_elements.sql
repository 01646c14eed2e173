-- Findings of credential and identity-number kinds (passwords, card
-- security codes, government ids, …) in evidence that scope could not
-- tie to any registry customer. They still count as elements of the
-- incident: if they belong to affected accounts, notice may be owed.
-- Counts and kinds only, never values. `hashing` is '' for a plain
-- value, else the algorithm the detector named (bcrypt, md5, …).
CREATE TABLE unattributed_elements (
    incident_id  TEXT NOT NULL,
    evidence_seq BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    hashing      TEXT NOT NULL,
    findings     BIGINT NOT NULL CHECK (findings > 0),
    PRIMARY KEY (incident_id, evidence_seq, kind, hashing),
    FOREIGN KEY (incident_id, evidence_seq) REFERENCES evidence (incident_id, seq)
);
