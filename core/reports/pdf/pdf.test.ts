import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { sampleOverview } from '../charts/sample';
import { renderReportPdf } from './report';
import { pdfText } from '../../../test/helpers/pdf';

/** Text of the PDF, as a reader's copy-paste would give it. */

interface Raster {
	width: number;
	height: number;
	/** RGB bytes. */
	pixels: Buffer;
}

/** One page rendered by poppler as an RGB raster (PPM). */
function pageRaster(pdf: Uint8Array, page: number, dpi = 50): Raster {
	const folder = mkdtempSync(path.join(tmpdir(), 'report-pdf-'));
	try {
		const file = path.join(folder, 'report.pdf');
		writeFileSync(file, pdf);
		execFileSync('pdftoppm', [
			'-r',
			String(dpi),
			'-f',
			String(page),
			'-l',
			String(page),
			'-singlefile',
			file,
			path.join(folder, 'page'),
		]);
		const ppm = readFileSync(path.join(folder, 'page.ppm'));
		// "P6\n<width> <height>\n255\n" then the pixels
		const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'));
		if (!header) throw new Error('not a PPM');
		return {
			width: Number(header[1]),
			height: Number(header[2]),
			pixels: ppm.subarray(header[0].length),
		};
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

function greyVariance(r: Raster): number {
	let sum = 0;
	let squares = 0;
	const n = r.width * r.height;
	for (let i = 0; i < n; i++) {
		const g = (r.pixels[i * 3] + r.pixels[i * 3 + 1] + r.pixels[i * 3 + 2]) / 3;
		sum += g;
		squares += g * g;
	}
	return squares / n - (sum / n) ** 2;
}

/** Pixels within `tolerance` of a #rrggbb colour. */
function pixelsOf(r: Raster, hex: string, tolerance = 12): number {
	const [cr, cg, cb] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
	let count = 0;
	for (let i = 0; i < r.width * r.height; i++) {
		if (
			Math.abs(r.pixels[i * 3] - cr) <= tolerance &&
			Math.abs(r.pixels[i * 3 + 1] - cg) <= tolerance &&
			Math.abs(r.pixels[i * 3 + 2] - cb) <= tolerance
		)
			count++;
	}
	return count;
}

describe('PDF report', () => {
	let fr: Uint8Array;
	let en: Uint8Array;
	beforeAll(async () => {
		fr = await renderReportPdf(sampleOverview(), {
			language: 'fr',
			company: 'Atlas Distribution SA',
		});
		en = await renderReportPdf(sampleOverview(), {
			language: 'en',
			company: 'Atlas Distribution SA',
			viewer: { name: 'Karim Benjelloun', level: 3 },
		});
		if (process.env.WRITE_SCREENSHOTS === '1') {
			const folder = path.join(__dirname, '..', '..', '..', 'test-artifacts', 'reports');
			mkdirSync(folder, { recursive: true });
			writeFileSync(path.join(folder, 'sample-fr.pdf'), fr);
			writeFileSync(path.join(folder, 'sample-en.pdf'), en);
		}
	});

	it('has a cover and one part per figure, with the figures as text, in French', async () => {
		const doc = await PDFDocument.load(fr);
		expect(doc.getPageCount()).toBeGreaterThanOrEqual(7);
		expect(doc.getTitle()).toBe(
			'Rapport des encaissements clients — Atlas Distribution SA — Situation au 20 novembre 2026',
		);
		const text = pdfText(fr);
		for (const expected of [
			'Atlas Distribution SA',
			'Situation au 20 novembre 2026',
			'Tous les clients',
			'Sommaire',
			'1. Balance âgée',
			'2. DSO, CEI et retards de paiement',
			'3. Nettoyage de la balance',
			'4. Résultats des relances',
			'5. Litiges',
			'6. Distribution des factures',
			// aged balance: total open, overdue, a customer's open amount and its > 90 days bucket, the MAD total
			'235 550,00 €',
			'98 350,00 €',
			'Carrefour Proxi Lyon (C0012)',
			'63 900,00 €',
			'23 500,00 €',
			'297 000,00 MAD',
			'Non échu',
			'1–30 j',
			'> 90 j',
			// DSO and CEI: last points; a month without sales shows a dash
			'47,9 j',
			'46,3 j',
			'85,1 %',
			// cleaning, reminders, disputes, distribution
			'Promesses de paiement',
			'FAC-2026-0412',
			'Paiements non affectés',
			'485,00 €',
			'61 (63,5 %)',
			'1,6',
			'Tarif non mis à jour',
			'48 210,50 €',
			'23 504,00 €',
			'CASA-N',
			'91,4 %',
			'30,00 MAD',
			'6 154 XOF',
		])
			expect(text.replace(/[\u202f\u00a0]/g, ' ')).toContain(
				expected.replace(/[\u202f\u00a0]/g, ' '),
			);
		// a name with markup prints as written (long names are cut to their column with an ellipsis)
		expect(text).toContain('Société Générale des Travaux <Su');
		// the balance-cleaning table: dates only in its Date column, the days late in Detail
		expect(text.replace(/[\u202f\u00a0]/g, ' ')).toMatch(
			/FAC-2026-0301 23 500,00 €\s+30\/04\/2026 204 j de retard/,
		);
		// chart labels are text too (axis ticks and totals)
		expect(text.replace(/[\u202f\u00a0]/g, ' ')).toMatch(/137 k€/);
	});

	it('speaks English with English number formats, and names the accreditation', () => {
		const text = pdfText(en);
		for (const expected of [
			'Receivables report',
			'As of 20 November 2026',
			'Accreditation 3 — Karim Benjelloun: their team',
			'Aged balance',
			'Not due',
			'€235,550.00',
			'€98,350.00',
			'DSO (countback)',
			'47.9 d',
			'85.1%',
			'Payment promises',
			'Root causes',
			'Cost per delivered invoice',
		]) {
			expect(text).toContain(expected);
		}
		expect(text).not.toContain('Balance âgée');
	});

	it('is checked as pictures: pages are not blank and the charts are drawn in their colours', () => {
		const cover = pageRaster(fr, 1);
		expect(cover.width).toBeGreaterThan(300);
		expect(greyVariance(cover)).toBeGreaterThan(500);
		// the cover's band
		expect(pixelsOf(cover, '#1f5fbf')).toBeGreaterThan(cover.width * 40);
		const aged = pageRaster(fr, 2);
		expect(greyVariance(aged)).toBeGreaterThan(300);
		// not due (green) and > 90 days (red) bars of the aged balance charts
		expect(pixelsOf(aged, '#3a8d4f')).toBeGreaterThan(1500);
		expect(pixelsOf(aged, '#d64545')).toBeGreaterThan(300);
		// every page has something on it besides the header and page number
		const pages = execFileSync('pdfinfo', ['-'], { input: Buffer.from(fr) })
			.toString()
			.match(/Pages:\s+(\d+)/)?.[1];
		for (let p = 1; p <= Number(pages); p++)
			expect(greyVariance(pageRaster(fr, p, 30))).toBeGreaterThan(100);
	});

	it('says so where there is nothing to show (a new ledger), without failing', async () => {
		const full = sampleOverview();
		const empty: typeof full = {
			...full,
			aged: { ...full.aged, rows: [], totals: [] },
			dso: { ...full.dso, points: [] },
			dsoSimple: { ...full.dsoSimple, points: [] },
			cei: { ...full.cei, points: [] },
			daysLate: { ...full.daysLate, rows: [] },
			cleaning: {
				...full.cleaning,
				sections: full.cleaning.sections.map((s) => ({ ...s, count: 0, totals: [], items: [] })),
			},
			reminders: {
				...full.reminders,
				volumes: [],
				stages: [],
				paidInvoices: 0,
				remindersPerPaidInvoice: null,
			},
			disputes: {
				...full.disputes,
				totals: { count: 0, open: 0, resolved: 0, amounts: [] },
				groups: [],
				rootCauses: [],
			},
			distribution: { ...full.distribution, rows: [] },
		};
		const text = pdfText(await renderReportPdf(empty, { language: 'en' }));
		expect(text).toContain('Receivables report');
		expect(text.match(/No data for the period\./g)?.length).toBeGreaterThanOrEqual(5);
	});

	it('is the same document for the same figures, apart from its creation date', async () => {
		const again = await renderReportPdf(sampleOverview(), {
			language: 'fr',
			company: 'Atlas Distribution SA',
		});
		expect(pdfText(again)).toBe(pdfText(fr));
	});
});
