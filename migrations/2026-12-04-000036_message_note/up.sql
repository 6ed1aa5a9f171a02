-- A system line's code and parameters ({"code": "transferred", "to": "Ana"}), beside its text
-- in the visitor's language, so operators read it in theirs.
ALTER TABLE messages ADD COLUMN note jsonb;
