DROP TABLE card_checklist_items;
ALTER TABLE boards DROP COLUMN base_card;
ALTER TABLE cards DROP COLUMN custom_fields;
DROP TABLE board_fields;
