import * as iconv from 'iconv-lite';
import { prepareInvoice } from '../checks/prepare';
import { decimalText, detectDelimiter, parseInvoiceCsv, parseInvoiceCsvStream } from './csv';
import { parseInvoiceDocument } from './document';

const FRENCH =
	'N° facture;Code client;Client;Date facture;Échéance;Montant HT;TVA;Montant TTC;Devise\n' +
	"F-001;C001;Société Générale d'Électricité;31/12/2026;30/01/2027;1 234,56;246,91;1 481,47;EUR\n" +
	'F-002;C002;"Dupont; Fils";30/02/2026;;100,00;20,00;120,00;EUR\n' +
	'F-003;C003;Martin & Cie;15/01/2026;;1 000;200;1 200;EUR\n';

describe('CSV invoices', () => {
	it('reads UTF-8 with a BOM, semicolons, French numbers and dates', async () => {
		const result = await parseInvoiceDocument(Buffer.from(`\uFEFF${FRENCH}`, 'utf8'), {
			filename: 'factures.csv',
		});
		expect(result.meta).toMatchObject({
			format: 'csv',
			encoding: 'utf-8',
			delimiter: ';',
			rows: 3,
		});
		expect(result.meta.columns).toMatchObject({
			number: 'N° facture',
			customerId: 'Code client',
			dueDate: 'Échéance',
			totalIncl: 'Montant TTC',
		});
		const [first, , third] = result.invoices;
		expect(first).toMatchObject({
			number: 'F-001',
			issueDate: '2026-12-31',
			dueDate: '2027-01-30',
			currency: 'EUR',
			buyer: { id: 'C001', name: "Société Générale d'Électricité" },
			source: { row: 2, file: 'factures.csv' },
		});
		expect(first.totals).toMatchObject({
			totalExclMinor: 123456n,
			totalTaxMinor: 24691n,
			totalInclMinor: 148147n,
		});
		expect(third.totals.totalInclMinor).toBe(120000n);
	});

	it('reads Windows-1252 accents (Excel in France)', async () => {
		const bytes = iconv.encode(FRENCH, 'windows-1252');
		expect(bytes.includes(Buffer.from('Société', 'utf8'))).toBe(false);
		const result = await parseInvoiceDocument(bytes);
		expect(result.meta.encoding).toBe('windows-1252');
		expect(result.meta.columns?.dueDate).toBe('Échéance');
		expect(result.invoices[0].buyer.name).toBe("Société Générale d'Électricité");
	});

	it('reads UTF-16 with a BOM and tabs (Excel "Unicode text")', async () => {
		const text = FRENCH.replace(/;/g, '\t').replace('"Dupont\t Fils"', '"Dupont, Fils"');
		const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
		const result = await parseInvoiceDocument(bytes);
		expect(result.meta).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
		expect(result.invoices.map((i) => i.number)).toEqual(['F-001', 'F-002', 'F-003']);
		expect(result.invoices[1].buyer.name).toBe('Dupont, Fils');
	});

	it('one bad row among good rows: the good ones pass, the bad one is reported with its row number', async () => {
		const result = await parseInvoiceDocument(FRENCH);
		const prepared = result.invoices.map((inv) => prepareInvoice(inv));
		expect(prepared.map((p) => !!p.invoice)).toEqual([true, false, true]);
		const bad = prepared[1];
		expect(bad.parsed.source.row).toBe(3);
		expect(bad.anomalies).toEqual([
			expect.objectContaining({
				code: 'DATE_INVALID',
				severity: 'block',
				field: 'row 3: issueDate',
			}),
		]);
		expect(bad.anomalies[0].message.fr).toContain('« 30/02/2026 »');
		expect(prepared[2].invoice).toMatchObject({
			number: 'F-003',
			customerExternalId: 'C003',
			dueDate: '2026-02-14',
			payableMinor: 120000n,
		});
		expect(prepared[2].anomalies.map((a) => a.code)).toEqual(['TERMS_DEFAULTED']);
	});

	it('reports unreadable amounts, unknown document types and overflowing amounts per row', async () => {
		const csv =
			'Invoice number;Customer code;Invoice date;Total;Type\n' +
			'A1;K1;2026-01-10;12,34,56;invoice\n' +
			'A2;K1;2026-01-10;NaN;invoice\n' +
			'A3;K1;2026-01-10;99999999999999999999;invoice\n' +
			'A4;K1;2026-01-10;10;bon de livraison\n' +
			'A5;K1;2026-01-10;-50,00;avoir\n';
		const { invoices } = await parseInvoiceCsv(csv);
		const codes = invoices.map((inv) =>
			prepareInvoice(inv)
				.anomalies.filter((a) => a.severity === 'block')
				.map((a) => `${a.code}@${a.field}`),
		);
		expect(codes[0]).toEqual(['AMOUNT_INVALID@row 2: totalIncl']);
		expect(codes[1]).toEqual(['AMOUNT_INVALID@row 3: totalIncl']);
		expect(codes[2]).toEqual(['AMOUNT_INVALID@row 4: totalIncl']);
		expect(codes[3]).toEqual(['FIELD_INVALID@row 5: docType']);
		// A credit note with a minus sign is refused: its type already says it reduces the balance.
		expect(codes[4]).toEqual(['AMOUNT_NEGATIVE@payable']);
		expect(prepareInvoice(invoices[2]).anomalies[0].message.en).toContain('too large');
	});

	it('books a negative invoice row as a credit note', async () => {
		const { invoices } = await parseInvoiceCsv(
			'Invoice number;Customer code;Invoice date;Total\nA9;K1;2026-01-10;-120,00\n',
		);
		const prepared = prepareInvoice(invoices[0]);
		expect(prepared.invoice).toMatchObject({
			docType: 'credit_note',
			totalInclMinor: 12000n,
			payableMinor: 12000n,
		});
		expect(prepared.anomalies.map((a) => a.code)).toContain('NEGATIVE_INVOICE');
	});

	it('groups consecutive rows of one invoice into lines and computes its totals per VAT rate', async () => {
		const csv =
			'Invoice number\tCustomer code\tInvoice date\tDescription\tQuantity\tUnit price\tVAT rate\n' +
			'A1\tK1\t2026-03-01\tWidget\t2\t10,50\t20 %\n' +
			'A1\tK1\t2026-03-01\tService\t1\t100\t20\n' +
			'A2\tK2\t2026-03-02\tBook\t1\t20\t5,5\n';
		const { invoices, meta } = await parseInvoiceCsv(csv);
		expect(meta.delimiter).toBe('\t');
		expect(invoices).toHaveLength(2);
		expect(invoices[0].lines.map((l) => [l.name, l.quantity, l.netPrice, l.vatRate])).toEqual([
			['Widget', '2', '10.50', '20'],
			['Service', '1', '100', '20'],
		]);
		expect(invoices[0].totals).toMatchObject({
			totalExclMinor: 12100n,
			totalTaxMinor: 2420n,
			totalInclMinor: 14520n,
		});
		expect(invoices[1].totals).toMatchObject({
			totalExclMinor: 2000n,
			totalTaxMinor: 110n,
			totalInclMinor: 2110n,
		});
		expect(prepareInvoice(invoices[0]).invoice?.lines).toHaveLength(2);
	});

	it('checks lines against stated totals when the export gives both', async () => {
		const csv =
			'N° facture;Code client;Date;Montant TTC;Montant HT;TVA;Désignation;Montant ligne\n' +
			'F1;K1;01/03/2026;120,00;100,00;20,00;A;60,00\n' +
			'F1;K1;01/03/2026;120,00;100,00;20,00;B;30,00\n';
		const { invoices } = await parseInvoiceCsv(csv);
		expect(invoices).toHaveLength(1);
		expect(prepareInvoice(invoices[0]).anomalies.map((a) => a.code)).toContain(
			'TOTAL_EXCL_MISMATCH',
		);
	});

	it('names the missing columns and the columns it found', async () => {
		await expect(parseInvoiceCsv('Foo;Bar\n1;2\n')).rejects.toMatchObject({
			code: 'CSV_COLUMNS_MISSING',
			message: expect.stringContaining('Columns found: Foo, Bar'),
			details: expect.objectContaining({
				messageFr: expect.stringContaining("n'a pas de colonne pour"),
			}),
		});
	});

	it('takes a column mapping for unusual headers', async () => {
		const csv = 'Ref;Tiers;Le;Brut\nX1;T9;2026-05-01;10\n';
		await expect(parseInvoiceCsv(csv)).rejects.toMatchObject({ code: 'CSV_COLUMNS_MISSING' });
		const { invoices } = await parseInvoiceCsv(csv, {
			columns: { number: 'Ref', customerId: 'Tiers', issueDate: 'Le', totalIncl: 'Brut' },
		});
		expect(invoices[0]).toMatchObject({
			number: 'X1',
			buyer: { id: 'T9' },
			issueDate: '2026-05-01',
		});
		await expect(parseInvoiceCsv(csv, { columns: { number: 'Numéro' } })).rejects.toMatchObject({
			code: 'CSV_COLUMN_NOT_FOUND',
		});
	});

	it('reports an unclosed quote with the row where it starts; the rows before pass', async () => {
		const csv =
			'Invoice number;Customer code;Invoice date;Total\nA1;K1;2026-01-10;10\nA2;"K1;2026-01-10;20\nA3;K1;2026-01-10;30\n';
		const { invoices, anomalies } = await parseInvoiceCsv(csv);
		expect(invoices.map((i) => i.number)).toEqual(['A1']);
		expect(anomalies).toEqual([
			expect.objectContaining({ code: 'CSV_ROW_UNREADABLE', field: 'row 3' }),
		]);
	});

	it('refuses a row longer than the limit, after yielding the rows before it', async () => {
		const csv = `Invoice number;Customer code;Invoice date;Total\nA1;K1;2026-01-10;10\nA2;K1;${'x'.repeat(500)};20\nA3;K1;2026-01-10;30\n`;
		const seen: string[] = [];
		const read = async (): Promise<void> => {
			for await (const batch of parseInvoiceCsvStream(csv, { maxRowLength: 200 }))
				seen.push(...batch.invoices.map((i) => i.number as string));
		};
		await expect(read()).rejects.toMatchObject({
			code: 'CSV_ROW_TOO_LONG',
			details: expect.objectContaining({ row: 3 }),
		});
		expect(seen).toEqual(['A1']);
	});

	it('flags rows whose bytes are not in the detected encoding (a file mixing encodings)', async () => {
		const header = 'Invoice number;Customer code;Customer name;Invoice date;Total\n';
		const filler = Array.from(
			{ length: 3000 },
			(_v, i) => `F${i};K1;Société ${i};2026-01-10;10\n`,
		).join('');
		const tail = iconv.encode('LAST;K2;Hôtel Crémieux;2026-01-10;10\n', 'windows-1252');
		async function* source(): AsyncGenerator<Buffer> {
			yield Buffer.from(header + filler, 'utf8');
			yield tail;
		}
		const invoices = [];
		let meta;
		for await (const batch of parseInvoiceCsvStream(source())) {
			invoices.push(...batch.invoices);
			meta = batch.meta;
		}
		expect(meta?.encoding).toBe('utf-8');
		const last = invoices.at(-1);
		expect(last?.anomalies.map((a) => `${a.code}@${a.field}`)).toEqual([
			'TEXT_ENCODING_INVALID@row 3002',
		]);
		expect(invoices[0].anomalies).toEqual([]);
	});

	it('streams batches in bounded memory: rows are read as they come', async () => {
		let produced = 0;
		async function* source(): AsyncGenerator<Buffer> {
			yield Buffer.from('Invoice number;Customer code;Invoice date;Total\n');
			for (let chunk = 0; chunk < 50; chunk++) {
				let text = '';
				for (let i = 0; i < 400; i++)
					text += `N${chunk * 400 + i};K${i % 7};2026-01-${String((i % 28) + 1).padStart(2, '0')};${i},50\n`;
				produced++;
				yield Buffer.from(text);
			}
		}
		const sizes: number[] = [];
		let producedAtFirstBatch = -1;
		let rows = 0;
		for await (const batch of parseInvoiceCsvStream(source(), { batchSize: 1000 })) {
			if (producedAtFirstBatch < 0) producedAtFirstBatch = produced;
			sizes.push(batch.invoices.length);
			rows = batch.rowsRead;
		}
		expect(rows).toBe(20_000);
		expect(sizes.reduce((a, b) => a + b, 0)).toBe(20_000);
		expect(Math.max(...sizes)).toBe(1000);
		expect(producedAtFirstBatch).toBeLessThan(50);
	});

	it('reads a FEC (Fichier des Écritures Comptables): sales entries become invoices and credit notes', async () => {
		const fec = [
			'JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise',
			'VT|Ventes|VT0001|20260115|411000|Clients|C001|Dupont SA|FA-2026-001|20260115|Facture|1200,00|0,00||||',
			'VT|Ventes|VT0001|20260115|706000|Prestations|||FA-2026-001|20260115|Facture|0,00|1000,00||||',
			'VT|Ventes|VT0001|20260115|445710|TVA collectée|||FA-2026-001|20260115|Facture|0,00|200,00||||',
			'VT|Ventes|VT0002|20260120|411000|Clients|C002|Martin|AV-2026-001|20260120|Avoir|0,00|60,00||||',
			'VT|Ventes|VT0002|20260120|706000|Prestations|||AV-2026-001|20260120|Avoir|50,00|0,00||||',
			'VT|Ventes|VT0002|20260120|445710|TVA collectée|||AV-2026-001|20260120|Avoir|10,00|0,00||||',
			'BQ|Banque|BQ0001|20260125|512000|Banque|||VIR-1|20260125|Règlement|1200,00|0,00||||',
			'BQ|Banque|BQ0001|20260125|411000|Clients|C001|Dupont SA|VIR-1|20260125|Règlement|0,00|1200,00||||',
		].join('\r\n');
		const { invoices, meta } = await parseInvoiceCsv(fec);
		expect(meta.delimiter).toBe('|');
		expect(
			invoices.map((i) => [
				i.docType,
				i.number,
				i.buyer.id,
				i.issueDate,
				i.totals.totalExclMinor,
				i.totals.totalTaxMinor,
				i.totals.totalInclMinor,
			]),
		).toEqual([
			['invoice', 'FA-2026-001', 'C001', '2026-01-15', 100000n, 20000n, 120000n],
			['credit_note', 'AV-2026-001', 'C002', '2026-01-20', 5000n, 1000n, 6000n],
		]);
	});

	it('detects delimiters and French decimals', () => {
		expect(detectDelimiter('a;b;c\n1,5;2;3')).toBe(';');
		expect(detectDelimiter('a,b,c\n')).toBe(',');
		expect(detectDelimiter('"a;x",b,c\n')).toBe(',');
		expect(detectDelimiter('a\tb\n')).toBe('\t');
		expect(decimalText('1 234,5')).toBe('1234.5');
		expect(decimalText('1.234,50')).toBe('1234.50');
		expect(decimalText('1,234.50')).toBe('1234.50');
		expect(decimalText('20 %')).toBe('20');
		expect(decimalText('abc')).toBeUndefined();
	});
});
