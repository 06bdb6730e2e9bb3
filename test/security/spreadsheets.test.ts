// Every CSV or XLSX file a shipped workflow makes (n8n's Convert to File / Spreadsheet File) is made from rows the
// package has neutralised (core neutraliseCell): the node feeding it is one of the package's spreadsheet-row outputs,
// never a Set or Code node that copies ledger text (a customer's name, a root cause, an e-mail's words) as it is.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const WORKFLOWS = path.join(__dirname, '..', '..', 'workflows');

interface Node {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
}
interface Workflow {
	nodes: Node[];
	connections: Record<string, { main?: Array<Array<{ node: string }> | null> }>;
}

/** The package outputs whose items are flat rows with every text cell neutralised. */
function neutralisedRows(node: Node): boolean {
	if (node.type === 'n8n-nodes-receivables.receivablesReport')
		return node.parameters.output === 'rows';
	if (node.type === 'n8n-nodes-receivables.disputeClassifier')
		return (
			node.parameters.operation === 'analyse' &&
			['groupRows', 'rootCauseRows'].includes(String(node.parameters.output))
		);
	return false;
}

const SPREADSHEET = /^n8n-nodes-base\.(convertToFile|spreadsheetFile)$/;
const TEXT_FORMATS = ['csv', 'xlsx', 'xls', 'ods', 'html', undefined];

function unsafeSpreadsheets(workflow: Workflow): string[] {
	const byName = new Map(workflow.nodes.map((n) => [n.name, n]));
	const found: string[] = [];
	for (const node of workflow.nodes.filter(
		(n) =>
			SPREADSHEET.test(n.type) &&
			TEXT_FORMATS.includes(n.parameters.operation as string | undefined),
	)) {
		const sources = Object.entries(workflow.connections)
			.filter(([, c]) =>
				(c.main ?? []).some((out) => (out ?? []).some((t) => t.node === node.name)),
			)
			.map(([name]) => byName.get(name)!);
		for (const source of sources)
			if (!neutralisedRows(source)) found.push(`${node.name} <- ${source.name} (${source.type})`);
		if (sources.length === 0) found.push(`${node.name} <- nothing`);
	}
	return found;
}

describe('spreadsheets made by the shipped workflows', () => {
	const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.json'));

	test('are made from neutralised package rows only', () => {
		const unsafe = files.flatMap((f) =>
			unsafeSpreadsheets(JSON.parse(readFileSync(path.join(WORKFLOWS, f), 'utf8')) as Workflow).map(
				(s) => `${f}: ${s}`,
			),
		);
		expect(unsafe).toEqual([]);
		// There are such files to check (the monthly DSO/CEI and the weekly dispute analysis).
		expect(
			files.filter((f) =>
				readFileSync(path.join(WORKFLOWS, f), 'utf8').includes('n8n-nodes-base.convertToFile'),
			).length,
		).toBeGreaterThanOrEqual(2);
	});

	test('the check finds a CSV made from a Set node', () => {
		expect(
			unsafeSpreadsheets({
				nodes: [
					{
						name: 'Analyse',
						type: 'n8n-nodes-receivables.disputeClassifier',
						parameters: { operation: 'analyse', output: 'groups' },
					},
					{ name: 'Table', type: 'n8n-nodes-base.set', parameters: {} },
					{ name: 'CSV', type: 'n8n-nodes-base.convertToFile', parameters: { operation: 'csv' } },
				],
				connections: {
					Analyse: { main: [[{ node: 'Table' }]] },
					Table: { main: [[{ node: 'CSV' }]] },
				},
			}),
		).toEqual(['CSV <- Table (n8n-nodes-base.set)']);
	});
});
