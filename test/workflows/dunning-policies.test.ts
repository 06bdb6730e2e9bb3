import path from 'node:path';
import { installDefaultPolicies, policyFromFields, savePolicy } from '../../core';
import { shippedTemplate } from '../../core/dunning/templates';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow, setNodeParameters } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'dunning-policies.json');
const NODE = 'Current dunning policies';

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
		expect(stages.filter((s) => s.policy === 'standard').map((s) => s.stage)).toEqual(['pre_due', 'level1', 'level2', 'level3', 'formal_notice', 'thank_you']);
		expect([...new Set(stages.map((s) => s.policy))].sort()).toEqual(['export', 'internal', 'key_account', 'risky', 'standard']);
		const level1 = stages.find((s) => s.policy === 'key_account' && s.stage === 'level1');
		expect(level1).toMatchObject({
			stageFr: 'Relance 1', whenFr: '10 jours après l\'échéance', whenEn: '10 days after the due date', channelsFr: 'e-mail, puis courrier',
			ownWordingFr: false, subjectFr: shippedTemplate('reminder_1')?.fr?.subject, textEn: shippedTemplate('reminder_1')?.en?.text,
		});
		expect(String(level1?.placeholders)).toContain('{{invoice.dueDate}}');
		expect(run.nodeOutputs(NODE, 0).every((i) => JSON.stringify(i.pairedItem) === '{"item":0}')).toBe(true);
	});

	test('shows a wording the company wrote itself, for one profile when asked', async () => {
		await savePolicy(t.ledger, policyFromFields({ code: 'standard', name: 'Standard (SME)', stages: [
			{ stage: 'pre_due', days: -3, channels: 'email', subjectFr: 'Votre échéance du {{invoice.dueDate}} approche' },
			{ stage: 'level1', days: 7, channels: 'email,call', cc: '{{salesRep.email}}', textFr: 'Bonjour,\nMerci de régler {{total.open}}.\n{{company.name}}' },
		] }));
		const run = await runWorkflow(setNodeParameters(loadWorkflow(WORKFLOW), NODE, { showPolicyCode: 'standard' }), { credentials: t.credentials });
		expect(run.error).toBeUndefined();
		expect(run.json(NODE).map((s) => [s.stage, s.days, s.whenFr, s.channelsFr, s.cc, s.ownWordingFr, s.subjectFr])).toEqual([
			['pre_due', -3, '3 jours avant l\'échéance', 'e-mail', '', true, 'Votre échéance du {{invoice.dueDate}} approche'],
			['level1', 7, '7 jours après l\'échéance', 'e-mail, puis appel', '{{salesRep.email}}', true, shippedTemplate('reminder_1')?.fr?.subject],
		]);
		expect(run.json(NODE)[1].textFr).toBe('Bonjour,\nMerci de régler {{total.open}}.\n{{company.name}}');

		const unknown = await runWorkflow(setNodeParameters(loadWorkflow(WORKFLOW), NODE, { showPolicyCode: 'vip' }), { credentials: t.credentials });
		expect(unknown.status).toBe('error');
		expect(String(unknown.error?.message)).toContain('There is no dunning policy "vip"');
	});
});
