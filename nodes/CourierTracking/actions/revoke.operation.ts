import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	ReceivablesError,
	revokeCourierDevice,
	revokeSubjectSessions,
	type Ledger,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { eachItem } from '../../shared/operation';

const properties: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: ['revokeCourierDevice'] } }, [
		{
			displayName: 'Device ID',
			name: 'deviceId',
			type: 'string',
			default: '',
			required: true,
			description: "The phone's ID (dev_…), as given when it was enrolled",
		},
		{ displayName: 'Reason', name: 'reason', type: 'string', default: 'lost device' },
		{
			displayName: "End the Courier's Page Sessions",
			name: 'endSessions',
			type: 'boolean',
			default: true,
			description:
				'Whether the courier page sessions of this courier end too (the lost phone may hold one)',
		},
	]),
	...updateDisplayOptions({ show: { operation: ['revokeSessions'] } }, [
		{
			displayName: 'Account Kind',
			name: 'accountKind',
			type: 'options',
			options: [
				{ name: 'Portal User', value: 'portal' },
				{ name: 'Courier Account', value: 'courier' },
			],
			default: 'portal',
		},
		{ displayName: 'Login', name: 'accountLogin', type: 'string', default: '', required: true },
	]),
];

export const description = properties;

export const operation = eachItem({
	outputs: [{ name: 'Done', meaning: 'The phone or the sessions revoked' }],
	setup: async function () {
		return {
			ledger: await getLedger(this),
			operation: this.getNodeParameter('operation', 0) as string,
		};
	},
	async item(i, _item, { ledger, operation }: { ledger: Ledger; operation: string }) {
		if (operation === 'revokeCourierDevice') {
			const deviceId = String(this.getNodeParameter('deviceId', i)).trim();
			const r = await revokeCourierDevice(ledger, {
				deviceId,
				reason: String(this.getNodeParameter('reason', i, '') || ''),
				endSessions: this.getNodeParameter('endSessions', i, true) as boolean,
			});
			if (!r.revoked)
				throw new ReceivablesError(
					'DEVICE_UNKNOWN',
					`No phone ${deviceId} in service / Aucun téléphone ${deviceId} en service.`,
					{ hint: 'Check the device id; a phone already revoked stays revoked.' },
				);
			return { json: { deviceId, revoked: true } };
		}
		const kind = this.getNodeParameter('accountKind', i) === 'courier' ? 'courier' : 'portal';
		const login = String(this.getNodeParameter('accountLogin', i)).trim().toLowerCase();
		const table = kind === 'courier' ? 'courier_accounts' : 'portal_users';
		const rows = await ledger.query<{ id: string }>(
			`SELECT id::text FROM ${table} WHERE login = $1`,
			[login],
		);
		if (!rows[0])
			throw new ReceivablesError(
				'ACCOUNT_UNKNOWN',
				`No ${kind === 'courier' ? 'courier account' : 'portal user'} "${login}" / Aucun compte « ${login} ».`,
				{ hint: 'Check the login.' },
			);
		await revokeSubjectSessions(ledger, kind, rows[0].id, 'revoked by an operator');
		return { json: { kind, login, sessionsRevoked: true } };
	},
});
