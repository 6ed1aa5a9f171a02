-- Web pages (origins) allowed to call the public site-key endpoints from a browser (CORS).
-- Empty means any origin.
ALTER TABLE sites ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}';
