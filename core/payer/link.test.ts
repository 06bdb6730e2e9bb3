import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PDFDocument } from 'pdf-lib';
import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { pdfText } from '../../test/helpers/pdf';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtpSink';
import { produceLetters, type ProducedLetter } from '../dunning/letters';
import { planReminders } from '../dunning/plan';
import { checkTemplateText, renderTemplate } from '../dunning/templates';
import { installDefaultPolicies } from '../dunning/policy';
import { sendReminderEmails } from '../dunning/send';
import { payerPage } from './page';

// {{payerLink}} in the reminders: the e-mail carries the customer's own signed link (a link in the HTML part too),
// the letter prints it and its QR code, and the link opens that customer's page. Real ledger, SMTP sink, PDF.
const AS_OF = '2025-10-20';
const NOW = new Date('2025-10-20T09:00:00Z');
const PAGE = 'https://n8n.example/webhook/receivables/payer';
const COMPANY = { name: 'ACME SAS', addressLines: ['1 place du Commerce', '69002 Lyon'] };

/** The one QR code of a letter's first page, as a phone reads it (page rendered by pdftoppm, read by jsQR). */
function qrOf(pdf: Uint8Array): string | undefined {
	const dir = mkdtempSync(path.join(tmpdir(), 'letter-qr-'));
	try {
		writeFileSync(path.join(dir, 'letter.pdf'), pdf);
		execFileSync('pdftoppm', [
			'-r',
			'150',
			'-gray',
			'-f',
			'1',
			'-l',
			'1',
			path.join(dir, 'letter.pdf'),
			path.join(dir, 'page'),
		]);
		const file = readdirSync(dir).find((f) => f.endsWith('.pgm')) as string;
		const raw = readFileSync(path.join(dir, file));
		const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(
			raw.subarray(0, 64).toString('latin1'),
		) as RegExpExecArray;
		const [width, height] = [Number(header[1]), Number(header[2])];
		const pixels = raw.subarray(header[0].length);
		const rgba = new Uint8ClampedArray(width * height * 4);
		for (let i = 0; i < width * height; i++)
			(rgba.fill(pixels[i], i * 4, i * 4 + 3), (rgba[i * 4 + 3] = 255));
		return jsQR(rgba, width, height)?.data;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

describe('{{payerLink}} in reminders', () => {
	let ledger: Ledger;
	let sink: SmtpSink;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		sink = await startSmtpSink();
		const mail = await addCustomer(ledger, {
			externalId: 'LNK1',
			name: 'Mail Customer',
			emails: ['ap@lnk1.example'],
		});
		await addInvoice(ledger, { customerId: mail, number: 'LNK-1', dueDate: '2025-10-14' });
		const paper = await addCustomer(ledger, {
			externalId: 'LNK2',
			name: 'Paper Customer',
			emails: [],
		});
		await addInvoice(ledger, { customerId: paper, number: 'LNK-2', dueDate: '2025-10-14' });
	});
	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
	});

	it('is a known placeholder and section; the section shows only with a link', () => {
		const template = {
			subject: 'x',
			text: 'A{{#payerLink}} — {{payerLink}}{{/payerLink}}{{^payerLink}} — call us{{/payerLink}}',
		};
		expect(checkTemplateText(template, 'fr')).toEqual([]);
		const values = (payerLink: string) => ({
			values: { payerLink },
			invoices: [],
			hasCharges: false,
		});
		expect(renderTemplate(template, values('https://x.example/p?t=abc')).text).toBe(
			'A — https://x.example/p?t=abc',
		);
		expect(renderTemplate(template, values('')).text).toBe('A — call us');
		expect(renderTemplate(template, values('https://x.example/p?t=a&b')).html).toContain(
			'<a href="https://x.example/p?t=a&amp;b">',
		);
	});

	it('e-mails carry the customer’s own link, clickable, and it opens that customer’s page', async () => {
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
		const before = sink.received.length;
		const result = await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: { address: 'relances@acme.example' },
			company: COMPANY,
			payerPageUrl: PAGE,
		});
		expect(result.outcomes.map((o) => [o.customerExternalId, o.status])).toEqual([
			['LNK1', 'sent'],
		]);
		expect(JSON.stringify(result.outcomes)).not.toContain(PAGE);
		const [mail] = (await sink.parsed()).slice(before);
		const link = new RegExp(`${PAGE.replace(/[.?/]/g, '\\$&')}\\?t=[A-Za-z0-9_.-]+`).exec(
			mail.text ?? '',
		)?.[0] as string;
		expect(link).toBeDefined();
		expect(mail.text).toContain('Votre compte en ligne');
		expect(mail.html).toContain(`<a href="${link}">`);
		const page = await payerPage(
			ledger,
			{ method: 'GET', query: { t: new URL(link).searchParams.get('t') } },
			{ now: NOW },
		);
		expect(page.status).toBe(200);
		expect(page.body).toContain('LNK-1');
		expect(page.body).not.toContain('LNK-2');
	});

	it('without a Payer Page URL, no link and no paragraph', async () => {
		const c = await addCustomer(ledger, { externalId: 'LNK3', emails: ['ap@lnk3.example'] });
		await addInvoice(ledger, { customerId: c, number: 'LNK-3', dueDate: '2025-10-14' });
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
		const before = sink.received.length;
		await sendReminderEmails(
			ledger,
			plan.due.filter((m) => m.customer.externalId === 'LNK3'),
			{ smtp: sink.config, from: { address: 'relances@acme.example' }, company: COMPANY },
		);
		const [mail] = (await sink.parsed()).slice(before);
		expect(mail.text).toContain('LNK-3');
		expect(mail.text).not.toContain('Votre compte en ligne');
		expect(mail.text).not.toContain('{{');
	});

	it('letters print the link and its QR code, which a phone reads as the customer’s link', async () => {
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
		const letters: ProducedLetter[] = [];
		for await (const l of produceLetters(ledger, plan.due, {
			company: COMPANY,
			place: 'Lyon',
			payerPageUrl: PAGE,
		}))
			letters.push(l);
		expect(letters.map((l) => [l.message.customer.externalId, l.outcome.status])).toEqual([
			['LNK2', 'sent'],
		]);
		const pdf = letters[0].pdf as Uint8Array;
		const text = pdfText(pdf).replace(/\s+/g, ' ');
		expect(text).toContain('Scannez ce code pour voir vos factures ouvertes');
		// A one-invoice letter stays one sheet: the code goes beside the address when the text leaves no room under it.
		expect((await PDFDocument.load(pdf)).getPageCount()).toBe(1);
		const scanned = qrOf(pdf) as string;
		expect(scanned).toMatch(new RegExp(`^${PAGE.replace(/[.?/]/g, '\\$&')}\\?t=`));
		const page = await payerPage(
			ledger,
			{ method: 'GET', query: { t: new URL(scanned).searchParams.get('t') } },
			{ now: NOW },
		);
		expect(page.status).toBe(200);
		expect(page.body).toContain('LNK-2');
		expect(page.body).not.toContain('LNK-1');
	});
});
