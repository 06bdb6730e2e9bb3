import { spawnSync } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { DateTime } from 'luxon';
import type { Ledger } from '../ledger';
import { addDays, todayIn } from '../time';
import { recordCourierEvents } from '../tracking/events';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtpSink';
import { produceLetters, type ProducedLetter } from './letters';
import { installDefaultPolicies, savePolicy } from './policy';
import { planReminders } from './plan';
import { formatDate } from './render';
import { sendReminderEmails } from './send';
import { pdfText } from '../../test/helpers/pdf';

jest.setTimeout(60_000);

const COMPANY = {
	name: 'ACME SAS',
	addressLines: ['1 place du Commerce', '69002 Lyon'],
	siren: '123456789',
};

function pdfPages(pdf: Uint8Array): number {
	const result = spawnSync('pdfinfo', ['-'], { input: Buffer.from(pdf) });
	return Number(/Pages:\s+(\d+)/.exec(result.stdout.toString())?.[1] ?? 0);
}

/** A real PNG (a dark stroke on white), as a signature pad produces, so the PDF can embed it. */
function signaturePng(width = 120, height = 40): string {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf: Buffer) => {
		let c = 0xffffffff;
		for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(body));
		return Buffer.concat([len, body, sum]);
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 0; // greyscale
	const rows: Buffer[] = [];
	for (let y = 0; y < height; y++) {
		const row = Buffer.alloc(width + 1, 255);
		row[0] = 0;
		for (let x = 0; x < width; x++)
			if (Math.abs(y - (height / 2 + Math.sin(x / 8) * 10)) < 2) row[x + 1] = 20;
		rows.push(row);
	}
	const png = Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0)),
	]);
	return `data:image/png;base64,${png.toString('base64')}`;
}

async function collect(generator: AsyncGenerator<ProducedLetter>): Promise<ProducedLetter[]> {
	const out: ProducedLetter[] = [];
	for await (const letter of generator) out.push(letter);
	return out;
}

describe('proof of delivery in reminders', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	const today = todayIn('Europe/Paris');
	const deliveredOn = addDays(today, -40);
	const occurredAt = `${deliveredOn}T09:15:00Z`;
	const local = DateTime.fromISO(occurredAt).setZone('Europe/Paris');

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		await savePolicy(ledger, {
			code: 'standard',
			name: 'Standard',
			stages: [
				{
					code: 'pre_due',
					kind: 'pre_due',
					offsetDays: -5,
					channels: ['email'],
					template: 'pre_due',
					grouping: 'statement',
				},
				{
					code: 'level1',
					kind: 'reminder',
					level: 1,
					offsetDays: 5,
					channels: ['email', 'letter'],
					template: 'reminder_1',
					grouping: 'statement',
				},
				{
					code: 'formal_notice',
					kind: 'formal_notice',
					offsetDays: 30,
					channels: ['letter'],
					template: 'formal_notice',
					grouping: 'statement',
				},
			],
		});
		sink = await startSmtpSink();
		await ledger.query(
			`INSERT INTO staff (code, name, roles) VALUES ('CR1', 'Moussa Courier', '{courier}')`,
		);
		const mail = await addCustomer(ledger, {
			externalId: 'POD-MAIL',
			name: 'Garage Dupont',
			emails: ['compta@garage-dupont.example'],
		});
		const paper = await addCustomer(ledger, {
			externalId: 'POD-PAPER',
			name: 'Menuiserie Leroy',
			emails: [],
		});
		const delivered = [
			[
				await addInvoice(ledger, {
					customerId: mail,
					number: 'F-POD-1',
					dueDate: addDays(today, -7),
					issueDate: addDays(today, -45),
					amount: 240000n,
				}),
				mail,
			],
			[
				await addInvoice(ledger, {
					customerId: paper,
					number: 'F-POD-2',
					dueDate: addDays(today, -35),
					issueDate: addDays(today, -45),
					amount: 99000n,
				}),
				paper,
			],
		];
		// sent by post, no courier delivery
		await addInvoice(ledger, {
			customerId: mail,
			number: 'F-NOPOD',
			dueDate: addDays(today, -8),
			issueDate: addDays(today, -45),
		});
		const [wave] = await ledger.query<{ id: string }>(
			`INSERT INTO waves (code, billing_cycle, courier_code, planned_on) VALUES ('W-POD', 'monthly', 'CR1', $1) RETURNING id`,
			[deliveredOn],
		);
		for (const [invoiceId, customerId] of delivered) {
			await ledger.query(
				`INSERT INTO deliveries (wave_id, invoice_id, customer_id, status) VALUES ($1, $2, $3, 'entered')`,
				[wave.id, invoiceId, customerId],
			);
		}
		await ledger.query(`UPDATE waves SET status = 'released' WHERE id = $1`, [wave.id]);
		const results = await recordCourierEvents(ledger, [
			{
				eventId: 'pod-event-1',
				type: 'delivered',
				courierCode: 'CR1',
				invoiceNumber: 'F-POD-1',
				occurredAt,
				recipientName: 'Jean Dupont',
				signature: signaturePng(),
			},
			{
				eventId: 'pod-event-2',
				type: 'delivered',
				courierCode: 'CR1',
				invoiceNumber: 'F-POD-2',
				occurredAt,
				recipientName: 'Claire Leroy',
			},
		]);
		expect(results.map((r) => (r.ok ? r.outcome.status : r.message))).toEqual([
			'recorded',
			'recorded',
		]);
	});

	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
	});

	it('a reminder e-mail states the delivery (date, recipient) and attaches the proof with the signature', async () => {
		const plan = await planReminders(ledger, { stage: 'level1', asOf: today });
		const message = plan.due.find((m) => m.customer.externalId === 'POD-MAIL');
		expect(message?.invoices.map((i) => i.number).sort()).toEqual(['F-NOPOD', 'F-POD-1']);
		const before = sink.received.length;
		const result = await sendReminderEmails(ledger, [message!], {
			smtp: sink.config,
			from: { address: 'relances@acme.example' },
			company: COMPANY,
		});
		expect(result.outcomes.map((o) => o.status)).toEqual(['sent']);
		const [mail] = (await sink.parsed()).slice(before);
		const date = formatDate(local.toISODate(), 'fr');
		expect(mail.text).toContain(
			`Preuve de livraison :\n- la facture F-POD-1 vous a été remise par coursier le ${date} à ${local.toFormat('HH:mm')} (Europe/Paris), reçue par Jean Dupont, qui a signé le bon de livraison`,
		);
		expect(mail.text).not.toMatch(/F-NOPOD vous a été remise/);
		expect(mail.html).toContain('reçue par Jean Dupont');
		const proof = mail.attachments.find((a) => a.filename === 'preuve-de-livraison-F-POD-1.pdf');
		expect(proof?.contentType).toBe('application/pdf');
		expect(mail.attachments).toHaveLength(1);
		const text = pdfText(proof!.content);
		expect(text).toContain('Preuve de livraison');
		expect(text).toContain('Jean Dupont');
		expect(text).toContain(`${date} à ${local.toFormat('HH:mm')}`);
		expect(text).toContain('F-POD-1');
		expect(text).toContain('Moussa Courier');
		expect(text).toContain('Signature du destinataire');
		expect(text).not.toContain('Aucune signature');
		// the signature is drawn as an image
		expect(Buffer.from(proof!.content).toString('latin1')).toMatch(/\/Subtype\s*\/Image/);
	});

	it('the formal notice letter states the delivery and carries the proof page', async () => {
		const plan = await planReminders(ledger, { stage: 'formal_notice', asOf: today });
		const message = plan.due.find((m) => m.customer.externalId === 'POD-PAPER');
		expect(message?.channel).toBe('letter');
		const [letter] = await collect(
			produceLetters(ledger, [message!], { company: COMPANY, place: 'Lyon' }),
		);
		expect(letter.outcome.status).toBe('sent');
		// the letter (with the computation of the charges, per half-year) and the proof page
		expect(pdfPages(letter.pdf!)).toBeGreaterThanOrEqual(2);
		const text = pdfText(letter.pdf!);
		const date = formatDate(local.toISODate(), 'fr');
		expect(text).toMatch(/MISE EN DEMEURE|[Mm]ise en demeure/);
		expect(text).toContain('reçue par Claire Leroy');
		expect(text).toContain('Preuve de livraison');
		expect(text).toContain(`${date} à ${local.toFormat('HH:mm')}`);
		// no signature was taken for this one: the proof says so
		expect(text).toContain('Aucune signature n’a été recueillie.');
	});

	it('stages before the due date say nothing about deliveries', async () => {
		const c = await addCustomer(ledger, { externalId: 'POD-PRE', emails: ['ap@pre.example'] });
		await addInvoice(ledger, { customerId: c, number: 'F-PRE', dueDate: addDays(today, 5) });
		const plan = await planReminders(ledger, { stage: 'pre_due', asOf: today });
		const before = sink.received.length;
		await sendReminderEmails(
			ledger,
			plan.due.filter((m) => m.customer.externalId === 'POD-PRE'),
			{ smtp: sink.config, from: { address: 'relances@acme.example' }, company: COMPANY },
		);
		const [mail] = (await sink.parsed()).slice(before);
		expect(mail.text).not.toContain('Preuve de livraison');
		expect(mail.attachments).toHaveLength(0);
	});
});
