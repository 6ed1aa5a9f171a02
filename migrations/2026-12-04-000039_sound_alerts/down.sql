ALTER TABLE users DROP COLUMN sound_alerts;
