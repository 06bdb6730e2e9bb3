-- Up Migration
-- Couriers get accounts of their own (they post delivery events; they never read the portal's status lists), and
-- a sales rep's portal page walks their own deliveries in activity order through an index.

-- Courier accounts: a login for the courier page, tied to a staff member with the courier role. Separate from
-- portal_users, so a courier's login and session can never open the tracking portal.
CREATE TABLE courier_accounts (
	id bigserial PRIMARY KEY,
	login text NOT NULL UNIQUE,
	name text NOT NULL,
	staff_code text NOT NULL REFERENCES staff (code),
	secret_hash text NOT NULL,
	language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
	active boolean NOT NULL DEFAULT true,
	session_version integer NOT NULL DEFAULT 1,
	last_login_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX courier_accounts_staff_idx ON courier_accounts (staff_code);

-- Couriers who signed in to the courier page with a portal account keep their login and secret as a courier
-- account; that portal account (a courier is no sales rep) is disabled.
INSERT INTO courier_accounts (login, name, staff_code, secret_hash, language, active)
SELECT p.login, p.name, p.staff_code, p.secret_hash, p.language, p.active
FROM portal_users p JOIN staff s ON s.code = p.staff_code
WHERE p.level = 2 AND p.secret_hash IS NOT NULL AND 'courier' = ANY (s.roles)
	AND NOT ('sales_rep' = ANY (s.roles)) AND NOT ('group_head' = ANY (s.roles))
ON CONFLICT (login) DO NOTHING;
UPDATE portal_users p SET active = false, session_version = p.session_version + 1
FROM staff s
WHERE s.code = p.staff_code AND p.level = 2 AND 'courier' = ANY (s.roles)
	AND NOT ('sales_rep' = ANY (s.roles)) AND NOT ('group_head' = ANY (s.roles));

-- The customer's sales rep, copied onto each delivery (kept by triggers), so a rep's first page reads their
-- newest deliveries from one index instead of sorting all of them. The portal's SQL still checks the customer.
ALTER TABLE deliveries ADD COLUMN sales_rep_code text;

CREATE FUNCTION delivery_sales_rep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT sales_rep_code INTO NEW.sales_rep_code FROM customers WHERE id = NEW.customer_id;
	RETURN NEW;
END;
$$;
CREATE TRIGGER delivery_sales_rep BEFORE INSERT OR UPDATE OF customer_id ON deliveries
	FOR EACH ROW EXECUTE FUNCTION delivery_sales_rep();

CREATE FUNCTION customer_sales_rep_to_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE deliveries SET sales_rep_code = NEW.sales_rep_code
	WHERE customer_id = NEW.id AND sales_rep_code IS DISTINCT FROM NEW.sales_rep_code;
	RETURN NULL;
END;
$$;
CREATE TRIGGER customer_sales_rep_to_deliveries AFTER UPDATE OF sales_rep_code ON customers
	FOR EACH ROW WHEN (OLD.sales_rep_code IS DISTINCT FROM NEW.sales_rep_code)
	EXECUTE FUNCTION customer_sales_rep_to_deliveries();

UPDATE deliveries d SET sales_rep_code = c.sales_rep_code FROM customers c WHERE c.id = d.customer_id AND c.sales_rep_code IS NOT NULL;

CREATE INDEX deliveries_rep_event_idx ON deliveries (sales_rep_code, last_event_at DESC NULLS LAST, id DESC);

-- Down Migration
DROP INDEX deliveries_rep_event_idx;
DROP TRIGGER customer_sales_rep_to_deliveries ON customers;
DROP FUNCTION customer_sales_rep_to_deliveries();
DROP TRIGGER delivery_sales_rep ON deliveries;
DROP FUNCTION delivery_sales_rep();
ALTER TABLE deliveries DROP COLUMN sales_rep_code;
DROP TABLE courier_accounts;
