// Static checks of every shipped workflow file (no n8n started): what `n8n import:workflow` needs, node types that
// exist in a production install, connections between real nodes, and the fixed credential ids.
import {
	activatableNodes,
	baseNodeTypes,
	FIXED_CREDENTIALS,
	packageManifest,
	packageNodeTypes,
	webhookEndpoints,
	workflowFiles,
	type NodeTypeInfo,
	type Workflow,
} from '../helpers/n8n';

const files = workflowFiles();
const base = baseNodeTypes();
const ours = packageNodeTypes('source');
const known = new Map<string, NodeTypeInfo>([...base, ...ours]);

function parse(text: string): Workflow {
	return JSON.parse(text) as Workflow;
}

test('the package nodes are named n8n-nodes-receivables.<name>', () => {
	expect(packageManifest().name).toBe('n8n-nodes-receivables');
	expect(ours.size).toBeGreaterThan(0);
	for (const type of ours.keys())
		expect(type).toMatch(/^n8n-nodes-receivables\.[a-z][A-Za-z0-9]*$/);
	expect(base.get('n8n-nodes-base.webhook')?.activatable).toBe(true);
	expect(base.get('n8n-nodes-base.manualTrigger')?.activatable).toBe(false);
});

test('there are shipped workflows', () => {
	expect(files.map((f) => f.file)).toEqual(
		expect.arrayContaining(['intake-signed-webhook.json', 'foundation-demo-customers.json']),
	);
});

test('workflow ids and names are unique across files', () => {
	const workflows = files.map(({ text }) => parse(text));
	const ids = workflows.map((w) => w.id);
	const names = workflows.map((w) => w.name);
	expect(new Set(ids).size).toBe(ids.length);
	expect(new Set(names).size).toBe(names.length);
});

test('no two published workflows serve the same webhook', () => {
	const endpoints = files
		.map(({ text }) => parse(text))
		.filter((workflow) => activatableNodes(workflow, known).length > 0)
		.flatMap((workflow) =>
			webhookEndpoints(workflow).map((e) => `${e.method} /${e.endpoint}/${e.path}`),
		);
	expect(new Set(endpoints).size).toBe(endpoints.length);
});

describe.each(files)('$file', ({ file, text }) => {
	const workflow = parse(text);
	const nodeNames = new Set(workflow.nodes.map((n) => n.name));

	test('has a fixed id, a name, is inactive and uses the v1 execution order', () => {
		expect(typeof workflow.id).toBe('string');
		expect(workflow.id).toMatch(/^[A-Za-z0-9]{8,36}$/);
		expect(typeof workflow.name).toBe('string');
		expect(workflow.name.trim().length).toBeGreaterThan(0);
		expect(workflow.active).toBe(false);
		expect(workflow.settings?.executionOrder).toBe('v1');
		expect(file).toMatch(/^[a-z0-9-]+\.json$/);
	});

	test('nodes are well formed, with unique names and ids', () => {
		expect(Array.isArray(workflow.nodes)).toBe(true);
		expect(workflow.nodes.length).toBeGreaterThan(0);
		expect(nodeNames.size).toBe(workflow.nodes.length);
		expect(new Set(workflow.nodes.map((n) => n.id)).size).toBe(workflow.nodes.length);
		for (const node of workflow.nodes) {
			expect({
				node: node.name,
				id: typeof node.id,
				position: node.position?.length,
				parameters: typeof node.parameters,
			}).toEqual({
				node: node.name,
				id: 'string',
				position: 2,
				parameters: 'object',
			});
		}
	});

	test('explains itself to its users with a sticky note', () => {
		const notes = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
		expect(notes.length).toBeGreaterThan(0);
		expect(notes.some((n) => String(n.parameters.content ?? '').trim().length > 80)).toBe(true);
	});

	test('every node type exists in n8n 2.40 or in this package, at a version it has', () => {
		const problems: string[] = [];
		for (const node of workflow.nodes) {
			if (node.type.startsWith('CUSTOM.')) {
				problems.push(
					`${node.name}: ${node.type} is a development type; use n8n-nodes-receivables.<name>`,
				);
				continue;
			}
			const info = known.get(node.type);
			if (!info) {
				problems.push(`${node.name}: unknown node type ${node.type}`);
				continue;
			}
			if (!info.versions.includes(node.typeVersion)) {
				problems.push(
					`${node.name}: ${node.type} has no version ${node.typeVersion} (it has ${info.versions.join(', ')})`,
				);
			}
		}
		expect(problems).toEqual([]);
	});

	test("this package's nodes are at their newest version (the one new nodes get: resources, summaries)", () => {
		const older = workflow.nodes
			.filter((n) => n.type.startsWith('n8n-nodes-receivables.') && ours.has(n.type))
			.filter((n) => n.typeVersion !== Math.max(...(ours.get(n.type)?.versions ?? [n.typeVersion])))
			.map(
				(n) =>
					`${n.name}: ${n.type} version ${n.typeVersion}, newest ${Math.max(...(ours.get(n.type)?.versions ?? []))} (with its resource parameter, see nodes/shared/resources.ts)`,
			);
		expect(older).toEqual([]);
	});

	test('every connection goes from and to a node of the workflow, on an output the node has', () => {
		const problems: string[] = [];
		for (const [source, byType] of Object.entries(workflow.connections ?? {})) {
			if (!nodeNames.has(source)) problems.push(`connection from unknown node "${source}"`);
			const sourceNode = workflow.nodes.find((n) => n.name === source);
			for (const [type, outputs] of Object.entries(byType)) {
				const declared = sourceNode ? known.get(sourceNode.type)?.outputs : undefined;
				// "On Error: Continue (using error output)" gives a node one more output, for its errors.
				const outputCount =
					declared !== undefined && sourceNode?.onError === 'continueErrorOutput'
						? declared + 1
						: declared;
				if (type === 'main' && outputCount !== undefined && outputs.length > outputCount) {
					problems.push(
						`"${source}" has ${outputCount} output(s) but ${outputs.length} are connected`,
					);
				}
				for (const targets of outputs) {
					for (const target of targets ?? []) {
						if (!nodeNames.has(target.node))
							problems.push(`"${source}" → unknown node "${target.node}"`);
						if (target.type !== type)
							problems.push(
								`"${source}" → "${target.node}": type ${target.type} on a ${type} output`,
							);
						if (!Number.isInteger(target.index) || target.index < 0)
							problems.push(`"${source}" → "${target.node}": bad input index`);
					}
				}
			}
		}
		expect(problems).toEqual([]);
	});

	test('every node is reachable from a trigger (no stray nodes)', () => {
		const runnable = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
		const triggers = runnable.filter((n) => known.get(n.type)?.group.includes('trigger'));
		expect(triggers.length).toBeGreaterThan(0);
		const reached = new Set(triggers.map((n) => n.name));
		const queue = [...reached];
		while (queue.length) {
			const name = queue.shift() as string;
			for (const outputs of Object.values(workflow.connections[name] ?? {})) {
				for (const target of outputs.flat()) {
					if (target && !reached.has(target.node)) {
						reached.add(target.node);
						queue.push(target.node);
					}
				}
			}
		}
		expect(runnable.filter((n) => !reached.has(n.name)).map((n) => n.name)).toEqual([]);
	});

	test('credentials are referenced by the fixed ids, and our nodes have the ones they require', () => {
		const problems: string[] = [];
		for (const node of workflow.nodes) {
			for (const [type, reference] of Object.entries(node.credentials ?? {})) {
				const fixed = FIXED_CREDENTIALS[type];
				if (!fixed) {
					problems.push(
						`${node.name}: credential type ${type} has no fixed id: add it to FIXED_CREDENTIALS (test/helpers/n8n.ts, with test data in prepareInstance) and reference it by that id and name`,
					);
				} else if (reference?.id !== fixed.id || reference?.name !== fixed.name) {
					problems.push(
						`${node.name}: ${type} must be { id: '${fixed.id}', name: '${fixed.name}' }`,
					);
				}
			}
			const operation = node.parameters.operation;
			const shown = (c: {
				operations?: string[];
				when?: Record<string, unknown[]>;
				unless?: Record<string, { values: unknown[]; default: unknown }>;
			}) =>
				(!c.operations || c.operations.includes(String(operation))) &&
				Object.entries(c.when ?? {}).every(([key, values]) =>
					values.includes(node.parameters[key]),
				) &&
				!Object.entries(c.unless ?? {}).some(([key, hide]) =>
					hide.values.includes(node.parameters[key] ?? hide.default),
				);
			for (const required of known
				.get(node.type)
				?.credentials.filter((c) => c.required && shown(c)) ?? []) {
				if (node.type.startsWith('n8n-nodes-receivables.') && !node.credentials?.[required.name]) {
					problems.push(`${node.name}: needs the ${required.name} credential`);
				}
			}
		}
		expect(problems).toEqual([]);
	});
});

test("no workflow names a folder of its own: file paths come from the nodes, in n8n's files folder", () => {
	for (const { file, text } of files) {
		const workflow = parse(text);
		for (const node of workflow.nodes) {
			if (node.type === 'n8n-nodes-base.stickyNote') continue;
			const parameters = JSON.stringify(node.parameters);
			expect({
				file,
				node: node.name,
				hardCoded:
					/\.n8n-files|\/home\/node|"=?\/[a-z]/.test(parameters) &&
					node.type === 'n8n-nodes-base.readWriteFile',
			}).toEqual({ file, node: node.name, hardCoded: false });
			expect({ file, node: node.name, dockerPath: parameters.includes('.n8n-files') }).toEqual({
				file,
				node: node.name,
				dockerPath: false,
			});
		}
		expect({ file, mentionsDockerPath: text.includes('/home/node/.n8n-files') }).toEqual({
			file,
			mentionsDockerPath: false,
		});
	}
});
