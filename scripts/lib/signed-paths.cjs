// Which webhooks of a shipped workflow are write paths without a signature: \`npm start\` neither activates nor
// advertises a workflow that has one, and the tests check that none is shipped.
'use strict';

/**
 * Package operations that check a signature over the raw body before anything is written: a POST webhook that
 * hands its requests to one of them is a signed path.
 */
const SIGNED_OPERATIONS = new Map([
	['n8n-nodes-receivables.invoiceIntake', new Set(['receiveSignedRequest', 'receiveSignedStatuses'])],
	['n8n-nodes-receivables.courierTracking', new Set(['recordEvent'])],
]);

/**
 * The POST-only webhooks of a workflow (write paths for other software) that are not signed: their first node
 * after the Webhook is not a signature-checking operation, or the Webhook does not keep the raw body.
 */
function unsignedWritePaths(workflow) {
	const nodes = (workflow.nodes ?? []).filter((node) => !node.disabled);
	const byName = new Map(nodes.map((node) => [node.name, node]));
	const unsigned = [];
	for (const hook of nodes.filter((node) => node.type === 'n8n-nodes-base.webhook')) {
		const methods = [hook.parameters?.httpMethod ?? 'GET'].flat();
		if (methods.includes('GET') || !methods.length) continue; // pages: authenticated by their own login
		const next = (workflow.connections?.[hook.name]?.main ?? []).flat().map((c) => byName.get(c.node)).filter(Boolean);
		const signed = hook.parameters?.options?.rawBody === true && next.length > 0 && next.every((node) => SIGNED_OPERATIONS.get(node.type)?.has(node.parameters?.operation));
		if (!signed) unsigned.push(hook.parameters?.path ?? hook.name);
	}
	return unsigned;
}

module.exports = { SIGNED_OPERATIONS, unsignedWritePaths };
