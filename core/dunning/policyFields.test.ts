import { ReceivablesError } from '../errors';
import { defaultPolicies, stageTemplates, validatePolicy } from './policy';
import {
	channelOrderLabel,
	channelOrders,
	describePolicy,
	parseCurrencyAmounts,
	placeholderHelp,
	policyFromFields,
	validatePolicyFields,
	type PolicyFields,
} from './policyFields';
import { shippedTemplate } from './templates';

const fields = (over: Partial<PolicyFields> = {}): PolicyFields => ({
	code: 'sme',
	name: 'PME',
	stages: [
		{ stage: 'pre_due', days: -5, channels: 'email' },
		{
			stage: 'level1',
			days: 5,
			channels: 'email,letter',
			cc: '{{salesRep.email}}, credit@orbel.example',
			minimumAmount: 'EUR 5,00; XOF 3 000',
			attachments: 'CGV.pdf',
			subjectFr: 'Rappel {{company.name}} – {{total.open}}',
			textFr:
				'Bonjour {{customer.name}},\n{{#invoices}}- {{invoice.number}} : {{invoice.open}}\n{{/invoices}}',
		},
		{ stage: 'formal_notice', days: 45, channels: 'letter', showCharges: true },
	],
	...over,
});

describe('dunning policy from form fields', () => {
	it('gives the stages their kind, level, shipped template, channels in order, amounts, copies and own wording', () => {
		const policy = validatePolicyFields(
			fields({ minimumAmount: 'EUR=2.50', governingLaw: 'fr', contractRatePercent: '12,5' }),
		);
		expect(policy).toMatchObject({
			code: 'sme',
			name: 'PME',
			minimumAmount: { EUR: '2.50' },
			governingLaw: 'FR',
			contractRatePercent: '12.5',
		});
		expect(
			policy.stages.map((s) => [
				s.code,
				s.kind,
				s.level,
				s.offsetDays,
				s.channels,
				s.template,
				s.grouping,
			]),
		).toEqual([
			['pre_due', 'pre_due', undefined, -5, ['email'], 'pre_due', 'statement'],
			['level1', 'reminder', 1, 5, ['email', 'letter'], 'reminder_1', 'statement'],
			['formal_notice', 'formal_notice', undefined, 45, ['letter'], 'formal_notice', 'statement'],
		]);
		const level1 = policy.stages[1];
		expect(level1).toMatchObject({
			cc: ['{{salesRep.email}}', 'credit@orbel.example'],
			minimumAmount: { EUR: '5.00', XOF: '3000' },
			attachments: ['CGV.pdf'],
		});
		// French wording is the company's own; English stays the shipped one.
		const set = stageTemplates(level1);
		expect(set.fr).toEqual({
			subject: 'Rappel {{company.name}} – {{total.open}}',
			text: 'Bonjour {{customer.name}},\n{{#invoices}}- {{invoice.number}} : {{invoice.open}}\n{{/invoices}}',
		});
		expect(set.en).toEqual(shippedTemplate('reminder_1')?.en);
		expect(policy.stages[2].showCharges).toBe(true);
	});

	it('keeps the shipped text when only a subject is written', () => {
		const raw = policyFromFields({
			code: 'x',
			stages: [{ stage: 'level2', days: 15, channels: 'email', subjectEn: 'Second reminder' }],
		});
		const stage = (
			raw.stages as Array<{ templates: Record<string, { subject: string; text: string }> }>
		)[0];
		expect(stage.templates.en).toEqual({
			subject: 'Second reminder',
			text: shippedTemplate('reminder_2')?.en?.text,
		});
		expect(stage.templates.fr).toBeUndefined();
	});

	it('refuses an unknown placeholder in the wording, naming it, as the JSON policy does', () => {
		const bad = fields();
		bad.stages[1].textFr = 'Bonjour {{customer.nom}}';
		let error: unknown;
		try {
			validatePolicyFields(bad);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ReceivablesError);
		expect((error as ReceivablesError).code).toBe('DUNNING_POLICY_INVALID');
		expect((error as ReceivablesError).message).toContain('customer.nom');
	});

	it('says in French and English what is wrong with a stage given twice, no stage, a bad amount or a wrong offset', () => {
		const message = (f: PolicyFields) => {
			try {
				validatePolicyFields(f);
			} catch (e) {
				return [(e as ReceivablesError).message, (e as ReceivablesError).details?.messageFr ?? ''];
			}
			return ['no error', ''];
		};
		expect(message(fields({ stages: [] }))).toEqual([
			'The dunning policy "sme" has no stage.',
			"La politique de relance « sme » n'a aucune étape.",
		]);
		expect(
			message(
				fields({
					stages: [
						{ stage: 'level1', days: 5, channels: 'email' },
						{ stage: 'level1', days: 9, channels: 'email' },
					],
				}),
			)[1],
		).toContain('Relance 1');
		expect(
			message(
				fields({
					stages: [{ stage: 'level1', days: 5, channels: 'email', minimumAmount: 'cinq euros' }],
				}),
			)[1],
		).toContain('« cinq euros »');
		expect(
			message(fields({ stages: [{ stage: 'level9', days: 5, channels: 'email' }] }))[0],
		).toContain('"level9" is not a stage');
		expect(
			message(fields({ stages: [{ stage: 'pre_due', days: 5, channels: 'email' }] }))[0],
		).toContain('offsetDays must be negative');
	});

	it('reads amounts by currency written the French or the English way', () => {
		expect(parseCurrencyAmounts('EUR 1 234,56\nmad: 100', 'x')).toEqual({
			EUR: '1234.56',
			MAD: '100',
		});
		expect(parseCurrencyAmounts('EUR 5, XOF 3000', 'x')).toEqual({ EUR: '5', XOF: '3000' });
		expect(parseCurrencyAmounts('  ', 'x')).toBeUndefined();
	});

	it('offers every order of one to three channels, named in both languages', () => {
		expect(channelOrders()).toHaveLength(15);
		expect(channelOrders()).toContain('call,email,letter');
		expect(channelOrderLabel('email,letter', 'fr')).toBe('e-mail, puis courrier');
		expect(channelOrderLabel(['letter', 'call'], 'en')).toBe('letter, then call');
	});
});

describe('a stored policy described as fields', () => {
	it('shows each shipped stage with when it goes, its channels and the wording of each language', () => {
		const standard = defaultPolicies().find((p) => p.code === 'standard');
		expect(standard).toBeDefined();
		const view = describePolicy(standard!);
		expect(view.map((v) => v.stage)).toEqual([
			'pre_due',
			'level1',
			'level2',
			'level3',
			'formal_notice',
			'thank_you',
		]);
		expect(view[0]).toMatchObject({
			stageFr: 'Avis avant échéance',
			whenFr: "5 jours avant l'échéance",
			whenEn: '5 days before the due date',
			channelsFr: 'e-mail',
			ownWordingFr: false,
		});
		expect(view[1]).toMatchObject({
			stageFr: 'Relance 1',
			whenFr: "5 jours après l'échéance",
			channelsFr: 'e-mail, puis courrier',
			subjectFr: shippedTemplate('reminder_1')?.fr?.subject,
		});
		expect(view[5].whenFr).toBe('le jour du paiement');
	});

	it('gives back the fields it was saved from (own wording, copies, minimum amounts)', () => {
		const saved = validatePolicyFields(fields());
		const again = describePolicy(saved).map((v) => ({
			stage: v.stage,
			days: v.days,
			channels: v.channels,
			minimumAmount: v.minimumAmount,
			cc: v.cc,
			bcc: v.bcc,
			attachments: v.attachments,
			showCharges: v.showCharges,
			attachInvoiceCopy: v.attachInvoiceCopy,
			grouping: v.grouping,
			...(v.ownWordingFr ? { subjectFr: v.subjectFr, textFr: v.textFr } : {}),
		}));
		expect(validatePolicy(policyFromFields({ code: 'sme', name: 'PME', stages: again }))).toEqual(
			saved,
		);
		expect(describePolicy(saved)[1]).toMatchObject({
			ownWordingFr: true,
			ownWordingEn: false,
			minimumAmount: 'EUR 5.00; XOF 3000',
		});
	});

	it('lists every placeholder for the help texts', () => {
		expect(placeholderHelp()).toContain('{{company.name}}');
		expect(placeholderHelp()).toContain('{{invoice.daysLate}}');
		expect(placeholderHelp()).toContain('{{#payerLink}}');
	});
});
