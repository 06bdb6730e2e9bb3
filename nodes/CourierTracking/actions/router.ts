import { nodeRouter } from '../../shared/operation';
import * as pages from './pages.operation';
import * as recordEvent from './recordEvent.operation';
import * as revoke from './revoke.operation';
import * as savePortalUser from './savePortalUser.operation';
import * as statusQuery from './statusQuery.operation';

/** The operations of the node; the shared loop (nodes/shared/operation.ts) runs them. */
export const router = nodeRouter({
	recordEvent,
	statusQuery,
	savePortalUser,
	saveCourierAccount: savePortalUser,
	portalPage: pages,
	courierPage: pages,
	revokeCourierDevice: revoke,
	revokeSessions: revoke,
});
