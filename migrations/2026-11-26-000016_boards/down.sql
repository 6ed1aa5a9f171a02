DROP TABLE board_stages;
DROP TABLE board_members;
DROP TABLE boards;
