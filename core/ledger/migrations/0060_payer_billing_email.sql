-- Up Migration
-- The payer page changes a customer's billing e-mail: the payer asks (billing_email_requested, counted in the hourly
-- limit) and the change is made only when someone confirms it from the message sent to the new address
-- (billing_email_changed).
ALTER TABLE payer_actions DROP CONSTRAINT payer_actions_kind_check;
ALTER TABLE payer_actions ADD CONSTRAINT payer_actions_kind_check CHECK (kind IN ('payment_declared', 'promise', 'dispute', 'copy_request', 'contact_request', 'billing_email_requested', 'billing_email_changed'));

-- Down Migration
DELETE FROM payer_actions WHERE kind IN ('billing_email_requested', 'billing_email_changed');
ALTER TABLE payer_actions DROP CONSTRAINT payer_actions_kind_check;
ALTER TABLE payer_actions ADD CONSTRAINT payer_actions_kind_check CHECK (kind IN ('payment_declared', 'promise', 'dispute', 'copy_request', 'contact_request'));
