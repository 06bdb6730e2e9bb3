-- Up Migration
-- Files a payer attaches on their page: a proof of payment to a declared payment, a document to a dispute. Kept in
-- the ledger (never in a folder a web server or n8n serves), only of the types read from their first bytes (PDF, PNG,
-- JPEG), with the name the payer gave reduced to one harmless file name; answers, the timeline and n8n items carry
-- only the attachment's id.
CREATE TABLE payer_attachments (
	id bigserial PRIMARY KEY,
	customer_id bigint NOT NULL REFERENCES customers (id),
	invoice_id bigint REFERENCES invoices (id),
	dispute_id bigint REFERENCES disputes (id),
	purpose text NOT NULL CHECK (purpose IN ('payment_proof', 'dispute_document')),
	file_name text NOT NULL CHECK (file_name !~ '[/\\]' AND file_name !~ '^\.' AND length(file_name) BETWEEN 1 AND 140),
	content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
	size_bytes integer NOT NULL CHECK (size_bytes > 0),
	sha256 text NOT NULL,
	content bytea NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payer_attachments_customer_idx ON payer_attachments (customer_id, created_at);
CREATE INDEX payer_attachments_dispute_idx ON payer_attachments (dispute_id) WHERE dispute_id IS NOT NULL;

-- Down Migration
DROP TABLE payer_attachments;
