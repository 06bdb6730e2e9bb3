-- Up Migration
-- Lifecycle statuses of invoices from the e-invoicing platforms (CDAR messages, platform JSON events, Chorus Pro).
-- Each status of each message is kept once; a status for an invoice the ledger does not hold yet is kept until the
-- invoice arrives, then applied.
CREATE TABLE lifecycle_statuses (
	id bigserial PRIMARY KEY,
	message_id text NOT NULL,
	invoice_number text NOT NULL,
	invoice_key text NOT NULL,
	seller_id text,
	status_code text NOT NULL,
	issued_at timestamptz NOT NULL,
	reason_code text,
	reason_text text,
	amounts jsonb NOT NULL DEFAULT '[]',
	source text NOT NULL,
	invoice_id bigint REFERENCES invoices (id),
	-- applied, superseded (an older status arriving after a newer one), pending (invoice not in the ledger yet),
	-- other_issuer (the invoice number is another seller's): what happened to it, and the effect it had.
	outcome text NOT NULL,
	effect text,
	received_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (message_id, invoice_number, status_code)
);
CREATE INDEX lifecycle_statuses_pending_idx ON lifecycle_statuses (invoice_key) WHERE outcome = 'pending';
CREATE INDEX lifecycle_statuses_invoice_idx ON lifecycle_statuses (invoice_id, issued_at);

ALTER TABLE invoices ADD COLUMN lifecycle_status text, ADD COLUMN lifecycle_at timestamptz;

-- Down Migration
ALTER TABLE invoices DROP COLUMN lifecycle_status, DROP COLUMN lifecycle_at;
DROP TABLE lifecycle_statuses;
