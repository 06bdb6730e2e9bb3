import { payerLinkUrl, planReminders, revokePayerLinks, type Ledger } from '../../core';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { engineLedger, expectLedgerRole } from '../helpers/engineLedger';
import { callPageTrigger, type PageCall } from '../helpers/pageTrigger';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import { daysFromToday, seedDunning, shippedWorkflow, smtpCredentialFor } from './dunning-helpers';

// The shipped payer-page workflow as n8n's webhook server calls it: the customer opens the link of a reminder,
// answers, and the collector gets the e-mail. Real ledger, real SMTP sink; nothing of the link reaches an item.
const WORKFLOW = shippedWorkflow('payer-page.json');

describe('workflow: Payer page', () => {
	// As npm start runs it: the nodes (and this test's own queries) use a ledger role that is not a superuser, so
	// row-level security applies.
	const t = engineLedger({}, { ledgerRole: true });
	let ledger: Ledger;
	let sink: SmtpSink;
	let credentials: Record<string, Record<string, string | number | boolean>>;
	let token: string;

	beforeAll(async () => {
		ledger = t.ledger;
		await seedDunning(ledger);
		sink = await startSmtpSink();
		credentials = { ...t.credentials, receivablesSmtpApi: smtpCredentialFor(sink) };
		const id = await addCustomer(ledger, {
			externalId: 'PP1',
			name: 'Épicerie <b onmouseover=alert(1)>Fine</b>',
			collector: 'COL1',
		});
		await addInvoice(ledger, { customerId: id, number: 'PP-1', dueDate: daysFromToday(-12) });
		await addInvoice(ledger, { customerId: id, number: 'PP-2', dueDate: daysFromToday(-12) });
		const other = await addCustomer(ledger, {
			externalId: 'PP2',
			name: 'Someone Else',
			collector: 'COL2',
		});
		await addInvoice(ledger, { customerId: other, number: 'ELSE-1', dueDate: daysFromToday(-12) });
		token = new URL(
			await payerLinkUrl(ledger, 'PP1', 'https://n8n.example/webhook/receivables/payer'),
		).searchParams.get('t')!;
	});
	// The page trigger's ledger pools and the sink, before engineLedger drops the schema and the role.
	afterAll(async () => {
		await closeLedgers();
		await sink?.close();
	});

	test('the nodes run under the ledger role, not a superuser', () => expectLedgerRole(t));

	const call = (c: PageCall) => callPageTrigger(WORKFLOW, credentials, c);
	const formOf = (html: string) => /name="f" value="([^"]+)"/.exec(html)?.[1] ?? '';
	const answer = async (fields: Record<string, string>) =>
		call({ body: { t: token, f: formOf((await call({ query: { t: token } })).body), ...fields } });

	test('the link opens the customer’s page in n8n’s sandbox, no cookie, nothing started', async () => {
		const page = await call({ query: { t: token } });
		expect(page.status).toBe(200);
		expect(page.headers['content-security-policy']).toMatch(/^sandbox /);
		expect(page.headers['x-frame-options']).toBe('DENY');
		expect(page.headers['set-cookie']).toBeUndefined();
		expect(page.body).toContain('PP-1');
		expect(page.body).not.toContain('ELSE-1');
		expect(page.body).not.toContain('<b onmouseover');
		expect(page.workflowData).toBeUndefined();
	});

	test('a tampered, missing or revoked link gets a FR/EN page saying so, never data', async () => {
		const [payload, sig] = token.split('.');
		const [{ id }] = await ledger.query<{ id: string }>(
			"SELECT id::text FROM customers WHERE external_id = 'PP2'",
		);
		const other = Buffer.from(
			Buffer.from(payload, 'base64url')
				.toString()
				.replace(/"c":"\d+"/, `"c":"${id}"`),
		).toString('base64url');
		expect(other).not.toBe(payload);
		for (const bad of [
			`${other}.${sig}`,
			`${payload}.${sig.slice(0, -4)}${sig.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
			'',
		]) {
			const page = await call({ query: { t: bad } });
			expect(page.status).toBe(403);
			expect(page.body).toContain('n’est pas valide');
			expect(page.body).not.toMatch(/PP-1|ELSE-1/);
		}
		const en = await call({ query: { t: 'x', lang: 'en' } });
		expect(en.body).toContain('This link is not valid.');
	});

	test('a promise and a dispute are written, pause dunning, reach the collector by e-mail, and start an execution without the link', async () => {
		const promised = await answer({ action: 'promise', invoice: 'PP-1', date: daysFromToday(7) });
		expect(promised.status).toBe(200);
		expect(promised.body).toContain('votre réponse est enregistrée');
		const items = (promised.workflowData ?? [])[0] ?? [];
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			kind: 'promise',
			customerExternalId: 'PP1',
			invoiceNumber: 'PP-1',
			notified: ['karim.benali@vendor.example'],
			notifyError: null,
		});
		expect(JSON.stringify(promised.workflowData)).not.toContain(token);
		expect(JSON.stringify(promised.workflowData)).not.toContain(token.split('.')[1]);

		const disputed = await answer({
			action: 'dispute',
			invoice: 'PP-2',
			category: 'logistics',
			reason: 'Carton abîmé <script>alert(2)</script>',
		});
		expect(disputed.status).toBe(200);
		expect(disputed.workflowData?.[0]?.[0]?.json).toMatchObject({
			kind: 'dispute',
			invoiceNumber: 'PP-2',
		});

		const plan = await planReminders(ledger, { stage: 'level1', asOf: daysFromToday(0) });
		const held = Object.fromEntries(plan.held.map((h) => [h.number, h.reason]));
		expect(held).toMatchObject({ 'PP-1': 'promise', 'PP-2': 'dispute' });

		const mails = await sink.parsed();
		const subjects = mails.map((m) => m.subject ?? '');
		expect(subjects.some((s) => /Promesse de paiement sur la page payeur.*PP-1/.test(s))).toBe(
			true,
		);
		const dispute = mails.find((m) => /Contestation/.test(m.subject ?? ''))!;
		expect(dispute).toBeDefined();
		expect(dispute.text).toContain('Carton abîmé <script>alert(2)</script>');
		expect(dispute.html).toBeFalsy();
		for (const m of mails) expect(`${m.text}`).not.toContain(token.split('.')[1]);
	});

	test('the invoice copy downloads as a PDF through the trigger, in the sandbox, starting nothing', async () => {
		const copy = await answer({ action: 'download_copy', invoice: 'PP-1' });
		expect(copy.status).toBe(200);
		expect(copy.headers['content-type']).toBe('application/pdf');
		expect(copy.headers['content-disposition']).toBe('attachment; filename="facture-PP-1.pdf"');
		expect(copy.headers['content-security-policy']).toMatch(/allow-downloads/);
		expect(copy.file?.subarray(0, 5).toString()).toBe('%PDF-');
		expect(copy.workflowData).toBeUndefined();
	});

	test('the billing e-mail changes only once confirmed from the new address: message with the link, a page and a button, then the change, the collector told', async () => {
		const id = await addCustomer(ledger, {
			externalId: 'PP3',
			name: 'Garage Moreau',
			emails: ['old@pp3.example'],
			collector: 'COL1',
		});
		await addInvoice(ledger, { customerId: id, number: 'PP3-1', dueDate: daysFromToday(-12) });
		const t = new URL(
			await payerLinkUrl(ledger, 'PP3', 'https://n8n.example/webhook/receivables/payer'),
		).searchParams.get('t')!;
		const f = formOf((await call({ query: { t } })).body);
		const emails = async () =>
			(
				await ledger.query<{ emails: string[] }>(
					"SELECT emails FROM customers WHERE external_id = 'PP3'",
				)
			)[0].emails;
		for (const bad of [
			'not an address',
			'a@b.example\r\nBcc: x@evil.example',
			`${'x'.repeat(250)}@b.example`,
		]) {
			const refused = await call({ body: { t, f, action: 'billing_email', email: bad } });
			expect(refused.status).toBe(400);
			expect(refused.body).toContain('adresse e-mail valide');
		}
		const before = sink.received.length;
		const asked = await call({ body: { t, f, action: 'billing_email', email: 'new@pp3.example' } });
		expect(asked.status).toBe(200);
		expect(asked.body).toContain('Un message de confirmation est envoyé');
		expect(asked.workflowData).toBeUndefined();
		expect(await emails()).toEqual(['old@pp3.example']);
		const sent = (await sink.parsed()).slice(before);
		expect(sent.map((m) => sink.received[before + sent.indexOf(m)].envelope.to)).toEqual([
			['new@pp3.example'],
		]);
		expect(sent[0].subject).toBe(
			'Confirmez votre adresse de facturation / Confirm your billing e-mail',
		);
		expect(sent[0].text).not.toContain(t);
		const link = /https:\/\/n8n\.example\/webhook\/receivables\/payer\?e=([A-Za-z0-9_.-]+)/.exec(
			sent[0].text ?? '',
		);
		expect(link).not.toBeNull();
		const e = link![1];

		// Opening the link (or a mail scanner fetching it) changes nothing: a page says what will change, with a button.
		const shown = await call({ query: { e } });
		expect(shown.status).toBe(200);
		expect(shown.body).toContain('Garage Moreau seront envoyées à new@pp3.example');
		expect(shown.body).not.toContain('PP3-1');
		expect(await emails()).toEqual(['old@pp3.example']);
		// A changed or look-alike token is refused (the payer link itself is not a confirmation).
		const [payload, sig] = e.split('.');
		const forged = Buffer.from(
			Buffer.from(payload, 'base64url').toString().replace('new@pp3.example', 'evil@x.example'),
		).toString('base64url');
		for (const bad of [`${forged}.${sig}`, t])
			expect((await call({ body: { e: bad, action: 'billing_email_confirm' } })).status).toBe(403);

		const confirmed = await call({ body: { e, action: 'billing_email_confirm' } });
		expect(confirmed.status).toBe(200);
		expect(confirmed.body).toContain(
			"l'adresse de facturation est maintenant new@pp3.example".replace("'", '&#39;'),
		);
		expect(await emails()).toEqual(['new@pp3.example']);
		expect(confirmed.workflowData?.[0]?.[0]?.json).toMatchObject({
			kind: 'billing_email',
			customerExternalId: 'PP3',
			notified: ['karim.benali@vendor.example'],
		});
		const told = (await sink.parsed()).find((m) =>
			/Adresse de facturation changée sur la page payeur/.test(m.subject ?? ''),
		);
		expect(told?.text).toContain('old@pp3.example');
		expect(told?.text).toContain('new@pp3.example');
		// The address replaced is told, without any link.
		const all = await sink.parsed();
		const oldIndex = sink.received.findIndex((r) => r.envelope.to.includes('old@pp3.example'));
		expect(oldIndex).toBeGreaterThanOrEqual(0);
		expect(all[oldIndex].subject).toBe('Adresse de facturation modifiée / Billing e-mail changed');
		expect(all[oldIndex].text).toContain('seront désormais envoyées à new@pp3.example');
		expect(all[oldIndex].text).not.toMatch(/https?:\/\//);
		// Once used, the confirmation is spent; the next reminder goes to the new address.
		expect((await call({ body: { e, action: 'billing_email_confirm' } })).status).toBe(410);
		const plan = await planReminders(ledger, { stage: 'level1', asOf: daysFromToday(0) });
		expect(plan.due.filter((m) => m.customer.externalId === 'PP3').map((m) => m.to)).toEqual([
			['new@pp3.example'],
		]);
		const timeline = await ledger.query<{ summary: string }>(
			"SELECT h.summary FROM history h JOIN customers c ON c.id = h.customer_id WHERE c.external_id = 'PP3' AND h.kind = 'payer_answer' ORDER BY h.id",
		);
		expect(timeline.map((r) => r.summary)).toEqual([
			'Payer asked to send reminders and invoices to new@pp3.example (changed once confirmed from that address)',
			'Billing e-mail changed from old@pp3.example to new@pp3.example, confirmed from the new address (payer page)',
		]);
	});

	test('a form without its form token is refused and writes nothing; a revoked link answers 410', async () => {
		const before = await ledger.query<{ n: string }>(
			'SELECT count(*)::text AS n FROM payer_actions',
		);
		const forged = await call({ body: { t: token, f: 'forged', action: 'contact_request' } });
		expect(forged.status).toBe(403);
		expect(forged.workflowData).toBeUndefined();
		expect(
			await ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM payer_actions'),
		).toEqual(before);
		await revokePayerLinks(ledger, 'PP1');
		const revoked = await call({ query: { t: token } });
		expect(revoked.status).toBe(410);
		expect(revoked.body).not.toContain('PP-1');
	});
});
