import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { parse as csvParse, type CsvError, type InfoRecord, type Options } from 'csv-parse';
import * as iconv from 'iconv-lite';
import { assertCurrency, currencyExponent } from '../../money';
import type { Anomaly } from '../anomaly';
import { ruleAnomaly } from '../checks/rules';
import { productToMinor, percentOf } from './decimal';
import { CSV_DOC_TYPES, CSV_SYNONYMS, FEC_COLUMNS, normaliseHeader } from './csvColumns';
import { intakeError } from './errors';
import type {
	CsvBatch,
	CsvField,
	CsvOptions,
	InvoiceLine,
	ParseMeta,
	ParseResult,
	ParsedInvoice,
	VatBreakdownEntry,
} from './types';
import { ValueReader } from './values';
import { firstInvalidUtf8 } from './xml';

const SAMPLE_BYTES = 64 * 1024;
const DEFAULT_BATCH = 1000;
const DEFAULT_MAX_ROWS = 5_000_000;
const DEFAULT_MAX_ROW_LENGTH = 1_000_000;

type Source = AsyncIterable<Buffer | string> | Buffer | string;

async function* chunksOf(source: Source): AsyncGenerator<Buffer> {
	if (typeof source === 'string' || Buffer.isBuffer(source)) {
		const buffer = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
		for (let i = 0; i < buffer.length; i += 1024 * 1024) yield buffer.subarray(i, i + 1024 * 1024);
		return;
	}
	for await (const chunk of source)
		yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (what Excel saves in France). */
export function detectCsvEncoding(
	sample: Buffer,
	complete: boolean,
): { encoding: string; bom: number } {
	if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
		return { encoding: 'utf-8', bom: 3 };
	if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
	if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
	return { encoding: firstInvalidUtf8(sample, !complete) < 0 ? 'utf-8' : 'windows-1252', bom: 0 };
}

/** The delimiter of the header line among ; , tab and |, counted outside quotes; ties go to ';' (French exports). */
export function detectDelimiter(text: string): string {
	const counts: Record<string, number> = { ';': 0, ',': 0, '\t': 0, '|': 0 };
	let quoted = false;
	for (const c of text) {
		if (c === '"') quoted = !quoted;
		else if (!quoted && (c === '\n' || c === '\r')) break;
		else if (!quoted && c in counts) counts[c]++;
	}
	const best = (['\t', ';', '|', ','] as const).reduce(
		(a, b) => (counts[b] > counts[a] ? b : a),
		';',
	);
	return counts[best] > 0 ? best : ';';
}

/** "1 234,5" → "1234.5", "20 %" → "20": decimal text as written in French or English files. */
export function decimalText(value: string): string | undefined {
	let t = value.replace(/[\s\u00a0\u202f%]/g, '');
	if (t === '') return undefined;
	if (/^[-+]?\d{1,3}(\.\d{3})+,\d+$/.test(t)) t = t.replace(/\./g, '').replace(',', '.');
	else if (/^[-+]?\d{1,3}(,\d{3})+\.\d+$/.test(t)) t = t.replace(/,/g, '');
	else if (/^[-+]?\d*,\d+$/.test(t)) t = t.replace(',', '.');
	return /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(t) ? t : undefined;
}

interface ColumnMap {
	index: Partial<Record<CsvField, number>>;
	ignored: string[];
	names: Partial<Record<CsvField, string>>;
}

function mapColumns(headers: string[], options: CsvOptions): ColumnMap {
	const normalised = headers.map(normaliseHeader);
	const index: Partial<Record<CsvField, number>> = {};
	const names: Partial<Record<CsvField, string>> = {};
	const taken = new Set<number>();
	for (const [field, header] of Object.entries(options.columns ?? {}) as Array<
		[CsvField, string]
	>) {
		const at = normalised.indexOf(normaliseHeader(header));
		if (at < 0) {
			throw intakeError(
				'CSV_COLUMN_NOT_FOUND',
				`The column "${header}" given for ${field} is not in the file (columns: ${headers.join(', ')}).`,
				`La colonne « ${header} » indiquée pour ${field} n'existe pas dans le fichier (colonnes : ${headers.join(', ')}).`,
				'Check the column mapping of the operation against the header row of the file.',
				"Comparez la correspondance des colonnes de l'opération avec la ligne d'en-tête du fichier.",
				{ field, header, headers },
			);
		}
		index[field] = at;
		names[field] = headers[at];
		taken.add(at);
	}
	const stripCurrency = (h: string): string =>
		h.replace(/\s(eur|euro|euros|e|en euros|en eur)$/, '');
	for (const pass of [(h: string) => h, stripCurrency]) {
		for (const [field, synonyms] of CSV_SYNONYMS) {
			if (index[field] !== undefined) continue;
			const at = normalised.findIndex((h, i) => !taken.has(i) && synonyms.includes(pass(h)));
			if (at >= 0) {
				index[field] = at;
				names[field] = headers[at];
				taken.add(at);
			}
		}
	}
	return {
		index,
		names,
		ignored: headers.filter((_h, i) => !taken.has(i) && headers[i].trim() !== ''),
	};
}

function requireColumns(map: ColumnMap, headers: string[]): void {
	const has = (f: CsvField): boolean => map.index[f] !== undefined;
	const missing: string[] = [];
	if (!has('number')) missing.push('number (N° facture / Invoice number)');
	if (!has('issueDate')) missing.push('issueDate (Date facture / Invoice date)');
	if (!has('customerId') && !has('customerName') && !has('customerSiren') && !has('customerVat'))
		missing.push('customerId (Code client / Customer code)');
	if (
		!has('totalIncl') &&
		!has('totalExcl') &&
		!has('lineAmount') &&
		!has('lineUnitPrice') &&
		!has('payable')
	)
		missing.push('totalIncl (Montant TTC / Total)');
	if (missing.length) {
		throw intakeError(
			'CSV_COLUMNS_MISSING',
			`The CSV has no column for: ${missing.join('; ')}. Columns found: ${headers.join(', ')}.`,
			`Le CSV n'a pas de colonne pour : ${missing.join(' ; ')}. Colonnes trouvées : ${headers.join(', ')}.`,
			'Rename the columns of the export, or map them in the operation (CSV column mapping).',
			"Renommez les colonnes de l'export, ou associez-les dans l'opération (correspondance des colonnes CSV).",
			{ missing, headers },
		);
	}
}

type Row = Partial<Record<CsvField, string>>;

/** The mapped columns of a file, listed once per file rather than once per row. */
const mappedColumns = new WeakMap<ColumnMap, Array<[CsvField, number]>>();

function rowValues(record: string[], map: ColumnMap): Row {
	let columns = mappedColumns.get(map);
	if (!columns) {
		columns = Object.entries(map.index) as Array<[CsvField, number]>;
		mappedColumns.set(map, columns);
	}
	const row: Row = {};
	for (let k = 0; k < columns.length; k++) {
		const value = record[columns[k][1]]?.trim();
		if (value) row[columns[k][0]] = value;
	}
	return row;
}

const rowField = (row: number, field: string): string => `row ${row}: ${field}`;

/** The label of a cell, built only when the cell holds a value (it names the cell in an anomaly). */
const cellField = (value: string | undefined, row: number, field: string): string =>
	value === undefined ? '' : rowField(row, field);

function emptyInvoice(
	rowNo: number,
	index: number,
	file?: string,
	buyer: ParsedInvoice['buyer'] = { identifiers: [] },
): ParsedInvoice {
	return {
		syntax: 'csv',
		container: 'csv',
		docType: 'invoice',
		seller: { identifiers: [] },
		buyer,
		lines: [],
		vatBreakdown: [],
		totals: { taxTotals: [] },
		notes: [],
		source: { file, row: rowNo, index },
		anomalies: [],
	};
}

/** One data row → the header fields of an invoice. */
function rowToInvoice(
	row: Row,
	rowNo: number,
	index: number,
	options: CsvOptions,
): { invoice: ParsedInvoice; reader: ValueReader } {
	const siren = row.customerSiren?.replace(/[\s.]/g, '');
	const invoice = emptyInvoice(rowNo, index, options.filename, {
		identifiers: row.customerId ? [{ value: row.customerId }] : [],
		id: row.customerId,
		name: row.customerName,
		siren: siren && /^\d{9}(\d{5})?$/.test(siren) ? siren.slice(0, 9) : undefined,
		siret: siren && /^\d{14}$/.test(siren) ? siren : undefined,
		vatId: row.customerVat?.replace(/\s/g, ''),
		email: row.customerEmail,
	});
	const reader = new ValueReader();
	let currency = (row.currency ?? options.defaultCurrency ?? 'EUR').toUpperCase();
	try {
		currency = assertCurrency(currency);
	} catch {
		// CURRENCY_UNKNOWN is reported by the checks
	}
	reader.setCurrency(currency);
	invoice.currency = currency;
	invoice.number = row.number;
	invoice.issuer = row.issuer;
	if (row.docType) {
		const type = CSV_DOC_TYPES[normaliseHeader(row.docType)];
		if (type) invoice.docType = type;
		else
			reader.anomalies.push(
				ruleAnomaly('FIELD_INVALID', rowField(rowNo, 'docType'), {
					value: row.docType,
					whatEn: 'a document type (facture/invoice or avoir/credit note)',
					whatFr: 'un type de document (facture ou avoir)',
				}),
			);
	}
	invoice.issueDate = reader.date(row.issueDate, cellField(row.issueDate, rowNo, 'issueDate'));
	invoice.dueDate = reader.date(row.dueDate, cellField(row.dueDate, rowNo, 'dueDate'));
	invoice.receptionDate = reader.date(
		row.receptionDate,
		cellField(row.receptionDate, rowNo, 'receptionDate'),
	);
	invoice.totals.totalExclMinor = reader.amountText(
		row.totalExcl,
		cellField(row.totalExcl, rowNo, 'totalExcl'),
	);
	invoice.totals.totalTaxMinor = reader.amountText(
		row.totalTax,
		cellField(row.totalTax, rowNo, 'totalTax'),
	);
	if (invoice.totals.totalTaxMinor !== undefined)
		invoice.totals.taxTotals.push({ currency, amountMinor: invoice.totals.totalTaxMinor });
	invoice.totals.totalInclMinor = reader.amountText(
		row.totalIncl,
		cellField(row.totalIncl, rowNo, 'totalIncl'),
	);
	invoice.totals.payableMinor = reader.amountText(
		row.payable,
		cellField(row.payable, rowNo, 'payable'),
	);
	if (row.termsDays !== undefined) {
		if (/^\d{1,4}$/.test(row.termsDays)) invoice.termsDays = Number(row.termsDays);
		else invoice.paymentTerms = row.termsDays;
	}
	if (row.paymentTerms !== undefined)
		invoice.paymentTerms = invoice.paymentTerms
			? `${invoice.paymentTerms}\n${row.paymentTerms}`
			: row.paymentTerms;
	invoice.orderReference = row.poNumber;
	invoice.precedingInvoice = row.creditedNumber;
	if (siren && !/^\d{9}(\d{5})?$/.test(siren)) {
		reader.anomalies.push(
			ruleAnomaly('SIREN_INVALID', rowField(rowNo, 'customerSiren'), { value: row.customerSiren }),
		);
	}
	return { invoice, reader };
}

function rowLine(row: Row, rowNo: number, reader: ValueReader): InvoiceLine | undefined {
	if (
		row.lineDescription === undefined &&
		row.lineAmount === undefined &&
		row.lineQuantity === undefined &&
		row.lineUnitPrice === undefined
	)
		return undefined;
	const decimal = (value: string | undefined, field: string): string | undefined => {
		if (value === undefined) return undefined;
		const d = decimalText(value);
		if (d === undefined)
			reader.anomalies.push(
				ruleAnomaly('AMOUNT_INVALID', rowField(rowNo, field), {
					value,
					reasonEn: 'not a number',
					reasonFr: "ce n'est pas un nombre",
				}),
			);
		return d;
	};
	const line: InvoiceLine = {
		id: String(rowNo),
		name: row.lineDescription,
		quantity: decimal(row.lineQuantity, 'lineQuantity'),
		netPrice: decimal(row.lineUnitPrice, 'lineUnitPrice'),
		netAmountMinor: reader.amountText(
			row.lineAmount,
			cellField(row.lineAmount, rowNo, 'lineAmount'),
		),
		vatRate: decimal(row.lineVatRate, 'lineVatRate'),
	};
	return line;
}

/** Totals of a grouped invoice that states no totals: from its lines (amount, or quantity × price) and their VAT rates. */
function totalsFromLines(invoice: ParsedInvoice, scale: string): void {
	const exponent = currencyExponent(scale);
	const amounts = invoice.lines.map((l) => {
		if (l.netAmountMinor !== undefined) return l.netAmountMinor;
		if (l.quantity !== undefined && l.netPrice !== undefined)
			return productToMinor([l.quantity, l.netPrice], [], exponent);
		return undefined;
	});
	if (amounts.length === 0 || amounts.some((a) => a === undefined)) return;
	const excl = (amounts as bigint[]).reduce((s, a) => s + a, 0n);
	invoice.totals.totalExclMinor ??= excl;
	if (invoice.lines.every((l) => l.vatRate !== undefined)) {
		const byRate = new Map<string, bigint>();
		invoice.lines.forEach((l, i) =>
			byRate.set(
				l.vatRate as string,
				(byRate.get(l.vatRate as string) ?? 0n) + (amounts[i] as bigint),
			),
		);
		invoice.vatBreakdown = [...byRate].map(
			([rate, taxable]): VatBreakdownEntry => ({
				category: Number(rate) === 0 ? 'Z' : 'S',
				ratePercent: rate,
				taxableMinor: taxable,
				taxMinor: percentOf(taxable, rate),
			}),
		);
		if (invoice.totals.totalTaxMinor === undefined) {
			const tax = invoice.vatBreakdown.reduce((s, b) => s + (b.taxMinor as bigint), 0n);
			invoice.totals.totalTaxMinor = tax;
			invoice.totals.taxTotals.push({ currency: invoice.currency, amountMinor: tax });
		}
	}
	if (invoice.totals.totalInclMinor === undefined && invoice.totals.totalTaxMinor !== undefined) {
		invoice.totals.totalInclMinor = invoice.totals.totalExclMinor + invoice.totals.totalTaxMinor;
	}
}

/** Accumulates FEC entries (one accounting entry = several rows) into sales invoices. */
interface FecEntry {
	key: string;
	row: number;
	number?: string;
	date?: string;
	customerId?: string;
	customerName?: string;
	ttc: bigint;
	ht: bigint;
	tva: bigint;
	hasCustomer: boolean;
	hasRevenue: boolean;
	anomalies: Anomaly[];
}

function fecInvoice(
	entry: FecEntry,
	index: number,
	options: CsvOptions,
): ParsedInvoice | undefined {
	if (!entry.hasCustomer || !entry.hasRevenue) return undefined;
	const invoice = emptyInvoice(entry.row, index, options.filename);
	const negative = entry.ttc < 0n;
	const sign = negative ? -1n : 1n;
	invoice.docType = negative ? 'credit_note' : 'invoice';
	invoice.currency = options.defaultCurrency ?? 'EUR';
	invoice.number = entry.number;
	invoice.issueDate = entry.date;
	invoice.buyer = {
		identifiers: entry.customerId ? [{ value: entry.customerId }] : [],
		id: entry.customerId,
		name: entry.customerName,
	};
	invoice.totals.totalExclMinor = entry.ht * sign;
	invoice.totals.totalTaxMinor = entry.tva * sign;
	invoice.totals.taxTotals.push({ currency: invoice.currency, amountMinor: entry.tva * sign });
	invoice.totals.totalInclMinor = entry.ttc * sign;
	invoice.anomalies = entry.anomalies;
	return invoice;
}

/**
 * Reads a CSV export of invoices as a stream and yields batches of parsed invoices, in bounded memory: the
 * encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, else Windows-1252) and the delimiter (; , tab |) are
 * detected from the first 64 KB, columns are recognised by their French or English names (or mapped with
 * `columns`), French numbers (1 234,56) and dates (31/12/2026) are read. A row that cannot be read is
 * reported with its row number and the other rows go on.
 */
export async function* parseInvoiceCsvStream(
	source: Source,
	options: CsvOptions = {},
): AsyncGenerator<CsvBatch> {
	const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
	const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
	const input = chunksOf(source);
	const head: Buffer[] = [];
	let headSize = 0;
	let ended = false;
	while (headSize < SAMPLE_BYTES) {
		const next = await input.next();
		if (next.done) {
			ended = true;
			break;
		}
		head.push(next.value);
		headSize += next.value.length;
	}
	const sample = Buffer.concat(head);
	if (sample.length === 0 || sample.toString('latin1').trim() === '') {
		throw intakeError(
			'DOCUMENT_EMPTY',
			'The CSV file is empty.',
			'Le fichier CSV est vide.',
			'Check the export.',
			"Vérifiez l'export.",
		);
	}
	const detected = detectCsvEncoding(sample, ended);
	const encoding =
		options.encoding && options.encoding !== 'auto' ? options.encoding : detected.encoding;
	const bom = encoding === detected.encoding ? detected.bom : 0;
	const decoder = iconv.getDecoder(encoding, { stripBOM: false });
	const firstText = decoder.write(sample.subarray(bom));
	const delimiter =
		options.delimiter && options.delimiter !== 'auto'
			? options.delimiter
			: detectDelimiter(firstText);
	const meta: ParseMeta = { format: 'csv', encoding, delimiter };

	const pending: Anomaly[] = [];
	let lastLine = 1;
	let tooLong: number | undefined;
	const parser = csvParse({
		delimiter,
		relax_column_count: true,
		relax_quotes: true,
		skip_empty_lines: true,
		max_record_size: options.maxRowLength ?? DEFAULT_MAX_ROW_LENGTH,
		skip_records_with_error: true,
		// Called in parsing order, before any error of the next record: the line of the last good record.
		on_record: ((record: string[], context: InfoRecord) => {
			lastLine = context.lines;
			return { record, line: context.lines };
		}) as unknown as Options['on_record'],
	});
	parser.on('skip', (error: CsvError) => {
		const row = lastLine + 1;
		if (error.code === 'CSV_MAX_RECORD_SIZE') {
			// csv-parse stops reading after this error: the rows after it are not read, which must not pass silently.
			tooLong = row;
			return;
		}
		const reason =
			error.code === 'CSV_QUOTE_NOT_CLOSED'
				? {
						reasonEn:
							'an opening quote is never closed, so the rest of the file was read as one field',
						reasonFr:
							"un guillemet ouvrant n'est jamais fermé : la suite du fichier a été lue comme un seul champ",
					}
				: { reasonEn: error.message, reasonFr: `erreur de format CSV (${error.code})` };
		pending.push(ruleAnomaly('CSV_ROW_UNREADABLE', `row ${row}`, { row, ...reason }));
	});
	const feeding = (async () => {
		try {
			if (!parser.write(firstText)) await once(parser, 'drain');
			for await (const chunk of input) {
				if (!parser.write(decoder.write(chunk))) await once(parser, 'drain');
			}
			parser.end(decoder.end() ?? '');
		} catch (error) {
			parser.destroy(error as Error);
		}
	})();

	let map: ColumnMap | undefined;
	let fec = false;
	let grouped = false;
	let rows = 0;
	let index = 0;
	let batch: ParsedInvoice[] = [];
	let current: { invoice: ParsedInvoice; reader: ValueReader; key: string } | undefined;
	let fecEntry: FecEntry | undefined;
	let fecCols: Record<string, number> = {};

	const finishCurrent = (): void => {
		if (!current) return;
		const { invoice, reader } = current;
		if (grouped) totalsFromLines(invoice, reader.scale);
		// Most rows have nothing to report: no new array for them.
		if (reader.anomalies.length)
			invoice.anomalies = invoice.anomalies.length
				? [...invoice.anomalies, ...reader.anomalies]
				: reader.anomalies;
		batch.push(invoice);
		current = undefined;
	};
	const finishFec = (): void => {
		if (!fecEntry) return;
		const invoice = fecInvoice(fecEntry, index, options);
		if (invoice) {
			batch.push(invoice);
			index++;
		}
		fecEntry = undefined;
	};
	const take = (): CsvBatch => {
		const out: CsvBatch = { invoices: batch, anomalies: pending.splice(0), rowsRead: rows, meta };
		batch = [];
		return out;
	};

	try {
		for await (const item of drain<{ record: string[]; line: number }>(parser)) {
			const { record, line } = item;
			if (!map) {
				const headers = record.map((h) => h.replace(/^\uFEFF/, '').trim());
				const normalised = headers.map(normaliseHeader).map((h) => h.replace(/\s/g, ''));
				fec =
					options.preset === 'fec' ||
					['journalcode', 'ecriturenum', 'comptenum', 'pieceref', 'debit', 'credit'].every((c) =>
						normalised.includes(c),
					);
				if (fec) {
					const missing = [
						'journalcode',
						'ecriturenum',
						'comptenum',
						'pieceref',
						'debit',
						'credit',
					].filter((c) => !normalised.includes(c));
					if (missing.length) {
						throw intakeError(
							'CSV_COLUMNS_MISSING',
							`The FEC file lacks the columns ${missing.join(', ')}.`,
							`Le FEC ne contient pas les colonnes ${missing.join(', ')}.`,
							'Export the FEC with its 18 standard columns (article A47 A-1 LPF).',
							'Exportez le FEC avec ses 18 colonnes réglementaires (article A47 A-1 du LPF).',
							{ missing, headers },
						);
					}
					fecCols = Object.fromEntries(FEC_COLUMNS.map((c) => [c, normalised.indexOf(c)]));
					map = { index: {}, names: {}, ignored: [] };
					meta.columns = Object.fromEntries(
						FEC_COLUMNS.filter((c) => fecCols[c] >= 0).map((c) => [c, headers[fecCols[c]]]),
					);
				} else {
					map = mapColumns(headers, options);
					requireColumns(map, headers);
					const lineColumns = (
						['lineDescription', 'lineAmount', 'lineQuantity', 'lineUnitPrice'] as CsvField[]
					).some((f) => map?.index[f] !== undefined);
					grouped = options.grouping === 'lines' || (options.grouping !== 'invoice' && lineColumns);
					meta.columns = map.names as Record<string, string>;
					meta.ignoredColumns = map.ignored;
				}
				continue;
			}
			rows++;
			if (rows > maxRows) {
				throw intakeError(
					'CSV_TOO_MANY_ROWS',
					`The CSV has more than ${maxRows} rows.`,
					`Le CSV compte plus de ${maxRows} lignes.`,
					'Split the file, or raise the row limit of the operation.',
					"Scindez le fichier, ou relevez la limite de lignes de l'opération.",
					{ maxRows },
				);
			}
			const rowNo = line;
			const garbled = record.some((v) => v.includes('\uFFFD'));
			if (fec) {
				const cell = (name: string): string | undefined =>
					fecCols[name] >= 0 ? record[fecCols[name]]?.trim() || undefined : undefined;
				const key = `${cell('journalcode') ?? ''}\u0000${cell('ecriturenum') ?? ''}`;
				if (fecEntry && fecEntry.key !== key) finishFec();
				if (!fecEntry) {
					const reader = new ValueReader();
					const date = reader.date(
						cell('piecedate') ?? cell('ecrituredate'),
						rowField(rowNo, 'PieceDate'),
					);
					fecEntry = {
						key,
						row: rowNo,
						number: cell('pieceref') ?? cell('ecriturenum'),
						date,
						ttc: 0n,
						ht: 0n,
						tva: 0n,
						hasCustomer: false,
						hasRevenue: false,
						anomalies: reader.anomalies,
					};
				}
				const reader = new ValueReader();
				reader.setCurrency(options.defaultCurrency ?? 'EUR');
				const debit = reader.amountText(cell('debit') ?? '0', rowField(rowNo, 'Debit')) ?? 0n;
				const credit = reader.amountText(cell('credit') ?? '0', rowField(rowNo, 'Credit')) ?? 0n;
				fecEntry.anomalies.push(...reader.anomalies);
				const account = cell('comptenum') ?? '';
				if (account.startsWith('411') || (account.startsWith('41') && cell('compauxnum'))) {
					fecEntry.hasCustomer = true;
					fecEntry.ttc += debit - credit;
					fecEntry.customerId ??= cell('compauxnum') ?? account;
					fecEntry.customerName ??= cell('compauxlib') ?? cell('comptelib');
				} else if (account.startsWith('7')) {
					fecEntry.hasRevenue = true;
					fecEntry.ht += credit - debit;
				} else if (account.startsWith('4457')) {
					fecEntry.tva += credit - debit;
				}
				if (garbled)
					fecEntry.anomalies.push(
						ruleAnomaly('TEXT_ENCODING_INVALID', `row ${rowNo}`, { row: rowNo, encoding }),
					);
			} else {
				const row = rowValues(record, map);
				const key = `${row.number ?? ''}\u0000${row.customerId ?? row.customerName ?? ''}`;
				if (current && (!grouped || current.key !== key || !row.number)) finishCurrent();
				if (!current) {
					const started = rowToInvoice(row, rowNo, index++, options);
					current = { invoice: started.invoice, reader: started.reader, key };
				}
				const line = rowLine(row, rowNo, current.reader);
				if (line) current.invoice.lines.push(line);
				if (garbled)
					current.reader.anomalies.push(
						ruleAnomaly('TEXT_ENCODING_INVALID', `row ${rowNo}`, { row: rowNo, encoding }),
					);
			}
			if (batch.length >= batchSize) yield take();
		}
		await feeding;
		if (tooLong !== undefined) {
			if (fec) finishFec();
			else finishCurrent();
			yield take();
			const max = options.maxRowLength ?? DEFAULT_MAX_ROW_LENGTH;
			throw intakeError(
				'CSV_ROW_TOO_LONG',
				`Row ${tooLong} is longer than ${max} characters: the file is damaged (often an unclosed quote); the rows from ${tooLong} on were not read.`,
				`La ligne ${tooLong} dépasse ${max} caractères : le fichier est endommagé (souvent un guillemet non fermé) ; les lignes à partir de la ${tooLong} n'ont pas été lues.`,
				'Fix the row in the file and send the rows from that one on again.',
				'Corrigez la ligne dans le fichier et renvoyez les lignes à partir de celle-ci.',
				{ row: tooLong, maxRowLength: max },
			);
		}
		if (!map) {
			throw intakeError(
				'CSV_COLUMNS_MISSING',
				'The CSV has no header row.',
				"Le CSV n'a pas de ligne d'en-tête.",
				'Export the file with its column names on the first row.',
				'Exportez le fichier avec le nom des colonnes sur la première ligne.',
			);
		}
		if (fec) finishFec();
		else finishCurrent();
		meta.rows = rows;
		if (batch.length || pending.length) yield take();
	} finally {
		if (!parser.destroyed) parser.destroy();
		await feeding.catch(() => undefined);
	}
}

/**
 * The records of an object-mode stream, taken by the handful each time the stream is readable (an async
 * iterator that awaits every single record costs more than reading the record).
 */
async function* drain<T>(stream: Readable): AsyncGenerator<T> {
	for (;;) {
		let record: T | null;
		let any = false;
		while ((record = stream.read() as T | null) !== null) {
			any = true;
			yield record;
		}
		if (any) continue;
		if (stream.readableEnded || stream.destroyed) {
			if (stream.errored) throw stream.errored;
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const done = (error?: Error): void => {
				stream.off('readable', ready);
				stream.off('end', ended);
				stream.off('error', done);
				stream.off('close', ended);
				if (error) reject(error);
				else resolve();
			};
			const ready = (): void => done();
			const ended = (): void => done();
			stream.once('readable', ready);
			stream.once('end', ended);
			stream.once('close', ended);
			stream.once('error', done);
		});
	}
}

/** Reads a whole CSV in memory (size-limited); for large files use parseInvoiceCsvStream. */
export async function parseInvoiceCsv(
	input: Buffer | string,
	options: CsvOptions & { maxBytes?: number } = {},
): Promise<ParseResult> {
	const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
	if (options.maxBytes !== undefined && size > options.maxBytes) {
		throw intakeError(
			'INPUT_TOO_LARGE',
			`The CSV is ${size} bytes; the limit is ${options.maxBytes}.`,
			`Le CSV fait ${size} octets ; la limite est de ${options.maxBytes}.`,
			'Use the streaming reader (parseInvoiceCsvStream) or split the file.',
			'Utilisez la lecture en flux (parseInvoiceCsvStream) ou scindez le fichier.',
			{ size, maxBytes: options.maxBytes },
		);
	}
	const invoices: ParsedInvoice[] = [];
	const anomalies: Anomaly[] = [];
	let meta: ParseMeta = { format: 'csv' };
	for await (const batch of parseInvoiceCsvStream(input, options)) {
		invoices.push(...batch.invoices);
		anomalies.push(...batch.anomalies);
		meta = batch.meta;
	}
	return { invoices, anomalies, meta };
}
