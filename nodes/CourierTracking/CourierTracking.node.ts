import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { credentialTest } from '../shared/methods/credentialTest';
import * as pages from './actions/pages.operation';
import * as recordEvent from './actions/recordEvent.operation';
import * as revoke from './actions/revoke.operation';
import { router } from './actions/router';
import * as savePortalUser from './actions/savePortalUser.operation';
import * as statusQuery from './actions/statusQuery.operation';

export class CourierTracking implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Courier Tracking',
		name: 'courierTracking',
		icon: { light: 'file:courierTracking.svg', dark: 'file:courierTracking.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Proof of delivery from the couriers\' phones (signed), reception dates, and delivery status scoped by accreditation',
		defaults: { name: 'Courier Tracking' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: router.outputs,
		credentials: [
			{ name: 'receivablesLedgerApi', required: true, testedBy: 'receivablesLedgerConnectionTest' },
			{ name: 'receivablesSmtpApi', required: false, testedBy: 'receivablesSmtpConnectionTest', displayOptions: { show: { operation: ['portalPage', 'courierPage'] } } },
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Courier Page', value: 'courierPage', description: 'The couriers\' phone page: scan or type, outcome, name, signature, photo', action: 'Serve the courier page' },
					{ name: 'Portal Page', value: 'portalPage', description: 'The tracking portal page: login, search, status per invoice within the accreditation, CSV export', action: 'Serve the tracking portal' },
					{ name: 'Record Courier Event', value: 'recordEvent', description: 'Signed request from a courier\'s phone: picked up, delivered (name, signature, photo, position), refused, absent, wrong address, returned', action: 'Record courier events' },
					{ name: 'Revoke Courier Device', value: 'revokeCourierDevice', description: 'A lost or replaced phone: its signing key stops working at once (the courier\'s other phones keep theirs) and the courier\'s open page sessions end', action: 'Revoke a courier phone' },
					{ name: 'Revoke Sessions', value: 'revokeSessions', description: 'End every open session of a portal user or courier account (e.g. a stolen laptop)', action: 'Revoke the sessions of an account' },
					{ name: 'Save Courier Account', value: 'saveCourierAccount', description: 'Create or update a courier\'s login for the courier page (own waves only; never the portal)', action: 'Save a courier account' },
					{ name: 'Save Portal User', value: 'savePortalUser', description: 'Create or update a tracking-portal user with an accreditation level and a hashed secret', action: 'Save a portal user' },
					{ name: 'Status Query', value: 'statusQuery', description: 'Delivery and payment status per invoice, limited to a portal user\'s accreditation', action: 'Query delivery status' },
				],
				default: 'recordEvent',
			},
			...recordEvent.description,
			...statusQuery.description,
			...savePortalUser.description,
			...pages.description,
			...revoke.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.execute.call(this);
	}
}
