import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { solidPng } from '../../test/helpers/png';
import { loadCompany as loadCompanyFromDunning } from '../dunning/render';
import { companyHistory, loadCompany, saveCompany } from './store';
import { frenchVatKey } from './identity';

describe('company identity in the ledger', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
	});
	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it('saves, merges, keeps every replaced value with its dates, and stores the logo apart', async () => {
		const logo = solidPng(60, 20);
		const first = await saveCompany(
			ledger,
			{
				name: 'ACME',
				legalForm: 'SAS',
				siren: '552100554',
				iban: 'FR76 3000 6000 0112 3456 7890 189',
				addressLines: '1 place du Commerce\n69002 Lyon',
			},
			{ logo: { data: logo, mimeType: 'image/png' }, actor: 'compta@acme.example' },
		);
		expect(first.status).toBe('created');
		const stored = await ledger.query<{ value: Record<string, unknown>; updated_by: string }>(
			"SELECT value, updated_by FROM settings WHERE key = 'company'",
		);
		expect(stored[0].updated_by).toBe('compta@acme.example');
		expect(stored[0].value).toMatchObject({
			name: 'ACME',
			siren: '552100554',
			iban: 'FR7630006000011234567890189',
			logo: { mimeType: 'image/png', width: 60, height: 20 },
		});
		// the bytes are in company_logos, not in the settings
		expect(JSON.stringify(stored[0].value)).not.toContain('iVBOR');
		const bytes = await ledger.query<{ n: number }>(
			'SELECT octet_length(data) AS n FROM company_logos',
		);
		expect(bytes).toEqual([{ n: logo.length }]);

		// the same again: nothing changes, no history
		expect((await saveCompany(ledger, { name: 'ACME' })).status).toBe('unchanged');
		// a form that changes only the sender: the rest (and the logo) is kept
		const second = await saveCompany(
			ledger,
			{
				senderEmail: 'relances@acme.example',
				senderName: 'Relances ACME',
				vatNumber: `FR${frenchVatKey('552100554')}552100554`,
			},
			{ actor: 'marie' },
		);
		expect(second.status).toBe('updated');
		expect(second.changed).toEqual(['senderEmail', 'senderName', 'vatNumber']);
		const company = await loadCompany(ledger);
		expect(company).toMatchObject({
			name: 'ACME',
			legalForm: 'SAS',
			senderEmail: 'relances@acme.example',
			addressLines: ['1 place du Commerce', '69002 Lyon'],
		});
		expect(company.logoImage?.mimeType).toBe('image/png');
		expect(Buffer.from(company.logoImage?.data ?? []).equals(logo)).toBe(true);

		const history = await companyHistory(ledger);
		expect(history).toHaveLength(2);
		expect(history[0]).toMatchObject({
			by: 'marie',
			value: { senderEmail: 'relances@acme.example' },
		});
		expect(history[0].replacedAt).toBeUndefined();
		expect(history[1]).toMatchObject({
			by: 'marie',
			changed: ['senderEmail', 'senderName', 'vatNumber'],
			validFrom: first.company && expect.any(String),
		});
		expect(history[1].value.senderEmail).toBeUndefined();
		expect(Date.parse(history[1].replacedAt ?? '')).toBeGreaterThanOrEqual(
			Date.parse(history[1].validFrom),
		);

		// replace mode clears what is not given; null removes the logo
		const third = await saveCompany(
			ledger,
			{ name: 'ACME Maroc', country: 'MA', ice: '001234567000089' },
			{ mode: 'replace', logo: null },
		);
		expect(third.changed).toEqual(
			expect.arrayContaining(['addressLines', 'country', 'ice', 'logo', 'name', 'siren']),
		);
		const now = await loadCompany(ledger);
		expect(now.siren).toBeUndefined();
		expect(now.logo).toBeUndefined();
		expect(now.logoImage).toBeUndefined();
		expect(await companyHistory(ledger)).toHaveLength(3);
	});

	it('writes nothing when a field is wrong, and names every problem in English and French', async () => {
		const before = await companyHistory(ledger);
		const saving = saveCompany(
			ledger,
			{ name: 'ACME', siren: '552100555', iban: 'FR76 3000 6000 0112 3456 7890 188' },
			{ logo: { data: Buffer.from('GIF89a'), mimeType: 'image/gif' } },
		);
		await expect(saving).rejects.toMatchObject({
			code: 'COMPANY_INVALID',
			message: expect.stringMatching(/Logo: .*SIREN: .*IBAN: /),
			details: expect.objectContaining({
				messageFr: expect.stringContaining("L'identité de la société n'a pas été enregistrée"),
				problems: expect.arrayContaining([expect.objectContaining({ field: 'siren' })]),
			}),
		});
		expect(await companyHistory(ledger)).toEqual(before);
	});

	it('is read by the dunning module as before (re-export), a node-given name winning', async () => {
		expect((await loadCompanyFromDunning(ledger, { name: 'Autre nom' })).name).toBe('Autre nom');
		expect((await loadCompanyFromDunning(ledger, { name: '' })).name).toBe('ACME Maroc');
	});
});
