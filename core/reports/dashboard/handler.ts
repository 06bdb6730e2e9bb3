import type { Ledger } from '../../ledger';
import { loadCompanyName } from '../../company/store';
import {
	PAGE_HEADERS,
	pageGate,
	servePage,
	type PageOptions,
	type PageRequest,
	type PageResponse,
} from '../../tracking/pages';
import { portalLogin, portalSession, type PortalUser } from '../../tracking/portal';
import { receivablesOverview } from '../overview';
import type { ReceivablesOverviewOptions } from '../types';
import { dashboardTitle, renderDashboardHtml } from './page';

export interface DashboardPageOptions extends PageOptions {
	/** Company name in the page header (default: the name of the company settings). */
	company?: string;
	/** Figures of the overview (as-of date, zone, currency, buckets…); the scope always comes from the viewer. */
	overview?: Omit<ReceivablesOverviewOptions, 'scope'>;
}

/**
 * The dashboard webhook page: the tracking portal's login (same accounts, same signed session in hidden fields,
 * same "not found" answer for a wrong login or secret), then the overview limited to the user's accreditation —
 * level 1 everything, level 2 a sales rep's customers, level 3 a group head's reps' customers.
 */
export async function handleDashboardRequest(
	ledger: Ledger,
	req: PageRequest,
	options: DashboardPageOptions,
): Promise<PageResponse> {
	return await servePage(req, dashboardTitle, async () => {
		const gate = await pageGate<PortalUser>(
			ledger,
			req,
			{ ...options, kind: 'portal', title: dashboardTitle },
			{
				login: (input) => portalLogin(ledger, input),
				session: (token) => portalSession(ledger, { token, now: options.now }),
			},
		);
		if ('answer' in gate) return gate.answer;
		const { user, session, lang, guard } = gate.pass;
		const overview = await receivablesOverview(ledger, {
			...options.overview,
			scope: { level: user.level, staffCode: user.staffCode },
		});
		const html = renderDashboardHtml(overview, user, {
			language: lang,
			company: options.company || (await loadCompanyName(ledger)) || undefined,
			session,
			actionUrl: options.actionUrl ?? '',
		});
		return { status: 200, headers: { ...PAGE_HEADERS }, body: await guard(html) };
	});
}
