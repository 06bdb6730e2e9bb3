// node scripts/screenshots-finance.mjs: the README's pictures of a reminder previewed before saving its policy (the
// letter with the company's letterhead, and the e-mail) and of the tracking portal's paging with its totals, from the
// demo company of `npm start` loaded into a schema of its own (dropped afterwards).
//   DATABASE_URL or TEST_DATABASE_URL → the Postgres to use (required).
//   Writes docs/screenshots/reminder-preview-letter.png, reminder-preview-email.png and portal-paging.png.
// Needs pdftoppm (poppler-utils) and Chromium (/usr/bin/chromium, or CHROMIUM=<path>).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, withDemoCompany, withSandboxedPages } from './lib/screenshot-kit.mjs';

const out = path.join(root, 'docs', 'screenshots');

async function shots(pages) {
	await withSandboxedPages(pages, async (browser, base) => {
		const email = await browser.newPage({ viewport: { width: 820, height: 900 } });
		await email.goto(`${base}/email`);
		await email.screenshot({ path: path.join(out, 'reminder-preview-email.png') });
		const portal = await browser.newPage({
			viewport: { width: 420, height: 1100 },
			isMobile: true,
			deviceScaleFactor: 1,
		});
		await portal.goto(`${base}/portal`);
		await portal.screenshot({ path: path.join(out, 'portal-paging.png'), fullPage: false });
	});
}

withDemoCompany(async ({ core, ledger, asOf, work }) => {
	mkdirSync(out, { recursive: true });
	// A French customer's late invoice, previewed at reminder 1 with a wording the finance team is writing.
	const [late] = await ledger.query(
		`SELECT i.number FROM invoices i JOIN customers c ON c.id = i.customer_id
		WHERE i.status = 'open' AND i.doc_type = 'invoice' AND c.language = 'fr' AND c.country = 'FR' AND coalesce(c.profile, 'standard') = 'standard'
		AND i.due_date < $1::date - 10 ORDER BY i.due_date DESC, i.id LIMIT 1`,
		[asOf],
	);
	const policy = core.validatePolicyFields({
		code: 'standard',
		name: 'Standard (PME)',
		stages: [
			{
				stage: 'level1',
				days: 5,
				channels: 'email,letter',
				cc: '{{salesRep.email}}',
				subjectFr: 'Relance {{company.name}} : {{total.open}} restant dû',
				textFr:
					'Bonjour,\n\nSauf erreur de notre part, les factures suivantes restent impayées :\n\n{{#invoices}}- Facture {{invoice.number}} du {{invoice.issueDate}}, échue le {{invoice.dueDate}} ({{invoice.daysLate}} jours) : {{invoice.open}}\n{{/invoices}}\nTotal restant dû : {{total.open}}.\n\nMerci de procéder au règlement par virement (IBAN {{company.iban}}) ou de nous dire ce qui le retarde en répondant à ce message.\n\nCordialement,\n{{collector.name}}\n{{company.name}} — {{collector.phone}}',
			},
		],
	});
	const preview = await core.previewReminder(ledger, {
		invoiceNumber: late.number,
		stage: 'level1',
		policy,
		place: 'Lyon',
	});
	writeFileSync(path.join(work, 'letter.pdf'), preview.letterPdf);
	execFileSync('pdftoppm', [
		'-png',
		'-r',
		'80',
		'-f',
		'1',
		'-l',
		'1',
		'-singlefile',
		path.join(work, 'letter.pdf'),
		path.join(work, 'letter'),
	]);
	copyFileSync(path.join(work, 'letter.png'), path.join(out, 'reminder-preview-letter.png'));
	const email = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>body{font:15px/1.5 sans-serif;margin:24px;color:#222}dl{background:#f4f5f7;padding:12px 16px;border-radius:6px}dt{font-weight:bold;float:left;width:5em}dd{margin:0 0 4px 5.5em}</style></head><body>
<dl><dt>À</dt><dd>${preview.to.join(', ')}</dd><dt>Cc</dt><dd>${preview.cc.join(', ') || '—'}</dd><dt>Objet</dt><dd>${preview.subject.replace(/</g, '&lt;')}</dd></dl>${preview.html}</body></html>`;
	// the portal of the direction (level 1): login, then the first page with the totals of every page
	await core.savePortalUser(ledger, {
		login: 'direction',
		name: 'Direction financière',
		level: 1,
		secret: 'screenshot secret',
		language: 'fr',
	});
	const form = (html) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
	const first = await core.handlePortalRequest(ledger, {}, {});
	const portal = await core.handlePortalRequest(
		ledger,
		{
			body: {
				action: 'login',
				login: 'direction',
				secret: 'screenshot secret',
				form: form(first.body),
			},
		},
		{},
	);
	await shots({ '/email': email, '/portal': portal.body });
	console.log(
		`Preview of ${preview.invoiceNumber} (${preview.customerName}) at ${preview.stage} on ${preview.asOf}: "${preview.subject}"; portal: ${/<p class="muted" id="totals">(.*?)<\/p>/.exec(portal.body)?.[1]?.replace(/<[^>]+>/g, '')}`,
	);
	console.log(
		`Written to ${path.relative(root, out)}: reminder-preview-letter.png, reminder-preview-email.png, portal-paging.png`,
	);
});
