DROP TABLE saved_contact_filters;
ALTER TABLE saved_board_filters DROP COLUMN shared;
