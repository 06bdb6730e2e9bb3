/**
 * Wave Planner and Courier Tracking:
 *  1. Scoped status query (first page, newest activity first; and one invoice by number) for a level-1 user, a
 *     sales rep (level 2) and a group head (level 3), on a ledger of 1,000,000 deliveries against one of 10,000
 *     (× BENCH_SCALE), same shape (200 reps, 20 heads, 10 deliveries per customer). Goal: p95 ratio ≤ 3.
 *  2. The tracking portal (the page renderer behind a node:http server on loopback) under 50 concurrent
 *     connections for 30 s (× BENCH_SCALE): requests/s and errors (goal 0).
 *  3. Manifests for 10,000 invoices (50 waves of 200) produced one after another: peak RSS and RSS growth
 *     between the first and the last tenth (flat memory).
 * Every schema is dropped afterwards. BENCH_DISTRIBUTION=query,portal,manifests picks parts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
	handlePortalRequest,
	openLedger,
	openSession,
	renderManifestPdf,
	statusQuery,
	type Ledger,
	type PortalUser,
} from '../core';
import { dropSchemas } from './lib/schemas';
import type { BenchContext, BenchFn } from './lib/types';

const SECRET = 'bench-distribution-secret-0123456789';

function schemaName(tag: string): string {
	return `bench_dist_${tag}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

async function load(
	ctx: BenchContext,
	schemas: string[],
	tag: string,
	deliveries: number,
): Promise<{ ledger: Ledger; users: PortalUser[] }> {
	const schema = schemaName(tag);
	schemas.push(schema);
	const ledger = openLedger({ connectionString: ctx.databaseUrl, schema, maxConnections: 60 });
	await ledger.ensureReady();
	const customers = Math.max(20, Math.floor(deliveries / 10));
	const t0 = performance.now();
	await ledger.query(`INSERT INTO staff (code, name, roles) VALUES ('C1', 'Courier', '{courier}')`);
	await ledger.query(
		`INSERT INTO staff (code, name, roles) SELECT 'H' || g, 'Head ' || g, '{group_head}' FROM generate_series(0, 19) g`,
	);
	await ledger.query(
		`INSERT INTO staff (code, name, roles, manager_code) SELECT 'R' || g, 'Rep ' || g, '{sales_rep}', 'H' || (g % 20) FROM generate_series(0, 199) g`,
	);
	await ledger.query(
		`INSERT INTO customers (external_id, name, sales_rep_code, country, currency, city, address_lines)
		SELECT 'K' || g, 'Client ' || g, 'R' || (g % 200), 'SN', 'XOF', 'Dakar', '{"Rue 1"}' FROM generate_series(0, $1::int - 1) g`,
		[customers],
	);
	await ledger.query(
		`INSERT INTO waves (code, billing_cycle, planned_on, courier_code, status) VALUES ('W1', 'monthly', '2026-03-30', 'C1', 'planned')`,
	);
	await ledger.query(
		`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
		SELECT 'F' || g, c.id, 'XOF', 1000, 1000, 1000, 1000, '2026-03-01', '2026-03-31', md5(g::text)
		FROM generate_series(0, $1::int - 1) g JOIN customers c ON c.external_id = 'K' || (g % $2::int)`,
		[deliveries, customers],
	);
	await ledger.query(`INSERT INTO deliveries (wave_id, invoice_id, customer_id, status, last_event_at)
		SELECT (SELECT id FROM waves), i.id, i.customer_id, (ARRAY['entered','delivered','absent','refused'])[1 + i.id % 4],
			CASE WHEN i.id % 3 = 0 THEN NULL ELSE timestamptz '2026-03-30 08:00Z' + (i.id % 100000) * interval '1 second' END
		FROM invoices i`);
	await ledger.query('ANALYZE');
	ctx.log(
		`${tag}: ${deliveries} deliveries, ${customers} customers loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
	);
	const users: PortalUser[] = [];
	for (const [login, level, staff] of [
		['all', 1, null],
		['rep', 2, 'R7'],
		['head', 3, 'H3'],
	] as const) {
		const row = await ledger.query<{ id: string }>(
			`INSERT INTO portal_users (login, name, level, staff_code) VALUES ($1, $1, $2, $3) RETURNING id`,
			[login, level, staff],
		);
		users.push({
			id: row[0].id,
			login,
			name: login,
			level,
			staffCode: staff,
			language: 'fr',
			sessionVersion: 1,
		});
	}
	return { ledger, users };
}

function p95(samples: number[]): number {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
}

async function timeQueries(
	ledger: Ledger,
	user: PortalUser,
	deliveries: number,
	rounds: number,
): Promise<{ page: number; byNumber: number }> {
	const page: number[] = [];
	const byNumber: number[] = [];
	for (let i = 0; i < rounds; i++) {
		let t = performance.now();
		await statusQuery(ledger, { user, limit: 50 });
		page.push(performance.now() - t);
		t = performance.now();
		await statusQuery(ledger, {
			user,
			filters: { invoiceNumber: `F${(i * 7919) % deliveries}` },
			limit: 50,
		});
		byNumber.push(performance.now() - t);
	}
	return { page: p95(page), byNumber: p95(byNumber) };
}

/** BENCH_EXPLAIN=1: logs the plan (EXPLAIN ANALYZE) of a user's first page. */
async function explainFirstPage(
	ctx: BenchContext,
	ledger: Ledger,
	user: PortalUser,
	label: string,
): Promise<void> {
	const spy = Object.create(ledger) as Ledger;
	spy.transaction = (work) =>
		ledger.transaction((client) =>
			work(
				new Proxy(client, {
					get(target, key) {
						if (key !== 'query') {
							const value = Reflect.get(target, key) as unknown;
							return typeof value === 'function'
								? (value as (...a: unknown[]) => unknown).bind(target)
								: value;
						}
						return async (sql: string, values?: unknown[]) => {
							if (typeof sql === 'string' && sql.includes('AS delivery_id')) {
								const plan = await target.query<{ 'QUERY PLAN': string }>(
									`EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
									values,
								);
								ctx.log(`${label}:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
							}
							return await target.query(sql, values);
						};
					},
				}),
			),
		);
	await statusQuery(spy, { user, limit: 50 });
}

async function queryBench(ctx: BenchContext, schemas: string[]): Promise<Ledger> {
	const small = await load(ctx, schemas, 'small', Math.round(10_000 * ctx.scale));
	const large = await load(ctx, schemas, 'large', Math.round(1_000_000 * ctx.scale));
	for (const [i, label] of [
		[0, 'level 1'],
		[1, 'level 2 (rep)'],
		[2, 'level 3 (head)'],
	] as const) {
		if (process.env.BENCH_EXPLAIN) {
			await explainFirstPage(ctx, small.ledger, small.users[i], `${label}, small`);
			await explainFirstPage(ctx, large.ledger, large.users[i], `${label}, large`);
		}
		await timeQueries(small.ledger, small.users[i], Math.round(10_000 * ctx.scale), 5);
		await timeQueries(large.ledger, large.users[i], Math.round(1_000_000 * ctx.scale), 5);
		const s = await timeQueries(small.ledger, small.users[i], Math.round(10_000 * ctx.scale), 60);
		const l = await timeQueries(
			large.ledger,
			large.users[i],
			Math.round(1_000_000 * ctx.scale),
			60,
		);
		ctx.metric(
			`${label} first page p95, 10k / 1M`,
			`${s.page.toFixed(2)} / ${l.page.toFixed(2)}`,
			'ms',
		);
		ctx.ratio(`${label} first page p95 1M vs 10k`, l.page / s.page, '≤ 3×');
		ctx.metric(
			`${label} by invoice number p95, 10k / 1M`,
			`${s.byNumber.toFixed(2)} / ${l.byNumber.toFixed(2)}`,
			'ms',
		);
		ctx.ratio(`${label} by invoice number p95 1M vs 10k`, l.byNumber / s.byNumber, '≤ 3×');
	}
	await large.ledger.close();
	return small.ledger;
}

async function portalBench(ctx: BenchContext, ledger: Ledger): Promise<void> {
	const users = await ledger.query<{
		id: string;
		login: string;
		level: number;
		staff_code: string | null;
	}>(`SELECT id, login, level, staff_code FROM portal_users WHERE login = 'rep'`);
	const u = users[0];
	const user: PortalUser = {
		id: u.id,
		login: u.login,
		name: u.login,
		level: u.level as 1 | 2 | 3,
		staffCode: u.staff_code,
		language: 'fr',
		sessionVersion: 1,
	};
	const server = createServer((req, res) => {
		let raw = '';
		req.setEncoding('utf8');
		req.on('data', (c: string) => {
			raw += c;
		});
		req.on('end', () => {
			handlePortalRequest(
				ledger,
				{ body: Object.fromEntries(new URLSearchParams(raw)) },
				{ sessionSeconds: 3600 },
			).then(
				(r) => {
					res.writeHead(r.status, r.headers);
					res.end(r.body);
				},
				() => {
					res.writeHead(500);
					res.end();
				},
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/portal`;
	const sessionVersion = (
		await ledger.query<{ session_version: number }>(
			'SELECT session_version FROM portal_users WHERE id = $1',
			[user.id],
		)
	)[0].session_version;
	const { token } = await openSession(ledger, {
		kind: 'portal',
		subjectId: user.id,
		subjectVersion: sessionVersion,
		idleSeconds: 3600,
	});
	// The page's form token, as a browser gets it with the first page.
	const first = await (
		await fetch(url, {
			method: 'POST',
			body: new URLSearchParams({ session: token }),
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
		})
	).text();
	const form = /name="form" value="([^"]+)"/.exec(first)?.[1] ?? '';
	const seconds = Math.max(3, 30 * ctx.scale);
	const end = performance.now() + seconds * 1000;
	let ok = 0;
	let errors = 0;
	const worker = async (n: number) => {
		for (let i = 0; performance.now() < end; i++) {
			const body = new URLSearchParams({
				action: 'search',
				session: token,
				form,
				...(i % 2 ? { customer: `Client ${n}` } : {}),
			});
			try {
				const r = await fetch(url, {
					method: 'POST',
					body,
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
				});
				const text = await r.text();
				if (r.status === 200 && text.includes('Suivi des factures')) ok++;
				else errors++;
			} catch {
				errors++;
			}
		}
	};
	await Promise.all(Array.from({ length: 50 }, (_, n) => worker(n)));
	await new Promise((resolve) => server.close(resolve));
	ctx.metric('portal, 50 connections: requests/s', Math.round(ok / seconds), 'req/s');
	ctx.metric('portal, 50 connections: errors', errors);
}

async function manifestBench(ctx: BenchContext): Promise<void> {
	const waves = Math.max(5, Math.round(50 * ctx.scale));
	const rss: number[] = [];
	let peak = 0;
	const t0 = performance.now();
	for (let w = 0; w < waves; w++) {
		const lines = Array.from({ length: 200 }, (_, i) => ({
			deliveryId: String(w * 200 + i + 1),
			invoiceNumber: `F-2026-${w * 200 + i}`,
			customerCode: `K${i % 60}`,
			customerName: `Société Générale de Distribution ${i % 60}`,
			addressLines: ['Avenue Léopold Sédar Senghor'],
			postalCode: '10200',
			city: 'Dakar',
			country: 'SN',
			amountMinor: 1_500_000n + BigInt(i),
			currency: 'XOF',
		}));
		await renderManifestPdf(
			{
				waveCode: `W${w}`,
				courierCode: 'C1',
				courierName: 'Moussa',
				plannedOn: '2026-03-30',
				zone: 'PLATEAU',
				lines,
			},
			{ qrSecret: SECRET },
		);
		const m = process.memoryUsage().rss;
		rss.push(m);
		peak = Math.max(peak, m);
	}
	const tenth = Math.max(1, Math.floor(waves / 10));
	const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
	ctx.metric(
		`manifests: ${waves * 200} invoices in ${waves} PDFs`,
		((performance.now() - t0) / 1000).toFixed(1),
		's',
	);
	ctx.metric('manifests: peak RSS', Math.round(peak / 1e6), 'MB');
	ctx.metric(
		'manifests: RSS growth first → last tenth',
		Math.round((avg(rss.slice(-tenth)) - avg(rss.slice(0, tenth))) / 1e6),
		'MB',
	);
}

const bench: BenchFn = async (ctx) => {
	const parts = new Set((process.env.BENCH_DISTRIBUTION ?? 'query,portal,manifests').split(','));
	const schemas: string[] = [];
	try {
		let small: Ledger | undefined;
		if (parts.has('query') || parts.has('portal')) small = await queryBench(ctx, schemas);
		if (parts.has('portal') && small) await portalBench(ctx, small);
		await small?.close();
		if (parts.has('manifests')) await manifestBench(ctx);
	} finally {
		await dropSchemas(ctx.databaseUrl, schemas);
	}
};

export default bench;
