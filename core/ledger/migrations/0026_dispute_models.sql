-- Up Migration
-- The company's own dispute classifier models, trained from the shipped set and its reviewed replies. One is active
-- at a time (none: the shipped model); each keeps its scores, so a person sees why it was chosen and can roll back.
CREATE TABLE dispute_models (
	id bigserial PRIMARY KEY,
	created_at timestamptz NOT NULL DEFAULT now(),
	created_by text,
	active boolean NOT NULL DEFAULT false,
	model jsonb NOT NULL,
	scores jsonb NOT NULL,
	company_examples integer NOT NULL,
	activated_at timestamptz,
	deactivated_at timestamptz
);
CREATE UNIQUE INDEX dispute_models_one_active ON dispute_models ((true)) WHERE active;

-- Down Migration
DROP TABLE dispute_models;
