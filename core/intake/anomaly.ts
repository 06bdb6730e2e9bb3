/** A fault found in an incoming document or record, said in French and English. */
export interface Anomaly {
	code: string;
	severity: 'block' | 'warn';
	/** The field concerned, in the names of the input (e.g. "dueDate", "lines[2].amount", "row 14"). */
	field?: string;
	message: { en: string; fr: string };
	hint: { en: string; fr: string };
}

export function anomaly(
	code: string,
	severity: Anomaly['severity'],
	field: string | undefined,
	en: string,
	fr: string,
	hintEn: string,
	hintFr: string,
): Anomaly {
	return { code, severity, field, message: { en, fr }, hint: { en: hintEn, fr: hintFr } };
}

export function hasBlocking(anomalies: Anomaly[]): boolean {
	return anomalies.some((a) => a.severity === 'block');
}

/** One line per anomaly, in the requested language, for error messages and e-mails. */
export function describeAnomalies(anomalies: Anomaly[], language: 'fr' | 'en' = 'en'): string {
	return anomalies
		.map((a) => `${a.field ? `${a.field}: ` : ''}${a.message[language]} ${a.hint[language]}`.trim())
		.join('\n');
}
