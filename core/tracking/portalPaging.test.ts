// The portal as a finance user reads it: totals over every page, amounts in the page's language, paging with the
// filters kept, and a CSV their spreadsheet reads (French ";" with "," decimals, English "," with ".").
import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { markInvoicesEntered, planWaves, releaseWave } from '../distribution';
import { handlePortalRequest, PORTAL_PAGE_SIZE, type PageRequest } from './pages';
import { savePortalUser } from './portal';

describe("tracking portal: paging, totals, amounts and CSV in the user's language", () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await ledger.query(
			`INSERT INTO staff (code, name, roles) VALUES ('C1', 'Youssef', '{courier}'), ('R1', 'Rep One', '{sales_rep}')`,
		);
		await ledger.query(`INSERT INTO customers (external_id, name, billing_cycle, zone, city, country, currency, address_lines, sales_rep_code) VALUES
			('K1', 'Atlas, Fils & Cie', 'monthly', 'Z1', 'Casablanca', 'MA', 'MAD', '{"12 rue Allal"}', 'R1')`);
		// 61 invoices of 1 483,20 MAD (= 148 320 minor), the last one 14 832,00 MAD.
		await ledger.query(`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
			SELECT 'MA-' || lpad(g::text, 3, '0'), c.id, 'MAD', a, a, a, a, '2026-03-10', '2026-04-09', md5('MA-' || g)
			FROM customers c, generate_series(1, 61) g, LATERAL (SELECT CASE WHEN g = 61 THEN 1483200 ELSE 148320 END AS a) x WHERE c.external_id = 'K1'`);
		const plan = await planWaves(ledger, {
			runDate: '2026-03-31',
			startDate: '2026-03-30',
			maxPerCourierPerDay: 100,
		});
		for (const w of plan.waves) {
			await markInvoicesEntered(ledger, { waveCode: w.code });
			await releaseWave(ledger, { waveCode: w.code });
		}
		await savePortalUser(ledger, {
			login: 'direction',
			name: 'Direction',
			level: 1,
			secret: 'direction secret',
			language: 'fr',
		});
		await savePortalUser(ledger, {
			login: 'board',
			name: 'Board',
			level: 1,
			secret: 'board secret one',
			language: 'en',
		});
	});
	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	const portal = (req: PageRequest) => handlePortalRequest(ledger, req, { now: new Date() });
	const form = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
	const session = (html: string) => /name="session" value="([^"]+)"/.exec(html)?.[1] ?? '';
	const signIn = async (login: string, secret: string) =>
		portal({ body: { action: 'login', login, secret, form: form((await portal({})).body) } });
	const cards = (html: string) => [...html.matchAll(/data-invoice="([^"]+)"/g)].map((m) => m[1]);

	it('pages through every invoice with the totals of all pages, amounts formatted in French', async () => {
		const first = await signIn('direction', 'direction secret');
		expect(first.status).toBe(200);
		// 60 × 1 483,20 + 14 832,00 = 103 824,00 MAD, with a narrow no-break space between thousands.
		expect(first.body).toMatch(
			/<span id="count">61<\/span> factures · <span class="total">103\u202f824,00\sMAD<\/span>/,
		);
		expect(first.body).toContain('Page 1 sur 2');
		expect(cards(first.body)).toHaveLength(PORTAL_PAGE_SIZE);
		expect(first.body).toMatch(
			/<span class="amount">1\u202f483,20\sMAD<\/span>|<span class="amount">14\u202f832,00\sMAD<\/span>/,
		);
		expect(first.body).not.toContain('1483.20');
		expect(first.body).toContain('Page suivante');
		const second = await portal({
			body: { action: 'search', session: session(first.body), form: form(first.body), page: '2' },
		});
		expect(second.body).toContain('Page 2 sur 2');
		expect(cards(second.body)).toHaveLength(61 - PORTAL_PAGE_SIZE);
		expect(new Set([...cards(first.body), ...cards(second.body)]).size).toBe(61);
		expect(second.body).toContain('Page précédente');
		expect(second.body).not.toContain('Page suivante');
		// A filter narrows the totals too; one invoice is singular.
		const one = await portal({
			body: {
				action: 'search',
				session: session(second.body),
				form: form(second.body),
				invoiceNumber: 'MA-061',
			},
		});
		expect(one.body).toMatch(
			/<span id="count">1<\/span> facture · <span class="total">14\u202f832,00\sMAD<\/span>/,
		);
		expect(one.body).toContain('Page 1 sur 1');
		// A page past the end shows the last one.
		const beyond = await portal({
			body: { action: 'search', session: session(one.body), form: form(one.body), page: '9' },
		});
		expect(beyond.body).toContain('Page 2 sur 2');
	});

	it("exports every invoice as a CSV in the user's language", async () => {
		const fr = await signIn('direction', 'direction secret');
		const csvFr = await portal({
			body: { action: 'csv', session: session(fr.body), form: form(fr.body) },
		});
		const linesFr = csvFr.body
			.replace(/^\ufeff/, '')
			.trim()
			.split('\r\n');
		expect(linesFr).toHaveLength(62);
		expect(linesFr[0]).toBe(
			'invoice;customer_code;customer;address;amount;currency;reception_date;payment_date;outcome;recipient;wave',
		);
		const bigFr = linesFr.find((l) => l.startsWith('MA-061;'));
		expect(bigFr).toMatch(
			/^MA-061;K1;Atlas, Fils & Cie;"?12 rue Allal, Casablanca, MA"?;14832,00;MAD;/,
		);

		const en = await signIn('board', 'board secret one');
		expect(en.body).toContain(
			'<span id="count">61</span> invoices · <span class="total">103,824.00 MAD</span>',
		);
		const csvEn = await portal({
			body: { action: 'csv', session: session(en.body), form: form(en.body) },
		});
		const linesEn = csvEn.body
			.replace(/^\ufeff/, '')
			.trim()
			.split('\r\n');
		expect(linesEn[0]).toBe(
			'invoice,customer_code,customer,address,amount,currency,reception_date,payment_date,outcome,recipient,wave',
		);
		expect(linesEn.find((l) => l.startsWith('MA-061,'))).toMatch(
			/^MA-061,K1,"Atlas, Fils & Cie","12 rue Allal, Casablanca, MA",14832.00,MAD,/,
		);
	});
});
