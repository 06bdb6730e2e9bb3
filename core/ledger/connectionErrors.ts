import { ReceivablesError } from '../errors';
import type { LedgerConfig } from './config';

interface PgLikeError {
	code?: string;
	message?: string;
}

function where(config: LedgerConfig): string {
	if (config.connectionString) {
		try {
			const url = new URL(config.connectionString);
			return `${url.hostname}:${url.port || 5432}/${url.pathname.replace(/^\//, '')}`;
		} catch {
			return 'the configured connection string';
		}
	}
	return `${config.host ?? '127.0.0.1'}:${config.port ?? 5432}/${config.database ?? 'postgres'}`;
}

/** Turns a driver error met while connecting into a message a finance user or an admin can act on. */
export function describeConnectionError(error: unknown, config: LedgerConfig): ReceivablesError {
	const e = (error ?? {}) as PgLikeError;
	const target = where(config);
	const user = config.user ?? 'postgres';
	switch (e.code) {
		case 'ECONNREFUSED':
			return new ReceivablesError('LEDGER_UNREACHABLE', `No Postgres server answers at ${target}.`, {
				hint: 'Check the host and port of the ledger credential, and that the database server is running.',
				cause: error,
			});
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return new ReceivablesError('LEDGER_UNREACHABLE', `The ledger host of ${target} cannot be resolved.`, {
				hint: 'Check the host name of the ledger credential.',
				cause: error,
			});
		case 'ETIMEDOUT':
			return new ReceivablesError('LEDGER_UNREACHABLE', `Connecting to ${target} timed out.`, {
				hint: 'Check the host, the port and any firewall between n8n and the database.',
				cause: error,
			});
		case '28P01':
		case '28000':
			return new ReceivablesError('LEDGER_AUTH_FAILED', `Postgres refused the user "${user}" on ${target}: ${e.message}.`, {
				hint: 'Check the user and password of the ledger credential.',
				cause: error,
			});
		case '3D000':
			return new ReceivablesError('LEDGER_NO_DATABASE', `The database of ${target} does not exist.`, {
				hint: 'Create the database (CREATE DATABASE ...) or fix the database name of the ledger credential.',
				cause: error,
			});
		case '42501':
			return new ReceivablesError('LEDGER_NO_PRIVILEGE', `The user "${user}" lacks a privilege on ${target}: ${e.message}.`, {
				hint: 'Grant the user CREATE on the database (to create the ledger schema) or create the schema for it.',
				cause: error,
			});
		default:
			if (/ssl|certificate/i.test(e.message ?? '')) {
				return new ReceivablesError('LEDGER_SSL', `The SSL connection to ${target} failed: ${e.message}.`, {
					hint: 'Set the SSL option of the ledger credential to what the server expects.',
					cause: error,
				});
			}
			return new ReceivablesError('LEDGER_CONNECTION_FAILED', `Cannot use the ledger at ${target}: ${e.message ?? String(error)}.`, {
				cause: error,
			});
	}
}
