import type { INodeProperties } from 'n8n-workflow';

/**
 * Resources group the operations of a node that has more than five (n8n's convention: pick a resource, then an
 * operation of it). They came with a new node version, so that workflows saved before keep loading unchanged:
 * - before `since`, the node shows one Operation list with every operation (as it always did);
 * - from `since` on, it shows Resource, then the Operation list of that resource.
 * The operation values are the same in every version: the operations, their parameters and outputs do not change,
 * only how the editor groups them. Each operation is written once, with its resource, in the node's list.
 */
export interface OperationChoice {
	name: string;
	value: string;
	description: string;
	action: string;
	/** The value of the resource it belongs to from the version with resources on. */
	resource: string;
}

export interface ResourceChoice {
	name: string;
	value: string;
	description: string;
	/** The operation chosen when a person picks this resource. */
	defaultOperation: string;
}

/** displayOptions.show entry for a parameter shown from node version `since` on. */
export function fromVersion(since: number): { '@version': Array<{ _cnd: { gte: number } }> } {
	return { '@version': [{ _cnd: { gte: since } }] };
}

function byName(a: { name: string }, b: { name: string }): number {
	return a.name.localeCompare(b.name, 'en');
}

function option(choice: OperationChoice) {
	return {
		name: choice.name,
		value: choice.value,
		description: choice.description,
		action: choice.action,
	};
}

/**
 * The Operation parameters of a node with resources: the single list of the versions before `since` (default
 * `flatDefault`, shown only there), then one list per resource (shown from `since` on, for that resource).
 * Throws (when n8n loads the node, and in every test that loads it) if an operation names an unknown resource, a
 * resource has no operation or a default operation is not one of its own.
 */
export function operationParameters(
	choices: readonly OperationChoice[],
	resources: readonly ResourceChoice[],
	since: number,
	flatDefault: string,
): INodeProperties[] {
	const known = new Set(resources.map((r) => r.value));
	for (const choice of choices) {
		if (!known.has(choice.resource))
			throw new Error(`Operation ${choice.value} names the unknown resource "${choice.resource}"`);
	}
	if (!choices.some((c) => c.value === flatDefault))
		throw new Error(`The default operation ${flatDefault} is not in the list`);
	const flat: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { '@version': [{ _cnd: { lt: since } }] } },
		options: [...choices].sort(byName).map(option),
		default: flatDefault,
	};
	const grouped = resources.map((resource): INodeProperties => {
		const own = choices.filter((c) => c.resource === resource.value).sort(byName);
		if (!own.length) throw new Error(`Resource ${resource.value} has no operation`);
		const { defaultOperation } = resource;
		if (!own.some((c) => c.value === defaultOperation))
			throw new Error(`${defaultOperation} is not an operation of the resource ${resource.value}`);
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: {
				show: { resource: [resource.value], '@version': [{ _cnd: { gte: since } }] },
			},
			options: own.map(option),
			default: defaultOperation,
		};
	});
	return [flat, ...grouped];
}

/** The Resource options as n8n shows them (sorted by name). */
export function resourceOptions(
	resources: readonly ResourceChoice[],
): Array<{ name: string; value: string; description: string }> {
	return [...resources]
		.sort(byName)
		.map(({ name, value, description }) => ({ name, value, description }));
}

/** The resource an operation belongs to (to move a saved workflow's node to the version with resources). */
export function resourceOf(
	choices: readonly OperationChoice[],
	operation: string,
): string | undefined {
	return choices.find((c) => c.value === operation)?.resource;
}
