-- Up Migration
-- The "Encaissée" (212) lifecycle statuses the company owes its e-invoicing platform: one per payment received on an
-- invoice (an allocation), with the amount and date of that receipt. A status stays owed until the step that sends
-- it to the platform confirms it; sent again with the same message id until then (the platform keeps one per id).
CREATE TABLE cashed_statuses (
	id bigserial PRIMARY KEY,
	allocation_id bigint NOT NULL UNIQUE REFERENCES allocations (id),
	invoice_id bigint NOT NULL REFERENCES invoices (id),
	message_id text NOT NULL UNIQUE,
	received_on date NOT NULL,
	amount_minor bigint NOT NULL CHECK (amount_minor > 0),
	currency text NOT NULL,
	vat_rate text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	sent_at timestamptz,
	sent_by text
);
CREATE INDEX cashed_statuses_owed_idx ON cashed_statuses (id) WHERE sent_at IS NULL;

-- Down Migration
DROP TABLE cashed_statuses;
