// Attacks on the payer page, through the shipped "Payer page" workflow's trigger as n8n's webhook server calls it,
// against a real ledger in Postgres and a real SMTP server on loopback: guessed and look-alike tokens, a link turned
// into another customer's, answers replayed after revocation, cross-site posts (CSRF), answers sent all at once
// against the hourly limit, stored XSS in every field shown back on the page, in the collector's e-mail and on the
// collectors' call list (PDF and CSV), and no secret in the page.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { callListCsv, callListPdf, planCalls, payerLinkToken, revokePayerLinks, serverKeys, signToken, type Ledger } from '../../core';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/browser';
import { dropTestLedger } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { pdfText } from '../helpers/pdf';
import { callPageTrigger, type PageAnswer, type PageCall } from '../helpers/pageTrigger';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import { credentialsFor, daysFromToday, dunningLedger, shippedWorkflow } from '../workflows/dunning-helpers';

const WORKFLOW = shippedWorkflow('payer-page.json');
const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "' onmouseover='alert(3)' x='", '</textarea><svg onload=alert(4)>', 'javascript:alert(5)'];

describe('security: the payer page', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	let credentials: ReturnType<typeof credentialsFor>;

	beforeAll(async () => {
		ledger = await dunningLedger();
		sink = await startSmtpSink();
		credentials = credentialsFor(ledger, sink);
		for (const code of ['SA', 'SB', 'SC', 'SD', 'SX']) {
			const id = await addCustomer(ledger, { externalId: code, name: `Client ${code}`, collector: 'COL1', phone: '+33 1 23 45 67 89' });
			await addInvoice(ledger, { customerId: id, number: `${code}-1`, dueDate: daysFromToday(-10) });
			await addInvoice(ledger, { customerId: id, number: `${code}-2`, dueDate: daysFromToday(-10) });
		}
		// SX also has an invoice coming due in 5 days: the collectors' quality call list calls it, with its history.
		const [{ id }] = await ledger.query<{ id: string }>("SELECT id::text FROM customers WHERE external_id = 'SX'");
		await addInvoice(ledger, { customerId: id, number: 'SX-3', dueDate: daysFromToday(5) });
	});
	afterAll(async () => {
		await closeLedgers();
		await sink.close();
		await dropTestLedger(ledger);
	});

	const call = (c: PageCall) => callPageTrigger(WORKFLOW, credentials, c);
	const formOf = (html: string) => /name="f" value="([^"]+)"/.exec(html)?.[1] ?? '';
	const linkOf = (code: string) => payerLinkToken(ledger, code);
	const open = async (t: string) => call({ query: { t } });
	const written = async () => Number((await ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM payer_actions'))[0].n);
	const writtenFor = async (code: string) => Number((await ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM payer_actions a JOIN customers c ON c.id = a.customer_id WHERE c.external_id = $1', [code]))[0].n);
	const noData = (page: PageAnswer) => expect(page.body).not.toMatch(/S[A-DX]-\d/);

	test('guessed and look-alike tokens open nothing: random ones, the form token, a token signed with a guessed key, another purpose’s key', async () => {
		const link = await linkOf('SA');
		const [payload] = link.split('.');
		const form = formOf((await open(link)).body);
		expect(form).not.toBe('');
		const [payerKey] = await serverKeys(ledger, 'payer');
		const [sessionKey] = await serverKeys(ledger, 'session');
		const [{ id, v }] = await ledger.query<{ id: string; v: number }>("SELECT id::text, payer_link_version AS v FROM customers WHERE external_id = 'SA'");
		const guesses = [
			...Array.from({ length: 5 }, () => `${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64url')}`),
			`${payload}.${randomBytes(32).toString('base64url')}`,
			form,
			signToken({ c: id, v }, randomBytes(32), 'payer-link', 3600),
			signToken({ c: id, v }, sessionKey, 'payer-link', 3600),
			signToken({ c: id, v }, payerKey, 'session', 3600),
			`${payload}.`,
			`${link}x`,
			link.toUpperCase(),
		];
		for (const t of guesses) {
			const page = await open(t);
			expect([t.slice(0, 12), page.status]).toEqual([t.slice(0, 12), 403]);
			noData(page);
			expect(page.workflowData).toBeUndefined();
		}
	});

	test('a link cannot be turned into another customer’s: ids swapped in the token, another customer’s invoice, another customer’s form token', async () => {
		const a = await linkOf('SA');
		const [payload, sig] = a.split('.');
		const [{ id: bId }] = await ledger.query<{ id: string }>("SELECT id::text FROM customers WHERE external_id = 'SB'");
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
		for (const changed of [{ ...claims, c: bId }, { ...claims, c: Number(bId) }, { ...claims, c: `${claims.c}`, v: Number(claims.v) + 1 }, { ...claims, exp: Number(claims.exp) + 86400 * 365 }]) {
			const page = await open(`${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${sig}`);
			expect(page.status).toBe(403);
			noData(page);
		}
		const before = await written();
		const aForm = formOf((await open(a)).body);
		const b = await linkOf('SB');
		const bForm = formOf((await open(b)).body);
		// A's link with B's invoice: refused, nothing written for anyone.
		expect((await call({ body: { t: a, f: aForm, action: 'promise', invoice: 'SB-1', date: daysFromToday(3) } })).status).toBe(400);
		// A's link with B's form token, B's link with A's form token: refused.
		expect((await call({ body: { t: a, f: bForm, action: 'contact_request' } })).status).toBe(403);
		expect((await call({ body: { t: b, f: aForm, action: 'promise', invoice: 'SB-1', date: daysFromToday(3) } })).status).toBe(403);
		expect(await written()).toBe(before);
	});

	test('CSRF: a post without the signed link or without the form token writes nothing; a GET never acts', async () => {
		const t = await linkOf('SC');
		const f = formOf((await open(t)).body);
		const before = await written();
		const crossSite = { origin: 'https://evil.example', referer: 'https://evil.example/page' };
		// What another site can make a browser send: the form without the link's token, or the link (leaked) without a form token.
		for (const body of [{ f, action: 'contact_request' }, { t, action: 'contact_request' }, { t, f: '', action: 'contact_request' }]) {
			const page = await call({ body, headers: crossSite });
			expect([403]).toContain(page.status);
			expect(page.workflowData).toBeUndefined();
		}
		const get = await call({ method: 'GET', query: { t, f, action: 'contact_request' } });
		expect(get.status).toBe(200);
		expect(get.workflowData).toBeUndefined();
		expect(await written()).toBe(before);
		// The page cannot be framed by the other site, and keeps n8n's sandbox (no cookie to ride on).
		expect(get.headers['x-frame-options']).toBe('DENY');
		expect(get.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
		expect(get.headers['set-cookie']).toBeUndefined();
	});

	test('replay after revocation: the old link and the forms of a page opened before answer 410 and write nothing; the new link’s page does not take the old form token', async () => {
		const old = await linkOf('SD');
		const oldForm = formOf((await open(old)).body);
		expect((await call({ body: { t: old, f: oldForm, action: 'contact_request' } })).status).toBe(200);
		const before = await writtenFor('SD');
		await revokePayerLinks(ledger, 'SD');
		for (const body of [
			{ t: old, f: oldForm, action: 'contact_request' },
			{ t: old, f: oldForm, action: 'promise', invoice: 'SD-1', date: daysFromToday(3) },
			{ t: old, f: oldForm, action: 'download_copy', invoice: 'SD-1' },
		]) {
			const page = await call({ body });
			expect(page.status).toBe(410);
			expect(page.file).toBeUndefined();
			noData(page);
		}
		const fresh = await linkOf('SD');
		expect((await open(fresh)).status).toBe(200);
		expect((await call({ body: { t: fresh, f: oldForm, action: 'contact_request' } })).status).toBe(403);
		expect(await writtenFor('SD')).toBe(before);
		expect((await call({ body: { t: fresh, f: formOf((await open(fresh)).body), action: 'contact_request' } })).status).toBe(200);
	});

	test('the hourly limit holds when answers arrive all at once: 14 posts together, exactly 10 written and e-mailed, the rest 429', async () => {
		const t = await linkOf('SB');
		const f = formOf((await open(t)).body);
		const already = await writtenFor('SB');
		expect(already).toBe(0);
		const mailsBefore = sink.received.length;
		const pages = await Promise.all(Array.from({ length: 14 }, () => call({ body: { t, f, action: 'contact_request' } })));
		const statuses = pages.map((p) => p.status).sort();
		expect(statuses.filter((s) => s === 200)).toHaveLength(10);
		expect(statuses.filter((s) => s === 429)).toHaveLength(4);
		expect(pages.find((p) => p.status === 429)?.body).toContain('Trop de réponses');
		expect(await writtenFor('SB')).toBe(10);
		expect(pages.filter((p) => p.workflowData)).toHaveLength(10);
		expect(sink.received.length - mailsBefore).toBe(10);
	});

	test('stored XSS: script and event-handler payloads in every field are text on the page, in the collector’s e-mail and on the call list (PDF, CSV); no secret in the page', async () => {
		const t = await linkOf('SX');
		const pageOf = async () => (await open(t)).body;
		const bodies: string[] = [await pageOf()];
		const mailsBefore = sink.received.length;
		const ok: string[] = [];
		for (const x of XSS) {
			const f = formOf(await pageOf());
			const answers: Record<string, string>[] = [
				{ action: 'dispute', invoice: 'SX-1', category: 'logistics', reason: `Colis abîmé ${x}` },
				{ action: 'payment_declared', invoice: 'SX-2', date: daysFromToday(-1), amount: '10.00', reference: `VIR ${x}` },
				// The fields the page does not take free text in: each refused or ignored, the payload never echoed.
				{ action: 'promise', invoice: 'SX-2', date: x, amount: '10.00' },
				{ action: 'promise', invoice: 'SX-2', date: daysFromToday(3), amount: x },
				{ action: 'dispute', invoice: 'SX-1', category: x, reason: 'x' },
				{ action: 'copy_request', invoice: x },
				{ action: x, invoice: 'SX-1' },
			];
			for (const fields of answers) {
				const page = await call({ body: { t, f, ...fields } });
				if (page.status === 200 && page.workflowData) ok.push(fields.action);
				expect(page.body).not.toContain(x);
				bodies.push(page.body);
			}
			bodies.push((await call({ query: { t, lang: x } })).body);
			// The dispute is settled between rounds, so each round's reason is a new dispute (a second one on an invoice
			// whose dispute is open is refused: the later ill-formed one in the round above).
			await ledger.query("UPDATE disputes SET status = 'resolved', resolved_at = now() WHERE status = 'open' AND customer_id = (SELECT id FROM customers WHERE external_id = 'SX')");
		}
		// Only the well-formed answers were written.
		expect(ok.filter((a) => a === 'dispute')).toHaveLength(XSS.length);
		expect(ok.filter((a) => a === 'payment_declared')).toHaveLength(XSS.length);
		expect(ok.filter((a) => a === 'promise')).toHaveLength(0);

		// The pages, as a browser reads them: no script element, no event-handler attribute, no javascript: address, no dialog.
		await domIsInert(bodies);

		// No secret in the page: none of the server's keys, in any encoding.
		const keys = (await ledger.query<{ secret: Buffer }>('SELECT secret FROM server_keys')).map((r) => r.secret);
		expect(keys.length).toBeGreaterThan(0);
		for (const key of keys) for (const enc of ['hex', 'base64', 'base64url'] as const) for (const body of bodies) expect(body).not.toContain(key.toString(enc));

		// The collector's e-mails (real SMTP): plain text only, the payer's words quoted as they typed them.
		const mails = (await sink.parsed()).slice(mailsBefore);
		expect(mails.length).toBeGreaterThanOrEqual(XSS.length + 1);
		for (const m of mails) {
			expect(m.html).toBeFalsy();
			expect(m.headers.get('content-type')).toMatchObject({ value: 'text/plain' });
		}
		const text = mails.map((m) => m.text).join('\n');
		expect(text).toContain(`Colis abîmé ${XSS[0]}`);
		for (const x of XSS) expect(text).toContain(`VIR ${x}`);

		// The collectors' call list, which prints the customer's recent exchanges (the payer's answers among them).
		const plan = await planCalls(ledger, { customers: ['SX'], historyEntries: 20 });
		expect(plan.calls.map((c) => c.customer.externalId)).toEqual(['SX']);
		const pdf = pdfText(Buffer.from(await callListPdf(plan.calls, { language: 'fr' })));
		// It prints the last three exchanges: the last round's payment and dispute (and its opening), as the payer typed them.
		expect(pdf.replace(/\s+/g, ' ')).toContain(`VIR ${XSS[4]}`);
		expect(pdf.replace(/\s+/g, ' ')).toContain(`Colis abîmé ${XSS[4]}`);
		const csv = callListCsv(plan.calls, { language: 'fr' });
		for (const cell of csv.split(/[;\n]/)) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
	});

	/** Each page loaded in headless Chromium (skipped only where browserTest skips: no Chromium, not in CI). */
	async function domIsInert(bodies: string[]): Promise<void> {
		if (!existsSync(CHROMIUM) && !/^(1|true)$/i.test(process.env.CI ?? '')) return;
		const { chromium } = await import('playwright-core');
		const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
		try {
			const page = await browser.newPage();
			const dialogs: string[] = [];
			page.on('dialog', (d) => {
				dialogs.push(d.message());
				void d.dismiss();
			});
			for (const body of bodies) {
				await page.setContent(body);
				const found = await page.evaluate<string[]>(`[...document.querySelectorAll('*')].flatMap((e) => [...e.attributes]
					.filter((a) => /^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value)).map((a) => e.tagName + ' ' + a.name + '=' + a.value))
					.concat([...document.querySelectorAll('script, svg, img, iframe, object, embed')].map((e) => e.tagName))`);
				expect(found).toEqual([]);
			}
			expect(dialogs).toEqual([]);
		} finally {
			await browser.close();
		}
	}
});
