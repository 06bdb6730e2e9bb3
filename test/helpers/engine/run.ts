import './env';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import { createRunExecutionData, Workflow } from 'n8n-workflow';
import type {
	ExecutionError,
	ExecutionStatus,
	IConnections,
	IDataObject,
	IExecuteResponsePromiseData,
	INode,
	INodeExecutionData,
	IPinData,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { startRunnerTask, getRunnerStatus } from './code-runner';
import { InProcessCredentials, type CredentialMap } from './credentials';
import { packageTypes } from './node-types';

/** A workflow as exported by n8n (the files in workflows/). */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	staticData?: IDataObject;
	active?: boolean;
}

export interface RunOptions {
	/** The node the execution starts from; defaults to the workflow's only trigger (a node without inputs). */
	startNode?: string;
	/** The items the start node outputs (its pin data). Plain objects become `{ json }` items. Default: one empty item. */
	triggerItems?: Array<IDataObject | INodeExecutionData>;
	/** Decrypted credential data, keyed by credential type, id or name (see InProcessCredentials). */
	credentials?: CredentialMap;
	/** Outputs pinned on other nodes, as in the editor. */
	pinData?: IPinData;
	/** Execution mode; by default 'webhook' from a Webhook node, 'manual' from a Manual Trigger, else 'trigger'. */
	mode?: WorkflowExecuteMode;
}

export interface WorkflowRun {
	status: ExecutionStatus;
	/** The execution's error (the first node error that stopped it). */
	error?: ExecutionError;
	/** Names of the nodes in the order they finished. */
	executed: string[];
	/** What Respond to Webhook (or a node's sendResponse) answered, if anything. */
	responses: IExecuteResponsePromiseData[];
	/** The items of one output of a node (output 0 by default, first run by default); [] if it did not run. */
	nodeOutputs(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The `json` of nodeOutputs. */
	json(nodeName: string, outputIndex?: number, runIndex?: number): IDataObject[];
	/** The error a node ended with, if any. */
	nodeError(nodeName: string, runIndex?: number): ExecutionError | undefined;
	/** The raw run, as n8n stores it. */
	run: IRun;
}

const BASE_URL = 'http://127.0.0.1:5678/';

/** Reads a workflow file (JSON exported from n8n). */
export function loadWorkflow(file: string): WorkflowJson {
	return JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
}

/** Changes parameters of one node of a loaded workflow (a folder path, a schedule...) for a test run. */
export function setNodeParameters(
	workflow: WorkflowJson,
	nodeName: string,
	parameters: INode['parameters'],
): WorkflowJson {
	const node = workflow.nodes.find((n) => n.name === nodeName);
	if (!node) throw new Error(`The workflow has no node named "${nodeName}"`);
	node.parameters = { ...node.parameters, ...parameters };
	return workflow;
}

function asItem(item: IDataObject | INodeExecutionData): INodeExecutionData {
	const candidate = item as INodeExecutionData;
	return candidate.json !== null &&
		typeof candidate.json === 'object' &&
		!Array.isArray(candidate.json)
		? candidate
		: { json: item as IDataObject };
}

function pickStartNode(workflow: Workflow, nodes: INode[], name?: string): INode {
	if (name) {
		const node = workflow.getNode(name);
		if (!node) throw new Error(`The workflow has no node named "${name}"`);
		return node;
	}
	const starts = nodes.filter((node) => {
		if (node.disabled) return false;
		const type = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (node.type === 'n8n-nodes-base.stickyNote') return false;
		return Array.isArray(type.description.inputs) && type.description.inputs.length === 0;
	});
	if (starts.length !== 1) {
		throw new Error(
			`Pass startNode: the workflow has ${starts.length} nodes without inputs (${starts.map((n) => n.name).join(', ') || 'none'})`,
		);
	}
	return workflow.getNode(starts[0].name)!;
}

function defaultMode(node: INode): WorkflowExecuteMode {
	if (node.type === 'n8n-nodes-base.webhook' || node.type === 'n8n-nodes-base.formTrigger')
		return 'webhook';
	if (node.type === 'n8n-nodes-base.manualTrigger') return 'manual';
	return 'trigger';
}

function additionalDataFor(
	hooks: ExecutionLifecycleHooks,
	executionId: string,
	workflowId: string,
	credentials: CredentialMap,
): IWorkflowExecuteAdditionalData {
	const additionalData: IWorkflowExecuteAdditionalData = {
		credentialsHelper: new InProcessCredentials(packageTypes(), credentials),
		hooks,
		externalSecretsProxy: new ExternalSecretsProxy(),
		executionId,
		workflowId,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${BASE_URL}rest`,
		instanceBaseUrl: BASE_URL,
		formBaseUrl: `${BASE_URL}form`,
		formWaitingBaseUrl: `${BASE_URL}form-waiting`,
		formTestBaseUrl: `${BASE_URL}form-test`,
		webhookBaseUrl: `${BASE_URL}webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}webhook-test`,
		mcpBaseUrl: `${BASE_URL}mcp`,
		mcpTestBaseUrl: `${BASE_URL}mcp-test`,
		executeWorkflow: async () => {
			throw new Error(
				'Sub-workflows (Execute Workflow) are not supported by the in-process engine',
			);
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask,
		getRunnerStatus,
	};
	return additionalData;
}

/**
 * Executes a workflow in this process with n8n-core's WorkflowExecute: our nodes from source, n8n-nodes-base's
 * built-in nodes, credentials from `options.credentials`. The start node (a trigger, a webhook...) is not run:
 * it outputs `options.triggerItems`, as when its data is pinned in the editor.
 */
export async function runWorkflow(
	source: WorkflowJson | string,
	options: RunOptions = {},
): Promise<WorkflowRun> {
	const data = structuredClone(typeof source === 'string' ? loadWorkflow(source) : source);
	const nodeTypes = packageTypes();
	const workflowId = data.id ?? 'in-process';
	const workflow = new Workflow({
		id: workflowId,
		name: data.name,
		nodes: data.nodes,
		connections: data.connections,
		active: false,
		nodeTypes,
		staticData: data.staticData,
		settings: data.settings ?? { executionOrder: 'v1' },
	});
	const startNode = pickStartNode(workflow, data.nodes, options.startNode);
	const mode = options.mode ?? defaultMode(startNode);
	const items = (options.triggerItems ?? [{}]).map(asItem);
	const executionId = randomUUID();
	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: data.name ?? workflowId,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: data.nodes,
		connections: data.connections,
		settings: data.settings,
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executed: string[] = [];
	const responses: IExecuteResponsePromiseData[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executed.push(nodeName);
	});
	hooks.addHandler('sendResponse', (response) => {
		responses.push(response);
	});
	const additionalData = additionalDataFor(
		hooks,
		executionId,
		workflowId,
		options.credentials ?? {},
	);
	const runExecutionData = createRunExecutionData({
		startData: {},
		resultData: { runData: {}, pinData: { ...(options.pinData ?? {}), [startNode.name]: items } },
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [items] }, source: null }],
		},
	});
	const run = await new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	const runData = run.data.resultData.runData;
	const nodeOutputs = (nodeName: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] =>
		runData[nodeName]?.[runIndex]?.data?.main?.[outputIndex] ?? [];
	return {
		status: run.status,
		error: run.data.resultData.error,
		executed,
		responses,
		nodeOutputs,
		json: (nodeName, outputIndex, runIndex) =>
			nodeOutputs(nodeName, outputIndex, runIndex).map((item) => item.json),
		nodeError: (nodeName, runIndex = 0) => runData[nodeName]?.[runIndex]?.error,
		run,
	};
}
