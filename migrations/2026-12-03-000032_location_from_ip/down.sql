ALTER TABLE contacts DROP COLUMN location_from_ip;
