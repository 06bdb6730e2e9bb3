-- Up Migration
-- A credit note keeps the number of the invoice it credits, so it can be linked when that invoice arrives in
-- the same batch or later (accounting exports do not always send invoices before their credit notes).
ALTER TABLE invoices ADD COLUMN credited_number text;
UPDATE invoices cn SET credited_number = i.number FROM invoices i WHERE cn.credited_invoice_id = i.id;
CREATE INDEX invoices_pending_credit_idx ON invoices (issuer, credited_number)
	WHERE doc_type = 'credit_note' AND credited_invoice_id IS NULL AND credited_number IS NOT NULL;

-- Down Migration
DROP INDEX invoices_pending_credit_idx;
ALTER TABLE invoices DROP COLUMN credited_number;
