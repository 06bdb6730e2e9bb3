-- Up Migration
-- Disputes and quality calls: what the classifier said, who owns a dispute and how it ended; the checklist and
-- outcome of each call; promises kept or broken; invoices to send again.

-- A dispute opened twice from the same message (a retried workflow) is the same dispute.
ALTER TABLE disputes ADD COLUMN source_ref text;
ALTER TABLE disputes ADD COLUMN owner_kind text CHECK (owner_kind IN ('billing', 'logistics', 'sales', 'support', 'staff'));
ALTER TABLE disputes ADD COLUMN language char(2);
ALTER TABLE disputes ADD COLUMN confidence numeric(4, 3);
ALTER TABLE disputes ADD COLUMN classification jsonb NOT NULL DEFAULT '{}';
ALTER TABLE disputes ADD COLUMN justified boolean;
ALTER TABLE disputes ADD COLUMN resolution_note text;
ALTER TABLE disputes ADD COLUMN resolved_by text;
ALTER TABLE disputes ADD CONSTRAINT disputes_resolution_check
	CHECK (resolution IS NULL OR resolution IN ('credit_note', 'redelivery', 'corrected_invoice', 'justified', 'unjustified', 'withdrawn', 'other'));
CREATE UNIQUE INDEX disputes_source_ref_key ON disputes (source, source_ref) WHERE source_ref IS NOT NULL;
CREATE INDEX disputes_opened_idx ON disputes (opened_at);
CREATE INDEX disputes_resolved_idx ON disputes (resolved_at) WHERE status = 'resolved';

-- Quality calls: the checklist answers, the outcome's details (promise, reference, dispute opened...).
ALTER TABLE contact_tasks ADD COLUMN language char(2);
ALTER TABLE contact_tasks ADD COLUMN checklist jsonb NOT NULL DEFAULT '{}';
ALTER TABLE contact_tasks ADD COLUMN outcome_details jsonb NOT NULL DEFAULT '{}';
ALTER TABLE contact_tasks ADD COLUMN attempts integer NOT NULL DEFAULT 0;
CREATE INDEX contact_tasks_assignee_idx ON contact_tasks (assignee_code, due_on) WHERE status = 'open';

-- Promises: where they come from (a call, an e-mail), flagged when broken.
ALTER TABLE promises ADD COLUMN contact_task_id bigint REFERENCES contact_tasks (id);
ALTER TABLE promises ADD COLUMN source_ref text;
ALTER TABLE promises ADD COLUMN note text;
ALTER TABLE promises ADD COLUMN flagged boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX promises_source_ref_key ON promises (source, source_ref) WHERE source_ref IS NOT NULL;
CREATE INDEX promises_customer_status_idx ON promises (customer_id, status);

-- "Not received": the invoice is to be sent again.
ALTER TABLE invoices ADD COLUMN resend_requested_at timestamptz;
CREATE INDEX invoices_resend_idx ON invoices (resend_requested_at) WHERE resend_requested_at IS NOT NULL;

-- Down Migration
DROP INDEX invoices_resend_idx;
ALTER TABLE invoices DROP COLUMN resend_requested_at;
DROP INDEX promises_customer_status_idx;
DROP INDEX promises_source_ref_key;
ALTER TABLE promises DROP COLUMN flagged, DROP COLUMN note, DROP COLUMN source_ref, DROP COLUMN contact_task_id;
DROP INDEX contact_tasks_assignee_idx;
ALTER TABLE contact_tasks DROP COLUMN attempts, DROP COLUMN outcome_details, DROP COLUMN checklist, DROP COLUMN language;
DROP INDEX disputes_resolved_idx;
DROP INDEX disputes_opened_idx;
DROP INDEX disputes_source_ref_key;
ALTER TABLE disputes DROP CONSTRAINT disputes_resolution_check;
ALTER TABLE disputes DROP COLUMN resolved_by, DROP COLUMN resolution_note, DROP COLUMN justified, DROP COLUMN classification,
	DROP COLUMN confidence, DROP COLUMN language, DROP COLUMN owner_kind, DROP COLUMN source_ref;
