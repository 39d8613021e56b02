-- 22: a person's preferences: the language pages, errors, emails and SMS are written in (`en`, `ru`
-- or `es`; set at sign-up from the request, changed with PATCH /v1/me), and the IANA time zone
-- times are shown in (`UTC` until the person or their browser says otherwise).
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'ru', 'es'));
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
