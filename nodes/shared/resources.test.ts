/**
 * Resources (nodes/shared/resources.ts), read through n8n's own parameter resolution (NodeHelpers.getNodeParameters,
 * what the editor and the engine do when they load a node): a node saved before resources keeps its operation, a
 * node of the version with resources finds the same operation under its resource.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
	NodeHelpers,
	type INode,
	type INodeParameters,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { CourierTracking } from '../CourierTracking/CourierTracking.node';
import { DisputeClassifier } from '../DisputeClassifier/DisputeClassifier.node';
import { InvoiceIntake } from '../InvoiceIntake/InvoiceIntake.node';
import { ReceivablesReport } from '../ReceivablesReport/ReceivablesReport.node';
import { ReminderStep } from '../ReminderStep/ReminderStep.node';
import { WavePlanner } from '../WavePlanner/WavePlanner.node';
import { operationParameters, type OperationChoice, type ResourceChoice } from './resources';

const nodes: Array<{ description: INodeTypeDescription; since: number }> = [
	{ description: new CourierTracking().description, since: 2 },
	{ description: new DisputeClassifier().description, since: 2 },
	{ description: new InvoiceIntake().description, since: 3 },
	{ description: new ReceivablesReport().description, since: 2 },
	{ description: new ReminderStep().description, since: 3 },
	{ description: new WavePlanner().description, since: 2 },
];

function resolve(
	description: INodeTypeDescription,
	typeVersion: number,
	parameters: INodeParameters,
): INodeParameters {
	const node: INode = {
		id: '1',
		name: 'Node',
		type: `n8n-nodes-receivables.${description.name}`,
		typeVersion,
		position: [0, 0],
		parameters,
	};
	return (
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			node,
			description,
		) ?? {}
	);
}

function optionValues(
	description: INodeTypeDescription,
	name: string,
	where: (p: { displayOptions?: unknown }) => boolean,
): string[] {
	return description.properties
		.filter((p) => p.name === name && where(p))
		.flatMap((p) => (p.options ?? []).map((o) => String((o as { value: unknown }).value)));
}

describe.each(nodes)('$description.displayName', ({ description, since }) => {
	const versions = description.version as number[];
	const flat = optionValues(
		description,
		'operation',
		(p) => !JSON.stringify(p.displayOptions).includes('"resource"'),
	);
	const grouped = optionValues(description, 'operation', (p) =>
		JSON.stringify(p.displayOptions).includes('"resource"'),
	);
	const resources = optionValues(description, 'resource', () => true);

	test('new nodes get the version with resources; the older versions stay loadable', () => {
		expect(Math.max(...versions)).toBe(since);
		expect(description.defaultVersion).toBe(since);
		expect(versions).toContain(1);
	});

	test('every operation is in the single list and in exactly one resource', () => {
		expect(flat.length).toBeGreaterThan(5);
		expect([...grouped].sort()).toEqual([...flat].sort());
		expect(new Set(grouped).size).toBe(grouped.length);
		expect(resources.length).toBeGreaterThan(1);
	});

	test.each(versions.filter((v) => v < since))(
		'a version %i node keeps its operation and shows no resource',
		(version) => {
			for (const operation of flat) {
				const parameters = resolve(description, version, { operation });
				expect(parameters.operation).toBe(operation);
				expect(parameters.resource).toBeUndefined();
			}
			const flatDefault = description.properties.find((p) => p.name === 'operation')?.default;
			expect(flat).toContain(flatDefault);
			expect(resolve(description, version, {}).operation).toBe(flatDefault);
		},
	);

	test('a node of the version with resources finds each operation under its resource, and a resource alone its default operation', () => {
		for (const resource of resources) {
			const own = optionValues(description, 'operation', (p) =>
				JSON.stringify(p.displayOptions).includes(`"resource":["${resource}"]`),
			);
			expect(own.length).toBeGreaterThan(0);
			for (const operation of own) {
				const parameters = resolve(description, since, { resource, operation });
				expect({ resource: parameters.resource, operation: parameters.operation }).toEqual({
					resource,
					operation,
				});
			}
			expect(own).toContain(resolve(description, since, { resource }).operation);
		}
	});
});

test('the shipped workflows use the version with resources of these nodes, with the resource of each operation', () => {
	const folder = path.join(__dirname, '..', '..', 'workflows');
	const problems: string[] = [];
	for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
		const workflow = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as {
			nodes: INode[];
		};
		for (const node of workflow.nodes) {
			const found = nodes.find((n) => node.type === `n8n-nodes-receivables.${n.description.name}`);
			if (!found) continue;
			const { resource, operation } = resolve(found.description, node.typeVersion, node.parameters);
			const own = optionValues(found.description, 'operation', (p) =>
				JSON.stringify(p.displayOptions).includes(`"resource":["${String(resource)}"]`),
			);
			if (node.typeVersion !== found.since)
				problems.push(`${file} / ${node.name}: version ${node.typeVersion}, not ${found.since}`);
			else if (!own.includes(String(operation)))
				problems.push(
					`${file} / ${node.name}: operation ${String(operation)} is not under resource ${String(resource)}`,
				);
		}
	}
	expect(problems).toEqual([]);
});

describe('operationParameters', () => {
	const choices: OperationChoice[] = [
		{ name: 'B Op', value: 'b', description: 'b', action: 'Do b', resource: 'x' },
		{ name: 'A Op', value: 'a', description: 'a', action: 'Do a', resource: 'y' },
	];
	const resources: ResourceChoice[] = [
		{ name: 'X', value: 'x', description: 'x', defaultOperation: 'b' },
		{ name: 'Y', value: 'y', description: 'y', defaultOperation: 'a' },
	];

	test('one list before the version, one per resource from it, sorted by name', () => {
		const [flat, x, y] = operationParameters(choices, resources, 2, 'b');
		expect(flat.options?.map((o) => (o as { value: string }).value)).toEqual(['a', 'b']);
		expect(flat.default).toBe('b');
		expect(x.displayOptions?.show?.resource).toEqual(['x']);
		expect(y.default).toBe('a');
	});

	test('refuses an unknown resource, an empty resource or a default of another resource', () => {
		expect(() =>
			operationParameters([{ ...choices[0], resource: 'z' }], resources, 2, 'b'),
		).toThrow('unknown resource "z"');
		expect(() => operationParameters([choices[0]], resources, 2, 'b')).toThrow(
			'Resource y has no operation',
		);
		expect(() =>
			operationParameters(
				choices,
				[{ ...resources[0], defaultOperation: 'a' }, resources[1]],
				2,
				'b',
			),
		).toThrow('a is not an operation of the resource x');
		expect(() => operationParameters(choices, resources, 2, 'c')).toThrow('default operation c');
	});
});
