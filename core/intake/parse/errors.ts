import { ReceivablesError } from '../../errors';

/**
 * A document the intake cannot read. The message and hint are English (like every ReceivablesError); the
 * French ones travel in `details.messageFr` / `details.hintFr` for the users who read French.
 */
export function intakeError(
	code: string,
	en: string,
	fr: string,
	hintEn: string,
	hintFr: string,
	details: Record<string, unknown> = {},
): ReceivablesError {
	return new ReceivablesError(code, en, {
		hint: hintEn,
		details: { ...details, messageFr: fr, hintFr },
	});
}

/** The French and English wording of an error, whatever its origin. */
export function errorMessages(error: unknown): {
	code?: string;
	message: { en: string; fr: string };
	hint: { en: string; fr: string };
} {
	if (error instanceof ReceivablesError) {
		const details = error.details ?? {};
		const fr = typeof details.messageFr === 'string' ? details.messageFr : error.message;
		const hintFr = typeof details.hintFr === 'string' ? details.hintFr : (error.hint ?? '');
		return {
			code: error.code,
			message: { en: error.message, fr },
			hint: { en: error.hint ?? '', fr: hintFr },
		};
	}
	const text = error instanceof Error ? error.message : String(error);
	return { message: { en: text, fr: text }, hint: { en: '', fr: '' } };
}
