/**
 * Which operations the nodes of this package have (read from their descriptions, every version, as n8n reads
 * them), and which are run as a node by a test other than the table of operations.test.ts. Used by the test that
 * fails when an operation has no node-level test.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type {
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IVersionedNodeType,
} from 'n8n-workflow';

const ROOT = path.join(__dirname, '..', '..');

/** The node-level tests of operations the table does not run (each one runs the operation through the engine). */
export const COVERED_ELSEWHERE: Record<string, string> = {
	'invoiceIntake.cashedStatus': 'nodes/InvoiceIntake/actions/lifecycleStatuses.operation.test.ts',
	'invoiceIntake.lifecycleSettings': 'test/nodes/lifecycle-settings.test.ts',
	'invoiceIntake.lifecycleStatuses':
		'nodes/InvoiceIntake/actions/lifecycleStatuses.operation.test.ts',
	'invoiceIntake.receiveSignedStatuses':
		'nodes/InvoiceIntake/actions/lifecycleStatuses.operation.test.ts',
	'invoiceIntake.confirmCashedStatuses':
		'nodes/InvoiceIntake/actions/lifecycleStatuses.operation.test.ts',
	'invoiceIntake.blockedInvoices':
		'nodes/InvoiceIntake/actions/lifecycleStatuses.operation.test.ts',
	'invoiceIntake.afnorFlowNotification':
		'nodes/InvoiceIntake/actions/afnorFlowNotification.operation.test.ts',
	'invoiceIntake.importBankStatement':
		'nodes/InvoiceIntake/actions/importBankStatement.operation.test.ts',
	'invoiceIntake.storeInvoicesFromFile':
		'nodes/InvoiceIntake/actions/storeInvoicesFromFile.operation.test.ts',
	'invoiceIntake.receiveSignedRequest': 'test/workflows/intake-receive-signed-request.test.ts',
	'disputeClassifier.retrainModel':
		'nodes/DisputeClassifier/actions/retrainModel.operation.test.ts',
	'disputeClassifier.rollbackModel':
		'nodes/DisputeClassifier/actions/retrainModel.operation.test.ts',
	'disputeClassifier.notify': 'test/workflows/disputes-inbox.test.ts',
	'reminderStep.savePolicy': 'nodes/ReminderStep/ReminderStep.node.test.ts',
	'reminderStep.showPolicies': 'test/workflows/dunning-policies.test.ts',
	'reminderStep.previewReminder': 'nodes/ReminderStep/ReminderStep.node.test.ts',
	'reminderStep.processBounce': 'test/workflows/dunning-bounces.test.ts',
	'reminderStep.reconcile': 'test/workflows/dunning-reconcile-daily.test.ts',
	'reminderStep.decideReminder': 'test/workflows/dunning-reconcile-daily.test.ts',
	'reminderStep.renderLetter': 'test/workflows/dunning-formal-notices.test.ts',
	'reminderStep.confirmLetters': 'test/workflows/dunning-formal-notices.test.ts',
	'receivablesPageTrigger.portal': 'test/workflows/tracking-portal.test.ts',
	'receivablesPageTrigger.courierPage': 'test/workflows/tracking-courier-page.test.ts',
	'receivablesPageTrigger.courierEvents': 'test/workflows/tracking-courier-events.test.ts',
	'receivablesPageTrigger.dashboard': 'test/workflows/reports-daily-dashboard.test.ts',
	'receivablesPageTrigger.payer': 'test/workflows/payer-page.test.ts',
	'receivablesPageTrigger.signedIntake': 'test/workflows/intake-signed-webhook.test.ts',
	'receivablesPageTrigger.einvoicingStatuses':
		'test/workflows/einvoicing-platform-statuses.test.ts',
	'receivablesPageTrigger.platformFlows': 'test/workflows/einvoicing-platform-flows.test.ts',
	'receivablesReport.companySettings': 'test/nodes/company-settings.test.ts',
	'receivablesReport.netReceivables': 'test/nodes/net-receivables.test.ts',
};

type AnyNodeType = INodeType | IVersionedNodeType;

function descriptionsOf(type: AnyNodeType): INodeTypeDescription[] {
	if ('nodeVersions' in type)
		return Object.values(type.nodeVersions).map((version) => version.description);
	return [type.description];
}

/** The values of the option parameter that selects what the node does: Operation, or Page for the page trigger. */
function valuesOf(properties: INodeProperties[], name: string): string[] {
	return properties
		.filter((p) => p.name === name && p.type === 'options')
		.flatMap((p) => (p.options ?? []).map((o) => String((o as { value: unknown }).value)));
}

/** `node.operation` for every operation of every node the package declares (package.json n8n.nodes). */
export function operationsOfNodes(): string[] {
	const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	const operations = new Set<string>();
	for (const file of pkg.n8n.nodes) {
		const source = path.join(ROOT, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		const className = path.basename(file).replace(/\.node\.js$/, '');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const NodeClass = (require(source) as Record<string, new () => AnyNodeType>)[className];
		for (const description of descriptionsOf(new NodeClass())) {
			const values = [
				...valuesOf(description.properties, 'operation'),
				...valuesOf(description.properties, 'page'),
			];
			if (!values.length)
				throw new Error(
					`${description.name} has no Operation (or Page) parameter: say here how its operations are listed`,
				);
			for (const value of values) operations.add(`${description.name}.${value}`);
		}
	}
	return [...operations].sort();
}

/**
 * Why an entry of COVERED_ELSEWHERE does not hold: its file is missing, or neither runs the operation as a node
 * (`operation: '…'` in a node's parameters) nor loads a shipped workflow that has the node with that operation.
 */
export function coveredElsewhereProblems(): string[] {
	const problems: string[] = [];
	for (const [key, file] of Object.entries(COVERED_ELSEWHERE)) {
		const [node, operation] = key.split('.');
		const full = path.join(ROOT, file);
		if (!existsSync(full)) {
			problems.push(`${key}: ${file} does not exist`);
			continue;
		}
		const text = readFileSync(full, 'utf8');
		if (new RegExp(`operation: '${operation}'`).test(text)) continue;
		// A shipped workflow, or a workflow of test/fixtures/workflows (as users built them with earlier wirings).
		const workflows = [...text.matchAll(/'([\w-]+\.json)'/g)]
			.flatMap((m) => [
				path.join(ROOT, 'workflows', m[1]),
				path.join(ROOT, 'test', 'fixtures', 'workflows', m[1]),
			])
			.filter((w) => existsSync(w));
		const inWorkflow = workflows.some((w) => {
			const json = JSON.parse(readFileSync(w, 'utf8')) as {
				nodes: Array<{ type: string; parameters: Record<string, unknown> }>;
			};
			return json.nodes.some(
				(n) =>
					n.type === `n8n-nodes-receivables.${node}` &&
					(n.parameters.operation === operation || n.parameters.page === operation),
			);
		});
		if (!inWorkflow)
			problems.push(
				`${key}: ${file} neither runs it as a node nor loads a workflow (shipped or fixture) that does`,
			);
	}
	return problems;
}
