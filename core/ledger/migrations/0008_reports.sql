-- Up Migration
-- Reports as of any date. A report for last month must not change when this month's payments arrive, so each
-- allocation records the date it takes effect in the balance (applied_on): the payment's value date when the
-- payment is allocated the day it is recorded (bank statements, webhooks), otherwise the day it was allocated (an
-- unapplied payment allocated later by hand does not rewrite the past). Credit notes take effect on their issue
-- date, disputes and promises on their opening/settlement instants (already recorded).

ALTER TABLE allocations ADD COLUMN applied_on date;
UPDATE allocations a SET applied_on = CASE WHEN a.created_at::date > p.created_at::date THEN GREATEST(p.received_on, a.created_at::date) ELSE p.received_on END
	FROM payments p WHERE p.id = a.payment_id;
ALTER TABLE allocations ALTER COLUMN applied_on SET NOT NULL;

CREATE FUNCTION allocation_applied_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.applied_on IS NULL THEN
		SELECT CASE WHEN now()::date > p.created_at::date THEN GREATEST(p.received_on, now()::date) ELSE p.received_on END
		INTO NEW.applied_on FROM payments p WHERE p.id = NEW.payment_id;
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER allocation_applied_on BEFORE INSERT ON allocations
	FOR EACH ROW EXECUTE FUNCTION allocation_applied_on();

-- The issue date of the allocated invoice, kept beside the allocation: the invoices that were open at a past date
-- and have been paid since are the allocations effective after that date of invoices issued by it, read from one
-- index without visiting the invoices paid since. Kept in step when an invoice's issue date is revised.
ALTER TABLE allocations ADD COLUMN invoice_issued_on date;
UPDATE allocations a SET invoice_issued_on = i.issue_date FROM invoices i WHERE i.id = a.invoice_id;
ALTER TABLE allocations ALTER COLUMN invoice_issued_on SET NOT NULL;

CREATE FUNCTION allocation_invoice_issued_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.invoice_issued_on IS NULL THEN
		SELECT i.issue_date INTO NEW.invoice_issued_on FROM invoices i WHERE i.id = NEW.invoice_id;
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER allocation_invoice_issued_on BEFORE INSERT ON allocations
	FOR EACH ROW EXECUTE FUNCTION allocation_invoice_issued_on();

CREATE FUNCTION invoice_issue_date_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE allocations SET invoice_issued_on = NEW.issue_date WHERE invoice_id = NEW.id;
	RETURN NULL;
END;
$$;
CREATE TRIGGER invoice_issue_date_follows AFTER UPDATE OF issue_date ON invoices
	FOR EACH ROW WHEN (OLD.issue_date IS DISTINCT FROM NEW.issue_date) EXECUTE FUNCTION invoice_issue_date_follows();

-- Invoices settled after an as-of date (they were still open then) are found by the date of their allocations and
-- of their credit notes; an invoice's balance at a date reads only its own allocations and credit notes. Payments
-- allocated after a date (unallocated at it) are found the same way.
CREATE INDEX allocations_applied_on_idx ON allocations (applied_on) INCLUDE (invoice_id, invoice_issued_on, payment_id);
CREATE INDEX allocations_invoice_applied_idx ON allocations (invoice_id, applied_on) INCLUDE (amount_minor);
CREATE INDEX invoices_credit_issue_idx ON invoices (issue_date) INCLUDE (credited_invoice_id)
	WHERE doc_type = 'credit_note' AND credited_invoice_id IS NOT NULL;
CREATE INDEX invoices_credit_notes_idx ON invoices (credited_invoice_id, issue_date) INCLUDE (payable_minor)
	WHERE doc_type = 'credit_note';
-- Open invoices by issue date (an as-of report only reads those issued by then); sales per month (DSO, CEI).
CREATE INDEX invoices_open_issue_idx ON invoices (issue_date) WHERE status = 'open' AND doc_type = 'invoice';
CREATE INDEX invoices_issue_idx ON invoices (issue_date, doc_type) INCLUDE (currency, payable_minor, customer_id);
-- Reminder results by sending day.
CREATE INDEX reminders_sent_idx ON reminders (sent_at) WHERE sent_at IS NOT NULL;

-- Down Migration
DROP INDEX reminders_sent_idx;
DROP INDEX invoices_issue_idx;
DROP INDEX invoices_open_issue_idx;
DROP INDEX invoices_credit_notes_idx;
DROP INDEX invoices_credit_issue_idx;
DROP INDEX allocations_invoice_applied_idx;
DROP INDEX allocations_applied_on_idx;
DROP TRIGGER invoice_issue_date_follows ON invoices;
DROP FUNCTION invoice_issue_date_follows();
DROP TRIGGER allocation_invoice_issued_on ON allocations;
DROP FUNCTION allocation_invoice_issued_on();
ALTER TABLE allocations DROP COLUMN invoice_issued_on;
DROP TRIGGER allocation_applied_on ON allocations;
DROP FUNCTION allocation_applied_on();
ALTER TABLE allocations DROP COLUMN applied_on;
