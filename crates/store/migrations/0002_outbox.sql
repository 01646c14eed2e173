-- The notification outbox: one row per (incident, customer, channel), the
-- unit that is sent exactly once. It holds no contact data: the address
-- is read from the customer source at send time, so a row names the
-- customer by id only. A row is the per-customer proof of notice: when it
-- was sent, under which Message-ID, and what the SMTP server answered.
CREATE TABLE notices (
    incident_id     TEXT NOT NULL REFERENCES incidents (id),
    customer_id     TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email')),
    -- Plan order; sending follows the customer source, status pages by seq.
    seq             BIGINT NOT NULL,
    -- JSON array of jurisdiction codes whose law covers this customer.
    jurisdictions   TEXT NOT NULL,
    -- The most specific of them: picks the template.
    jurisdiction    TEXT NOT NULL,
    language        TEXT NOT NULL,
    -- JSON array of the names of the fields exposed for this customer.
    fields          TEXT NOT NULL,
    -- 1 when some jurisdiction's law requires notice to this customer.
    required        BIGINT NOT NULL CHECK (required IN (0, 1)),
    deadline        TEXT,
    message_id      TEXT NOT NULL,
    status          TEXT NOT NULL
        CHECK (status IN ('planned', 'sending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL,
    next_attempt_at TEXT,
    planned_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT,
    -- The server's acceptance reply (sent) or the last error (retry, failed),
    -- with any address in it masked.
    smtp_reply      TEXT,
    failure         TEXT,
    -- Template used and SHA-256 of the exact message bytes handed to SMTP.
    template        TEXT,
    content_sha256  TEXT,
    PRIMARY KEY (incident_id, customer_id, channel),
    UNIQUE (incident_id, seq)
);

CREATE INDEX notices_by_status ON notices (incident_id, status);
CREATE UNIQUE INDEX notices_by_message_id ON notices (message_id);
