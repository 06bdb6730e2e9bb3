import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import type { Ledger } from './ledger';
import { noteBulkRows } from './statistics';
import type { CustomerInput } from './types';

const COLUMNS: Array<[keyof CustomerInput, string]> = [
	['name', 'name'],
	['legalName', 'legal_name'],
	['siren', 'siren'],
	['vatNumber', 'vat_number'],
	['profile', 'profile'],
	['language', 'language'],
	['emails', 'emails'],
	['ccEmails', 'cc_emails'],
	['phone', 'phone'],
	['salesRepCode', 'sales_rep_code'],
	['collectorCode', 'collector_code'],
	['billingCycle', 'billing_cycle'],
	['zone', 'zone'],
	['addressLines', 'address_lines'],
	['postalCode', 'postal_code'],
	['city', 'city'],
	['country', 'country'],
	['creditLimitMinor', 'credit_limit_minor'],
	['currency', 'currency'],
	['paymentTermsDays', 'payment_terms_days'],
	['onHold', 'on_hold'],
	['holdReason', 'hold_reason'],
	['customFields', 'custom_fields'],
];

export interface CustomerOutcome {
	index: number;
	externalId: string;
	status: 'created' | 'updated' | 'unchanged' | 'rejected';
	id?: string;
	error?: { code: string; message: string; hint?: string };
}

function toParam(value: unknown): unknown {
	if (typeof value === 'bigint') return value.toString();
	if (value && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
	return value;
}

async function upsertOne(
	client: PoolClient,
	customer: CustomerInput,
): Promise<{ id: string; status: 'created' | 'updated' | 'unchanged' }> {
	const present = COLUMNS.filter(([key]) => customer[key] !== undefined);
	const columns = ['external_id', ...present.map(([, column]) => column)];
	const values = [customer.externalId, ...present.map(([key]) => toParam(customer[key]))];
	if (!present.some(([key]) => key === 'name')) {
		columns.push('name');
		values.push(customer.externalId);
	}
	const placeholders = columns.map((_, i) => `$${i + 1}`);
	const updates = present.map(([, column]) => `${column} = EXCLUDED.${column}`);
	const changed = present.map(
		([, column]) => `customers.${column} IS DISTINCT FROM EXCLUDED.${column}`,
	);
	const sql = updates.length
		? `INSERT INTO customers (${columns.join(', ')}) VALUES (${placeholders.join(', ')})
			ON CONFLICT (external_id) DO UPDATE SET ${updates.join(', ')}, updated_at = now()
			WHERE ${changed.join(' OR ')}
			RETURNING id, (xmax = 0) AS inserted`
		: `INSERT INTO customers (${columns.join(', ')}) VALUES (${placeholders.join(', ')})
			ON CONFLICT (external_id) DO NOTHING RETURNING id, true AS inserted`;
	const result = await client.query<{ id: string; inserted: boolean }>(sql, values);
	if (result.rows.length === 0) {
		const existing = await client.query<{ id: string }>(
			'SELECT id FROM customers WHERE external_id = $1',
			[customer.externalId],
		);
		return { id: existing.rows[0].id, status: 'unchanged' };
	}
	return { id: result.rows[0].id, status: result.rows[0].inserted ? 'created' : 'updated' };
}

function describeCustomerError(error: {
	code?: string;
	message?: string;
	constraint?: string;
	detail?: string;
}): ReceivablesError {
	if (error.code === '23503') {
		const field = /profile/.test(error.constraint ?? '')
			? 'profile'
			: /sales_rep/.test(error.constraint ?? '')
				? 'salesRepCode'
				: 'collectorCode';
		return new ReceivablesError(
			'CUSTOMER_UNKNOWN_REFERENCE',
			`The customer refers to an unknown ${field}: ${error.detail ?? error.message}.`,
			{
				hint:
					field === 'profile'
						? 'Use one of the dunning profiles defined in the ledger, or create the profile first.'
						: 'Create the staff member first, or fix the code.',
			},
		);
	}
	if (error.code === '23514' || error.code === '22P02' || error.code === '22001') {
		return new ReceivablesError(
			'CUSTOMER_INVALID_FIELD',
			`The customer has an invalid field: ${error.message}.`,
			{
				hint: 'language must be fr or en, country a two-letter code, currency a three-letter code.',
			},
		);
	}
	return new ReceivablesError('CUSTOMER_STORE_FAILED', error.message ?? String(error));
}

/**
 * Creates or updates customers by their external id (the accounting software's customer code). Only the
 * fields present are written; an identical record changes nothing. Each customer is its own savepoint, so
 * one bad record is rejected with its reason and the others land.
 */
export async function upsertCustomers(
	ledger: Ledger,
	customers: CustomerInput[],
): Promise<CustomerOutcome[]> {
	const result = await ledger.transaction(async (client) => {
		const outcomes: CustomerOutcome[] = [];
		for (const [index, customer] of customers.entries()) {
			if (!customer.externalId || !String(customer.externalId).trim()) {
				outcomes.push({
					index,
					externalId: '',
					status: 'rejected',
					error: {
						code: 'CUSTOMER_NO_ID',
						message: 'The customer has no external id.',
						hint: 'Map the customer code of your accounting software to externalId.',
					},
				});
				continue;
			}
			await client.query('SAVEPOINT customer');
			try {
				const { id, status } = await upsertOne(client, customer);
				await client.query('RELEASE SAVEPOINT customer');
				outcomes.push({ index, externalId: customer.externalId, status, id });
			} catch (error) {
				await client.query('ROLLBACK TO SAVEPOINT customer');
				const described = describeCustomerError(error as Error & { code?: string });
				outcomes.push({
					index,
					externalId: customer.externalId,
					status: 'rejected',
					error: { code: described.code, message: described.message, hint: described.hint },
				});
			}
		}
		return outcomes;
	});
	await noteBulkRows(ledger, 'customers', result.filter((o) => o.status === 'created').length);
	return result;
}
