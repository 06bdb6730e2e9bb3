import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { credentialTest } from '../shared/methods/credentialTest';
import {
	fromVersion,
	operationParameters,
	resourceOptions,
	type OperationChoice,
	type ResourceChoice,
} from '../shared/resources';
import * as pages from './actions/pages.operation';
import * as recordEvent from './actions/recordEvent.operation';
import * as revoke from './actions/revoke.operation';
import { router } from './actions/router';
import * as savePortalUser from './actions/savePortalUser.operation';
import * as statusQuery from './actions/statusQuery.operation';

/** Every operation of the node with its resource (resources from version 2 on, see nodes/shared/resources.ts). */
const OPERATIONS: OperationChoice[] = [
	{
		name: 'Courier Page',
		value: 'courierPage',
		resource: 'courier',
		description: "The couriers' phone page: scan or type, outcome, name, signature, photo",
		action: 'Serve the courier page',
	},
	{
		name: 'Portal Page',
		value: 'portalPage',
		resource: 'portal',
		description:
			'The tracking portal page: login, search, status per invoice within the accreditation, CSV export',
		action: 'Serve the tracking portal',
	},
	{
		name: 'Record Courier Event',
		value: 'recordEvent',
		resource: 'courier',
		description:
			"Signed request from a courier's phone: picked up, delivered (name, signature, photo, position), refused, absent, wrong address, returned",
		action: 'Record courier events',
	},
	{
		name: 'Revoke Courier Device',
		value: 'revokeCourierDevice',
		resource: 'account',
		description:
			"A lost or replaced phone: its signing key stops working at once (the courier's other phones keep theirs) and the courier's open page sessions end",
		action: 'Revoke a courier phone',
	},
	{
		name: 'Revoke Sessions',
		value: 'revokeSessions',
		resource: 'account',
		description:
			'End every open session of a portal user or courier account (e.g. a stolen laptop)',
		action: 'Revoke the sessions of an account',
	},
	{
		name: 'Save Courier Account',
		value: 'saveCourierAccount',
		resource: 'account',
		description:
			"Create or update a courier's login for the courier page (own waves only; never the portal)",
		action: 'Save a courier account',
	},
	{
		name: 'Save Portal User',
		value: 'savePortalUser',
		resource: 'account',
		description:
			'Create or update a tracking-portal user with an accreditation level and a hashed secret',
		action: 'Save a portal user',
	},
	{
		name: 'Status Query',
		value: 'statusQuery',
		resource: 'portal',
		description:
			"Delivery and payment status per invoice, limited to a portal user's accreditation",
		action: 'Query delivery status',
	},
];

const RESOURCES: ResourceChoice[] = [
	{
		name: 'Courier',
		value: 'courier',
		description: "The couriers' phones: the courier page and the signed delivery events",
		defaultOperation: 'recordEvent',
	},
	{
		name: 'Portal',
		value: 'portal',
		description:
			"The tracking portal: its page and the delivery status within a user's accreditation",
		defaultOperation: 'statusQuery',
	},
	{
		name: 'Account',
		value: 'account',
		description: 'Portal users, courier accounts, their phones and sessions',
		defaultOperation: 'savePortalUser',
	},
];

export class CourierTracking implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Courier Tracking',
		name: 'courierTracking',
		icon: { light: 'file:courierTracking.svg', dark: 'file:courierTracking.dark.svg' },
		group: ['transform'],
		// Version 2: the operations grouped by resource (version 1 nodes of saved workflows keep the single list).
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			"Proof of delivery from the couriers' phones (signed), reception dates, and delivery status scoped by accreditation",
		defaults: { name: 'Courier Tracking' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: router.outputs,
		credentials: [
			{ name: 'receivablesLedgerApi', required: true, testedBy: 'receivablesLedgerConnectionTest' },
			{
				name: 'receivablesSmtpApi',
				required: false,
				testedBy: 'receivablesSmtpConnectionTest',
				displayOptions: { show: { operation: ['portalPage', 'courierPage'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: fromVersion(2) },
				options: resourceOptions(RESOURCES),
				default: 'courier',
			},
			...operationParameters(OPERATIONS, RESOURCES, 2, 'recordEvent'),
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
