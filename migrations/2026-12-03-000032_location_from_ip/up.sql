-- Whether a contact's city/region/country came from a GeoIP lookup of its address (approximate,
-- shown with the database's attribution) rather than from the lead's payload or a user's edit.
-- A constant default: no table rewrite on a large contacts table.
ALTER TABLE contacts ADD COLUMN location_from_ip boolean NOT NULL DEFAULT false;
