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
	function* lines(): Generator<string> {
		for (const row of rows) yield row.map(copyField).join('\t') + '\n';
	}
	await copyLines(client, table, columns, lines());
}

/**
 * Streams lines already in COPY's text format (fields escaped with copyField, tab-separated, each ending with a
 * newline) into `table (columns)`, in chunks: for writers that build a row's text without an array per row.
 */
export async function copyLines(
	client: ClientBase,
	table: string,
	columns: string[],
	lines: Iterable<string>,
): Promise<void> {
	const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
	function* chunks(): Generator<string> {
		let chunk = '';
		for (const line of lines) {
			chunk += line;
			if (chunk.length > 65536) {
				yield chunk;
				chunk = '';
			}
		}
		if (chunk) yield chunk;
	}
	await pipeline(Readable.from(chunks()), stream);
}
