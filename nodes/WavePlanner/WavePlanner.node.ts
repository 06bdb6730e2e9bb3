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
import * as cycleInvoices from './actions/cycleInvoices.operation';
import * as manifestPdf from './actions/manifestPdf.operation';
import * as markEntered from './actions/markEntered.operation';
import * as planWaves from './actions/planWaves.operation';
import * as releaseWave from './actions/releaseWave.operation';
import * as retroplanning from './actions/retroplanning.operation';
import { router } from './actions/router';
import * as waveCosts from './actions/waveCosts.operation';

/** Every operation of the node with its resource (resources from version 2 on, see nodes/shared/resources.ts). */
const OPERATIONS: OperationChoice[] = [
	{
		name: 'Cycle Invoices',
		value: 'cycleInvoices',
		resource: 'cycle',
		description: 'The open invoices of the billing cycles cut on a date, not yet planned',
		action: 'List the invoices of a cycle run',
	},
	{
		name: 'Manifest PDF',
		value: 'manifestPdf',
		resource: 'wave',
		description:
			"Per wave: the courier's manifest with a QR code per invoice and a signature column, and the print bundle: a cover sheet per customer followed by a copy of each of its invoices",
		action: 'Print a wave manifest',
	},
	{
		name: 'Mark Entered',
		value: 'markEntered',
		resource: 'wave',
		description: 'Mark invoices of a wave as entered (printed, enveloped, captured)',
		action: 'Mark invoices entered',
	},
	{
		name: 'Plan Waves',
		value: 'planWaves',
		resource: 'wave',
		description:
			'Group a cycle run by zone into waves with a maximum per courier and day, and assign couriers',
		action: 'Plan waves',
	},
	{
		name: 'Release Wave',
		value: 'releaseWave',
		resource: 'wave',
		description: 'Hand a wave over to its courier: refused while any invoice of it is not entered',
		action: 'Release a wave',
	},
	{
		name: 'Retroplanning',
		value: 'retroplanning',
		resource: 'cycle',
		description:
			'From the target delivery date back to each milestone, in business days of the country',
		action: 'Compute a retroplanning',
	},
	{
		name: 'Wave Costs',
		value: 'waveCosts',
		resource: 'wave',
		description:
			'Courier, printing and postage cost per wave, zone or month, and per delivered invoice',
		action: 'Report wave costs',
	},
];

const RESOURCES: ResourceChoice[] = [
	{
		name: 'Wave',
		value: 'wave',
		description: 'The waves of invoices a courier delivers: plan, enter, print, release, cost',
		defaultOperation: 'planWaves',
	},
	{
		name: 'Cycle',
		value: 'cycle',
		description:
			'The billing cycles: invoices of a cycle run and the retroplanning back from the target delivery date',
		defaultOperation: 'cycleInvoices',
	},
];

export class WavePlanner implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wave Planner',
		name: 'wavePlanner',
		icon: { light: 'file:wavePlanner.svg', dark: 'file:wavePlanner.dark.svg' },
		group: ['transform'],
		// Version 2: the operations grouped by resource (version 1 nodes of saved workflows keep the single list).
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Invoice distribution by courier: billing cycles, waves per zone, retroplanning with holidays, manifests with QR codes, release, costs',
		defaults: { name: 'Wave Planner' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: router.outputs,
		credentials: [
			{
				name: 'receivablesLedgerApi',
				required: true,
				testedBy: 'receivablesLedgerConnectionTest',
				displayOptions: { hide: { operation: ['retroplanning'] } },
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
				default: 'wave',
			},
			...operationParameters(OPERATIONS, RESOURCES, 2, 'planWaves'),
			...cycleInvoices.description,
			...planWaves.description,
			...retroplanning.description,
			...markEntered.description,
			...manifestPdf.description,
			...releaseWave.description,
			...waveCosts.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.execute.call(this);
	}
}
