import path from 'node:path';
import type { EventEmitter } from 'node:events';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { PACKAGE_ROOT } from './node-types';

/**
 * n8n 2.x runs the Code node's JavaScript in a task runner process (@n8n/task-runner, started by n8n). The
 * runner is not part of n8n-core, so in-process runs execute the code with the sandbox n8n-nodes-base still
 * ships (JavaScriptSandbox, vm2) on the same workflow data proxy ($input, $json, $('Node')...), following
 * the runner's rules: run once for all items or once per item, continueOnFail turns a failure into
 * `{ error }` items. Python is not available in-process.
 */

interface RunnerSettings {
	code: string;
	nodeMode: 'runOnceForAllItems' | 'runOnceForEachItem';
	continueOnFail: boolean;
	chunk?: { startIndex: number; count: number };
	additionalProperties?: IDataObject;
}

type SandboxContext = IDataObject & {
	$input: { all(): INodeExecutionData[]; item: INodeExecutionData };
};

interface JavaScriptSandboxInstance extends EventEmitter {
	runCodeAllItems(): Promise<INodeExecutionData[]>;
	runCodeEachItem(itemIndex: number): Promise<INodeExecutionData | undefined>;
}

interface SandboxModules {
	JavaScriptSandbox: new (
		context: SandboxContext,
		code: string,
		helpers: IExecuteFunctions['helpers'],
	) => JavaScriptSandboxInstance;
	getSandboxContext: (this: IExecuteFunctions, index: number) => SandboxContext;
}

let modules: SandboxModules | undefined;

function sandboxModules(): SandboxModules {
	if (!modules) {
		const dir = path.join(
			path.dirname(require.resolve('n8n-nodes-base/package.json', { paths: [PACKAGE_ROOT] })),
			'dist',
			'nodes',
			'Code',
		);
		/* eslint-disable @typescript-eslint/no-require-imports */
		const { JavaScriptSandbox } = require(path.join(dir, 'JavaScriptSandbox.js')) as Pick<
			SandboxModules,
			'JavaScriptSandbox'
		>;
		const { getSandboxContext } = require(path.join(dir, 'Sandbox.js')) as Pick<
			SandboxModules,
			'getSandboxContext'
		>;
		/* eslint-enable @typescript-eslint/no-require-imports */
		modules = { JavaScriptSandbox, getSandboxContext };
	}
	return modules;
}

function errorJson(error: unknown): IDataObject {
	return { error: error instanceof Error ? error.message : String(error) };
}

async function runAll(
	functions: IExecuteFunctions,
	settings: RunnerSettings,
): Promise<INodeExecutionData[]> {
	const { JavaScriptSandbox, getSandboxContext } = sandboxModules();
	const context = getSandboxContext.call(functions, 0);
	context.items = context.$input.all();
	Object.assign(context, settings.additionalProperties ?? {});
	const sandbox = new JavaScriptSandbox(context, settings.code, functions.helpers);
	try {
		return await sandbox.runCodeAllItems();
	} catch (error) {
		if (settings.continueOnFail) return [{ json: errorJson(error) }];
		throw error;
	}
}

async function runEach(
	functions: IExecuteFunctions,
	settings: RunnerSettings,
): Promise<INodeExecutionData[]> {
	const { JavaScriptSandbox, getSandboxContext } = sandboxModules();
	const total = functions.getInputData().length;
	const start = settings.chunk?.startIndex ?? 0;
	const end = settings.chunk ? Math.min(total, start + settings.chunk.count) : total;
	const output: INodeExecutionData[] = [];
	for (let index = start; index < end; index++) {
		const context = getSandboxContext.call(functions, index);
		context.item = context.$input.item;
		Object.assign(context, settings.additionalProperties ?? {});
		const sandbox = new JavaScriptSandbox(context, settings.code, functions.helpers);
		try {
			const result = await sandbox.runCodeEachItem(index);
			if (result) output.push({ ...result, pairedItem: { item: index } });
		} catch (error) {
			if (!settings.continueOnFail) throw error;
			output.push({ json: errorJson(error), pairedItem: { item: index } });
		}
	}
	return output;
}

export const startRunnerTask: IWorkflowExecuteAdditionalData['startRunnerTask'] =
	async function startRunnerTask<T, E>(
		_additionalData: IWorkflowExecuteAdditionalData,
		jobType: string,
		rawSettings: unknown,
		functions: IExecuteFunctions,
	) {
		if (jobType !== 'javascript') {
			return {
				ok: false,
				error: new Error(`The ${jobType} task runner is not available in-process`) as E,
			};
		}
		const settings = rawSettings as RunnerSettings;
		try {
			const result =
				settings.nodeMode === 'runOnceForEachItem'
					? await runEach(functions, settings)
					: await runAll(functions, settings);
			return { ok: true, result: result as T };
		} catch (error) {
			return { ok: false, error: error as E };
		}
	};

export function getRunnerStatus(
	taskType: string,
): { available: true } | { available: false; reason?: string } {
	return taskType === 'javascript'
		? { available: true }
		: { available: false, reason: `No ${taskType} task runner in-process` };
}
