import path from 'node:path';
import { PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'foundation-demo-customers.json');

describe('workflow: Load sample customers (manual)', () => {
	const t = engineLedger();

	test('stores the three sample customers; running it again duplicates nothing', async () => {
		const first = await runWorkflow(WORKFLOW, { credentials: t.credentials });
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');
		expect(first.json('Invoice Intake', 1)).toEqual([]);
		expect(first.json('Invoice Intake', 0).map((j) => [j.externalId, j.status])).toEqual([
			['DEMO-FR-001', 'created'],
			['DEMO-MA-001', 'created'],
			['DEMO-SN-001', 'created'],
		]);
		expect(first.nodeOutputs('Invoice Intake', 0).map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);

		const rows = await t.ledger.query<{
			external_id: string;
			language: string;
			currency: string;
			country: string;
			emails: string[];
			credit_limit_minor: string;
			payment_terms_days: number;
		}>(
			`SELECT external_id, language, currency, country, emails, credit_limit_minor::text, payment_terms_days
			 FROM customers ORDER BY external_id`,
		);
		expect(rows).toEqual([
			{
				external_id: 'DEMO-FR-001',
				language: 'fr',
				currency: 'EUR',
				country: 'FR',
				emails: ['comptabilite@boulangerie-martin.example'],
				credit_limit_minor: '1500000',
				payment_terms_days: 30,
			},
			{
				external_id: 'DEMO-MA-001',
				language: 'fr',
				currency: 'MAD',
				country: 'MA',
				emails: ['finance@atlas-distribution.example'],
				credit_limit_minor: '25000000',
				payment_terms_days: 60,
			},
			{
				external_id: 'DEMO-SN-001',
				language: 'en',
				currency: 'XOF',
				country: 'SN',
				emails: ['accounts.payable@dakar-harbour.example'],
				credit_limit_minor: '9000000',
				payment_terms_days: 45,
			},
		]);

		const second = await runWorkflow(WORKFLOW, { credentials: t.credentials });
		expect(second.json('Invoice Intake', 0).map((j) => j.status)).toEqual([
			'unchanged',
			'unchanged',
			'unchanged',
		]);
		const count = await t.ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM customers');
		expect(count[0].n).toBe('3');
	});
});
