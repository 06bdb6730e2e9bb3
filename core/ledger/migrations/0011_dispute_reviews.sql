-- Up Migration
-- Customer replies the dispute classifier was not sure about wait here for a person: what the message said, what
-- the classifier thought, and the label the person gave (kept to retrain the classifier).
CREATE TABLE dispute_reviews (
	id bigserial PRIMARY KEY,
	source text NOT NULL DEFAULT 'email',
	-- The e-mail Message-ID: a message queued twice (a retried workflow) is one review.
	source_ref text,
	received_at text,
	sender text,
	subject text,
	body text NOT NULL,
	language char(2),
	predicted_category text NOT NULL,
	predicted_subcategory text,
	confidence numeric(4, 3),
	classification jsonb NOT NULL DEFAULT '{}',
	reason text NOT NULL DEFAULT 'low_confidence',
	customer_id bigint REFERENCES customers (id),
	invoice_numbers text[] NOT NULL DEFAULT '{}',
	status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'corrected')),
	label text CHECK (label IS NULL OR label IN ('administrative', 'logistics', 'commercial', 'technical', 'payment_promise', 'payment_sent',
		'delay_request', 'auto_reply', 'other')),
	label_subcategory text,
	reviewed_by text,
	reviewed_at timestamptz,
	review_note text,
	dispute_id bigint REFERENCES disputes (id),
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX dispute_reviews_source_ref_key ON dispute_reviews (source, source_ref) WHERE source_ref IS NOT NULL;
CREATE INDEX dispute_reviews_pending_idx ON dispute_reviews (created_at) WHERE status = 'pending';

-- Down Migration
DROP TABLE dispute_reviews;
