-- Up Migration
-- The reminder plan looks up, for each invoice it plans, the latest pending promise on that invoice and the latest
-- pending promise its customer made for the whole account. Keyed by invoice (or customer) and date, each lookup
-- reads one index entry, however many promises the ledger holds; by date alone it read every future promise.
CREATE INDEX promises_pending_invoice_on_idx ON promises (invoice_id, promised_on)
	WHERE status = 'pending' AND invoice_id IS NOT NULL;
CREATE INDEX promises_pending_account_on_idx ON promises (customer_id, promised_on)
	WHERE status = 'pending' AND invoice_id IS NULL;

-- Down Migration
DROP INDEX promises_pending_account_on_idx;
DROP INDEX promises_pending_invoice_on_idx;
