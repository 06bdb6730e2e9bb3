import { readFileSync } from 'node:fs';
import { coreAssetPath } from '../assets';
import { ReceivablesError } from '../errors';
import type { Ledger, Queryable } from '../ledger';
import { assertCurrency, parseAmount } from '../money';
import {
	checkAddressTemplate,
	checkTemplateText,
	LANGUAGES,
	shippedTemplate,
	type Language,
	type TemplateSet,
	type TemplateText,
} from './templates';

/**
 * Dunning policies are data: one per customer profile (key account, risky, SME, export, internal…), stored in
 * dunning_policies.stages and overridable per customer (customers.policy_overrides). A policy is an ordered
 * list of stages: pre-due notice, reminder levels 1..n, formal notice, thank-you.
 */
export type StageKind = 'pre_due' | 'reminder' | 'formal_notice' | 'thank_you';
export type Channel = 'email' | 'letter' | 'call';
export type Grouping = 'statement' | 'invoice';

export interface StageFilter {
	/** Document types to remind (default: invoices only). */
	docTypes?: Array<'invoice' | 'credit_note'>;
	/** Customer profiles (policy codes) to include. */
	profiles?: string[];
	/** A custom field of the customer (or of the invoice's extra fields) that must equal a value. */
	customField?: { name: string; equals: string; on?: 'customer' | 'invoice' };
	/** Open amount bounds, decimal, in the invoice's currency. */
	minAmount?: string;
	maxAmount?: string;
}

export interface StageSender {
	name?: string;
	email?: string;
	/** May use placeholders, e.g. {{collector.email}}. */
	replyTo?: string;
}

export interface DunningStage {
	code: string;
	kind: StageKind;
	/** Reminder level (1..n) for kind reminder. */
	level?: number;
	/**
	 * Days relative to the due date (negative: before it) for pre-due notices, reminders and formal notices;
	 * days after the payment for thank-you messages.
	 */
	offsetDays: number;
	/** Channels in order of preference; a customer without a usable e-mail gets a letter when 'letter' is listed. */
	channels: Channel[];
	/** A shipped template name (core/dunning/templates) or a name of `templates`. */
	template: string;
	/** Templates written in the policy itself, per language; they replace the shipped one. */
	templates?: TemplateSet;
	sender?: StageSender;
	/** Static addresses or placeholders such as {{salesRep.email}}. */
	cc?: string[];
	bcc?: string[];
	/** Names of constant attachments (e.g. "CGV.pdf"), given to the send step as files. */
	attachments?: string[];
	/** Attach a PDF copy of each invoice of the message. */
	attachInvoiceCopy?: boolean;
	/** Minimum amount owed (decimal, in the invoice's currency) for the message to go. */
	minAmount?: string;
	/**
	 * Minimum open amount per currency ({"EUR": "5", "XOF": "3000"}) for an invoice to be reminded at this stage;
	 * replaces the policy's minimumAmount for the currencies it names.
	 */
	minimumAmount?: Record<string, string>;
	grouping: Grouping;
	/** Show late-payment interest and the fixed recovery indemnity. */
	showCharges?: boolean;
	filter?: StageFilter;
	/** Thank-you only: thank only customers who had been reminded (default true). */
	onlyIfReminded?: boolean;
	/** Days after the offset during which a missed run still sends (default: until the next stage). */
	catchUpDays?: number;
}

export interface DunningPolicy {
	code: string;
	name: string;
	stages: DunningStage[];
	/** Annual contract rate (percent) replacing the legal rate for late-payment interest. */
	contractRatePercent?: string;
	/** Fixed recovery indemnity per late invoice by currency (decimal); replaces the statutory one (EUR 40 under French law). */
	fixedIndemnity?: Record<string, string>;
	/**
	 * Minimum open amount per currency ({"EUR": "5", "XOF": "3000"}) for an invoice to be reminded (pre-due
	 * notices, reminders, formal notices): a short payment leaving 0.50 open is not dunned. Currencies not named
	 * have no minimum.
	 */
	minimumAmount?: Record<string, string>;
	/** Country whose law governs the contracts of this profile (late-payment rate, indemnity); default: the company's country. */
	governingLaw?: string;
}

/** What a customer may change in its profile's policy: stage fields by stage code, or whole stages off. */
export interface PolicyOverrides {
	stages?: Record<string, Partial<DunningStage> & { disabled?: boolean }>;
	contractRatePercent?: string;
	fixedIndemnity?: Record<string, string>;
	minimumAmount?: Record<string, string>;
	/** The law of this customer's contract, e.g. FR. */
	governingLaw?: string;
	cc?: string[];
	bcc?: string[];
}

const KINDS: StageKind[] = ['pre_due', 'reminder', 'formal_notice', 'thank_you'];
const CHANNELS: Channel[] = ['email', 'letter', 'call'];
const CODE = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
const EMAIL_LIKE = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

export interface PolicyProblem {
	stage?: string;
	field: string;
	message: string;
	placeholder?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** The templates of a stage, per language: inline ones first, then the shipped file. */
export function stageTemplates(stage: Pick<DunningStage, 'template' | 'templates'>): TemplateSet {
	const shipped = shippedTemplate(stage.template) ?? {};
	return { ...shipped, ...(stage.templates ?? {}) };
}

export function stageTemplate(stage: DunningStage, language: Language): TemplateText {
	const set = stageTemplates(stage);
	const template = set[language] ?? set.fr ?? set.en;
	if (!template) {
		throw new ReceivablesError(
			'DUNNING_TEMPLATE_MISSING',
			`Stage "${stage.code}" has no template "${stage.template}".`,
			{
				hint: 'Name a shipped template (pre_due, reminder_1, reminder_2, reminder_3, formal_notice, thank_you) or write the template in the stage.',
			},
		);
	}
	return template;
}

function checkAmount(
	value: unknown,
	field: string,
	stage: string | undefined,
	problems: PolicyProblem[],
): void {
	if (value === undefined) return;
	try {
		if (typeof value !== 'string' && typeof value !== 'number') throw new Error('not a decimal');
		if (parseAmount(value, 'EUR') < 0n) throw new Error('negative');
	} catch {
		problems.push({
			stage,
			field,
			message: `${field} "${String(value)}" is not a positive decimal amount`,
		});
	}
}

function checkRate(value: unknown, field: string, problems: PolicyProblem[]): void {
	if (value === undefined) return;
	if (
		(typeof value !== 'string' && typeof value !== 'number') ||
		!/^\d{1,3}(\.\d{1,4})?$/.test(String(value))
	) {
		problems.push({
			field,
			message: `${field} "${String(value)}" is not a percentage such as 12.5`,
		});
	}
}

function checkAddresses(
	list: unknown,
	field: string,
	stage: string,
	problems: PolicyProblem[],
): void {
	if (list === undefined) return;
	if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
		problems.push({
			stage,
			field,
			message: `${field} must be a list of addresses or placeholders`,
		});
		return;
	}
	for (const entry of list as string[]) {
		if (/[\r\n]/.test(entry)) {
			problems.push({ stage, field, message: `${field} entry contains a line break` });
		} else if (entry.includes('{{')) {
			const bad = checkAddressTemplate(entry);
			if (bad)
				problems.push({
					stage,
					field,
					placeholder: bad,
					message: `${field}: unknown placeholder ${bad}`,
				});
		} else if (!EMAIL_LIKE.test(entry.trim())) {
			problems.push({ stage, field, message: `${field}: "${entry}" is not an e-mail address` });
		}
	}
}

function stageProblems(raw: unknown, index: number, seen: Set<string>): PolicyProblem[] {
	const problems: PolicyProblem[] = [];
	if (!isRecord(raw)) return [{ field: `stages[${index}]`, message: 'a stage must be an object' }];
	const code = typeof raw.code === 'string' ? raw.code : undefined;
	const at = code ?? `#${index + 1}`;
	if (!code || !CODE.test(code))
		problems.push({
			stage: at,
			field: 'code',
			message: 'code must be letters, digits, _ or - (e.g. level1)',
		});
	else if (seen.has(code))
		problems.push({ stage: at, field: 'code', message: `stage code "${code}" is used twice` });
	else seen.add(code);
	if (!KINDS.includes(raw.kind as StageKind))
		problems.push({ stage: at, field: 'kind', message: `kind must be one of ${KINDS.join(', ')}` });
	if (
		typeof raw.offsetDays !== 'number' ||
		!Number.isInteger(raw.offsetDays) ||
		Math.abs(raw.offsetDays) > 3650
	) {
		problems.push({
			stage: at,
			field: 'offsetDays',
			message: 'offsetDays must be a whole number of days',
		});
	} else if (raw.kind === 'pre_due' && raw.offsetDays >= 0) {
		problems.push({
			stage: at,
			field: 'offsetDays',
			message: 'a pre-due notice goes before the due date: offsetDays must be negative (e.g. -5)',
		});
	} else if ((raw.kind === 'reminder' || raw.kind === 'formal_notice') && raw.offsetDays < 0) {
		problems.push({
			stage: at,
			field: 'offsetDays',
			message: 'a reminder goes after the due date: offsetDays must be 0 or more',
		});
	} else if (raw.kind === 'thank_you' && raw.offsetDays < 0) {
		problems.push({
			stage: at,
			field: 'offsetDays',
			message: 'a thank-you goes after the payment: offsetDays must be 0 or more',
		});
	}
	if (raw.level !== undefined && (!Number.isInteger(raw.level) || (raw.level as number) < 1))
		problems.push({ stage: at, field: 'level', message: 'level must be 1 or more' });
	if (
		!Array.isArray(raw.channels) ||
		raw.channels.length === 0 ||
		raw.channels.some((c) => !CHANNELS.includes(c as Channel))
	) {
		problems.push({
			stage: at,
			field: 'channels',
			message: `channels must list one or more of ${CHANNELS.join(', ')}`,
		});
	}
	if (raw.grouping !== 'statement' && raw.grouping !== 'invoice')
		problems.push({
			stage: at,
			field: 'grouping',
			message: 'grouping must be "statement" (one message per customer) or "invoice"',
		});
	if (typeof raw.template !== 'string' || raw.template === '') {
		problems.push({ stage: at, field: 'template', message: 'template must name a template' });
	} else {
		if (raw.templates !== undefined && !isRecord(raw.templates))
			problems.push({
				stage: at,
				field: 'templates',
				message: 'templates must be an object by language (fr, en)',
			});
		const set = stageTemplates({
			template: raw.template,
			templates: isRecord(raw.templates) ? (raw.templates as TemplateSet) : undefined,
		});
		const languages = Object.keys(set);
		if (languages.length === 0)
			problems.push({
				stage: at,
				field: 'template',
				message: `no template "${raw.template}" is shipped and the stage writes none`,
			});
		for (const language of languages) {
			if (!LANGUAGES.includes(language as Language)) {
				problems.push({
					stage: at,
					field: 'templates',
					message: `language "${language}" is not supported (fr, en)`,
				});
				continue;
			}
			const text = set[language as Language];
			if (!isRecord(text)) {
				problems.push({
					stage: at,
					field: `templates.${language}`,
					message: 'a template needs subject and text',
				});
				continue;
			}
			for (const p of checkTemplateText(text as unknown as TemplateText, language)) {
				problems.push({
					stage: at,
					field: `templates.${language}.${p.part}`,
					message: p.message,
					placeholder: p.placeholder,
				});
			}
		}
	}
	if (raw.sender !== undefined) {
		if (!isRecord(raw.sender))
			problems.push({
				stage: at,
				field: 'sender',
				message: 'sender must be { name, email, replyTo }',
			});
		else {
			for (const key of ['name', 'email', 'replyTo'] as const) {
				const v = raw.sender[key];
				if (v !== undefined && (typeof v !== 'string' || /[\r\n]/.test(v)))
					problems.push({
						stage: at,
						field: `sender.${key}`,
						message: `sender.${key} must be one line of text`,
					});
			}
			if (
				typeof raw.sender.email === 'string' &&
				raw.sender.email &&
				!EMAIL_LIKE.test(raw.sender.email)
			)
				problems.push({
					stage: at,
					field: 'sender.email',
					message: `"${raw.sender.email}" is not an e-mail address`,
				});
			if (typeof raw.sender.replyTo === 'string')
				checkAddresses([raw.sender.replyTo], 'sender.replyTo', at, problems);
		}
	}
	checkAddresses(raw.cc, 'cc', at, problems);
	checkAddresses(raw.bcc, 'bcc', at, problems);
	if (
		raw.attachments !== undefined &&
		(!Array.isArray(raw.attachments) ||
			raw.attachments.some((a) => typeof a !== 'string' || a.trim() === '' || /[\r\n]/.test(a)))
	) {
		problems.push({
			stage: at,
			field: 'attachments',
			message: 'attachments must be a list of file names',
		});
	}
	checkAmount(raw.minAmount, 'minAmount', at, problems);
	problems.push(
		...currencyAmountProblems(raw.minimumAmount, 'minimumAmount').map((p) => ({ ...p, stage: at })),
	);
	if (
		raw.catchUpDays !== undefined &&
		(!Number.isInteger(raw.catchUpDays) || (raw.catchUpDays as number) < 0)
	)
		problems.push({ stage: at, field: 'catchUpDays', message: 'catchUpDays must be 0 or more' });
	if (raw.filter !== undefined) {
		if (!isRecord(raw.filter))
			problems.push({ stage: at, field: 'filter', message: 'filter must be an object' });
		else problems.push(...filterProblems(raw.filter).map((p) => ({ ...p, stage: at })));
	}
	return problems;
}

export function filterProblems(filter: Record<string, unknown>): PolicyProblem[] {
	const problems: PolicyProblem[] = [];
	if (
		filter.docTypes !== undefined &&
		(!Array.isArray(filter.docTypes) ||
			filter.docTypes.some((d) => d !== 'invoice' && d !== 'credit_note'))
	) {
		problems.push({
			field: 'filter.docTypes',
			message: 'docTypes must list invoice and/or credit_note',
		});
	}
	if (
		filter.profiles !== undefined &&
		(!Array.isArray(filter.profiles) || filter.profiles.some((p) => typeof p !== 'string'))
	) {
		problems.push({
			field: 'filter.profiles',
			message: 'profiles must be a list of profile codes',
		});
	}
	if (filter.customField !== undefined) {
		const cf = filter.customField;
		if (
			!isRecord(cf) ||
			typeof cf.name !== 'string' ||
			cf.name === '' ||
			(typeof cf.equals !== 'string' &&
				typeof cf.equals !== 'number' &&
				typeof cf.equals !== 'boolean') ||
			(cf.on !== undefined && cf.on !== 'customer' && cf.on !== 'invoice')
		) {
			problems.push({
				field: 'filter.customField',
				message: 'customField must be { name, equals, on: "customer" | "invoice" }',
			});
		}
	}
	checkAmount(filter.minAmount, 'filter.minAmount', undefined, problems);
	checkAmount(filter.maxAmount, 'filter.maxAmount', undefined, problems);
	return problems;
}

function describeProblems(problems: PolicyProblem[]): string {
	return problems
		.map(
			(p) =>
				`${p.stage ? `stage ${p.stage}${p.field.startsWith('templates.') ? ` (${p.field})` : ''}: ` : ''}${p.message}`,
		)
		.join('; ');
}

/**
 * Checks a policy and returns it typed. Throws DUNNING_POLICY_INVALID listing every problem; a template with an
 * unknown placeholder is reported with the placeholder, the stage and the language.
 */
/** JSON text (as typed in a node parameter) is parsed first; invalid JSON is refused with the parser's reason. */
export function validatePolicy(input: unknown): DunningPolicy {
	if (typeof input === 'string') {
		try {
			input = JSON.parse(input);
		} catch (error) {
			const reason = (error as Error).message;
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
			throw new ReceivablesError(
				'DUNNING_POLICY_NOT_JSON',
				`The dunning policy is not valid JSON: ${reason}`,
				{
					hint: 'Give the policy as a JSON object, e.g. { "code": "standard", "name": "…", "stages": [ … ] }.',
					details: {
						messageFr: `La politique de relance n'est pas un JSON valide : ${reason}`,
						hintFr:
							'Donnez la politique sous forme d\'objet JSON, par exemple { "code": "standard", "name": "…", "stages": [ … ] }.',
					},
				},
			);
		}
	}
	const problems: PolicyProblem[] = [];
	if (!isRecord(input)) {
		throw new ReceivablesError(
			'DUNNING_POLICY_INVALID',
			'The dunning policy is not a JSON object.',
			{
				hint: 'Give { "code": "standard", "name": "…", "stages": [ … ] }.',
			},
		);
	}
	if (typeof input.code !== 'string' || !CODE.test(input.code))
		problems.push({
			field: 'code',
			message: 'code must be letters, digits, _ or - (the customer profile, e.g. sme)',
		});
	if (input.name !== undefined && typeof input.name !== 'string')
		problems.push({ field: 'name', message: 'name must be text' });
	if (!Array.isArray(input.stages) || input.stages.length === 0)
		problems.push({ field: 'stages', message: 'stages must list at least one stage' });
	else {
		const seen = new Set<string>();
		input.stages.forEach((stage, index) => problems.push(...stageProblems(stage, index, seen)));
	}
	checkRate(input.contractRatePercent, 'contractRatePercent', problems);
	problems.push(...indemnityProblems(input.fixedIndemnity));
	problems.push(...currencyAmountProblems(input.minimumAmount, 'minimumAmount'));
	if (
		input.governingLaw !== undefined &&
		(typeof input.governingLaw !== 'string' || !/^[A-Za-z]{2}$/.test(input.governingLaw))
	) {
		problems.push({
			field: 'governingLaw',
			message: `governingLaw "${String(input.governingLaw)}" is not a two-letter country code such as FR`,
		});
	}
	if (problems.length > 0) {
		const placeholders = problems.map((p) => p.placeholder).filter((p): p is string => !!p);
		throw new ReceivablesError(
			'DUNNING_POLICY_INVALID',
			`The dunning policy "${String(input.code ?? '?')}" is not valid: ${describeProblems(problems)}.`,
			{
				hint: placeholders.length
					? `Fix or remove ${placeholders.join(', ')}: the placeholders a template may use are listed in the README (Reminder Step → templates).`
					: 'Fix the fields named above and save the policy again.',
				details: { problems },
			},
		);
	}
	const stages = (input.stages as DunningStage[]).map((stage) => ({
		...stage,
		level: stage.level ?? (stage.kind === 'reminder' ? 1 : undefined),
	}));
	return {
		code: input.code as string,
		name: (input.name as string | undefined) ?? (input.code as string),
		stages,
		contractRatePercent:
			input.contractRatePercent === undefined ? undefined : String(input.contractRatePercent),
		fixedIndemnity: input.fixedIndemnity as Record<string, string> | undefined,
		...(input.minimumAmount !== undefined
			? { minimumAmount: input.minimumAmount as Record<string, string> }
			: {}),
		...(input.governingLaw !== undefined
			? { governingLaw: (input.governingLaw as string).toUpperCase() }
			: {}),
	};
}

function currencyAmountProblems(value: unknown, field: string): PolicyProblem[] {
	if (value === undefined) return [];
	if (!isRecord(value))
		return [
			{
				field,
				message: `${field} must be amounts by currency, e.g. { "EUR": "5", "XOF": "3000" }`,
			},
		];
	const problems: PolicyProblem[] = [];
	for (const [currency, amount] of Object.entries(value)) {
		try {
			assertCurrency(currency);
			if (
				(typeof amount !== 'string' && typeof amount !== 'number') ||
				parseAmount(amount, currency) < 0n
			)
				throw new Error('negative');
		} catch {
			problems.push({
				field: `${field}.${currency}`,
				message: `"${String(amount)}" is not a positive amount in ${currency}`,
			});
		}
	}
	return problems;
}

/** The minimum open amount of a stage for a currency (stage setting, else policy setting), in minor units; undefined: none. */
export function stageMinimum(
	policy: DunningPolicy,
	stage: DunningStage,
	currency: string,
): bigint | undefined {
	const text = stage.minimumAmount?.[currency] ?? policy.minimumAmount?.[currency];
	return text === undefined ? undefined : parseAmount(text, currency);
}

function indemnityProblems(value: unknown): PolicyProblem[] {
	if (value === undefined) return [];
	const problems: PolicyProblem[] = [];
	if (!isRecord(value))
		return [
			{
				field: 'fixedIndemnity',
				message: 'fixedIndemnity must be { "EUR": "40", "XOF": "26000" }',
			},
		];
	for (const [currency, amount] of Object.entries(value)) {
		try {
			assertCurrency(currency);
			parseAmount(amount as string, currency);
		} catch {
			problems.push({
				field: `fixedIndemnity.${currency}`,
				message: `"${String(amount)}" is not an amount in ${currency}`,
			});
		}
	}
	return problems;
}

/** Applies a customer's overrides to its profile's policy; the result is validated again. */
export function applyOverrides(
	policy: DunningPolicy,
	overrides: PolicyOverrides | undefined | null,
): DunningPolicy {
	if (!overrides || Object.keys(overrides).length === 0) return policy;
	const stageOverrides = overrides.stages ?? {};
	const stages: DunningStage[] = [];
	for (const stage of policy.stages) {
		const change = stageOverrides[stage.code];
		if (change?.disabled) continue;
		const merged: DunningStage = { ...stage, ...(change ?? {}), code: stage.code };
		delete (merged as { disabled?: boolean }).disabled;
		if (overrides.cc) merged.cc = [...(merged.cc ?? []), ...overrides.cc];
		if (overrides.bcc) merged.bcc = [...(merged.bcc ?? []), ...overrides.bcc];
		stages.push(merged);
	}
	for (const [code, extra] of Object.entries(stageOverrides)) {
		if (!policy.stages.some((s) => s.code === code) && !extra.disabled)
			stages.push({ ...(extra as DunningStage), code });
	}
	return validatePolicy({
		...policy,
		stages,
		contractRatePercent: overrides.contractRatePercent ?? policy.contractRatePercent,
		fixedIndemnity: { ...(policy.fixedIndemnity ?? {}), ...(overrides.fixedIndemnity ?? {}) },
		...(policy.minimumAmount || overrides.minimumAmount
			? { minimumAmount: { ...(policy.minimumAmount ?? {}), ...(overrides.minimumAmount ?? {}) } }
			: {}),
		...((overrides.governingLaw ?? policy.governingLaw)
			? { governingLaw: overrides.governingLaw ?? policy.governingLaw }
			: {}),
	});
}

/** Checks a customer's overrides against its profile's policy (configuration time). */
export function validateOverrides(policy: DunningPolicy, overrides: unknown): PolicyOverrides {
	if (overrides === undefined || overrides === null) return {};
	if (!isRecord(overrides)) {
		throw new ReceivablesError(
			'DUNNING_OVERRIDES_INVALID',
			'The policy overrides are not a JSON object.',
			{
				hint: 'Give { "stages": { "level1": { "offsetDays": 10 } } }.',
			},
		);
	}
	let problem: ReceivablesError | undefined;
	try {
		applyOverrides(policy, overrides as PolicyOverrides);
	} catch (error) {
		problem = error as ReceivablesError;
	}
	if (problem) {
		throw new ReceivablesError(
			'DUNNING_OVERRIDES_INVALID',
			`The customer's overrides of policy "${policy.code}" are not valid: ${problem.message}`,
			{
				hint: problem.hint,
				details: problem.details,
			},
		);
	}
	return overrides as PolicyOverrides;
}

/** The stages in the order they apply to one invoice: pre-due, reminders by offset, formal notice. */
export function orderedStages(policy: DunningPolicy): DunningStage[] {
	return policy.stages
		.filter((s) => s.kind !== 'thank_you')
		.sort((a, b) => a.offsetDays - b.offsetDays);
}

/**
 * The due-date window of a stage, in days late: [from, to). An invoice `from` days late gets the stage; a run
 * that was missed still sends until the next stage starts (or for catchUpDays).
 */
export function stageWindow(
	policy: DunningPolicy,
	stage: DunningStage,
): { from: number; to: number } {
	const from = stage.offsetDays;
	if (stage.catchUpDays !== undefined) return { from, to: from + stage.catchUpDays + 1 };
	const next = orderedStages(policy).find((s) => s.offsetDays > stage.offsetDays);
	let to = next ? next.offsetDays : from + 31;
	if (stage.kind === 'pre_due') to = Math.min(to, 0);
	return { from, to: Math.max(to, from + 1) };
}

export function defaultPolicies(): DunningPolicy[] {
	const raw = JSON.parse(
		readFileSync(coreAssetPath('dunning', 'policies.json'), 'utf8'),
	) as unknown[];
	return raw.map(validatePolicy);
}

/** Stores a policy (validated first). Returns whether it was created or updated. */
export async function savePolicy(
	ledger: Ledger | Queryable,
	input: unknown,
): Promise<{ policy: DunningPolicy; status: 'created' | 'updated' }> {
	const policy = validatePolicy(input);
	const rows = await queryOf(ledger)<{ inserted: boolean }>(
		`INSERT INTO dunning_policies (code, name, stages, settings) VALUES ($1, $2, $3, $4)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, stages = EXCLUDED.stages, settings = EXCLUDED.settings, updated_at = now()
		RETURNING (xmax = 0) AS inserted`,
		[
			policy.code,
			policy.name,
			JSON.stringify(policy.stages),
			JSON.stringify(policySettings(policy)),
		],
	);
	return { policy, status: rows[0].inserted ? 'created' : 'updated' };
}

/** Installs the shipped policies that are not in the ledger yet (never overwrites a user's edits). */
export async function installDefaultPolicies(ledger: Ledger): Promise<string[]> {
	const created: string[] = [];
	for (const policy of defaultPolicies()) {
		const rows = await ledger.query(
			'INSERT INTO dunning_policies (code, name, stages, settings) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING RETURNING code',
			[
				policy.code,
				policy.name,
				JSON.stringify(policy.stages),
				JSON.stringify(policySettings(policy)),
			],
		);
		if (rows.length) created.push(policy.code);
	}
	return created;
}

/** Policy-wide settings (contract rate, indemnities) live in dunning_policies.settings; stages stay an array. */
function policySettings(policy: DunningPolicy): Record<string, unknown> {
	const settings: Record<string, unknown> = {};
	if (policy.contractRatePercent !== undefined)
		settings.contractRatePercent = policy.contractRatePercent;
	if (policy.fixedIndemnity !== undefined) settings.fixedIndemnity = policy.fixedIndemnity;
	if (policy.minimumAmount !== undefined) settings.minimumAmount = policy.minimumAmount;
	if (policy.governingLaw !== undefined) settings.governingLaw = policy.governingLaw;
	return settings;
}

export function policyFromRow(row: {
	code: string;
	name: string;
	stages: unknown;
	settings?: unknown;
}): DunningPolicy {
	const settings = isRecord(row.settings) ? row.settings : {};
	return validatePolicy({ ...settings, stages: row.stages, code: row.code, name: row.name });
}

export async function loadPolicies(
	ledger: Ledger | Queryable,
): Promise<Map<string, DunningPolicy>> {
	const rows = await queryOf(ledger)<{
		code: string;
		name: string;
		stages: unknown;
		settings: unknown;
	}>('SELECT code, name, stages, settings FROM dunning_policies ORDER BY code');
	const map = new Map<string, DunningPolicy>();
	for (const row of rows) map.set(row.code, policyFromRow(row));
	return map;
}

type QueryFn = <R extends Record<string, unknown>>(
	text: string,
	values?: unknown[],
) => Promise<R[]>;

export function queryOf(target: Ledger | Queryable): QueryFn {
	if ('ensureReady' in target) return (text, values) => target.query(text, values);
	return async (text, values) => (await (target as Queryable).query(text, values)).rows;
}
