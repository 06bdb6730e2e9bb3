import * as sourceCore from '../../core';
import { todayIn, type Ledger, type LedgerInvoice } from '../../core';
import { createTestLedger } from '../helpers/db';
import { pdfText as pdfLayoutText } from '../helpers/pdf';

/**
 * A small company for the report workflows, dated from today (the workflows report "as of today"):
 *
 *   customer   rep   currency  invoice  amount      due        open today
 *   C-ALPHA    REP1  EUR       A-1      1 000,00    today+10   1 000,00  not due
 *                              A-2      2 000,00    today−10   2 000,00  1–30
 *   C-AURORE   REP1  EUR       U-1        500,00    today−5      500,00  1–30
 *   C-BETA     REP2  EUR       B-1      3 000,00    today−45   3 000,00  31–60
 *                              B-2        500,00    today−100    300,00  > 90 (200,00 paid 5 days ago)
 *   C-CASA     REP3  MAD       M-1     10 000,00    today−70  10 000,00  61–90
 *   C-RIAD     REP3  MAD       M-2      2 000,00    today+20   2 000,00  not due
 *
 * EUR: open 6 800,00, overdue 5 800,00 (REP1's customers: 3 500,00 and 2 500,00); MAD: open 12 000,00, overdue
 * 10 000,00. REP1 and REP2 report to GH1; REP3 to nobody.
 * Portal users: `finance` (level 1), `rep.one` (level 2, REP1), `head.one` (level 3, GH1).
 */
export const REPORT_SECRETS = {
	finance: 'finance portal secret',
	'rep.one': 'rep one portal secret',
	'head.one': 'head one portal secret',
};
export const ZONE = 'Europe/Paris';
/** Every customer's name, and those of REP1 (level 2) and of GH1's reps (level 3). */
export const CUSTOMER_NAMES = [
	'Boulangerie Alpha',
	'Pâtisserie Aurore',
	'Garage Beta',
	'Casa Négoce',
	'Riad Atlas',
];
export const REP1_NAMES = ['Boulangerie Alpha', 'Pâtisserie Aurore'];
export const GH1_NAMES = ['Boulangerie Alpha', 'Pâtisserie Aurore', 'Garage Beta'];

export function today(): string {
	return todayIn(ZONE);
}

/** A fresh test ledger with the company described above. */
export async function reportsLedger(): Promise<Ledger> {
	const ledger = await createTestLedger();
	await seedReports(ledger);
	return ledger;
}

/**
 * Writes the company described above into `ledger` through `core` (the package's API: the source here, the
 * installed package in the end-to-end test).
 */
export async function seedReports(
	ledger: Ledger,
	core: typeof sourceCore = sourceCore,
): Promise<void> {
	const {
		addDays,
		installDefaultPolicies,
		savePortalUser,
		storeInvoices,
		storePayments,
		upsertCustomers,
	} = core;
	const t = today();
	await installDefaultPolicies(ledger);
	await ledger.query(
		`INSERT INTO staff (code, name, email, roles, manager_code) VALUES
		('GH1', 'Hélène Group', 'helene@vendor.example', '{group_head}', NULL),
		('REP1', 'Rémi Un', 'remi@vendor.example', '{sales_rep}', 'GH1'),
		('REP2', 'Rose Deux', 'rose@vendor.example', '{sales_rep}', 'GH1'),
		('REP3', 'Rachid Trois', 'rachid@vendor.example', '{sales_rep}', NULL)`,
	);
	const customers = await upsertCustomers(ledger, [
		{
			externalId: 'C-ALPHA',
			name: 'Boulangerie Alpha',
			salesRepCode: 'REP1',
			currency: 'EUR',
			language: 'fr',
			emails: ['compta@alpha.example'],
			profile: 'standard',
		},
		{
			externalId: 'C-AURORE',
			name: 'Pâtisserie Aurore',
			salesRepCode: 'REP1',
			currency: 'EUR',
			language: 'fr',
			emails: ['compta@aurore.example'],
			profile: 'standard',
		},
		{
			externalId: 'C-BETA',
			name: 'Garage Beta',
			salesRepCode: 'REP2',
			currency: 'EUR',
			language: 'fr',
			emails: ['compta@beta.example'],
			profile: 'risky',
		},
		{
			externalId: 'C-CASA',
			name: 'Casa Négoce',
			salesRepCode: 'REP3',
			currency: 'MAD',
			language: 'fr',
			emails: ['compta@casa.example'],
			country: 'MA',
			profile: 'export',
		},
		{
			externalId: 'C-RIAD',
			name: 'Riad Atlas',
			salesRepCode: 'REP3',
			currency: 'MAD',
			language: 'fr',
			emails: ['compta@riad.example'],
			country: 'MA',
			profile: 'export',
		},
	]);
	if (customers.some((c) => c.status === 'rejected'))
		throw new Error(`seed customers: ${JSON.stringify(customers)}`);
	const invoice = (
		number: string,
		customer: string,
		currency: string,
		amount: bigint,
		issuedDaysAgo: number,
		dueInDays: number,
	): LedgerInvoice => ({
		docType: 'invoice',
		number,
		customerExternalId: customer,
		currency,
		totalExclMinor: amount,
		totalTaxMinor: 0n,
		totalInclMinor: amount,
		payableMinor: amount,
		issueDate: addDays(t, -issuedDaysAgo),
		dueDate: addDays(t, dueInDays),
	});
	const stored = await storeInvoices(ledger, [
		invoice('A-1', 'C-ALPHA', 'EUR', 100000n, 20, 10),
		invoice('A-2', 'C-ALPHA', 'EUR', 200000n, 40, -10),
		invoice('U-1', 'C-AURORE', 'EUR', 50000n, 35, -5),
		invoice('B-1', 'C-BETA', 'EUR', 300000n, 75, -45),
		invoice('B-2', 'C-BETA', 'EUR', 50000n, 130, -100),
		invoice('M-1', 'C-CASA', 'MAD', 1000000n, 100, -70),
		invoice('M-2', 'C-RIAD', 'MAD', 200000n, 10, 20),
	]);
	if (stored.some((s) => s.status !== 'created'))
		throw new Error(`seed invoices: ${JSON.stringify(stored)}`);
	await storePayments(ledger, [
		{
			externalRef: 'VIR-B2',
			amountMinor: 20000n,
			currency: 'EUR',
			receivedOn: addDays(t, -5),
			customerExternalId: 'C-BETA',
			invoiceNumbers: ['B-2'],
			referenceText: 'VIR GARAGE BETA B-2',
		},
	]);
	const open = await ledger.query<{ number: string; open_minor: string }>(
		'SELECT number, open_minor::text FROM invoices ORDER BY number',
	);
	if (open.find((r) => r.number === 'B-2')?.open_minor !== '30000')
		throw new Error(`seed payment not allocated: ${JSON.stringify(open)}`);
	await savePortalUser(ledger, {
		login: 'finance',
		name: 'Direction financière',
		level: 1,
		staffCode: null,
		secret: REPORT_SECRETS.finance,
		language: 'fr',
	});
	await savePortalUser(ledger, {
		login: 'rep.one',
		name: 'Rémi Un',
		level: 2,
		staffCode: 'REP1',
		secret: REPORT_SECRETS['rep.one'],
		language: 'fr',
	});
	await savePortalUser(ledger, {
		login: 'head.one',
		name: 'Hélène Group',
		level: 3,
		staffCode: 'GH1',
		secret: REPORT_SECRETS['head.one'],
		language: 'en',
	});
}

/** The text of a PDF (pdftotext), with every kind of space as one plain space. */
export function pdfText(pdf: Buffer | Uint8Array): string {
	return plain(pdfLayoutText(pdf));
}

/** Narrow and non-breaking spaces as plain spaces, runs of spaces as one. */
export function plain(text: string): string {
	return text.replace(/[\u00a0\u202f\u2009]/g, ' ').replace(/[ \t]+/g, ' ');
}
