import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	describeAnomalies,
	errorMessages,
	formatAmount,
	loadIntakeSettings,
	mergeIntakeSettings,
	parseInvoiceBatches,
	prepareParsedInvoices,
	storePreparedInvoices,
	validateRuleSettings,
	type Anomaly,
	type CsvBatch,
	type CsvOptions,
	type IntakeSettings,
	type ParsedInvoice,
	type ParsedOutcome,
	type PreparedInvoice,
	type StoreParsedOptions,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { bilingual, itemError } from '../../shared/errors';
import { batch, type Result } from '../../shared/operation';
import { accepted, INTAKE_OUTPUTS, rejected, SUMMARY_BY_DEFAULT_FROM } from '../helpers/outputs';

const properties: INodeProperties[] = [
	{
		displayName:
			'Reads the file of each item (from Read Files, an e-mail attachment, HTTP Request or a Webhook): UBL or CII XML, Factur-X / ZUGFeRD PDF, or CSV (one row per invoice, or several rows per invoice grouped by number; UTF-8 or Windows-1252; 1 234,56 and 31/12/2026 understood). Each invoice is checked (totals, VAT, terms, French legal mentions, duplicates, customer file) and stored once; what blocks goes to Rejected with the reason in French and English.',
		name: 'fileNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary property that holds the file',
	},
	{
		displayName: 'Options',
		name: 'fileOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5000,
				description:
					'Invoices checked and written per transaction; large CSV files are read in batches of this size',
			},
			{
				displayName: 'Company Country',
				name: 'companyCountry',
				type: 'string',
				default: '',
				placeholder: 'FR',
				description:
					'Country of the company that issued the invoices, for CSV files (they do not name the seller): FR applies the French legal cap on payment terms',
			},
			{
				displayName: 'Create Missing Customers',
				name: 'createMissingCustomers',
				type: 'boolean',
				default: false,
				description:
					'Whether an unknown buyer becomes a new customer (with the name, SIREN, VAT number, e-mail and address the invoice gives) instead of a rejection',
			},
			{
				displayName: 'CSV Column Mapping (JSON)',
				name: 'csvColumns',
				type: 'json',
				default: '{}',
				description:
					'Column names of your export for fields the automatic recognition misses, e.g. {"number": "Réf. pièce", "customerId": "Tiers"}. Fields: number, customerId, customerName, customerSiren, customerVat, customerEmail, issueDate, dueDate, totalExcl, totalTax, totalIncl, payable, currency, docType, termsDays, paymentTerms, poNumber, creditedNumber, lineDescription, lineQuantity, lineUnitPrice, lineAmount, lineVatRate.',
			},
			{
				displayName: 'CSV Format',
				name: 'csvPreset',
				type: 'options',
				options: [
					{
						name: 'Invoice List (Automatic Columns)',
						value: 'auto',
						description: 'Recognises French and English column names',
					},
					{
						name: 'FEC (Fichier Des Écritures Comptables)',
						value: 'fec',
						description:
							'Sales entries of the French accounting export become invoices and credit notes',
					},
				],
				default: 'auto',
			},
			{
				displayName: 'Default Currency',
				name: 'defaultCurrency',
				type: 'string',
				default: 'EUR',
				description: 'Currency of CSV rows that do not state one',
			},
			{
				displayName: 'French Rules',
				name: 'frenchRules',
				type: 'options',
				options: [
					{
						name: 'Company Setting',
						value: '',
						description: 'As stored in the ledger settings (automatic if none)',
					},
					{
						name: 'Automatic',
						value: 'auto',
						description: 'When the seller is French (country FR, SIREN or FR VAT number)',
					},
					{ name: 'Always', value: 'always' },
					{ name: 'Never', value: 'never' },
				],
				default: '',
				description:
					'When the French legal mentions and the legal cap on payment terms are checked',
			},
			{
				displayName: 'Issuer',
				name: 'issuer',
				type: 'string',
				default: '',
				description:
					'Book the invoices under this issuer (company entity); "seller" uses the SIREN of the seller named in each invoice. Invoice numbers are unique per issuer.',
			},
			{
				displayName: 'Max File Size (MB)',
				name: 'maxFileSizeMb',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 25,
				description: 'Largest XML or PDF accepted (CSV files are streamed)',
			},
			{
				displayName: 'Output',
				name: 'outputMode',
				type: 'options',
				options: [
					{ name: 'One Item per Invoice', value: 'invoices' },
					{
						name: 'One Summary per File',
						value: 'summary',
						description:
							'For large files: counts on Accepted; rejected invoices still one item each',
					},
				],
				default: 'summary',
				description:
					'Without this option, version 2 nodes give one summary per file and version 1 nodes one item per invoice',
			},
			{
				displayName: 'Rule Settings (JSON)',
				name: 'rules',
				type: 'json',
				default: '{}',
				description:
					'Severity per rule code over the company settings, e.g. {"FR_LATE_PENALTY": "block", "CUSTOMER_NO_EMAIL": "off"}: "block" rejects, "warn" stores with a warning, "off" ignores',
			},
			{
				displayName: 'Use Company Settings',
				name: 'useCompanySettings',
				type: 'boolean',
				default: true,
				description:
					'Whether to apply the rule settings stored in the ledger (settings key intake.rules)',
			},
		],
	},
];

const displayOptions = { show: { operation: ['storeInvoicesFromFile'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function parseJsonOption(value: unknown): unknown {
	if (value === undefined || value === '' || value === null) return {};
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch {
		return undefined;
	}
}

function invoiceJson(outcome: ParsedOutcome): IDataObject {
	const inv = outcome.invoice;
	const parsed = outcome.parsed;
	const money = (minor: bigint | undefined) =>
		minor === undefined || !inv ? null : formatAmount(minor, inv.currency);
	return {
		number: inv?.number ?? parsed.number ?? null,
		docType: inv?.docType ?? parsed.docType,
		customerId: inv?.customerExternalId ?? null,
		customerName: inv?.customerName ?? parsed.buyer.name ?? null,
		currency: inv?.currency ?? parsed.currency ?? null,
		totalExcl: money(inv?.totalExclMinor),
		totalTax: money(inv?.totalTaxMinor),
		totalIncl: money(inv?.totalInclMinor),
		payable: money(inv?.payableMinor),
		issueDate: inv?.issueDate ?? parsed.issueDate ?? null,
		dueDate: inv?.dueDate ?? parsed.dueDate ?? null,
	};
}

function sourceJson(parsed: ParsedInvoice, file: string): IDataObject {
	return {
		file,
		format: parsed.container === 'pdf' ? 'facturx-pdf' : parsed.syntax,
		...(parsed.source.row === undefined ? {} : { row: parsed.source.row }),
	};
}

function anomalyError(anomalies: Anomaly[]): IDataObject {
	const blocking = anomalies.filter((a) => a.severity === 'block');
	const first = blocking[0] ?? anomalies[0];
	return {
		error: describeAnomalies(blocking.length ? blocking : anomalies, 'en'),
		errorFr: describeAnomalies(blocking.length ? blocking : anomalies, 'fr'),
		code: first?.code,
		hint: first?.hint.en,
		hintFr: first?.hint.fr,
		anomalies: anomalies as unknown as IDataObject[],
	};
}

interface FileSummary {
	file: string;
	format?: string;
	invoices: number;
	created: number;
	revised: number;
	unchanged: number;
	rejected: number;
	warnings: number;
}

/**
 * Outputs: Accepted (one item per invoice stored, or one summary per file), Rejected (one item per invoice or
 * row refused, or per file that cannot be read), every item paired with the input item of its file.
 */
export const operation = batch({
	outputs: INTAKE_OUTPUTS,
	batch: storeFileItems,
});

async function storeFileItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<Result[]> {
	const outputs: Result[] = [];
	if (!items.length) return outputs;
	const options = this.getNodeParameter('fileOptions', 0, {}) as IDataObject;
	const rulesOption = parseJsonOption(options.rules);
	const csvColumns = parseJsonOption(options.csvColumns) as CsvOptions['columns'];
	if (rulesOption === undefined || csvColumns === undefined) {
		const option = rulesOption === undefined ? 'Rule Settings' : 'CSV Column Mapping';
		throw itemError(
			this.getNode(),
			bilingual(
				`The option ${option} is not valid JSON.`,
				`L'option ${option} n'est pas un JSON valide.`,
			),
			bilingual(
				'Write the option as a JSON object, or leave it empty.',
				"Écrivez l'option sous forme d'objet JSON, ou laissez-la vide.",
			),
			0,
		);
	}
	let overrides: IntakeSettings;
	try {
		overrides = { rules: validateRuleSettings(rulesOption) };
	} catch (error) {
		const m = errorMessages(error);
		throw itemError(this.getNode(), m.message, m.hint, 0);
	}
	if (options.frenchRules)
		overrides.frenchRules = options.frenchRules as IntakeSettings['frenchRules'];
	if (options.companyCountry)
		overrides.company = { country: String(options.companyCountry).trim().toUpperCase() };
	const batchSize = Math.max(1, Number(options.batchSize) || 5000);
	const summaryMode =
		(options.outputMode ??
			(this.getNode().typeVersion >= SUMMARY_BY_DEFAULT_FROM ? 'summary' : 'invoices')) ===
		'summary';

	const ledger = await getLedger(this);
	const settings = mergeIntakeSettings(
		options.useCompanySettings === false ? {} : await loadIntakeSettings(ledger),
		overrides,
	);
	const storeOptions: StoreParsedOptions = {
		...settings,
		issuer: (options.issuer as string) || undefined,
		defaultCurrency: (options.defaultCurrency as string) || 'EUR',
		createMissingCustomers: options.createMissingCustomers === true,
		batchSize,
		actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
	};
	const summaries: Array<FileSummary | undefined> = [];
	// The invoices waiting for the next store and, side by side, the input item each came from (no object per row).
	const pending: { parsed: ParsedInvoice[]; items: number[] } = { parsed: [], items: [] };
	const files: string[] = [];

	// A batch goes through two stages: prepare (buyers found in the customer file, each invoice checked on its
	// own; nothing written) and store (checks against the ledger, then the writes). The next batch is read and
	// prepared while the ledger stores the current one, so the package's work and Postgres's overlap; the
	// stores stay one after the other in file order, and the outputs in that order (anything else pushed to the
	// outputs waits for the store in flight first). When missing customers are created, a batch is prepared
	// only once the one before is stored (it may create the customers the next one is matched to).
	const overlap = !storeOptions.createMissingCustomers;
	let storing: Promise<void> | undefined;
	const stored = async (): Promise<void> => {
		const inFlight = storing;
		storing = undefined;
		if (inFlight) await inFlight;
	};
	const report = async (result: Result): Promise<void> => {
		await stored();
		outputs.push(result);
	};

	const flush = async (last = false): Promise<void> => {
		if (pending.parsed.length) {
			const batch = pending.items;
			const parsed = pending.parsed;
			pending.parsed = [];
			pending.items = [];
			if (!overlap) await stored();
			const preparing = prepareParsedInvoices(ledger, parsed, storeOptions);
			// Awaited below, after the store in flight: a ledger error is reported then, in order.
			preparing.catch(() => undefined);
			await stored();
			storing = store(batch, preparing);
			storing.catch(() => undefined);
		}
		if (last) await stored();
	};

	const store = async (batch: number[], preparing: Promise<PreparedInvoice[]>): Promise<void> => {
		const outcomes = await storePreparedInvoices(ledger, await preparing, storeOptions);
		outcomes.forEach((outcome, k) => {
			const item = batch[k];
			const summary = summaries[item];
			const where = (): IDataObject => sourceJson(outcome.parsed, files[item]);
			if (summary) summary.invoices++;
			if (outcome.status === 'rejected') {
				if (summary) summary.rejected++;
				const error = outcome.error
					? {
							error: outcome.error.message,
							errorFr: outcome.error.messageFr,
							code: outcome.error.code,
							hint: outcome.error.hint,
							hintFr: outcome.error.hintFr,
							anomalies: outcome.anomalies as unknown as IDataObject[],
						}
					: anomalyError(outcome.anomalies);
				outputs.push(
					rejected(item, items[item].json, { ...error, ...where(), invoice: invoiceJson(outcome) }),
				);
				return;
			}
			if (summary) {
				summary[outcome.status]++;
				if (outcome.anomalies.length) summary.warnings++;
				return;
			}
			outputs.push(
				accepted(item, {
					...invoiceJson(outcome),
					ledgerId: outcome.id ?? null,
					status: outcome.status,
					revision: outcome.revision ?? null,
					...where(),
					warnings: outcome.anomalies as unknown as IDataObject[],
				}),
			);
		});
	};

	for (let i = 0; i < items.length; i++) {
		const property = this.getNodeParameter('binaryPropertyName', i, 'data') as string;
		let binary: IBinaryData;
		try {
			binary = this.helpers.assertBinaryData(i, property);
		} catch {
			await report(
				rejected(i, items[i].json, {
					error: `The item has no file in the binary property "${property}".`,
					errorFr: `L'élément n'a pas de fichier dans la propriété binaire « ${property} ».`,
					code: 'FILE_MISSING',
					hint: 'Set Input Binary Field to the property that holds the file (Read Files, e-mail attachments: attachment_0…).',
					hintFr:
						'Indiquez dans Input Binary Field la propriété qui contient le fichier (Read Files, pièces jointes : attachment_0…).',
				}),
			);
			continue;
		}
		const file = binary.fileName ?? `item ${i + 1}`;
		files[i] = file;
		if (summaryMode)
			summaries[i] = {
				file,
				invoices: 0,
				created: 0,
				revised: 0,
				unchanged: 0,
				rejected: 0,
				warnings: 0,
			};
		const unreadable = async (error: unknown): Promise<void> => {
			const m = errorMessages(error);
			await report(
				rejected(i, items[i].json, {
					error: m.message.en,
					errorFr: m.message.fr,
					code: m.code ?? 'FILE_UNREADABLE',
					hint: m.hint.en,
					hintFr: m.hint.fr,
					file,
				}),
			);
		};
		let batches: AsyncIterator<CsvBatch>;
		try {
			const source = binary.id
				? await this.helpers.getBinaryStream(binary.id)
				: await this.helpers.getBinaryDataBuffer(i, property);
			batches = parseInvoiceBatches(source, {
				filename: binary.fileName,
				contentType: binary.mimeType,
				maxBytes: Math.max(1, Number(options.maxFileSizeMb) || 25) * 1024 * 1024,
				csv: {
					preset: options.csvPreset === 'fec' ? 'fec' : 'auto',
					columns: csvColumns,
					defaultCurrency: storeOptions.defaultCurrency,
					batchSize,
				},
			});
		} catch (error) {
			await unreadable(error);
			continue;
		}
		// Reading errors concern this file (Rejected); ledger errors concern the run (the router reports them).
		// The next batch is read from the file while the current one is stored (see flush).
		for (;;) {
			let next: IteratorResult<CsvBatch>;
			try {
				next = await batches.next();
			} catch (error) {
				await unreadable(error);
				break;
			}
			if (next.done) break;
			const batch = next.value;
			const summary = summaries[i];
			if (summary) summary.format = batch.meta.format;
			for (const anomaly of batch.anomalies) {
				if (anomaly.severity !== 'block') continue;
				await report(
					rejected(i, items[i].json, {
						...anomalyError([anomaly]),
						file,
						format: batch.meta.format,
					}),
				);
				if (summary) summary.rejected++;
			}
			for (const parsed of batch.invoices) {
				pending.parsed.push(parsed);
				pending.items.push(i);
			}
			if (pending.parsed.length >= batchSize) await flush();
		}
	}
	await flush(true);
	summaries.forEach((summary, item) => {
		if (summary) outputs.push(accepted(item, { ...summary }));
	});
	return outputs;
}
