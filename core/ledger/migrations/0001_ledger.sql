-- Up Migration
-- The receivables ledger: one schema for Invoice Intake, Reminder Step, Quality Contact, Dispute Classifier,
-- Wave Planner and Courier Tracking. Amounts are exact integers in the currency's minor unit
-- (cents for EUR and MAD, francs for XOF); dates are calendar dates, instants are timestamptz.

CREATE TABLE settings (
	key text PRIMARY KEY,
	value jsonb NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- People of the company: sales reps, group heads (the manager of reps), collectors, couriers.
CREATE TABLE staff (
	code text PRIMARY KEY,
	name text NOT NULL,
	email text,
	phone text,
	roles text[] NOT NULL DEFAULT '{}',
	manager_code text REFERENCES staff (code),
	active boolean NOT NULL DEFAULT true,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_manager_idx ON staff (manager_code);

-- Dunning policies are data: one per customer profile (key account, risky, SME, export, internal...).
CREATE TABLE dunning_policies (
	code text PRIMARY KEY,
	name text NOT NULL,
	stages jsonb NOT NULL DEFAULT '[]',
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
	id bigserial PRIMARY KEY,
	external_id text NOT NULL UNIQUE,
	name text NOT NULL,
	legal_name text,
	siren text,
	vat_number text,
	profile text REFERENCES dunning_policies (code),
	policy_overrides jsonb NOT NULL DEFAULT '{}',
	language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
	emails text[] NOT NULL DEFAULT '{}',
	cc_emails text[] NOT NULL DEFAULT '{}',
	email_status text NOT NULL DEFAULT 'ok' CHECK (email_status IN ('ok', 'bounced', 'invalid', 'none')),
	phone text,
	sales_rep_code text REFERENCES staff (code),
	collector_code text REFERENCES staff (code),
	billing_cycle text NOT NULL DEFAULT 'monthly',
	first_cycle_done boolean NOT NULL DEFAULT false,
	zone text,
	address_lines text[] NOT NULL DEFAULT '{}',
	postal_code text,
	city text,
	country char(2) NOT NULL DEFAULT 'FR',
	credit_limit_minor bigint,
	currency char(3) NOT NULL DEFAULT 'EUR',
	payment_terms_days integer,
	on_hold boolean NOT NULL DEFAULT false,
	hold_reason text,
	custom_fields jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_sales_rep_idx ON customers (sales_rep_code);
CREATE INDEX customers_profile_idx ON customers (profile);
CREATE INDEX customers_zone_idx ON customers (zone);

-- Invoices and credit notes. One row per document; a changed document becomes a new revision
-- (revision + 1, previous content kept in history).
CREATE TABLE invoices (
	id bigserial PRIMARY KEY,
	issuer text NOT NULL DEFAULT 'default',
	doc_type text NOT NULL DEFAULT 'invoice' CHECK (doc_type IN ('invoice', 'credit_note')),
	number text NOT NULL,
	customer_id bigint NOT NULL REFERENCES customers (id),
	currency char(3) NOT NULL,
	total_excl_minor bigint NOT NULL,
	total_tax_minor bigint NOT NULL DEFAULT 0,
	total_incl_minor bigint NOT NULL,
	payable_minor bigint NOT NULL,
	open_minor bigint NOT NULL,
	issue_date date NOT NULL,
	due_date date NOT NULL,
	reception_date date,
	terms_days integer,
	terms_basis text CHECK (terms_basis IN ('issue', 'reception', 'end_of_month')),
	payment_terms text,
	po_number text,
	status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'credited', 'cancelled')),
	paid_at date,
	credited_invoice_id bigint REFERENCES invoices (id),
	revision integer NOT NULL DEFAULT 1,
	content_hash text NOT NULL,
	source text NOT NULL DEFAULT 'json',
	source_ref text,
	lines jsonb NOT NULL DEFAULT '[]',
	anomalies jsonb NOT NULL DEFAULT '[]',
	extra jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT invoices_issuer_number_key UNIQUE (issuer, doc_type, number)
);
CREATE INDEX invoices_customer_idx ON invoices (customer_id);
-- Dunning and calls look only at what is still owed, by due date: the cost follows the number due.
CREATE INDEX invoices_open_due_idx ON invoices (due_date) WHERE status = 'open';
CREATE INDEX invoices_credited_idx ON invoices (credited_invoice_id) WHERE credited_invoice_id IS NOT NULL;

CREATE TABLE payments (
	id bigserial PRIMARY KEY,
	source text NOT NULL DEFAULT 'bank',
	external_ref text NOT NULL,
	customer_id bigint REFERENCES customers (id),
	amount_minor bigint NOT NULL CHECK (amount_minor > 0),
	unapplied_minor bigint NOT NULL,
	currency char(3) NOT NULL,
	received_on date NOT NULL,
	payer_name text,
	reference_text text,
	status text NOT NULL DEFAULT 'unapplied'
		CHECK (status IN ('unapplied', 'partially_applied', 'applied', 'ambiguous')),
	flag_reason text,
	content_hash text NOT NULL,
	extra jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT payments_source_ref_key UNIQUE (source, external_ref)
);
CREATE INDEX payments_customer_idx ON payments (customer_id);
CREATE INDEX payments_open_idx ON payments (status) WHERE status <> 'applied';

CREATE TABLE allocations (
	id bigserial PRIMARY KEY,
	payment_id bigint NOT NULL REFERENCES payments (id),
	invoice_id bigint NOT NULL REFERENCES invoices (id),
	amount_minor bigint NOT NULL CHECK (amount_minor > 0),
	method text NOT NULL DEFAULT 'reference',
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT allocations_payment_invoice_key UNIQUE (payment_id, invoice_id)
);
CREATE INDEX allocations_invoice_idx ON allocations (invoice_id);

-- Holds pause dunning: delay agreements, customer holds, manual holds. Disputes and promises hold too.
CREATE TABLE holds (
	id bigserial PRIMARY KEY,
	customer_id bigint NOT NULL REFERENCES customers (id),
	invoice_id bigint REFERENCES invoices (id),
	reason text NOT NULL,
	until date,
	created_by text,
	created_at timestamptz NOT NULL DEFAULT now(),
	released_at timestamptz
);
CREATE INDEX holds_active_invoice_idx ON holds (invoice_id) WHERE released_at IS NULL;
CREATE INDEX holds_active_customer_idx ON holds (customer_id) WHERE released_at IS NULL;

-- Each stage of each invoice is sent at most once: claimed before sending, confirmed after.
CREATE TABLE reminders (
	id bigserial PRIMARY KEY,
	invoice_id bigint NOT NULL REFERENCES invoices (id),
	customer_id bigint NOT NULL REFERENCES customers (id),
	stage text NOT NULL,
	channel text NOT NULL CHECK (channel IN ('email', 'letter', 'call')),
	status text NOT NULL DEFAULT 'claimed'
		CHECK (status IN ('claimed', 'sent', 'failed', 'retry', 'uncertain', 'skipped', 'bounced')),
	claimed_by text,
	claimed_at timestamptz NOT NULL DEFAULT now(),
	sent_at timestamptz,
	message_id text,
	recipients text[] NOT NULL DEFAULT '{}',
	attempts integer NOT NULL DEFAULT 0,
	error text,
	CONSTRAINT reminders_invoice_stage_key UNIQUE (invoice_id, stage)
);
CREATE INDEX reminders_status_idx ON reminders (status, claimed_at);
CREATE INDEX reminders_message_idx ON reminders (message_id) WHERE message_id IS NOT NULL;

-- Append-only record of every exchange: what was sent, received, called, delivered, changed.
CREATE TABLE history (
	id bigserial PRIMARY KEY,
	at timestamptz NOT NULL DEFAULT now(),
	customer_id bigint REFERENCES customers (id),
	invoice_id bigint REFERENCES invoices (id),
	kind text NOT NULL,
	channel text,
	actor text,
	summary text NOT NULL,
	content_hash text,
	payload jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX history_customer_idx ON history (customer_id, at);
CREATE INDEX history_invoice_idx ON history (invoice_id, at);

CREATE FUNCTION history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the history is append-only: % is not allowed', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
	FOR EACH ROW EXECUTE FUNCTION history_is_append_only();

CREATE TABLE disputes (
	id bigserial PRIMARY KEY,
	customer_id bigint NOT NULL REFERENCES customers (id),
	category text NOT NULL
		CHECK (category IN ('administrative', 'logistics', 'commercial', 'technical', 'other')),
	subcategory text,
	status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
	owner text,
	opened_at timestamptz NOT NULL DEFAULT now(),
	due_on date,
	amount_minor bigint,
	currency char(3),
	source text,
	evidence text,
	resolution text,
	root_cause text,
	resolved_at timestamptz,
	created_by text
);
CREATE INDEX disputes_open_idx ON disputes (customer_id) WHERE status = 'open';

CREATE TABLE dispute_invoices (
	dispute_id bigint NOT NULL REFERENCES disputes (id),
	invoice_id bigint NOT NULL REFERENCES invoices (id),
	PRIMARY KEY (dispute_id, invoice_id)
);
CREATE INDEX dispute_invoices_invoice_idx ON dispute_invoices (invoice_id);

CREATE TABLE contact_tasks (
	id bigserial PRIMARY KEY,
	customer_id bigint NOT NULL REFERENCES customers (id),
	kind text NOT NULL DEFAULT 'quality_call',
	assignee_code text REFERENCES staff (code),
	due_on date NOT NULL,
	invoice_ids bigint[] NOT NULL DEFAULT '{}',
	status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
	outcome text,
	notes text,
	created_at timestamptz NOT NULL DEFAULT now(),
	done_at timestamptz,
	CONSTRAINT contact_tasks_customer_kind_due_key UNIQUE (customer_id, kind, due_on)
);
CREATE INDEX contact_tasks_open_idx ON contact_tasks (due_on) WHERE status = 'open';

CREATE TABLE promises (
	id bigserial PRIMARY KEY,
	customer_id bigint NOT NULL REFERENCES customers (id),
	invoice_id bigint REFERENCES invoices (id),
	promised_on date NOT NULL,
	amount_minor bigint,
	currency char(3),
	status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'kept', 'broken', 'cancelled')),
	source text,
	created_at timestamptz NOT NULL DEFAULT now(),
	settled_at timestamptz
);
CREATE INDEX promises_pending_idx ON promises (promised_on) WHERE status = 'pending';
CREATE INDEX promises_invoice_idx ON promises (invoice_id);

-- Invoice distribution by courier.
CREATE TABLE waves (
	id bigserial PRIMARY KEY,
	code text NOT NULL UNIQUE,
	billing_cycle text NOT NULL,
	zone text,
	courier_code text REFERENCES staff (code),
	planned_on date NOT NULL,
	status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'released', 'closed')),
	released_at timestamptz,
	cost_minor bigint,
	currency char(3),
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deliveries (
	id bigserial PRIMARY KEY,
	wave_id bigint NOT NULL REFERENCES waves (id),
	invoice_id bigint NOT NULL REFERENCES invoices (id),
	customer_id bigint NOT NULL REFERENCES customers (id),
	status text NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'entered', 'picked_up', 'delivered', 'refused', 'absent', 'wrong_address', 'returned')),
	recipient_name text,
	delivered_at timestamptz,
	last_event_at timestamptz,
	CONSTRAINT deliveries_wave_invoice_key UNIQUE (wave_id, invoice_id)
);
CREATE INDEX deliveries_invoice_idx ON deliveries (invoice_id);
CREATE INDEX deliveries_customer_idx ON deliveries (customer_id);

CREATE TABLE courier_events (
	id bigserial PRIMARY KEY,
	event_id text NOT NULL UNIQUE,
	courier_code text NOT NULL REFERENCES staff (code),
	delivery_id bigint REFERENCES deliveries (id),
	invoice_id bigint NOT NULL REFERENCES invoices (id),
	type text NOT NULL
		CHECK (type IN ('picked_up', 'delivered', 'refused', 'absent', 'wrong_address', 'returned')),
	occurred_at timestamptz NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now(),
	recipient_name text,
	latitude double precision,
	longitude double precision,
	attachments jsonb NOT NULL DEFAULT '{}',
	payload jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX courier_events_invoice_idx ON courier_events (invoice_id, occurred_at);

-- Who may read what in the tracking portal: level 1 everything, 2 a sales rep's own customers,
-- 3 a group head's reps' customers.
CREATE TABLE portal_users (
	id bigserial PRIMARY KEY,
	login text NOT NULL UNIQUE,
	name text NOT NULL,
	level smallint NOT NULL CHECK (level IN (1, 2, 3)),
	staff_code text REFERENCES staff (code),
	secret_hash text,
	language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
	active boolean NOT NULL DEFAULT true,
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT portal_users_scope_check CHECK (level = 1 OR staff_code IS NOT NULL)
);

-- Signed webhooks: delivery ids already accepted, so a replayed request changes nothing.
CREATE TABLE webhook_deliveries (
	source text NOT NULL,
	delivery_id text NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (source, delivery_id)
);

-- Down Migration
DROP TABLE webhook_deliveries, portal_users, courier_events, deliveries, waves, promises, contact_tasks,
	dispute_invoices, disputes, history, reminders, holds, allocations, payments, invoices, customers,
	dunning_policies, staff, settings;
DROP FUNCTION history_is_append_only();
