#!/bin/sh
# Runs once, when the Postgres volume is created: the receivables ledger gets a database of its own beside n8n's,
# and a login of its own that is not a superuser (no BYPASSRLS either), so the row-level security of the ledger's
# tables applies to it. The login owns the ledger schema and nothing else; the package creates and migrates the
# tables in it on first use. For a volume created before, run the same SQL once (README, "The ledger's role").
set -eu
: "${RECEIVABLES_LEDGER_PASSWORD:?set RECEIVABLES_LEDGER_PASSWORD in docker/.env (see docker/README.md)}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
	-v ledger_db="${RECEIVABLES_LEDGER_DATABASE:-receivables}" -v owner="$POSTGRES_USER" \
	-v ledger_user="${RECEIVABLES_LEDGER_USER:-receivables_ledger}" -v ledger_password="$RECEIVABLES_LEDGER_PASSWORD" \
	-v ledger_schema="${RECEIVABLES_LEDGER_SCHEMA:-receivables}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L', :'ledger_user', :'ledger_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'ledger_user')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'ledger_db', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'ledger_db')\gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'ledger_db', :'ledger_user')\gexec
\connect :"ledger_db"
SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', :'ledger_schema', :'ledger_user')\gexec
SQL
