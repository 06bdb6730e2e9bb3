import { PDFDocument } from 'pdf-lib';
import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { readDeliveryToken } from '../tracking';
import { ledgerInvoiceCopies, loadManifest, manifestsOfWaves, renderManifestPdf } from './manifest';
import { planWaves } from './waves';
import { pdfText } from '../../test/helpers/pdf';

const SECRET = 'manifest-test-secret-0123456789';

describe('wave manifest', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await ledger.query(
			`INSERT INTO staff (code, name, roles) VALUES ('C1', 'Moussa Diop', '{courier}')`,
		);
		await ledger.query(`INSERT INTO customers (external_id, name, billing_cycle, zone, city, postal_code, country, currency, address_lines) VALUES
			('K1', 'Société Générale de Négoce Sàrl', 'monthly', 'PLATEAU', 'Dakar', '10200', 'SN', 'XOF', '{"Avenue Léopold Sédar Senghor"}'),
			('K2', 'Ténéré Énergie', 'monthly', 'PLATEAU', 'Dakar', NULL, 'SN', 'XOF', '{"Rue 12, Médina"}')`);
		for (let i = 1; i <= 25; i++) {
			await ledger.query(
				`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
				SELECT $1, id, 'XOF', 1500000, 1500000, 1500000, 1500000, '2026-03-10', '2026-04-09', md5($1) FROM customers WHERE external_id = $2`,
				[`F-2026-${String(i).padStart(4, '0')}`, i % 3 ? 'K1' : 'K2'],
			);
		}
		await planWaves(ledger, {
			runDate: '2026-03-31',
			maxPerCourierPerDay: 100,
			startDate: '2026-03-30',
		});
	});
	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	jest.setTimeout(60000);

	it('lists every invoice with customer, address, number, amount and a QR code naming the delivery, then one cover sheet per customer', async () => {
		const data = await loadManifest(ledger, 'W20260331-PLATEAU-01');
		expect(data.lines).toHaveLength(25);
		const pdf = await renderManifestPdf(data, { qrSecret: SECRET, language: 'fr' });
		const doc = await PDFDocument.load(pdf);
		// 25 rows of 66 pt: 3 table pages, then 2 cover sheets.
		expect(doc.getPageCount()).toBe(5);
		const text = pdfText(pdf);
		expect(text).toContain('Bordereau de tournée W20260331-PLATEAU-01');
		expect(text).toContain('Moussa Diop (C1)');
		expect(text).toContain('Société Générale de Négoce Sàrl');
		expect(text).toContain('Avenue Léopold Sédar Senghor');
		expect(text).toContain('F-2026-0025');
		expect(text).toMatch(/1\s500\s000\sXOF/);
		expect(text).toContain('Factures jointes');
		expect(
			readDeliveryToken(`D${BigInt(data.lines[0].deliveryId).toString(36)}.x`, SECRET),
		).toBeUndefined();
		const en = pdfText(
			await renderManifestPdf(data, { qrSecret: SECRET, language: 'en', coverSheets: false }),
		);
		expect(en).toContain('Name, date, signature');
	});

	it("prints the bundle: each customer's cover sheet followed by a copy of each of its invoices in the wave", async () => {
		await ledger.query(
			`INSERT INTO settings (key, value) VALUES ('company', '{"name": "Sahel Distribution SA", "siren": "552100554"}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
		);
		const data = await loadManifest(ledger, 'W20260331-PLATEAU-01');
		const pdf = await renderManifestPdf(data, {
			qrSecret: SECRET,
			language: 'fr',
			invoiceCopies: ledgerInvoiceCopies(ledger),
		});
		// 3 table pages, then per customer: its cover sheet and one page per invoice copy (2 covers + 25 copies).
		expect((await PDFDocument.load(pdf)).getPageCount()).toBe(3 + 2 + 25);
		const pages = pdfText(pdf).split('\f');
		const customerOf = (n: number) => (n % 3 ? 'K1' : 'K2');
		const coverPage = (name: string) =>
			pages.findIndex((p, i) => i >= 3 && p.includes('Factures jointes') && p.includes(name));
		const k1 = coverPage('Société Générale de Négoce Sàrl');
		const k2 = coverPage('Ténéré Énergie');
		// K1 holds 17 invoices, K2 8: the second cover comes right after the first customer's copies.
		expect(Math.min(k1, k2)).toBe(3);
		expect(Math.abs(k2 - k1)).toBe(1 + (k1 < k2 ? 17 : 8));
		for (let n = 1; n <= 25; n++) {
			const number = `F-2026-${String(n).padStart(4, '0')}`;
			const copy = pages.findIndex((p) => p.includes(`Copie de la facture ${number} (duplicata)`));
			const [own, other] = customerOf(n) === 'K1' ? [k1, k2] : [k2, k1];
			expect(copy).toBeGreaterThan(own);
			if (other > own) expect(copy).toBeLessThan(other);
			expect(pages[copy]).toContain('Sahel Distribution SA');
			expect(pages[copy]).toMatch(/Reste à payer : 1\s500\s000\sXOF/);
		}
		const copiesOnly = await renderManifestPdf(data, {
			qrSecret: SECRET,
			coverSheets: false,
			invoiceCopies: ledgerInvoiceCopies(ledger, { name: 'Other' }),
		});
		expect((await PDFDocument.load(copiesOnly)).getPageCount()).toBe(3 + 25);
	});

	it('prints the waves of a run one PDF at a time', async () => {
		const out = [];
		for await (const m of manifestsOfWaves(ledger, ['W20260331-PLATEAU-01'], { qrSecret: SECRET }))
			out.push(m);
		expect(out.map((m) => [m.waveCode, m.courierCode, m.invoices])).toEqual([
			['W20260331-PLATEAU-01', 'C1', 25],
		]);
		await expect(loadManifest(ledger, 'nope')).rejects.toMatchObject({ code: 'WAVE_UNKNOWN' });
	});
});
