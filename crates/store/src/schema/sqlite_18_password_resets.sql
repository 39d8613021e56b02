-- SQLite step 18: password resets. One pending reset per account: the emailed code only as a keyed
-- hash, its expiry and the wrong tries so far. Sends are rate-limited through `login_failures` (keys
-- that start with "reset "), like failed sign-ins.
CREATE TABLE password_resets (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    code_hash BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL,
    sent_at INTEGER NOT NULL
);
