-- The language a user chose in the app, for the e-mails they receive (recorded at sign-in
-- and at each session refresh from the app's Accept-Language).
ALTER TABLE users ADD COLUMN lang text NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'pt-BR'));
