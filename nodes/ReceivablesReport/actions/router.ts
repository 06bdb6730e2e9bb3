import { nodeRouter } from '../../shared/operation';
import * as agedBalance from './agedBalance.operation';
import * as balanceCleaning from './balanceCleaning.operation';
import * as companySettings from './companySettings.operation';
import * as dashboardPage from './dashboardPage.operation';
import * as daysLate from './daysLate.operation';
import * as disputeAnalysis from './disputeAnalysis.operation';
import * as distribution from './distribution.operation';
import * as dsoCei from './dsoCei.operation';
import * as filesFolder from './filesFolder.operation';
import * as emailReport from './emailReport.operation';
import * as netReceivables from './netReceivables.operation';
import * as pdfReport from './pdfReport.operation';
import * as reminderResults from './reminderResults.operation';

/** The operations of the node; the shared loop (nodes/shared/operation.ts) runs them. */
export const router = nodeRouter({
	agedBalance,
	dsoCei,
	daysLate,
	balanceCleaning,
	netReceivables,
	reminderResults,
	disputeAnalysis,
	distribution,
	pdfReport,
	dashboardPage,
	emailReport,
	filesFolder,
	companySettings,
});
