// What the README's screenshot scripts share: the core bundled from its sources, and pages served as n8n serves
// webhook pages (in a CSP sandbox) to a headless Chromium.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { loadDemoCompany } from './demo-data.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

/** The core from its sources, bundled beside them so that it finds its migrations and fonts. */
export function loadSourceCore() {
	const outfile = path.join(root, 'core', `.screenshots-${process.pid}.cjs`);
	buildSync({
		entryPoints: [path.join(root, 'core', 'index.ts')],
		bundle: true,
		platform: 'node',
		format: 'cjs',
		packages: 'external',
		outfile,
		logLevel: 'error',
	});
	try {
		return createRequire(import.meta.url)(outfile);
	} finally {
		rmSync(outfile, { force: true });
	}
}

/** Serves `pages` (url → HTML) in a sandbox as n8n does, and gives `shoot` a Chromium and the server's base URL. */
export async function withSandboxedPages(pages, shoot) {
	const { chromium } = await import('playwright-core');
	const server = createServer((req, res) => {
		const body = pages[req.url] ?? '';
		res.writeHead(body ? 200 : 404, {
			'Content-Type': 'text/html; charset=utf-8',
			'Content-Security-Policy': 'sandbox allow-forms',
		});
		res.end(body);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${server.address().port}`;
	const browser = await chromium.launch({
		executablePath: chromiumPath,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
	});
	try {
		await shoot(browser, base);
	} finally {
		await browser.close();
		server.close();
	}
}

/**
 * Runs `fn` with the demo company of `npm start` loaded as of today (Paris) into a schema of its own in the Postgres
 * of DATABASE_URL or TEST_DATABASE_URL, and a scratch folder; both are removed afterwards. Exits non-zero on error.
 */
export function withDemoCompany(fn) {
	const run = async () => {
		const connectionString = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
		if (!connectionString)
			throw new Error(
				'Set DATABASE_URL or TEST_DATABASE_URL to a Postgres this script may create a schema in.',
			);
		const core = loadSourceCore();
		const schema = `screenshots_${randomBytes(4).toString('hex')}`;
		const ledger = core.openLedger({ connectionString, schema });
		const work = mkdtempSync(path.join(tmpdir(), 'screenshots-'));
		try {
			const asOf = core.todayIn('Europe/Paris');
			console.log(`Loading the demo company as of ${asOf} into schema ${schema}…`);
			await loadDemoCompany(core, ledger, { asOf });
			await fn({ core, ledger, asOf, work });
		} finally {
			await ledger.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
			await ledger.close();
			rmSync(work, { recursive: true, force: true });
		}
	};
	run().catch((error) => {
		console.error(error instanceof Error ? error.stack : String(error));
		process.exitCode = 1;
	});
}
