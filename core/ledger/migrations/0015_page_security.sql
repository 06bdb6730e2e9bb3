-- Up Migration
-- Pages and couriers' phones: one key per purpose and per party, kept in the ledger (never in n8n items), server-side
-- sessions with a capped lifetime and a revocation list, and login throttling.

-- Keys the server alone knows: the page sessions' key, the page forms' key (CSRF) and the QR codes' key. Each
-- purpose is rotated apart: rotating the session key ends every session but leaves the printed QR codes valid.
CREATE TABLE server_keys (
	id bigserial PRIMARY KEY,
	purpose text NOT NULL CHECK (purpose IN ('session', 'form', 'qr')),
	secret bytea NOT NULL CHECK (octet_length(secret) >= 32),
	created_at timestamptz NOT NULL DEFAULT now(),
	retired_at timestamptz
);
CREATE INDEX server_keys_purpose_idx ON server_keys (purpose, id DESC) WHERE retired_at IS NULL;

-- One signing key per courier phone: a lost phone revokes its own key and nothing else.
CREATE TABLE courier_devices (
	id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{8,64}$'),
	courier_account_id bigint NOT NULL REFERENCES courier_accounts (id),
	label text NOT NULL,
	secret bytea NOT NULL CHECK (octet_length(secret) >= 32),
	created_at timestamptz NOT NULL DEFAULT now(),
	last_used_at timestamptz,
	revoked_at timestamptz,
	revoked_reason text
);
CREATE INDEX courier_devices_account_idx ON courier_devices (courier_account_id);

-- Sessions of the portal, the dashboard and the courier page. The token a browser carries only names the row;
-- the row holds the absolute end (capped when the session opens), the idle window and the revocation.
CREATE TABLE page_sessions (
	id text PRIMARY KEY,
	kind text NOT NULL CHECK (kind IN ('portal', 'courier')),
	subject_id bigint NOT NULL,
	subject_version integer NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	last_seen_at timestamptz NOT NULL DEFAULT now(),
	idle_seconds integer NOT NULL CHECK (idle_seconds > 0),
	expires_at timestamptz NOT NULL,
	revoked_at timestamptz,
	revoked_reason text
);
CREATE INDEX page_sessions_subject_idx ON page_sessions (kind, subject_id) WHERE revoked_at IS NULL;
CREATE INDEX page_sessions_expiry_idx ON page_sessions (expires_at);

-- Failed logins per account (the login as typed, known or not) and per client address, in a sliding window.
CREATE TABLE login_throttle (
	scope text NOT NULL CHECK (scope IN ('account', 'address')),
	key text NOT NULL,
	failures integer NOT NULL DEFAULT 0,
	window_started_at timestamptz NOT NULL DEFAULT now(),
	locked_until timestamptz,
	lockouts integer NOT NULL DEFAULT 0,
	notified_at timestamptz,
	PRIMARY KEY (scope, key)
);

-- Where a lockout notice goes for a portal user without a staff record (level 1).
ALTER TABLE portal_users ADD COLUMN email text;

-- Down Migration
ALTER TABLE portal_users DROP COLUMN email;
DROP TABLE login_throttle, page_sessions, courier_devices, server_keys;
