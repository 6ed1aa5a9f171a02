-- Login throttling as counters updated atomically, keyed by e-mail and client address
-- (`login:<email>|<ip>`) and by client address alone (`ip:<ip>`), instead of a failure log
-- that was counted before the password check and written after it (a race let parallel
-- guesses through) and keyed by e-mail alone (anyone could lock any user out).
CREATE TABLE login_throttle (
    key text PRIMARY KEY,
    attempts integer NOT NULL,
    window_started_at timestamptz NOT NULL DEFAULT now()
);
DROP TABLE login_failures;
