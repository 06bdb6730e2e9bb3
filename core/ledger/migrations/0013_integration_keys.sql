-- Up Migration
-- Integration keys: one signing key per sending system (accounting software, billing platform...), several at a
-- time while a key is replaced, each revocable alone. The secret stays in the ledger: it never travels in an n8n
-- item. A signed request names its key in the X-Receivables-Key header.
CREATE TABLE integration_keys (
	key_id text PRIMARY KEY CHECK (key_id ~ '^[A-Za-z0-9._-]{1,64}$'),
	-- The sending system; its delivery ids and payments are remembered under this name.
	sender text NOT NULL CHECK (sender ~ '^[A-Za-z0-9._-]{1,64}$'),
	-- The webhooks (purposes) the key may sign for; empty: intake only.
	purposes text[] NOT NULL DEFAULT '{}',
	secret text NOT NULL CHECK (length(secret) >= 16),
	created_at timestamptz NOT NULL DEFAULT now(),
	-- Set when the key is replaced: it keeps working until then (the overlap), never after.
	expires_at timestamptz,
	revoked_at timestamptz,
	revoked_reason text,
	last_used_at timestamptz,
	note text
);
CREATE INDEX integration_keys_sender_idx ON integration_keys (sender);

-- What a delivery carried and what it was answered: the same delivery sent again with the same body is answered
-- the same (an idempotent retry); a different body under a used delivery id is refused.
ALTER TABLE webhook_deliveries
	ADD COLUMN body_sha256 text,
	ADD COLUMN key_id text,
	ADD COLUMN purpose text,
	ADD COLUMN response jsonb;

-- Down Migration
ALTER TABLE webhook_deliveries DROP COLUMN response, DROP COLUMN purpose, DROP COLUMN key_id, DROP COLUMN body_sha256;
DROP TABLE integration_keys;
