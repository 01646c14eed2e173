-- What incremental scans of remote sources remember (`breachwatch scan
-- s3://… --since-last`): per source and object, the stamp its listing
-- gave (ETag, size, last-modified) when it was last read through, the
-- settings it was scanned with (other settings, other findings: the
-- object is read again), and how many findings of each kind it held.
-- Counts only, never a value.
CREATE TABLE source_objects (
    source        TEXT NOT NULL,
    -- The object's URL, as findings name it.
    object        TEXT NOT NULL,
    etag          TEXT,
    size_bytes    BIGINT NOT NULL,
    last_modified TEXT NOT NULL,
    settings      TEXT NOT NULL,
    -- JSON {kind: count}.
    findings      TEXT NOT NULL,
    scanned_at    TEXT NOT NULL,
    PRIMARY KEY (source, object)
);

-- Evidence read from an object store: the ETag (or version id) of the
-- bytes hashed.
ALTER TABLE evidence ADD COLUMN version TEXT;
