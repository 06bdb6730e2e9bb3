/**
 * Errors of the receivables core carry a stable `code` so that callers (nodes, workflows, scripts) can branch
 * on them, a message that says what went wrong, and a hint that says how to fix it.
 */
export class ReceivablesError extends Error {
	readonly code: string;
	readonly hint?: string;
	readonly details?: Record<string, unknown>;

	constructor(
		code: string,
		message: string,
		options: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {},
	) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'ReceivablesError';
		this.code = code;
		this.hint = options.hint;
		this.details = options.details;
	}
}

export function isReceivablesError(error: unknown): error is ReceivablesError {
	return error instanceof ReceivablesError;
}
