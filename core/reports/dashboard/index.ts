export {
	DASHBOARD_CSS,
	dashboardTitle,
	renderDashboardHtml,
	renderDashboardViewHtml,
	type DashboardOptions,
	type DashboardViewer,
} from './page';
export { handleDashboardRequest, type DashboardPageOptions } from './handler';
