// The real-n8n runtime for scripts (ESM). The code lives in n8n-runtime.cjs so the jest tests load the same
// implementation; see the comments there for each function.
//
// N8N_VERSION, NODE_VERSION          the pinned n8n and Node releases ('2.40.7', '24.21.0')
// repoRoot, runtimeDir()             the repository root; the runtime folder (RECEIVABLES_RUNTIME_DIR or .runtime/n8n)
// ensureN8nRuntime({ log })          -> { dir, nodeBin, n8nBin }: installs n8n + Node 24 once, then reuses them
// packPackage({ log, destination })  -> absolute path of the `npm pack` tarball of the built repository
// installPackageInto(userFolder, tarball, { log })  installs it into <userFolder>/.n8n/nodes as n8n does
// n8nEnv({ userFolder, db, port, runnerPort, encryptionKey, extra })  -> the env object of an n8n process
// n8nCli(runtime, env, args, { log, timeoutMs })    -> { code, stdout, stderr } of `n8n ...args`
// importCredentials(runtime, env, credentials)      import:credentials of [{ id, name, type, data }]
// importWorkflows(runtime, env, dir)                import:workflow --separate --input=dir
// publishWorkflows(runtime, env, ids)               publish:workflow --id=... (effective at the next start)
// startN8n(runtime, env, { log, timeoutMs, command, graceMs })  -> { url, process, stop(), output(), exited }
// waitForWebhook(url, path, { method, timeoutMs })  waits until a published webhook is registered
// freePort(), newEncryptionKey()
import runtime from './n8n-runtime.cjs';

export const {
	repoRoot,
	N8N_VERSION,
	NODE_VERSION,
	runtimeDir,
	ensureN8nRuntime,
	packPackage,
	installPackageInto,
	n8nEnv,
	n8nCli,
	importCredentials,
	importWorkflows,
	publishWorkflows,
	startN8n,
	waitForWebhook,
	freePort,
	newEncryptionKey,
} = runtime;
