-- One dialect-neutral schema for SQLite and PostgreSQL: only TEXT, BIGINT
-- and DOUBLE PRECISION columns, which both accept with the same meaning. Timestamps are RFC 3339 UTC text with exactly six fractional
-- digits ("2026-05-20T09:15:00.000000Z"), so they sort as text and hash
-- identically on both backends. JSON is stored as TEXT (canonical form).
-- Append-only: never edit a migration once committed; add a new file.

CREATE TABLE incident_counters (
    year        BIGINT PRIMARY KEY,
    last_number BIGINT NOT NULL
);

CREATE TABLE incidents (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    discovered_at   TEXT NOT NULL,
    detected_by     TEXT NOT NULL,
    status          TEXT NOT NULL
        CHECK (status IN ('open', 'triaged', 'contained', 'notifying', 'closed')),
    severity        TEXT NOT NULL
        CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    opened_at       TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    -- Head of the audit chain: lets verify notice entries cut off the end.
    audit_head_seq  BIGINT NOT NULL,
    audit_head_hash TEXT NOT NULL
);

CREATE TABLE evidence (
    incident_id    TEXT NOT NULL REFERENCES incidents (id),
    seq            BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    source         TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    collected_at   TEXT NOT NULL,
    finding_counts TEXT NOT NULL,
    -- 0/1: sqlx's Any driver cannot decode SQLite booleans.
    encrypted      BIGINT NOT NULL CHECK (encrypted IN (0, 1)),
    added_at       TEXT NOT NULL,
    added_by       TEXT NOT NULL,
    PRIMARY KEY (incident_id, sha256),
    UNIQUE (incident_id, seq)
);

CREATE TABLE affected (
    incident_id    TEXT NOT NULL REFERENCES incidents (id),
    customer_id    TEXT NOT NULL,
    matched_fields TEXT NOT NULL,
    confidence     DOUBLE PRECISION NOT NULL,
    country        TEXT,
    region         TEXT,
    evidence_refs  TEXT NOT NULL,
    first_seen_at  TEXT NOT NULL,
    PRIMARY KEY (incident_id, customer_id)
);

CREATE INDEX affected_by_country ON affected (incident_id, country, region);

CREATE TABLE obligations (
    incident_id      TEXT PRIMARY KEY REFERENCES incidents (id),
    rule_set_version TEXT NOT NULL,
    computed_at      TEXT NOT NULL,
    body             TEXT NOT NULL,
    body_sha256      TEXT NOT NULL
);

CREATE TABLE audit_log (
    incident_id  TEXT NOT NULL REFERENCES incidents (id),
    seq          BIGINT NOT NULL,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    before_state TEXT NOT NULL,
    after_state  TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
);
