-- Up Migration
-- Reminders are tracked per message through the send: claimed → handing_over (recorded just before the SMTP DATA
-- command) → sent / retry / failed; only a message left in handing_over can end uncertain. Letters are rendered
-- until the step that writes or prints them confirms. Uncertain reminders are decided by a person or by the mail
-- server's record (who decided, when, on what evidence).
ALTER TABLE reminders DROP CONSTRAINT reminders_status_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_status_check
	CHECK (status IN ('claimed', 'handing_over', 'rendered', 'sent', 'failed', 'retry', 'uncertain', 'skipped', 'bounced'));
ALTER TABLE reminders
	ADD COLUMN handed_over_at timestamptz,
	ADD COLUMN smtp_response text,
	ADD COLUMN decided_by text,
	ADD COLUMN decided_at timestamptz;
-- Expired leases are found without scanning the reminders already settled.
CREATE INDEX reminders_in_flight_idx ON reminders (status, claimed_at) WHERE status IN ('claimed', 'handing_over', 'rendered');
CREATE INDEX reminders_uncertain_idx ON reminders (message_id) WHERE status = 'uncertain';

-- Down Migration
DROP INDEX reminders_uncertain_idx;
DROP INDEX reminders_in_flight_idx;
ALTER TABLE reminders DROP COLUMN decided_at, DROP COLUMN decided_by, DROP COLUMN smtp_response, DROP COLUMN handed_over_at;
UPDATE reminders SET status = 'claimed' WHERE status IN ('handing_over', 'rendered');
ALTER TABLE reminders DROP CONSTRAINT reminders_status_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_status_check
	CHECK (status IN ('claimed', 'sent', 'failed', 'retry', 'uncertain', 'skipped', 'bounced'));
