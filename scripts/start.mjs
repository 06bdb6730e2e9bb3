// npm start: the whole product on this machine with one command.
//   1. installs what is missing (libraries, build, n8n and Node 24 in .runtime/n8n);
//   2. starts an embedded Postgres in .data/postgres, unless DATABASE_URL or PG* variables name a database;
//   3. migrates the ledger and loads the demo company (embedded database, or RECEIVABLES_DEMO=1);
//   4. starts a local mail catcher, so the e-mails the workflows send can be read;
//   5. starts n8n with this package installed, its credentials and the workflows of workflows/;
//   6. prints where to go. Ctrl-C stops everything; the next start reuses the data in .data.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
	copyFileSync,
	createWriteStream,
} from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_COURIER_ACCOUNTS, ensureDemoCourierAccounts } from './lib/demo-data.mjs';
import {
	dataDir,
	describeError,
	ensureBuilt,
	ensureDependencies,
	loadCore,
	root,
} from './lib/project.mjs';

// The credentials the shipped workflows refer to, with the fixed ids they use.
const LEDGER_CREDENTIAL = {
	id: 'rcvLedgerCred001',
	name: 'Receivables Ledger',
	type: 'receivablesLedgerApi',
};
const SMTP_CREDENTIAL = {
	id: 'rcvSmtpCred00001',
	name: 'Receivables SMTP',
	type: 'receivablesSmtpApi',
};
const WEBHOOK_CREDENTIAL = {
	id: 'rcvWebhookCred01',
	name: 'Receivables Webhook',
	type: 'receivablesWebhookApi',
};
const OWNER_EMAIL = 'admin@orbel.example';

const { pageMethods, unsignedWritePaths } = createRequire(import.meta.url)(
	'./lib/signed-paths.cjs',
);

const env = process.env;
const say = (line = '') => console.log(line);
const STEPS = ['Libraries and build', 'n8n runtime', 'Database', 'Mail catcher', 'n8n'];
const stepStarted = Date.now();
/** "▸ Step 2/5 (20 %) n8n runtime — 1 min 12 s since npm start" */
const step = (text) => {
	const index = STEPS.indexOf(text);
	const elapsed = Math.round((Date.now() - stepStarted) / 1000);
	const since =
		elapsed < 60
			? `${elapsed} s`
			: `${Math.floor(elapsed / 60)} min ${String(elapsed % 60).padStart(2, '0')} s`;
	console.log(
		index < 0
			? `\n▸ ${text}`
			: `\n▸ Step ${index + 1}/${STEPS.length} (${Math.round((index / STEPS.length) * 100)} %) ${text} — ${since} since npm start`,
	);
};
const detail = (text) => console.log(`  ${text}`);

// Everything started so far, stopped in reverse order (n8n before the catcher, the database last).
const running = { n8n: undefined, catcher: undefined, ledger: undefined, database: undefined };
let shuttingDown;

async function shutdown(code, reason) {
	shuttingDown ??= (async () => {
		if (reason) say(`\n${reason}`);
		const stopOne = async (label, stop) => {
			try {
				await stop();
			} catch (error) {
				say(`  could not stop ${label} cleanly: ${error.message}`);
			}
		};
		if (running.n8n) {
			say('Stopping n8n (up to 20 s; Ctrl-C again to force)...');
			await stopOne('n8n', () => running.n8n.stop());
		}
		if (running.catcher) await stopOne('the mail catcher', () => running.catcher.stop());
		if (running.ledger) await stopOne('the ledger pool', () => running.ledger.close());
		if (running.database?.kind === 'embedded') {
			say('Stopping Postgres...');
			await stopOne('Postgres', () => running.database.stop());
		}
		say('Stopped. Your data stays in .data: `npm start` again to continue where you left off.');
		process.exit(code);
	})();
	return shuttingDown;
}

// Under `npm start`, one Ctrl-C arrives twice (from the terminal and forwarded by npm): signals within a second of
// the first count once. A Ctrl-C pressed later while stopping forces the exit.
/** The package's page trigger: serves the portal, the courier page, the dashboard and the couriers' events itself. */
const PAGE_TRIGGER = 'n8n-nodes-receivables.receivablesPageTrigger';

function installSignalHandlers() {
	let firstSignalAt = 0;
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			const now = Date.now();
			if (!firstSignalAt) {
				firstSignalAt = now;
				shutdown(0, signal === 'SIGINT' ? 'Ctrl-C received.' : `${signal} received.`);
			} else if (now - firstSignalAt > 1000) {
				say('Forced exit: n8n or Postgres may still be stopping in the background.');
				process.exit(130);
			}
		});
	}
}

function portFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The port of variable `name` (must be free), else `preferred` when free, else any free port. */
async function choosePort(name, preferred, freePort) {
	if (env[name]) {
		const port = Number(env[name]);
		if (!Number.isInteger(port) || port <= 0 || port > 65535)
			throw new Error(`${name}=${env[name]} is not a port number.`);
		if (!(await portFree(port)))
			throw new Error(
				`${name}=${port}, but something already listens on 127.0.0.1:${port}. Choose another port.`,
			);
		return port;
	}
	if (preferred && (await portFree(preferred))) return preferred;
	return await freePort();
}

function readJson(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

const hashOf = (value) =>
	createHash('sha256')
		.update(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value))
		.digest('hex');

/** The demo's tracking-portal accounts: one per accreditation level (couriers have courier accounts of their own). */
const PORTAL_USERS = [
	{
		login: 'direction',
		name: 'Direction financière',
		level: 1,
		staffCode: null,
		scope: 'every invoice',
	},
	{
		login: 'karim.benjelloun',
		name: 'Karim Benjelloun',
		level: 3,
		staffCode: 'GH-MA',
		scope: 'the customers of his sales reps in Morocco',
	},
	{
		login: 'youssef.elamrani',
		name: 'Youssef El Amrani',
		level: 2,
		staffCode: 'VR-MA1',
		scope: 'his own customers',
	},
];

/**
 * The secrets of this installation, created once and kept in <data>/secrets.json (mode 600): n8n's encryption key,
 * the owner's login, the webhook signing secret, the portal accounts' and the courier accounts' secrets.
 */
const COURIER_LOGINS = DEMO_COURIER_ACCOUNTS.map((a) => a.login);

function secrets(data, runtime) {
	const file = path.join(data, 'secrets.json');
	const stored = readJson(file) ?? {};
	const complete =
		stored.encryptionKey &&
		stored.owner?.passwordHash &&
		stored.webhookSecret &&
		PORTAL_USERS.every((u) => stored.portal?.[u.login]) &&
		COURIER_LOGINS.every((l) => stored.couriers?.[l]);
	if (complete) return stored;
	const bcrypt = createRequire(path.join(runtime.dir, 'package.json'))('bcryptjs');
	const password = `Demo-${randomBytes(5).toString('hex')}`;
	const created = {
		encryptionKey: stored.encryptionKey ?? randomBytes(32).toString('hex'),
		owner: stored.owner?.passwordHash
			? stored.owner
			: {
					email: OWNER_EMAIL,
					firstName: 'Demo',
					lastName: 'Finance',
					password,
					passwordHash: bcrypt.hashSync(password, 10),
				},
		webhookSecret: stored.webhookSecret ?? randomBytes(24).toString('hex'),
		portal: Object.fromEntries(
			PORTAL_USERS.map((u) => [
				u.login,
				stored.portal?.[u.login] ?? `Portail-${randomBytes(4).toString('hex')}`,
			]),
		),
		couriers: Object.fromEntries(
			COURIER_LOGINS.map((l) => [
				l,
				stored.couriers?.[l] ?? `Coursier-${randomBytes(4).toString('hex')}`,
			]),
		),
	};
	writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
	return created;
}

/** Creates the demo's portal accounts that are not in the ledger yet (through the core: secrets hashed with scrypt). */
async function ensurePortalUsers(core, ledger, portalSecrets) {
	if (typeof core.savePortalUser !== 'function') return [];
	const existing = new Set(
		(
			await ledger.query('SELECT login FROM portal_users WHERE login = ANY($1::text[])', [
				PORTAL_USERS.map((u) => u.login),
			])
		).map((r) => r.login),
	);
	for (const user of PORTAL_USERS.filter((u) => !existing.has(u.login))) {
		await core.savePortalUser(ledger, {
			login: user.login,
			name: user.name,
			level: user.level,
			staffCode: user.staffCode,
			language: 'fr',
			secret: portalSecrets[user.login],
		});
	}
	return PORTAL_USERS.map((u) => ({ ...u, secret: portalSecrets[u.login] }));
}

/** The node types of this package that start workflows (trigger, poller or webhook), from the built nodes. */
function packageTriggerTypes(packageName) {
	const manifest = readJson(path.join(root, 'package.json'));
	const require = createRequire(import.meta.url);
	const triggers = new Set();
	for (const file of manifest.n8n?.nodes ?? []) {
		try {
			const exported = require(path.join(root, file));
			for (const NodeClass of Object.values(exported)) {
				if (typeof NodeClass !== 'function') continue;
				const node = new NodeClass();
				const versions = node.nodeVersions ? Object.values(node.nodeVersions) : [node];
				const description = node.description ?? versions[0]?.description;
				const all = [description, ...versions.map((v) => v.description)].filter(Boolean);
				if (all.some((d) => d.group?.includes('trigger') || d.polling || d.webhooks?.length))
					triggers.add(`${packageName}.${description.name}`);
			}
		} catch {
			// A node that cannot be loaded here is judged by its name below.
		}
	}
	return triggers;
}

const NOT_ACTIVATING = new Set([
	'n8n-nodes-base.manualTrigger',
	'n8n-nodes-base.executeWorkflowTrigger',
	'n8n-nodes-base.errorTrigger',
]);
const POLLING_BASE_NODES = new Set(['n8n-nodes-base.emailReadImap']);
/** Triggers that need an account of the user's (a mailbox): their workflows stay inactive in the demo. */
const NEEDS_OWN_ACCOUNT = new Map([
	['n8n-nodes-base.emailReadImap', 'a mailbox (IMAP credential)'],
]);

function startsByItself(workflow, packageTriggers) {
	return (workflow.nodes ?? []).some((node) => {
		if (node.disabled || NOT_ACTIVATING.has(node.type)) return false;
		if (packageTriggers.has(node.type) || POLLING_BASE_NODES.has(node.type)) return true;
		return node.type === 'n8n-nodes-base.webhook' || /Trigger$/.test(node.type);
	});
}

/** The workflows of workflows/: { id, name, file, hash, trigger }. */
function shippedWorkflows(packageName) {
	const dir = path.join(root, 'workflows');
	if (!existsSync(dir)) return [];
	const packageTriggers = packageTriggerTypes(packageName);
	return readdirSync(dir)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => {
			const text = readFileSync(path.join(dir, name), 'utf8');
			const workflow = JSON.parse(text);
			if (!workflow.id)
				throw new Error(`workflows/${name} has no id: every shipped workflow needs a fixed id.`);
			const nodes = (workflow.nodes ?? []).filter((node) => !node.disabled);
			return {
				id: workflow.id,
				name: workflow.name,
				file: path.join(dir, name),
				hash: hashOf(text),
				trigger: startsByItself(workflow, packageTriggers),
				credentialTypes: [...new Set(nodes.flatMap((node) => Object.keys(node.credentials ?? {})))],
				needs: [
					...new Set(
						nodes
							.filter((node) => NEEDS_OWN_ACCOUNT.has(node.type))
							.map((node) => NEEDS_OWN_ACCOUNT.get(node.type)),
					),
				],
				types: new Set(nodes.map((node) => node.type)),
				manual: nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger'),
				webhooks: nodes
					.filter(
						(node) =>
							(node.type === 'n8n-nodes-base.webhook' || node.type === PAGE_TRIGGER) &&
							node.parameters?.path,
					)
					.map((node) => ({
						path: node.parameters.path,
						methods:
							node.type === PAGE_TRIGGER
								? pageMethods(node.parameters.page)
								: [node.parameters.httpMethod ?? 'GET'].flat(),
					})),
				unsignedWrites: unsignedWritePaths(workflow),
				portal: nodes.some(
					(node) => node.type === PAGE_TRIGGER && (node.parameters?.page ?? 'portal') === 'portal',
				),
				courierPage: nodes.some(
					(node) => node.type === PAGE_TRIGGER && node.parameters?.page === 'courierPage',
				),
				dashboard: nodes.some(
					(node) => node.type === PAGE_TRIGGER && node.parameters?.page === 'dashboard',
				),
				courierEvents: nodes.some(
					(node) => node.type === PAGE_TRIGGER && node.parameters?.page === 'courierEvents',
				),
			};
		});
}

/**
 * Ids among `ids` that n8n's database already holds in `table` (workflow_entity, credentials_entity): none when
 * n8n has not created its tables yet. Read-only; it tells whether an import is needed without starting the CLI.
 */
async function presentInN8n(n8nDb, schema, table, ids) {
	const exists = await n8nDb.query('SELECT to_regclass($1) IS NOT NULL AS present', [
		`"${schema}".${table}`,
	]);
	if (!exists[0].present) return new Set();
	const rows = await n8nDb.query(`SELECT id FROM "${schema}".${table} WHERE id = ANY($1::text[])`, [
		ids,
	]);
	return new Set(rows.map((row) => row.id));
}

/**
 * Whether `npm start` activates a shipped workflow: it starts by itself, needs nothing the demo lacks, and has
 * no unsigned write path (a POST webhook anyone could call without a key).
 */
function activatable(workflow, provided) {
	return (
		workflow.trigger &&
		workflow.needs.length === 0 &&
		workflow.unsignedWrites.length === 0 &&
		workflow.credentialTypes.every((type) => provided.has(type))
	);
}

/**
 * Activates workflows in the running n8n the way its editor does (log in as the owner, then
 * POST /rest/workflows/:id/activate with the current version): each takes effect at once and a refusal comes back
 * with n8n's reason. (`n8n publish:workflow` does the same from the CLI, but boots n8n once per workflow and only
 * takes effect at the next start.) Returns `{ id, ok, message? }` per workflow.
 */
async function activateWorkflows(url, owner, ids) {
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	if (!login.ok)
		return ids.map((id) => ({
			id,
			ok: false,
			message: `n8n refused the owner login (HTTP ${login.status})`,
		}));
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	const results = [];
	for (const id of ids) {
		try {
			const current = await fetch(`${url}/rest/workflows/${encodeURIComponent(id)}`, {
				headers: { Cookie: cookie },
			});
			const workflow = (await current.json()).data;
			if (!current.ok || !workflow)
				throw new Error(`n8n does not know the workflow (HTTP ${current.status})`);
			if (workflow.active) {
				results.push({ id, ok: true });
				continue;
			}
			const response = await fetch(`${url}/rest/workflows/${encodeURIComponent(id)}/activate`, {
				method: 'POST',
				headers: { Cookie: cookie, 'Content-Type': 'application/json' },
				body: JSON.stringify({ versionId: workflow.versionId }),
			});
			const body = await response.json().catch(() => ({}));
			results.push(
				response.ok
					? { id, ok: true }
					: { id, ok: false, message: body.message ?? `HTTP ${response.status}` },
			);
		} catch (error) {
			results.push({ id, ok: false, message: error.message });
		}
	}
	return results;
}

/** The ids among `ids` that are active in n8n (read-only look at its workflow table). */
async function activeWorkflowIds(n8nDb, schema, ids) {
	const exists = await n8nDb.query('SELECT to_regclass($1) IS NOT NULL AS present', [
		`"${schema}".workflow_entity`,
	]);
	if (!exists[0].present) return [];
	const rows = await n8nDb.query(
		`SELECT id FROM "${schema}".workflow_entity WHERE active AND id = ANY($1::text[])`,
		[ids],
	);
	return rows.map((row) => row.id);
}

/** What to try first, from the workflows that are really there. */
function firstSteps({
	editorUrl,
	workflows,
	database,
	catcher,
	secretsFile,
	portalUsers,
	courierAccounts = [],
}) {
	const steps = [
		'Open the editor and log in. The Receivables nodes are in the nodes panel (search "Receivables").',
	];
	const sending = workflows.filter(
		(w) =>
			w.types.has('n8n-nodes-receivables.reminderStep') &&
			w.credentialTypes.includes(SMTP_CREDENTIAL.type),
	);
	const reminders = sending.find((w) => /level 1|niveau 1/i.test(w.name)) ?? sending[0];
	if (reminders) {
		steps.push(
			`Open "${reminders.name}" and click "Execute workflow": the reminders due today go out; read them in the mail catcher, ${catcher.url}`,
		);
	} else {
		const manual = workflows.find((w) => w.manual);
		if (manual)
			steps.push(
				`Open "${manual.name}" and click "Execute workflow" to see a node write to the ledger.`,
			);
	}
	const portal = workflows.find((w) => w.active && w.portal && w.webhooks.length);
	const accounts = portalUsers.filter((u) => u.scope !== 'courier page');
	if (portal && accounts.length) {
		steps.push(
			`Open the sales-force portal, ${editorUrl}/webhook/${portal.webhooks[0].path}, and log in as`,
		);
		for (const user of accounts)
			steps.push(`   ${user.login} / ${user.secret}  (level ${user.level}: ${user.scope})`);
	}
	const courierPage = workflows.find((w) => w.active && w.courierPage && w.webhooks.length);
	if (courierPage && courierAccounts.length) {
		steps.push(
			`Open the courier page (on a phone too), ${editorUrl}/webhook/${courierPage.webhooks[0].path}, and log in as a courier`,
		);
		for (const courier of courierAccounts)
			steps.push(`   ${courier.login} / ${courier.secret}  (${courier.name}, ${courier.area})`);
	}
	const dashboard = workflows.find((w) => w.active && w.dashboard && w.webhooks.length);
	if (dashboard && accounts.length)
		steps.push(
			`The receivables dashboard, with the same accounts (charts within each one's level): ${editorUrl}/webhook/${dashboard.webhooks[0].path}`,
		);
	const phones = workflows.find((w) => w.active && w.courierEvents && w.webhooks.length);
	if (phones)
		steps.push(
			`Couriers' phones: POST ${editorUrl}/webhook/${phones.webhooks[0].path}, each phone signing with its own key (enrolCourierDevice; revoke a lost one with Courier Tracking → Revoke Courier Device)`,
		);
	const posts = workflows.filter(
		(w) =>
			w.active &&
			w !== portal &&
			w !== courierPage &&
			w !== dashboard &&
			w !== phones &&
			w.unsignedWrites.length === 0 &&
			w.webhooks.some((h) => h.methods.includes('POST') && !h.methods.includes('GET')),
	);
	if (posts.length) {
		steps.push(
			`Signed webhooks for your software (README, "Signed webhooks"; the demo's secret is webhookSecret in ${secretsFile}): ${posts.map((w) => `POST ${editorUrl}/webhook/${w.webhooks[0].path}`).join(', ')}`,
		);
	}
	steps.push(
		`The ledger is the Postgres schema "${database.schema}" (credential "${LEDGER_CREDENTIAL.name}"): customers, invoices, payments, disputes.`,
	);
	return steps;
}

function banner({
	editorUrl,
	owner,
	catcher,
	database,
	demo,
	workflows,
	logFile,
	filesFolder,
	secretsFile,
	portalUsers,
	courierAccounts,
}) {
	const line = '─'.repeat(76);
	const active = workflows.filter((w) => w.active).length;
	say(`\n${line}`);
	say(' n8n-nodes-receivables is running');
	say(line);
	say(` n8n editor     ${editorUrl}`);
	say(`   log in with  ${owner.email}  /  ${owner.password}`);
	say(
		` Mail catcher   ${catcher.url}   (SMTP 127.0.0.1:${catcher.smtpPort}; nothing leaves this machine)`,
	);
	say(` Ledger         schema "${database.schema}" on ${database.label}`);
	if (demo) say(` Demo company   ${demo}`);
	say(
		` Workflows      ${workflows.length} from workflows/, ${active} active (schedules and webhooks)`,
	);
	say(
		` Files          ${filesFolder}/  (letters, call-lists, reports, manifests; drop bank statements in bank-statements/)`,
	);
	say(` n8n log        ${logFile}`);
	say(line);
	say(' What to try first');
	let number = 0;
	for (const text of firstSteps({
		editorUrl,
		workflows,
		database,
		catcher,
		secretsFile,
		portalUsers,
		courierAccounts,
	})) {
		say(text.startsWith('   ') ? `    ${text}` : `  ${++number}. ${text}`);
	}
	say(line);
	say(' Stop with Ctrl-C. The data stays in .data for the next `npm start`.');
	say(`${line}\n`);
}

async function main() {
	const startedAt = Date.now();
	const data = dataDir(env);
	say(
		'n8n-nodes-receivables: starting the demo (first time: 10 to 20 minutes and about 5 GB of disk — libraries 1.3 GB, n8n and Node 24 3 GB; later: under a minute).',
	);

	step('Libraries and build');
	const installed = await ensureDependencies({ log: detail });
	const built = await ensureBuilt({ log: detail });
	if (!installed && !built) detail('Up to date.');

	step('n8n runtime');
	const runtimeLib = await import('./lib/n8n-runtime.mjs');
	const runtime = await runtimeLib.ensureN8nRuntime({ log: detail });
	detail(
		`n8n ${runtimeLib.N8N_VERSION} on Node ${runtimeLib.NODE_VERSION} in ${path.relative(root, runtime.dir) || runtime.dir}`,
	);
	const { encryptionKey, owner, webhookSecret, portal, couriers } = secrets(data, runtime);

	step('Database');
	const core = loadCore();
	const { resolveDatabase } = await import('./lib/database.mjs');
	running.database = await resolveDatabase({ env, log: detail });
	if (running.database.kind === 'external') detail(`Postgres: ${running.database.label}`);
	const ledger = core.openLedger({
		...running.database.ledgerConfig,
		applicationName: 'n8n-nodes-receivables start',
		maxConnections: 5,
	});
	running.ledger = ledger;
	const migration = await ledger.ensureReady();
	detail(
		migration.applied.length
			? `Ledger schema "${ledger.schema}": applied ${migration.applied.join(', ')}.`
			: `Ledger schema "${ledger.schema}": up to date (${migration.current}).`,
	);

	let demoText;
	let portalUsers = [];
	let courierAccounts = [];
	const demoWanted =
		env.RECEIVABLES_DEMO === '1' ||
		(env.RECEIVABLES_DEMO !== '0' && running.database.kind === 'embedded');
	if (demoWanted) {
		const { loadDemoCompany } = await import('./lib/demo-data.mjs');
		const started = Date.now();
		const demo = await loadDemoCompany(core, ledger, { log: detail });
		const s = demo.summary;
		demoText = `Orbel Équipements: ${s.customers} customers, ${s.invoices} invoices (${s.openInvoices} open), as of ${demo.asOf}`;
		detail(
			demo.status === 'loaded'
				? `Demo company loaded in ${Math.round((Date.now() - started) / 1000)} s: ${demoText}.`
				: `Demo company already there: ${demoText}.`,
		);
		portalUsers = await ensurePortalUsers(core, ledger, portal);
		courierAccounts = await ensureDemoCourierAccounts(core, ledger, couriers);
	} else {
		detail(
			env.RECEIVABLES_DEMO === '0'
				? 'Demo company not loaded (RECEIVABLES_DEMO=0).'
				: 'Demo company not loaded: this is your own database. Set RECEIVABLES_DEMO=1 to load it into an empty ledger.',
		);
	}

	step('Mail catcher');
	const { startMailCatcher } = await import('./lib/mail-catcher.mjs');
	const smtpPort = await choosePort('MAIL_SMTP_PORT', 1025, runtimeLib.freePort);
	const mailHttpPort = await choosePort('MAIL_HTTP_PORT', 8025, runtimeLib.freePort);
	running.catcher = await startMailCatcher({
		smtpPort,
		httpPort: mailHttpPort,
		dir: path.join(data, 'mail'),
	});
	detail(`SMTP on 127.0.0.1:${running.catcher.smtpPort}, messages on ${running.catcher.url}`);

	step('n8n');
	const userFolder = path.join(data, 'n8n');
	mkdirSync(userFolder, { recursive: true });
	const stateFile = path.join(userFolder, 'receivables-start.json');
	const state = readJson(stateFile) ?? {};
	const saveState = () => writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
	const n8nSchema = (env.RECEIVABLES_N8N_SCHEMA ?? 'n8n').trim();
	if (!/^[a-z_][a-z0-9_]{0,62}$/.test(n8nSchema))
		throw new Error(
			`RECEIVABLES_N8N_SCHEMA "${n8nSchema}" is not a valid schema name (lower-case letters, digits, _).`,
		);
	if (n8nSchema === ledger.schema)
		throw new Error(
			`n8n's tables and the ledger cannot share the schema "${n8nSchema}": set RECEIVABLES_N8N_SCHEMA to another name.`,
		);
	// n8n's own tables are read and its schema created with n8n's login: the ledger's login (not a superuser in the
	// embedded database) has no rights there.
	const n8nDb = running.database.admin
		? {
				query: (text, values) =>
					running.database.admin(async (client) => (await client.query(text, values)).rows),
			}
		: ledger;
	await n8nDb.query(`CREATE SCHEMA IF NOT EXISTS "${n8nSchema}"`);
	const n8nPort = await choosePort('N8N_PORT', 5678, runtimeLib.freePort);
	const runnerPort = await runtimeLib.freePort();
	const filesFolder = path.join(data, 'files');
	const n8nEnv = runtimeLib.n8nEnv({
		userFolder,
		filesFolder,
		db: { ...running.database.db, schema: n8nSchema },
		port: n8nPort,
		runnerPort,
		encryptionKey,
		extra: {
			GENERIC_TIMEZONE: env.GENERIC_TIMEZONE ?? 'Europe/Paris',
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: owner.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
			N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: owner.passwordHash,
			...(running.database.db.ssl && running.database.db.ssl !== 'disable'
				? {
						DB_POSTGRESDB_SSL_ENABLED: 'true',
						DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED: String(
							running.database.db.ssl === 'verify-full',
						),
					}
				: {}),
		},
	});
	const cliLog = env.RECEIVABLES_N8N_LOG === '1' ? (line) => detail(`n8n: ${line}`) : () => {};

	const packageName = readJson(path.join(root, 'package.json')).name;
	const tarball = await runtimeLib.packPackage({ log: () => {} });
	const packageHash = hashOf(readFileSync(tarball));
	const packageDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', packageName);
	if (state.packageHash !== packageHash || !existsSync(path.join(packageDir, 'package.json'))) {
		detail('Installing this package into n8n (as n8n installs community nodes)...');
		await runtimeLib.installPackageInto(userFolder, tarball, { log: () => {} });
		state.packageHash = packageHash;
		saveState();
	} else {
		detail('Package already installed in n8n (unchanged since the last start).');
	}

	const ledgerDb = running.database.ledgerDb ?? running.database.db;
	const credentials = [
		{
			...LEDGER_CREDENTIAL,
			data: {
				host: ledgerDb.host,
				port: ledgerDb.port,
				database: ledgerDb.database,
				user: ledgerDb.user,
				password: ledgerDb.password,
				ssl: ledgerDb.ssl ?? 'disable',
				schema: ledger.schema,
				maxConnections: 10,
			},
		},
		{
			...SMTP_CREDENTIAL,
			data: {
				user: '',
				password: '',
				host: '127.0.0.1',
				port: running.catcher.smtpPort,
				secure: false,
				disableStartTls: true,
				hostName: '',
			},
		},
	];
	const manifest = readJson(path.join(root, 'package.json'));
	if (
		(manifest.n8n?.credentials ?? []).some((file) =>
			file.endsWith('/ReceivablesWebhookApi.credentials.js'),
		)
	) {
		credentials.push({
			...WEBHOOK_CREDENTIAL,
			data: { secret: webhookSecret, previousSecret: '' },
		});
	}
	const provided = new Set(credentials.map((c) => c.type));
	const credentialsHash = hashOf({
		credentials,
		encryptionKey,
		n8nSchema,
		db: running.database.db,
	});
	const workflows = shippedWorkflows(packageName);
	const present = await presentInN8n(
		n8nDb,
		n8nSchema,
		'workflow_entity',
		workflows.map((w) => w.id),
	);
	const credentialsPresent = await presentInN8n(
		n8nDb,
		n8nSchema,
		'credentials_entity',
		credentials.map((c) => c.id),
	);
	const reimport = env.RECEIVABLES_REIMPORT_WORKFLOWS === '1';
	const toImport = workflows.filter((w) => reimport || !present.has(w.id));
	if (state.credentialsHash !== credentialsHash || credentialsPresent.size < credentials.length) {
		detail(`Credentials: ${credentials.map((c) => `"${c.name}"`).join(', ')}...`);
		await runtimeLib.importCredentials(runtime, n8nEnv, credentials, { log: cliLog });
		state.credentialsHash = credentialsHash;
		saveState();
	}
	if (toImport.length) {
		detail(`Importing ${toImport.length} workflow${toImport.length > 1 ? 's' : ''}...`);
		const dir = mkdtempSync(path.join(os.tmpdir(), 'receivables-workflows-'));
		try {
			for (const workflow of toImport)
				copyFileSync(workflow.file, path.join(dir, path.basename(workflow.file)));
			await runtimeLib.importWorkflows(runtime, n8nEnv, dir, { log: cliLog });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		// Imported workflows are inactive: the ones that start by themselves are activated once n8n runs.
		const pending = new Set(state.toActivate ?? []);
		for (const workflow of toImport) if (activatable(workflow, provided)) pending.add(workflow.id);
		state.toActivate = [...pending];
		state.workflows = Object.fromEntries(workflows.map((w) => [w.id, w.hash]));
		saveState();
	}
	for (const workflow of workflows.filter((w) => w.trigger && !activatable(w, provided))) {
		if (workflow.unsignedWrites.length) {
			detail(
				`Left inactive: "${workflow.name}" accepts unsigned requests (${workflow.unsignedWrites.join(', ')}); put Invoice Intake → Receive Signed Request after its webhook.`,
			);
			continue;
		}
		const missing = [
			...workflow.needs,
			...workflow.credentialTypes
				.filter((type) => !provided.has(type))
				.map((type) => `a ${type} credential`),
		];
		detail(`Left inactive: "${workflow.name}" needs ${missing.join(' and ')} of yours.`);
	}
	const changed = workflows.filter(
		(w) =>
			present.has(w.id) && !reimport && state.workflows?.[w.id] && state.workflows[w.id] !== w.hash,
	);
	if (changed.length) {
		detail(
			`${changed.length} workflow file${changed.length > 1 ? 's' : ''} changed since imported (kept as in n8n, with your edits).`,
		);
		detail('To replace them by the files: RECEIVABLES_REIMPORT_WORKFLOWS=1 npm start');
	}

	const logDir = path.join(data, 'logs');
	mkdirSync(logDir, { recursive: true });
	const logFile = path.join(logDir, 'n8n.log');
	const logStream = createWriteStream(logFile, { flags: 'a' });
	logStream.write(`\n---- ${new Date().toISOString()} npm start ----\n`);
	detail(`Starting n8n on http://localhost:${n8nPort} (about 30 s)...`);
	const started = Date.now();
	running.n8n = await runtimeLib.startN8n(runtime, n8nEnv, {
		timeoutMs: 300_000,
		log: (line) => {
			logStream.write(`${line}\n`);
			if (env.RECEIVABLES_N8N_LOG === '1' || (!shuttingDown && /\b(error|fatal)\b/i.test(line)))
				detail(`n8n: ${line}`);
		},
	});
	detail(`n8n is up (${Math.round((Date.now() - started) / 1000)} s).`);
	running.n8n.exited.then((info) => {
		if (!shuttingDown)
			shutdown(
				1,
				`n8n stopped by itself (code ${info.code}, signal ${info.signal}); see ${logFile}.`,
			);
	});

	const activeIds = new Set();
	if (state.toActivate?.length) {
		const chosen = workflows.filter((w) => state.toActivate.includes(w.id));
		detail(
			`Activating ${chosen.length} workflow${chosen.length > 1 ? 's' : ''} (schedules and webhooks)...`,
		);
		const results = await activateWorkflows(
			`http://127.0.0.1:${n8nPort}`,
			owner,
			chosen.map((w) => w.id),
		);
		for (const result of results.filter((r) => !r.ok)) {
			const workflow = workflows.find((w) => w.id === result.id);
			detail(`Could not activate "${workflow?.name ?? result.id}": ${result.message}`);
		}
		state.toActivate = results.filter((r) => !r.ok).map((r) => r.id);
		saveState();
	}
	for (const id of await activeWorkflowIds(
		n8nDb,
		n8nSchema,
		workflows.map((w) => w.id),
	))
		activeIds.add(id);
	for (const workflow of workflows) workflow.active = activeIds.has(workflow.id);
	detail(`Ready ${Math.round((Date.now() - startedAt) / 1000)} s after \`npm start\`.`);

	banner({
		editorUrl: `http://localhost:${n8nPort}`,
		owner,
		catcher: running.catcher,
		database: { schema: ledger.schema, label: running.database.label },
		demo: demoText,
		workflows,
		logFile: path.relative(process.cwd(), logFile) || logFile,
		filesFolder: path.relative(process.cwd(), filesFolder) || filesFolder,
		secretsFile: path.relative(process.cwd(), path.join(data, 'secrets.json')),
		portalUsers,
		courierAccounts,
	});
	if (env.RECEIVABLES_START_STATUS) {
		writeFileSync(
			env.RECEIVABLES_START_STATUS,
			JSON.stringify({
				pid: process.pid,
				editorUrl: `http://127.0.0.1:${n8nPort}`,
				n8nPid: running.n8n.process.pid,
				catcherUrl: running.catcher.url,
				smtpPort: running.catcher.smtpPort,
				owner: { email: owner.email, password: owner.password },
				ledgerSchema: ledger.schema,
				n8nSchema,
				database: running.database.kind,
				workflows: workflows.map((w) => w.id),
				active: [...activeIds],
				portal: {
					path: workflows.find((w) => w.portal && w.webhooks.length)?.webhooks[0].path ?? null,
					users: portalUsers.map((u) => ({ login: u.login, secret: u.secret, level: u.level })),
				},
			}),
		);
	}
}

/**
 * A Ctrl-C in a terminal goes to every process of the foreground group: Postgres would stop at once, under n8n's
 * feet, and n8n would then take its whole grace period to give up. So the work runs in a process of its own session,
 * which this first process starts and forwards the signals to: n8n stops first, then the catcher, then Postgres.
 */
function supervise() {
	const child = spawn(
		process.execPath,
		[fileURLToPath(import.meta.url), ...process.argv.slice(2)],
		{
			env: { ...env, RECEIVABLES_START_WORKER: '1' },
			stdio: 'inherit',
			detached: true,
		},
	);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			try {
				child.kill(signal);
			} catch {
				// already gone
			}
		});
	}
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (env.RECEIVABLES_START_WORKER === '1') {
	installSignalHandlers();
	// Stops too if the first process disappears without forwarding anything (its terminal was killed).
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent && !shuttingDown)
			shutdown(1, 'The `npm start` process is gone: stopping.');
	}, 2000).unref();
	main().catch((error) => shutdown(1, `\nnpm start failed: ${describeError(error)}`));
} else {
	supervise();
}
