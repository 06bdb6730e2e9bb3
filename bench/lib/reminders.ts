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
 * A history in proportion to the ledger, on the filler invoices of loadReminderInvoices only (the `due` first ones
 * keep their plan): for each 1,000 invoices, 250 level 1 and 100 level 2 reminders sent, 300 payments each
 * allocated to a paid invoice, 10 pending promises on open invoices, 20 promises on a whole account (one in twenty
 * still pending, on a past date), 5 active holds and 10 released ones, 10 disputes (2 still open, half of them on
 * some lines), and 100 more customers with nothing due. What a ledger that size holds after a few years: the plan
 * must not read it all.
 */
export async function addReminderHistory(ledger: Ledger, due: number): Promise<void> {
	const filler = (modulo: number, rest: number): string =>
		`substr(number, 3)::int >= $1 AND substr(number, 3)::int % ${modulo} = ${rest}`;
	const statements = [
		`INSERT INTO customers (external_id, name, language, emails, profile)
			SELECT 'H' || g, 'Account ' || g, 'fr', '{}', 'standard'
			FROM generate_series(1, (SELECT count(*) / 10 FROM invoices)) g`,
		`INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, sent_at)
			SELECT id, customer_id, 'level1', 'email', 'sent', now() - interval '100 days' FROM invoices WHERE ${filler(4, 0)}`,
		`INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, sent_at)
			SELECT id, customer_id, 'level2', 'email', 'sent', now() - interval '90 days' FROM invoices WHERE ${filler(10, 0)}`,
		`INSERT INTO payments (source, external_ref, customer_id, amount_minor, unapplied_minor, currency, received_on, status, content_hash)
			SELECT 'bank', 'P-' || id, customer_id, payable_minor, 0, currency, paid_at::date, 'applied', 'p' || id
			FROM invoices WHERE status = 'paid' AND ${filler(3, 0)}`,
		`INSERT INTO allocations (payment_id, invoice_id, amount_minor, applied_on, invoice_issued_on)
			SELECT p.id, i.id, p.amount_minor, p.received_on, i.issue_date FROM payments p
			JOIN invoices i ON p.external_ref = 'P-' || i.id`,
		`INSERT INTO promises (customer_id, invoice_id, promised_on, status, source)
			SELECT customer_id, id, date '${REMINDERS_AS_OF}' + 15, 'pending', 'call' FROM invoices
			WHERE status = 'open' AND ${filler(100, 0)}`,
		`INSERT INTO promises (customer_id, invoice_id, promised_on, status, source)
			SELECT customer_id, NULL, due_date + 10, CASE WHEN ${filler(1000, 7)} THEN 'pending' ELSE 'kept' END, 'call'
			FROM invoices WHERE status = 'paid' AND ${filler(50, 7)}`,
		`INSERT INTO holds (customer_id, invoice_id, reason) SELECT customer_id, id, 'delay agreement' FROM invoices
			WHERE status = 'open' AND ${filler(200, 0)}`,
		`INSERT INTO holds (customer_id, invoice_id, reason, released_at)
			SELECT customer_id, NULL, 'old hold', now() - interval '30 days' FROM invoices WHERE ${filler(100, 3)}`,
		`INSERT INTO disputes (customer_id, category, status, source, source_ref)
			SELECT customer_id, 'commercial', CASE WHEN ${filler(500, 11)} THEN 'open' ELSE 'resolved' END, 'manual', 'D-' || id
			FROM invoices WHERE ${filler(100, 11)}`,
		`INSERT INTO dispute_invoices (dispute_id, invoice_id, disputed_minor)
			SELECT d.id, i.id, CASE WHEN i.id % 2 = 0 THEN 100 END FROM disputes d JOIN invoices i ON d.source_ref = 'D-' || i.id`,
	];
	await ledger.withClient(async (client) => {
		for (const sql of statements) await client.query(sql, sql.includes('$1') ? [due] : []);
		await analyze(client, [
			'customers',
			'reminders',
			'payments',
			'allocations',
			'promises',
			'holds',
			'disputes',
			'dispute_invoices',
		]);
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
