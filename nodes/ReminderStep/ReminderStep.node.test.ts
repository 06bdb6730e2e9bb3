import type { IDataObject } from 'n8n-workflow';
import type { Ledger } from '../../core';
import { storeInvoices } from '../../core/ledger/invoices';
import { storePayments } from '../../core/ledger/payments';
import type { LedgerInvoice } from '../../core/ledger/types';
import { dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice } from '../../test/helpers/dunning';
import { closeEngine, runWorkflow, type WorkflowJson } from '../../test/helpers/engine';
import { credentialsFor, dunningLedger } from '../../test/workflows/dunning-helpers';

/** A one-node workflow: manual trigger → Reminder Step with these parameters. */
function workflow(parameters: IDataObject, typeVersion = 1): WorkflowJson {
	return {
		id: 'rcvReminderNodeTest',
		name: 'Reminder Step test',
		nodes: [
			{
				id: 't',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'r',
				name: 'Reminder Step',
				type: 'n8n-nodes-receivables.reminderStep',
				typeVersion,
				position: [200, 0],
				parameters,
				credentials: {
					receivablesLedgerApi: { id: 'rcvLedgerCred001', name: 'Receivables Ledger' },
				},
			},
		],
		connections: { Start: { main: [[{ node: 'Reminder Step', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	} as unknown as WorkflowJson;
}

describe('Reminder Step node', () => {
	let ledger: Ledger;

	beforeAll(async () => {
		ledger = await dunningLedger();
		const a = await addCustomer(ledger, { externalId: 'N-1', name: 'Nodes & Co' });
		await addInvoice(ledger, {
			customerId: a,
			number: 'N-INV-1',
			dueDate: '2026-03-24',
			amount: 99900n,
		});
		const b = await addCustomer(ledger, { externalId: 'N-2', onHold: true });
		await addInvoice(ledger, { customerId: b, number: 'N-INV-2', dueDate: '2026-03-24' });
	});

	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	it('Plan Reminders: the Due output lists messages, the Held output the held invoices with the reason', async () => {
		const result = await runWorkflow(
			workflow({ operation: 'plan', stage: 'level1', asOf: '2026-03-31' }),
			{ credentials: credentialsFor(ledger) },
		);
		expect(result.error).toBeUndefined();
		const due = result.json('Reminder Step', 0);
		expect(
			due.map((d) => [
				d.customerExternalId,
				d.channel,
				d.totalOpen,
				(d.invoices as IDataObject[]).map((i) => i.number),
			]),
		).toEqual([['N-1', 'email', '999.00', ['N-INV-1']]]);
		expect(result.json('Reminder Step', 1).map((h) => [h.number, h.reason])).toEqual([
			['N-INV-2', 'customer_on_hold'],
		]);
		expect(result.nodeOutputs('Reminder Step', 0)[0].pairedItem).toEqual({ item: 0 });
	});

	it('Save Dunning Policy: a template with an unknown placeholder goes to Rejected with the placeholder named', async () => {
		const policy = {
			code: 'sme',
			name: 'SME',
			stages: [
				{
					code: 'level1',
					kind: 'reminder',
					offsetDays: 5,
					channels: ['email'],
					template: 'custom',
					grouping: 'statement',
					templates: {
						fr: { subject: 'Relance {{invoice.numero}}', text: 'Bonjour {{customer.name}}' },
					},
				},
			],
		};
		const bad = await runWorkflow(
			workflow({ operation: 'savePolicy', policyJson: JSON.stringify(policy) }),
			{ credentials: credentialsFor(ledger) },
		);
		expect(bad.json('Reminder Step', 0)).toEqual([]);
		const [rejected] = bad.json('Reminder Step', 1);
		expect(rejected.code).toBe('DUNNING_POLICY_INVALID');
		expect(rejected.error).toContain('unknown placeholder {{invoice.numero}}');
		expect(rejected.hint).toContain('{{invoice.numero}}');
		policy.stages[0].templates.fr.subject = 'Relance {{invoice.number}}';
		const good = await runWorkflow(
			workflow({ operation: 'savePolicy', policyJson: JSON.stringify(policy) }),
			{ credentials: credentialsFor(ledger) },
		);
		expect(good.json('Reminder Step', 0)).toEqual([
			{ code: 'sme', status: 'created', stages: ['level1'] },
		]);
	});

	it('Save Dunning Policy as fields (version 2 default): stages from the list, wording as text, an unknown placeholder refused in French and English', async () => {
		const stages = {
			stage: [
				{ stage: 'pre_due', days: -4, channels: 'email' },
				{
					stage: 'level1',
					days: 6,
					channels: 'email,letter',
					cc: '{{salesRep.email}}',
					minimumAmount: 'EUR 5,00',
					attachments: 'CGV.pdf',
					subjectFr: 'Relance {{company.name}}',
					textFr: 'Bonjour {{customer.name}}, merci de régler {{total.open}}.',
				},
			],
		};
		const good = await runWorkflow(
			workflow(
				{
					operation: 'savePolicy',
					policyCode: 'vip',
					policyName: 'VIP',
					stages,
					policyOptions: { governingLaw: 'FR' },
				},
				2,
			),
			{ credentials: credentialsFor(ledger) },
		);
		expect(good.error).toBeUndefined();
		expect(good.json('Reminder Step', 0)).toEqual([
			{ code: 'vip', status: 'created', stages: ['pre_due', 'level1'] },
		]);
		const [row] = await ledger.query<{
			stages: Array<Record<string, unknown>>;
			settings: Record<string, unknown>;
		}>("SELECT stages, settings FROM dunning_policies WHERE code = 'vip'");
		expect(row.settings).toEqual({ governingLaw: 'FR' });
		expect(row.stages[1]).toMatchObject({
			code: 'level1',
			kind: 'reminder',
			level: 1,
			offsetDays: 6,
			channels: ['email', 'letter'],
			template: 'reminder_1',
			cc: ['{{salesRep.email}}'],
			minimumAmount: { EUR: '5.00' },
			attachments: ['CGV.pdf'],
			templates: {
				fr: {
					subject: 'Relance {{company.name}}',
					text: 'Bonjour {{customer.name}}, merci de régler {{total.open}}.',
				},
			},
		});

		stages.stage[1].textFr = 'Bonjour {{client.nom}}';
		const bad = await runWorkflow(
			workflow({ operation: 'savePolicy', policyCode: 'vip', stages }, 2),
			{ credentials: credentialsFor(ledger) },
		);
		expect(bad.json('Reminder Step', 0)).toEqual([]);
		const [rejected] = bad.json('Reminder Step', 1);
		expect(rejected).toMatchObject({ code: 'DUNNING_POLICY_INVALID' });
		expect(rejected.error).toContain('{{client.nom}}');
		const twice = await runWorkflow(
			workflow(
				{
					operation: 'savePolicy',
					policyCode: 'vip',
					stages: { stage: [stages.stage[0], stages.stage[0]] },
				},
				2,
			),
			{ credentials: credentialsFor(ledger) },
		);
		expect(twice.json('Reminder Step', 1)[0]).toMatchObject({
			code: 'DUNNING_POLICY_INVALID',
			error: 'Stage "Pre-due notice" is given twice.',
		});
		expect(JSON.stringify(twice.json('Reminder Step', 1)[0])).toContain(
			"L'étape « Avis avant échéance » figure deux fois.",
		);
		// Nothing stored by the refused runs.
		const [kept] = await ledger.query<{ stages: Array<Record<string, unknown>> }>(
			"SELECT stages FROM dunning_policies WHERE code = 'vip'",
		);
		expect(kept.stages[1].templates).toEqual({
			fr: {
				subject: 'Relance {{company.name}}',
				text: 'Bonjour {{customer.name}}, merci de régler {{total.open}}.',
			},
		});
	});

	it('Preview Reminder: a stage rendered for one invoice, e-mail and letter, from the stored policy or from fields not saved yet; nothing written', async () => {
		const remindersBefore = await ledger.query<{ n: string }>(
			'SELECT count(*)::text AS n FROM reminders',
		);
		const stored = await runWorkflow(
			workflow(
				{ operation: 'previewReminder', previewInvoice: 'N-INV-1', previewStage: 'level1' },
				2,
			),
			{ credentials: credentialsFor(ledger) },
		);
		expect(stored.error).toBeUndefined();
		const [item] = stored.nodeOutputs('Reminder Step', 0);
		// The standard profile's level 1 goes 5 days after the due date (24 March).
		expect(item.json).toMatchObject({
			invoiceNumber: 'N-INV-1',
			customerExternalId: 'N-1',
			profile: 'standard',
			stage: 'level1',
			asOf: '2026-03-29',
			language: 'fr',
			channel: 'email',
			wouldBeHeld: [],
		});
		expect(String(item.json.text)).toContain('N-INV-1');
		expect(String(item.json.text)).toMatch(/999,00/);
		const files = item.binary as Record<
			string,
			{ data: string; mimeType: string; fileName: string }
		>;
		expect(Buffer.from(files.letter.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
		expect(files.letter.fileName).toBe('level1-N-1-2026-03-29.pdf');
		expect(Buffer.from(files.email.data, 'base64').toString('utf8')).toContain('N-INV-1');

		const stages = {
			stage: [
				{
					stage: 'level1',
					days: 3,
					channels: 'letter',
					subjectFr: 'Aperçu {{invoice.number}} de {{customer.name}}',
				},
			],
		};
		const edited = await runWorkflow(
			workflow(
				{
					operation: 'previewReminder',
					previewInvoice: 'N-INV-1',
					previewStage: 'level1',
					policyInput: 'fields',
					policyCode: 'draft',
					stages,
				},
				2,
			),
			{ credentials: credentialsFor(ledger) },
		);
		expect(edited.json('Reminder Step', 0)[0]).toMatchObject({
			subject: 'Aperçu N-INV-1 de Nodes & Co',
			asOf: '2026-03-27',
			channel: 'letter',
		});
		// The customer on hold: shown all the same, with why a real run would hold it.
		const held = await runWorkflow(
			workflow(
				{
					operation: 'previewReminder',
					previewInvoice: 'N-INV-2',
					previewStage: 'level2',
					previewAsOf: '2026-04-10',
				},
				2,
			),
			{ credentials: credentialsFor(ledger) },
		);
		expect(held.json('Reminder Step', 0)[0]).toMatchObject({
			asOf: '2026-04-10',
			wouldBeHeld: [{ reason: 'customer_on_hold', detail: 'customer on hold' }],
		});

		const unknown = await runWorkflow(
			workflow(
				{ operation: 'previewReminder', previewInvoice: 'NOPE-1', previewStage: 'level1' },
				2,
			),
			{ credentials: credentialsFor(ledger) },
		);
		expect(unknown.json('Reminder Step', 1)[0]).toMatchObject({
			code: 'DUNNING_PREVIEW_NONE',
			error: 'There is no invoice "NOPE-1".',
		});
		const noStage = await runWorkflow(
			workflow(
				{
					operation: 'previewReminder',
					previewInvoice: 'N-INV-1',
					previewStage: 'level3',
					policyInput: 'fields',
					policyCode: 'draft',
					stages,
				},
				2,
			),
			{ credentials: credentialsFor(ledger) },
		);
		expect(noStage.json('Reminder Step', 1)[0].error).toBe(
			'The policy "draft" has no stage "level3".',
		);
		// Nothing claimed, stored or sent by a preview.
		expect(await ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM reminders')).toEqual(
			remindersBefore,
		);
		expect(await ledger.query("SELECT code FROM dunning_policies WHERE code = 'draft'")).toEqual(
			[],
		);
	});

	it('Compute Late-Payment Charges: per item, from its fields', async () => {
		const result = await runWorkflow(
			workflow({
				operation: 'lateCharges',
				amount: '={{ $json.open }}',
				currency: '={{ $json.currency }}',
				dueDate: '={{ $json.dueDate }}',
				chargesAsOf: '2025-10-01',
				contractRatePercent: '',
			}),
			{
				credentials: credentialsFor(ledger),
				triggerItems: [{ open: '10000.00', currency: 'EUR', dueDate: '2025-09-01' }],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Reminder Step')[0].charges).toMatchObject({
			daysLate: 30,
			annualRatePercent: '12.15',
			interest: '99.86',
			fixedIndemnity: '40.00',
		});
	});

	it('Compute Late-Payment Charges from a ledger invoice: its revision and its payment, as reminders charge them', async () => {
		await addCustomer(ledger, { externalId: 'N-R', name: 'Rectifiée & Fils' });
		const doc = (payable: bigint, dueDate: string): LedgerInvoice => ({
			docType: 'invoice',
			number: 'N-REV-1',
			customerExternalId: 'N-R',
			currency: 'EUR',
			totalExclMinor: payable,
			totalTaxMinor: 0n,
			totalInclMinor: payable,
			payableMinor: payable,
			issueDate: '2026-01-05',
			dueDate,
		});
		// 2 400,00 due 20 January 2026, corrected with effect on 10 February to 3 000,00 due 31 January; 1 000,00 paid
		// on 5 March.
		await storeInvoices(ledger, [doc(240000n, '2026-01-20')]);
		const revised = await storeInvoices(ledger, [doc(300000n, '2026-01-31')], {
			effectiveOn: '2026-02-10',
			zone: 'Europe/Paris',
		});
		expect(revised.map((r) => r.status)).toEqual(['revised']);
		await storePayments(ledger, [
			{
				externalRef: 'BANK-N-REV-1',
				amountMinor: 100000n,
				currency: 'EUR',
				receivedOn: '2026-03-05',
				referenceText: 'N-REV-1',
				customerExternalId: 'N-R',
			},
		]);
		const run = (parameters: IDataObject) =>
			runWorkflow(
				workflow({
					operation: 'lateCharges',
					chargesAsOf: '2026-03-20',
					contractRatePercent: '',
					...parameters,
				}),
				{
					credentials: credentialsFor(ledger),
					triggerItems: [
						{ number: 'N-REV-1', open: '2000.00', currency: 'EUR', dueDate: '2026-01-31' },
					],
				},
			);
		const fromLedger = await run({ chargesFrom: 'ledger' });
		expect(fromLedger.error).toBeUndefined();
		// H1 2026 at 12.15 %. Late only when both the content of the day and the one in force on 20 March say so, i.e.
		// from 1 February (the due date of 31 January), on the lesser of the two amounts; last in, first paid:
		// - 600 (added on 10 February) paid 5 March, 10 Feb – 5 Mar (24 d): 60 000 × 24 × 12.15 / 36 500 = 479,34 → 4,79
		// - 400 of the first 2 400 paid 5 March, 1 Feb – 5 Mar (33 d): 40 000 × 33 × 12.15 / 36 500 = 439,40 → 4,39
		// - 2 000 still open, 1 Feb – 20 Mar (48 d): 200 000 × 48 × 12.15 / 36 500 = 3 195,62 → 31,96
		// 41,14 € of interest and the 40 € indemnity.
		const charges = fromLedger.json('Reminder Step')[0].charges as IDataObject;
		expect(charges).toMatchObject({
			invoiceNumber: 'N-REV-1',
			customerExternalId: 'N-R',
			annualRatePercent: '12.15',
			interest: '41.14',
			fixedIndemnity: '40.00',
		});
		expect(
			(charges.portions as IDataObject[]).map((p) => [
				p.amount,
				p.status,
				p.from,
				p.to,
				p.days,
				p.interest,
			]),
		).toEqual([
			['400.00', 'paid', '2026-02-01', '2026-03-05', 33, '4.39'],
			['600.00', 'paid', '2026-02-10', '2026-03-05', 24, '4.79'],
			['2000.00', 'open', '2026-02-01', '2026-03-20', 48, '31.96'],
		]);
		// The same invoice as the Statement of Late-Payment Charges states it: one rule, one figure.
		const statement = await runWorkflow(
			workflow({
				operation: 'statementOfCharges',
				statementCustomer: 'N-R',
				statementAsOf: '2026-03-20',
			}),
			{ credentials: credentialsFor(ledger) },
		);
		expect((statement.json('Reminder Step')[0].lines as IDataObject[])[0]).toMatchObject({
			number: 'N-REV-1',
			interest: '41.14',
		});
		// From the item's fields, one amount and one due date: what is open now, from the current due date only.
		const fromFields = await run({});
		expect((fromFields.json('Reminder Step')[0].charges as IDataObject).interest).toBe('31.96');
		// An unknown number: a clear item-level error.
		const unknown = await runWorkflow(
			workflow({ operation: 'lateCharges', chargesFrom: 'ledger', chargesAsOf: '2026-03-20' }),
			{ credentials: credentialsFor(ledger), triggerItems: [{ number: 'NOPE-1' }] },
		);
		expect(String(unknown.error?.message ?? '')).toContain('no invoice numbered "NOPE-1"');
	});

	it('Record Outcome then Get Customer Timeline', async () => {
		const recorded = await runWorkflow(
			workflow({
				operation: 'recordOutcome',
				customerExternalId: 'N-1',
				kind: 'call',
				summary: 'Promet un virement vendredi',
				invoiceNumbers: 'N-INV-1',
				actor: 'COL1',
			}),
			{ credentials: credentialsFor(ledger) },
		);
		expect(recorded.json('Reminder Step')).toEqual([
			{ recorded: 1, customerLedgerId: expect.any(String) },
		]);
		const timeline = await runWorkflow(
			workflow({ operation: 'timeline', timelineCustomer: 'N-1', limit: 10 }),
			{ credentials: credentialsFor(ledger) },
		);
		expect(
			timeline
				.json('Reminder Step')
				.map((t) => [t.kind, t.summary, t.invoiceNumber, t.actor, t.language]),
		).toEqual([['call', 'Promet un virement vendredi', 'N-INV-1', 'COL1', 'fr']]);
		// The step's language: what people typed stays as typed, the package's own entries are rendered in it.
		const inEnglish = await runWorkflow(
			workflow({
				operation: 'timeline',
				timelineCustomer: 'N-1',
				timelineLanguage: 'en',
				limit: 10,
			}),
			{ credentials: credentialsFor(ledger) },
		);
		expect(inEnglish.json('Reminder Step').map((t) => [t.summary, t.language])).toEqual([
			['Promet un virement vendredi', 'en'],
		]);
	});
});
