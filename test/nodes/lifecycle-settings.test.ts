/**
 * Invoice Intake › Lifecycle Settings as a node: Read the settings as they apply, Save from the input item (a form)
 * or from parameters, wrong values to Rejected in English and French with nothing written; and what a saved setting
 * does to the next status through Lifecycle Statuses (the effect off: the status is in the timeline, the dispute is
 * not opened, dunning goes on; the effect back on: the dispute opens, dunning pauses; another seller's status kept).
 */
import type { IDataObject } from 'n8n-workflow';
import { customerTimeline, planReminders, type Ledger } from '../../core';
import { installDefaultPolicies } from '../../core/dunning/policy';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { closeEngine } from '../helpers/engine';
import { NODE, outputCounts, runNode } from '../helpers/nodes';

describe('Invoice Intake › Lifecycle Settings', () => {
	let ledger: Ledger;
	let credentials: { receivablesLedgerApi: Record<string, string | number> };
	beforeAll(async () => {
		ledger = await createTestLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		const customerId = await addCustomer(ledger, { externalId: 'LS-1', name: 'Client Réglages' });
		for (const number of ['LS-207', 'LS-208'])
			await addInvoice(ledger, { customerId, number, dueDate: '2025-10-14' });
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	const settingsRow = () =>
		ledger.query<{ value: IDataObject; updated_by: string | null }>(
			"SELECT value, updated_by FROM settings WHERE key = 'einvoicing.lifecycle'",
		);
	/** Level 1 reminders planned on 2025-10-20 (the invoices are due on 2025-10-14). */
	const dueNumbers = async () =>
		(await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' })).due.flatMap((m) =>
			m.invoices.map((i) => i.number),
		);
	const disputes = (number: string) =>
		ledger.query<{ status: string }>(
			`SELECT d.status FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id
			JOIN invoices i ON i.id = di.invoice_id WHERE i.number = $1`,
			[number],
		);
	const statuses = (events: IDataObject[]) =>
		runNode(
			'invoiceIntake',
			{ operation: 'lifecycleStatuses', lifecycleInput: 'json' },
			{ credentials, triggerItems: events },
		);

	it('Read gives the defaults; a wrong effect, hold or SIREN goes to Rejected in English and French and nothing is written', async () => {
		const read = await runNode(
			'invoiceIntake',
			{ operation: 'lifecycleSettings', lifecycleSettingsAction: 'read' },
			{ credentials },
		);
		expect(read.error).toBeUndefined();
		expect(read.json(NODE, 0)).toEqual([
			{
				configured: false,
				effectsOff: [],
				effectsOn: [
					'reception',
					'approved',
					'dispute',
					'resolve',
					'refused',
					'rejected',
					'payment_sent',
					'factored',
				],
				paymentSentHoldDays: 10,
				sellerIds: [],
			},
		]);

		const bad = await runNode(
			'invoiceIntake',
			{ operation: 'lifecycleSettings', lifecycleSettingsAction: 'save' },
			{
				credentials,
				triggerItems: [
					{ effectsOff: 'dispute, litige', paymentSentHoldDays: '0', sellerIds: '552 100 555' },
					{ sellerIds: ['55210055400013', '5521'] },
				],
			},
		);
		expect(bad.error).toBeUndefined();
		// Settings, Rejected, Error
		expect(outputCounts(bad)).toEqual([0, 2, 0]);
		const [first, second] = bad.json(NODE, 1);
		expect(first).toMatchObject({ code: 'LIFECYCLE_SETTINGS_INVALID' });
		expect(first.error).toContain(
			'Effects turned off: "litige" is not an effect that can be turned off.',
		);
		expect(first.error).toContain('Payment-sent hold: "0" is not a number of days from 1 to 365.');
		expect(first.error).toContain(
			'Company SIREN: "552 100 555" fails the SIREN check digit (Luhn): a digit is mistyped.',
		);
		expect(first.errorFr).toContain("Effets désactivés : « litige » n'est pas un effet");
		expect(first.errorFr).toContain(
			"SIREN de l'entreprise : « 552 100 555 » ne passe pas la clé de contrôle du SIREN (Luhn)",
		);
		expect(first.hint).toContain('reception, approved, dispute, resolve');
		expect(first.hintFr).toContain('Nommez les effets parmi');
		expect(second.error).toContain(
			'"55210055400013" is a SIRET (14 digits, an establishment); the SIREN is its first 9 digits: 552100554.',
		);
		expect(second.errorFr).toContain('« 5521 » ne compte pas 9 chiffres.');
		expect(bad.nodeOutputs(NODE, 1).map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
		]);
		expect(await settingsRow()).toEqual([]);
	});

	it('"dispute" turned off from parameters: a 207 is in the timeline, opens no dispute and dunning goes on; back on from a form, a 208 pauses it', async () => {
		const saved = await runNode(
			'invoiceIntake',
			{
				operation: 'lifecycleSettings',
				lifecycleSettingsAction: 'save',
				lifecycleSettingsSource: 'parameters',
				lifecycleSettingsFields: { effectsOff: ['dispute'], sellerIds: '552 100 554' },
				lifecycleSettingsOptions: { actor: 'claire@compta.example' },
			},
			{ credentials },
		);
		expect(saved.error).toBeUndefined();
		const [out] = saved.json(NODE, 0);
		expect(out).toMatchObject({
			status: 'created',
			messageFr: 'Les paramètres du cycle de vie des factures électroniques ont été enregistrés.',
			settings: {
				configured: true,
				effectsOff: ['dispute'],
				paymentSentHoldDays: 10,
				sellerIds: ['552100554'],
				savedBy: 'claire@compta.example',
			},
		});
		expect((out.settings as IDataObject).effectsOn).not.toContain('dispute');
		expect(await settingsRow()).toEqual([
			{
				value: { effectsOff: ['dispute'], sellerIds: ['552100554'] },
				updated_by: 'claire@compta.example',
			},
		]);

		const off = await statuses([
			{
				id: 'ls-1',
				invoiceNumber: 'LS-207',
				statusCode: '207',
				timestamp: '2025-10-15T08:00:00Z',
				reasonCode: 'PU_ERR',
				siren: '552100554',
			},
			// another seller's status: kept and reported, never applied (the SIREN saved above)
			{
				id: 'ls-2',
				invoiceNumber: 'LS-208',
				statusCode: '210',
				timestamp: '2025-10-15T09:00:00Z',
				siren: '732829320',
			},
		]);
		// Applied, Kept, Rejected, Error
		expect(outputCounts(off)).toEqual([1, 1, 0, 0]);
		expect(off.json(NODE, 0)[0]).toMatchObject({
			invoiceNumber: 'LS-207',
			statusCode: '207',
			outcome: 'applied',
			effect: 'none',
			effectOff: 'dispute',
			disputeId: null,
		});
		expect(off.json(NODE, 1)[0]).toMatchObject({
			invoiceNumber: 'LS-208',
			outcome: 'other_issuer',
		});
		expect(await disputes('LS-207')).toEqual([]);
		expect(await dueNumbers()).toEqual(expect.arrayContaining(['LS-207', 'LS-208']));
		const timeline = await customerTimeline(ledger, { customerExternalId: 'LS-1', language: 'en' });
		expect(timeline.filter((e) => e.kind === 'lifecycle_status')).toEqual([
			expect.objectContaining({
				invoiceNumber: 'LS-207',
				summary: 'Platform status 207 Disputed for invoice LS-207 — PU_ERR',
			}),
		]);

		// the company's form turns every effect back on (an empty list); the SIREN it leaves out is kept
		const back = await runNode(
			'invoiceIntake',
			{
				operation: 'lifecycleSettings',
				lifecycleSettingsAction: 'save',
				lifecycleSettingsOptions: { actor: '={{ $json.user.email }}' },
			},
			{
				credentials,
				triggerItems: [{ effectsOff: [], sellerIds: '', user: { email: 'paul@compta.example' } }],
			},
		);
		expect(back.json(NODE, 0)[0]).toMatchObject({
			status: 'updated',
			changed: ['effectsOff'],
			settings: { effectsOff: [], sellerIds: ['552100554'], savedBy: 'paul@compta.example' },
		});
		const [replaced] = await ledger.query<{ value: IDataObject; replaced_by: string }>(
			"SELECT value, replaced_by FROM settings_history WHERE key = 'einvoicing.lifecycle'",
		);
		expect(replaced).toEqual({
			value: { effectsOff: ['dispute'], sellerIds: ['552100554'] },
			replaced_by: 'paul@compta.example',
		});

		const on = await statuses([
			{
				id: 'ls-3',
				invoiceNumber: 'LS-207',
				statusCode: '208',
				timestamp: '2025-10-16T08:00:00Z',
				reasonCode: 'JUSTIF_ABS',
				siren: '552100554',
			},
		]);
		expect(on.json(NODE, 0)[0]).toMatchObject({ statusCode: '208', effect: 'dispute' });
		expect(on.json(NODE, 0)[0].effectOff).toBeUndefined();
		expect(await disputes('LS-207')).toHaveLength(1);
		expect(await dueNumbers()).not.toContain('LS-207');

		// the same settings again: unchanged, nothing added to the history
		const same = await runNode(
			'invoiceIntake',
			{
				operation: 'lifecycleSettings',
				lifecycleSettingsAction: 'save',
				lifecycleSettingsSource: 'parameters',
				lifecycleSettingsFields: { sellerIds: '552100554' },
			},
			{ credentials },
		);
		expect(same.json(NODE, 0)[0]).toMatchObject({ status: 'unchanged', changed: [] });
		expect(
			await ledger.query("SELECT 1 FROM settings_history WHERE key = 'einvoicing.lifecycle'"),
		).toHaveLength(1);
	});
});
