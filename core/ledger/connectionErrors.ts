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

/** The French message and hint, carried in the details as every bilingual error of the core does. */
function fr(messageFr: string, hintFr: string): Record<string, unknown> {
	return { messageFr, hintFr };
}

/** Turns a driver error met while connecting into a message a finance user or an admin can act on. */
export function describeConnectionError(error: unknown, config: LedgerConfig): ReceivablesError {
	const e = (error ?? {}) as PgLikeError;
	const target = where(config);
	const user = config.user ?? 'postgres';
	switch (e.code) {
		case 'ECONNREFUSED':
			return new ReceivablesError(
				'LEDGER_UNREACHABLE',
				`No Postgres server answers at ${target}.`,
				{
					hint: 'Check the host and port of the ledger credential, and that the database server is running.',
					details: fr(
						`Aucun serveur Postgres ne répond à ${target}.`,
						"Vérifiez l'hôte et le port de l'identifiant du grand livre, et que le serveur de base de données tourne.",
					),
					cause: error,
				},
			);
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return new ReceivablesError(
				'LEDGER_UNREACHABLE',
				`The ledger host of ${target} cannot be resolved.`,
				{
					hint: 'Check the host name of the ledger credential.',
					details: fr(
						`L'hôte du grand livre ${target} est introuvable.`,
						"Vérifiez le nom d'hôte de l'identifiant du grand livre.",
					),
					cause: error,
				},
			);
		case 'ETIMEDOUT':
			return new ReceivablesError('LEDGER_UNREACHABLE', `Connecting to ${target} timed out.`, {
				hint: 'Check the host, the port and any firewall between n8n and the database.',
				details: fr(
					`La connexion à ${target} a expiré.`,
					"Vérifiez l'hôte, le port et tout pare-feu entre n8n et la base de données.",
				),
				cause: error,
			});
		case '28P01':
		case '28000':
			return new ReceivablesError(
				'LEDGER_AUTH_FAILED',
				`Postgres refused the user "${user}" on ${target}: ${e.message}.`,
				{
					hint: 'Check the user and password of the ledger credential.',
					details: fr(
						`Postgres a refusé l'utilisateur « ${user} » sur ${target} : ${e.message}.`,
						"Vérifiez l'utilisateur et le mot de passe de l'identifiant du grand livre.",
					),
					cause: error,
				},
			);
		case '3D000':
			return new ReceivablesError(
				'LEDGER_NO_DATABASE',
				`The database of ${target} does not exist.`,
				{
					hint: 'Create the database (CREATE DATABASE ...) or fix the database name of the ledger credential.',
					details: fr(
						`La base de données de ${target} n'existe pas.`,
						"Créez la base (CREATE DATABASE ...) ou corrigez le nom de base de l'identifiant du grand livre.",
					),
					cause: error,
				},
			);
		case '42501':
			return new ReceivablesError(
				'LEDGER_NO_PRIVILEGE',
				`The user "${user}" lacks a privilege on ${target}: ${e.message}.`,
				{
					hint: 'Grant the user CREATE on the database (to create the ledger schema) or create the schema for it.',
					details: fr(
						`L'utilisateur « ${user} » n'a pas un droit nécessaire sur ${target} : ${e.message}.`,
						"Donnez à l'utilisateur le droit CREATE sur la base (pour créer le schéma du grand livre) ou créez le schéma pour lui.",
					),
					cause: error,
				},
			);
		default:
			if (/ssl|certificate/i.test(e.message ?? '')) {
				return new ReceivablesError(
					'LEDGER_SSL',
					`The SSL connection to ${target} failed: ${e.message}.`,
					{
						hint: 'Set the SSL option of the ledger credential to what the server expects.',
						details: fr(
							`La connexion SSL à ${target} a échoué : ${e.message}.`,
							"Réglez l'option SSL de l'identifiant du grand livre comme le serveur l'attend.",
						),
						cause: error,
					},
				);
			}
			return new ReceivablesError(
				'LEDGER_CONNECTION_FAILED',
				`Cannot use the ledger at ${target}: ${e.message ?? String(error)}.`,
				{
					hint: 'Check the ledger credential and that the database server is running.',
					details: fr(
						`Le grand livre à ${target} est inutilisable : ${e.message ?? String(error)}.`,
						"Vérifiez l'identifiant du grand livre et que le serveur de base de données tourne.",
					),
					cause: error,
				},
			);
	}
}
