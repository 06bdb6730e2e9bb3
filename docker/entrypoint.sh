#!/bin/sh
# Entrypoint of the n8n-nodes-receivables image. For `start` (the main n8n process) it first
#   1. writes the two credentials (ledger, SMTP) from environment variables and imports them with fixed ids, so the
#      shipped workflows find them (no secret is baked into the image; the file is deleted right after import);
#   2. imports the shipped workflows that the database does not hold yet (a workflow edited in the editor is
#      never overwritten) and publishes those among them that start with a trigger (webhook, schedule...);
# then hands over to n8n's own entrypoint. `worker` and `webhook` go straight to n8n.
#
# Environment: RECEIVABLES_LEDGER_HOST/PORT/DATABASE/USER/PASSWORD/SSL/SCHEMA, RECEIVABLES_SMTP_HOST/PORT/USER/
# PASSWORD/SECURE, RECEIVABLES_IMPORT (missing | all | none; default missing), RECEIVABLES_WORKFLOWS_DIR.
set -eu

log() {
	echo "receivables: $*"
}

n8n_cli() {
	"${RECEIVABLES_N8N_BIN:-n8n}" "$@"
}

workflows_dir=${RECEIVABLES_WORKFLOWS_DIR:-/opt/receivables/workflows}
import_mode=${RECEIVABLES_IMPORT:-missing}
work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT

import_credentials() {
	node - "$work_dir/credentials.json" <<'JS'
const fs = require('node:fs');
const env = process.env;
const bool = (value, fallback) => (value === undefined || value === '' ? fallback : /^(1|true|yes|on)$/i.test(value));
const credentials = [
	{
		id: 'rcvLedgerCred001',
		name: 'Receivables Ledger',
		type: 'receivablesLedgerApi',
		data: {
			host: env.RECEIVABLES_LEDGER_HOST || 'postgres',
			port: Number(env.RECEIVABLES_LEDGER_PORT || 5432),
			database: env.RECEIVABLES_LEDGER_DATABASE || 'receivables',
			user: env.RECEIVABLES_LEDGER_USER || env.DB_POSTGRESDB_USER || 'postgres',
			password: env.RECEIVABLES_LEDGER_PASSWORD || env.DB_POSTGRESDB_PASSWORD || '',
			ssl: env.RECEIVABLES_LEDGER_SSL || 'disable',
			schema: env.RECEIVABLES_LEDGER_SCHEMA || 'receivables',
			maxConnections: Number(env.RECEIVABLES_LEDGER_MAX_CONNECTIONS || 10),
		},
	},
	{
		id: 'rcvSmtpCred00001',
		name: 'Receivables SMTP',
		type: 'receivablesSmtpApi',
		data: {
			host: env.RECEIVABLES_SMTP_HOST || 'mailpit',
			port: Number(env.RECEIVABLES_SMTP_PORT || 1025),
			secure: bool(env.RECEIVABLES_SMTP_SECURE, false),
			disableStartTls: bool(env.RECEIVABLES_SMTP_DISABLE_STARTTLS, false),
			user: env.RECEIVABLES_SMTP_USER || '',
			password: env.RECEIVABLES_SMTP_PASSWORD || '',
			hostName: env.RECEIVABLES_SMTP_CLIENT_HOSTNAME || '',
		},
	},
];
for (const { data } of credentials) {
	if (!Number.isInteger(data.port) || data.port <= 0) {
		console.error(`receivables: invalid port ${JSON.stringify(data.port)} in the environment`);
		process.exit(1);
	}
}
fs.writeFileSync(process.argv[2], JSON.stringify(credentials, null, 2));
JS
	log 'importing credentials "Receivables Ledger" (rcvLedgerCred001) and "Receivables SMTP" (rcvSmtpCred00001)'
	n8n_cli import:credentials --input="$work_dir/credentials.json" </dev/null
	rm -f "$work_dir/credentials.json"
}

# Prints "<file>\t<id>\t<has trigger: 1|0>" for every workflow file; fails on a file without an id.
describe_workflows() {
	node - "$workflows_dir" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[2];
// Nodes that start a workflow by themselves once it is published. Manual, sub-workflow and error triggers do not.
const passive = new Set(['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.executeWorkflowTrigger', 'n8n-nodes-base.errorTrigger']);
const starters = new Set(['n8n-nodes-base.webhook', 'n8n-nodes-base.cron', 'n8n-nodes-base.interval', 'n8n-nodes-base.emailReadImap']);
for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
	const workflow = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
	if (!workflow.id) {
		console.error(`receivables: workflow file ${name} has no "id"; shipped workflows need a stable id`);
		process.exit(1);
	}
	const trigger = (workflow.nodes ?? []).some(
		(node) => !node.disabled && !passive.has(node.type) && (starters.has(node.type) || /trigger$/i.test(node.type)),
	);
	console.log(`${name}\t${workflow.id}\t${trigger ? 1 : 0}`);
}
JS
}

import_workflows() {
	if [ "$import_mode" = none ]; then
		log 'RECEIVABLES_IMPORT=none: workflows are not imported'
		return
	fi
	if [ ! -d "$workflows_dir" ] || ! ls "$workflows_dir"/*.json >/dev/null 2>&1; then
		log "no workflow files in $workflows_dir"
		return
	fi
	describe_workflows >"$work_dir/workflows.tsv"
	if [ "$import_mode" = all ]; then
		: >"$work_dir/existing"
	else
		if ! n8n_cli list:workflow --onlyId >"$work_dir/existing" </dev/null; then
			log 'could not list the workflows already in the database; nothing is imported' >&2
			exit 1
		fi
	fi
	mkdir -p "$work_dir/import"
	: >"$work_dir/publish"
	tab=$(printf '\t')
	while IFS="$tab" read -r file id trigger; do
		if grep -qE "(^|[^A-Za-z0-9_-])${id}([^A-Za-z0-9_-]|\$)" "$work_dir/existing"; then
			continue
		fi
		cp "$workflows_dir/$file" "$work_dir/import/$file"
		if [ "$trigger" = 1 ]; then
			echo "$id" >>"$work_dir/publish"
		fi
	done <"$work_dir/workflows.tsv"
	count=$(ls "$work_dir/import" | wc -l | tr -d ' ')
	if [ "$count" = 0 ]; then
		log 'all shipped workflows are already in the database (set RECEIVABLES_IMPORT=all to overwrite them)'
		return
	fi
	log "importing $count workflow(s) from $workflows_dir"
	n8n_cli import:workflow --separate --input="$work_dir/import" </dev/null
	while read -r id; do
		log "publishing workflow $id (it starts with a trigger)"
		n8n_cli publish:workflow --id="$id" </dev/null
	done <"$work_dir/publish"
}

command=${1:-start}
if [ "$command" = start ]; then
	import_credentials
	import_workflows
fi

rm -rf "$work_dir"
trap - EXIT
exec "${RECEIVABLES_N8N_ENTRYPOINT:-/docker-entrypoint.sh}" "$@"
