import type { ChecklistItem } from './checklist';

/** A call planned by Plan Calls (or opened by a reminder stage whose channel is a call). */
export interface PlannedCallInvoice {
	id: string;
	number: string;
	dueDate: string;
	currency: string;
	amount: string;
	/** What the call is about: the open amount, less the part in an open dispute of some of its lines. */
	open: string;
	/** That disputed part (absent: none); not in `open`. */
	disputed?: string;
	/**
	 * The buyer approved the invoice on the e-invoicing platform (205), or part of it (206: the approved amount, and
	 * the amount not approved when the platform gives them, incl. VAT or else excl.): the call's "booked" and
	 * "conform" are answered by it. Absent: no approval, or disputed, refused or rejected since.
	 */
	platformApproval?: { status: '205' | '206'; at: string; approved?: string; notApproved?: string };
	poNumber: string | null;
}

export interface PlannedCall {
	taskId: string;
	status: 'created' | 'updated' | 'unchanged' | 'done';
	dueOn: string;
	language: 'fr' | 'en';
	customer: {
		id: string;
		externalId: string;
		name: string;
		phone: string | null;
		emails: string[];
		profile: string | null;
	};
	assignee: {
		code: string;
		name: string | null;
		phone: string | null;
		email: string | null;
	} | null;
	invoices: PlannedCallInvoice[];
	totals: Array<{ currency: string; open: string }>;
	intro: string;
	checklist: ChecklistItem[];
	/** Recent exchanges: `summary` in English, `summaryFr` in French (lists pick their language's). */
	history: Array<{
		at: string;
		kind: string;
		channel: string | null;
		summary: string;
		summaryFr?: string;
	}>;
	promises: { kept: number; broken: number; pending: number };
	openDisputes: number;
}
