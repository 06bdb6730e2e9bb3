/**
 * Cash application on bank statements.
 *  1. Match quality: a generated ledger (300 customers with legal forms in their names, 3 to 6 open invoices each)
 *     receives a camt.053 statement of 2,000 credits (× BENCH_SCALE) written the way payers write them: an ISO 11649
 *     RF creditor reference, an invoice number in a bank's shape ("FAC 2026 000123", "fac-2026-123"), only the payer's
 *     name (upper case, no accents, legal form dropped or changed) with the amount of one open invoice, a name with a
 *     typo, a grouped payment of two or three invoices, a payer known by the IBAN learned from an earlier payment, and
 *     a payer that is no customer. Reported: the share matched automatically, wrong matches (an invoice the payer did
 *     not mean — the goal is none), and what stayed for a person.
 *  2. Throughput: a CFONB 120 statement of 100,000 credit lines (× BENCH_SCALE), each paying one open invoice of one
 *     customer (found by payer name and amount), imported and matched (importBankStatement) against a raw COPY of the
 *     same payment rows into the payments table. Stored one payment at a time (about fourteen statements a line, the
 *     customer's open invoices read again for each) it ran at 0.005× COPY at 2,000 and 5,000 lines; batched (see
 *     core/ledger/paymentsBatch.ts) at 0.04–0.09× (README, Bank statements).
 */
import { performance } from 'node:perf_hooks';
import {
	copyRows,
	creditorReference,
	importBankStatement,
	openLedger,
	storeInvoices,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
} from '../core';
import { dropSchemas } from './lib/schemas';
import type { BenchContext, BenchFn } from './lib/types';

const CUSTOMERS = 300;
const CREDITS = 2_000;
const LINES = 100_000;

const WORDS = [
	'Alpes',
	'Atlas',
	'Sahel',
	'Baobab',
	'Lumière',
	'Océan',
	'Cèdre',
	'Étoile',
	'Medina',
	'Teranga',
	'Horizon',
	'Saphir',
	'Jasmin',
	'Oasis',
	'Rivage',
	'Savane',
	'Granit',
	'Olivier',
	'Palmier',
	'Sirocco',
];
const TRADES = [
	'Hôtel',
	'Transports',
	'Boulangerie',
	'Garage',
	'Pharmacie',
	'Imprimerie',
	'Cabinet',
	'Laboratoire',
	'Menuiserie',
	'Clinique',
	'Restaurant',
	'Librairie',
	'Quincaillerie',
	'Agence',
	'Studio',
];
const FORMS = ['SAS', 'SARL', 'SA', 'EURL', 'SNC', 'SASU', 'GmbH', 'Ltd', 'SUARL', ''];

/** A small deterministic generator, so every run measures the same statement. */
function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const plain = (s: string) =>
	s
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toUpperCase();

function schemaName(tag: string): string {
	return `bench_bank_${tag}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

const money = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;

async function matchQuality(ctx: BenchContext, ledger: Ledger): Promise<void> {
	const random = rng(42);
	const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
	const customers: Array<{
		code: string;
		name: string;
		iban: string;
		invoices: Array<{ number: string; minor: bigint }>;
	}> = [];
	const used = new Set<string>();
	while (customers.length < CUSTOMERS) {
		const base = `${pick(TRADES)} ${pick(WORDS)} ${pick(WORDS)}`;
		if (used.has(base)) continue;
		used.add(base);
		const i = customers.length;
		customers.push({
			code: `C${String(i).padStart(4, '0')}`,
			name: `${base} ${pick(FORMS)}`.trim(),
			iban: `FR76${String(30000000000 + i * 7919).padStart(23, '0')}`,
			invoices: [],
		});
	}
	await upsertCustomers(
		ledger,
		customers.map((c) => ({
			externalId: c.code,
			name: c.name,
			language: 'fr' as const,
			emails: ['compta@example.fr'],
		})),
	);
	const invoices: LedgerInvoice[] = [];
	let n = 0;
	for (const c of customers) {
		const count = 3 + Math.floor(random() * 4);
		for (let k = 0; k < count; k++) {
			const minor = BigInt(5_000 + Math.floor(random() * 2_000_000));
			const number = `FAC-2026-${String(++n).padStart(6, '0')}`;
			c.invoices.push({ number, minor });
			invoices.push({
				docType: 'invoice',
				number,
				customerExternalId: c.code,
				currency: 'EUR',
				totalExclMinor: minor,
				totalTaxMinor: 0n,
				totalInclMinor: minor,
				payableMinor: minor,
				issueDate: '2026-09-01',
				dueDate: '2026-10-01',
			});
		}
	}
	await storeInvoices(ledger, invoices);

	// Each credit says which invoices the payer meant; every invoice is paid at most once.
	const credits: Array<{
		name: string;
		iban?: string;
		text: string;
		rf?: string;
		minor: bigint;
		meant: string[];
		style: string;
	}> = [];
	const total = Math.max(100, Math.round(CREDITS * ctx.scale));
	const seenIban = new Set<string>();
	for (let i = 0; credits.length < total && i < total * 4; i++) {
		const c = pick(customers);
		const free = c.invoices.filter((inv) => !credits.some((cr) => cr.meant.includes(inv.number)));
		if (free.length === 0) continue;
		const inv = free[0];
		const upper = plain(c.name);
		const style = pick([
			'rf',
			'rf',
			'number',
			'number',
			'number',
			'name',
			'name',
			'typo',
			'grouped',
			'iban',
			'stranger',
		]);
		if (style === 'rf')
			credits.push({
				name: upper,
				text: 'PAIEMENT FACTURE',
				rf: creditorReference(inv.number),
				minor: inv.minor,
				meant: [inv.number],
				style,
			});
		else if (style === 'number') {
			const digits = inv.number.slice(9);
			const shape = pick([
				`FAC ${inv.number.slice(4, 8)} ${digits}`,
				inv.number.toLowerCase(),
				`REGLT FACT ${inv.number.replace(/-/g, '')}`,
				`VIR ${inv.number}`,
			]);
			credits.push({ name: upper, text: shape, minor: inv.minor, meant: [inv.number], style });
		} else if (style === 'name' || style === 'iban') {
			const name =
				style === 'iban' && seenIban.has(c.iban)
					? 'VIREMENT SEPA'
					: plain(
							c.name.replace(
								/ (SAS|SARL|SA|EURL|SNC|SASU|GmbH|Ltd|SUARL)$/,
								pick([' S.A.S.', ' SARL', '', ' STE']),
							),
						);
			credits.push({
				name,
				iban: c.iban,
				text: 'REGLEMENT',
				minor: inv.minor,
				meant: [inv.number],
				style: style === 'iban' && seenIban.has(c.iban) ? 'iban' : 'name',
			});
			seenIban.add(c.iban);
		} else if (style === 'typo') {
			const at = 3 + Math.floor(random() * (upper.length - 4));
			credits.push({
				name: upper.slice(0, at) + upper.slice(at + 1),
				text: 'REGLEMENT',
				minor: inv.minor,
				meant: [inv.number],
				style,
			});
		} else if (style === 'grouped' && free.length >= 2) {
			const group = free.slice(0, 2 + Math.floor(random() * Math.min(2, free.length - 1)));
			credits.push({
				name: upper,
				text: 'REGLEMENT FACTURES',
				minor: group.reduce((a, g) => a + g.minor, 0n),
				meant: group.map((g) => g.number),
				style,
			});
		} else if (style === 'stranger') {
			credits.push({
				name: `PARTICULIER ${i}`,
				text: 'DON',
				minor: 1234n + BigInt(i),
				meant: [],
				style,
			});
		}
	}
	const xml = `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>B1</MsgId><CreDtTm>2026-11-02T08:00:00</CreDtTm></GrpHdr><Stmt><Id>BENCH-1</Id><Acct><Id><IBAN>FR7630003012340001234567890</IBAN></Id><Ccy>EUR</Ccy></Acct>${credits
		.map(
			(c, i) =>
				`<Ntry><Amt Ccy="EUR">${money(c.minor)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt><AcctSvcrRef>R${i}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>${c.name}</Nm></Pty></Dbtr>${c.iban ? `<DbtrAcct><Id><IBAN>${c.iban}</IBAN></Id></DbtrAcct>` : ''}</RltdPties><RmtInf><Ustrd>${c.text}</Ustrd>${c.rf ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${c.rf}</Ref></CdtrRefInf></Strd>` : ''}</RmtInf></TxDtls></NtryDtls></Ntry>`,
		)
		.join('')}</Stmt></BkToCstmrStmt></Document>`;
	const result = await importBankStatement(ledger, xml);
	const byStyle = new Map<string, { total: number; matched: number; wrong: number }>();
	let matched = 0;
	let wrong = 0;
	let payable = 0;
	for (const [i, outcome] of result.payments.entries()) {
		const credit = credits[i];
		const stats = byStyle.get(credit.style) ?? { total: 0, matched: 0, wrong: 0 };
		byStyle.set(credit.style, stats);
		stats.total++;
		if (credit.meant.length) payable++;
		const got = (outcome.allocation?.allocations ?? []).map((a) => a.invoiceNumber).sort();
		if (got.length === 0) continue;
		if (JSON.stringify(got) === JSON.stringify([...credit.meant].sort())) {
			matched++;
			stats.matched++;
		} else {
			wrong++;
			stats.wrong++;
		}
	}
	ctx.log(
		`match: ${credits.length} credits (${payable} meant for invoices) — ${[...byStyle].map(([s, v]) => `${s} ${v.matched}/${v.total}${v.wrong ? ` (${v.wrong} wrong)` : ''}`).join(', ')}`,
	);
	ctx.metric('wrong matches', wrong);
	ctx.ratio('credits meant for invoices matched automatically', matched / payable, '≥ 0.95×');
}

async function throughput(ctx: BenchContext, ledger: Ledger, copyLedger: Ledger): Promise<void> {
	const lines = Math.max(1_000, Math.round(LINES * ctx.scale));
	await upsertCustomers(ledger, [
		{ externalId: 'T1', name: 'Client Débit', language: 'fr', emails: ['c@example.fr'] },
	]);
	await upsertCustomers(copyLedger, [
		{ externalId: 'T1', name: 'Client Débit', language: 'fr', emails: ['c@example.fr'] },
	]);
	const invoices: LedgerInvoice[] = [];
	for (let i = 0; i < lines; i++) {
		invoices.push({
			docType: 'invoice',
			number: `T-${String(i).padStart(7, '0')}`,
			customerExternalId: 'T1',
			currency: 'EUR',
			totalExclMinor: 10_000n + BigInt(i),
			totalTaxMinor: 0n,
			totalInclMinor: 10_000n + BigInt(i),
			payableMinor: 10_000n + BigInt(i),
			issueDate: '2026-09-01',
			dueDate: '2026-10-01',
		});
	}
	await storeInvoices(ledger, invoices);
	// CFONB 120: 01, then per line a 04 movement and its 05 RCN reference, then 07.
	const pad = (s: string, n: number) => s.padEnd(n).slice(0, n);
	const amount = (cents: bigint) =>
		`${String(cents / 10n).padStart(13, '0')}${'{ABCDEFGHI'[Number(cents % 10n)]}`;
	const head = (code: string) =>
		`${code}30003${code === '04' || code === '05' ? '0005' : '    '}01234EUR2 01234567890`;
	const records: string[] = [`${pad(`${head('01')}  011126`, 90)}${amount(0n)}${' '.repeat(16)}`];
	let sum = 0n;
	for (let i = 0; i < lines; i++) {
		const cents = 10_000n + BigInt(i);
		sum += cents;
		records.push(
			`${pad(`${head('04')}18021126  021126${pad(`VIR CLIENT DEBIT ${i}`, 31)}  ${String(i % 9999999).padStart(7, '0')}  `, 90)}${amount(cents)}${' '.repeat(16)}`,
		);
		records.push(pad(`${head('05')}18021126     RCNT-${String(i).padStart(7, '0')}`, 120));
	}
	records.push(`${pad(`${head('07')}  021126`, 90)}${amount(sum)}${' '.repeat(16)}`);
	const file = `${records.join('\r\n')}\r\n`;
	const start = performance.now();
	const result = await importBankStatement(ledger, file);
	const importMs = performance.now() - start;
	const applied = result.payments.filter((p) => p.allocation?.status === 'applied').length;
	if (applied !== lines) throw new Error(`expected ${lines} applied payments, got ${applied}`);

	const [{ id: customerId }] = await copyLedger.query<{ id: string }>('SELECT id FROM customers');
	const rows = result.payments.map((p, i) => [
		'bank',
		`copy-${i}`,
		customerId,
		(10_000n + BigInt(i)).toString(),
		'0',
		'EUR',
		'2026-11-02',
		'CLIENT DEBIT',
		`T-${i}`,
		'applied',
		`h${i}`,
		'{}',
	]);
	const copyStart = performance.now();
	await copyLedger.transaction((client) =>
		copyRows(
			client,
			'payments',
			[
				'source',
				'external_ref',
				'customer_id',
				'amount_minor',
				'unapplied_minor',
				'currency',
				'received_on',
				'payer_name',
				'reference_text',
				'status',
				'content_hash',
				'extra',
			],
			rows,
		),
	);
	const copyMs = performance.now() - copyStart;
	ctx.log(
		`throughput: ${lines} CFONB lines imported and matched in ${(importMs / 1000).toFixed(2)} s (batched, chunks of 2,000 lines; one payment at a time it was 0.005× COPY); raw COPY of the payment rows ${(copyMs / 1000).toFixed(2)} s`,
	);
	ctx.metric(
		'statement lines imported and matched',
		Math.round(lines / (importMs / 1000)),
		'lines/s',
	);
	ctx.metric('raw COPY of the payment rows', Math.round(lines / (copyMs / 1000)), 'rows/s');
	ctx.ratio('import and match ÷ raw COPY', copyMs / importMs);
}

const bench: BenchFn = async (ctx) => {
	const ledgers: Ledger[] = [];
	const open = async (tag: string) => {
		const ledger = openLedger({ connectionString: ctx.databaseUrl, schema: schemaName(tag) });
		ledgers.push(ledger);
		await ledger.ensureReady();
		return ledger;
	};
	try {
		await matchQuality(ctx, await open('match'));
		await throughput(ctx, await open('import'), await open('copy'));
	} finally {
		const schemas = ledgers.map((l) => l.schema);
		await Promise.all(ledgers.map((l) => l.close().catch(() => undefined)));
		await dropSchemas(ctx.databaseUrl, schemas);
	}
};

export default bench;
