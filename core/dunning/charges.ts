import { readFileSync } from 'node:fs';
import { coreAssetPath } from '../assets';
import { ReceivablesError } from '../errors';
import { assertCurrency, formatAmount, parseAmount, roundHalfAwayFromZero } from '../money';
import { daysBetween, addDays, parseCalendarDate } from '../time';

/**
 * Late-payment charges under French law (Code de commerce L441-10 and D441-5): interest at the ECB main
 * refinancing rate in force on 1 January (first half-year) or 1 July (second half-year) plus 10 points, pro rata
 * temporis (days / 365), on each amount for its own period of delay, and a fixed recovery indemnity of EUR 40 per
 * late invoice. A contract rate replaces the legal rate, but never below three times the legal interest rate
 * (taux de l'intérêt légal) of the half-year: a lower contract rate is raised to that floor, with a warning.
 *
 * The governing law of the customer or contract decides, not the invoice currency: under French law ("FR") a
 * USD or XOF invoice earns the same interest and the same EUR 40 indemnity. Under another law the package knows
 * no statutory rate: interest runs only at a contract rate and an indemnity only where one is configured.
 *
 * Rates are exact: percentages are scaled to integers and amounts are bigint.
 */

/** A rate as an integer number of 1/10 000 of a percent (12.15 % → 121 500). */
const RATE_SCALE = 10_000n;
const LEGAL_MARGIN = 10n * RATE_SCALE;
const EUR_INDEMNITY_MINOR = 4000n;
const FRENCH_LAW = 'FR';

/**
 * Currencies with a fixed legal parity to the euro: the EUR 40 indemnity is stated in the invoice currency at
 * that parity (1 EUR = 655.957 XOF / XAF, 491.96775 KMF, 110.265 CVE). Other currencies keep it in EUR.
 */
export const EURO_PARITIES: Record<string, string> = {
	XOF: '655.957',
	XAF: '655.957',
	KMF: '491.96775',
	CVE: '110.265',
};

export interface EcbRate {
	from: string;
	ratePercent: string;
}

export interface LegalInterestRate {
	/** Half-year, e.g. "2025-S2". */
	semester: string;
	ratePercent: string;
}

interface RateTable<R> {
	updated: string;
	checkedThrough?: string;
	source: string;
	rates: R[];
}

let ecbTable: RateTable<EcbRate> | undefined;
let legalInterestTable: RateTable<LegalInterestRate> | undefined;

function ecbDoc(): RateTable<EcbRate> {
	if (!ecbTable) {
		const doc = JSON.parse(
			readFileSync(coreAssetPath('dunning', 'ecb-rates.json'), 'utf8'),
		) as RateTable<EcbRate>;
		ecbTable = { ...doc, rates: [...doc.rates].sort((a, b) => a.from.localeCompare(b.from)) };
	}
	return ecbTable;
}

function legalInterestDoc(): RateTable<LegalInterestRate> {
	if (!legalInterestTable) {
		const doc = JSON.parse(
			readFileSync(coreAssetPath('dunning', 'legal-interest-rates.json'), 'utf8'),
		) as RateTable<LegalInterestRate>;
		legalInterestTable = {
			...doc,
			rates: [...doc.rates].sort((a, b) => a.semester.localeCompare(b.semester)),
		};
	}
	return legalInterestTable;
}

/** The shipped table of historical ECB MRO rates (core/dunning/ecb-rates.json), oldest first. */
export function ecbRates(): EcbRate[] {
	return ecbDoc().rates;
}

/** The shipped French legal interest rates for professionals (core/dunning/legal-interest-rates.json), oldest first. */
export function legalInterestRates(): LegalInterestRate[] {
	return legalInterestDoc().rates;
}

/** When each shipped rate table was last updated, and up to when the ECB table is known to be complete. */
export function rateTablesInfo(): {
	ecb: { updated: string; checkedThrough: string; lastChange: string; source: string };
	legalInterest: { updated: string; lastSemester: string; source: string };
} {
	const ecb = ecbDoc();
	const legal = legalInterestDoc();
	const lastChange = ecb.rates[ecb.rates.length - 1]?.from ?? '';
	return {
		ecb: {
			updated: ecb.updated,
			checkedThrough: ecb.checkedThrough ?? lastChange,
			lastChange,
			source: ecb.source,
		},
		legalInterest: {
			updated: legal.updated,
			lastSemester: legal.rates[legal.rates.length - 1]?.semester ?? '',
			source: legal.source,
		},
	};
}

function parseRate(text: string | number, what: string): bigint {
	const value = String(text).trim().replace(',', '.');
	const m = value.match(/^(-?)(\d{1,3})(?:\.(\d{1,4}))?$/);
	if (!m) {
		throw new ReceivablesError('CHARGES_BAD_RATE', `${what} "${text}" is not a percentage.`, {
			hint: 'Write a percentage with a dot, for example 12.15.',
		});
	}
	const scaled = BigInt(m[2]) * RATE_SCALE + BigInt((m[3] ?? '').padEnd(4, '0'));
	return m[1] ? -scaled : scaled;
}

function formatRate(scaled: bigint): string {
	const negative = scaled < 0n;
	const abs = negative ? -scaled : scaled;
	const fraction = (abs % RATE_SCALE).toString().padStart(4, '0').replace(/0+$/, '').padEnd(2, '0');
	return `${negative ? '-' : ''}${abs / RATE_SCALE}.${fraction}`;
}

/** The ECB MRO rate in force on a date (the last change on or before it). */
export function ecbRateOn(date: string): string {
	const rates = ecbRates();
	let found: EcbRate | undefined;
	for (const rate of rates) {
		if (rate.from <= date) found = rate;
		else break;
	}
	if (!found) {
		throw new ReceivablesError(
			'CHARGES_NO_RATE',
			`The ECB rate table starts on ${rates[0]?.from}: no rate for ${date}.`,
			{
				hint: 'Give a contract rate for invoices that old, or extend core/dunning/ecb-rates.json.',
			},
		);
	}
	return found.ratePercent;
}

/** Whether the ECB table is known to give the rate in force on `date` (a later change, or checked through it). */
export function ecbRateKnownOn(date: string): boolean {
	const doc = ecbDoc();
	const last = doc.rates[doc.rates.length - 1]?.from ?? '';
	return date <= last || date <= (doc.checkedThrough ?? last);
}

function semesterOf(date: string): string {
	return `${date.slice(0, 4)}-S${Number(date.slice(5, 7)) <= 6 ? 1 : 2}`;
}

/** The legal late-payment rate of the half-year containing `date`: ECB rate on 1 January / 1 July + 10 points. */
export function legalRateFor(date: string): {
	ratePercent: string;
	ecbRatePercent: string;
	reference: string;
	known: boolean;
} {
	const reference = `${date.slice(0, 4)}-${Number(date.slice(5, 7)) <= 6 ? '01' : '07'}-01`;
	const ecb = ecbRateOn(reference);
	return {
		ratePercent: formatRate(parseRate(ecb, 'ECB rate') + LEGAL_MARGIN),
		ecbRatePercent: ecb,
		reference,
		known: ecbRateKnownOn(reference),
	};
}

/**
 * The French legal interest rate for professionals of the half-year containing `date`. A half-year missing
 * from the table gives the last known rate with `known: false` (the caller warns); none before 2015.
 */
export function legalInterestRateFor(
	date: string,
): { ratePercent: string; semester: string; known: boolean; usedSemester: string } | undefined {
	const semester = semesterOf(date);
	let found: LegalInterestRate | undefined;
	for (const rate of legalInterestRates()) {
		if (rate.semester <= semester) found = rate;
		else break;
	}
	if (!found) return undefined;
	return {
		ratePercent: found.ratePercent,
		semester,
		known: found.semester === semester,
		usedSemester: found.semester,
	};
}

/** An amount settled on a date (payment received, credit note, write-off): interest on it stops that day. */
export interface Settlement {
	date: string;
	amountMinor: bigint;
	kind?: 'payment' | 'credit_note' | 'write_off';
}

export interface LatePaymentInput {
	/**
	 * Amount owed: a decimal string or number in `currency` ("1234.56"), or `amountMinor`. With `settlements`,
	 * the amount owed at the due date (the invoice's payable amount); without, the amount still open.
	 */
	amount?: string | number;
	amountMinor?: bigint;
	currency: string;
	dueDate: string;
	asOf: string;
	/** Annual contract rate (percent) that replaces the legal rate (never below 3 × legal interest under French law). */
	contractRatePercent?: string | number;
	/** Fixed indemnity per currency (decimal); replaces the statutory one for that currency. */
	fixedIndemnity?: Record<string, string>;
	/** Country whose law governs the contract (ISO 3166 alpha-2); default FR. */
	governingLaw?: string;
	/**
	 * What was paid, credited or written off, with its date. Each amount earns interest from the day after the due
	 * date to its own date (a payment made before the due date earns none); what is left earns it up to `asOf`.
	 * Written-off amounts earn no interest: the seller gave them up.
	 */
	settlements?: Settlement[];
	/**
	 * The invoice's earlier contents when it was revised (a corrected invoice re-sent), each with the day the next
	 * content took effect (`until`, excluded): the amount it made owed at the due date (payable less credit notes)
	 * and its due date. `amount`/`amountMinor` and `dueDate` are then those of the current content. Each day earns
	 * interest on the lesser of the content in force that day and the content in force at `asOf`, and only when both
	 * say it was late: no interest on an amount or from a due date the customer had not been invoiced yet, nor on an
	 * amount a correction took off (the company itself says it was not owed).
	 */
	revisions?: EarlierVersion[];
}

/** An invoice's content before a revision: in force on the days before `until`. */
export interface EarlierVersion {
	until: string;
	amountMinor: bigint;
	dueDate: string;
}

/**
 * The earlier contents of an invoice for the charges, from its kept revisions (payable amounts): each amount owed is
 * its payable less what credit notes took off the current one (`payableNow` − `owedNow`).
 */
export function earlierVersions(
	rows: Array<{ until: string; payableMinor: bigint; dueDate: string }> | null | undefined,
	payableNow: bigint,
	owedNow: bigint,
): EarlierVersion[] {
	const credited = payableNow - owedNow;
	return (rows ?? []).map((r) => ({
		until: r.until,
		amountMinor: r.payableMinor - credited,
		dueDate: r.dueDate,
	}));
}

export interface LatePaymentPeriod {
	from: string;
	to: string;
	days: number;
	ratePercent: string;
	/** False when the half-year's rate is not in the shipped tables (the last known one was used, with a warning). */
	rateKnown?: boolean;
}

/** One amount and its own period of delay: a late payment, or what is still open. */
export interface LatePaymentPortion {
	amountMinor: bigint;
	amount: string;
	/**
	 * 'paid': settled on `to` (a late payment); 'open': still owed on `to` (the as-of date); 'revised': owed late up to
	 * `to`, the next day a revision of the invoice made it owed no longer (or not yet late).
	 */
	status: 'paid' | 'open' | 'revised';
	from: string;
	to: string;
	days: number;
	interestMinor: bigint;
	interest: string;
	periods: LatePaymentPeriod[];
}

export interface ChargesWarning {
	code: 'RATE_UNKNOWN' | 'LEGAL_INTEREST_UNKNOWN' | 'CONTRACT_RATE_RAISED' | 'NO_STATUTORY_RATE';
	message: string;
	messageFr: string;
	semester?: string;
}

export interface LatePaymentCharges {
	daysLate: number;
	/** The rate of the last half-year of the period (the one shown to the customer). */
	annualRatePercent: string;
	/** Interest, decimal string in the invoice currency (sum of the portions, each rounded to the minor unit). */
	interest: string;
	interestMinor: bigint;
	/** Fixed recovery indemnity, decimal string in `fixedIndemnityCurrency`. */
	fixedIndemnity: string;
	fixedIndemnityMinor: bigint;
	fixedIndemnityCurrency: string;
	/** How the indemnity was converted from EUR 40 when stated in another currency. */
	fixedIndemnityConversion?: { fromEur: string; rate: string; basis: string };
	currency: string;
	rateSource: 'legal' | 'contract' | 'contract_floor' | 'none';
	governingLaw: string;
	/** Every half-year of the whole delay (first day late to the last day of any portion), with its rate. */
	periods: LatePaymentPeriod[];
	/** Each amount for its own period. */
	portions: LatePaymentPortion[];
	warnings: ChargesWarning[];
}

interface RateResolver {
	rateFor(day: string): { rate: bigint; known: boolean };
	source: LatePaymentCharges['rateSource'];
}

function warnOnce(warnings: ChargesWarning[], warning: ChargesWarning): void {
	if (!warnings.some((w) => w.code === warning.code && w.semester === warning.semester))
		warnings.push(warning);
}

function rateResolver(
	law: string,
	contract: bigint | undefined,
	warnings: ChargesWarning[],
): RateResolver {
	const french = law === FRENCH_LAW;
	if (!french) {
		if (contract === undefined) {
			warnOnce(warnings, {
				code: 'NO_STATUTORY_RATE',
				message: `No statutory late-payment rate is known for the law of ${law}: no interest without a contract rate.`,
				messageFr: `Aucun taux légal de pénalités n'est connu pour le droit ${law} : pas d'intérêts sans taux contractuel.`,
			});
			return { rateFor: () => ({ rate: 0n, known: true }), source: 'none' };
		}
		return { rateFor: () => ({ rate: contract, known: true }), source: 'contract' };
	}
	if (contract === undefined) {
		return {
			source: 'legal',
			rateFor(day) {
				const legal = legalRateFor(day);
				if (!legal.known) {
					const semester = semesterOf(day);
					warnOnce(warnings, {
						code: 'RATE_UNKNOWN',
						semester,
						message: `The ECB rate of ${legal.reference} (half-year ${semester}) is not in the shipped table (checked through ${rateTablesInfo().ecb.checkedThrough}): the last known rate ${legal.ecbRatePercent} % + 10 points was used. Check the rate and update core/dunning/ecb-rates.json.`,
						messageFr: `Le taux BCE du ${legal.reference} (semestre ${semester}) n'est pas dans la table livrée (vérifiée jusqu'au ${rateTablesInfo().ecb.checkedThrough}) : le dernier taux connu ${legal.ecbRatePercent} % + 10 points a été utilisé. Vérifiez le taux et mettez à jour core/dunning/ecb-rates.json.`,
					});
				}
				return { rate: parseRate(legal.ratePercent, 'rate'), known: legal.known };
			},
		};
	}
	const resolver: RateResolver = {
		source: 'contract',
		rateFor(day) {
			const legal = legalInterestRateFor(day);
			if (!legal) return { rate: contract, known: true };
			const semester = legal.semester;
			if (!legal.known) {
				warnOnce(warnings, {
					code: 'LEGAL_INTEREST_UNKNOWN',
					semester,
					message: `The legal interest rate of ${semester} is not in the shipped table: the floor of 3 × ${legal.ratePercent} % (${legal.usedSemester}) was used. Check the rate and update core/dunning/legal-interest-rates.json.`,
					messageFr: `Le taux de l'intérêt légal du semestre ${semester} n'est pas dans la table livrée : le plancher de 3 × ${legal.ratePercent} % (${legal.usedSemester}) a été utilisé. Vérifiez le taux et mettez à jour core/dunning/legal-interest-rates.json.`,
				});
			}
			const floor = 3n * parseRate(legal.ratePercent, 'legal interest rate');
			if (contract >= floor) return { rate: contract, known: legal.known };
			resolver.source = 'contract_floor';
			warnOnce(warnings, {
				code: 'CONTRACT_RATE_RAISED',
				semester,
				message: `The contract rate ${formatRate(contract)} % is below three times the legal interest rate of ${semester} (3 × ${legal.ratePercent} % = ${formatRate(floor)} %, Code de commerce L441-10): ${formatRate(floor)} % is applied for that half-year.`,
				messageFr: `Le taux contractuel de ${formatRate(contract)} % est inférieur à trois fois le taux de l'intérêt légal du semestre ${semester} (3 × ${legal.ratePercent} % = ${formatRate(floor)} %, article L441-10 du Code de commerce) : ${formatRate(floor)} % est appliqué pour ce semestre.`,
			});
			return { rate: floor, known: legal.known };
		},
	};
	return resolver;
}

/** The half-years from `first` to `last` included, each with the rate the resolver gives. */
function splitPeriods(first: string, last: string, resolver: RateResolver): LatePaymentPeriod[] {
	const periods: LatePaymentPeriod[] = [];
	let cursor = first;
	while (cursor <= last) {
		const halfEnd =
			Number(cursor.slice(5, 7)) <= 6
				? `${cursor.slice(0, 4)}-06-30`
				: `${cursor.slice(0, 4)}-12-31`;
		const end = halfEnd < last ? halfEnd : last;
		const { rate, known } = resolver.rateFor(cursor);
		const period: LatePaymentPeriod = {
			from: cursor,
			to: end,
			days: daysBetween(cursor, end) + 1,
			ratePercent: formatRate(rate),
		};
		if (!known) period.rateKnown = false;
		periods.push(period);
		cursor = addDays(end, 1);
	}
	return periods;
}

function interestOf(amountMinor: bigint, periods: LatePaymentPeriod[]): bigint {
	if (amountMinor <= 0n) return 0n;
	let weighted = 0n;
	for (const p of periods) weighted += BigInt(p.days) * parseRate(p.ratePercent, 'rate');
	return roundHalfAwayFromZero(amountMinor * weighted, 365n * 100n * RATE_SCALE);
}

function statutoryIndemnity(
	currency: string,
	french: boolean,
	configured: string | undefined,
): Pick<
	LatePaymentCharges,
	'fixedIndemnityMinor' | 'fixedIndemnityCurrency' | 'fixedIndemnityConversion'
> {
	if (configured !== undefined)
		return {
			fixedIndemnityMinor: parseAmount(configured, currency),
			fixedIndemnityCurrency: currency,
		};
	if (!french) return { fixedIndemnityMinor: 0n, fixedIndemnityCurrency: currency };
	if (currency === 'EUR')
		return { fixedIndemnityMinor: EUR_INDEMNITY_MINOR, fixedIndemnityCurrency: 'EUR' };
	const parity = EURO_PARITIES[currency];
	if (!parity) return { fixedIndemnityMinor: EUR_INDEMNITY_MINOR, fixedIndemnityCurrency: 'EUR' };
	// 40 × parity, exact, rounded once to the currency's minor unit
	const [whole, fraction = ''] = parity.split('.');
	const scale = 10n ** BigInt(fraction.length);
	const parityScaled = BigInt(whole) * scale + BigInt(fraction || '0');
	const unit = parseAmount('1', currency); // minor units per unit
	const minor = roundHalfAwayFromZero(40n * parityScaled * unit, scale);
	return {
		fixedIndemnityMinor: minor,
		fixedIndemnityCurrency: currency,
		fixedIndemnityConversion: {
			fromEur: '40.00',
			rate: parity,
			basis: `fixed parity 1 EUR = ${parity} ${currency}`,
		},
	};
}

/** The charges of an invoice from its late portions (each with its own days and interest) and their rate periods. */
function chargesOf(c: {
	portions: LatePaymentPortion[];
	periods: LatePaymentPeriod[];
	daysLate: number;
	anyLate: boolean;
	asOf: string;
	currency: string;
	law: string;
	french: boolean;
	resolver: RateResolver;
	warnings: ChargesWarning[];
	fixedIndemnity: LatePaymentInput['fixedIndemnity'];
}): LatePaymentCharges {
	const { portions, periods, currency, resolver } = c;
	const interestMinor = portions.reduce((sum, p) => sum + p.interestMinor, 0n);
	const lastRate = periods.length
		? periods[periods.length - 1].ratePercent
		: formatRate(resolver.rateFor(c.asOf).rate);
	const indemnity = c.anyLate
		? statutoryIndemnity(currency, c.french, c.fixedIndemnity?.[currency])
		: { fixedIndemnityMinor: 0n, fixedIndemnityCurrency: currency };
	return {
		daysLate: c.daysLate,
		annualRatePercent: lastRate,
		interest: formatAmount(interestMinor, currency),
		interestMinor,
		fixedIndemnity: formatAmount(indemnity.fixedIndemnityMinor, indemnity.fixedIndemnityCurrency),
		fixedIndemnityMinor: indemnity.fixedIndemnityMinor,
		fixedIndemnityCurrency: indemnity.fixedIndemnityCurrency,
		...(indemnity.fixedIndemnityConversion
			? { fixedIndemnityConversion: indemnity.fixedIndemnityConversion }
			: {}),
		currency,
		rateSource: resolver.source,
		governingLaw: c.law,
		periods,
		portions,
		warnings: c.warnings,
	};
}

/**
 * Interest runs from the day after the due date: on each settled amount up to its settlement date, on what is
 * left up to `asOf` included. Each half-year uses its own rate; each portion is rounded once, half away from zero,
 * to the currency's minor unit, and the interest is their sum. The indemnity is due once per invoice paid late
 * (even when paid in full since).
 */
export function latePaymentCharges(input: LatePaymentInput): LatePaymentCharges {
	const currency = assertCurrency(input.currency);
	const dueDate = parseCalendarDate(input.dueDate);
	const asOf = parseCalendarDate(input.asOf);
	if (!dueDate || !asOf) {
		throw new ReceivablesError(
			'CHARGES_BAD_DATE',
			`The due date "${input.dueDate}" or the date "${input.asOf}" is not a calendar date.`,
			{
				hint: 'Use YYYY-MM-DD dates.',
			},
		);
	}
	const law = (input.governingLaw ?? FRENCH_LAW).trim().toUpperCase() || FRENCH_LAW;
	if (!/^[A-Z]{2}$/.test(law)) {
		throw new ReceivablesError(
			'CHARGES_BAD_LAW',
			`The governing law "${input.governingLaw}" is not a country code.`,
			{ hint: 'Give the two-letter country code of the law of the contract, e.g. FR.' },
		);
	}
	const french = law === FRENCH_LAW;
	const amountMinor = input.amountMinor ?? parseAmount(input.amount ?? '', currency);
	const contract =
		input.contractRatePercent !== undefined && input.contractRatePercent !== ''
			? parseRate(input.contractRatePercent, 'The contract rate')
			: undefined;
	const warnings: ChargesWarning[] = [];
	const resolver = rateResolver(law, contract, warnings);
	const firstLate = addDays(dueDate, 1);
	const revisions = (input.revisions ?? []).filter(
		(r) => parseCalendarDate(r.until) && parseCalendarDate(r.dueDate),
	);
	if (revisions.length)
		return revisedCharges(
			{ ...input, amountMinor, dueDate, asOf, revisions },
			currency,
			law,
			french,
			resolver,
			warnings,
		);

	// The portions: each settlement up to asOf (in date order), then what is left.
	const settled = [...(input.settlements ?? [])]
		.map((s) => ({ ...s, date: parseCalendarDate(s.date) ?? '' }))
		.filter((s) => s.date && s.date <= asOf && s.amountMinor > 0n)
		.sort((a, b) => a.date.localeCompare(b.date));
	const portions: LatePaymentPortion[] = [];
	let left = amountMinor;
	let anyLate = false;
	const addPortion = (amount: bigint, to: string, status: 'paid' | 'open', earns: boolean) => {
		if (amount <= 0n || to < firstLate) return;
		anyLate = true;
		if (!earns) return;
		const periods = splitPeriods(firstLate, to, resolver);
		const interestMinor = interestOf(amount, periods);
		portions.push({
			amountMinor: amount,
			amount: formatAmount(amount, currency),
			status,
			from: firstLate,
			to,
			days: daysBetween(dueDate, to),
			interestMinor,
			interest: formatAmount(interestMinor, currency),
			periods,
		});
	};
	for (const s of settled) {
		const amount = s.amountMinor < left ? s.amountMinor : left;
		if (amount <= 0n) break;
		left -= amount;
		addPortion(amount, s.date, 'paid', s.kind !== 'write_off');
	}
	addPortion(left, asOf, 'open', true);

	const lastDay = portions.reduce((max, p) => (p.to > max ? p.to : max), '');
	const periods = lastDay ? splitPeriods(firstLate, lastDay, resolver) : [];
	const daysLate = lastDay
		? daysBetween(dueDate, lastDay)
		: Math.max(0, left > 0n ? daysBetween(dueDate, asOf) : 0);
	return chargesOf({
		portions,
		periods,
		daysLate,
		anyLate,
		asOf,
		currency,
		law,
		french,
		resolver,
		warnings,
		fixedIndemnity: input.fixedIndemnity,
	});
}

/** JSON view of charges for node outputs: amounts as decimal strings, no bigint. */
export function chargesJson(c: LatePaymentCharges): Record<string, unknown> {
	return {
		daysLate: c.daysLate,
		annualRatePercent: c.annualRatePercent,
		rateSource: c.rateSource,
		governingLaw: c.governingLaw,
		interest: c.interest,
		fixedIndemnity: c.fixedIndemnity,
		fixedIndemnityCurrency: c.fixedIndemnityCurrency,
		...(c.fixedIndemnityConversion
			? { fixedIndemnityConversion: { ...c.fixedIndemnityConversion } }
			: {}),
		currency: c.currency,
		periods: c.periods.map((p) => ({ ...p })),
		portions: c.portions.map((p) => ({
			amount: p.amount,
			status: p.status,
			from: p.from,
			to: p.to,
			days: p.days,
			interest: p.interest,
			periods: p.periods.map((q) => ({ ...q })),
		})),
		warnings: c.warnings.map((w) => ({ ...w })),
	};
}

/**
 * The charges of a revised invoice. The late amount of day d is L(d) = max(0, E(d) − written off − paid before d),
 * with E(d) the lesser of what the content in force on d and the content in force at `asOf` made owed, or 0 when
 * either content was not yet due on d. L is cut into layers, last in first out: a rise opens a layer on its day, a
 * fall closes the newest layers the day before (paid when a payment made the fall, else revised); each layer is a
 * portion, rounded once. Without a revision this gives the same portions as latePaymentCharges.
 */
function revisedCharges(
	input: LatePaymentInput & {
		amountMinor: bigint;
		dueDate: string;
		asOf: string;
		revisions: EarlierVersion[];
	},
	currency: string,
	law: string,
	french: boolean,
	resolver: RateResolver,
	warnings: ChargesWarning[],
): LatePaymentCharges {
	const { asOf } = input;
	const sorted = [...input.revisions].sort((a, b) => a.until.localeCompare(b.until));
	// The content in force at asOf: the first revision that still held then, else the current one.
	const atAsOf = sorted.find((r) => r.until > asOf);
	const final = atAsOf ?? { until: '', amountMinor: input.amountMinor, dueDate: input.dueDate };
	// Contents in force on days up to asOf: [start, until) each, the final one from the last change to asOf.
	const segments: Array<{ start: string; amountMinor: bigint; dueDate: string }> = [];
	let start = '0000-01-01';
	for (const r of sorted) {
		if (r === atAsOf) break;
		segments.push({ start, amountMinor: r.amountMinor, dueDate: r.dueDate });
		start = r.until;
	}
	segments.push({ start, amountMinor: final.amountMinor, dueDate: final.dueDate });
	const settled = [...(input.settlements ?? [])]
		.map((x) => ({ ...x, date: parseCalendarDate(x.date) ?? '' }))
		.filter((x) => x.date && x.date <= asOf && x.amountMinor > 0n);
	const writtenOff = settled
		.filter((x) => x.kind === 'write_off')
		.reduce((sum, x) => sum + x.amountMinor, 0n);
	const paidBefore = (day: string) =>
		settled
			.filter((x) => x.kind !== 'write_off' && x.date < day)
			.reduce((sum, x) => sum + x.amountMinor, 0n);
	const paidOn = (day: string) =>
		settled
			.filter((x) => x.kind !== 'write_off' && x.date === day)
			.reduce((sum, x) => sum + x.amountMinor, 0n);
	const late = (day: string): bigint => {
		let segment = segments[0];
		for (const x of segments) if (x.start <= day) segment = x;
		if (day <= segment.dueDate || day <= final.dueDate) return 0n;
		const owed =
			(segment.amountMinor < final.amountMinor ? segment.amountMinor : final.amountMinor) -
			writtenOff -
			paidBefore(day);
		return owed > 0n ? owed : 0n;
	};
	// The days L may change: each content's start and first late day, the final first late day, the day after each payment.
	const days = new Set<string>();
	for (const x of segments) {
		days.add(x.start);
		days.add(addDays(x.dueDate, 1));
	}
	days.add(addDays(final.dueDate, 1));
	for (const x of settled) days.add(addDays(x.date, 1));
	const changes = [...days].filter((d) => d <= asOf).sort();

	const portions: LatePaymentPortion[] = [];
	const portion = (
		amount: bigint,
		from: string,
		to: string,
		status: LatePaymentPortion['status'],
	) => {
		const periods = splitPeriods(from, to, resolver);
		const interestMinor = interestOf(amount, periods);
		portions.push({
			amountMinor: amount,
			amount: formatAmount(amount, currency),
			status,
			from,
			to,
			days: daysBetween(from, to) + 1,
			interestMinor,
			interest: formatAmount(interestMinor, currency),
			periods,
		});
	};
	const layers: Array<{ amountMinor: bigint; from: string }> = [];
	let level = 0n;
	for (const day of changes) {
		const next = late(day);
		if (next > level) layers.push({ amountMinor: next - level, from: day });
		else if (next < level) {
			let fall = level - next;
			let byPayment = paidOn(addDays(day, -1));
			while (fall > 0n) {
				const top = layers[layers.length - 1];
				const part = top.amountMinor < fall ? top.amountMinor : fall;
				const paid = byPayment < part ? byPayment : part;
				if (paid > 0n) portion(paid, top.from, addDays(day, -1), 'paid');
				if (part - paid > 0n) portion(part - paid, top.from, addDays(day, -1), 'revised');
				byPayment -= paid;
				top.amountMinor -= part;
				fall -= part;
				if (top.amountMinor === 0n) layers.pop();
			}
		}
		level = next;
	}
	for (const layer of [...layers].reverse()) portion(layer.amountMinor, layer.from, asOf, 'open');
	portions.sort((a, b) => a.to.localeCompare(b.to) || a.from.localeCompare(b.from));

	const anyLate =
		portions.length > 0 || settled.some((x) => x.kind === 'write_off' && x.date > final.dueDate);
	const first = portions.reduce((min, p) => (min === '' || p.from < min ? p.from : min), '');
	const lastDay = portions.reduce((max, p) => (p.to > max ? p.to : max), '');
	const periods = lastDay ? splitPeriods(first, lastDay, resolver) : [];
	const daysLate = lastDay ? Math.max(0, daysBetween(final.dueDate, lastDay)) : 0;
	return chargesOf({
		portions,
		periods,
		daysLate,
		anyLate,
		asOf,
		currency,
		law,
		french,
		resolver,
		warnings,
		fixedIndemnity: input.fixedIndemnity,
	});
}
