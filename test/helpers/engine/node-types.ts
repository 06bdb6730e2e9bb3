import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { LoggerProxy, NodeHelpers } from 'n8n-workflow';
import type {
	ICredentialType,
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-receivables';

function findPackageRoot(): string {
	for (const start of [__dirname, process.cwd()]) {
		for (let dir = start; ; dir = path.dirname(dir)) {
			const file = path.join(dir, 'package.json');
			if (
				existsSync(file) &&
				(JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === PACKAGE_NAME
			)
				return dir;
			if (path.dirname(dir) === dir) break;
		}
	}
	throw new Error(
		`Cannot find the ${PACKAGE_NAME} package folder from ${__dirname} or ${process.cwd()}`,
	);
}

/** The package root (where package.json with the `n8n` section lives), also when this file is bundled elsewhere. */
export const PACKAGE_ROOT = findPackageRoot();

type ModuleLoader = (
	module: { _compile(code: string, filename: string): void },
	filename: string,
) => void;

/**
 * Outside jest (benches run by plain Node), our TypeScript sources are compiled on require with esbuild,
 * unless a TypeScript loader is already registered. Under jest, ts-jest does this and the hook is not used.
 */
function ensureTypeScriptLoader(): void {
	const extensions = (Module as unknown as { _extensions: Record<string, ModuleLoader> })
		._extensions;
	if (process.env.JEST_WORKER_ID !== undefined || extensions['.ts']) return;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { transformSync } = require('esbuild') as typeof import('esbuild');
	extensions['.ts'] = (module, filename) => {
		const { code } = transformSync(readFileSync(filename, 'utf8'), {
			loader: 'ts',
			format: 'cjs',
			target: 'node20',
			sourcemap: 'inline',
			sourcefile: filename,
		});
		module._compile(code, filename);
	};
}
export const BASE_PACKAGE = 'n8n-nodes-base';

type AnyNodeType = INodeType | IVersionedNodeType;
type Constructor<T> = new () => T;
interface KnownEntry {
	className: string;
	sourcePath: string;
}

function readJson<T>(file: string): T {
	return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function instantiate<T>(file: string, className: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(file) as Record<string, Constructor<T> | undefined>;
	const Class = mod[className];
	if (typeof Class !== 'function')
		throw new Error(`${file} does not export the class ${className}`);
	return new Class();
}

/**
 * Our own files: `dist/nodes/X/X.node.js` in package.json maps to the TypeScript source `nodes/X/X.node.ts`
 * (loaded through ts-jest or any TypeScript loader); when the source cannot be loaded (plain Node running a
 * compiled bench) the built file in dist/ is used instead.
 */
let ownVariant: 'source' | 'dist' | undefined;

/** A module of this package as the loaded nodes see it (source or dist/); undefined before any node loaded. */
export function ownModulePath(relativeSource: string): string | undefined {
	if (!ownVariant) return undefined;
	return ownVariant === 'dist'
		? path.join(PACKAGE_ROOT, 'dist', relativeSource.replace(/\.ts$/, '.js'))
		: path.join(PACKAGE_ROOT, relativeSource);
}

function loadOwn<T>(distPath: string): T {
	const className = path.basename(distPath).replace(/\.(node|credentials)\.js$/, '');
	const source = path.join(PACKAGE_ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const built = path.join(PACKAGE_ROOT, distPath);
	ensureTypeScriptLoader();
	const candidates = [source, built].filter((file) => existsSync(file));
	let lastError: unknown = new Error(`Neither ${source} nor ${built} exists`);
	for (const file of candidates) {
		try {
			const instance = instantiate<T>(file, className);
			ownVariant ??= file === source ? 'source' : 'dist';
			return instance;
		} catch (error) {
			lastError = error;
		}
	}
	throw lastError;
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

function descriptionName(type: AnyNodeType): string {
	return type.description.name;
}

/**
 * Node and credential types of this package (from source) and of n8n-nodes-base (from its dist, through its
 * `known/*.json` index), loaded lazily and cached for the process.
 */
export class PackageTypes implements INodeTypes {
	private readonly nodes = new Map<string, AnyNodeType>();

	private readonly credentials = new Map<string, ICredentialType>();

	private ownNodeFiles?: string[];

	private ownCredentialFiles?: string[];

	private baseDir?: string;

	private baseKnown?: {
		nodes: Record<string, KnownEntry>;
		credentials: Record<string, KnownEntry>;
	};

	getByName(fullType: string): AnyNodeType {
		let type = this.nodes.get(fullType);
		if (!type) {
			type = this.loadNode(fullType);
			this.nodes.set(fullType, type);
		}
		return type;
	}

	getByNameAndVersion(fullType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(fullType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}

	getCredentialType(name: string): ICredentialType {
		let type = this.credentials.get(name);
		if (!type) {
			type = this.loadCredential(name);
			this.credentials.set(name, type);
		}
		return type;
	}

	/** The node types this package declares (package.json n8n.nodes), skipping files that do not load. */
	*ownNodeTypes(): Generator<AnyNodeType> {
		for (const file of this.ownFiles().nodes) {
			const known = [...this.nodes.values()].find((type) => this.ownFileOf.get(type) === file);
			if (known) {
				yield known;
				continue;
			}
			let type: AnyNodeType;
			try {
				type = loadOwn<AnyNodeType>(file);
			} catch {
				continue;
			}
			this.remember(file, type);
			yield type;
		}
	}

	private readonly ownFileOf = new Map<AnyNodeType, string>();

	private remember(file: string, type: AnyNodeType): void {
		this.ownFileOf.set(type, file);
		this.nodes.set(`${PACKAGE_NAME}.${descriptionName(type)}`, type);
	}

	private ownFiles(): { nodes: string[]; credentials: string[] } {
		if (!this.ownNodeFiles || !this.ownCredentialFiles) {
			const pkg = readJson<{ n8n?: { nodes?: string[]; credentials?: string[] } }>(
				path.join(PACKAGE_ROOT, 'package.json'),
			);
			this.ownNodeFiles = pkg.n8n?.nodes ?? [];
			this.ownCredentialFiles = pkg.n8n?.credentials ?? [];
		}
		return { nodes: this.ownNodeFiles, credentials: this.ownCredentialFiles };
	}

	private base(): {
		dir: string;
		nodes: Record<string, KnownEntry>;
		credentials: Record<string, KnownEntry>;
	} {
		if (!this.baseDir || !this.baseKnown) {
			this.baseDir = path.dirname(
				require.resolve(`${BASE_PACKAGE}/package.json`, { paths: [PACKAGE_ROOT] }),
			);
			this.baseKnown = {
				nodes: readJson(path.join(this.baseDir, 'dist', 'known', 'nodes.json')),
				credentials: readJson(path.join(this.baseDir, 'dist', 'known', 'credentials.json')),
			};
			createPoolManager(this.baseDir);
		}
		return { dir: this.baseDir, ...this.baseKnown };
	}

	private loadNode(fullType: string): AnyNodeType {
		const dot = fullType.lastIndexOf('.');
		const packageName = fullType.slice(0, dot);
		const name = fullType.slice(dot + 1);
		if (packageName === PACKAGE_NAME) {
			const files = this.ownFiles().nodes;
			// Convention: the class InvoiceIntake has the type name invoiceIntake. Try that file first.
			const guess = files.find(
				(file) => lowerFirst(path.basename(file).replace(/\.node\.js$/, '')) === name,
			);
			if (guess) {
				const type = loadOwn<AnyNodeType>(guess);
				this.remember(guess, type);
				if (descriptionName(type) === name) return type;
			}
			for (const type of this.ownNodeTypes()) {
				if (descriptionName(type) === name) return type;
			}
			throw new Error(
				`Unknown node type ${fullType}: package.json n8n.nodes declares no node named "${name}"`,
			);
		}
		if (packageName === BASE_PACKAGE) {
			const { dir, nodes } = this.base();
			const entry = nodes[name];
			if (!entry)
				throw new Error(
					`Unknown node type ${fullType}: n8n-nodes-base has no node named "${name}"`,
				);
			return instantiate<AnyNodeType>(path.join(dir, entry.sourcePath), entry.className);
		}
		throw new Error(
			`Unknown node type ${fullType}: only ${PACKAGE_NAME}.* and ${BASE_PACKAGE}.* nodes can run in-process`,
		);
	}

	private loadCredential(name: string): ICredentialType {
		for (const file of this.ownFiles().credentials) {
			const className = path.basename(file).replace(/\.credentials\.js$/, '');
			if (lowerFirst(className) === name) return loadOwn<ICredentialType>(file);
		}
		const { dir, credentials } = this.base();
		const entry = credentials[name];
		if (entry)
			return instantiate<ICredentialType>(path.join(dir, entry.sourcePath), entry.className);
		throw new Error(`Unknown credential type ${name}`);
	}
}

interface PoolManager {
	purgeConnections(): void;
}
interface PoolManagerModule {
	ConnectionPoolManager: { getInstance(logger: typeof LoggerProxy): PoolManager };
}

let poolManager: PoolManager | undefined;

/**
 * n8n-nodes-base's database nodes (Postgres...) share a process-wide pool manager whose cleanup timer would
 * keep a test or bench process alive: it is created here first, with its timer unref'd.
 */
function createPoolManager(baseDir: string): void {
	if (poolManager) return;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { ConnectionPoolManager } = require(
		path.join(baseDir, 'dist', 'utils', 'connection-pool-manager.js'),
	) as PoolManagerModule;
	const original = globalThis.setInterval;
	globalThis.setInterval = ((...args: Parameters<typeof setInterval>) =>
		original(...args).unref()) as typeof setInterval;
	try {
		poolManager = ConnectionPoolManager.getInstance(LoggerProxy);
	} finally {
		globalThis.setInterval = original;
	}
}

/** Closes the pools n8n-nodes-base's database nodes opened in this process. */
export function purgeBasePools(): void {
	poolManager?.purgeConnections();
}

let shared: PackageTypes | undefined;

/** One cache of loaded types per process (loading n8n-nodes-base classes is the slow part). */
export function packageTypes(): PackageTypes {
	shared ??= new PackageTypes();
	return shared;
}
