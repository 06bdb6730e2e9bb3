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

/** The package's page trigger, and its pages that take only POSTs signed over the raw body before anything is written. */
const PAGE_TRIGGER = 'n8n-nodes-receivables.receivablesPageTrigger';
const SIGNED_PAGES = new Set(['courierEvents', 'signedIntake']);
/** Its pages for people: each request is authenticated by the page's own login, session or signed link. */
const LOGIN_PAGES = new Set(['portal', 'courierPage', 'dashboard', 'payer']);

/** Whether a node is a page trigger serving a signed path (POST only). */
function isSignedPage(node) {
	return node?.type === PAGE_TRIGGER && SIGNED_PAGES.has(node.parameters?.page);
}

/**
 * The write paths of a workflow for other software that are not signed: POST-only webhooks whose first node after
 * the Webhook is not a signature-checking operation (or that do not keep the raw body), and page triggers serving a
 * page that is neither signed nor behind its own login.
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
	// A page trigger writes only through a signed page or a page with its own login; any other page is not trusted.
	for (const page of nodes.filter((node) => node.type === PAGE_TRIGGER)) {
		const name = page.parameters?.page ?? 'portal';
		if (!SIGNED_PAGES.has(name) && !LOGIN_PAGES.has(name)) unsigned.push(page.parameters?.path ?? page.name);
	}
	return unsigned;
}

module.exports = { SIGNED_OPERATIONS, SIGNED_PAGES, LOGIN_PAGES, PAGE_TRIGGER, isSignedPage, unsignedWritePaths };
