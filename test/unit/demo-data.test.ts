// The demo company of `npm start` (scripts/lib/demo-data.mjs): generated deterministically, loaded once into a
// fresh ledger through the built core, amounts exact to the minor unit, and a second load adds nothing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, type QueryResultRow } from 'pg';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../helpers/db';
import { moduleUrl, runModule } from '../helpers/scripts';
import { formatAmount } from '../../core';
import { timelineSummary } from '../../core/dunning/timeline-text';

jest.setTimeout(300_000);

const AS_OF = '2026-03-16';
const BUCKETS = ['not_due', '1-30', '31-60', '61-90', '90+'];
const PROFILES = ['key_account', 'risky', 'standard', 'export', 'internal'];

interface Summary {
	asOf: string;
	customers: number;
	customersByProfile: Record<string, number>;
	staff: number;
	invoices: number;
	openInvoices: number;
	paidInvoices: number;
	creditedInvoices: number;
	creditNotes: number;
	payments: number;
	disputes: number;
	promises: number;
	holds: number;
	remindersSent: number;
	waves: number;
	deliveries: number;
	deliveriesByOutcome: Record<string, number>;
	openByProfileAndBucket: Record<string, Record<string, number>>;
	owed: Record<string, string>;
}

const project = moduleUrl('scripts/lib/project.mjs');
const demo = moduleUrl('scripts/lib/demo-data.mjs');

/** Generates the company in a child process (the scripts are ES modules) and returns facts about it. */
async function generated(
	asOf: string,
	seed?: number,
): Promise<{ summary: Summary; fingerprint: string; facts: Record<string, unknown> }> {
	return await runModule(`
		import { createHash } from 'node:crypto';
		import { loadCore } from '${project}';
		import { generateDemoCompany, summariseDemoCompany } from '${demo}';
		const core = loadCore();
		const policies = new Map(core.defaultPolicies().map((p) => [p.code, p.stages]));
		const data = generateDemoCompany(core, { asOf: '${asOf}', policies${seed === undefined ? '' : `, seed: ${seed}`} });
		const plain = JSON.stringify(data, (key, value) => (typeof value === 'bigint' ? value.toString() : key === 'customer' ? value?.externalId ?? null : value));
		const languages = {}, countries = new Set();
		for (const c of data.customers) { languages[c.language] = (languages[c.language] ?? 0) + 1; countries.add(c.country); }
		const staffRoles = {};
		for (const s of data.staff) for (const r of s.roles) staffRoles[r] = (staffRoles[r] ?? 0) + 1;
		const repsWithoutHead = data.staff.filter((s) => s.roles.includes('sales_rep') && !data.staff.some((h) => h.code === s.manager && h.roles.includes('group_head'))).length;
		const disputeCategories = [...new Set(data.disputes.map((d) => d.category))].sort();
		const names = data.customers.map((c) => c.name);
		console.log(JSON.stringify({
			summary: summariseDemoCompany(core, data),
			fingerprint: createHash('sha256').update(plain).digest('hex'),
			facts: { languages, countries: [...countries].sort(), staffRoles, repsWithoutHead, disputeCategories, uniqueNames: new Set(names).size,
				promiseStatuses: [...new Set(data.promises.map((p) => p.status))].sort(), strayKinds: data.strays.map((s) => s.kind) },
		}));
	`);
}

/**
 * Loads the company twice into `schema` in a child process, with the built core (which also migrates the schema:
 * the test reads it with plain SQL, so the schema is exactly what the built core made).
 */
interface DemoCourier {
	login: string;
	staffCode: string;
	name: string;
	loggedInAs: string;
}

async function load(
	schema: string,
	asOf: string,
	before = '',
): Promise<{
	first: string;
	second: string;
	summary: Summary;
	promises: Record<string, string>;
	couriers: DemoCourier[];
}> {
	return await runModule(`
		import { loadCore } from '${project}';
		import { loadDemoCompany, generateDemoCompany, ensureDemoCourierAccounts, DEMO_COURIER_ACCOUNTS } from '${demo}';
		const core = loadCore();
		const ledger = core.openLedger({ connectionString: ${JSON.stringify(testDatabaseUrl())}, schema: '${schema}' });
		try {
			await ledger.ensureReady();
			${before}
			const first = await loadDemoCompany(core, ledger, { asOf: '${asOf}' });
			const second = await loadDemoCompany(core, ledger, { asOf: '2030-01-01' });
			const policies = new Map((await ledger.query('SELECT code, stages FROM dunning_policies')).map((p) => [p.code, p.stages]));
			const data = generateDemoCompany(core, { asOf: '${asOf}', policies });
			const promises = Object.fromEntries(data.promises.map((p) => [p.ref, p.status]));
			// The courier accounts of npm start, created twice (the second call keeps them), then used to log in.
			const secrets = Object.fromEntries(DEMO_COURIER_ACCOUNTS.map((a) => [a.login, 'demo-' + a.login]));
			await ensureDemoCourierAccounts(core, ledger, secrets);
			const accounts = await ensureDemoCourierAccounts(core, ledger, secrets);
			const couriers = [];
			for (const a of accounts) {
				const { courier } = await core.courierLogin(ledger, { login: a.login, secret: a.secret, tokenSecret: 'demo-token-secret-0123456789' });
				couriers.push({ login: a.login, staffCode: a.staffCode, name: a.name, loggedInAs: courier.staffCode });
			}
			console.log(JSON.stringify({ first: first.status, second: second.status, summary: first.summary, promises, couriers }));
		} finally {
			await ledger.close();
		}
	`);
}

const TABLES = [
	'staff',
	'dunning_policies',
	'customers',
	'invoices',
	'payments',
	'allocations',
	'holds',
	'reminders',
	'history',
	'disputes',
	'dispute_invoices',
	'promises',
	'settings',
	'waves',
	'deliveries',
	'courier_events',
];

/** Plain SQL on one ledger schema. */
interface Schema {
	name: string;
	query<R extends QueryResultRow = QueryResultRow>(sql: string, values?: unknown[]): Promise<R[]>;
	close(): Promise<void>;
}

async function openSchema(name: string): Promise<Schema> {
	const client = new Client({
		connectionString: testDatabaseUrl(),
		options: `-c search_path=${name},public`,
	});
	await client.connect();
	return {
		name,
		query: async <R extends QueryResultRow>(sql: string, values?: unknown[]) =>
			(await client.query<R>(sql, values)).rows,
		close: async () => {
			await client.end();
			await dropSchema(name);
		},
	};
}

async function tableCounts(ledger: Schema): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const table of TABLES)
		counts[table] = (
			await ledger.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
		)[0].n;
	return counts;
}

describe('demo company generator', () => {
	let facts: Awaited<ReturnType<typeof generated>>;

	beforeAll(async () => {
		facts = await generated(AS_OF);
	});

	it('is about 200 customers over the five profiles, in France, Morocco, Senegal, Côte d’Ivoire and abroad, FR and EN', () => {
		const { summary } = facts;
		expect(summary.customers).toBe(200);
		expect(Object.keys(summary.customersByProfile).sort()).toEqual([...PROFILES].sort());
		expect(summary.customersByProfile.standard).toBeGreaterThan(100);
		for (const profile of PROFILES)
			expect(summary.customersByProfile[profile]).toBeGreaterThanOrEqual(10);
		expect(facts.facts.countries).toEqual(
			expect.arrayContaining(['FR', 'MA', 'SN', 'CI', 'BE', 'CH', 'GB', 'US']),
		);
		const languages = facts.facts.languages as Record<string, number>;
		expect(languages.fr).toBeGreaterThan(150);
		expect(languages.en).toBeGreaterThanOrEqual(8);
		expect(facts.facts.uniqueNames).toBe(200);
		expect(facts.facts.staffRoles).toEqual(
			expect.objectContaining({ group_head: 3, collector: 3, courier: 4 }),
		);
		expect((facts.facts.staffRoles as Record<string, number>).sales_rep).toBeGreaterThanOrEqual(10);
		expect(facts.facts.repsWithoutHead).toBe(0);
	});

	it('has about 2,000 invoices, with open ones in every aging bucket for every profile', () => {
		const { summary } = facts;
		expect(summary.invoices).toBeGreaterThanOrEqual(1900);
		expect(summary.invoices).toBeLessThanOrEqual(2200);
		expect(summary.openInvoices + summary.paidInvoices + summary.creditedInvoices).toBe(
			summary.invoices,
		);
		expect(summary.openInvoices).toBeGreaterThan(800);
		const totals = Object.fromEntries(BUCKETS.map((b) => [b, 0]));
		for (const profile of PROFILES) {
			const buckets = summary.openByProfileAndBucket[profile];
			for (const bucket of BUCKETS) {
				expect(buckets[bucket]).toBeGreaterThan(0);
				totals[bucket] += buckets[bucket];
			}
		}
		// A realistic aged balance: most is not due yet, the tail thins out, but every bucket holds real work.
		for (const bucket of BUCKETS)
			expect(totals[bucket] / summary.openInvoices).toBeGreaterThan(0.05);
		expect(totals.not_due).toBeGreaterThan(totals['1-30']);
		expect(totals['1-30']).toBeGreaterThan(totals['61-90']);
		// Risky customers are late more often than key accounts.
		const lateShare = (profile: string) => {
			const b = summary.openByProfileAndBucket[profile];
			return (b['31-60'] + b['61-90'] + b['90+']) / BUCKETS.reduce((s, k) => s + b[k], 0);
		};
		expect(lateShare('risky')).toBeGreaterThan(lateShare('key_account') * 2);
	});

	it('has credit notes, payments, disputes of the four categories, promises, holds and reminders already sent', () => {
		const { summary } = facts;
		expect(summary.creditNotes).toBeGreaterThanOrEqual(20);
		expect(summary.payments).toBeGreaterThan(500);
		expect(summary.disputes).toBeGreaterThanOrEqual(30);
		expect(facts.facts.disputeCategories).toEqual([
			'administrative',
			'commercial',
			'logistics',
			'technical',
		]);
		expect(facts.facts.promiseStatuses).toEqual(['broken', 'kept', 'pending']);
		expect(summary.holds).toBeGreaterThanOrEqual(5);
		expect(summary.remindersSent).toBeGreaterThan(500);
		expect(facts.facts.strayKinds).toEqual(['unknown_payer', 'unknown_payer', 'ambiguous']);
		expect(Object.keys(summary.owed)).toEqual(expect.arrayContaining(['EUR', 'MAD', 'XOF']));
	});

	it('is deterministic: the same seed and day give the same company, another seed another one', async () => {
		const again = await generated(AS_OF);
		expect(again.fingerprint).toBe(facts.fingerprint);
		const other = await generated(AS_OF, 7);
		expect(other.fingerprint).not.toBe(facts.fingerprint);
	});
});

describe('loading the demo company', () => {
	let ledger: Schema;
	let loaded: Awaited<ReturnType<typeof load>>;

	beforeAll(async () => {
		const schema = uniqueSchema('demo');
		loaded = await load(schema, AS_OF);
		ledger = await openSchema(schema);
	});
	afterAll(async () => {
		await ledger.close();
	});

	it('loads once and finds itself the second time, keeping the first reference day', async () => {
		expect(loaded.first).toBe('loaded');
		expect(loaded.second).toBe('present');
		const state = await ledger.query<{ value: { asOf: string; complete: boolean } }>(
			"SELECT value FROM settings WHERE key = 'demo.company'",
		);
		expect(state[0].value).toEqual(expect.objectContaining({ asOf: AS_OF, complete: true }));
	});

	it('dates each history entry by the fact it tells, not by the time the demo was loaded', async () => {
		// Loaded today for a company whose reference day is AS_OF: nothing in its history may be later than that day.
		const late = await ledger.query<{ kind: string; n: number }>(
			`SELECT kind, count(*)::int AS n FROM history WHERE customer_id IS NOT NULL AND at >= ($1::date + 1)::timestamp AT TIME ZONE 'Europe/Paris' GROUP BY kind ORDER BY kind`,
			[AS_OF],
		);
		expect(late).toEqual([]);
		const off = await ledger.query<{ kind: string; n: number }>(
			`SELECT h.kind, count(*)::int AS n FROM history h
			LEFT JOIN payments p ON p.id::text = h.payload->>'paymentId'
			LEFT JOIN disputes d ON d.id::text = h.payload->>'disputeId'
			LEFT JOIN promises pr ON pr.id::text = h.payload->>'promiseId'
			WHERE (h.kind IN ('payment_received', 'payment_allocated', 'invoice_paid') AND (h.at AT TIME ZONE 'Europe/Paris')::date <> p.received_on)
				OR (h.kind = 'dispute_opened' AND h.at <> d.opened_at) OR (h.kind = 'dispute_resolved' AND h.at <> d.resolved_at)
				-- settled as the daily settlement would have: kept by the day after the promised day, broken that day
				OR (h.kind = 'promise_kept' AND (h.at AT TIME ZONE 'Europe/Paris')::date > pr.promised_on + 1)
				OR (h.kind = 'promise_broken' AND (h.at AT TIME ZONE 'Europe/Paris')::date <> pr.promised_on + 1)
				OR (h.kind = 'credit_note_applied' AND h.payload->>'paymentId' IS NULL AND (h.at AT TIME ZONE 'Europe/Paris')::date <>
					(SELECT cn.issue_date FROM invoices cn WHERE cn.number = h.payload->>'creditNote' AND cn.doc_type = 'credit_note' LIMIT 1))
			GROUP BY h.kind`,
		);
		expect(off).toEqual([]);
		const kinds = await ledger.query<{ kind: string }>(
			"SELECT DISTINCT kind FROM history WHERE kind IN ('payment_received', 'invoice_paid', 'dispute_opened', 'dispute_resolved', 'promise_kept', 'reminder_sent') ORDER BY kind",
		);
		expect(kinds.map((k) => k.kind)).toEqual([
			'dispute_opened',
			'dispute_resolved',
			'invoice_paid',
			'payment_received',
			'promise_kept',
			'reminder_sent',
		]);
		// The demo's own reminder and promise entries are stored as events and read in either language, stages and dates
		// as people read them (no stage code).
		const own = await ledger.query<{
			kind: string;
			summary: string;
			payload: Record<string, unknown>;
		}>(
			"SELECT kind, summary, payload FROM history WHERE actor = 'demo' AND kind IN ('reminder_sent', 'reminder_bounced', 'promise_recorded') ORDER BY id",
		);
		expect([...new Set(own.map((r) => r.kind))].sort()).toEqual(
			expect.arrayContaining(['promise_recorded', 'reminder_sent']),
		);
		expect(
			own.filter((r) => !(r.payload.timeline && typeof r.payload.timeline === 'object')),
		).toEqual([]);
		for (const row of own) {
			const fr = timelineSummary(row, 'fr');
			const en = timelineSummary({ ...row, summary: '' }, 'en');
			expect([fr, en]).not.toEqual(
				expect.arrayContaining([
					expect.stringMatching(
						/level\d|pre_due|formal_notice|\d{4}-\d\d-\d\d.*\d{4}-\d\d-\d\d|^$/,
					),
				]),
			);
			if (row.kind === 'promise_recorded')
				expect([fr, en]).toEqual([
					expect.stringMatching(/^Promesse de règlement pour le \d\d\/\d\d\/\d{4} \(/),
					expect.stringMatching(/^Promise to pay on \d{4}-\d\d-\d\d \(/),
				]);
			else
				expect([fr, en]).toEqual([
					expect.stringMatching(
						/^(Relance \d|Avis avant échéance|Mise en demeure|Remerciement) \((e-mail|courrier)\)/,
					),
					expect.stringMatching(
						/^(Reminder \d|Pre-due notice|Formal notice|Thank-you) \((e-mail|letter)\)/,
					),
				]);
		}
		// The append-only guard was never lifted: its trigger is enabled, the loader has no statement that could turn it
		// off, and the history was written dated (no row of it was ever updated, which the guard would have refused).
		const [trigger] = await ledger.query<{ tgenabled: string }>(
			"SELECT t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = 'history' AND t.tgname = 'history_append_only'",
		);
		expect(trigger.tgenabled).toBe('O');
		for (const file of ['scripts/lib/demo-data.mjs', 'scripts/start.mjs'])
			expect([file, readFileSync(path.join(__dirname, '..', '..', file), 'utf8')]).not.toEqual([
				file,
				expect.stringMatching(/DISABLE\s+TRIGGER|session_replication_role/i),
			]);
		await expect(
			ledger.query('UPDATE history SET summary = summary WHERE id = (SELECT min(id) FROM history)'),
		).rejects.toThrow(/append-only/);
	});

	it('has a full company identity with its logo, saved once through the core', async () => {
		const [identity] = await ledger.query<{ value: Record<string, unknown>; updated_by: string }>(
			"SELECT value, updated_by FROM settings WHERE key = 'company'",
		);
		expect(identity.updated_by).toBe('demo');
		expect(identity.value).toMatchObject({
			name: 'Orbel Équipements',
			legalForm: 'SAS',
			siren: '842138570',
			vatNumber: 'FR88842138570',
			senderEmail: 'relances@orbel.example',
			senderName: 'Service recouvrement Orbel',
			iban: 'FR2930002005500000157845002',
			addressLines: ['18 rue de la République', '69002 Lyon'],
			logo: { mimeType: 'image/png', width: 600, height: 160 },
		});
		expect(String(identity.value.legalMentions)).toContain('L441-10');
		const logos = await ledger.query<{ n: number }>('SELECT count(*)::int AS n FROM company_logos');
		expect(logos[0].n).toBe(1);
		expect(await ledger.query('SELECT 1 FROM settings_history')).toEqual([]);
	});

	it('stores what the generator made: customers per profile, open invoices per profile and aging bucket', async () => {
		const { summary } = loaded;
		const customers = await ledger.query<{ profile: string; n: number }>(
			'SELECT profile, count(*)::int AS n FROM customers GROUP BY profile',
		);
		expect(Object.fromEntries(customers.map((r) => [r.profile, r.n]))).toEqual(
			summary.customersByProfile,
		);
		const rows = await ledger.query<{ profile: string; bucket: string; n: number }>(
			`SELECT c.profile, CASE WHEN $1::date - i.due_date <= 0 THEN 'not_due' WHEN $1::date - i.due_date <= 30 THEN '1-30'
				WHEN $1::date - i.due_date <= 60 THEN '31-60' WHEN $1::date - i.due_date <= 90 THEN '61-90' ELSE '90+' END AS bucket, count(*)::int AS n
			FROM invoices i JOIN customers c ON c.id = i.customer_id
			WHERE i.doc_type = 'invoice' AND i.status = 'open' GROUP BY 1, 2`,
			[AS_OF],
		);
		const stored: Record<string, Record<string, number>> = {};
		for (const row of rows) {
			stored[row.profile] ??= Object.fromEntries(BUCKETS.map((b) => [b, 0]));
			stored[row.profile][row.bucket] = row.n;
		}
		expect(stored).toEqual(summary.openByProfileAndBucket);
		const docs = await ledger.query<{ doc_type: string; status: string; n: number }>(
			'SELECT doc_type, status, count(*)::int AS n FROM invoices GROUP BY 1, 2',
		);
		const count = (docType: string, status?: string) =>
			docs
				.filter((d) => d.doc_type === docType && (!status || d.status === status))
				.reduce((s, d) => s + d.n, 0);
		expect(count('invoice')).toBe(summary.invoices);
		expect(count('invoice', 'paid')).toBe(summary.paidInvoices);
		expect(count('invoice', 'credited')).toBe(summary.creditedInvoices);
		expect(count('credit_note')).toBe(summary.creditNotes);
		const counts = await tableCounts(ledger);
		expect(counts.staff).toBe(summary.staff);
		expect(counts.payments).toBe(summary.payments);
		expect(counts.disputes).toBe(summary.disputes);
		expect(counts.promises).toBe(summary.promises);
		expect(counts.holds).toBe(summary.holds);
		expect(counts.reminders).toBe(summary.remindersSent);
	});

	it('is exact to the minor unit: totals, balances, allocations and what is owed per currency', async () => {
		const badTotals = await ledger.query(
			'SELECT number FROM invoices WHERE total_incl_minor <> total_excl_minor + total_tax_minor OR payable_minor <> total_incl_minor',
		);
		expect(badTotals).toEqual([]);
		const badLines = await ledger.query(
			`SELECT number FROM invoices i WHERE doc_type = 'invoice'
			AND total_excl_minor <> (SELECT sum((l->>'netAmountMinor')::bigint) FROM jsonb_array_elements(i.lines) l)`,
		);
		expect(badLines).toEqual([]);
		const badBalances = await ledger.query(
			`SELECT i.number, i.open_minor, i.payable_minor FROM invoices i
			WHERE i.doc_type = 'invoice' AND i.open_minor <> i.payable_minor
				- COALESCE((SELECT sum(a.amount_minor) FROM allocations a WHERE a.invoice_id = i.id), 0)
				- COALESCE((SELECT sum(cn.payable_minor) FROM invoices cn WHERE cn.credited_invoice_id = i.id), 0)`,
		);
		expect(badBalances).toEqual([]);
		const badStatus = await ledger.query(
			`SELECT number, status, open_minor FROM invoices WHERE doc_type = 'invoice' AND NOT (
				(status = 'open' AND open_minor > 0) OR (status = 'paid' AND open_minor = 0 AND paid_at IS NOT NULL) OR (status = 'credited' AND open_minor = 0))`,
		);
		expect(badStatus).toEqual([]);
		const badPayments = await ledger.query(
			`SELECT p.external_ref FROM payments p
			WHERE p.unapplied_minor <> p.amount_minor - COALESCE((SELECT sum(a.amount_minor) FROM allocations a WHERE a.payment_id = p.id), 0)`,
		);
		expect(badPayments).toEqual([]);
		const statuses = await ledger.query<{ status: string; n: number }>(
			'SELECT status, count(*)::int AS n FROM payments GROUP BY 1',
		);
		const byStatus = Object.fromEntries(statuses.map((s) => [s.status, s.n]));
		expect(byStatus.unapplied).toBe(2);
		expect(byStatus.ambiguous).toBe(1);
		expect(byStatus.applied).toBe(loaded.summary.payments - 3);
		const owed = await ledger.query<{ currency: string; owed: string }>(
			"SELECT currency, sum(open_minor)::text AS owed FROM invoices WHERE status = 'open' GROUP BY 1",
		);
		expect(
			Object.fromEntries(
				owed.map((o) => [o.currency.trim(), formatAmount(BigInt(o.owed), o.currency.trim())]),
			),
		).toEqual(loaded.summary.owed);
	});

	it('links staff, disputes, promises and reminders the way the nodes read them', async () => {
		const orphans = await ledger.query(
			`SELECT c.external_id FROM customers c LEFT JOIN staff s ON s.code = c.sales_rep_code LEFT JOIN staff h ON h.code = s.manager_code
			WHERE c.profile <> 'internal' AND (s.code IS NULL OR NOT 'sales_rep' = ANY (s.roles) OR h.code IS NULL OR NOT 'group_head' = ANY (h.roles))`,
		);
		expect(orphans).toEqual([]);
		const disputes = await ledger.query<{ category: string; n: number }>(
			'SELECT d.category, count(DISTINCT d.id)::int AS n FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id GROUP BY 1',
		);
		expect(disputes.map((d) => d.category).sort()).toEqual([
			'administrative',
			'commercial',
			'logistics',
			'technical',
		]);
		const lateReminders = await ledger.query(
			`SELECT m.stage FROM reminders m JOIN invoices i ON i.id = m.invoice_id WHERE m.sent_at::date > $1::date - 1 OR i.status <> 'open'`,
			[AS_OF],
		);
		expect(lateReminders).toEqual([]);
		const stages = await ledger.query<{ stage: string }>(
			`SELECT DISTINCT m.stage FROM reminders m JOIN invoices i ON i.id = m.invoice_id JOIN customers c ON c.id = i.customer_id
			JOIN dunning_policies p ON p.code = c.profile
			WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p.stages) s WHERE s->>'code' = m.stage)`,
		);
		expect(stages).toEqual([]);
		const promises = await ledger.query<{ source_ref: string; status: string; flagged: boolean }>(
			"SELECT source_ref, status, flagged FROM promises WHERE source_ref LIKE 'demo-promise-%'",
		);
		expect(Object.fromEntries(promises.map((p) => [p.source_ref, p.status]))).toEqual(
			loaded.promises,
		);
		for (const p of promises) expect(p.flagged).toBe(p.status === 'broken');
		const resolved = await ledger.query<{ n: number }>(
			"SELECT count(*)::int AS n FROM disputes WHERE status = 'resolved' AND resolution IS NOT NULL AND root_cause IS NOT NULL AND resolved_at < $1::date",
			[AS_OF],
		);
		expect(resolved[0].n).toBeGreaterThan(0);
		const future = await ledger.query('SELECT id FROM disputes WHERE opened_at >= $1::date + 1', [
			AS_OF,
		]);
		expect(future).toEqual([]);
		const noEmail = await ledger.query<{ n: number }>(
			"SELECT count(*)::int AS n FROM customers WHERE email_status = 'none' AND emails = '{}'",
		);
		expect(noEmail[0].n).toBeGreaterThan(0);
	});

	it('has the courier waves of the last weeks: handed over, delivered or not, with the couriers’ events', async () => {
		const { summary } = loaded;
		expect(summary.waves).toBeGreaterThan(20);
		const outcomes = await ledger.query<{ status: string; n: number }>(
			'SELECT status, count(*)::int AS n FROM deliveries GROUP BY 1',
		);
		expect(Object.fromEntries(outcomes.map((o) => [o.status, o.n]))).toEqual(
			summary.deliveriesByOutcome,
		);
		expect(summary.deliveriesByOutcome.delivered).toBeGreaterThan(100);
		const counts = await tableCounts(ledger);
		expect(counts.waves).toBe(summary.waves);
		expect(counts.deliveries).toBe(summary.deliveries);
		// A delivered invoice was received that day, and its due date runs from then (terms from reception).
		const mismatched = await ledger.query(
			`SELECT i.number FROM deliveries d JOIN invoices i ON i.id = d.invoice_id
			WHERE d.status = 'delivered' AND (i.reception_date IS DISTINCT FROM (d.delivered_at AT TIME ZONE 'Europe/Paris')::date
				OR (i.terms_basis = 'reception' AND i.due_date <> i.reception_date + i.terms_days))`,
		);
		expect(mismatched).toEqual([]);
		const failedButReceived = await ledger.query(
			"SELECT i.number FROM deliveries d JOIN invoices i ON i.id = d.invoice_id WHERE d.status IN ('absent', 'refused', 'wrong_address') AND i.reception_date IS NOT NULL",
		);
		expect(failedButReceived).toEqual([]);
		const handedOverUnentered = await ledger.query(
			"SELECT w.code FROM waves w JOIN deliveries d ON d.wave_id = w.id WHERE w.status <> 'planned' AND d.status = 'pending'",
		);
		expect(handedOverUnentered).toEqual([]);
		const withoutEvents = await ledger.query(
			"SELECT d.id FROM deliveries d WHERE d.status <> 'entered' AND NOT EXISTS (SELECT 1 FROM courier_events e WHERE e.delivery_id = d.id AND e.type = d.status)",
		);
		expect(withoutEvents).toEqual([]);
		// What the tracking portal lists for a sales rep: deliveries of their customers only.
		const rep = await ledger.query<{ rep: string; n: number }>(
			`SELECT c.sales_rep_code AS rep, count(*)::int AS n FROM customers c JOIN deliveries d ON d.customer_id = c.id GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
		);
		expect(rep[0].n).toBeGreaterThan(10);
	});

	it('has a courier account per courier, whose secret opens the courier page as that courier', async () => {
		expect(loaded.couriers.map((c) => [c.login, c.staffCode, c.loggedInAs])).toEqual([
			['coursier.casa', 'CRS-CASA', 'CRS-CASA'],
			['coursier.rabat', 'CRS-RABAT', 'CRS-RABAT'],
			['coursier.dakar', 'CRS-DKR', 'CRS-DKR'],
			['coursier.abidjan', 'CRS-ABJ', 'CRS-ABJ'],
		]);
		expect(loaded.couriers.find((c) => c.login === 'coursier.dakar')?.name).toBe('Cheikh Mbaye');
		const accounts = await ledger.query<{
			login: string;
			staff_code: string;
			secret_hash: string;
			session_version: number;
		}>('SELECT login, staff_code, secret_hash, session_version FROM courier_accounts ORDER BY id');
		expect(accounts.map((a) => a.staff_code).sort()).toEqual([
			'CRS-ABJ',
			'CRS-CASA',
			'CRS-DKR',
			'CRS-RABAT',
		]);
		// Stored hashed, and not re-saved by the second call (a re-save would end the sessions).
		for (const a of accounts) {
			expect(a.secret_hash).not.toContain(a.login);
			expect(a.session_version).toBe(1);
		}
	});

	it('adds nothing when loaded again', async () => {
		const before = await tableCounts(ledger);
		const sums = async () =>
			(await ledger.query<{ s: string }>('SELECT sum(open_minor)::text AS s FROM invoices'))[0].s;
		const openBefore = await sums();
		const again = await load(ledger.name, '2031-06-30');
		expect(again.first).toBe('present');
		expect(again.second).toBe('present');
		expect(await tableCounts(ledger)).toEqual(before);
		expect(await sums()).toBe(openBefore);
	});
});

describe('the demo company and a ledger of real data', () => {
	it('is not loaded into a ledger that holds other customers', async () => {
		const schema = uniqueSchema('demo');
		try {
			await expect(
				load(
					schema,
					AS_OF,
					`await ledger.query("INSERT INTO customers (external_id, name) VALUES ('REAL-001', 'Un vrai client')");`,
				),
			).rejects.toThrow(
				/already holds 1 customers of its own: the demo company is loaded only into an empty ledger/,
			);
			const ledger = await openSchema(schema);
			expect(
				(await ledger.query<{ n: number }>('SELECT count(*)::int AS n FROM customers'))[0].n,
			).toBe(1);
			expect(await ledger.query("SELECT 1 FROM settings WHERE key = 'demo.company'")).toEqual([]);
			await ledger.close();
		} finally {
			await dropSchema(schema);
		}
	});
});
