import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { formatDate } from '../documents/dates';
import { installDefaultPolicies } from '../dunning/policy';
import { planReminders } from '../dunning/plan';
import { timelineSummary } from '../dunning/timeline-text';
import { recordCourierEvents } from '../tracking/events';
import { addDays, todayIn } from '../time';
import { pdfText } from '../../test/helpers/pdf';
import {
	payerLinkToken,
	payerLinkUrl,
	payerNoticeMail,
	payerPage,
	revokePayerLinks,
	type PayerNotice,
} from './index';

// The payer page as a customer uses it: open the link from a reminder, answer, and see dunning react. Real ledger;
// the page function is what the n8n webhook calls.
const NOW = new Date('2025-10-20T09:00:00Z');
let ledger: Ledger;
const notices: PayerNotice[] = [];

const get = (token: string, lang?: string) =>
	payerPage(
		ledger,
		{ method: 'GET', query: { t: token, ...(lang ? { lang } : {}) } },
		{ now: NOW },
	);
const formTokenOf = (body: string) => /name="f" value="([^"]+)"/.exec(body)?.[1] ?? '';
async function post(token: string, fields: Record<string, string>, extra: { f?: string } = {}) {
	const page = await get(token);
	return payerPage(
		ledger,
		{ method: 'POST', body: { t: token, f: extra.f ?? formTokenOf(page.body), ...fields } },
		{ now: NOW, notify: async (n) => void notices.push(n), actionsPerHour: 6 },
	);
}
const held = async (asOf = '2025-10-20') =>
	Object.fromEntries(
		(await planReminders(ledger, { stage: 'level1', asOf })).held.map((h) => [h.number, h.reason]),
	);

beforeAll(async () => {
	ledger = await createTestLedger();
	await installDefaultPolicies(ledger);
	await seedStaff(ledger);
	const a = await addCustomer(ledger, {
		externalId: 'PAY1',
		name: 'Boulangerie <script>alert(1)</script> Martin',
	});
	for (const n of ['PF-1', 'PF-2', 'PF-3', 'PF-4'])
		await addInvoice(ledger, { customerId: a, number: n, dueDate: '2025-10-14' });
	const b = await addCustomer(ledger, { externalId: 'PAY2', name: 'Autre Client' });
	await addInvoice(ledger, { customerId: b, number: 'OTHER-1', dueDate: '2025-10-14' });
});
afterAll(async () => dropTestLedger(ledger));

describe('the payer page', () => {
	it('opens from the personal link with the customer’s open invoices, days late, charges and the RF reference, every value escaped', async () => {
		const url = await payerLinkUrl(
			ledger,
			'PAY1',
			'https://n8n.example/webhook/receivables/payer',
			{ now: NOW },
		);
		const token = new URL(url).searchParams.get('t')!;
		const page = await get(token);
		expect(page.status).toBe(200);
		expect(page.headers['X-Frame-Options']).toBe('DENY');
		expect(page.body).toContain('PF-1');
		expect(page.body).not.toContain('OTHER-1');
		expect(page.body).toContain('6 jours de retard');
		expect(page.body).toMatch(/Pénalités de retard[^<]*€/);
		expect(page.body).toMatch(/RF\d\d PF1/);
		expect(page.body).not.toContain('<script>alert(1)</script>');
		expect(page.body).toContain('&#60;script&#62;');
		expect((await get(token, 'en')).body).toContain('I dispute this invoice');
	});

	it('a promise and a dispute pause dunning at once, reach the collector, and appear in the timeline', async () => {
		const token = await payerLinkToken(ledger, 'PAY1', { now: NOW });
		const promised = await post(token, {
			action: 'promise',
			invoice: 'PF-1',
			date: '2025-10-31',
			amount: '100.00',
		});
		expect(promised.status).toBe(200);
		expect(promised.body).toContain('votre réponse est enregistrée');
		const disputed = await post(token, {
			action: 'dispute',
			invoice: 'PF-2',
			category: 'logistics',
			reason: 'Livraison incomplète : 2 cartons manquants <img src=x onerror=alert(1)>',
		});
		expect(disputed.status).toBe(200);
		const declared = await post(token, {
			action: 'payment_declared',
			invoice: 'PF-3',
			date: '2025-10-19',
			amount: '100.00',
			reference: 'VIR 8812',
		});
		expect(declared.status).toBe(200);
		expect(await held()).toMatchObject({ 'PF-1': 'promise', 'PF-2': 'dispute', 'PF-3': 'hold' });
		expect((await held())['PF-4']).toBeUndefined();
		expect(notices.map((n) => [n.kind, n.invoiceNumber])).toEqual([
			['promise', 'PF-1'],
			['dispute', 'PF-2'],
			['payment_declared', 'PF-3'],
		]);
		expect(notices[1].summary.fr).toContain('2 cartons manquants <img src=x onerror=alert(1)>');
		const timeline = await ledger.query<{ summary: string }>(
			"SELECT summary FROM history WHERE kind = 'payer_answer' ORDER BY id",
		);
		expect(timeline).toHaveLength(3);
		const [dispute] = await ledger.query<{ source: string; category: string; evidence: string }>(
			"SELECT source, category, evidence FROM disputes WHERE source = 'payer_page'",
		);
		expect(dispute).toMatchObject({ source: 'payer_page', category: 'logistics' });
	});

	it('refuses what the company does not accept: a promise too far, an amount above what is owed, another customer’s invoice', async () => {
		const token = await payerLinkToken(ledger, 'PAY1', { now: NOW });
		expect(
			(await post(token, { action: 'promise', invoice: 'PF-4', date: '2026-03-01' })).status,
		).toBe(400);
		expect(
			(
				await post(token, {
					action: 'payment_declared',
					invoice: 'PF-4',
					date: '2025-10-19',
					amount: '999999.00',
				})
			).status,
		).toBe(400);
		const other = await post(token, { action: 'promise', invoice: 'OTHER-1', date: '2025-10-25' });
		expect(other.status).toBe(400);
		expect(other.body).toContain('n&#39;est pas une de vos factures ouvertes');
		expect((await held())['OTHER-1']).toBeUndefined();
	});

	it('has no way in without a valid link: tampered, expired, revoked; no answer without the form token; answers are rate-limited', async () => {
		const token = await payerLinkToken(ledger, 'PAY1', { now: NOW });
		const [payload, sig] = token.split('.');
		const forged = Buffer.from(payload, 'base64url')
			.toString()
			.replace(/"c":"\d+"/, '"c":"999"');
		expect((await get(`${Buffer.from(forged).toString('base64url')}.${sig}`)).status).toBe(403);
		expect((await get('nonsense')).status).toBe(403);
		const old = await payerLinkToken(ledger, 'PAY1', {
			now: new Date('2025-01-01T00:00:00Z'),
			ttlDays: 30,
		});
		expect((await get(old)).status).toBe(410);
		expect((await post(token, { action: 'contact_request' }, { f: 'forged' })).status).toBe(403);
		expect((await post(token, { action: 'contact_request' })).status).toBe(200);
		// Six answers an hour at most here: three were written before, two more now (copy, contact), the next is refused.
		expect((await post(token, { action: 'copy_request', invoice: 'PF-4' })).status).toBe(200);
		expect((await post(token, { action: 'contact_request' })).status).toBe(200);
		expect((await post(token, { action: 'contact_request' })).status).toBe(429);
		await revokePayerLinks(ledger, 'PAY1');
		const revoked = await get(token);
		expect(revoked.status).toBe(410);
		expect(revoked.body).toContain('a expiré ou a été remplacé');
	});

	it('downloads the copy of an open invoice and its proof of delivery (only when the courier delivered it), with the form token only', async () => {
		const c = await addCustomer(ledger, { externalId: 'PAY3', name: 'Quincaillerie Diallo' });
		const delivered = await addInvoice(ledger, {
			customerId: c,
			number: 'DL-1',
			dueDate: '2025-10-14',
		});
		await addInvoice(ledger, { customerId: c, number: 'DL-2', dueDate: '2025-10-14' });
		await ledger.query(
			`INSERT INTO staff (code, name, roles) VALUES ('CRP', 'Moussa Courier', '{courier}') ON CONFLICT DO NOTHING`,
		);
		const [wave] = await ledger.query<{ id: string }>(
			`INSERT INTO waves (code, billing_cycle, courier_code, planned_on) VALUES ('W-PAY', 'monthly', 'CRP', $1) RETURNING id`,
			[addDays(todayIn('Europe/Paris'), -41)],
		);
		await ledger.query(
			`INSERT INTO deliveries (wave_id, invoice_id, customer_id, status) VALUES ($1, $2, $3, 'entered')`,
			[wave.id, delivered, c],
		);
		await ledger.query(`UPDATE waves SET status = 'released' WHERE id = $1`, [wave.id]);
		const recorded = await recordCourierEvents(ledger, [
			{
				eventId: 'pay-pod-1',
				type: 'delivered',
				courierCode: 'CRP',
				invoiceNumber: 'DL-1',
				occurredAt: `${addDays(todayIn('Europe/Paris'), -40)}T09:15:00Z`,
				recipientName: 'Awa Diallo',
			},
		]);
		expect(recorded.map((r) => (r.ok ? r.outcome.status : r.message))).toEqual(['recorded']);
		const token = await payerLinkToken(ledger, 'PAY3', { now: NOW });
		const page = await get(token);
		expect(page.body.match(/value="download_copy"/g)).toHaveLength(2);
		expect(page.body.match(/value="download_proof"/g)).toHaveLength(1);
		const f = formTokenOf(page.body);
		const ask = (fields: Record<string, string>) =>
			payerPage(ledger, { method: 'POST', body: { t: token, ...fields } }, { now: NOW });
		const copy = await ask({ f, action: 'download_copy', invoice: 'DL-2' });
		expect(copy.status).toBe(200);
		expect(copy.headers['Content-Type']).toBe('application/pdf');
		expect(copy.headers['Content-Disposition']).toBe('attachment; filename="facture-DL-2.pdf"');
		expect(pdfText(copy.file as Buffer)).toContain('DL-2');
		const proof = await ask({ f, action: 'download_proof', invoice: 'DL-1' });
		expect(proof.status).toBe(200);
		const proofText = pdfText(proof.file as Buffer);
		expect(proofText).toContain('DL-1');
		expect(proofText).toContain('Awa Diallo');
		const none = await ask({ f, action: 'download_proof', invoice: 'DL-2' });
		expect([none.status, none.file]).toEqual([404, undefined]);
		expect(none.body).toContain('Aucune preuve de livraison');
		expect(
			(await ask({ f: 'forged', action: 'download_copy', invoice: 'DL-2' })).file,
		).toBeUndefined();
		expect((await ask({ f, action: 'download_copy', invoice: 'OTHER-1' })).file).toBeUndefined();
		const timeline = await ledger.query<{
			kind: string;
			summary: string;
			payload: Record<string, unknown>;
		}>(
			"SELECT kind, summary, payload FROM history WHERE kind = 'payer_download' AND customer_id = $1 ORDER BY id",
			[c],
		);
		expect(timeline.map((r) => r.summary)).toEqual([
			'Payer downloaded the copy of invoice DL-2 (payer page)',
			'Payer downloaded the proof of delivery of invoice DL-1 (payer page)',
		]);
		// stored as an event, read in either language
		expect(timeline.map((r) => timelineSummary(r, 'fr'))).toEqual([
			'Le payeur a téléchargé la copie de la facture DL-2 (page payeur)',
			'Le payeur a téléchargé la preuve de livraison de la facture DL-1 (page payeur)',
		]);
		expect(timeline.map((r) => timelineSummary({ ...r, summary: '' }, 'en'))).toEqual([
			'Payer downloaded the copy of invoice DL-2 (payer page)',
			'Payer downloaded the proof of delivery of invoice DL-1 (payer page)',
		]);
	});

	it('shows the company’s bank details for a transfer (when the company has an IBAN), escaped, with the reference to quote', async () => {
		const token = await payerLinkToken(ledger, 'PAY2', { now: NOW });
		expect((await get(token)).body).not.toContain('IBAN');
		await ledger.query(
			`INSERT INTO settings (key, value) VALUES ('company', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
			[
				JSON.stringify({
					name: 'ACME <i>SAS</i>',
					addressLines: ['1 place du Commerce'],
					iban: 'fr7630006000011234567890189',
					bic: 'AGRIFRPP',
				}),
			],
		);
		try {
			const fr = (await get(token)).body;
			expect(fr).toContain('Pour payer par virement');
			expect(fr).toContain('IBAN : <span class="iban">FR76 3000 6000 0112 3456 7890 189</span>');
			expect(fr).toContain('BIC : AGRIFRPP');
			expect(fr).toContain('Bénéficiaire : ACME &#60;i&#62;SAS&#60;/i&#62;');
			expect(fr).toMatch(/Référence de paiement : RF\d\d OTHE R1/);
			expect((await get(token, 'en')).body).toContain(
				'Quote the payment reference of each invoice in the transfer',
			);
		} finally {
			await ledger.query(`DELETE FROM settings WHERE key = 'company'`);
		}
	});

	it('disputes some lines of an invoice: the lines as the invoice lists them, ticked ones kept in the dispute and told to the collector', async () => {
		const c = await addCustomer(ledger, { externalId: 'PAY4', name: 'Menuiserie Faure' });
		const id = await addInvoice(ledger, { customerId: c, number: 'LN-1', dueDate: '2025-10-14' });
		await ledger.query('UPDATE invoices SET lines = $2 WHERE id = $1', [
			id,
			JSON.stringify([
				{ description: 'Palette bois', quantity: 3, lineTotalMinor: '36000' },
				{ description: 'Transport <b onmouseover=alert(1)>express</b>', lineTotalMinor: '5000' },
				{ description: 'Emballage', lineTotalMinor: '1500' },
			]),
		]);
		const token = await payerLinkToken(ledger, 'PAY4', { now: NOW });
		const page = (await get(token)).body;
		expect(page).toContain('Lignes contestées (aucune cochée : toute la facture)');
		expect(page.match(/type="checkbox" name="line_\d"/g)).toEqual([
			'type="checkbox" name="line_1"',
			'type="checkbox" name="line_2"',
			'type="checkbox" name="line_3"',
		]);
		expect(page).toContain('2. Transport &#60;b onmouseover&#61;alert(1)&#62;express&#60;/b&#62;');
		const before = notices.length;
		const disputed = await post(token, {
			action: 'dispute',
			invoice: 'LN-1',
			category: 'logistics',
			reason: 'Transport facturé mais enlèvement sur place',
			line_2: '1',
			line_3: '1',
			line_9: '1',
		});
		expect(disputed.status).toBe(200);
		const [dispute] = await ledger.query<{ evidence: string }>(
			'SELECT d.evidence FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id WHERE di.invoice_id = $1',
			[id],
		);
		expect(dispute.evidence).toMatch(
			/^Transport facturé mais enlèvement sur place\nLignes contestées : 2\. Transport <b onmouseover=alert\(1\)>express<\/b> : 50,00\s€ ; 3\. Emballage : 15,00\s€$/,
		);
		expect(notices.slice(before).map((n) => n.summary.fr)).toEqual([
			expect.stringMatching(
				/^Le payeur conteste la facture LN-1 \(lignes 2\. Transport .* ; 3\. Emballage : 15,00\s€, 65,00\s€ contestés, le reste \(1\s135,00\s€\) reste relancé\) \(Logistique\) : Transport facturé/,
			),
		]);
		const [answer] = await ledger.query<{ payload: { lines: Array<{ index: number }> } }>(
			"SELECT payload FROM payer_actions WHERE invoice_id = $1 AND kind = 'dispute'",
			[id],
		);
		expect(answer.payload.lines.map((l) => l.index)).toEqual([2, 3]);
		// Only lines 2 and 3 are disputed (50,00 + 15,00 = 65,00 €): the dispute is for 65,00 €, and the rest of the
		// 1 200,00 € invoice, 1 135,00 €, is still reminded.
		expect((await held())['LN-1']).toBeUndefined();
		const planned = (await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' })).due
			.flatMap((m) => m.invoices)
			.find((i) => i.number === 'LN-1');
		expect([planned?.openMinor, planned?.disputedMinor]).toEqual([113500n, 6500n]);
	});

	it('a dispute of some lines is for the sum of those lines; the undisputed rest stays in dunning (figures by hand)', async () => {
		// Invoice LP-1, 510,00 € to pay: 3 pallets 360,00 € + transport 90,00 € + packing 60,00 €.
		const c = await addCustomer(ledger, { externalId: 'PAY4B', name: 'Scierie Roux' });
		const lines = [
			{ description: 'Palette bois', quantity: 3, lineTotalMinor: '36000' },
			{ description: 'Transport', lineTotal: '90.00' },
			{ description: 'Emballage', amountMinor: 6000 },
		];
		const ids: Record<string, string> = {};
		for (const n of ['LP-1', 'LP-2', 'LP-3']) {
			ids[n] = await addInvoice(ledger, {
				customerId: c,
				number: n,
				dueDate: '2025-10-14',
				amount: 51000n,
			});
			await ledger.query('UPDATE invoices SET lines = $2 WHERE id = $1', [
				ids[n],
				JSON.stringify(n === 'LP-3' ? [...lines, { description: 'Remise sans montant' }] : lines),
			]);
		}
		const token = await payerLinkToken(ledger, 'PAY4B', { now: NOW });
		// LP-1: transport and packing disputed, 90,00 + 60,00 = 150,00 €; 510,00 − 150,00 = 360,00 € stays in dunning.
		expect(
			(
				await post(token, {
					action: 'dispute',
					invoice: 'LP-1',
					category: 'logistics',
					reason: 'Enlevé sur place, sans emballage',
					line_2: '1',
					line_3: '1',
				})
			).status,
		).toBe(200);
		// LP-2: every line ticked, 510,00 € = the whole invoice: the whole invoice is disputed.
		expect(
			(
				await post(token, {
					action: 'dispute',
					invoice: 'LP-2',
					category: 'commercial',
					reason: 'Prix non convenu',
					line_1: '1',
					line_2: '1',
					line_3: '1',
				})
			).status,
		).toBe(200);
		// LP-3: a ticked line has no amount: the page cannot tell the part, the whole invoice is disputed.
		expect(
			(
				await post(token, {
					action: 'dispute',
					invoice: 'LP-3',
					category: 'commercial',
					reason: 'Remise oubliée',
					line_1: '1',
					line_4: '1',
				})
			).status,
		).toBe(200);
		const disputes = await ledger.query<{
			number: string;
			amount_minor: string;
			disputed_minor: string | null;
		}>(
			`SELECT i.number, d.amount_minor::text, di.disputed_minor::text FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id JOIN invoices i ON i.id = di.invoice_id
			WHERE i.customer_id = $1 ORDER BY i.number`,
			[c],
		);
		expect(disputes).toEqual([
			{ number: 'LP-1', amount_minor: '15000', disputed_minor: '15000' },
			{ number: 'LP-2', amount_minor: '51000', disputed_minor: null },
			{ number: 'LP-3', amount_minor: '51000', disputed_minor: null },
		]);
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' });
		const lp = plan.due.filter((m) => m.customer.externalId === 'PAY4B');
		expect(
			lp.flatMap((m) => m.invoices.map((i) => [i.number, i.openMinor, i.disputedMinor])),
		).toEqual([['LP-1', 36000n, 15000n]]);
		expect(lp.reduce((sum, m) => sum + m.totalOpenMinor, 0n)).toBe(36000n);
		expect(
			plan.held
				.filter((h) => h.customerExternalId === 'PAY4B')
				.map((h) => [h.number, h.reason])
				.sort(),
		).toEqual([
			['LP-2', 'dispute'],
			['LP-3', 'dispute'],
		]);
		// The page says which part is disputed and that the rest is still to pay; the collector is told the same.
		const page = (await get(token)).body;
		expect(page).toMatch(
			/Contestation de lignes ouverte depuis le 20 octobre 2025 \(Livraison[^)]*\)\) pour 150,00\s€ : [^<]*le reste de la facture reste à payer/,
		);
		expect((await get(token, 'en')).body).toMatch(
			/Dispute of some lines open since 20 October 2025 \([^<]*for €150\.00: [^<]*the rest of the invoice is still to be paid/,
		);
		const told = notices.filter((n) => n.invoiceNumber === 'LP-1');
		expect(told.map((n) => [n.partialDispute, n.summary.fr])).toEqual([
			[true, expect.stringMatching(/150,00\s€ contestés, le reste \(360,00\s€\) reste relancé/)],
		]);
		expect(payerNoticeMail(told[0]).text).toContain('le reste de la facture reste relancé');
		expect(notices.filter((n) => n.invoiceNumber === 'LP-2').map((n) => n.partialDispute)).toEqual([
			undefined,
		]);
		// Resolved, the dispute no longer takes part of the invoice: the whole open amount is reminded again.
		await ledger.query(
			"UPDATE disputes SET status = 'resolved' WHERE id = (SELECT dispute_id FROM dispute_invoices WHERE invoice_id = $1)",
			[ids['LP-1']],
		);
		const after = (await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' })).due
			.flatMap((m) => m.invoices)
			.find((i) => i.number === 'LP-1');
		expect([after?.openMinor, after?.disputedMinor]).toEqual([51000n, undefined]);
	});

	it('shows a promise for the whole account (not tied to one invoice): one notice at the top and on each invoice it covers, FR and EN', async () => {
		const c = await addCustomer(ledger, { externalId: 'PAY6', name: 'Imprimerie Vidal' });
		for (const n of ['AC-1', 'AC-2'])
			await addInvoice(ledger, { customerId: c, number: n, dueDate: '2025-10-14' });
		const other = await addCustomer(ledger, { externalId: 'PAY6X', name: 'Autre' });
		await addInvoice(ledger, { customerId: other, number: 'AX-1', dueDate: '2025-10-14' });
		const token = await payerLinkToken(ledger, 'PAY6', { now: NOW });
		expect((await get(token)).body).not.toContain('ensemble de votre compte');
		// Promised on a call for the whole account, 2 400,00 € on 5 November; one already past and another customer's are not shown.
		await ledger.query(
			`INSERT INTO promises (customer_id, invoice_id, promised_on, amount_minor, currency, source) VALUES ($1, NULL, '2025-11-05', 240000, 'EUR', 'call'), ($1, NULL, '2025-10-10', 1000, 'EUR', 'call'), ($2, NULL, '2025-11-20', 5000, 'EUR', 'call')`,
			[c, other],
		);
		const fr = (await get(token)).body;
		expect(
			fr.match(
				/Paiement promis pour l’ensemble de votre compte le 5 novembre 2025 : 2\s400,00\s€\. Les relances de toutes vos factures ouvertes attendent cette date\./g,
			),
		).toHaveLength(1);
		expect(
			fr.match(/Couverte par la promesse de paiement de votre compte pour le 5 novembre 2025/g),
		).toHaveLength(2);
		expect(fr).not.toMatch(/10 octobre 2025|20 novembre 2025/);
		const en = (await get(token, 'en')).body;
		expect(
			en.match(
				/Payment promised for your whole account on 5 November 2025: €2,400\.00\. Reminders of all your open invoices wait for that date\./g,
			),
		).toHaveLength(1);
		expect(en.match(/Covered by your account’s payment promise for 5 November 2025/g)).toHaveLength(
			2,
		);
		// The notice at the top comes before the first card; what the page says is what the planner does.
		expect(fr.indexOf('ensemble de votre compte')).toBeLessThan(fr.indexOf('AC-1'));
		expect([(await held())['AC-1'], (await held())['AC-2']]).toEqual(['promise', 'promise']);
	});

	it('shows each invoice as the ledger holds it once answered (disputed, promised, payment announced), FR and EN, and refuses a second dispute or promise', async () => {
		const c = await addCustomer(ledger, { externalId: 'PAY5', name: 'Garage Lefèvre' });
		const ids: Record<string, string> = {};
		for (const n of ['ST-1', 'ST-2', 'ST-3', 'ST-4'])
			ids[n] = await addInvoice(ledger, { customerId: c, number: n, dueDate: '2025-10-14' });
		const token = await payerLinkToken(ledger, 'PAY5', { now: NOW });
		const fresh = (await get(token)).body;
		expect(fresh.match(/value="dispute"/g)).toHaveLength(4);
		expect(fresh.match(/value="promise"/g)).toHaveLength(4);
		expect(fresh).not.toContain('class="state"');
		expect(
			(
				await post(token, {
					action: 'dispute',
					invoice: 'ST-1',
					category: 'logistics',
					reason: 'Colis jamais reçu <svg onload=alert(1)>',
				})
			).status,
		).toBe(200);
		expect(
			(
				await post(token, {
					action: 'promise',
					invoice: 'ST-2',
					date: '2025-10-31',
					amount: '60.00',
				})
			).status,
		).toBe(200);
		expect(
			(
				await post(token, {
					action: 'payment_declared',
					invoice: 'ST-3',
					date: '2025-10-18',
					amount: '40.00',
					reference: 'VIR <b>77</b>',
				})
			).status,
		).toBe(200);
		const [{ since }] = await ledger.query<{ since: string }>(
			"SELECT (d.opened_at AT TIME ZONE 'Europe/Paris')::date::text AS since FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id WHERE di.invoice_id = $1",
			[ids['ST-1']],
		);

		// Reopened: each invoice says where it stands, and only the answers that still make sense are offered.
		const page = (await get(token)).body;
		const card = (n: string) =>
			page.slice(
				page.indexOf(`<b>${n}</b>`),
				page.indexOf('</div><div class="card">', page.indexOf(`<b>${n}</b>`)) >>> 0,
			);
		expect(card('ST-1')).toContain(
			`Contestation ouverte depuis le ${formatDate(since, 'fr')} (Livraison (non reçue, incomplète, abîmée)) : elle est en cours de traitement par nos équipes`,
		);
		expect(card('ST-1')).not.toContain('value="dispute"');
		expect(card('ST-1')).toContain('value="promise"');
		expect(card('ST-2')).toMatch(
			/Paiement promis pour le 31 octobre 2025 : 60,00\s€\. Les relances attendent cette date\./,
		);
		expect(card('ST-2')).not.toContain('value="promise"');
		expect(card('ST-2')).toContain('value="dispute"');
		expect(card('ST-3')).toMatch(
			/Paiement annoncé : 40,00\s€, effectué le 18 octobre 2025 : nous le vérifions sur le relevé bancaire ; les relances attendent jusqu’au 30 octobre 2025\./,
		);
		expect(card('ST-3')).not.toContain('value="promise"');
		expect(card('ST-3')).toContain('J&#39;ai fait un autre paiement');
		expect(card('ST-4')).not.toContain('class="state"');
		expect(page.match(/value="dispute"/g)).toHaveLength(3);
		expect(page.match(/value="promise"/g)).toHaveLength(2);
		expect(page).not.toContain('<svg');
		const en = (await get(token, 'en')).body;
		expect(en).toContain(
			`Dispute open since ${formatDate(since, 'en')} (Delivery (not received, incomplete, damaged)): our team is handling it; reminders for this invoice are paused until it is resolved.`,
		);
		expect(en).toMatch(
			/Payment promised for 31 October 2025: €60\.00\. Reminders wait for that date\./,
		);
		expect(en).toMatch(
			/Payment announced: €40\.00, made on 18 October 2025: we are checking it on the bank statement; reminders wait until 30 October 2025\./,
		);
		expect(en).toContain('I have made another payment');

		// A second dispute (or a forged form) is refused with a clear message and writes nothing.
		const before = await ledger.query<{ n: string }>(
			'SELECT count(*)::text AS n FROM payer_actions WHERE customer_id = $1',
			[c],
		);
		const again = await post(token, {
			action: 'dispute',
			invoice: 'ST-1',
			category: 'commercial',
			reason: 'Prix faux',
		});
		expect(again.status).toBe(409);
		expect(again.body).toContain(
			`Cette facture est déjà contestée (depuis le ${formatDate(since, 'fr')}) : la contestation est en cours de traitement. Pour ajouter une information, demandez à être rappelé.`,
		);
		const repromised = await post(token, {
			action: 'promise',
			invoice: 'ST-2',
			date: '2025-11-15',
		});
		expect([
			repromised.status,
			repromised.body.includes(
				'Un paiement est déjà promis pour le 31 octobre 2025 sur cette facture',
			),
		]).toEqual([409, true]);
		expect(
			(await post(token, { action: 'promise', invoice: 'ST-3', date: '2025-10-25' })).status,
		).toBe(409);
		const enAgain = await payerPage(
			ledger,
			{
				method: 'POST',
				body: {
					t: token,
					lang: 'en',
					f: formTokenOf(page),
					action: 'dispute',
					invoice: 'ST-1',
					category: 'other',
					reason: 'again',
				},
			},
			{ now: NOW },
		);
		expect(enAgain.status).toBe(409);
		expect(enAgain.body).toContain(
			`This invoice is already disputed (since ${formatDate(since, 'en')}): the dispute is being handled. To add information, ask to be called.`,
		);
		expect(
			await ledger.query<{ n: string }>(
				'SELECT count(*)::text AS n FROM payer_actions WHERE customer_id = $1',
				[c],
			),
		).toEqual(before);
		expect(
			await ledger.query(
				'SELECT 1 FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id WHERE di.invoice_id = $1',
				[ids['ST-1']],
			),
		).toHaveLength(1);
		// Another payment may still be declared on an invoice whose payment is announced; a dispute on the promised one too.
		expect(
			(
				await post(token, {
					action: 'payment_declared',
					invoice: 'ST-3',
					date: '2025-10-19',
					amount: '10.00',
				})
			).status,
		).toBe(200);
		expect((await get(token)).body.match(/Paiement annoncé/g)).toHaveLength(2);

		// Once the dispute is resolved, the invoice can be disputed again.
		await ledger.query(
			"UPDATE disputes SET status = 'resolved', resolved_at = now() WHERE id IN (SELECT dispute_id FROM dispute_invoices WHERE invoice_id = $1)",
			[ids['ST-1']],
		);
		const resolved = (await get(token)).body;
		expect(resolved).not.toContain('Contestation ouverte');
		expect(resolved.match(/value="dispute"/g)).toHaveLength(4);
	});

	it('answers a NUL byte with a 400, not a server error', async () => {
		const token = await payerLinkToken(ledger, 'PAY2', { now: NOW });
		expect(
			(
				await payerPage(
					ledger,
					{ method: 'POST', body: { t: token, action: 'contact_request', f: 'x\u0000' } },
					{ now: NOW },
				)
			).status,
		).toBe(400);
	});
});
