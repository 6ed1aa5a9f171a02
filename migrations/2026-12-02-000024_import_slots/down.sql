DROP TABLE import_slots;
