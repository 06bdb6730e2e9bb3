-- Up Migration
-- Distribution by courier (waves, deliveries, costs) and the scoped tracking portal.

-- Waves: the billing-cycle run they belong to, where they go, and what one invoice costs to hand out.
ALTER TABLE waves ADD COLUMN cycle_key text;
ALTER TABLE waves ADD COLUMN city text;
ALTER TABLE waves ADD COLUMN country char(2);
ALTER TABLE waves ADD COLUMN courier_rate_minor bigint NOT NULL DEFAULT 0 CHECK (courier_rate_minor >= 0);
ALTER TABLE waves ADD COLUMN printing_rate_minor bigint NOT NULL DEFAULT 0 CHECK (printing_rate_minor >= 0);
ALTER TABLE waves ADD COLUMN postage_rate_minor bigint NOT NULL DEFAULT 0 CHECK (postage_rate_minor >= 0);
ALTER TABLE waves ADD COLUMN closed_at timestamptz;
CREATE INDEX waves_planned_on_idx ON waves (planned_on);
CREATE INDEX waves_courier_idx ON waves (courier_code, planned_on);

-- Deliveries: one per invoice and wave; an invoice is planned at most once while its delivery is not returned.
ALTER TABLE deliveries ADD COLUMN entered_at timestamptz;
ALTER TABLE deliveries ADD COLUMN position integer;
CREATE INDEX deliveries_wave_status_idx ON deliveries (wave_id, status);
CREATE INDEX deliveries_customer_event_idx ON deliveries (customer_id, last_event_at DESC NULLS LAST, id DESC);
-- Level-1 portal pages: newest activity first over every delivery.
CREATE INDEX deliveries_event_order_idx ON deliveries (last_event_at DESC NULLS LAST, id DESC);
CREATE INDEX customers_sales_rep_id_idx ON customers (sales_rep_code, id);
-- Portal and courier page look invoices up by number alone (the unique key starts with the issuer).
CREATE INDEX invoices_number_idx ON invoices (number);
CREATE INDEX courier_events_delivery_idx ON courier_events (delivery_id, occurred_at DESC, id DESC);

-- Portal users: sessions issued before session_version changed are refused (log out everywhere).
ALTER TABLE portal_users ADD COLUMN session_version integer NOT NULL DEFAULT 1;
ALTER TABLE portal_users ADD COLUMN last_login_at timestamptz;

-- A wave is handed over to its courier only when every invoice of it has been entered.
CREATE FUNCTION wave_release_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	missing text;
	missing_count integer;
BEGIN
	IF NEW.status = 'released' AND OLD.status = 'planned' THEN
		SELECT count(*), string_agg(number, ', ' ORDER BY number) FILTER (WHERE rn <= 20)
		INTO missing_count, missing
		FROM (
			SELECT i.number, row_number() OVER (ORDER BY i.number) AS rn
			FROM deliveries d JOIN invoices i ON i.id = d.invoice_id
			WHERE d.wave_id = NEW.id AND d.status = 'pending'
		) m;
		IF missing_count > 0 THEN
			RAISE EXCEPTION 'wave % cannot be released: % invoice(s) not entered yet: %', NEW.code, missing_count, missing
				USING ERRCODE = 'check_violation', HINT = 'Enter every invoice of the wave before handing it over.';
		END IF;
		IF NOT EXISTS (SELECT 1 FROM deliveries WHERE wave_id = NEW.id) THEN
			RAISE EXCEPTION 'wave % cannot be released: it has no invoice', NEW.code USING ERRCODE = 'check_violation';
		END IF;
	ELSIF NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status = 'released' AND NEW.status = 'closed') THEN
		RAISE EXCEPTION 'wave % cannot go from % to %', NEW.code, OLD.status, NEW.status USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER wave_release_check BEFORE UPDATE OF status ON waves
	FOR EACH ROW EXECUTE FUNCTION wave_release_check();

-- Invoices are added to a wave only while it is planned.
CREATE FUNCTION delivery_wave_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	wave_status text;
BEGIN
	-- FOR SHARE waits for a release in progress (which holds the wave row locked), so nothing slips in.
	SELECT status INTO wave_status FROM waves WHERE id = NEW.wave_id FOR SHARE;
	IF wave_status IS DISTINCT FROM 'planned' THEN
		RAISE EXCEPTION 'wave % is already handed over: no invoice can be added to it', NEW.wave_id USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER delivery_wave_open BEFORE INSERT ON deliveries
	FOR EACH ROW EXECUTE FUNCTION delivery_wave_open();

-- Row-level security: second line behind the scoped SQL of the tracking portal. When the transaction sets
-- receivables.portal_user (set_config(..., true)), rows outside that portal user's accreditation are invisible:
-- level 1 everything, level 2 the customers whose sales_rep_code is the user's staff_code, level 3 the customers
-- of the reps whose manager_code is the user's staff_code. Without the setting, nothing changes for the rest of
-- the package. Superusers bypass RLS; table owners too unless FORCE (set below).
CREATE FUNCTION portal_may_see(rep_code text) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN coalesce(current_setting('receivables.portal_user', true), '') = '' THEN true
		ELSE EXISTS (
			SELECT 1 FROM portal_users p
			WHERE p.id::text = current_setting('receivables.portal_user', true) AND p.active
				AND (p.level = 1
					OR (p.level = 2 AND rep_code = p.staff_code)
					OR (p.level = 3 AND EXISTS (SELECT 1 FROM staff s WHERE s.code = rep_code AND s.manager_code = p.staff_code)))
		)
	END
$$;

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY portal_scope_select ON customers FOR SELECT USING (portal_may_see(sales_rep_code));
CREATE POLICY portal_scope_insert ON customers FOR INSERT WITH CHECK (true);
CREATE POLICY portal_scope_update ON customers FOR UPDATE USING (true) WITH CHECK (true);
CREATE POLICY portal_scope_delete ON customers FOR DELETE USING (true);

ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY portal_scope_select ON invoices FOR SELECT USING (
	coalesce(current_setting('receivables.portal_user', true), '') = ''
	OR EXISTS (SELECT 1 FROM customers c WHERE c.id = invoices.customer_id)
);
CREATE POLICY portal_scope_insert ON invoices FOR INSERT WITH CHECK (true);
CREATE POLICY portal_scope_update ON invoices FOR UPDATE USING (true) WITH CHECK (true);
CREATE POLICY portal_scope_delete ON invoices FOR DELETE USING (true);

ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY portal_scope_select ON deliveries FOR SELECT USING (
	coalesce(current_setting('receivables.portal_user', true), '') = ''
	OR EXISTS (SELECT 1 FROM customers c WHERE c.id = deliveries.customer_id)
);
CREATE POLICY portal_scope_insert ON deliveries FOR INSERT WITH CHECK (true);
CREATE POLICY portal_scope_update ON deliveries FOR UPDATE USING (true) WITH CHECK (true);
CREATE POLICY portal_scope_delete ON deliveries FOR DELETE USING (true);

-- Down Migration
DROP POLICY portal_scope_select ON deliveries;
DROP POLICY portal_scope_insert ON deliveries;
DROP POLICY portal_scope_update ON deliveries;
DROP POLICY portal_scope_delete ON deliveries;
ALTER TABLE deliveries NO FORCE ROW LEVEL SECURITY;
ALTER TABLE deliveries DISABLE ROW LEVEL SECURITY;
DROP POLICY portal_scope_select ON invoices;
DROP POLICY portal_scope_insert ON invoices;
DROP POLICY portal_scope_update ON invoices;
DROP POLICY portal_scope_delete ON invoices;
ALTER TABLE invoices NO FORCE ROW LEVEL SECURITY;
ALTER TABLE invoices DISABLE ROW LEVEL SECURITY;
DROP POLICY portal_scope_select ON customers;
DROP POLICY portal_scope_insert ON customers;
DROP POLICY portal_scope_update ON customers;
DROP POLICY portal_scope_delete ON customers;
ALTER TABLE customers NO FORCE ROW LEVEL SECURITY;
ALTER TABLE customers DISABLE ROW LEVEL SECURITY;
DROP FUNCTION portal_may_see(text);
DROP TRIGGER delivery_wave_open ON deliveries;
DROP FUNCTION delivery_wave_open();
DROP TRIGGER wave_release_check ON waves;
DROP FUNCTION wave_release_check();
ALTER TABLE portal_users DROP COLUMN last_login_at;
ALTER TABLE portal_users DROP COLUMN session_version;
DROP INDEX courier_events_delivery_idx;
DROP INDEX invoices_number_idx;
DROP INDEX customers_sales_rep_id_idx;
DROP INDEX deliveries_event_order_idx;
DROP INDEX deliveries_customer_event_idx;
DROP INDEX deliveries_wave_status_idx;
ALTER TABLE deliveries DROP COLUMN position;
ALTER TABLE deliveries DROP COLUMN entered_at;
DROP INDEX waves_courier_idx;
DROP INDEX waves_planned_on_idx;
ALTER TABLE waves DROP COLUMN closed_at;
ALTER TABLE waves DROP COLUMN postage_rate_minor;
ALTER TABLE waves DROP COLUMN printing_rate_minor;
ALTER TABLE waves DROP COLUMN courier_rate_minor;
ALTER TABLE waves DROP COLUMN country;
ALTER TABLE waves DROP COLUMN city;
ALTER TABLE waves DROP COLUMN cycle_key;
