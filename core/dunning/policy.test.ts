import { isReceivablesError } from '../errors';
import { applyOverrides, defaultPolicies, stageWindow, validatePolicy } from './policy';
import { renderTemplate, shippedTemplateNames } from './templates';

const base = {
	code: 'sme',
	name: 'SME',
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
			offsetDays: 5,
			channels: ['email', 'letter'],
			template: 'reminder_1',
			grouping: 'statement',
			cc: ['{{salesRep.email}}'],
		},
		{
			code: 'level2',
			kind: 'reminder',
			level: 2,
			offsetDays: 15,
			channels: ['email'],
			template: 'reminder_2',
			grouping: 'invoice',
		},
	],
};

function problemOf(input: unknown): { message: string; hint?: string } {
	try {
		validatePolicy(input);
	} catch (error) {
		if (isReceivablesError(error)) return { message: error.message, hint: error.hint };
		throw error;
	}
	throw new Error('the policy was accepted');
}

describe('dunning policies', () => {
	it('accepts the shipped policies and templates', () => {
		const policies = defaultPolicies();
		expect(policies.map((p) => p.code)).toEqual([
			'standard',
			'key_account',
			'risky',
			'export',
			'internal',
		]);
		expect(shippedTemplateNames()).toEqual([
			'formal_notice',
			'pre_due',
			'reminder_1',
			'reminder_2',
			'reminder_3',
			'thank_you',
		]);
	});

	it('names the unknown placeholder, the stage and the language', () => {
		const broken = structuredClone(base) as typeof base & {
			stages: Array<Record<string, unknown>>;
		};
		broken.stages[1].templates = {
			en: { subject: 'Invoice {{invoice.numbr}}', text: 'Dear {{customer.nme}}' },
		};
		const { message, hint } = problemOf(broken);
		expect(message).toContain('stage level1 (templates.en.subject)');
		expect(message).toContain('unknown placeholder {{invoice.numbr}}');
		expect(message).toContain('{{customer.nme}}');
		expect(hint).toContain('{{invoice.numbr}}');
	});

	it('refuses unknown cc placeholders, unclosed sections and line breaks in subjects', () => {
		const p1 = structuredClone(base) as { stages: Array<Record<string, unknown>> };
		p1.stages[1].cc = ['{{salesrep.mail}}'];
		expect(problemOf(p1).message).toContain('cc: unknown placeholder {{salesrep.mail}}');
		const p2 = structuredClone(base) as { stages: Array<Record<string, unknown>> };
		p2.stages[0].templates = { fr: { subject: 'a\r\nBcc: x@y.z', text: '{{#invoices}}x' } };
		const m2 = problemOf(p2).message;
		expect(m2).toContain('the subject contains a line break');
		expect(m2).toContain('{{#invoices}} is never closed');
	});

	it('checks offsets against the stage kind, codes, channels and grouping', () => {
		const bad = structuredClone(base) as { stages: Array<Record<string, unknown>> };
		bad.stages[0].offsetDays = 3;
		bad.stages[2].code = 'level1';
		bad.stages[1].channels = ['fax'];
		bad.stages[1].grouping = 'weekly';
		const { message } = problemOf(bad);
		expect(message).toContain('offsetDays must be negative');
		expect(message).toContain('used twice');
		expect(message).toContain('channels must list');
		expect(message).toContain('grouping must be');
	});

	it('applies customer overrides by stage code', () => {
		const policy = validatePolicy(base);
		const custom = applyOverrides(policy, {
			stages: { level1: { offsetDays: 10 }, pre_due: { disabled: true } },
			bcc: ['audit@example.com'],
			contractRatePercent: '9',
		});
		expect(custom.stages.map((s) => [s.code, s.offsetDays])).toEqual([
			['level1', 10],
			['level2', 15],
		]);
		expect(custom.stages[0].bcc).toEqual(['audit@example.com']);
		expect(custom.contractRatePercent).toBe('9');
		expect(() => applyOverrides(policy, { stages: { level1: { template: 'nope' } } })).toThrow(
			/no template "nope"/,
		);
	});

	it('gives each stage a window up to the next stage', () => {
		const policy = validatePolicy(base);
		expect(stageWindow(policy, policy.stages[0])).toEqual({ from: -5, to: 0 });
		expect(stageWindow(policy, policy.stages[1])).toEqual({ from: 5, to: 15 });
		expect(stageWindow(policy, policy.stages[2])).toEqual({ from: 15, to: 46 });
		expect(stageWindow(policy, { ...policy.stages[1], catchUpDays: 0 })).toEqual({
			from: 5,
			to: 6,
		});
	});

	it('renders sections and escapes customer data in HTML only', () => {
		const data = {
			values: { 'customer.name': 'Dupont <b>&</b> Fils', 'total.open': '1 200,00 €' },
			invoices: [{ 'invoice.number': 'F-1' }, { 'invoice.number': 'F-2' }],
			hasCharges: false,
		};
		const rendered = renderTemplate(
			{
				subject: 'Relance {{customer.name}}',
				text: 'Client {{customer.name}}\n{{#invoices}}* {{invoice.number}}\n{{/invoices}}{{#charges}}X{{/charges}}{{^charges}}sans frais{{/charges}}',
				html: '<p>{{customer.name}}</p>',
			},
			data,
		);
		expect(rendered.subject).toBe('Relance Dupont <b>&</b> Fils');
		expect(rendered.text).toBe('Client Dupont <b>&</b> Fils\n* F-1\n* F-2\nsans frais');
		expect(rendered.html).toBe('<p>Dupont &lt;b&gt;&amp;&lt;/b&gt; Fils</p>');
		const auto = renderTemplate({ subject: 's', text: 'Hi {{customer.name}}\n\nBye' }, data);
		expect(auto.html).toContain('<p>Hi Dupont &lt;b&gt;&amp;&lt;/b&gt; Fils</p>');
	});
});
