/**
 * Spreadsheet cells that cannot run: a text a spreadsheet would read as a formula (starting with = + - @, a tab,
 * a carriage return or a line feed, or their full-width forms ＝ ＋ － ＠) gets a leading apostrophe, so CSV and XLSX
 * files made from the package's data (portal export, call lists, report rows) show it as text (CSV/formula
 * injection). Plain numbers such as -12.50 are left as they are.
 */
const FORMULA_START = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/;
const PLAIN_NUMBER = /^[-+]?\d+([.,]\d+)?$/;

export function neutraliseCell(text: string): string {
	return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** The same check on any value: strings are neutralised, numbers, booleans and null are kept. */
export function neutraliseValue<T>(value: T): T | string {
	return typeof value === 'string' ? neutraliseCell(value) : value;
}

/** Every string cell of flat rows neutralised (keys too: they become column headings). */
export function neutraliseRows<R extends Record<string, unknown>>(rows: R[]): R[] {
	return rows.map(
		(row) =>
			Object.fromEntries(
				Object.entries(row).map(([k, v]) => [neutraliseCell(k), neutraliseValue(v)]),
			) as R,
	);
}
