-- Up Migration
-- Money is never mixed across currencies nor moved across customers: a credit note reduces only an invoice of its
-- own customer and currency, and a payment is allocated only to invoices of its currency. Intake refuses such
-- documents with a reason; the triggers below keep the ledger itself from holding one, whatever writes to it.
--
-- Links made before this rule are not changed: each one is written to ledger_findings (and announced by a
-- NOTICE) for a person to settle, and listed by listLedgerFindings().
CREATE TABLE ledger_findings (
	id bigserial PRIMARY KEY,
	kind text NOT NULL CHECK (kind IN ('credit_note_other_currency', 'credit_note_other_customer', 'credit_note_not_invoice',
		'allocation_other_currency', 'credit_note_link_refused')),
	credit_note_id bigint REFERENCES invoices (id),
	invoice_id bigint REFERENCES invoices (id),
	payment_id bigint REFERENCES payments (id),
	details jsonb NOT NULL DEFAULT '{}',
	found_at timestamptz NOT NULL DEFAULT now(),
	found_by text NOT NULL DEFAULT 'migration',
	resolved_at timestamptz,
	resolved_by text,
	resolution text
);
CREATE INDEX ledger_findings_open_idx ON ledger_findings (found_at) WHERE resolved_at IS NULL;

INSERT INTO ledger_findings (kind, credit_note_id, invoice_id, details)
SELECT CASE WHEN i.doc_type <> 'invoice' THEN 'credit_note_not_invoice'
	WHEN cn.currency <> i.currency THEN 'credit_note_other_currency' ELSE 'credit_note_other_customer' END,
	cn.id, i.id,
	jsonb_build_object('creditNote', cn.number, 'creditNoteCurrency', cn.currency, 'creditNoteCustomerId', cn.customer_id::text,
		'amountMinor', cn.payable_minor::text, 'invoice', i.number, 'invoiceCurrency', i.currency, 'invoiceCustomerId', i.customer_id::text)
FROM invoices cn JOIN invoices i ON i.id = cn.credited_invoice_id
WHERE cn.doc_type = 'credit_note' AND (cn.currency <> i.currency OR cn.customer_id <> i.customer_id OR i.doc_type <> 'invoice')
ORDER BY cn.id;

INSERT INTO ledger_findings (kind, invoice_id, payment_id, details)
SELECT 'allocation_other_currency', i.id, p.id,
	jsonb_build_object('payment', p.source || '/' || p.external_ref, 'paymentCurrency', p.currency, 'amountMinor', a.amount_minor::text,
		'invoice', i.number, 'invoiceCurrency', i.currency)
FROM allocations a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id
WHERE p.currency <> i.currency
ORDER BY a.id;

DO $$
DECLARE
	n integer;
BEGIN
	SELECT count(*) INTO n FROM ledger_findings;
	IF n > 0 THEN
		RAISE NOTICE '% link(s) across currencies or customers found in the ledger and kept as they are: listed in ledger_findings (listLedgerFindings) for a person to settle', n;
	END IF;
END;
$$;

CREATE FUNCTION credit_note_link_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	t record;
BEGIN
	IF NEW.doc_type = 'credit_note' AND NEW.credited_invoice_id IS NOT NULL THEN
		SELECT number, doc_type, currency, customer_id INTO t FROM invoices WHERE id = NEW.credited_invoice_id;
		IF t.doc_type <> 'invoice' THEN
			RAISE EXCEPTION 'credit note % cannot reduce % (not an invoice)', NEW.number, t.number
				USING ERRCODE = 'check_violation', CONSTRAINT = 'credit_note_credits_invoice';
		END IF;
		IF t.currency <> NEW.currency THEN
			RAISE EXCEPTION 'credit note % in % cannot reduce invoice % in %', NEW.number, NEW.currency, t.number, t.currency
				USING ERRCODE = 'check_violation', CONSTRAINT = 'credit_note_same_currency';
		END IF;
		IF t.customer_id <> NEW.customer_id THEN
			RAISE EXCEPTION 'credit note % cannot reduce invoice % of another customer', NEW.number, t.number
				USING ERRCODE = 'check_violation', CONSTRAINT = 'credit_note_same_customer';
		END IF;
	ELSIF NEW.doc_type = 'invoice' AND TG_OP = 'UPDATE' THEN
		SELECT cn.number, cn.currency, cn.customer_id INTO t FROM invoices cn
		WHERE cn.credited_invoice_id = NEW.id AND cn.doc_type = 'credit_note' AND (cn.currency <> NEW.currency OR cn.customer_id <> NEW.customer_id)
			-- links recorded before the rule (ledger_findings) are not re-checked
			AND cn.currency = OLD.currency AND cn.customer_id = OLD.customer_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'invoice % cannot move to % or to another customer: credit note % reduces it', NEW.number, NEW.currency, t.number
				USING ERRCODE = 'check_violation', CONSTRAINT = CASE WHEN t.currency <> NEW.currency THEN 'credit_note_same_currency' ELSE 'credit_note_same_customer' END;
		END IF;
		IF NEW.currency <> OLD.currency AND EXISTS (SELECT 1 FROM allocations a WHERE a.invoice_id = NEW.id) THEN
			RAISE EXCEPTION 'invoice % cannot move to %: payments in % are allocated to it', NEW.number, NEW.currency, OLD.currency
				USING ERRCODE = 'check_violation', CONSTRAINT = 'allocation_same_currency';
		END IF;
	END IF;
	RETURN NEW;
END;
$$;
-- New documents are inserted unlinked (intake links them afterwards), so the check runs on links and moves only.
CREATE TRIGGER credit_note_link_insert BEFORE INSERT ON invoices
	FOR EACH ROW WHEN (NEW.credited_invoice_id IS NOT NULL) EXECUTE FUNCTION credit_note_link_check();
CREATE TRIGGER credit_note_link_update BEFORE UPDATE ON invoices
	FOR EACH ROW WHEN (NEW.credited_invoice_id IS DISTINCT FROM OLD.credited_invoice_id OR NEW.currency IS DISTINCT FROM OLD.currency
		OR NEW.customer_id IS DISTINCT FROM OLD.customer_id)
	EXECUTE FUNCTION credit_note_link_check();

CREATE FUNCTION allocation_currency_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	pay_currency text;
	inv record;
BEGIN
	SELECT currency INTO pay_currency FROM payments WHERE id = NEW.payment_id;
	SELECT number, currency, doc_type INTO inv FROM invoices WHERE id = NEW.invoice_id;
	IF inv.doc_type <> 'invoice' THEN
		RAISE EXCEPTION 'a payment cannot be allocated to credit note %', inv.number
			USING ERRCODE = 'check_violation', CONSTRAINT = 'allocation_to_invoice';
	END IF;
	IF inv.currency <> pay_currency THEN
		RAISE EXCEPTION 'a payment in % cannot be allocated to invoice % in %', pay_currency, inv.number, inv.currency
			USING ERRCODE = 'check_violation', CONSTRAINT = 'allocation_same_currency';
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER allocation_currency_check BEFORE INSERT OR UPDATE OF payment_id, invoice_id ON allocations
	FOR EACH ROW EXECUTE FUNCTION allocation_currency_check();

-- Down Migration
DROP TRIGGER allocation_currency_check ON allocations;
DROP FUNCTION allocation_currency_check();
DROP TRIGGER credit_note_link_update ON invoices;
DROP TRIGGER credit_note_link_insert ON invoices;
DROP FUNCTION credit_note_link_check();
DROP TABLE ledger_findings;
