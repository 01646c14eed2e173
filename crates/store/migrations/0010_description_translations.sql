-- The incident's description ("what happened") in other languages, for
-- notices written in them: a JSON object from language code to text,
-- written only through Store::set_description_translation, which audits
-- each change as `incident.description_translation`. Incidents from
-- before this column have none.
ALTER TABLE incidents ADD COLUMN description_translations TEXT NOT NULL DEFAULT '{}';
