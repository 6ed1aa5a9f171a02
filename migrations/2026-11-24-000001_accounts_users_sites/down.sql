DROP TABLE api_keys;
DROP TABLE sites;
DROP TABLE login_failures;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE accounts;
