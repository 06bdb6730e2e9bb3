import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type CopyValue = string | number | bigint | boolean | null | undefined | Date | object;

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** Escapes one value for COPY ... FROM STDIN (text format). */
export function copyField(value: CopyValue): string {
	if (value === null || value === undefined) return '\\N';
	let text: string;
	if (typeof value === 'string') text = value;
	else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
		text = String(value);
	else if (value instanceof Date) text = value.toISOString();
	else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
		text = pgTextArray(value as string[]);
	else text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
	if (!NEEDS_ESCAPE.test(text)) return text;
	return text
		.replace(/\\/g, '\\\\')
		.replace(/\t/g, '\\t')
		.replace(/\n/g, '\\n')
		.replace(/\r/g, '\\r');
}

function pgTextArray(values: string[]): string {
	return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** Streams rows into `table (columns)` with COPY, in chunks, without building one big string. */
export async function copyRows(
	client: ClientBase,
	table: string,
	columns: string[],
	rows: Iterable<CopyValue[]>,
): Promise<void> {
	const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
	function* lines(): Generator<string> {
		let chunk = '';
		for (const row of rows) {
			// Field by field into the chunk: no array of escaped fields nor joined line per row.
			for (let i = 0; i < row.length; i++)
				chunk += i === 0 ? copyField(row[i]) : `\t${copyField(row[i])}`;
			chunk += '\n';
			if (chunk.length > 65536) {
				yield chunk;
				chunk = '';
			}
		}
		if (chunk) yield chunk;
	}
	await pipeline(Readable.from(lines()), stream);
}
