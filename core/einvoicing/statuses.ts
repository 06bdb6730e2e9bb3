/**
 * Lifecycle statuses of an invoice under the French e-invoicing reform (AFNOR XP Z12-012, CDAR messages exchanged
 * through the approved platforms — Plateformes Agréées — and Chorus Pro), with what each one means for collections.
 */

export type LifecycleEffect =
	/** Nothing to do for collections (history only). */
	| 'none'
	/** The invoice was made available to the buyer: the reception date (the collections clock). */
	| 'reception'
	/** The buyer approved it (fully or partly): the quality call's "booked and conform" is answered. */
	| 'approved'
	/** Disputed or suspended by the buyer: a dispute opened with the platform's reason, dunning paused. */
	| 'dispute'
	/** The dispute or suspension is over (completed): the platform dispute is resolved. */
	| 'resolve'
	/** Refused by the buyer: dispute opened, dunning stopped until a person decides (credit note or reissue). */
	| 'refused'
	/** Rejected by the platform: the invoice is not due; to be reissued. */
	| 'rejected'
	/** The buyer says the payment was sent: held until the money arrives (or a set number of days). */
	| 'payment_sent'
	/** Cashed: the money arrived (a status the supplier sends; received back, history only). */
	| 'cashed'
	/** Factored: the factor collects, out of the company's dunning. */
	| 'factored';

export interface LifecycleStatus {
	code: string;
	fr: string;
	en: string;
	/** One of the four statuses every platform must exchange. */
	mandatory: boolean;
	effect: LifecycleEffect;
	/** The platform must give a reason (BR-FR-CDV-15). */
	reasonRequired?: boolean;
}

export const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = [
	{ code: '200', fr: 'Déposée', en: 'Submitted', mandatory: true, effect: 'none' },
	{
		code: '201',
		fr: 'Émise par la plateforme',
		en: 'Issued by the platform',
		mandatory: false,
		effect: 'none',
	},
	{
		code: '202',
		fr: 'Reçue par la plateforme',
		en: 'Received by the platform',
		mandatory: false,
		effect: 'none',
	},
	{
		code: '203',
		fr: 'Mise à disposition',
		en: 'Made available',
		mandatory: false,
		effect: 'reception',
	},
	{ code: '204', fr: 'Prise en charge', en: 'In hand', mandatory: false, effect: 'none' },
	{ code: '205', fr: 'Approuvée', en: 'Approved', mandatory: false, effect: 'approved' },
	{
		code: '206',
		fr: 'Approuvée partiellement',
		en: 'Partly approved',
		mandatory: false,
		effect: 'approved',
		reasonRequired: true,
	},
	{
		code: '207',
		fr: 'En litige',
		en: 'Disputed',
		mandatory: false,
		effect: 'dispute',
		reasonRequired: true,
	},
	{
		code: '208',
		fr: 'Suspendue',
		en: 'Suspended',
		mandatory: false,
		effect: 'dispute',
		reasonRequired: true,
	},
	{ code: '209', fr: 'Complétée', en: 'Completed', mandatory: false, effect: 'resolve' },
	{
		code: '210',
		fr: 'Refusée',
		en: 'Refused',
		mandatory: true,
		effect: 'refused',
		reasonRequired: true,
	},
	{
		code: '211',
		fr: 'Paiement transmis',
		en: 'Payment sent',
		mandatory: false,
		effect: 'payment_sent',
	},
	{ code: '212', fr: 'Encaissée', en: 'Cashed', mandatory: true, effect: 'cashed' },
	{
		code: '213',
		fr: 'Rejetée',
		en: 'Rejected',
		mandatory: true,
		effect: 'rejected',
		reasonRequired: true,
	},
	{ code: '221', fr: 'Erreur de routage', en: 'Routing error', mandatory: false, effect: 'none' },
	{
		code: '501',
		fr: 'Irrecevable',
		en: 'Inadmissible',
		mandatory: false,
		effect: 'rejected',
		reasonRequired: true,
	},
	{ code: '225', fr: 'Affacturée', en: 'Factored', mandatory: false, effect: 'factored' },
];

const BY_CODE = new Map(LIFECYCLE_STATUSES.map((s) => [s.code, s]));

/** Codes the French rules allow (BR-FR-CDV-CL-06: 200 to 228, and 501); those without a listed meaning change nothing. */
export function isLifecycleStatusCode(code: string): boolean {
	const n = Number(code);
	return /^\d{3}$/.test(code) && ((n >= 200 && n <= 228) || n === 501);
}

/** The status and its effect; an allowed code without a listed meaning is kept in history with no effect. */
export function lifecycleStatus(code: string): LifecycleStatus | undefined {
	const c = String(code).trim();
	return (
		BY_CODE.get(c) ??
		(isLifecycleStatusCode(c)
			? { code: c, fr: `Statut ${c}`, en: `Status ${c}`, mandatory: false, effect: 'none' }
			: undefined)
	);
}
