// The node panel finds a node by its display name and its codex aliases (the *.node.json beside each node).
// Finance users search in French or English, and "receivables" must list the whole package.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const NODES = path.join(__dirname, '..', '..', 'nodes');

interface Codex {
	node: string;
	categories: string[];
	alias: string[];
}

const nodes = readdirSync(NODES)
	.filter((dir) => dir !== 'shared')
	.map((dir) => {
		const source = readFileSync(path.join(NODES, dir, `${dir}.node.ts`), 'utf8');
		const displayName = /displayName: '([^']+)'/.exec(source)?.[1] ?? '';
		const codex = JSON.parse(
			readFileSync(path.join(NODES, dir, `${dir}.node.json`), 'utf8'),
		) as Codex;
		return { dir, displayName, codex };
	});

/** What the panel's search looks at: the display name and the aliases, case and accents ignored. */
function found(query: string): string[] {
	const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
	const q = fold(query);
	return nodes
		.filter((n) => [n.displayName, ...n.codex.alias].some((w) => fold(w).includes(q)))
		.map((n) => n.dir)
		.sort();
}

test('there are eight nodes, each with a codex naming it', () => {
	expect(nodes).toHaveLength(8);
	for (const n of nodes)
		expect(n.codex.node).toBe(`n8n-nodes-receivables.${n.dir[0].toLowerCase()}${n.dir.slice(1)}`);
});

test('"receivables" and "créances" find every node', () => {
	expect(found('receivables')).toHaveLength(8);
	expect(found('créances')).toHaveLength(8);
	expect(found('creances')).toHaveLength(8);
});

test('every node sits in the Finance & Accounting category, none only among the AI nodes', () => {
	for (const n of nodes) {
		expect(n.codex.categories).toContain('Finance & Accounting');
		expect(n.codex.categories).not.toContain('AI');
	}
});

test.each([
	['ReminderStep', ['relance', 'dunning', 'reminder', 'mise en demeure', 'letter', 'lettre']],
	['DisputeClassifier', ['litige', 'dispute', 'réclamation', 'complaint']],
	[
		'InvoiceIntake',
		['facture', 'invoice', 'paiement', 'payment', 'relevé bancaire', 'bank statement'],
	],
	['QualityContact', ['appel', 'call', 'promesse de paiement', 'promise to pay']],
	[
		'ReceivablesReport',
		['rapport', 'report', 'tableau de bord', 'dashboard', 'balance âgée', 'aged balance'],
	],
	[
		'WavePlanner',
		['tournée', 'wave', 'vague', 'bordereau', 'manifest', 'cycle de facturation', 'billing cycle'],
	],
	[
		'CourierTracking',
		['coursier', 'courier', 'preuve de remise', 'proof of delivery', 'suivi', 'tracking'],
	],
	[
		'ReceivablesPageTrigger',
		[
			'portail',
			'portal',
			'page coursier',
			'courier page',
			'tableau de bord',
			'dashboard',
			'connexion',
			'login',
		],
	],
])('%s is found by its own words in French and English', (dir, words) => {
	for (const word of words)
		expect({ word, found: found(word) }).toEqual({ word, found: expect.arrayContaining([dir]) });
});
