/**
 * One-node workflows for node-level tests: a Manual Trigger (its items pinned) → one node of this package with the
 * given parameters and settings, run in-process by n8n-core's engine (test/helpers/engine.ts).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { runWorkflow, type CredentialMap, type WorkflowJson, type WorkflowRun } from './engine';

export type NodeName =
	| 'invoiceIntake'
	| 'reminderStep'
	| 'qualityContact'
	| 'disputeClassifier'
	| 'wavePlanner'
	| 'courierTracking'
	| 'receivablesReport';

export interface NodeRunOptions {
	/** The node's error setting, as in its Settings tab. */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	credentials?: CredentialMap;
	triggerItems?: Array<IDataObject | INodeExecutionData>;
	/** Type version of the node (default 1). */
	typeVersion?: number;
}

/** The name the node has in the one-node workflow. */
export const NODE = 'Node';

const CREDENTIAL_TYPES = ['receivablesLedgerApi', 'receivablesSmtpApi', 'receivablesWebhookApi'];

export function oneNodeWorkflow(
	node: NodeName,
	parameters: IDataObject,
	options: NodeRunOptions = {},
): WorkflowJson {
	return {
		id: `rcvNodeTest${node}`,
		name: `${node} test`,
		nodes: [
			{
				id: 't',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'n',
				name: NODE,
				type: `n8n-nodes-receivables.${node}`,
				typeVersion: options.typeVersion ?? 1,
				position: [200, 0],
				parameters,
				...(options.onError ? { onError: options.onError } : {}),
				credentials: Object.fromEntries(
					CREDENTIAL_TYPES.map((type) => [type, { id: type, name: type }]),
				),
			},
		],
		connections: { Start: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', timezone: 'Europe/Paris' },
	} as unknown as WorkflowJson;
}

/** Runs one node of this package over the trigger items. */
export async function runNode(
	node: NodeName,
	parameters: IDataObject,
	options: NodeRunOptions = {},
): Promise<WorkflowRun> {
	return await runWorkflow(oneNodeWorkflow(node, parameters, options), {
		credentials: options.credentials,
		triggerItems: options.triggerItems,
	});
}

/** The number of items on each output of the node. */
export function outputCounts(run: WorkflowRun): number[] {
	const data = run.run.data.resultData.runData[NODE]?.[0]?.data?.main ?? [];
	return data.map((items) => items?.length ?? 0);
}

/** Credentials whose ledger (and mail server) cannot be reached: a closed port on the loopback. */
export function unreachableCredentials(): CredentialMap {
	return {
		receivablesLedgerApi: {
			host: '127.0.0.1',
			port: 1,
			database: 'test',
			user: 'postgres',
			password: '',
			ssl: 'disable',
			schema: 'unreachable',
		},
		receivablesSmtpApi: {
			host: '127.0.0.1',
			port: 1,
			secure: false,
			disableStartTls: true,
			user: '',
			password: '',
		},
		receivablesWebhookApi: {
			secret: 'continue-on-fail-test-secret-0123456789',
			previousSecret: '',
		},
	};
}
