/**
 * Every operation as a node, one table: each row runs one operation through n8n-core's engine against a real ledger
 * (happy path) and checks which output its items go to and what they say. Rows run in order and share one ledger:
 * a row can use what an earlier one made (a wave planned, then entered, then released). The last test fails when an
 * operation of a node's description has no row here and no node-level test named in COVERED_ELSEWHERE, so a new
 * operation cannot go untested.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { enrolCourierDevice, signWebhookRequest, todayIn, type Ledger } from '../../core';
import { dropTestLedger } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { closeEngine, rawWebhookItem, webhookItem, type WorkflowRun } from '../helpers/engine';
import { NODE, outputCounts, runNode, type NodeName } from '../helpers/nodes';
import { pdfText } from '../helpers/pdf';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import { seedDistribution } from '../workflows/distribution-helpers';
import { credentialsFor, dunningLedger } from '../workflows/dunning-helpers';
import { operationsOfNodes, COVERED_ELSEWHERE, coveredElsewhereProblems } from './coverage';

interface Row {
	node: NodeName;
	operation: string;
	/** Parameters, or a function of what earlier rows found (run when the row runs). */
	parameters?: IDataObject | (() => IDataObject);
	items?:
		| Array<IDataObject | INodeExecutionData>
		| (() =>
				| Array<IDataObject | INodeExecutionData>
				| Promise<Array<IDataObject | INodeExecutionData>>);
	/** The row needs the SMTP sink (its credential is given). */
	smtp?: boolean;
	/** The output (index) that must receive the items (default: the first). */
	output?: number;
	/** What the items on that output say (with the run, for files and the other outputs). */
	check: (json: IDataObject[], run: WorkflowRun) => void | Promise<void>;
}

/** What rows found, for the rows after them. */
const found: {
	reviewId?: string;
	disputeId?: string;
	waveCode?: string;
	waveCourier?: string;
	waveInvoices?: string[];
	calls?: IDataObject[];
	deviceId?: string;
} = {};
let ledger: Ledger;
let sink: SmtpSink;

/** A page request as the Webhook node gives it: GET, no session. */
/** Today in the company's zone (the day disputes were resolved and deliveries recorded). */
const todayInParis = () => todayIn('Europe/Paris');

const pageGet = () => [
	webhookItem({ headers: { 'content-type': 'text/html', 'accept-language': 'fr' } }),
];

const rows: Row[] = [
	// Dunning: OP-INV-1 (1,200.00 EUR) is 7 days late on 2026-03-31.
	{
		node: 'reminderStep',
		operation: 'plan',
		parameters: { stage: 'level1', asOf: '2026-03-31' },
		check: (due) => {
			expect(due).toHaveLength(1);
			expect(due[0]).toMatchObject({
				stage: 'level1',
				customerExternalId: 'OP-1',
				to: ['ap@operations.example'],
				currency: 'EUR',
				totalOpen: '1200.00',
				invoices: [{ number: 'OP-INV-1', daysLate: 7 }],
			});
		},
	},
	{
		node: 'reminderStep',
		operation: 'lateCharges',
		parameters: {
			amount: '1000.00',
			currency: 'EUR',
			dueDate: '2026-01-31',
			chargesAsOf: '2026-03-31',
		},
		check: ([j]) => expect((j.charges as IDataObject).daysLate).toBe(59),
	},
	{
		node: 'reminderStep',
		operation: 'statementOfCharges',
		parameters: { statementCustomer: 'OP-1', statementAsOf: '2026-03-31' },
		// Late-payment interest at the French legal rate for 7 days on 1,200.00, and the 40 EUR fixed indemnity; the
		// item's own warnings (none: 2026-S1 is in the shipped tables).
		check: ([j]) =>
			expect(j).toMatchObject({
				customerExternalId: 'OP-1',
				invoices: 1,
				interest: '2.80',
				indemnities: { EUR: '40.00' },
				lines: [{ number: 'OP-INV-1', daysLate: 7, rateSource: 'legal' }],
				warnings: [],
			}),
	},
	{
		node: 'reminderStep',
		operation: 'digest',
		parameters: { digestAsOf: '2026-03-31' },
		check: ([j]) =>
			expect(j).toMatchObject({
				collector: { code: 'COL1' },
				stages: [{ stage: 'level1', messages: 1, invoices: 1 }],
				problems: [],
			}),
	},
	{
		node: 'reminderStep',
		operation: 'sendEmail',
		smtp: true,
		parameters: {
			stage: 'level1',
			asOf: '2026-03-31',
			senderEmail: 'ar@acme.example',
			senderName: 'ACME SAS',
		},
		check: async (sent) => {
			expect(sent).toHaveLength(1);
			expect(sent[0]).toMatchObject({
				status: 'sent',
				stage: 'level1',
				customerExternalId: 'OP-1',
				invoiceNumbers: ['OP-INV-1'],
			});
			expect(sent[0].recipients).toContain('ap@operations.example');
			const mails = await sink.parsed();
			const bare = (id: unknown) => String(id).replace(/[<>]/g, '');
			const mail = mails.find((m) => bare(m.messageId) === bare(sent[0].messageId));
			expect(mail?.subject).toBe(sent[0].subject);
			expect(mail?.text).toContain('OP-INV-1');
		},
	},
	// A note recorded on its own day: noon in the workflow's zone (Europe/Paris, summer time from 29 March) = 10:00 UTC.
	{
		node: 'reminderStep',
		operation: 'recordOutcome',
		parameters: {
			customerExternalId: 'OP-1',
			kind: 'note',
			summary: 'called, will pay',
			outcomeAt: '2026-03-30',
		},
		check: ([j]) => expect(j).toMatchObject({ recorded: 1, customerLedgerId: expect.any(String) }),
	},
	{
		node: 'reminderStep',
		operation: 'timeline',
		parameters: { timelineCustomer: 'OP-1' },
		check: (entries) => {
			expect(entries.find((e) => e.kind === 'note')).toMatchObject({
				summary: 'called, will pay',
				at: '2026-03-30T10:00:00.000Z',
			});
			expect(entries.some((e) => e.stage === 'level1' && e.messageId)).toBe(true);
		},
	},
	// Quality calls: a call five days before the due date, its list, a promise, broken on 2026-03-31.
	{
		node: 'qualityContact',
		operation: 'planCalls',
		// OP-INV-1 falls due on 2026-03-24: five days before, its customer is called.
		parameters: { daysBeforeDue: 5, options: { asOf: '2026-03-19' } },
		check: (calls) => {
			expect(calls).toHaveLength(1);
			expect(calls[0]).toMatchObject({
				status: 'created',
				dueOn: '2026-03-19',
				customer: { externalId: 'OP-1' },
				assignee: { code: 'COL1' },
			});
			expect((calls[0].invoices as IDataObject[]).map((x) => x.number)).toEqual(['OP-INV-1']);
			found.calls = calls;
		},
	},
	{
		node: 'qualityContact',
		operation: 'exportCallList',
		parameters: { fileName: 'op-calls', company: 'Operations & Co', format: 'both' },
		items: () => (found.calls ?? []).map((json) => ({ json })),
		check: ([j], run) => {
			const binary = run.nodeOutputs(NODE, 0)[0].binary ?? {};
			expect(binary.pdf?.mimeType).toBe('application/pdf');
			const csv = Buffer.from(String(binary.csv?.data), 'base64').toString('utf8');
			expect(csv).toContain('Operations & Co');
			expect(csv).toContain('OP-INV-1');
			expect(String(j.csvPath)).toMatch(/call-lists.op-calls\.csv$/);
		},
	},
	{
		node: 'qualityContact',
		operation: 'recordOutcome',
		parameters: {
			taskId: '',
			customer: 'OP-1',
			outcome: 'promise',
			promiseDate: '2026-03-27',
			promiseAmount: '1200.00',
			options: { invoices: 'OP-INV-1', actor: 'COL1', asOf: '2026-03-19' },
		},
		output: 3,
		check: ([j]) =>
			expect(j).toMatchObject({
				outcome: 'promise',
				status: 'recorded',
				customer: { externalId: 'OP-1' },
				promises: [
					{ invoice: 'OP-INV-1', promisedOn: '2026-03-27', amount: '1200.00', currency: 'EUR' },
				],
			}),
	},
	{
		node: 'qualityContact',
		operation: 'settlePromises',
		parameters: { options: { asOf: '2026-03-31' } },
		output: 1,
		check: ([j]) =>
			expect(j).toMatchObject({
				customer: 'OP-1',
				invoice: 'OP-INV-1',
				promisedOn: '2026-03-27',
				status: 'broken',
			}),
	},
	{
		node: 'qualityContact',
		operation: 'promiseStats',
		check: (rows) =>
			expect(rows).toEqual([
				expect.objectContaining({ customer: 'OP-1', kept: 0, broken: 1, pending: 0 }),
			]),
	},
	// Disputes: a reply classified, a dispute opened and analysed, a review queued, labelled by a person, the dispute resolved.
	{
		node: 'disputeClassifier',
		operation: 'classify',
		parameters: { text: 'Le prix de la facture OP-INV-1 ne correspond pas au devis.' },
		check: ([j]) => expect((j.classification as IDataObject).category).toBe('commercial'),
	},
	{
		node: 'disputeClassifier',
		operation: 'openDispute',
		parameters: { invoiceNumbers: 'OP-INV-1', category: 'commercial' },
		check: ([j]) => {
			expect(j.disputeId).toBeTruthy();
			found.disputeId = String(j.disputeId);
		},
	},
	{
		node: 'disputeClassifier',
		operation: 'analyse',
		parameters: { groupBy: 'category' },
		check: ([j]) =>
			expect(j).toMatchObject({
				totals: { count: 1, open: 1, resolved: 0 },
				groups: [
					{ key: 'commercial', count: 1, amounts: [{ currency: 'EUR', amount: '1200.00' }] },
				],
			}),
	},
	{
		node: 'disputeClassifier',
		operation: 'queueReview',
		parameters: { reviewText: 'Bonjour, merci.' },
		items: [{ classification: { category: 'other', confidence: 0.2 } }],
		check: ([j]) => {
			expect(j.reviewId).toBeTruthy();
			found.reviewId = String(j.reviewId);
		},
	},
	{
		node: 'disputeClassifier',
		operation: 'reviewQueue',
		check: (reviews) => expect(reviews.map((r) => r.reviewId)).toEqual([found.reviewId]),
	},
	{
		node: 'disputeClassifier',
		operation: 'confirmLabel',
		parameters: () => ({
			reviewId: found.reviewId,
			label: 'auto_reply',
			options: { actor: 'COL1' },
		}),
		check: ([j]) => expect(j).toMatchObject({ reviewId: found.reviewId, label: 'auto_reply' }),
	},
	{
		node: 'disputeClassifier',
		operation: 'resolveDispute',
		parameters: () => ({
			disputeId: found.disputeId,
			resolution: 'credit_note',
			rootCause: 'Price list not updated',
			options: { actor: 'COL1' },
		}),
		check: async ([j]) => {
			// A credit note means the customer was right; the invoice's dunning resumes.
			expect(j).toMatchObject({
				status: 'resolved',
				disputeId: found.disputeId,
				resolution: 'credit_note',
				justified: true,
				invoices: [{ number: 'OP-INV-1', dunningResumes: true }],
			});
			const [dispute] = await ledger.query<{ root_cause: string }>(
				'SELECT root_cause FROM disputes WHERE id = $1',
				[found.disputeId],
			);
			expect(dispute.root_cause).toBe('Price list not updated');
		},
	},
	{
		node: 'receivablesReport',
		operation: 'disputeAnalysis',
		parameters: () => ({ asOf: todayInParis() }),
		check: ([row]) =>
			expect(row).toMatchObject({
				cle: 'commercial',
				nombre: 1,
				encours: 0,
				resolus: 1,
				fondes: 1,
				montant_EUR: '1200.00',
			}),
	},
	// Intake: customers, a payment before its invoice (kept), the invoice, the payment applied by the retry; another kept payment applied by a person.
	{
		node: 'invoiceIntake',
		operation: 'storeCustomers',
		parameters: { source: 'item' },
		items: [{ externalId: 'OP-2', name: 'Second Customer SARL' }],
		check: ([j]) => expect(j.status).toBe('created'),
	},
	{
		node: 'invoiceIntake',
		operation: 'storePayments',
		parameters: { paymentSource: 'item' },
		items: [
			{
				externalRef: 'OP-P1',
				amount: '10.00',
				currency: 'EUR',
				receivedOn: '2026-03-02',
				reference: 'OP-INV-2',
			},
		],
		check: ([j]) =>
			expect(j).toMatchObject({
				externalRef: 'OP-P1',
				status: 'created',
				allocationStatus: 'unapplied',
			}),
	},
	{
		node: 'invoiceIntake',
		operation: 'storeInvoices',
		parameters: { source: 'item' },
		items: [
			{
				number: 'OP-INV-2',
				customerId: 'OP-1',
				issueDate: '2026-03-01',
				dueDate: '2026-03-31',
				totalIncl: '10.00',
				currency: 'EUR',
			},
		],
		check: ([j]) => expect(j).toMatchObject({ status: 'created', number: 'OP-INV-2' }),
	},
	{
		node: 'invoiceIntake',
		operation: 'retryUnappliedPayments',
		check: ([j], run) => {
			expect(j).toMatchObject({
				changed: true,
				allocationStatus: 'applied',
				allocations: [
					{
						invoiceNumber: 'OP-INV-2',
						amount: '10.00',
						method: 'reference',
						invoiceStatus: 'paid',
					},
				],
			});
			expect(run.json(NODE, 2)).toEqual([
				expect.objectContaining({
					type: 'invoice.paid',
					invoiceNumber: 'OP-INV-2',
					amountPaid: '10.00',
				}),
			]);
		},
	},
	{
		node: 'invoiceIntake',
		operation: 'storePayments',
		parameters: { paymentSource: 'item' },
		items: [
			{
				externalRef: 'OP-P2',
				amount: '100.00',
				currency: 'EUR',
				receivedOn: '2026-03-25',
				payerName: 'Nobody Known',
			},
		],
		check: ([j]) =>
			expect(j).toMatchObject({
				externalRef: 'OP-P2',
				status: 'created',
				allocationStatus: 'unapplied',
				flagReason: 'UNKNOWN_PAYER',
			}),
	},
	{
		node: 'invoiceIntake',
		operation: 'applyPayment',
		parameters: {
			paymentRef: 'OP-P2',
			invoices: { invoice: [{ invoiceNumber: 'OP-INV-1', amount: '100.00' }] },
			applyOptions: { actor: 'COL1', note: 'customer called' },
		},
		check: async ([j]) => {
			expect(j).toMatchObject({
				externalRef: 'OP-P2',
				alreadyApplied: false,
				allocations: [
					{ invoiceNumber: 'OP-INV-1', amount: '100.00', method: 'manual', invoiceOpen: '1100.00' },
				],
			});
			const [invoice] = await ledger.query<{ open: string }>(
				`SELECT open_minor::text AS open FROM invoices WHERE number = 'OP-INV-1'`,
			);
			expect(invoice.open).toBe('110000');
		},
	},
	// Distribution: the cycle run planned in waves, entered, printed, released to the courier, who records a delivery.
	{
		node: 'wavePlanner',
		operation: 'retroplanning',
		parameters: { targetDate: '2026-05-15', country: 'MA' },
		check: ([j]) => expect(j.targetDate).toBe('2026-05-15'),
	},
	{
		node: 'wavePlanner',
		operation: 'cycleInvoices',
		parameters: { runDate: '2026-03-31', onlyRunDay: false },
		check: (rows) =>
			expect(rows.map((r) => r.invoiceNumber).sort()).toEqual(['MA-1', 'MA-2', 'MA-3', 'SN-1']),
	},
	{
		node: 'wavePlanner',
		operation: 'planWaves',
		parameters: { runDate: '2026-03-31', startDate: '2026-03-30', maxPerCourierPerDay: 10 },
		check: (waves) => {
			const casablanca = waves.find((w) => w.zone === 'CASA-NORD');
			expect(casablanca).toMatchObject({
				country: 'MA',
				currency: 'MAD',
				invoiceCount: 3,
				preview: false,
			});
			found.waveCode = String(casablanca?.waveCode);
			found.waveCourier = String(casablanca?.courierCode);
			found.waveInvoices = (casablanca?.invoices as IDataObject[]).map((x) => String(x.number));
			expect(found.waveInvoices.sort()).toEqual(['MA-1', 'MA-2', 'MA-3']);
		},
	},
	{
		node: 'wavePlanner',
		operation: 'markEntered',
		parameters: () => ({ waveCode: found.waveCode }),
		check: ([j]) => expect(j).toMatchObject({ waveCode: found.waveCode }),
	},
	{
		node: 'wavePlanner',
		operation: 'manifestPdf',
		parameters: () => ({ waveCode: found.waveCode, language: 'fr' }),
		check: ([j], run) => {
			const pdf = run.nodeOutputs(NODE, 0)[0].binary?.data;
			expect(pdf?.mimeType).toBe('application/pdf');
			expect(j.waveCode).toBe(found.waveCode);
			const text = pdfText(Buffer.from(String(pdf?.data), 'base64'));
			expect(text).toContain('Atlas Distribution');
			for (const number of found.waveInvoices ?? []) expect(text).toContain(number);
		},
	},
	{
		node: 'wavePlanner',
		operation: 'releaseWave',
		parameters: () => ({ waveCode: found.waveCode }),
		check: ([j]) =>
			expect(j).toMatchObject({ waveCode: found.waveCode, courierCode: found.waveCourier }),
	},
	{
		node: 'courierTracking',
		operation: 'saveCourierAccount',
		parameters: () => ({
			login: 'op.courier',
			name: 'Courier of the wave',
			staffCode: found.waveCourier,
			secret: 'a long enough courier secret 123',
			language: 'fr',
		}),
		check: ([j]) => {
			expect(j).toMatchObject({
				login: 'op.courier',
				staffCode: found.waveCourier,
				language: 'fr',
			});
			expect(JSON.stringify(j)).not.toContain('courier secret');
		},
	},
	{
		node: 'courierTracking',
		operation: 'recordEvent',
		items: async () => {
			const phone = await enrolCourierDevice(ledger, {
				courierLogin: 'op.courier',
				label: 'Courier phone',
			});
			found.deviceId = phone.deviceId;
			const raw = JSON.stringify({
				events: [
					{
						eventId: 'op-ev-1',
						type: 'delivered',
						courierCode: found.waveCourier,
						invoiceNumber: 'MA-1',
						occurredAt: new Date(Date.now() - 1000).toISOString(),
						recipientName: 'M. Alaoui',
					},
				],
			});
			const delivery = 'op-delivery-1';
			return [
				rawWebhookItem(raw, {
					headers: {
						'x-receivables-device': phone.deviceId,
						'x-receivables-delivery': delivery,
						'x-receivables-signature': signWebhookRequest({
							rawBody: raw,
							secret: phone.key,
							deliveryId: delivery,
						}),
					},
				}),
			];
		},
		check: async ([j]) => {
			expect(j.httpStatus).toBe(200);
			const results = (j.response as IDataObject).results as IDataObject[];
			expect(results[0]).toMatchObject({
				ok: true,
				status: 'recorded',
				deliveryStatus: 'delivered',
			});
			const [invoice] = await ledger.query<{ reception: string | null }>(
				`SELECT reception_date::text AS reception FROM invoices WHERE number = 'MA-1'`,
			);
			expect(invoice.reception).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		},
	},
	{
		node: 'courierTracking',
		operation: 'revokeCourierDevice',
		parameters: () => ({ deviceId: found.deviceId, reason: 'lost device', endSessions: true }),
		check: async ([j]) => {
			expect(j).toEqual({ deviceId: found.deviceId, revoked: true });
			const [device] = await ledger.query<{ revoked: boolean }>(
				`SELECT revoked_at IS NOT NULL AS revoked FROM courier_devices WHERE id = $1`,
				[found.deviceId],
			);
			expect(device.revoked).toBe(true);
		},
	},
	{
		node: 'courierTracking',
		operation: 'revokeSessions',
		parameters: { accountKind: 'courier', accountLogin: 'op.courier' },
		check: ([j]) =>
			expect(j).toEqual({ kind: 'courier', login: 'op.courier', sessionsRevoked: true }),
	},
	{
		node: 'courierTracking',
		operation: 'savePortalUser',
		parameters: {
			login: 'op.portal',
			name: 'Portal User',
			level: 1,
			secret: 'a long enough portal secret 123',
		},
		check: ([j]) => expect(j.login).toBe('op.portal'),
	},
	{
		node: 'courierTracking',
		operation: 'statusQuery',
		parameters: { portalLogin: 'op.portal' },
		check: (rows) => {
			expect(rows.find((r) => r.invoiceNumber === 'MA-1')).toMatchObject({
				outcome: 'delivered',
				recipientName: 'M. Alaoui',
				waveCode: found.waveCode,
				receptionDate: todayInParis(),
			});
			expect(rows.find((r) => r.invoiceNumber === 'MA-2')).toMatchObject({ outcome: 'entered' });
		},
	},
	// Per month and currency: the three Casablanca invoices, one delivered.
	{
		node: 'wavePlanner',
		operation: 'waveCosts',
		check: (rows) =>
			expect(rows.find((r) => r.currency === 'MAD')).toMatchObject({
				key: '2026-03',
				invoices: 3,
				delivered: 1,
			}),
	},
	{
		node: 'receivablesReport',
		operation: 'distribution',
		parameters: () => ({ asOf: todayInParis(), options: { from: '2026-03-01' } }),
		check: (rows) =>
			expect(rows.find((r) => r.zone === 'CASA-NORD')).toMatchObject({
				coursier: found.waveCourier,
				devise: 'MAD',
				tournees: 1,
				remises_prevues: 3,
				remises: 1,
			}),
	},
	// The pages answer a first visit with their sign-in form, for Respond to Webhook.
	{
		node: 'courierTracking',
		operation: 'portalPage',
		items: pageGet,
		check: ([j]) => expectSignInPage(j),
	},
	{
		node: 'courierTracking',
		operation: 'courierPage',
		items: pageGet,
		check: ([j]) => expectSignInPage(j),
	},
	{
		node: 'receivablesReport',
		operation: 'dashboardPage',
		parameters: { company: 'Operations & Co' },
		items: pageGet,
		check: ([j]) => expectSignInPage(j),
	},
	// Reports.
	{
		node: 'receivablesReport',
		operation: 'agedBalance',
		parameters: { asOf: '2026-03-31' },
		check: (rows) =>
			expect(rows.find((r) => r.cle === 'OP-1')).toMatchObject({
				devise: 'EUR',
				factures: 1,
				'1-30': '1100.00',
			}),
	},
	{
		node: 'receivablesReport',
		operation: 'dsoCei',
		parameters: { asOf: '2026-03-31' },
		check: (rows) =>
			expect(rows.find((r) => r.mois === '2026-03' && r.devise === 'EUR')).toMatchObject({
				date: '2026-03-31',
				creances: expect.stringMatching(/^\d+\.\d\d$/),
			}),
	},
	{
		node: 'receivablesReport',
		operation: 'daysLate',
		parameters: () => ({ asOf: todayInParis() }),
		check: (rows) =>
			expect(rows.find((r) => r.client === 'OP-1')).toMatchObject({
				devise: 'EUR',
				factures: 2,
				paye: '110.00',
			}),
	},
	{
		node: 'receivablesReport',
		operation: 'balanceCleaning',
		parameters: () => ({ asOf: todayInParis() }),
		check: (rows) =>
			expect(rows.find((r) => r.facture === 'OP-INV-1')).toMatchObject({
				rubrique: 'doubtful',
				montant: '1100.00',
				detail: 'overdue',
			}),
	},
	{
		node: 'receivablesReport',
		operation: 'reminderResults',
		parameters: () => ({ asOf: todayInParis() }),
		check: (rows) =>
			expect(rows.find((r) => r.etape === 'level1')).toMatchObject({ envoyees: 1, rejetees: 0 }),
	},
	{
		node: 'receivablesReport',
		operation: 'pdfReport',
		parameters: { asOf: '2026-03-31' },
		check: ([j]) => expect(j.fileName).toMatch(/2026-03-31/),
	},
	{
		node: 'receivablesReport',
		operation: 'filesFolder',
		parameters: { kind: 'reports' },
		check: ([j]) => expect(j.kind).toBe('reports'),
	},
	{
		node: 'receivablesReport',
		operation: 'emailReport',
		smtp: true,
		parameters: {
			fromEmail: 'reports@acme.example',
			toEmail: 'cfo@acme.example',
			subject: 'Operations report',
			message: 'The aged balance of today.',
		},
		check: async ([j]) => {
			expect(JSON.stringify(j)).toContain('cfo@acme.example');
			const mails = await sink.parsed();
			expect(mails.find((m) => m.subject === 'Operations report')?.text).toContain(
				'The aged balance of today.',
			);
		},
	},
];

/** A page's first answer: 200, its sign-in form, the security headers, no session. */
function expectSignInPage(j: IDataObject): void {
	expect(j.httpStatus).toBe(200);
	expect(String(j.body)).toMatch(/<form[^>]*method="post"/i);
	expect(String(j.body)).toMatch(/type="password"/);
	const headers = Object.fromEntries(
		Object.entries(j.headers as IDataObject).map(([k, v]) => [k.toLowerCase(), v]),
	);
	expect(headers['content-security-policy']).toBeTruthy();
	expect(JSON.stringify(j)).not.toMatch(/session=/i);
}

describe('every operation as a node, against a real ledger', () => {
	beforeAll(async () => {
		ledger = await dunningLedger();
		sink = await startSmtpSink();
		const customer = await addCustomer(ledger, {
			externalId: 'OP-1',
			name: 'Operations & Co',
			emails: ['ap@operations.example'],
		});
		await addInvoice(ledger, {
			customerId: customer,
			number: 'OP-INV-1',
			dueDate: '2026-03-24',
			amount: 120000n,
		});
		await seedDistribution(ledger);
	}, 60_000);

	afterAll(async () => {
		await closeEngine();
		await sink?.close();
		await dropTestLedger(ledger);
	});

	test.each(rows.map((row) => [`${row.node} › ${row.operation}`, row] as const))(
		'%s',
		async (_title, row) => {
			const parameters =
				typeof row.parameters === 'function' ? row.parameters() : (row.parameters ?? {});
			const triggerItems = typeof row.items === 'function' ? await row.items() : row.items;
			const run = await runNode(
				row.node,
				{ operation: row.operation, ...parameters },
				{ credentials: credentialsFor(ledger, row.smtp ? sink : undefined), triggerItems },
			);
			if (process.env.DEBUG_OPERATIONS)
				console.log(
					row.node,
					row.operation,
					JSON.stringify(
						run.run.data.resultData.runData[NODE]?.[0]?.data?.main?.map((o) =>
							o?.map((i) => i.json),
						),
					).slice(0, 1500),
					run.error,
				);
			expect(run.error).toBeUndefined();
			expect(run.status).toBe('success');
			const counts = outputCounts(run);
			const output = row.output ?? 0;
			expect(counts[output]).toBeGreaterThanOrEqual(1);
			// An operation with several outputs has the Error output last: nothing on it.
			if (counts.length > 1) expect(counts[counts.length - 1]).toBe(0);
			for (const item of run.nodeOutputs(NODE, output)) expect(item.pairedItem).toBeDefined();
			await row.check(run.json(NODE, output), run);
		},
		60_000,
	);
});

describe('no operation without a node-level test', () => {
	test('every operation of every node (its description, every version) has a row above or a node test named in COVERED_ELSEWHERE', () => {
		const inTable = new Set(rows.map((row) => `${row.node}.${row.operation}`));
		const operations = operationsOfNodes();
		expect(operations.length).toBeGreaterThan(60);
		const untested = operations.filter((op) => !inTable.has(op) && !(op in COVERED_ELSEWHERE));
		expect(untested).toEqual([]);
		// Nothing listed that no node has (a renamed operation), and no operation both in the table and elsewhere.
		expect(
			[...inTable, ...Object.keys(COVERED_ELSEWHERE)].filter((op) => !operations.includes(op)),
		).toEqual([]);
		expect(Object.keys(COVERED_ELSEWHERE).filter((op) => inTable.has(op))).toEqual([]);
	});

	test('each test named in COVERED_ELSEWHERE runs its operation as a node (in its parameters or a shipped workflow it loads)', () => {
		expect(coveredElsewhereProblems()).toEqual([]);
	});
});
