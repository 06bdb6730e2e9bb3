-- Up Migration
-- A history entry written without its own date is dated now, unless the connection that writes it records facts of
-- the past (a company's history loaded once, such as the demo company): it sets receivables.history_at to the
-- instant of the fact it is about to record, and its entries carry that date from the start. The history stays
-- append-only: nothing is ever re-dated afterwards.
ALTER TABLE history ALTER COLUMN at SET DEFAULT coalesce(nullif(current_setting('receivables.history_at', true), '')::timestamptz, now());

-- Down Migration
ALTER TABLE history ALTER COLUMN at SET DEFAULT now();
