-- Whether the business giving notice was the source of the breach ('us')
-- or a vendor holding the data for it. California owes the offer of
-- identity-theft services only in the first case (Cal. Civ. Code
-- § 1798.82(d)(2)(G)). Incidents from before this column are 'unknown'.
ALTER TABLE incidents ADD COLUMN source_of_breach TEXT NOT NULL DEFAULT 'unknown'
    CHECK (source_of_breach IN ('us', 'vendor', 'unknown'));
