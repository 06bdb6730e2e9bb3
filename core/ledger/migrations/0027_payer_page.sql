-- Up Migration
-- The payer's own page: a link per customer (signed with its own server key, revoked by raising the customer's link
-- version), and what payers say there (each action once, counted for the rate limit, shown in the timeline).
ALTER TABLE server_keys DROP CONSTRAINT server_keys_purpose_check;
ALTER TABLE server_keys ADD CONSTRAINT server_keys_purpose_check CHECK (purpose IN ('session', 'form', 'qr', 'payer'));
ALTER TABLE customers ADD COLUMN payer_link_version integer NOT NULL DEFAULT 1;

CREATE TABLE payer_actions (
	id bigserial PRIMARY KEY,
	customer_id bigint NOT NULL REFERENCES customers (id),
	invoice_id bigint REFERENCES invoices (id),
	kind text NOT NULL CHECK (kind IN ('payment_declared', 'promise', 'dispute', 'copy_request', 'contact_request')),
	payload jsonb NOT NULL DEFAULT '{}',
	client text,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payer_actions_customer_idx ON payer_actions (customer_id, created_at);

-- Down Migration
DROP TABLE payer_actions;
ALTER TABLE customers DROP COLUMN payer_link_version;
ALTER TABLE server_keys DROP CONSTRAINT server_keys_purpose_check;
ALTER TABLE server_keys ADD CONSTRAINT server_keys_purpose_check CHECK (purpose IN ('session', 'form', 'qr'));
