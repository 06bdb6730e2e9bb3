import { randomBytes } from 'node:crypto';
import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { statusQuery, type PortalUser, type StatusFilters } from './portal';

/** A small deterministic PRNG so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const SEED = Number(process.env.SCOPE_SEED ?? Date.now() % 100000);

describe(`accreditation scope, randomised (SCOPE_SEED=${SEED})`, () => {
	jest.setTimeout(120000);
	let ledger: Ledger;
	const role = `rcv_portal_${randomBytes(4).toString('hex')}`;
	const rand = rng(SEED);
	const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
	const heads = ['H1', 'H2', 'H3'];
	const reps = Array.from({ length: 9 }, (_, i) => `R${i + 1}`);
	const repManager = new Map<string, string | null>();
	const customerRep = new Map<string, string | null>();
	const users: PortalUser[] = [];

	beforeAll(async () => {
		ledger = await createTestLedger();
		await ledger.query(
			`INSERT INTO staff (code, name, roles) VALUES ('C1', 'Courier', '{courier}')`,
		);
		for (const h of heads)
			await ledger.query(`INSERT INTO staff (code, name, roles) VALUES ($1, $1, '{group_head}')`, [
				h,
			]);
		for (const r of reps) {
			const manager = rand() < 0.15 ? null : pick(heads);
			repManager.set(r, manager);
			await ledger.query(
				`INSERT INTO staff (code, name, roles, manager_code) VALUES ($1, $1, '{sales_rep}', $2)`,
				[r, manager],
			);
		}
		await ledger.query(
			`INSERT INTO waves (code, billing_cycle, planned_on, courier_code) VALUES ('W1', 'monthly', '2026-03-30', 'C1')`,
		);
		for (let c = 1; c <= 80; c++) {
			// Some customers have no rep, some belong to a group head directly: visible to level 1 only.
			const rep = rand() < 0.1 ? null : rand() < 0.05 ? pick(heads) : pick(reps);
			const code = `K${c}`;
			customerRep.set(code, rep);
			await ledger.query(
				`INSERT INTO customers (external_id, name, sales_rep_code, country, currency) VALUES ($1, $2, $3, 'SN', 'XOF')`,
				[code, `Client ${c} ${pick(['Dakar', 'Thiès', 'Saint-Louis'])}`, rep],
			);
			const n = 1 + Math.floor(rand() * 4);
			for (let i = 1; i <= n; i++) {
				await ledger.query(
					`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash, status)
					SELECT $1, id, 'XOF', 100, 100, 100, 100, '2026-03-01', '2026-03-31', md5($1), $3 FROM customers WHERE external_id = $2`,
					[`${code}-${i}`, code, rand() < 0.3 ? 'paid' : 'open'],
				);
				await ledger.query(
					`INSERT INTO deliveries (wave_id, invoice_id, customer_id, status) SELECT w.id, i.id, i.customer_id, $2 FROM waves w, invoices i WHERE w.code = 'W1' AND i.number = $1`,
					[`${code}-${i}`, pick(['entered', 'delivered', 'absent', 'refused'])],
				);
			}
		}
		const add = async (login: string, level: number, staff: string | null) => {
			const row = await ledger.query<{ id: string }>(
				`INSERT INTO portal_users (login, name, level, staff_code) VALUES ($1, $1, $2, $3) RETURNING id`,
				[login, level, staff],
			);
			users.push({
				id: row[0].id,
				login,
				name: login,
				level: level as 1 | 2 | 3,
				staffCode: staff,
				language: 'fr',
				sessionVersion: 1,
			});
		};
		await add('all', 1, null);
		for (const r of reps) await add(`rep-${r}`, 2, r);
		for (const h of heads) await add(`head-${h}`, 3, h);
		// A role that does not bypass row-level security, as a dedicated portal database role would be.
		await ledger.query(`CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS`);
		await ledger.query(`GRANT USAGE ON SCHEMA "${ledger.schema}" TO ${role}`);
		await ledger.query(`GRANT SELECT ON ALL TABLES IN SCHEMA "${ledger.schema}" TO ${role}`);
	});
	afterAll(async () => {
		await ledger.query(`DROP OWNED BY ${role}`).catch(() => undefined);
		await dropTestLedger(ledger);
		const { Client } = await import('pg');
		const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
		await client.connect();
		await client.query(`DROP ROLE IF EXISTS ${role}`);
		await client.end();
	});

	function visible(user: PortalUser, customerCode: string): boolean {
		const rep = customerRep.get(customerCode) ?? null;
		if (user.level === 1) return true;
		if (user.level === 2) return rep !== null && rep === user.staffCode;
		return rep !== null && repManager.get(rep) === user.staffCode;
	}

	it('never returns a row outside the user scope, with random filters, through SQL and through the RLS role', async () => {
		let checked = 0;
		for (const user of users) {
			const expected = [...customerRep.keys()].filter((k) => visible(user, k)).sort();
			for (const dbRole of [undefined, role]) {
				const all = await statusQuery(ledger, { user, limit: 5000, dbRole });
				expect([...new Set(all.map((r) => r.customerCode))].sort()).toEqual(expected);
				for (let q = 0; q < 12; q++) {
					const filters: StatusFilters = {};
					if (rand() < 0.4)
						filters.customer = pick([
							`K${1 + Math.floor(rand() * 80)}`,
							'Dakar',
							'Thiès',
							'Client 1',
						]);
					if (rand() < 0.3) filters.invoiceNumber = `K${1 + Math.floor(rand() * 80)}-1`;
					if (rand() < 0.3) filters.status = pick(['entered', 'delivered', 'absent', 'refused']);
					if (rand() < 0.3) filters.paid = rand() < 0.5;
					const rows = await statusQuery(ledger, {
						user,
						filters,
						limit: 1 + Math.floor(rand() * 200),
						offset: Math.floor(rand() * 5),
						dbRole,
					});
					for (const row of rows) {
						expect(visible(user, row.customerCode)).toBe(true);
						checked++;
					}
				}
			}
		}
		expect(checked).toBeGreaterThan(100);
	});

	it('a customer moved to another rep (or to none) moves with all its deliveries, in every scope', async () => {
		for (let n = 0; n < 20; n++) {
			const code = `K${1 + Math.floor(rand() * 80)}`;
			const rep = rand() < 0.15 ? null : pick(reps);
			customerRep.set(code, rep);
			await ledger.query(`UPDATE customers SET sales_rep_code = $2 WHERE external_id = $1`, [
				code,
				rep,
			]);
		}
		const stale = await ledger.query(
			`SELECT d.id FROM deliveries d JOIN customers c ON c.id = d.customer_id WHERE d.sales_rep_code IS DISTINCT FROM c.sales_rep_code`,
		);
		expect(stale).toEqual([]);
		for (const user of users) {
			const expected = [...customerRep.keys()].filter((k) => visible(user, k)).sort();
			for (const dbRole of [undefined, role]) {
				const all = await statusQuery(ledger, { user, limit: 5000, dbRole });
				expect([...new Set(all.map((r) => r.customerCode))].sort()).toEqual(expected);
				const page = await statusQuery(ledger, {
					user,
					limit: 7,
					offset: Math.floor(rand() * 5),
					dbRole,
				});
				for (const row of page) expect(visible(user, row.customerCode)).toBe(true);
			}
		}
	});

	it('row-level security alone hides other customers when the scoped SQL is bypassed', async () => {
		for (const user of users) {
			const expected = [...customerRep.keys()].filter((k) => visible(user, k)).sort();
			const seen = await ledger.transaction(async (client) => {
				await client.query(`SET LOCAL ROLE ${role}`);
				await client.query(`SELECT set_config('receivables.portal_user', $1, true)`, [user.id]);
				const customers = await client.query<{ external_id: string }>(
					`SELECT external_id FROM customers ORDER BY external_id`,
				);
				const invoices = await client.query<{ external_id: string }>(
					`SELECT DISTINCT c2.external_id FROM invoices i JOIN LATERAL (SELECT external_id FROM customers WHERE id = i.customer_id) c2 ON true`,
				);
				const deliveries = await client.query<{ n: string }>(
					`SELECT count(*) AS n FROM deliveries`,
				);
				const rawInvoices = await client.query<{ n: string }>(`SELECT count(*) AS n FROM invoices`);
				return {
					customers: customers.rows.map((r) => r.external_id).sort(),
					invoices: invoices.rows.map((r) => r.external_id).sort(),
					deliveries: Number(deliveries.rows[0].n),
					rawInvoices: Number(rawInvoices.rows[0].n),
				};
			});
			expect(seen.customers).toEqual(expected);
			expect(seen.invoices).toEqual(expected);
			expect(seen.deliveries).toBe(seen.rawInvoices);
		}
		// Outside a portal transaction the setting is empty again: the rest of the package is unaffected.
		const total = await ledger.query<{ n: string }>(`SELECT count(*) AS n FROM customers`);
		expect(Number(total[0].n)).toBe(80);
	});
});
