import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { revokeSubjectSessions } from './sessions';

/**
 * One signing key per courier phone. A phone signs its delivery events with its own key and names itself in the
 * X-Receivables-Device header; the key is shown once when the phone is enrolled and kept in the ledger. A lost
 * phone is revoked alone: the courier's other phones, the other couriers and the integrations keep working.
 */
export const RECEIVABLES_DEVICE_HEADER = 'x-receivables-device';

export interface CourierDevice {
	deviceId: string;
	courierLogin: string;
	courierCode: string;
	label: string;
	createdAt: string;
	lastUsedAt: string | null;
	revokedAt: string | null;
}

/** Enrols a phone for a courier account; the key is returned once (give it to the phone, do not store it elsewhere). */
export async function enrolCourierDevice(
	ledger: Ledger,
	input: { courierLogin: string; label: string },
): Promise<{ deviceId: string; key: string; courierCode: string }> {
	const label = String(input.label ?? '')
		.trim()
		.slice(0, 100);
	if (!label)
		throw new ReceivablesError(
			'DEVICE_LABEL_MISSING',
			'Name the phone (e.g. "Moussa — Samsung A15") / Nommez le téléphone.',
			{ hint: 'Set a label.' },
		);
	const rows = await ledger.query<{ id: string; staff_code: string }>(
		'SELECT id, staff_code FROM courier_accounts WHERE login = $1 AND active',
		[
			String(input.courierLogin ?? '')
				.trim()
				.toLowerCase(),
		],
	);
	if (!rows[0])
		throw new ReceivablesError(
			'COURIER_ACCOUNT_UNKNOWN',
			`No active courier account "${input.courierLogin}" / Aucun compte coursier actif « ${input.courierLogin} ».`,
			{ hint: 'Create it with Save Courier Account first.' },
		);
	const deviceId = `dev_${randomBytes(9).toString('base64url')}`;
	const key = randomBytes(32).toString('base64url');
	await ledger.query(
		'INSERT INTO courier_devices (id, courier_account_id, label, secret) VALUES ($1, $2, $3, $4)',
		[deviceId, rows[0].id, label, Buffer.from(key, 'utf8')],
	);
	return { deviceId, key, courierCode: rows[0].staff_code };
}

/**
 * Revokes one phone's key (lost, stolen, replaced). With `endSessions` (default) the courier's open courier-page
 * sessions end too, since the lost phone may hold one; the courier signs in again on the new phone.
 */
export async function revokeCourierDevice(
	ledger: Ledger,
	input: { deviceId: string; reason?: string; endSessions?: boolean },
): Promise<{ deviceId: string; revoked: boolean }> {
	return await ledger.transaction(async (client) => {
		const rows = await client.query<{ courier_account_id: string }>(
			'UPDATE courier_devices SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING courier_account_id::text',
			[String(input.deviceId ?? '').trim(), input.reason?.slice(0, 200) || 'lost device'],
		);
		const row = rows.rows[0];
		if (row && input.endSessions !== false)
			await revokeSubjectSessions(client, 'courier', row.courier_account_id, 'lost device');
		return { deviceId: input.deviceId, revoked: !!row };
	});
}

export async function listCourierDevices(
	ledger: Ledger,
	courierLogin?: string,
): Promise<CourierDevice[]> {
	const rows = await ledger.query<{
		id: string;
		login: string;
		staff_code: string;
		label: string;
		created_at: Date;
		last_used_at: Date | null;
		revoked_at: Date | null;
	}>(
		`SELECT d.id, a.login, a.staff_code, d.label, d.created_at, d.last_used_at, d.revoked_at FROM courier_devices d JOIN courier_accounts a ON a.id = d.courier_account_id
		WHERE $1::text IS NULL OR a.login = $1 ORDER BY a.login, d.created_at`,
		[courierLogin ? courierLogin.trim().toLowerCase() : null],
	);
	return rows.map((r) => ({
		deviceId: r.id,
		courierLogin: r.login,
		courierCode: r.staff_code,
		label: r.label,
		createdAt: r.created_at.toISOString(),
		lastUsedAt: r.last_used_at?.toISOString() ?? null,
		revokedAt: r.revoked_at?.toISOString() ?? null,
	}));
}

/** The key and courier of a phone still in service (device not revoked, account active, staff an active courier). */
export async function courierDeviceKey(
	client: PoolClient | Ledger,
	deviceId: string,
): Promise<{ key: string; courierCode: string } | undefined> {
	if (!/^[A-Za-z0-9_-]{8,64}$/.test(deviceId)) return undefined;
	const sql = `SELECT d.secret, a.staff_code FROM courier_devices d JOIN courier_accounts a ON a.id = d.courier_account_id JOIN staff s ON s.code = a.staff_code
		WHERE d.id = $1 AND d.revoked_at IS NULL AND a.active AND s.active AND 'courier' = ANY(s.roles)`;
	const result = await (
		client as { query: (sql: string, values: unknown[]) => Promise<unknown> }
	).query(sql, [deviceId]);
	const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{
		secret: Buffer;
		staff_code: string;
	}>;
	return rows[0]
		? { key: rows[0].secret.toString('utf8'), courierCode: rows[0].staff_code }
		: undefined;
}
