-- Up Migration
-- The company's own identity (settings key "company"): who saved the current value, every replaced value with the
-- dates it was in force (what a letter said on a given day can be traced), and the logo's bytes under their hash
-- (PNG or JPEG, at most 512 KB), referenced by the identity and never copied into workflow items.
ALTER TABLE settings ADD COLUMN updated_by text;

CREATE TABLE settings_history (
	id bigserial PRIMARY KEY,
	key text NOT NULL,
	value jsonb NOT NULL,
	valid_from timestamptz NOT NULL,
	replaced_at timestamptz NOT NULL DEFAULT now(),
	replaced_by text,
	changed text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX settings_history_key_idx ON settings_history (key, replaced_at);

CREATE TABLE company_logos (
	sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	mime_type text NOT NULL CHECK (mime_type IN ('image/png', 'image/jpeg')),
	data bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 524288),
	created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE company_logos;
DROP TABLE settings_history;
ALTER TABLE settings DROP COLUMN updated_by;
