import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { planReminders, type Ledger } from '../../core';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { browserTest, CHROMIUM, CHROMIUM_ARGS, servePages } from '../helpers/browser';
import { dropTestLedger } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { closeEngine, runWorkflow, setNodeParameters } from '../helpers/engine';
import { callPageTrigger } from '../helpers/pageTrigger';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import { credentialsFor, daysFromToday, dunningLedger, shippedWorkflow } from './dunning-helpers';

// The "done when", as a customer lives it: the shipped level-1 workflow e-mails a real reminder (real SMTP
// server) carrying the customer's own link; on a phone (headless Chromium, 390×844, touch) the customer opens the
// link from that e-mail, served by the shipped payer-page workflow's trigger the way n8n's webhook server calls it,
// disputes one invoice and promises to pay another. The next reminder (the shipped level-2 workflow, the day the
// invoices are 15 days late) holds both and reminds only the third; the collector received both answers by e-mail.
// Real Postgres, real SMTP, real browser.
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'payer-page-phone');
const COLLECTOR = 'karim.benali@vendor.example';
const CUSTOMER_MAIL = 'compta@fromagerie-pe.example';
/** A photo as a phone takes it (JPEG start of image, then data). */
const PHOTO = Buffer.concat([
	Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]),
	Buffer.alloc(4096, 7),
	Buffer.from([0xff, 0xd9]),
]);

describe('Done when: a customer answers a real reminder from their phone', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	let credentials: ReturnType<typeof credentialsFor>;

	beforeAll(async () => {
		ledger = await dunningLedger();
		sink = await startSmtpSink();
		credentials = credentialsFor(ledger, sink);
		const id = await addCustomer(ledger, {
			externalId: 'PE1',
			name: 'Fromagerie Lemoine',
			emails: [CUSTOMER_MAIL],
			collector: 'COL1',
		});
		// 14 days late today: level 1 (5 to 14 days late) goes out today, level 2 (15 days) tomorrow.
		for (const number of ['PE-1', 'PE-2', 'PE-3'])
			await addInvoice(ledger, {
				customerId: id,
				number,
				dueDate: daysFromToday(-14),
				amount: 240000n,
			});
	});
	afterAll(async () => {
		await sink.close();
		await closeLedgers();
		await closeEngine();
		await dropTestLedger(ledger);
	});

	const mailsTo = async (address: string): Promise<ParsedMail[]> => {
		const parsed = await sink.parsed();
		return parsed.filter((_, i) => sink.received[i].envelope.to.includes(address));
	};

	const chromiumTest = browserTest(test);
	chromiumTest(
		'opens the link of the reminder e-mail on a phone, disputes PE-1 and promises PE-2; level 2 holds both, the collector got both e-mails',
		async () => {
			const payerPage = shippedWorkflow('payer-page.json');
			const server = await servePages((req) => {
				const url = new URL(req.url, 'http://127.0.0.1');
				if (url.pathname !== '/webhook/receivables/payer')
					return Promise.resolve({ status: 404, headers: {}, body: 'not found' });
				const query = Object.fromEntries(url.searchParams);
				// A form with a file input posts multipart: parsed by n8n's own parser, as n8n's webhook server does.
				return callPageTrigger(
					payerPage,
					credentials,
					req.method === 'POST'
						? {
								method: 'POST',
								query,
								...(req.multipart ? { multipart: req.multipart } : { body: req.body }),
							}
						: { method: 'GET', query },
				);
			});
			const pageUrl = `${server.base}/webhook/receivables/payer`;

			// 1. The shipped level-1 workflow, with the Payer Page URL set as the sticky note says, sends the reminder.
			const level1 = setNodeParameters(
				shippedWorkflow('dunning-level1-daily.json'),
				'Send level1 reminders',
				{ payerPageUrl: pageUrl },
			);
			const sent = await runWorkflow(level1, { credentials });
			expect(sent.error).toBeUndefined();
			expect(
				sent
					.json('Send level1 reminders', 0)
					.map((j) => [j.customerExternalId, j.status, j.invoiceNumbers]),
			).toEqual([['PE1', 'sent', ['PE-1', 'PE-2', 'PE-3']]]);
			const [reminder] = await mailsTo(CUSTOMER_MAIL);
			expect(reminder).toBeDefined();
			expect(reminder.html).toBeTruthy();
			expect(reminder.text).toContain(`${pageUrl}?t=`);

			const { chromium } = await import('playwright-core');
			const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
			mkdirSync(ARTIFACTS, { recursive: true });
			try {
				const phone = await browser.newContext({
					viewport: { width: 390, height: 844 },
					isMobile: true,
					hasTouch: true,
					locale: 'fr-FR',
				});
				const page = await phone.newPage();
				const dialogs: string[] = [];
				page.on('dialog', (d) => {
					dialogs.push(d.message());
					void d.dismiss();
				});

				// 2. The customer reads the e-mail (its HTML part, as a mail app shows it) and taps the link.
				await page.setContent(reminder.html as string);
				const link = page.locator(`a[href^="${pageUrl}?t="]`);
				expect(await link.count()).toBe(1);
				await Promise.all([page.waitForURL(`${pageUrl}?t=**`), link.first().tap()]);
				await expect(page.locator('h1').textContent()).resolves.toContain('Fromagerie Lemoine');
				const card = (number: string) =>
					page.locator('.card', { has: page.locator('b', { hasText: new RegExp(`^${number}$`) }) });
				for (const n of ['PE-1', 'PE-2', 'PE-3'])
					expect(await card(n).textContent()).toContain('14 jours de retard');
				// The company's bank details to pay by transfer, the reference to quote on each invoice.
				expect(await page.locator('.bank').textContent()).toContain(
					'IBAN : FR76 3000 6000 0112 3456 7890 189',
				);
				expect(await card('PE-1').textContent()).toMatch(/Référence de paiement : RF\d\d PE1/);
				// Usable on a phone: nothing wider than the screen.
				expect(
					await page.evaluate<number>('document.documentElement.scrollWidth'),
				).toBeLessThanOrEqual(390);
				await page.screenshot({ path: path.join(ARTIFACTS, '1-page.png'), fullPage: true });

				// 3. Disputes PE-1.
				const dispute = card('PE-1').locator('details', {
					has: page.locator('input[name=action][value=dispute]'),
				});
				await dispute.locator('summary').tap();
				await dispute.locator('select[name=category]').selectOption('logistics');
				await dispute
					.locator('textarea[name=reason]')
					.fill('Livraison incomplète : 2 cartons manquants <img src=x onerror=alert(1)>');
				// With the photo of the delivery note, chosen in the form's own file input (no script on the page).
				await dispute
					.locator('input[type=file][name=file]')
					.setInputFiles({ name: 'bon de livraison.jpg', mimeType: 'image/jpeg', buffer: PHOTO });
				await page.screenshot({ path: path.join(ARTIFACTS, '2-dispute.png'), fullPage: true });
				await Promise.all([
					page.waitForLoadState('load'),
					page.waitForResponse((r) => r.request().method() === 'POST'),
					dispute.locator('button[type=submit]').tap(),
				]);
				await expect(page.locator('[role=status]').textContent()).resolves.toContain(
					'votre réponse est enregistrée',
				);

				// 4. Promises to pay PE-2 in ten days, from the page the answer came back on.
				const promise = card('PE-2').locator('details', {
					has: page.locator('input[name=action][value=promise]'),
				});
				await promise.locator('summary').tap();
				await promise.locator('input[name=date]').fill(daysFromToday(10));
				await Promise.all([
					page.waitForLoadState('load'),
					page.waitForResponse((r) => r.request().method() === 'POST'),
					promise.locator('button[type=submit]').tap(),
				]);
				await expect(page.locator('[role=status]').textContent()).resolves.toContain(
					'votre réponse est enregistrée',
				);
				await page.screenshot({ path: path.join(ARTIFACTS, '3-answered.png'), fullPage: true });
				expect(dialogs).toEqual([]);
			} finally {
				await browser.close();
				await server.close();
			}

			// 5. The ledger: one dispute on PE-1, one promise on PE-2 of the whole amount, both in the timeline.
			const disputes = await ledger.query<{ number: string; category: string; source: string }>(
				'SELECT i.number, d.category, d.source FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id JOIN invoices i ON i.id = di.invoice_id',
			);
			expect(disputes).toEqual([{ number: 'PE-1', category: 'logistics', source: 'payer_page' }]);
			const promises = await ledger.query<{
				number: string;
				promised_on: string;
				amount_minor: string;
			}>(
				'SELECT i.number, p.promised_on::text, p.amount_minor::text FROM promises p JOIN invoices i ON i.id = p.invoice_id',
			);
			expect(promises).toEqual([
				{ number: 'PE-2', promised_on: daysFromToday(10), amount_minor: '240000' },
			]);
			expect(
				(
					await ledger.query<{ kind: string }>(
						"SELECT kind FROM history WHERE kind = 'payer_answer'",
					)
				).length,
			).toBe(2);

			// 6. The next reminder: level 2 tomorrow (15 days late) holds PE-1 (dispute) and PE-2 (promise), reminds PE-3 only.
			const plan = await planReminders(ledger, { stage: 'level2', asOf: daysFromToday(1) });
			expect(Object.fromEntries(plan.held.map((h) => [h.number, h.reason]))).toEqual({
				'PE-1': 'dispute',
				'PE-2': 'promise',
			});
			expect(plan.due.flatMap((m) => m.invoices.map((i) => i.number))).toEqual(['PE-3']);
			const before = (await mailsTo(CUSTOMER_MAIL)).length;
			const level2 = setNodeParameters(
				shippedWorkflow('dunning-level2-daily.json'),
				'Send level2 reminders',
				{ asOf: daysFromToday(1), payerPageUrl: pageUrl },
			);
			const next = await runWorkflow(level2, { credentials });
			expect(next.error).toBeUndefined();
			expect(
				next
					.json('Send level2 reminders', 0)
					.map((j) => [j.customerExternalId, j.status, j.invoiceNumbers]),
			).toEqual([['PE1', 'sent', ['PE-3']]]);
			expect(
				next
					.json('Send level2 reminders', 2)
					.map((j) => [j.number, j.reason])
					.sort(),
			).toEqual([
				['PE-1', 'dispute'],
				['PE-2', 'promise'],
			]);
			const second = (await mailsTo(CUSTOMER_MAIL)).slice(before);
			expect(second).toHaveLength(1);
			expect(second[0].text).toContain('PE-3');
			expect(second[0].text).not.toMatch(/PE-1\b|PE-2\b/);

			// 7. The collector received both answers, the payer's words as plain text, nothing of the link.
			const collector = await mailsTo(COLLECTOR);
			const subjects = collector.map((m) => m.subject ?? '');
			expect(
				subjects.filter((s) => /^Contestation sur la page payeur.*PE-1$/.test(s)),
			).toHaveLength(1);
			expect(
				subjects.filter((s) => /^Promesse de paiement sur la page payeur.*PE-2$/.test(s)),
			).toHaveLength(1);
			const disputeMail = collector.find((m) => /Contestation/.test(m.subject ?? ''))!;
			expect(disputeMail.text).toContain('2 cartons manquants <img src=x onerror=alert(1)>');
			expect(disputeMail.html).toBeFalsy();
			// The photo reached the collector with the dispute, kept in the ledger as a JPEG attached to the dispute.
			expect(
				disputeMail.attachments.map((a) => [a.filename, a.contentType, a.content.equals(PHOTO)]),
			).toEqual([['bon de livraison.jpg', 'image/jpeg', true]]);
			expect(
				await ledger.query(
					"SELECT a.file_name, a.purpose, a.dispute_id IS NOT NULL AS linked FROM payer_attachments a JOIN invoices i ON i.id = a.invoice_id WHERE i.number = 'PE-1'",
				),
			).toEqual([{ file_name: 'bon de livraison.jpg', purpose: 'dispute_document', linked: true }]);
			for (const m of collector) expect(m.text).not.toContain('?t=');
		},
		180_000,
	);
});
