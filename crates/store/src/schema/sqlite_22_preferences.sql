-- 22: a person's preferences: the language pages, errors, emails and SMS are written in (`en`, `ru`
-- or `es`; set at sign-up from the request's language when it named one, changed with PATCH /v1/me;
-- NULL while the person never chose one, so each request's language applies and messages are in
-- English), and the IANA time zone times are shown in (`UTC` until the person says otherwise).
ALTER TABLE users ADD COLUMN locale TEXT CHECK (locale IS NULL OR locale IN ('en', 'ru', 'es'));
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
