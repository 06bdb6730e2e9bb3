import { nodeRouter } from '../../shared/operation';
import * as cycleInvoices from './cycleInvoices.operation';
import * as manifestPdf from './manifestPdf.operation';
import * as markEntered from './markEntered.operation';
import * as planWaves from './planWaves.operation';
import * as releaseWave from './releaseWave.operation';
import * as retroplanning from './retroplanning.operation';
import * as waveCosts from './waveCosts.operation';

/** The operations of the node; the shared loop (nodes/shared/operation.ts) runs them. */
export const router = nodeRouter({
	cycleInvoices,
	planWaves,
	retroplanning,
	markEntered,
	manifestPdf,
	releaseWave,
	waveCosts,
});
