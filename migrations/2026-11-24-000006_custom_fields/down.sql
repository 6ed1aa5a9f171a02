DROP TABLE custom_field_definitions;
