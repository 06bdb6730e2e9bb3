// What the README's screenshot scripts share: the core bundled from its sources, and pages served as n8n serves
// webhook pages (in a CSP sandbox) to a headless Chromium.
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

/** The core from its sources, bundled beside them so that it finds its migrations and fonts. */
export function loadSourceCore() {
	const outfile = path.join(root, 'core', `.screenshots-${process.pid}.cjs`);
	buildSync({ entryPoints: [path.join(root, 'core', 'index.ts')], bundle: true, platform: 'node', format: 'cjs', packages: 'external', outfile, logLevel: 'error' });
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
		res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': 'sandbox allow-forms' });
		res.end(body);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${server.address().port}`;
	const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
	try {
		await shoot(browser, base);
	} finally {
		await browser.close();
		server.close();
	}
}
