-- Up Migration
-- The day a trigger gives a fact when the caller names none is the company's day, never the database server's.
-- The package always passes its own date (allocations' applied_on, receivables.effective_on for revisions and
-- payment states, in the workflow's zone); these fallbacks serve the writes that do not (SQL by hand, other tools).
-- Before, they took current_date / now()::date and created_at::date in the session's TimeZone: on a server in UTC,
-- a payment allocated at 00:30 in Paris on 1 April was dated 31 March.
--
-- The company's zone: the setting receivables.zone when the session has one (SET receivables.zone = 'Africa/Dakar',
-- or for good: ALTER ROLE receivables_ledger SET receivables.zone = 'Africa/Dakar'), else Europe/Paris, the zone
-- every part of the package takes when given none. The caller's explicit date (receivables.effective_on) wins.
-- Nothing already in the ledger is changed: only the functions are replaced.
CREATE FUNCTION receivables_zone() RETURNS text LANGUAGE sql STABLE AS $$
	SELECT coalesce(nullif(current_setting('receivables.zone', true), ''), 'Europe/Paris')
$$;

-- The calendar day of an instant in the company's zone.
CREATE FUNCTION receivables_day(at timestamptz) RETURNS date LANGUAGE sql STABLE AS $$
	SELECT (at AT TIME ZONE receivables_zone())::date
$$;

CREATE OR REPLACE FUNCTION receivables_effective_on() RETURNS date LANGUAGE sql STABLE AS $$
	SELECT coalesce(nullif(current_setting('receivables.effective_on', true), '')::date, receivables_day(now()))
$$;

-- An allocation written without its day: the caller's date if it set one (never before the value date); else the
-- value date when the payment is allocated the day it was recorded, or the day it is allocated (company's days).
CREATE OR REPLACE FUNCTION allocation_applied_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.applied_on IS NULL THEN
		SELECT CASE
			WHEN nullif(current_setting('receivables.effective_on', true), '') IS NOT NULL THEN GREATEST(p.received_on, receivables_effective_on())
			WHEN receivables_day(now()) > receivables_day(p.created_at) THEN GREATEST(p.received_on, receivables_day(now()))
			ELSE p.received_on END
		INTO NEW.applied_on FROM payments p WHERE p.id = NEW.payment_id;
	END IF;
	RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION payment_state_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO payment_states (payment_id, effective_on, status, customer_id, flag_reason)
	VALUES (NEW.id,
		CASE WHEN nullif(current_setting('receivables.effective_on', true), '') IS NOT NULL
			THEN GREATEST(NEW.received_on, receivables_effective_on())
			WHEN TG_OP = 'INSERT' OR receivables_day(now()) <= receivables_day(NEW.created_at) THEN NEW.received_on
			ELSE GREATEST(NEW.received_on, receivables_day(now())) END,
		NEW.status, NEW.customer_id, NEW.flag_reason);
	RETURN NULL;
END;
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION payment_state_kept() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION allocation_applied_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.applied_on IS NULL THEN
		SELECT CASE WHEN now()::date > p.created_at::date THEN GREATEST(p.received_on, now()::date) ELSE p.received_on END
		INTO NEW.applied_on FROM payments p WHERE p.id = NEW.payment_id;
	END IF;
	RETURN NEW;
END;
$$;
CREATE OR REPLACE FUNCTION receivables_effective_on() RETURNS date LANGUAGE sql STABLE AS $$
	SELECT coalesce(nullif(current_setting('receivables.effective_on', true), '')::date, current_date)
$$;
DROP FUNCTION receivables_day(timestamptz);
DROP FUNCTION receivables_zone();
