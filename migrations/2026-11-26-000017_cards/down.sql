DROP TABLE saved_board_filters;
DROP TABLE board_history;
DROP TABLE card_comments;
DROP TABLE card_members;
DROP TABLE card_labels;
DROP TABLE cards;
DROP TABLE board_labels;
