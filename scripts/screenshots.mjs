// node scripts/screenshots.mjs: the README's pictures of the PDF report and the dashboard, from the demo company of
// `npm start` loaded into a schema of its own (dropped afterwards).
//   DATABASE_URL or TEST_DATABASE_URL → the Postgres to use (required).
//   Writes docs/screenshots/report-pdf-page1.png, report-pdf-page2.png, dashboard.png and dashboard-phone.png, and
//   the whole PDF to test-artifacts/reports/report-demo-fr.pdf.
// Needs pdftoppm (poppler-utils) and Chromium (/usr/bin/chromium, or CHROMIUM=<path>).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COMPANY } from './lib/demo-data.mjs';
import { root, withDemoCompany, withSandboxedPages } from './lib/screenshot-kit.mjs';

const out = path.join(root, 'docs', 'screenshots');

async function dashboardShots(pages) {
	await withSandboxedPages(pages, async (browser, base) => {
		const desktop = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
		await desktop.goto(`${base}/desktop`);
		await desktop.screenshot({ path: path.join(out, 'dashboard.png') });
		const phone = await browser.newPage({
			viewport: { width: 390, height: 1400 },
			isMobile: true,
			deviceScaleFactor: 1,
		});
		await phone.goto(`${base}/phone`);
		await phone.screenshot({ path: path.join(out, 'dashboard-phone.png') });
	});
}

withDemoCompany(async ({ core, ledger, asOf, work }) => {
	mkdirSync(out, { recursive: true });
	const overview = await core.receivablesOverview(ledger, { asOf, zone: 'Europe/Paris' });
	let started = performance.now();
	const pdf = await core.renderReportPdf(overview, { language: 'fr', company: COMPANY.name });
	const firstPdfMs = performance.now() - started;
	// a second time: the fonts are parsed once per process
	started = performance.now();
	await core.renderReportPdf(overview, { language: 'en', company: COMPANY.name });
	const pdfMs = performance.now() - started;
	writeFileSync(path.join(work, 'report.pdf'), pdf);
	// the whole document, to read (test-artifacts is not versioned)
	mkdirSync(path.join(root, 'test-artifacts', 'reports'), { recursive: true });
	writeFileSync(path.join(root, 'test-artifacts', 'reports', 'report-demo-fr.pdf'), pdf);
	for (const n of [1, 2]) {
		execFileSync('pdftoppm', [
			'-png',
			'-r',
			'80',
			'-f',
			String(n),
			'-l',
			String(n),
			'-singlefile',
			path.join(work, 'report.pdf'),
			path.join(work, `page${n}`),
		]);
		copyFileSync(path.join(work, `page${n}.png`), path.join(out, `report-pdf-page${n}.png`));
	}
	const pageCount = /Pages:\s+(\d+)/.exec(
		execFileSync('pdfinfo', [path.join(work, 'report.pdf')]).toString(),
	)?.[1];
	started = performance.now();
	const desktop = core.renderDashboardHtml(
		overview,
		{ name: 'Direction financière', level: 1 },
		{ language: 'fr', company: COMPANY.name, session: 'demo' },
	);
	const htmlMs = performance.now() - started;
	const pages = {
		'/desktop': desktop,
		'/phone': core.renderDashboardHtml(
			await core.receivablesOverview(ledger, {
				asOf,
				zone: 'Europe/Paris',
				scope: { level: 2, staffCode: 'VR-MA1' },
			}),
			{ name: 'Youssef El Amrani', level: 2 },
			{ language: 'fr', company: COMPANY.name, session: 'demo' },
		),
	};
	await dashboardShots(pages);
	console.log(
		`PDF report: ${pageCount} pages, ${Math.round(pdf.length / 1024)} KiB, rendered in ${Math.round(firstPdfMs)} ms in a fresh process (fonts parsed), ${Math.round(pdfMs)} ms the next time; dashboard page: ${Math.round(Buffer.byteLength(desktop) / 1024)} KiB, ${(desktop.match(/<svg /g) ?? []).length} charts, rendered in ${Math.round(htmlMs)} ms`,
	);
	console.log(
		`Written to ${path.relative(root, out)}: report-pdf-page1.png, report-pdf-page2.png (the PDF has ${pageCount} pages, ${pdf.length} bytes), dashboard.png, dashboard-phone.png`,
	);
});
