import { ReceivablesError } from '../../errors';
import type { Ledger } from '../../ledger';
import { inLanguage, pageField, pageResponse, portalLoginPage, type PageOptions, type PageRequest, type PageResponse } from '../../tracking/pages';
import { portalLogin, portalSession, portalSessionToken, type PortalUser } from '../../tracking/portal';
import { receivablesOverview } from '../overview';
import type { ReceivablesOverviewOptions } from '../types';
import { dashboardTitle, renderDashboardHtml } from './page';

export interface DashboardPageOptions extends PageOptions {
	/** Company name in the page header. */
	company?: string;
	/** Figures of the overview (as-of date, zone, currency, buckets…); the scope always comes from the viewer. */
	overview?: Omit<ReceivablesOverviewOptions, 'scope'>;
}

/**
 * The dashboard webhook page: the tracking portal's login (same accounts, same signed session in hidden fields,
 * same "not found" answer for a wrong login or secret), then the overview limited to the user's accreditation —
 * level 1 everything, level 2 a sales rep's customers, level 3 a group head's reps' customers.
 */
export async function handleDashboardRequest(ledger: Ledger, req: PageRequest, options: DashboardPageOptions): Promise<PageResponse> {
	const actionUrl = options.actionUrl ?? '';
	const action = pageField(req, 'action');
	const asked = pageField(req, 'lang');
	let lang: 'fr' | 'en' = asked === 'en' || asked === 'fr' ? asked : 'fr';
	let user: PortalUser | undefined;
	let token = '';
	try {
		if (action === 'login') {
			const r = await portalLogin(ledger, { login: pageField(req, 'login'), secret: pageField(req, 'secret'), tokenSecret: options.tokenSecret, ttlSeconds: options.sessionSeconds, now: options.now });
			user = r.user;
			token = r.token;
		} else if (pageField(req, 'session') && action !== 'logout') {
			user = await portalSession(ledger, { token: pageField(req, 'session'), tokenSecret: options.tokenSecret, now: options.now });
			token = portalSessionToken(user, options.tokenSecret, options.sessionSeconds, options.now);
		}
	} catch (error) {
		// A refusal of the core (wrong login, expired session) is answered on the login page; anything else is raised.
		const refused = error instanceof ReceivablesError ? error : new ReceivablesError('PAGE_FAILED', `The page could not be served: ${error instanceof Error ? error.message : String(error)}`, { hint: 'Check the ledger connection.', cause: error });
		if (refused.code === 'PAGE_FAILED') throw refused;
		return pageResponse(portalLoginPage(lang, dashboardTitle(lang), actionUrl, inLanguage(refused, lang)), action === 'login' ? 401 : 200);
	}
	if (!user) return pageResponse(portalLoginPage(lang, dashboardTitle(lang), actionUrl));
	if (!asked) lang = user.language;
	const overview = await receivablesOverview(ledger, { ...options.overview, scope: { level: user.level, staffCode: user.staffCode } });
	return pageResponse(renderDashboardHtml(overview, user, { language: lang, company: options.company, session: token, actionUrl }));
}
