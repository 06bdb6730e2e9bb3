-- Up Migration
-- Payment allocation. Banks rewrite invoice numbers in transfer references (FAC-2026-0012 arrives as
-- "FAC 2026 0012" or "FAC20260012"): the number without separators, upper case, is indexed so that a
-- reference finds its invoice without scanning the ledger. The customer's open invoices are read by customer
-- and currency when a payment is matched by amount.
CREATE INDEX invoices_number_key_idx ON invoices ((upper(regexp_replace(number, '[^A-Za-z0-9]', '', 'g'))));
CREATE INDEX invoices_customer_open_idx ON invoices (customer_id, currency) WHERE status = 'open';

-- Why a payment was not (fully) applied, with the candidates seen, in French and English; and when it was last
-- allocated.
ALTER TABLE payments ADD COLUMN flag_details jsonb NOT NULL DEFAULT '{}';
ALTER TABLE payments ADD COLUMN allocated_at timestamptz;

-- Down Migration
ALTER TABLE payments DROP COLUMN allocated_at, DROP COLUMN flag_details;
DROP INDEX invoices_customer_open_idx;
DROP INDEX invoices_number_key_idx;
