-- What `breachwatch serve` keeps: who may use it (users, API tokens,
-- sessions), the background jobs it runs (scan, scope, send) with their
-- progress, the redacted findings of its scans, and a hash-chained audit
-- log of the changes that belong to no incident (a token created, a user
-- added, a job started or cancelled). Secrets are never stored: passwords
-- as Argon2id PHC strings, tokens and session ids as SHA-256 digests of
-- 256-bit random values. Ids are random text (no autoincrement), so the
-- schema stays dialect-neutral.

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    disabled_at   TEXT
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT
);

CREATE TABLE sessions (
    id_sha256  TEXT PRIMARY KEY,
    -- "user:NAME" or "token:ID": the identity the audit log names.
    principal  TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('scan', 'scope', 'send')),
    state       TEXT NOT NULL
        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    incident_id TEXT,
    -- JSON: what to do (paths, incident); never a value found.
    params      TEXT NOT NULL,
    -- JSON: counters only (bytes, findings by kind, notices sent).
    progress    TEXT NOT NULL,
    error       TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    updated_at  TEXT NOT NULL
);

CREATE INDEX jobs_by_state ON jobs (state);

-- A scan job's findings, redacted before they are written.
CREATE TABLE scan_findings (
    job_id       TEXT NOT NULL REFERENCES jobs (id),
    seq          BIGINT NOT NULL,
    path         TEXT NOT NULL,
    start_offset BIGINT NOT NULL,
    end_offset   BIGINT NOT NULL,
    line         BIGINT NOT NULL,
    col          BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    score        DOUBLE PRECISION NOT NULL,
    excerpt      TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- The audit chain of changes outside incidents; hashed as incidents'
-- entries are (bw_store::audit), with incident "system".
CREATE TABLE system_audit (
    seq          BIGINT PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    before_state TEXT NOT NULL,
    after_state  TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
