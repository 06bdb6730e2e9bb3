// The reports on the demo company of `npm start` (scripts/lib/demo-data.mjs), loaded into a schema of its own
// through this core (bundled for the child process: the demo script is an ES module jest cannot import), then
// read with receivablesOverview: the figures hang together and agree with the ledger's current balances.
import { mkdirSync, readdirSync, rmSync, symlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { openLedger, type Ledger } from '../ledger';
import { todayIn } from '../time';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../../test/helpers/db';
import { moduleUrl, REPO_ROOT, runModule } from '../../test/helpers/scripts';
import { agedBalance, receivablesOverview } from '.';
import type { AgedBalanceRow, ReceivablesOverview } from './types';

jest.setTimeout(300_000);

const ZONE = 'Europe/Paris';
const AS_OF = todayIn(ZONE);
const schema = uniqueSchema('rpt_demo');
const work = path.join(REPO_ROOT, '.runtime', `reports-demo-${process.pid}`);
let ledger: Ledger;
let overview: ReceivablesOverview;

/** This core as one CommonJS file beside links to its asset folders (migrations, policies, fonts, calendars). */
function bundleCore(): string {
	const dir = path.join(work, 'core');
	mkdirSync(dir, { recursive: true });
	const src = path.join(REPO_ROOT, 'core');
	for (const entry of readdirSync(src)) {
		if (statSync(path.join(src, entry)).isDirectory())
			symlinkSync(path.join(src, entry), path.join(dir, entry));
	}
	const outfile = path.join(dir, 'index.cjs');
	buildSync({
		entryPoints: [path.join(src, 'index.ts')],
		bundle: true,
		platform: 'node',
		format: 'cjs',
		packages: 'external',
		outfile,
		logLevel: 'error',
	});
	return outfile;
}

beforeAll(async () => {
	const core = bundleCore();
	await runModule(`
		import { createRequire } from 'node:module';
		import { loadDemoCompany } from '${moduleUrl('scripts/lib/demo-data.mjs')}';
		const core = createRequire(import.meta.url)(${JSON.stringify(core)});
		const ledger = core.openLedger({ connectionString: ${JSON.stringify(testDatabaseUrl())}, schema: '${schema}' });
		try {
			const loaded = await loadDemoCompany(core, ledger, { asOf: '${AS_OF}' });
			console.log(JSON.stringify({ status: loaded.status }));
		} finally {
			await ledger.close();
		}
	`);
	ledger = openLedger({ connectionString: testDatabaseUrl(), schema });
	overview = await receivablesOverview(ledger, {
		asOf: AS_OF,
		zone: ZONE,
		from: '2000-01-01',
		months: 6,
	});
});

afterAll(async () => {
	await ledger?.close();
	await dropSchema(schema);
	rmSync(work, { recursive: true, force: true });
});

const sum = (values: Array<{ minor: string }>) => values.reduce((s, v) => s + BigInt(v.minor), 0n);

function consistent(row: AgedBalanceRow): void {
	expect(sum(row.buckets)).toBe(BigInt(row.open.minor));
	expect(BigInt(row.overdue.minor)).toBe(BigInt(row.open.minor) - BigInt(row.buckets[0].minor));
	expect(BigInt(row.disputed.minor) + BigInt(row.promised.minor)).toBeLessThanOrEqual(
		BigInt(row.open.minor),
	);
	expect(row.buckets.every((b) => b.currency === row.currency && BigInt(b.minor) >= 0n)).toBe(true);
}

describe('reports on the demo company', () => {
	it('gives an aged balance whose buckets add up, per customer and per currency, equal to the open balances today', async () => {
		const aged = overview.aged;
		expect(aged.rows.length).toBeGreaterThan(50);
		for (const row of [...aged.rows, ...aged.totals]) consistent(row);
		for (const total of aged.totals) {
			const rows = aged.rows.filter((r) => r.currency === total.currency);
			expect(sum(rows.map((r) => r.open))).toBe(BigInt(total.open.minor));
			expect(rows.reduce((n, r) => n + r.invoices, 0)).toBe(total.invoices);
		}
		// Computed from dated facts, the balance as of today is the ledger's current open balance.
		const current = await ledger.query<{ currency: string; open: string; n: number }>(
			`SELECT currency::text, sum(open_minor)::text AS open, count(*)::int AS n FROM invoices WHERE doc_type = 'invoice' AND status = 'open' AND open_minor > 0 GROUP BY 1 ORDER BY 1`,
		);
		expect(aged.totals.map((t) => [t.currency, t.open.minor, t.invoices]).sort()).toEqual(
			current.map((c) => [c.currency, c.open, c.n]),
		);
		// Every bucket holds something (the demo company has invoices at every age), something is disputed and promised.
		const eur = aged.totals.find((t) => t.currency === 'EUR')!;
		expect(eur.buckets.every((b) => BigInt(b.minor) > 0n)).toBe(true);
		expect(BigInt(eur.disputed.minor)).toBeGreaterThan(0n);
		expect(BigInt(eur.promised.minor)).toBeGreaterThan(0n);
	});

	it('splits the aged balance between sales reps the way the portal scopes them', async () => {
		const reps = await ledger.query<{ code: string }>(
			`SELECT DISTINCT sales_rep_code AS code FROM customers WHERE sales_rep_code IS NOT NULL`,
		);
		const all = await agedBalance(ledger, { asOf: AS_OF, groupBy: 'sales_rep' });
		for (const { code } of reps) {
			const scoped = await agedBalance(ledger, {
				asOf: AS_OF,
				groupBy: 'none',
				scope: { level: 2, staffCode: code },
			});
			for (const t of scoped.totals) {
				expect(t.open).toEqual(
					all.rows.find((r) => r.key === code && r.currency === t.currency)?.open,
				);
			}
		}
	});

	it('gives DSO, CEI and days late that make sense', () => {
		const eurDso = overview.dso.points.filter((p) => p.currency === 'EUR');
		expect(eurDso).toHaveLength(6);
		for (const p of eurDso) expect(p.dso).toBeGreaterThan(0);
		for (const p of overview.dsoSimple.points.filter((q) => q.currency === 'EUR'))
			expect(p.dso).toBeGreaterThan(0);
		for (const p of overview.cei.points) {
			if (p.cei !== null) {
				expect(p.cei).toBeGreaterThanOrEqual(0);
				expect(p.cei).toBeLessThanOrEqual(100);
			}
			expect(BigInt(p.endingCurrent.minor)).toBeLessThanOrEqual(BigInt(p.ending.minor));
		}
		// The last point's receivables are the aged balance's total.
		const last = eurDso[eurDso.length - 1];
		expect(last.receivables).toEqual(overview.aged.totals.find((t) => t.currency === 'EUR')!.open);
		expect(overview.daysLate.rows.length).toBeGreaterThan(20);
		for (const r of overview.daysLate.rows) {
			expect(r.averageDaysLate).toBeGreaterThanOrEqual(0);
			expect(r.lateShare).toBeGreaterThanOrEqual(0);
			expect(r.lateShare).toBeLessThanOrEqual(1);
		}
	});

	it('fills every section of the balance cleaning, reminders, disputes and distribution', () => {
		const counts = Object.fromEntries(overview.cleaning.sections.map((s) => [s.key, s.count]));
		expect(counts.promises).toBeGreaterThan(0);
		expect(counts.delay_requests).toBeGreaterThan(0);
		expect(counts.disputes).toBeGreaterThan(0);
		expect(counts.doubtful).toBeGreaterThan(0);
		expect(counts.unapplied_payments + counts.ambiguous_payments).toBeGreaterThan(0);
		const sent = overview.reminders.stages.reduce((n, s) => n + s.sent, 0);
		expect(sent).toBeGreaterThan(0);
		expect(overview.reminders.volumes.reduce((n, v) => n + v.sent, 0)).toBe(sent);
		for (const s of overview.reminders.stages)
			for (const w of s.paidWithin) expect(w.count).toBeLessThanOrEqual(s.sent);
		expect(overview.disputes.totals.count).toBeGreaterThan(0);
		expect(overview.disputes.totals.open + overview.disputes.totals.resolved).toBe(
			overview.disputes.totals.count,
		);
		expect(overview.distribution.rows.length).toBeGreaterThan(0);
		for (const r of overview.distribution.rows) {
			expect(r.onTime).toBeLessThanOrEqual(r.delivered);
			expect(r.delivered + r.failed).toBeLessThanOrEqual(r.deliveries);
		}
	});
});
