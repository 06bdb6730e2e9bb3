// Which webhooks of a shipped workflow are write paths without a signature: \`npm start\` neither activates nor
// advertises a workflow that has one, and the tests check that none is shipped.
'use strict';

/**
 * Package operations that check a signature over the raw body before anything is written: a POST webhook that
 * hands its requests to one of them is a signed path.
 */
const SIGNED_OPERATIONS = new Map([
	[
		'n8n-nodes-receivables.invoiceIntake',
		new Set(['receiveSignedRequest', 'receiveSignedStatuses', 'afnorFlowNotification']),
	],
	['n8n-nodes-receivables.courierTracking', new Set(['recordEvent'])],
]);

/** Whether a node checks a signature over its input's raw body (Read Platform Flow Notification only in its Webhook mode). */
function checksSignature(node) {
	if (!SIGNED_OPERATIONS.get(node.type)?.has(node.parameters?.operation)) return false;
	return !(
		node.parameters?.operation === 'afnorFlowNotification' &&
		node.parameters?.notificationFrom === 'pageTrigger'
	);
}

const PAGE_TRIGGER = 'n8n-nodes-receivables.receivablesPageTrigger';

/**
 * Pages of the Receivables Page Trigger that take signed POST requests from other software and check the signature
 * themselves, before any execution starts (an unsigned or forged body never becomes an item n8n stores).
 */
const SIGNED_PAGES = new Set([
	'courierEvents',
	'einvoicingStatuses',
	'platformFlows',
	'signedIntake',
]);
/** Its pages for people: each request is authenticated by the page's own login, session or signed link. */
const LOGIN_PAGES = new Set(['portal', 'courierPage', 'dashboard', 'payer']);

/** The HTTP methods a Receivables Page Trigger page answers: signed pages POST only, the others GET and POST. */
function pageMethods(page) {
	return SIGNED_PAGES.has(page ?? 'portal') ? ['POST'] : ['GET', 'POST'];
}

function postWebhooks(workflow) {
	const nodes = (workflow.nodes ?? []).filter((node) => !node.disabled);
	const byName = new Map(nodes.map((node) => [node.name, node]));
	return nodes
		.filter((node) => node.type === 'n8n-nodes-base.webhook')
		.filter((hook) => {
			const methods = [hook.parameters?.httpMethod ?? 'GET'].flat();
			return methods.length > 0 && !methods.includes('GET'); // pages: authenticated by their own login
		})
		.map((hook) => ({
			hook,
			next: (workflow.connections?.[hook.name]?.main ?? [])
				.flat()
				.map((c) => byName.get(c.node))
				.filter(Boolean),
		}));
}

/**
 * The write paths of a workflow for other software that are not signed: POST-only webhooks whose first node after
 * the Webhook is not a signature-checking operation (or that do not keep the raw body), and page triggers serving a
 * page that is neither signed nor behind its own login.
 */
function unsignedWritePaths(workflow) {
	const unsigned = [];
	for (const { hook, next } of postWebhooks(workflow)) {
		const signed =
			hook.parameters?.options?.rawBody === true && next.length > 0 && next.every(checksSignature);
		if (!signed) unsigned.push(hook.parameters?.path ?? hook.name);
	}
	for (const page of (workflow.nodes ?? []).filter(
		(node) => !node.disabled && node.type === PAGE_TRIGGER,
	)) {
		const name = page.parameters?.page ?? 'portal';
		if (!SIGNED_PAGES.has(name) && !LOGIN_PAGES.has(name))
			unsigned.push(page.parameters?.path ?? page.name);
	}
	return unsigned;
}

/**
 * The signed write paths of a workflow whose signature is checked only inside an execution: a Webhook node before a
 * signature-checking operation. n8n stores such a request's body and starts an execution before the check, even for
 * an unsigned or forged request; a signed page of the Receivables Page Trigger checks it first.
 */
function executionsBeforeSignature(workflow) {
	return postWebhooks(workflow).map(({ hook }) => hook.parameters?.path ?? hook.name);
}

module.exports = {
	SIGNED_OPERATIONS,
	SIGNED_PAGES,
	LOGIN_PAGES,
	PAGE_TRIGGER,
	pageMethods,
	unsignedWritePaths,
	executionsBeforeSignature,
};
