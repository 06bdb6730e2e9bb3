import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import {
	loadPolicies,
	stageTemplates,
	validatePolicy,
	type Channel,
	type DunningPolicy,
	type DunningStage,
	type Grouping,
	type StageKind,
} from './policy';
import { INVOICE_PLACEHOLDERS, MESSAGE_PLACEHOLDERS, SECTIONS, type Language } from './templates';

/**
 * Dunning policies as form fields, for people who do not write JSON: the Reminder Step's Save Dunning Policy in
 * "Fields" mode gives one entry per stage (the stage chosen from a list, days from the due date, channels in order,
 * minimum amounts, copies, attachments, the wording per language as plain text). `policyFromFields` turns them into
 * the policy object that `validatePolicy`/`savePolicy` check; `describePolicy` gives the stored policy back as the
 * same fields, one per stage, with the wording actually used (the company's own or the shipped one).
 */

export interface StageChoice {
	code: string;
	kind: StageKind;
	level?: number;
	template: string;
	fr: string;
	en: string;
}

/** The stages a policy may have, in the order they happen. */
export const STAGE_CHOICES: StageChoice[] = [
	{
		code: 'pre_due',
		kind: 'pre_due',
		template: 'pre_due',
		fr: 'Avis avant échéance',
		en: 'Pre-due notice',
	},
	{
		code: 'level1',
		kind: 'reminder',
		level: 1,
		template: 'reminder_1',
		fr: 'Relance 1',
		en: 'Reminder 1',
	},
	{
		code: 'level2',
		kind: 'reminder',
		level: 2,
		template: 'reminder_2',
		fr: 'Relance 2',
		en: 'Reminder 2',
	},
	{
		code: 'level3',
		kind: 'reminder',
		level: 3,
		template: 'reminder_3',
		fr: 'Relance 3',
		en: 'Reminder 3',
	},
	{
		code: 'formal_notice',
		kind: 'formal_notice',
		template: 'formal_notice',
		fr: 'Mise en demeure',
		en: 'Formal notice',
	},
	{
		code: 'thank_you',
		kind: 'thank_you',
		template: 'thank_you',
		fr: 'Remerciement',
		en: 'Thank-you',
	},
];

/** A planned call (a stage whose channel is a call task) as the timeline names it; not a stage a policy chooses. */
const OTHER_STAGE_NAMES: Record<string, { fr: string; en: string }> = {
	call: { fr: 'Appel', en: 'Call' },
};

/**
 * The name people read for a stage code, from the one table above (the dashboard, reports and the customer timeline
 * use it): "Relance 1" / "Reminder 1" for `level1`. A company's own stage code is shown as written, underscores as spaces.
 */
export function stageLabel(code: string | null | undefined, language: Language): string {
	if (!code) return '';
	const names = STAGE_CHOICES.find((c) => c.code === code) ?? OTHER_STAGE_NAMES[code];
	return names ? names[language === 'en' ? 'en' : 'fr'] : code.replace(/_/g, ' ');
}

const CHANNEL_WORDS: Record<Channel, { fr: string; en: string }> = {
	email: { fr: 'e-mail', en: 'e-mail' },
	letter: { fr: 'courrier', en: 'letter' },
	call: { fr: 'appel', en: 'call' },
};

/** Every order of one, two or three channels, as "email,letter" — the values of the Channels list. */
export function channelOrders(): string[] {
	const all: Channel[] = ['email', 'letter', 'call'];
	const out: string[] = [];
	const walk = (taken: Channel[]) => {
		if (taken.length) out.push(taken.join(','));
		for (const c of all) if (!taken.includes(c)) walk([...taken, c]);
	};
	walk([]);
	return out;
}

/** "E-mail, then letter" / "e-mail, puis courrier". */
export function channelOrderLabel(order: string | Channel[], language: Language): string {
	const list = (Array.isArray(order) ? order : order.split(',')) as Channel[];
	return list
		.map((c) => CHANNEL_WORDS[c]?.[language] ?? c)
		.join(language === 'fr' ? ', puis ' : ', then ');
}

/** Every placeholder a wording may use, as one line per group (for the node's help texts and the policy view). */
export function placeholderHelp(): string {
	const wrap = (names: readonly string[]) => names.map((n) => `{{${n}}}`).join(' ');
	return `${wrap(MESSAGE_PLACEHOLDERS)} — per invoice inside {{#invoices}}…{{/invoices}}: ${wrap(INVOICE_PLACEHOLDERS)} — sections: ${SECTIONS.map((s) => `{{#${s}}}…{{/${s}}}`).join(' ')}`;
}

export interface StageFields {
	stage: string;
	/** Days from the due date (negative: before it); for a thank-you, days after the payment. */
	days: number;
	/** Channels in order, e.g. "email,letter". */
	channels: string;
	/** "EUR 5.00; XOF 3000" — the invoice's open amount below which this stage leaves it out. */
	minimumAmount?: string;
	/** Addresses or placeholders, separated by commas, e.g. "{{salesRep.email}}, credit@example.com". */
	cc?: string;
	bcc?: string;
	/** File names given to the send step, e.g. "CGV.pdf". */
	attachments?: string;
	attachInvoiceCopy?: boolean;
	showCharges?: boolean;
	grouping?: Grouping;
	subjectFr?: string;
	textFr?: string;
	subjectEn?: string;
	textEn?: string;
}

export interface PolicyFields {
	code: string;
	name?: string;
	stages: StageFields[];
	minimumAmount?: string;
	governingLaw?: string;
	contractRatePercent?: string;
}

function fieldsError(
	message: string,
	messageFr: string,
	hint: string,
	hintFr: string,
): ReceivablesError {
	return new ReceivablesError('DUNNING_POLICY_INVALID', message, {
		hint,
		details: { messageFr, hintFr },
	});
}

const AMOUNT_ENTRY = /^([A-Za-z]{3})\s*[:=]?\s*(\d[\d\s\u00a0\u202f]*(?:[.,]\d+)?)$/;

/** "EUR 5.00; XOF 3 000" (or one per line, or "EUR=5,00") → { EUR: "5.00", XOF: "3000" }. */
export function parseCurrencyAmounts(
	text: string | undefined,
	field: string,
): Record<string, string> | undefined {
	const source = (text ?? '').trim();
	if (!source) return undefined;
	const out: Record<string, string> = {};
	for (const entry of source
		.split(/[;\n]|,(?=\s*[A-Za-z])/)
		.map((e) => e.trim())
		.filter(Boolean)) {
		const match = AMOUNT_ENTRY.exec(entry);
		if (!match) {
			throw fieldsError(
				`${field}: "${entry}" is not a currency and an amount.`,
				`${field} : « ${entry} » n'est pas une devise suivie d'un montant.`,
				'Write the currency code then the amount, several separated by ";", e.g. "EUR 5.00; XOF 3000".',
				'Écrivez le code de la devise puis le montant, séparés par « ; », par exemple « EUR 5,00 ; XOF 3000 ».',
			);
		}
		out[match[1].toUpperCase()] = match[2].replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
	}
	return out;
}

function list(text: string | undefined): string[] | undefined {
	const items = (text ?? '')
		.split(/[,;\n]/)
		.map((s) => s.trim())
		.filter(Boolean);
	return items.length ? items : undefined;
}

/**
 * The policy object of the fields (not checked yet: give it to validatePolicy/savePolicy, which names the stage and
 * field of any problem, unknown placeholders included). An empty wording keeps the shipped one for that language; a
 * subject or a text alone keeps the shipped other part.
 */
export function policyFromFields(fields: PolicyFields): Record<string, unknown> {
	const stages = fields.stages ?? [];
	if (stages.length === 0) {
		throw fieldsError(
			`The dunning policy "${fields.code}" has no stage.`,
			`La politique de relance « ${fields.code} » n'a aucune étape.`,
			'Add at least one stage (Add Stage), e.g. Reminder 1, 5 days after the due date, by e-mail.',
			"Ajoutez au moins une étape (Add Stage), par exemple Relance 1, 5 jours après l'échéance, par e-mail.",
		);
	}
	const seen = new Set<string>();
	const out = stages.map((s, index) => {
		const choice = STAGE_CHOICES.find((c) => c.code === s.stage);
		if (!choice) {
			throw fieldsError(
				`Stage #${index + 1}: "${s.stage}" is not a stage (${STAGE_CHOICES.map((c) => c.code).join(', ')}).`,
				`Étape n° ${index + 1} : « ${s.stage} » n'est pas une étape (${STAGE_CHOICES.map((c) => c.code).join(', ')}).`,
				'Choose the stage in the list.',
				"Choisissez l'étape dans la liste.",
			);
		}
		if (seen.has(choice.code)) {
			throw fieldsError(
				`Stage "${choice.en}" is given twice.`,
				`L'étape « ${choice.fr} » figure deux fois.`,
				'Keep one entry per stage.',
				'Gardez une seule entrée par étape.',
			);
		}
		seen.add(choice.code);
		const days = Number(s.days);
		const stage: Record<string, unknown> = {
			code: choice.code,
			kind: choice.kind,
			...(choice.level ? { level: choice.level } : {}),
			offsetDays: Number.isFinite(days) ? days : s.days,
			channels: String(s.channels ?? '')
				.split(',')
				.map((c) => c.trim())
				.filter(Boolean),
			template: choice.template,
			grouping: s.grouping || 'statement',
		};
		const minimum = parseCurrencyAmounts(s.minimumAmount, `${choice.en} › Minimum Amount`);
		if (minimum) stage.minimumAmount = minimum;
		for (const key of ['cc', 'bcc', 'attachments'] as const) {
			const values = list(s[key]);
			if (values) stage[key] = values;
		}
		if (s.attachInvoiceCopy) stage.attachInvoiceCopy = true;
		if (s.showCharges) stage.showCharges = true;
		const shipped = stageTemplates({ template: choice.template });
		const templates: Record<string, { subject: string; text: string }> = {};
		for (const [language, subject, text] of [
			['fr', s.subjectFr, s.textFr],
			['en', s.subjectEn, s.textEn],
		] as const) {
			const ownSubject = (subject ?? '').trim();
			const ownText = (text ?? '').replace(/\r\n/g, '\n');
			if (!ownSubject && !ownText.trim()) continue;
			templates[language] = {
				subject: ownSubject || shipped[language]?.subject || '',
				text: ownText.trim() ? ownText : shipped[language]?.text || '',
			};
		}
		if (Object.keys(templates).length) stage.templates = templates;
		return stage;
	});
	const policy: Record<string, unknown> = {
		code: (fields.code ?? '').trim(),
		name: (fields.name ?? '').trim() || (fields.code ?? '').trim(),
		stages: out,
	};
	const minimum = parseCurrencyAmounts(fields.minimumAmount, 'Minimum Amount');
	if (minimum) policy.minimumAmount = minimum;
	if (fields.governingLaw?.trim()) policy.governingLaw = fields.governingLaw.trim();
	if (fields.contractRatePercent?.trim())
		policy.contractRatePercent = fields.contractRatePercent.trim().replace(',', '.');
	return policy;
}

/** Checks the fields as savePolicy would, without storing anything. */
export function validatePolicyFields(fields: PolicyFields): DunningPolicy {
	return validatePolicy(policyFromFields(fields));
}

export interface StageView {
	policy: string;
	policyName: string;
	stage: string;
	stageFr: string;
	stageEn: string;
	kind: StageKind;
	days: number;
	whenFr: string;
	whenEn: string;
	channels: string;
	channelsFr: string;
	channelsEn: string;
	minimumAmount: string;
	cc: string;
	bcc: string;
	attachments: string;
	attachInvoiceCopy: boolean;
	showCharges: boolean;
	grouping: Grouping;
	/** Whether the wording of each language is the company's own (written in the policy) or the shipped one. */
	ownWordingFr: boolean;
	ownWordingEn: boolean;
	subjectFr: string;
	textFr: string;
	subjectEn: string;
	textEn: string;
}

function when(stage: DunningStage, language: Language): string {
	const n = Math.abs(stage.offsetDays);
	const days = language === 'fr' ? `${n} jour${n > 1 ? 's' : ''}` : `${n} day${n === 1 ? '' : 's'}`;
	if (stage.kind === 'thank_you') {
		if (n === 0) return language === 'fr' ? 'le jour du paiement' : 'on the day of the payment';
		return language === 'fr' ? `${days} après le paiement` : `${days} after the payment`;
	}
	if (n === 0) return language === 'fr' ? "le jour de l'échéance" : 'on the due date';
	if (stage.offsetDays < 0)
		return language === 'fr' ? `${days} avant l'échéance` : `${days} before the due date`;
	return language === 'fr' ? `${days} après l'échéance` : `${days} after the due date`;
}

const amounts = (m: Record<string, string> | undefined) =>
	Object.entries(m ?? {})
		.map(([c, a]) => `${c} ${a}`)
		.join('; ');

/** One view per stage of a policy, in the order the stages happen, with the wording each language actually gets. */
export function describePolicy(policy: DunningPolicy): StageView[] {
	return policy.stages.map((stage) => {
		const choice = STAGE_CHOICES.find((c) => c.code === stage.code);
		const set = stageTemplates(stage);
		return {
			policy: policy.code,
			policyName: policy.name,
			stage: stage.code,
			stageFr: choice?.fr ?? stage.code,
			stageEn: choice?.en ?? stage.code,
			kind: stage.kind,
			days: stage.offsetDays,
			whenFr: when(stage, 'fr'),
			whenEn: when(stage, 'en'),
			channels: stage.channels.join(','),
			channelsFr: channelOrderLabel(stage.channels, 'fr'),
			channelsEn: channelOrderLabel(stage.channels, 'en'),
			minimumAmount: amounts({ ...policy.minimumAmount, ...stage.minimumAmount }),
			cc: (stage.cc ?? []).join(', '),
			bcc: (stage.bcc ?? []).join(', '),
			attachments: (stage.attachments ?? []).join(', '),
			attachInvoiceCopy: !!stage.attachInvoiceCopy,
			showCharges: !!stage.showCharges,
			grouping: stage.grouping,
			ownWordingFr: !!stage.templates?.fr,
			ownWordingEn: !!stage.templates?.en,
			subjectFr: set.fr?.subject ?? '',
			textFr: set.fr?.text ?? '',
			subjectEn: set.en?.subject ?? '',
			textEn: set.en?.text ?? '',
		};
	});
}

/** The stored policies (or the one of `code`) as stage views, policies by code. An unknown code is refused with the known ones. */
export async function storedPolicyViews(ledger: Ledger, code?: string): Promise<StageView[]> {
	const policies = await loadPolicies(ledger);
	const wanted = (code ?? '').trim();
	if (wanted && !policies.has(wanted)) {
		const known = [...policies.keys()].join(', ') || '—';
		throw fieldsError(
			`There is no dunning policy "${wanted}".`,
			`Il n'y a pas de politique de relance « ${wanted} ».`,
			`Known policies: ${known}.`,
			`Politiques connues : ${known}.`,
		);
	}
	return [...policies.values()].filter((p) => !wanted || p.code === wanted).flatMap(describePolicy);
}
