DROP TABLE card_relations;
