-- Up Migration
-- Bank statement files imported once, and the bank accounts customers pay from, learned from allocations.

-- One row per statement of a file: an account's statement id is imported once (a second import of the same file,
-- or of a file that repeats the statement, adds nothing). The balance check is kept as the bank's file stated it.
CREATE TABLE bank_statements (
	id bigserial PRIMARY KEY,
	account text NOT NULL,
	statement_id text NOT NULL,
	format text NOT NULL,
	currency text NOT NULL,
	opening_minor bigint,
	opening_date date,
	closing_minor bigint,
	closing_date date,
	balance_ok boolean,
	difference_minor bigint,
	entries integer NOT NULL,
	credits integer NOT NULL,
	file_sha256 text NOT NULL,
	file_name text,
	imported_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (account, statement_id)
);

-- A payer's bank account (IBAN or other id) and the customer it paid for. Learned when a payment carrying the account
-- is allocated to one customer (by the rules or by a person); an account seen paying for two customers is marked
-- shared and no longer identifies either.
CREATE TABLE customer_bank_accounts (
	account text PRIMARY KEY,
	customer_id bigint NOT NULL REFERENCES customers (id),
	shared boolean NOT NULL DEFAULT false,
	learned_from bigint,
	learned_by text NOT NULL,
	learned_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_bank_accounts_customer_idx ON customer_bank_accounts (customer_id);

-- Down Migration
DROP TABLE customer_bank_accounts;
DROP TABLE bank_statements;
