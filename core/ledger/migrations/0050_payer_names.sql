-- Up Migration
-- Payer names a person settled for a customer (Apply Payment), as the bank wrote them, compared without case,
-- accents, punctuation or legal forms: the next payment under the same name finds its customer even when that name
-- resembles no customer's closely enough ("ETS MARTIN ET FILS" for Garage Martin). A name a person settled for two
-- customers is marked shared and no longer identifies either.
CREATE TABLE customer_payer_names (
	name_key text PRIMARY KEY,
	customer_id bigint NOT NULL REFERENCES customers (id),
	payer_name text NOT NULL,
	shared boolean NOT NULL DEFAULT false,
	learned_from bigint,
	learned_by text NOT NULL,
	learned_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_payer_names_customer_idx ON customer_payer_names (customer_id);

-- Down Migration
DROP TABLE customer_payer_names;
