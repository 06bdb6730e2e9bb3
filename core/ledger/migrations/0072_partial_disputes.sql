-- Up Migration
-- A dispute on some lines of an invoice: the part of the invoice it covers (minor units of the invoice's currency).
-- NULL: the whole invoice is disputed (every dispute before this one). Dunning goes on for the undisputed rest.
ALTER TABLE dispute_invoices ADD COLUMN disputed_minor bigint CHECK (disputed_minor IS NULL OR disputed_minor > 0);

-- Down Migration
ALTER TABLE dispute_invoices DROP COLUMN disputed_minor;
