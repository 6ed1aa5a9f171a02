ALTER TABLE sites DROP COLUMN allowed_origins;
