/**
 * A 1,000,000-row CSV invoice export (French format: ';', "1 234,56", 31/12/2026, Windows-1252 accents) read
 * through parseInvoiceCsvStream from a stream that generates the bytes as they are pulled, so the whole file is
 * never in memory. Reported: rows/s, peak RSS and the RSS growth between the first 10 % and the end (bounded
 * memory means no growth with the row count), and the throughput against csv-parse alone on the same bytes
 * (decoding and splitting only: the floor of any CSV reader), measured in the same process.
 * Then the same rows through prepareInvoice (checks + ledger conversion), without the database.
 */
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';
import * as iconv from 'iconv-lite';
import { parseInvoiceCsvStream, prepareInvoice } from '../core';
import type { BenchContext, BenchFn } from './lib/types';

const ROWS = 1_000_000;
const HEADER =
	'N° facture;Code client;Client;Date facture;Échéance;Montant HT;TVA;Montant TTC;Devise\r\n';

function row(i: number): string {
	const excl = 10_000 + ((i * 7919) % 9_000_000);
	const tax = Math.round(excl / 5);
	const money = (cents: number) =>
		`${String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${String(cents % 100).padStart(2, '0')}`;
	const day = (i % 28) + 1;
	return `FA-${String(i).padStart(7, '0')};C${i % 1000};Société n°${i % 1000} Hôtel Crémieux;${String(day).padStart(2, '0')}/03/2026;${String(day).padStart(2, '0')}/04/2026;${money(excl)};${money(tax)};${money(excl + tax)};EUR\r\n`;
}

/** The export as Windows-1252 bytes, produced chunk by chunk as the reader pulls them. */
async function* exportBytes(rows: number): AsyncGenerator<Buffer> {
	yield iconv.encode(HEADER, 'windows-1252');
	const perChunk = 2000;
	for (let start = 0; start < rows; start += perChunk) {
		let text = '';
		for (let i = start; i < Math.min(rows, start + perChunk); i++) text += row(i);
		yield iconv.encode(text, 'windows-1252');
	}
}

function heapMb(): number {
	return process.memoryUsage().heapUsed / 1024 / 1024;
}

function rssMb(): number {
	return process.memoryUsage().rss / 1024 / 1024;
}

const bench: BenchFn = async (ctx: BenchContext) => {
	const rows = Math.max(10_000, Math.round(ROWS * ctx.scale));
	ctx.log(
		`intake-csv: ${rows} rows generated on the fly (${(HEADER.length + row(1).length * rows) / 1e6} MB of CSV)`,
	);

	// Reference: csv-parse alone on the same bytes (decoding + splitting).
	global.gc?.();
	let start = performance.now();
	let raw = 0;
	const parser = parse({ delimiter: ';' });
	const feed = (async () => {
		for await (const chunk of exportBytes(rows))
			if (!parser.write(iconv.decode(chunk, 'windows-1252')))
				await new Promise((r) => parser.once('drain', r));
		parser.end();
	})();
	for await (const _record of parser) raw++;
	await feed;
	const rawSeconds = (performance.now() - start) / 1000;

	global.gc?.();
	const baseline = rssMb();
	let peak = baseline;
	let atTenth = 0;
	let heapAtTenth = 0;
	let invoices = 0;
	let sample = 0n;
	start = performance.now();
	for await (const batch of parseInvoiceCsvStream(exportBytes(rows), { batchSize: 5000 })) {
		invoices += batch.invoices.length;
		sample += batch.invoices[0]?.totals.totalInclMinor ?? 0n;
		peak = Math.max(peak, rssMb());
		if (!atTenth && invoices >= rows / 10) {
			global.gc?.();
			atTenth = rssMb();
			heapAtTenth = heapMb();
		}
	}
	const seconds = (performance.now() - start) / 1000;
	global.gc?.();
	const heapAtEnd = heapMb();
	const rssAtEnd = rssMb();
	if (invoices !== rows || raw !== rows + 1 || sample <= 0n)
		throw new Error(`read ${invoices} invoices of ${rows} rows (raw ${raw})`);

	start = performance.now();
	let prepared = 0;
	let accepted = 0;
	for await (const batch of parseInvoiceCsvStream(exportBytes(rows), { batchSize: 5000 })) {
		for (const invoice of batch.invoices) {
			prepared++;
			if (prepareInvoice(invoice, { company: { country: 'FR' } }).invoice) accepted++;
		}
		peak = Math.max(peak, rssMb());
	}
	const preparedSeconds = (performance.now() - start) / 1000;
	if (accepted !== rows) throw new Error(`prepared ${accepted} of ${prepared}`);

	ctx.metric('rows/s read (parseInvoiceCsvStream)', Math.round(rows / seconds));
	ctx.metric('rows/s read + checked (prepareInvoice)', Math.round(rows / preparedSeconds));
	ctx.metric('rows/s csv-parse alone (reference)', Math.round(rows / rawSeconds));
	ctx.metric('RSS before reading', Math.round(baseline), 'MB');
	ctx.metric('peak RSS', Math.round(peak), 'MB');
	ctx.metric('RSS growth from 10 % of the rows to the end', Math.round(rssAtEnd - atTenth), 'MB');
	if (global.gc)
		ctx.metric(
			'heap growth from 10 % of the rows to the end (after GC)',
			Math.round(heapAtEnd - heapAtTenth),
			'MB',
		);
	else ctx.log('run with NODE_OPTIONS=--expose-gc to measure the heap after garbage collection');
	ctx.ratio('invoice reader vs csv-parse alone (throughput)', rawSeconds / seconds);
};

export default bench;
