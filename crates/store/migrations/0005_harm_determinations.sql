-- A person's finding, per jurisdiction, on whether the breach is likely to
-- harm the residents: the fact the harm-based exceptions of many breach
-- laws turn on (e.g. Colorado, Florida). The latest finding for a
-- jurisdiction counts; earlier ones stay as the record of what was decided.
CREATE TABLE determinations (
    incident_id  TEXT NOT NULL REFERENCES incidents (id),
    seq          BIGINT NOT NULL,
    jurisdiction TEXT NOT NULL,
    finding      TEXT NOT NULL CHECK (finding IN ('no_harm', 'harm_likely')),
    reason       TEXT NOT NULL,
    decided_at   TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
);
