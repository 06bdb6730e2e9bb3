import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	formatAmount,
	importBankStatement,
	isReceivablesError,
	paidEventJson,
	parseWriteOffThresholds,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { eachItem, type Result } from '../../shared/operation';
import { accepted, paidInvoice, rejected } from '../helpers/outputs';
import { allocationJson } from './storePayments.operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Each item carries a bank statement file (camt.053 / camt.054, CFONB 120 or MT940; the format is read from the content). Every credit becomes a payment matched to invoices (RF reference, invoice numbers, payer account or name, amount; never a guess). A file imported twice stores nothing new. Debits, bank fees and reversals go to Other Lines.',
		name: 'bankStatementNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary property that holds the statement file',
	},
	{
		displayName: 'Options',
		name: 'statementOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allocate',
				name: 'allocate',
				type: 'boolean',
				default: true,
				description:
					'Whether to match the payments to invoices right away (otherwise they are stored as unapplied)',
			},
			{
				displayName: 'Company Bank Accounts',
				name: 'accounts',
				type: 'string',
				default: '',
				placeholder: 'FR76 3000 4000 0100 0000 0000 001, 30003 01234 01234567890',
				description:
					"The company's accounts (IBANs or bank account numbers, comma-separated): a statement of another account is refused. Empty: any account.",
			},
			{
				displayName: 'Write Off Differences Up To',
				name: 'writeOffUpTo',
				type: 'string',
				default: '',
				placeholder: 'EUR=1.00, XOF=500',
				description:
					'Per currency: when a payment is used up and leaves an invoice it pays open by at most this amount (bank charges taken on the way), the difference is written off (recorded as a write-off, not as cash) and the invoice is paid. Empty: never.',
			},
			{
				displayName: 'Source',
				name: 'source',
				type: 'string',
				default: 'bank',
				description:
					'Where the payments come from; the same bank line from the same source is stored once',
			},
		],
	},
];

const displayOptions = { show: { operation: ['importBankStatement'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Payments',
			meaning:
				'One payment received (a credit of the statement), with how it was matched or why it was kept for a person',
		},
		{
			name: 'Rejected',
			meaning:
				'A statement file refused (unreadable, truncated, another account): what is wrong and how to fix it, FR/EN',
			rejects: true,
		},
		{ name: 'Paid Invoices', meaning: 'One invoice paid in full by a payment of the statement' },
		{
			name: 'Other Lines',
			meaning:
				'Debits, bank fees and reversals of the statement (not payments), and one item per statement with its balance check',
		},
	],
	item: importItem,
});

async function importItem(
	this: IExecuteFunctions,
	i: number,
	item: INodeExecutionData,
): Promise<Result[]> {
	const property = this.getNodeParameter('binaryPropertyName', i, 'data') as string;
	const options = this.getNodeParameter('statementOptions', i, {}) as IDataObject;
	let file;
	try {
		file = this.helpers.assertBinaryData(i, property);
	} catch {
		return [
			rejected(i, item.json, {
				error: `The item has no file in the binary property "${property}".`,
				errorFr: `L'élément n'a pas de fichier dans la propriété binaire « ${property} ».`,
				code: 'BANK_STATEMENT_NO_FILE',
				hint: 'Read the statement with Read Files From Disk, an FTP node or an e-mail trigger before this node, or set Input Binary Field.',
				hintFr:
					'Lisez le relevé avec Read Files From Disk, un nœud FTP ou un déclencheur e-mail avant ce nœud, ou réglez Input Binary Field.',
			}),
		];
	}
	const buffer = await this.helpers.getBinaryDataBuffer(i, property);
	const accounts = String(options.accounts ?? '')
		.split(',')
		.map((a) => a.trim())
		.filter(Boolean);
	const ledger = await getLedger(this);
	try {
		const result = await importBankStatement(ledger, buffer, {
			filename: file.fileName,
			source: (options.source as string) || 'bank',
			allocate: options.allocate !== false,
			accounts: accounts.length ? accounts : undefined,
			writeOffUpTo: parseWriteOffThresholds(options.writeOffUpTo),
			zone: this.getTimezone(),
			actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
		});
		const out: Result[] = [];
		for (const outcome of result.payments) {
			if (outcome.status === 'rejected') {
				out.push(
					rejected(
						i,
						{ externalRef: outcome.externalRef },
						{
							error: outcome.error?.message ?? 'rejected',
							errorFr: outcome.error?.messageFr,
							code: outcome.error?.code,
							hint: outcome.error?.hint,
							hintFr: outcome.error?.hintFr,
						},
					),
				);
				continue;
			}
			out.push(
				accepted(i, {
					paymentId: outcome.paymentId,
					source: outcome.source,
					externalRef: outcome.externalRef,
					status: outcome.status,
					file: file.fileName ?? null,
					...allocationJson(outcome.allocation),
				}),
			);
			for (const event of outcome.allocation?.paid ?? [])
				out.push(paidInvoice(i, paidEventJson(event)));
		}
		for (const s of result.statements) {
			out.push({
				item: i,
				output: 'Other Lines',
				json: {
					line: 'statement',
					account: s.account,
					statementId: s.id,
					format: s.format,
					currency: s.currency,
					entries: s.entries,
					credits: s.credits,
					alreadyImported: s.alreadyImported,
					reconciles: s.balanceCheck?.ok ?? null,
					difference: s.balanceCheck
						? formatAmount(s.balanceCheck.differenceMinor, s.currency || 'EUR')
						: null,
					warning: s.warning?.en ?? null,
					warningFr: s.warning?.fr ?? null,
				},
			});
		}
		for (const o of result.others) {
			out.push({
				item: i,
				output: 'Other Lines',
				json: {
					line: o.reason,
					account: o.account,
					statementId: o.statement,
					entry: o.entry,
					...(o.transaction ? { transaction: o.transaction } : {}),
					amount: formatAmount(o.amountMinor, o.currency),
					currency: o.currency,
					bookingDate: o.bookingDate ?? null,
					label: o.label ?? null,
				},
			});
		}
		return out;
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not a statement problem: the shared item loop (nodes/shared/operation.ts) reports it as a NodeOperationError with its itemIndex
		if (!isReceivablesError(error) || !String(error.code).startsWith('BANK_STATEMENT')) throw error;
		const details = (error.details ?? {}) as Record<string, unknown>;
		return [
			rejected(
				i,
				{ file: file.fileName ?? null },
				{
					error: error.message,
					errorFr: typeof details.messageFr === 'string' ? details.messageFr : undefined,
					code: error.code,
					hint: error.hint,
					hintFr: typeof details.hintFr === 'string' ? details.hintFr : undefined,
				},
			),
		];
	}
}
