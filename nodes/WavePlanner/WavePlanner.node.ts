import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { credentialTest } from '../shared/methods/credentialTest';
import * as cycleInvoices from './actions/cycleInvoices.operation';
import * as manifestPdf from './actions/manifestPdf.operation';
import * as markEntered from './actions/markEntered.operation';
import * as planWaves from './actions/planWaves.operation';
import * as releaseWave from './actions/releaseWave.operation';
import * as retroplanning from './actions/retroplanning.operation';
import { router } from './actions/router';
import * as waveCosts from './actions/waveCosts.operation';

export class WavePlanner implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wave Planner',
		name: 'wavePlanner',
		icon: { light: 'file:wavePlanner.svg', dark: 'file:wavePlanner.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Invoice distribution by courier: billing cycles, waves per zone, retroplanning with holidays, manifests with QR codes, release, costs',
		defaults: { name: 'Wave Planner' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: router.outputs,
		credentials: [
			{ name: 'receivablesLedgerApi', required: true, testedBy: 'receivablesLedgerConnectionTest', displayOptions: { hide: { operation: ['retroplanning'] } } },
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Cycle Invoices', value: 'cycleInvoices', description: 'The open invoices of the billing cycles cut on a date, not yet planned', action: 'List the invoices of a cycle run' },
					{ name: 'Manifest PDF', value: 'manifestPdf', description: 'Per wave: the courier\'s manifest with a QR code per invoice and a signature column, and the print bundle: a cover sheet per customer followed by a copy of each of its invoices', action: 'Print a wave manifest' },
					{ name: 'Mark Entered', value: 'markEntered', description: 'Mark invoices of a wave as entered (printed, enveloped, captured)', action: 'Mark invoices entered' },
					{ name: 'Plan Waves', value: 'planWaves', description: 'Group a cycle run by zone into waves with a maximum per courier and day, and assign couriers', action: 'Plan waves' },
					{ name: 'Release Wave', value: 'releaseWave', description: 'Hand a wave over to its courier: refused while any invoice of it is not entered', action: 'Release a wave' },
					{ name: 'Retroplanning', value: 'retroplanning', description: 'From the target delivery date back to each milestone, in business days of the country', action: 'Compute a retroplanning' },
					{ name: 'Wave Costs', value: 'waveCosts', description: 'Courier, printing and postage cost per wave, zone or month, and per delivered invoice', action: 'Report wave costs' },
				],
				default: 'planWaves',
			},
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
