-- Up Migration
-- Every dated fact has an effective date, so that a report as of a past date never changes.
--
-- 1. Invoice revisions take effect from the day they are recorded (or the effective date intake is given): the
--    content a revision replaces is kept in invoice_revisions with the day it stopped holding (superseded_on). A
--    report as of D reads, for each invoice, the first kept content superseded after D, else the current row.
--    Revisions recorded before this migration kept no earlier content: those invoices read as they are now.
CREATE TABLE invoice_revisions (
	invoice_id bigint NOT NULL REFERENCES invoices (id),
	revision integer NOT NULL,
	superseded_on date NOT NULL,
	customer_id bigint NOT NULL REFERENCES customers (id),
	currency char(3) NOT NULL,
	total_excl_minor bigint NOT NULL,
	total_tax_minor bigint NOT NULL,
	total_incl_minor bigint NOT NULL,
	payable_minor bigint NOT NULL,
	issue_date date NOT NULL,
	due_date date NOT NULL,
	content_hash text NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (invoice_id, revision)
);
CREATE INDEX invoice_revisions_superseded_idx ON invoice_revisions (superseded_on) INCLUDE (invoice_id, revision);

-- The effective day of what a transaction writes: set by the package (SET LOCAL receivables.effective_on) from the
-- date it was given, in the company's zone; otherwise the server's current date.
CREATE FUNCTION receivables_effective_on() RETURNS date LANGUAGE sql STABLE AS $$
	SELECT coalesce(nullif(current_setting('receivables.effective_on', true), '')::date, current_date)
$$;

CREATE FUNCTION invoice_revision_kept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	effective date := receivables_effective_on();
	last_day date;
BEGIN
	SELECT max(superseded_on) INTO last_day FROM invoice_revisions WHERE invoice_id = OLD.id;
	IF last_day IS NOT NULL AND effective < last_day THEN
		RAISE EXCEPTION 'revision % of % cannot take effect on %, before the previous revision (%)', NEW.revision, NEW.number, effective, last_day
			USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_revision_in_order';
	END IF;
	INSERT INTO invoice_revisions (invoice_id, revision, superseded_on, customer_id, currency, total_excl_minor, total_tax_minor,
		total_incl_minor, payable_minor, issue_date, due_date, content_hash)
	VALUES (OLD.id, OLD.revision, effective, OLD.customer_id, OLD.currency, OLD.total_excl_minor, OLD.total_tax_minor,
		OLD.total_incl_minor, OLD.payable_minor, OLD.issue_date, OLD.due_date, OLD.content_hash);
	RETURN NEW;
END;
$$;
CREATE TRIGGER invoice_revision_kept BEFORE UPDATE ON invoices
	FOR EACH ROW WHEN (NEW.revision > OLD.revision) EXECUTE FUNCTION invoice_revision_kept();

-- 2. A credit note linked to its invoice after it was issued (a link found later, by a person or from a payment's
--    label) takes effect the day it is linked, not on its issue date: credited_on. NULL = its issue date.
ALTER TABLE invoices ADD COLUMN credited_on date;
CREATE INDEX invoices_credited_on_idx ON invoices (credited_on) INCLUDE (credited_invoice_id)
	WHERE doc_type = 'credit_note' AND credited_on IS NOT NULL;

-- 3. A payment's status, customer and flag as they were at each date: balance cleaning as of a past date reads
--    them there. Written by a trigger on every change; the payment's own states start with the migration (payments
--    already in the ledger read as they are now since the day they were received).
CREATE TABLE payment_states (
	id bigserial PRIMARY KEY,
	payment_id bigint NOT NULL REFERENCES payments (id),
	effective_on date NOT NULL,
	status text NOT NULL,
	customer_id bigint REFERENCES customers (id),
	flag_reason text,
	recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_states_payment_idx ON payment_states (payment_id, effective_on, id);
INSERT INTO payment_states (payment_id, effective_on, status, customer_id, flag_reason)
	SELECT id, received_on, status, customer_id, flag_reason FROM payments ORDER BY id;

-- A change made the day the payment is recorded takes effect on its value date (as allocations do); a later one
-- on the effective day of the transaction.
CREATE FUNCTION payment_state_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO payment_states (payment_id, effective_on, status, customer_id, flag_reason)
	VALUES (NEW.id,
		CASE WHEN current_setting('receivables.effective_on', true) IS NOT NULL AND current_setting('receivables.effective_on', true) <> ''
			THEN GREATEST(NEW.received_on, receivables_effective_on())
			WHEN TG_OP = 'INSERT' OR current_date <= NEW.created_at::date THEN NEW.received_on
			ELSE GREATEST(NEW.received_on, current_date) END,
		NEW.status, NEW.customer_id, NEW.flag_reason);
	RETURN NULL;
END;
$$;
CREATE TRIGGER payment_state_insert AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION payment_state_kept();
CREATE TRIGGER payment_state_update AFTER UPDATE ON payments FOR EACH ROW
	WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.customer_id IS DISTINCT FROM OLD.customer_id OR NEW.flag_reason IS DISTINCT FROM OLD.flag_reason)
	EXECUTE FUNCTION payment_state_kept();

-- 4. An allocation made on another day to the same invoice is a fact of its own (its own applied_on): adding it to
--    the earlier one would move money back in time.
ALTER TABLE allocations DROP CONSTRAINT allocations_payment_invoice_key;
ALTER TABLE allocations ADD CONSTRAINT allocations_payment_invoice_day_key UNIQUE (payment_id, invoice_id, applied_on);
CREATE INDEX allocations_payment_idx ON allocations (payment_id);

-- Down Migration
DROP INDEX allocations_payment_idx;
ALTER TABLE allocations DROP CONSTRAINT allocations_payment_invoice_day_key;
ALTER TABLE allocations ADD CONSTRAINT allocations_payment_invoice_key UNIQUE (payment_id, invoice_id);
DROP TRIGGER payment_state_update ON payments;
DROP TRIGGER payment_state_insert ON payments;
DROP FUNCTION payment_state_kept();
DROP TABLE payment_states;
DROP INDEX invoices_credited_on_idx;
ALTER TABLE invoices DROP COLUMN credited_on;
DROP TRIGGER invoice_revision_kept ON invoices;
DROP FUNCTION invoice_revision_kept();
DROP FUNCTION receivables_effective_on();
DROP TABLE invoice_revisions;
