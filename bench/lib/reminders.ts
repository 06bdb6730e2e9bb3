import { connect } from 'node:net';
import * as nodemailer from 'nodemailer';
import { savePolicy, type Ledger } from '../../core';
import { analyze, copyCustomers, copyInvoices, timeIt, type InvoiceRow } from './ledgers';

/**
 * The reminder set-ups the dunning benches share (in-process and inside a real n8n): one level 1 stage, customers
 * each with invoices due in its window, and the raw nodemailer reference.
 */

/** The date the reminders are planned at. */
export const REMINDERS_AS_OF = '2026-03-31';
const asOfDate = new Date(`${REMINDERS_AS_OF}T00:00:00Z`);
const dayOffset = (days: number): string =>
	new Date(asOfDate.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/** The standard policy as one stage, one invoice statement per customer, a static cc: the seed's level 1. */
export async function saveLevel1Policy(ledger: Ledger): Promise<void> {
	await savePolicy(ledger, {
		code: 'standard',
		name: 'Standard',
		stages: [
			{
				code: 'level1',
				kind: 'reminder',
				offsetDays: 5,
				channels: ['email', 'letter'],
				template: 'reminder_1',
				grouping: 'statement',
				cc: ['ventes@acme.example'],
			},
		],
	});
}

/** Customers C0..C(n-1) on the standard policy, with an address; `emails` false: no e-mail address (letters). */
export async function loadReminderCustomers(
	ledger: Ledger,
	count: number,
	emails: boolean,
): Promise<void> {
	await ledger.withClient((client) =>
		copyCustomers(client, count, { emails, address: true, profile: 'standard' }),
	);
}

/**
 * `due` open invoices due `dueDaysAgo` days before REMINDERS_AS_OF (in the level1 window), plus `filler` invoices
 * outside it: 90 % paid, 10 % open with due dates spread over two years, outside the level 1 windows of the
 * policies. Invoice i goes to the i-th customer (modulo `customers`).
 */
export async function loadReminderInvoices(
	ledger: Ledger,
	customers: number,
	due: number,
	filler: number,
	dueDaysAgo = 7,
): Promise<void> {
	const ids = await ledger.query<{ id: string }>('SELECT id FROM customers ORDER BY id');
	await ledger.withClient(async (client) => {
		function* rows(): Generator<InvoiceRow> {
			for (let i = 0; i < due + filler; i++) {
				const amount = 10_000 + ((i * 7919) % 900_000);
				let status: InvoiceRow['status'] = 'open';
				let dueDate = dayOffset(-dueDaysAgo);
				let open = amount;
				let paidAt: string | null = null;
				if (i >= due) {
					if (i % 10 !== 0) {
						status = 'paid';
						open = 0;
						dueDate = dayOffset(-((i * 31) % 700));
						paidAt = dayOffset(-((i * 31) % 700) + 20);
					} else {
						// open, but outside every policy's level 1 window (2 to 46 days late)
						const late = (i * 37) % 700;
						dueDate = dayOffset(-(late >= 0 && late < 50 ? late + 50 : late));
					}
				}
				yield {
					number: `F-${i}`,
					customerId: ids[i % customers].id,
					excl: Math.round(amount / 1.2),
					tax: amount - Math.round(amount / 1.2),
					open,
					issue: dayOffset(-60),
					due: dueDate,
					status,
					paidAt,
					hash: `h${i}`,
				};
			}
		}
		await copyInvoices(client, rows());
		await analyze(client, ['invoices', 'customers']);
	});
}

/**
 * nodemailer's pooled transport as the package's pool sets it up (TCP_NODELAY on its sockets, no limit of messages
 * per connection), plain SMTP on loopback.
 */
export function pooledNodelayTransport(
	smtp: { host: string; port: number },
	maxConnections: number,
): nodemailer.Transporter {
	return nodemailer.createTransport({
		pool: true,
		maxConnections,
		maxMessages: Infinity,
		host: smtp.host,
		port: smtp.port,
		secure: false,
		ignoreTLS: true,
		getSocket: (
			_options: unknown,
			callback: (err: Error | null, socket?: { connection: unknown }) => void,
		) => {
			const socket = connect(smtp.port, smtp.host, () => callback(null, { connection: socket }));
			socket.setNoDelay(true);
			socket.once('error', (error) => callback(error));
		},
	} as nodemailer.TransportOptions);
}

const REMINDER_TEXT =
	'Bonjour,\n\nSauf erreur de notre part, la facture suivante reste impayée :\n\n- Facture F-1 du 30 janvier 2026, échue le 24 mars 2026 : 1 234,56 € restant dû\n\nTotal restant dû : 1 234,56 €.\n\nCordialement,\nService recouvrement\nACME SAS';

/**
 * The raw reference: `count` ready-made messages of a reminder's size sent on `transport`, twice as many senders
 * as connections; closes the transport and returns the time (ms).
 */
export async function sendReadyMadeReminders(
	transport: nodemailer.Transporter,
	count: number,
	connections: number,
): Promise<number> {
	let next = 0;
	const ms = await timeIt(async () => {
		await Promise.all(
			Array.from({ length: connections * 2 }, async () => {
				while (next < count) {
					const i = next++;
					await transport.sendMail({
						from: 'Relances <relances@acme.example>',
						to: `client${i}@customers.example`,
						cc: 'ventes@acme.example',
						subject: 'Relance : facture(s) échue(s) – 1 234,56 €',
						text: REMINDER_TEXT,
						html: `<p>${REMINDER_TEXT.replace(/\n/g, '<br>')}</p>`,
					});
				}
			}),
		);
	});
	transport.close();
	return ms;
}
