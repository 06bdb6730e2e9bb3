#!/bin/sh
# Runs once, when the Postgres volume is created: the receivables ledger gets a database of its own beside n8n's.
# The ledger's tables are then created and migrated by the package on first use (schema "receivables").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
	-v ledger_db="${RECEIVABLES_LEDGER_DATABASE:-receivables}" -v owner="$POSTGRES_USER" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'ledger_db', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'ledger_db')\gexec
SQL
