/**
 * In-process workflow engine for tests and benches: runs workflow JSON files with n8n-core's WorkflowExecute,
 * this package's nodes (from source) and n8n-nodes-base's built-in nodes, against the real ledger.
 *
 *   const result = await runWorkflow('workflows/x.json', { triggerItems: [{ ... }], credentials: { receivablesLedgerApi: ledgerCredentialData(schema) } });
 *   expect(result.status).toBe('success');
 *   result.json('Invoice Intake', 1); // the Rejected output
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeCredentialTestResult,
	INodeExecutionData,
} from 'n8n-workflow';
import { testCredential as runCredentialTest } from './engine/credentials';
import { ownModulePath, packageTypes, purgeBasePools } from './engine/node-types';

export {
	runWorkflow,
	loadWorkflow,
	setNodeParameters,
	type RunOptions,
	type WorkflowJson,
	type WorkflowRun,
} from './engine/run';
export { ENGINE_FILES_DIR } from './engine/env';
export type { CredentialMap } from './engine/credentials';
export { packageTypes, PACKAGE_ROOT, PACKAGE_NAME } from './engine/node-types';

/** Runs the credential test of n8n's editor ("Test" button) for one of this package's credential types. */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	return await runCredentialTest(packageTypes(), type, data);
}

/**
 * Closes the database pools our nodes and n8n's opened in this process (cached per credential, as in n8n):
 * call it in afterAll, before dropping the test schema.
 */
export async function closeEngine(): Promise<void> {
	purgeBasePools();
	const file = ownModulePath('nodes/shared/transport/ledger.ts');
	if (!file) return;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const transport = require(file) as { closeLedgers?: () => Promise<void> };
	await transport.closeLedgers?.();
}

export interface WebhookRequest {
	body?: unknown;
	headers?: Record<string, string>;
	query?: Record<string, string>;
	params?: Record<string, string>;
}

/** The item a Webhook node outputs for a request (what tests pin as triggerItems). */
export function webhookItem(request: WebhookRequest): IDataObject {
	return {
		headers: { 'content-type': 'application/json', ...(request.headers ?? {}) },
		params: request.params ?? {},
		query: request.query ?? {},
		body: (request.body ?? {}) as IDataObject,
		webhookUrl: 'http://127.0.0.1:5678/webhook',
		executionMode: 'production',
	};
}

/**
 * The item a Webhook node with the Raw Body option outputs: the parsed request in `json`, the exact bytes
 * received in the binary property `data` (what signature checks read).
 */
export function rawWebhookItem(
	rawBody: string | Buffer,
	request: Omit<WebhookRequest, 'body'> = {},
): INodeExecutionData {
	const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
	const headers = { 'content-type': 'application/json', ...(request.headers ?? {}) };
	let body: unknown = {};
	if (/json/.test(headers['content-type'])) {
		try {
			body = JSON.parse(bytes.toString('utf8'));
		} catch {
			body = {};
		}
	}
	const mimeType = headers['content-type'].split(';')[0].trim();
	return {
		json: webhookItem({ ...request, headers, body }),
		binary: { data: { data: bytes.toString('base64'), mimeType, fileSize: String(bytes.length) } },
	};
}
