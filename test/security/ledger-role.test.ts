// The ledger under a login that is not a superuser, made the way `npm start` makes it for its embedded Postgres
// (scripts/lib/database.mjs, ensureLedgerRole — the same SQL as the README gives for a database of your own):
// the package migrates and works with it, and the row-level security of the portal scope really applies to it,
// where a superuser bypasses it.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
	handlePortalRequest,
	markInvoicesEntered,
	openLedger,
	planWaves,
	releaseWave,
	savePortalUser,
	storeInvoices,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
	type PageRequest,
} from '../../core';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../helpers/db';
import { moduleUrl, runModule, scriptEnv } from '../helpers/scripts';

jest.setTimeout(120_000);

const ROLE = `rcv_sec_${randomBytes(4).toString('hex')}`;
const PASSWORD = randomBytes(12).toString('hex');
const SCHEMA = uniqueSchema('secrole');

function urlFor(user: string, password: string): string {
	const url = new URL(testDatabaseUrl());
	url.username = user;
	url.password = password;
	return url.toString();
}

async function asSuperuser<T>(work: (client: Client) => Promise<T>): Promise<T> {
	const client = new Client({ connectionString: testDatabaseUrl() });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

const invoice = (number: string, customer: string): LedgerInvoice => ({
	docType: 'invoice',
	number,
	customerExternalId: customer,
	currency: 'MAD',
	totalExclMinor: 10000n,
	totalTaxMinor: 2000n,
	totalInclMinor: 12000n,
	payableMinor: 12000n,
	issueDate: '2026-03-01',
	dueDate: '2026-03-31',
});

describe('security: the ledger role is not a superuser, and row-level security applies to it', () => {
	let ledger: Ledger;

	beforeAll(async () => {
		const superuser = await asSuperuser(
			async (c) =>
				(
					await c.query<{ rolsuper: boolean }>(
						'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
					)
				).rows[0].rolsuper,
		);
		if (!superuser)
			throw new Error('TEST_DATABASE_URL must name a superuser: this test creates a role.');
		await runModule(
			`
			import { createRequire } from 'node:module';
			import { ensureLedgerRole } from '${moduleUrl('scripts/lib/database.mjs')}';
			const pg = createRequire(import.meta.url)('pg');
			const client = new pg.Client({ connectionString: ${JSON.stringify(testDatabaseUrl())} });
			await client.connect();
			await ensureLedgerRole(client, { role: ${JSON.stringify(ROLE)}, password: ${JSON.stringify(PASSWORD)}, schema: ${JSON.stringify(SCHEMA)} });
			// Twice: idempotent (what every npm start does).
			await ensureLedgerRole(client, { role: ${JSON.stringify(ROLE)}, password: ${JSON.stringify(PASSWORD)}, schema: ${JSON.stringify(SCHEMA)} });
			await client.end();
			console.log(JSON.stringify({ ok: true }));
		`,
			scriptEnv(),
		);
		ledger = openLedger({ connectionString: urlFor(ROLE, PASSWORD), schema: SCHEMA });
	});

	afterAll(async () => {
		await ledger?.close();
		await dropSchema(SCHEMA);
		await asSuperuser(async (c) => {
			await c.query(`DROP OWNED BY "${ROLE}" CASCADE`).catch(() => undefined);
			await c.query(`DROP ROLE IF EXISTS "${ROLE}"`);
		});
	});

	test('the role has no superuser, BYPASSRLS or CREATEDB right, and owns the ledger schema', async () => {
		const [role] = await asSuperuser(
			async (c) =>
				(
					await c.query(
						'SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1',
						[ROLE],
					)
				).rows,
		);
		expect(role).toEqual({
			rolsuper: false,
			rolbypassrls: false,
			rolcreatedb: false,
			rolcreaterole: false,
		});
		const [owner] = await asSuperuser(
			async (c) =>
				(
					await c.query(
						'SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1',
						[SCHEMA],
					)
				).rows,
		);
		expect(owner).toEqual({ owner: ROLE });
	});

	test('the package migrates and writes the ledger under that role', async () => {
		const migration = await ledger.ensureReady();
		expect(migration.current).toBeTruthy();
		const [me] = await ledger.query<{ user: string; superuser: string }>(
			"SELECT current_user AS user, current_setting('is_superuser') AS superuser",
		);
		expect(me).toEqual({ user: ROLE, superuser: 'off' });
		await ledger.query(
			"INSERT INTO staff (code, name, roles) VALUES ('REP-A', 'Rep A', '{sales}'), ('REP-B', 'Rep B', '{sales}')",
		);
		await upsertCustomers(ledger, [
			{ externalId: 'RLS-A', name: 'Client de A', language: 'fr', salesRepCode: 'REP-A' },
			{ externalId: 'RLS-B', name: 'Client de B', language: 'fr', salesRepCode: 'REP-B' },
		]);
		const stored = await storeInvoices(ledger, [
			invoice('RLS-FA-1', 'RLS-A'),
			invoice('RLS-FB-1', 'RLS-B'),
		]);
		expect(stored.map((s) => s.status)).toEqual(['created', 'created']);
		// Every table of the schema belongs to the role (nothing left to the administrator).
		const foreign = await asSuperuser(
			async (c) =>
				(
					await c.query(
						"SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'S') AND pg_get_userbyid(c.relowner) <> $2",
						[SCHEMA, ROLE],
					)
				).rows,
		);
		expect(foreign).toEqual([]);
	});

	test("a level-2 portal user's transaction sees only its customers under the role; a superuser with the same setting sees all", async () => {
		const rep = await savePortalUser(ledger, {
			login: 'rep.a',
			name: 'Rep A',
			level: 2,
			staffCode: 'REP-A',
			secret: 'a long enough portal secret',
			language: 'fr',
		});
		const scoped = async (client: {
			query: (
				text: string,
				values?: unknown[],
			) => Promise<{ rows: Array<{ external_id?: string; number?: string }> }>;
		}) => {
			await client.query('BEGIN');
			try {
				await client.query(
					`SELECT set_config('search_path', $1, true), set_config('receivables.portal_user', $2, true)`,
					[`"${SCHEMA}",public`, String(rep.id)],
				);
				// Unscoped SQL on purpose: only row-level security stands between this query and the other rep's rows.
				const customers = (
					await client.query('SELECT external_id FROM customers ORDER BY external_id')
				).rows.map((r) => r.external_id);
				const invoices = (
					await client.query('SELECT number FROM invoices ORDER BY number')
				).rows.map((r) => r.number);
				return { customers, invoices };
			} finally {
				await client.query('ROLLBACK');
			}
		};
		const asRole = new Client({ connectionString: urlFor(ROLE, PASSWORD) });
		await asRole.connect();
		try {
			expect(await scoped(asRole)).toEqual({ customers: ['RLS-A'], invoices: ['RLS-FA-1'] });
		} finally {
			await asRole.end();
		}
		// The reason the ledger must not run as a superuser: the same query as postgres ignores the policies.
		expect(await asSuperuser((c) => scoped(c))).toEqual({
			customers: ['RLS-A', 'RLS-B'],
			invoices: ['RLS-FA-1', 'RLS-FB-1'],
		});
	});

	test('the portal itself works under the role: sign-in, search and CSV of a level-2 user hold only its customers, a level-1 user sees all', async () => {
		// The invoices handed to a courier, as the portal shows them: waves planned, entered and released under the role.
		await ledger.query(
			"INSERT INTO staff (code, name, roles) VALUES ('C-RLS', 'Coursier', '{courier}')",
		);
		const where = {
			language: 'fr' as const,
			currency: 'MAD',
			country: 'MA',
			city: 'Casablanca',
			zone: 'Z1',
			billingCycle: 'monthly',
			addressLines: ['12 rue Allal'],
			emails: [],
		};
		await upsertCustomers(ledger, [
			{ externalId: 'RLS-A', name: 'Client de A', salesRepCode: 'REP-A', ...where },
			{ externalId: 'RLS-B', name: 'Client de B', salesRepCode: 'REP-B', ...where },
		]);
		const plan = await planWaves(ledger, {
			runDate: '2026-03-31',
			startDate: '2026-03-30',
			maxPerCourierPerDay: 10,
			couriers: ['C-RLS'],
		});
		expect(plan.waves.length).toBeGreaterThan(0);
		for (const w of plan.waves) {
			await markInvoicesEntered(ledger, { waveCode: w.code });
			await releaseWave(ledger, { waveCode: w.code, releasedAt: new Date(Date.now() - 3600_000) });
		}
		await savePortalUser(ledger, {
			login: 'boss.rls',
			name: 'Direction',
			level: 1,
			secret: 'a long enough direction secret',
			language: 'fr',
		});
		const formOf = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
		const sessionOf = (html: string) => /name="session" value="([^"]+)"/.exec(html)?.[1] ?? '';
		const portal = (req: PageRequest) => handlePortalRequest(ledger, req, {});
		const signIn = async (login: string, secret: string) =>
			portal({
				method: 'POST',
				body: {
					action: 'login',
					login,
					secret,
					form: formOf((await portal({ method: 'GET' })).body),
				},
			});
		const rep = await signIn('rep.a', 'a long enough portal secret');
		expect({ status: rep.status, failure: rep.failure }).toEqual({
			status: 200,
			failure: undefined,
		});
		expect(rep.body).toContain('RLS-FA-1');
		expect(rep.body).not.toContain('RLS-FB-1');
		const csv = await portal({
			method: 'POST',
			body: { action: 'csv', session: sessionOf(rep.body), form: formOf(rep.body) },
		});
		expect(csv.status).toBe(200);
		expect(csv.body).toContain('RLS-FA-1');
		expect(csv.body).not.toContain('RLS-FB-1');
		const search = await portal({
			method: 'POST',
			body: {
				action: 'search',
				session: sessionOf(rep.body),
				form: formOf(rep.body),
				invoiceNumber: 'RLS-FB-1',
			},
		});
		expect(search.body).not.toContain('RLS-FB-1</');
		const boss = await signIn('boss.rls', 'a long enough direction secret');
		expect(boss.status).toBe(200);
		expect(boss.body).toContain('RLS-FA-1');
		expect(boss.body).toContain('RLS-FB-1');
		// The sessions, throttle and keys the portal writes are in the ledger, under the same role.
		const [rows] = await ledger.query<{ sessions: string; keys: string }>(
			'SELECT (SELECT count(*) FROM page_sessions)::text AS sessions, (SELECT count(*) FROM server_keys)::text AS keys',
		);
		expect(Number(rows.sessions)).toBeGreaterThanOrEqual(2);
		expect(Number(rows.keys)).toBeGreaterThanOrEqual(2);
	});
});
