import path from 'node:path';
import {
	addDays,
	defaultPolicies,
	installDefaultPolicies,
	policyFromFields,
	savePolicy,
	todayIn,
} from '../../core';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { shippedTemplate } from '../../core/dunning/templates';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow, setNodeParameters } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'dunning-policies.json');
const NODE = 'Current dunning policies';
const PREVIEW = 'Preview the reminder';

describe('workflow: Dunning — current policies and wording (manual)', () => {
	const t = engineLedger();
	beforeAll(async () => {
		await installDefaultPolicies(t.ledger);
	});

	test('lists every stage of every stored policy with when it goes and its wording in French and English', async () => {
		const run = await runWorkflow(WORKFLOW, { credentials: t.credentials });
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		const stages = run.json(NODE);
		// The five shipped profiles, their stages in the order they happen.
		expect(stages.filter((s) => s.policy === 'standard').map((s) => s.stage)).toEqual([
			'pre_due',
			'level1',
			'level2',
			'level3',
			'formal_notice',
			'thank_you',
		]);
		expect([...new Set(stages.map((s) => s.policy))].sort()).toEqual([
			'export',
			'internal',
			'key_account',
			'risky',
			'standard',
		]);
		const level1 = stages.find((s) => s.policy === 'key_account' && s.stage === 'level1');
		expect(level1).toMatchObject({
			stageFr: 'Relance 1',
			whenFr: "10 jours après l'échéance",
			whenEn: '10 days after the due date',
			channelsFr: 'e-mail, puis courrier',
			ownWordingFr: false,
			subjectFr: shippedTemplate('reminder_1')?.fr?.subject,
			textEn: shippedTemplate('reminder_1')?.en?.text,
		});
		expect(String(level1?.placeholders)).toContain('{{invoice.dueDate}}');
		expect(
			run.nodeOutputs(NODE, 0).every((i) => JSON.stringify(i.pairedItem) === '{"item":0}'),
		).toBe(true);
	});

	test('shows a wording the company wrote itself, for one profile when asked', async () => {
		await savePolicy(
			t.ledger,
			policyFromFields({
				code: 'standard',
				name: 'Standard (SME)',
				stages: [
					{
						stage: 'pre_due',
						days: -3,
						channels: 'email',
						subjectFr: 'Votre échéance du {{invoice.dueDate}} approche',
					},
					{
						stage: 'level1',
						days: 7,
						channels: 'email,call',
						cc: '{{salesRep.email}}',
						textFr: 'Bonjour,\nMerci de régler {{total.open}}.\n{{company.name}}',
					},
				],
			}),
		);
		const run = await runWorkflow(
			setNodeParameters(loadWorkflow(WORKFLOW), NODE, { showPolicyCode: 'standard' }),
			{ credentials: t.credentials },
		);
		expect(run.error).toBeUndefined();
		expect(
			run
				.json(NODE)
				.map((s) => [s.stage, s.days, s.whenFr, s.channelsFr, s.cc, s.ownWordingFr, s.subjectFr]),
		).toEqual([
			[
				'pre_due',
				-3,
				"3 jours avant l'échéance",
				'e-mail',
				'',
				true,
				'Votre échéance du {{invoice.dueDate}} approche',
			],
			[
				'level1',
				7,
				"7 jours après l'échéance",
				'e-mail, puis appel',
				'{{salesRep.email}}',
				true,
				shippedTemplate('reminder_1')?.fr?.subject,
			],
		]);
		expect(run.json(NODE)[1].textFr).toBe(
			'Bonjour,\nMerci de régler {{total.open}}.\n{{company.name}}',
		);

		const unknown = await runWorkflow(
			setNodeParameters(loadWorkflow(WORKFLOW), NODE, { showPolicyCode: 'vip' }),
			{ credentials: t.credentials },
		);
		expect(unknown.status).toBe('error');
		expect(String(unknown.error?.message)).toContain('There is no dunning policy "vip"');
	});

	test('previews the level 1 reminder of the first customer due today, e-mail and letter, writing and sending nothing', async () => {
		await seedStaff(t.ledger);
		const customer = await addCustomer(t.ledger, {
			externalId: 'PV1',
			name: 'Quincaillerie Morel',
			profile: 'risky',
		});
		// due as many days ago as the profile's level 1 waits: its level 1 reminder is due today
		const level1 = defaultPolicies()
			.find((p) => p.code === 'risky')
			?.stages.find((s) => s.code === 'level1');
		await addInvoice(t.ledger, {
			customerId: customer,
			number: 'PV-0001',
			dueDate: addDays(todayIn('Europe/Paris'), -(level1?.offsetDays ?? 0)),
			amount: 184_050n,
		});
		const count = async (table: string) =>
			(await t.ledger.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
		const before = { reminders: await count('reminders'), history: await count('history') };
		const run = await runWorkflow(WORKFLOW, { credentials: t.credentials });
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		const [preview] = run.nodeOutputs(PREVIEW, 0);
		expect(run.nodeOutputs(PREVIEW, 0)).toHaveLength(1);
		expect(preview.json).toMatchObject({
			invoiceNumber: 'PV-0001',
			customerExternalId: 'PV1',
			profile: 'risky',
			stage: 'level1',
			language: 'fr',
			to: ['compta@pv1.example'],
		});
		expect(String(preview.json.subject)).toMatch(/1.840,50/);
		expect(String(preview.json.text)).toContain('PV-0001');
		expect(preview.binary?.email.mimeType).toBe('text/html');
		expect(Buffer.from(preview.binary?.email.data ?? '', 'base64').toString('utf8')).toContain(
			'PV-0001',
		);
		expect(preview.binary?.letter.mimeType).toBe('application/pdf');
		expect(
			Buffer.from(preview.binary?.letter.data ?? '', 'base64')
				.subarray(0, 5)
				.toString(),
		).toBe('%PDF-');
		// Nothing claimed, sent or written to the timeline.
		expect({ reminders: await count('reminders'), history: await count('history') }).toEqual(
			before,
		);

		// Once its level 1 has gone out, the invoice is still previewed (the first one in its level 1 period), saying
		// why a run would not send it again.
		const invoice = (
			await t.ledger.query<{ id: string; customer_id: string }>(
				"SELECT id::text, customer_id::text FROM invoices WHERE number = 'PV-0001'",
			)
		)[0];
		await t.ledger.query(
			"INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_by, claimed_at, sent_at) VALUES ($1, $2, 'level1', 'email', 'sent', 'test', now(), now())",
			[invoice.id, invoice.customer_id],
		);
		const again = await runWorkflow(WORKFLOW, { credentials: t.credentials });
		expect(again.status).toBe('success');
		expect(again.json('Level 1 reminders due today', 0)).toEqual([]);
		expect(again.json(PREVIEW).map((p) => [p.invoiceNumber, p.stage])).toEqual([
			['PV-0001', 'level1'],
		]);
		expect(JSON.stringify(again.json(PREVIEW)[0].wouldBeHeld)).toContain('already');
	});

	test('previews wording typed as fields before it is saved, for an invoice chosen by number; an unknown invoice is rejected with what to fix', async () => {
		const typed = setNodeParameters(loadWorkflow(WORKFLOW), PREVIEW, {
			previewInvoice: 'PV-0001',
			previewStage: 'level2',
			policyInput: 'fields',
			policyCode: 'risky',
			policyName: 'Risky',
			stages: {
				stage: [
					{ stage: 'level1', days: 5, channels: 'email' },
					{
						stage: 'level2',
						days: 15,
						channels: 'email,letter',
						subjectFr: 'Deuxième relance {{invoice.number}} — à lire',
						textFr:
							'Madame, Monsieur,\nMerci de régler {{total.open}} sous huit jours.\n{{company.name}}',
					},
				],
			},
		});
		const run = await runWorkflow(typed, { credentials: t.credentials });
		expect(run.error).toBeUndefined();
		const [preview] = run.nodeOutputs(PREVIEW, 0);
		expect(preview.json).toMatchObject({
			invoiceNumber: 'PV-0001',
			stage: 'level2',
			subject: 'Deuxième relance PV-0001 — à lire',
		});
		expect(String(preview.json.text)).toContain('sous huit jours');
		// not saved: the stored policy of the profile still has the shipped wording
		const stored = run.json(NODE).find((s) => s.policy === 'risky' && s.stage === 'level2');
		expect(stored?.ownWordingFr).toBe(false);

		const unknown = await runWorkflow(
			setNodeParameters(loadWorkflow(WORKFLOW), PREVIEW, { previewInvoice: 'NOPE-1' }),
			{ credentials: t.credentials },
		);
		expect(unknown.status).toBe('success');
		expect(run.nodeOutputs(PREVIEW, 1)).toEqual([]);
		expect(unknown.json(PREVIEW, 1)).toEqual([
			expect.objectContaining({
				code: 'DUNNING_PREVIEW_NONE',
				error: 'There is no invoice "NOPE-1".',
				errorFr: "Il n'y a pas de facture « NOPE-1 ».",
			}),
		]);
	});
});
