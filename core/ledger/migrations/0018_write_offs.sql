-- Up Migration
-- Small differences written off when a payment is allocated (a customer pays 999.50 for 1,000.00 and the company
-- accepts the difference below its threshold). A write-off is a fact of its own, with its effective date: the
-- invoice is settled, the written-off amount is never counted as cash, and reports and the timeline show it.
CREATE TABLE write_offs (
	id bigserial PRIMARY KEY,
	invoice_id bigint NOT NULL REFERENCES invoices (id),
	customer_id bigint NOT NULL REFERENCES customers (id),
	payment_id bigint REFERENCES payments (id),
	currency char(3) NOT NULL,
	amount_minor bigint NOT NULL CHECK (amount_minor > 0),
	reason text NOT NULL DEFAULT 'small_difference',
	effective_on date NOT NULL,
	actor text,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX write_offs_invoice_idx ON write_offs (invoice_id);
CREATE INDEX write_offs_customer_idx ON write_offs (customer_id, effective_on);

-- Down Migration
DROP TABLE write_offs;
