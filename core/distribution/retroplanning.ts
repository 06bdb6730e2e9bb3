import { ReceivablesError } from '../errors';
import { parseCalendarDate } from '../time';
import {
	addBusinessDays,
	holidaysOf,
	isBusinessDay,
	islamicYearsListed,
	previousBusinessDayOrSame,
	type Holiday,
	type HolidayCalendarFile,
} from './calendar';

type Said = { fr: string; en: string };

export type MilestoneKey =
	| 'filesReceived'
	| 'editingPrinting'
	| 'enveloping'
	| 'handover'
	| 'deliveryDeadline';

export const MILESTONE_NAMES: Record<MilestoneKey, Said> = {
	filesReceived: { fr: 'Réception des fichiers de factures', en: 'Invoice files received' },
	editingPrinting: { fr: 'Édition et impression', en: 'Editing and printing' },
	enveloping: { fr: 'Mise sous pli', en: 'Enveloping' },
	handover: { fr: 'Remise au coursier', en: 'Handover to courier' },
	deliveryDeadline: { fr: 'Date limite de remise au client', en: 'Delivery deadline' },
};

/** Business days before the delivery deadline for each milestone. */
export type MilestoneOffsets = Record<Exclude<MilestoneKey, 'deliveryDeadline'>, number>;

export const FIRST_CYCLE_BUSINESS_DAYS = 15;
export const DEFAULT_REGULAR_BUSINESS_DAYS = 6;

/** Default split of the lead time: a first cycle takes 15 business days, later ones 5 to 8 (6 by default). */
export function defaultOffsets(totalDays: number, firstCycle: boolean): MilestoneOffsets {
	if (firstCycle && totalDays === FIRST_CYCLE_BUSINESS_DAYS)
		return { filesReceived: 15, editingPrinting: 12, enveloping: 8, handover: 5 };
	const handover = totalDays <= 6 ? 2 : 3;
	return {
		filesReceived: totalDays,
		editingPrinting: totalDays - 1,
		enveloping: handover + 1,
		handover,
	};
}

export interface RetroplanningInput {
	/** Target delivery date (YYYY-MM-DD or another accepted date format). */
	targetDate: string;
	/** Country whose holidays apply (FR, MA, SN, CI, or any country with a calendar file). */
	country: string;
	/** The customer's first cycle (customers.first_cycle_done = false): 15 business days. */
	firstCycle: boolean;
	/** Lead time of later cycles, 5 to 8 business days (default 6). */
	regularDays?: number;
	/** Override the split per milestone (business days before the deadline). */
	offsets?: Partial<MilestoneOffsets>;
	calendar?: HolidayCalendarFile;
}

export interface Milestone {
	key: MilestoneKey;
	name: Said;
	date: string;
	businessDaysBefore: number;
}

export interface Retroplanning {
	country: string;
	targetDate: string;
	deliveryDeadline: string;
	totalBusinessDays: number;
	firstCycle: boolean;
	milestones: Milestone[];
	/** Holidays skipped between the first milestone and the deadline. */
	holidays: Holiday[];
	/** Warnings (lunar holidays still expected, years without a lunar list). */
	warnings: Said[];
}

/** From the target delivery date back to each milestone, in business days of the country's calendar. */
export function retroplan(input: RetroplanningInput): Retroplanning {
	const target = parseCalendarDate(input.targetDate);
	if (!target) {
		throw new ReceivablesError(
			'RETROPLANNING_DATE_INVALID',
			`The target delivery date "${String(input.targetDate)}" is not a date / La date de remise « ${String(input.targetDate)} » n'est pas une date.`,
			{
				hint: 'Write it as YYYY-MM-DD or DD/MM/YYYY.',
			},
		);
	}
	const regular = input.regularDays ?? DEFAULT_REGULAR_BUSINESS_DAYS;
	if (!Number.isInteger(regular) || regular < 5 || regular > 8) {
		throw new ReceivablesError(
			'RETROPLANNING_DAYS_INVALID',
			`The lead time of later cycles must be 5 to 8 business days, not ${regular} / Le délai des cycles suivants est de 5 à 8 jours ouvrés, pas ${regular}.`,
			{
				hint: 'Set regularDays between 5 and 8.',
			},
		);
	}
	const total = input.firstCycle ? FIRST_CYCLE_BUSINESS_DAYS : regular;
	const offsets = { ...defaultOffsets(total, input.firstCycle), ...(input.offsets ?? {}) };
	const order: Array<keyof MilestoneOffsets> = [
		'filesReceived',
		'editingPrinting',
		'enveloping',
		'handover',
	];
	for (let i = 0; i < order.length; i++) {
		const value = offsets[order[i]];
		const next = i + 1 < order.length ? offsets[order[i + 1]] : 0;
		if (!Number.isInteger(value) || value < 0 || value < next) {
			throw new ReceivablesError(
				'RETROPLANNING_OFFSETS_INVALID',
				`Milestone offsets must decrease towards the deadline (${order.join(' ≥ ')} ≥ 0) / Les jalons doivent se suivre dans l'ordre.`,
				{
					hint: 'Give whole numbers of business days before the deadline, the earliest milestone the largest.',
					details: { offsets },
				},
			);
		}
	}
	const deadline = previousBusinessDayOrSame(input.country, target, input.calendar);
	const milestones: Milestone[] = order.map((key) => ({
		key,
		name: MILESTONE_NAMES[key],
		date: addBusinessDays(input.country, deadline, -offsets[key], input.calendar),
		businessDaysBefore: offsets[key],
	}));
	milestones.push({
		key: 'deliveryDeadline',
		name: MILESTONE_NAMES.deliveryDeadline,
		date: deadline,
		businessDaysBefore: 0,
	});
	const start = milestones[0].date;
	const holidays: Holiday[] = [];
	const warnings: Said[] = [];
	const years = new Set([Number(start.slice(0, 4)), Number(target.slice(0, 4))]);
	const listed = islamicYearsListed(input.country, input.calendar);
	for (const year of years) {
		for (const h of holidaysOf(input.country, year, input.calendar).values()) {
			if (
				h.date >= start &&
				h.date <= target &&
				!isBusinessDay(input.country, h.date, input.calendar)
			)
				holidays.push(h);
		}
		const hasLunar = Object.keys(input.calendar?.islamic ?? {}).length > 0 || listed.length > 0;
		if (hasLunar && !listed.includes(year)) {
			warnings.push({
				en: `No religious holidays are listed for ${year} in the ${input.country} calendar: add them to core/distribution/holidays/${input.country}.json.`,
				fr: `Aucune fête religieuse n'est listée pour ${year} dans le calendrier ${input.country} : ajoutez-les dans core/distribution/holidays/${input.country}.json.`,
			});
		}
	}
	holidays.sort((a, b) => a.date.localeCompare(b.date));
	if (holidays.some((h) => h.toBeConfirmed)) {
		warnings.push({
			en: 'The plan skips religious holidays at their expected dates, to be confirmed by the official announcement.',
			fr: "Le planning tient compte de fêtes religieuses à leur date attendue, à confirmer par l'annonce officielle.",
		});
	}
	return {
		country: input.country.toUpperCase(),
		targetDate: target,
		deliveryDeadline: deadline,
		totalBusinessDays: total,
		firstCycle: input.firstCycle,
		milestones,
		holidays,
		warnings,
	};
}
