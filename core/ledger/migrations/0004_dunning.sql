-- Up Migration
-- Dunning: policy-wide settings beside the stages, and the indexes that keep planning proportional to the
-- number of reminders due (not to the size of the ledger).

ALTER TABLE dunning_policies ADD COLUMN settings jsonb NOT NULL DEFAULT '{}';

-- Thank-you messages look at invoices paid in the last days.
CREATE INDEX invoices_paid_at_idx ON invoices (paid_at) WHERE status = 'paid';
-- Customers whose policy is overridden are few: found without scanning the customers.
CREATE INDEX customers_overrides_idx ON customers (id) WHERE policy_overrides <> '{}'::jsonb;
-- Promises to pay that cover a whole customer account (no invoice).
CREATE INDEX promises_pending_customer_idx ON promises (customer_id) WHERE status = 'pending';
-- Per-customer timeline and daily digest.
CREATE INDEX reminders_customer_idx ON reminders (customer_id, claimed_at);
CREATE INDEX history_kind_at_idx ON history (kind, at);

-- Down Migration
DROP INDEX history_kind_at_idx;
DROP INDEX reminders_customer_idx;
DROP INDEX promises_pending_customer_idx;
DROP INDEX customers_overrides_idx;
DROP INDEX invoices_paid_at_idx;
ALTER TABLE dunning_policies DROP COLUMN settings;
