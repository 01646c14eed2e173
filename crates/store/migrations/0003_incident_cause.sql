-- Why the breach happened, as the investigator records it. Some laws turn
-- on it (Japan's wrongful act, Korea's hacking, New York's inadvertent-
-- disclosure exception), so it is a column the rules can read, not prose in
-- the description. Incidents opened before this column existed are
-- 'unknown', which is what their audit logs imply.
ALTER TABLE incidents ADD COLUMN cause TEXT NOT NULL DEFAULT 'unknown'
    CHECK (cause IN ('attack', 'inadvertent_disclosure', 'lost_device', 'other', 'unknown'));
