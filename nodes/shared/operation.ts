import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';
import type { Ledger } from '../../core';
import {
	bilingual,
	describeError,
	isRejection,
	itemError,
	messageJson,
	toNodeError,
} from './errors';
import { getLedger } from './transport/ledger';

/**
 * The one way through every node of this package. Each operation declares its outputs as data and returns
 * per-item results; `runOperation` turns them into n8n's output arrays and owns everything else:
 * - pairedItem on every item;
 * - rejections: a ReceivablesError about an item (not about the ledger connection, see isRejection) goes to the operation's Rejected output when it has one
 *   (a business verdict: "fix this record"), with the item's input;
 * - failures (ledger unreachable, bad parameter, any other error): without Continue On Fail a NodeOperationError
 *   naming the item (itemIndex) stops the workflow; with Continue On Fail an error item
 *   `{ error, details: { errorFr, code, hint, hintFr, input } }` goes to the item's error route: the only output
 *   of a single-output operation (n8n's convention), the last output "Error" of an operation with several outputs
 *   (never a business output). With "On Error: Continue (using error output)" n8n moves these items to its own
 *   error output.
 */

export interface OutputSpec {
	/** The name shown on the node's output in the editor. */
	name: string;
	/** What an item on this output means (for documentation and tests). */
	meaning: string;
	/** This output receives the items the core refuses (ReceivablesError): at most one per operation. */
	rejects?: boolean;
}

/** One output item: its JSON, its files, the output it goes to (default: the first) and the input item(s) it came from. */
export interface Result {
	json: IDataObject;
	binary?: IBinaryKeyData;
	output?: string;
	/** Input item index (default: the item being processed, or item 0 for a batch operation). */
	item?: number | number[];
}

/** An input item that could not be processed: routed as a rejection or a failure. */
export interface Failure {
	item: number;
	error: unknown;
}

interface Declared {
	outputs: readonly OutputSpec[];
}

/** An operation run once per input item; `setup` (optional) runs once before the items (a ledger, a credential). */
export interface EachItemOperation<S> extends Declared {
	setup?: (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<S>;
	item: (
		this: IExecuteFunctions,
		i: number,
		item: INodeExecutionData,
		state: S,
	) => Promise<Result | Result[]>;
}

/**
 * An operation that takes all input items at once (bulk writes, a plan made once per execution). A throw fails
 * every input item; a per-item problem is returned as a Failure.
 */
export interface BatchOperation extends Declared {
	batch: (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<Array<Result | Failure>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Operation = EachItemOperation<any> | BatchOperation;

export type OperationTable = Record<string, { operation: Operation }>;

/** The usual `setup` of an item operation: the ledger of the node's credential, opened once per run. */
export async function ledgerSetup(this: IExecuteFunctions): Promise<Ledger> {
	return await getLedger(this);
}

export function eachItem<S = undefined>(operation: EachItemOperation<S>): EachItemOperation<S> {
	return operation;
}

export function batch(operation: BatchOperation): BatchOperation {
	return operation;
}

export const ERROR_OUTPUT: OutputSpec = {
	name: 'Error',
	meaning:
		'With Continue On Fail: the items that could not be processed (ledger unreachable, bad parameter), with error/errorFr, code, hint/hintFr and the input',
};

/** The outputs of an operation as the node shows them: its declared outputs, plus Error when there are several. */
export function outputsOf(operation: Operation): OutputSpec[] {
	return operation.outputs.length > 1
		? [...operation.outputs, ERROR_OUTPUT]
		: [...operation.outputs];
}

/**
 * The node's `outputs` expression: n8n evaluates it in the editor and the engine from the Operation parameter
 * (as its Switch node does), so the output names are written once, in each operation.
 */
export function outputsExpression(
	operations: OperationTable,
	parameter = 'operation',
): `={{${string}}}` {
	const names: Record<string, string[]> = {};
	for (const [name, module] of Object.entries(operations))
		names[name] = outputsOf(module.operation).map((o) => o.name);
	const fallback = Object.values(names)[0] ?? ['Done'];
	return `={{ ((names) => (names[$parameter[${JSON.stringify(parameter)}]] ?? ${JSON.stringify(fallback)}).map((displayName) => ({ type: 'main', displayName })))(${JSON.stringify(names)}) }}`;
}

function isFailure(value: Result | Failure): value is Failure {
	return 'error' in value && !('json' in value);
}

/**
 * An error item in n8n's shape, `{ error, details }` (n8n moves such items to its error output when the node's
 * On Error setting says so, and keeps only `error` of items that carry an Error object): the English message in
 * `error`, the French, the code, the hints and the input item in `details`.
 */
export function errorItem(error: unknown, item: number, input: IDataObject): INodeExecutionData {
	const { error: message, ...rest } = messageJson(describeError(error));
	return { json: { error: message, details: { ...rest, input } }, pairedItem: { item } };
}

/** Collects the items of each output and routes failures. */
class Routes {
	readonly data: INodeExecutionData[][];
	private readonly index = new Map<string, number>();
	private readonly rejects: number | undefined;
	private readonly errors: number;
	private readonly continueOnFail: boolean;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly operationName: string,
		outputs: OutputSpec[],
		private readonly items: INodeExecutionData[],
	) {
		this.data = outputs.map(() => []);
		outputs.forEach((o, k) => this.index.set(o.name, k));
		const rejects = outputs.findIndex((o) => o.rejects);
		this.rejects = rejects >= 0 ? rejects : undefined;
		this.errors = outputs.length - 1;
		this.continueOnFail = ctx.continueOnFail();
	}

	emit(result: Result, defaultItem: number): void {
		const output = result.output === undefined ? 0 : this.index.get(result.output);
		if (output === undefined)
			throw new Error(`The operation ${this.operationName} has no output "${result.output}"`);
		const item = result.item ?? defaultItem;
		const entry: INodeExecutionData = { json: result.json };
		if (result.binary) entry.binary = result.binary;
		if (this.items.length)
			entry.pairedItem = Array.isArray(item)
				? item.map((k): IPairedItemData => ({ item: k }))
				: { item };
		this.data[output].push(entry);
	}

	fail(item: number, error: unknown): void {
		const input = this.items[item]?.json ?? {};
		if (this.rejects !== undefined && isRejection(error)) {
			this.data[this.rejects].push({
				json: { ...messageJson(describeError(error)), input },
				pairedItem: { item },
			});
			return;
		}
		if (!this.continueOnFail) throw toNodeError(this.ctx.getNode(), error, item);
		this.data[this.errors].push(errorItem(error, item, input));
	}

	/** The whole run failed (before or while the operation ran): every input item failed. */
	failAll(error: unknown): void {
		if (!this.continueOnFail || !this.items.length) throw toNodeError(this.ctx.getNode(), error, 0);
		for (let i = 0; i < this.items.length; i++) {
			this.data[this.errors].push(errorItem(error, i, this.items[i].json));
		}
	}
}

/** Runs the operation chosen in the node's parameters over the input items (the execute() of every node). */
export async function runOperation(
	this: IExecuteFunctions,
	operations: OperationTable,
	parameter = 'operation',
): Promise<INodeExecutionData[][]> {
	const name = this.getNodeParameter(parameter, 0) as string;
	const operation = operations[name]?.operation;
	if (!operation) {
		throw itemError(
			this.getNode(),
			bilingual(`The operation "${name}" is not supported`, `L'opération « ${name} » n'existe pas`),
			bilingual('Choose an operation in the list.', 'Choisissez une opération dans la liste.'),
		);
	}
	const items = this.getInputData();
	const routes = new Routes(this, name, outputsOf(operation), items);
	if ('batch' in operation) {
		let produced: Array<Result | Failure>;
		try {
			produced = await operation.batch.call(this, items);
		} catch (error) {
			routes.failAll(error);
			return routes.data;
		}
		for (const p of produced) {
			if (isFailure(p)) routes.fail(p.item, p.error);
			else routes.emit(p, 0);
		}
		return routes.data;
	}
	let state: unknown;
	try {
		state = operation.setup ? await operation.setup.call(this, items) : undefined;
	} catch (error) {
		routes.failAll(error);
		return routes.data;
	}
	for (let i = 0; i < items.length; i++) {
		let results: Result | Result[];
		try {
			results = await operation.item.call(this, i, items[i], state);
		} catch (error) {
			routes.fail(i, error);
			continue;
		}
		for (const result of Array.isArray(results) ? results : [results]) routes.emit(result, i);
	}
	return routes.data;
}

/** The node's router: its operations, its outputs expression and its execute(). */
export function nodeRouter(operations: OperationTable): {
	operations: OperationTable;
	outputs: `={{${string}}}`;
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;
} {
	return {
		operations,
		outputs: outputsExpression(operations),
		async execute(this: IExecuteFunctions) {
			return await runOperation.call(this, operations);
		},
	};
}
