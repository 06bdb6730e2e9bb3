import { ReceivablesError } from '../errors';

/**
 * A bank statement the package cannot read. `code` is stable (BANK_STATEMENT_*); English message and hint,
 * French ones in details.messageFr / details.hintFr, as for invoices.
 */
export function statementError(
	code: string,
	en: string,
	fr: string,
	details: Record<string, unknown> = {},
	hint: { en: string; fr: string } = {
		en: 'Download the statement again from the bank (camt.053/054, CFONB 120 or MT940) and import the file as the bank sent it.',
		fr: "Téléchargez de nouveau le relevé depuis la banque (camt.053/054, CFONB 120 ou MT940) et importez le fichier tel que la banque l'a envoyé.",
	},
): ReceivablesError {
	return new ReceivablesError(code, en, {
		hint: hint.en,
		details: { ...details, messageFr: fr, hintFr: hint.fr },
	});
}
