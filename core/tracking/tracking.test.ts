import { randomBytes } from 'node:crypto';
import type { Ledger } from '../ledger';
import { signWebhookRequest } from '../intake';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { markInvoicesEntered, planWaves, releaseWave } from '../distribution';
import { courierDeliveries, courierLogin, courierSession, saveCourierAccount } from './couriers';
import { enrolCourierDevice, revokeCourierDevice } from './devices';
import { receiveCourierRequest, recordCourierEvents, type CourierEventInput } from './events';
import { invoiceStatus, portalLogin, portalSession, savePortalUser, statusQuery } from './portal';
import {
	deliveryToken,
	hashSecret,
	readDeliveryToken,
	signToken,
	verifySecret,
	verifyToken,
} from './tokens';

const SECRET = 'a-very-long-test-secret-0123456789';
const PNG =
	'data:image/png;base64,' +
	Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		Buffer.alloc(100),
	]).toString('base64');

describe('tokens', () => {
	it('signs, verifies and expires session tokens; tampering is caught', () => {
		const now = new Date('2026-03-31T10:00:00Z');
		const token = signToken({ u: '7' }, SECRET, 'portal-session', 60, now);
		expect(verifyToken(token, SECRET, 'portal-session', now)).toMatchObject({
			ok: true,
			payload: { u: '7' },
		});
		expect(verifyToken(token, SECRET, 'other-purpose', now)).toEqual({
			ok: false,
			reason: 'bad_signature',
		});
		expect(verifyToken(token, SECRET, 'portal-session', new Date(now.getTime() + 61000))).toEqual({
			ok: false,
			reason: 'expired',
		});
		const [body, mac] = token.split('.');
		const forged = Buffer.from(JSON.stringify({ u: '1', exp: 9e9 })).toString('base64url');
		expect(verifyToken(`${forged}.${mac}`, SECRET, 'portal-session', now)).toEqual({
			ok: false,
			reason: 'bad_signature',
		});
		expect(verifyToken(`${body}.x`, SECRET, 'portal-session', now)).toEqual({
			ok: false,
			reason: 'malformed',
		});
		expect(() => signToken({}, 'short', 'p', 1)).toThrow(/at least 16/);
	});

	it('makes compact QR tokens naming the delivery', () => {
		const token = deliveryToken('123456789', SECRET);
		expect(token.length).toBeLessThan(32);
		expect(readDeliveryToken(token, SECRET)).toBe('123456789');
		expect(readDeliveryToken(token, SECRET + 'x')).toBeUndefined();
		expect(readDeliveryToken(token.replace('D21i3v9', 'D21i3va'), SECRET)).toBeUndefined();
	});

	it('hashes secrets with scrypt', async () => {
		const hash = await hashSecret('correct horse battery');
		expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
		expect(await verifySecret('correct horse battery', hash)).toBe(true);
		expect(await verifySecret('wrong horse battery', hash)).toBe(false);
		expect(await verifySecret('anything', undefined)).toBe(false);
	});
});

async function seedWave(ledger: Ledger): Promise<void> {
	await ledger.query(
		`INSERT INTO staff (code, name, roles) VALUES ('C1', 'Courier', '{courier}'), ('C2', 'Other courier', '{courier}'), ('R1', 'Rep', '{sales_rep}')`,
	);
	await ledger.query(`INSERT INTO customers (external_id, name, billing_cycle, zone, city, country, currency, sales_rep_code) VALUES
		('K1', 'Atlas', 'monthly', 'Z1', 'Casablanca', 'MA', 'MAD', 'R1')`);
	for (const [n, basis] of [
		['A-1', 'reception'],
		['A-2', 'issue'],
		['A-3', null],
		['A-4', null],
	] as const) {
		await ledger.query(
			`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, terms_days, terms_basis, content_hash)
			SELECT $1, id, 'MAD', 1000, 1000, 1000, 1000, '2026-03-10', '2026-04-09', 30, $2, md5($1) FROM customers WHERE external_id = 'K1'`,
			[n, basis],
		);
	}
	await planWaves(ledger, {
		runDate: '2026-03-31',
		maxPerCourierPerDay: 10,
		startDate: '2026-03-30',
		couriers: ['C1'],
	});
	await markInvoicesEntered(ledger, { waveCode: 'W20260331-Z1-01' });
	await releaseWave(ledger, {
		waveCode: 'W20260331-Z1-01',
		releasedAt: new Date('2026-03-30T06:00:00Z'),
	});
}

describe('courier events', () => {
	let ledger: Ledger;
	const now = new Date('2026-03-31T18:00:00Z');
	const ev = (x: Partial<CourierEventInput>): CourierEventInput => ({
		eventId: 'ev-' + randomBytes(6).toString('hex'),
		type: 'picked_up',
		courierCode: 'C1',
		invoiceNumber: 'A-1',
		occurredAt: '2026-03-31T08:00:00Z',
		...x,
	});
	beforeAll(async () => {
		ledger = await createTestLedger();
		await seedWave(ledger);
	});
	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it('records a delivery: reception date, due date from reception, history; late older events do not overwrite it', async () => {
		const [d] = await ledger.query<{ id: string }>(
			`SELECT d.id FROM deliveries d JOIN invoices i ON i.id = d.invoice_id WHERE i.number = 'A-1'`,
		);
		const delivered = ev({
			eventId: 'evt-delivered-1',
			type: 'delivered',
			invoiceNumber: undefined,
			qrToken: deliveryToken(d.id, SECRET),
			occurredAt: '2026-03-31T23:30:00Z',
			recipientName: 'Mme Benali',
			signature: PNG,
			latitude: 33.5,
			longitude: -7.6,
		});
		const [r1] = await recordCourierEvents(ledger, [delivered], {
			qrSecret: SECRET,
			now: new Date('2026-04-01T00:00:00Z'),
		});
		// 23:30 UTC is 00:30 on 1 April in Casablanca (UTC+1): the reception date is the local date.
		expect(r1).toMatchObject({
			ok: true,
			outcome: {
				status: 'recorded',
				deliveryStatus: 'delivered',
				receptionDate: '2026-04-01',
				dueDate: '2026-05-01',
			},
		});
		const [late] = await recordCourierEvents(
			ledger,
			[ev({ type: 'picked_up', occurredAt: '2026-03-31T08:00:00Z' })],
			{ now },
		);
		expect(late).toMatchObject({ ok: true, outcome: { deliveryStatus: 'delivered' } });
		const [again] = await recordCourierEvents(ledger, [delivered], {
			qrSecret: SECRET,
			now: new Date('2026-04-01T00:00:00Z'),
		});
		expect(again).toMatchObject({ ok: true, outcome: { status: 'duplicate' } });
		const [reused] = await recordCourierEvents(ledger, [{ ...delivered, type: 'refused' }], {
			qrSecret: SECRET,
			now: new Date('2026-04-01T00:00:00Z'),
		});
		expect(reused).toMatchObject({ ok: false, code: 'EVENT_ID_REUSED' });
		const history = await ledger.query<{ summary: string }>(
			`SELECT summary FROM history WHERE kind = 'delivered'`,
		);
		expect(history).toHaveLength(1);
		expect(history[0].summary).toMatch(
			/Mme Benali on 2026-04-01; due date 2026-04-09 → 2026-05-01/,
		);
		const events = await ledger.query(`SELECT * FROM courier_events`);
		expect(events).toHaveLength(2);
	});

	it('keeps the due date when terms do not run from reception', async () => {
		const [r] = await recordCourierEvents(
			ledger,
			[
				ev({
					type: 'delivered',
					invoiceNumber: 'A-2',
					recipientName: 'Accueil',
					occurredAt: '2026-03-31T10:00:00Z',
				}),
			],
			{ now },
		);
		expect(r).toMatchObject({
			ok: true,
			outcome: { receptionDate: '2026-03-31', dueDate: '2026-04-09' },
		});
	});

	it('refuses bad events with clear errors and records nothing of them', async () => {
		const before = (
			await ledger.query<{ n: string }>(`SELECT count(*) AS n FROM courier_events`)
		)[0].n;
		const historyBefore = (
			await ledger.query<{ n: string }>(`SELECT count(*) AS n FROM history`)
		)[0].n;
		const big =
			'data:image/jpeg;base64,' +
			Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(3 * 1024 * 1024)]).toString('base64');
		const results = await recordCourierEvents(
			ledger,
			[
				ev({ invoiceNumber: 'NOPE' }),
				ev({ courierCode: 'GHOST' }),
				ev({ courierCode: 'C2' }),
				ev({ occurredAt: '2026-04-30T08:00:00Z' }),
				ev({ occurredAt: '2026-03-31T08:00:00' }),
				ev({ occurredAt: '2026-03-01T08:00:00Z' }),
				ev({ type: 'delivered', invoiceNumber: 'A-3' }),
				ev({ type: 'delivered', invoiceNumber: 'A-3', recipientName: 'X', photo: big }),
				ev({
					type: 'delivered',
					invoiceNumber: 'A-3',
					recipientName: 'X',
					signature: 'data:image/png;base64,AAAA',
				}),
				ev({ type: 'lost' }),
				ev({ qrToken: 'D1.AAAAAAAAAAAAAAAA', invoiceNumber: undefined }),
				ev({ latitude: 95, longitude: 0 }),
			],
			{ qrSecret: SECRET, now },
		);
		expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
			'EVENT_INVOICE_UNKNOWN',
			'EVENT_COURIER_UNKNOWN',
			'EVENT_INVOICE_UNKNOWN',
			'EVENT_TIME_FUTURE',
			'EVENT_TIME_INVALID',
			'EVENT_TIME_BEFORE_WAVE',
			'EVENT_RECIPIENT_MISSING',
			'EVENT_IMAGE_TOO_LARGE',
			'EVENT_IMAGE_INVALID',
			'EVENT_TYPE_INVALID',
			'QR_TOKEN_INVALID',
			'EVENT_POSITION_INVALID',
		]);
		expect(
			(await ledger.query<{ n: string }>(`SELECT count(*) AS n FROM courier_events`))[0].n,
		).toBe(before);
		expect((await ledger.query<{ n: string }>(`SELECT count(*) AS n FROM history`))[0].n).toBe(
			historyBefore,
		);
	});

	it('takes requests signed with a phone’s own key only, once', async () => {
		await saveCourierAccount(ledger, {
			login: 'phone-c1',
			name: 'Courier',
			staffCode: 'C1',
			secret: 'courier phone secret',
		});
		const phone = await enrolCourierDevice(ledger, {
			courierLogin: 'phone-c1',
			label: 'Samsung A15',
		});
		const body = Buffer.from(
			JSON.stringify({
				events: [
					ev({
						eventId: 'evt-signed-1',
						type: 'absent',
						invoiceNumber: 'A-4',
						occurredAt: '2026-03-31T09:00:00Z',
					}),
				],
			}),
		);
		const ts = Math.floor(now.getTime() / 1000);
		const sign = (key: string, id = 'dl-1') => ({
			'X-Receivables-Device': phone.deviceId,
			'X-Receivables-Delivery': id,
			'X-Receivables-Signature': signWebhookRequest({
				rawBody: body,
				secret: key,
				deliveryId: id,
				timestamp: ts,
			}),
		});
		const headers = sign(phone.key);
		expect(
			await receiveCourierRequest(ledger, { rawBody: body, headers: sign(SECRET) }, { now }),
		).toMatchObject({ httpStatus: 401, code: 'SIGNATURE_MISMATCH' });
		expect(
			await receiveCourierRequest(
				ledger,
				{ rawBody: Buffer.concat([body, Buffer.from(' ')]), headers },
				{ now },
			),
		).toMatchObject({ httpStatus: 401, code: 'SIGNATURE_MISMATCH' });
		expect(
			await receiveCourierRequest(
				ledger,
				{ rawBody: body, headers },
				{ now: new Date(now.getTime() + 3600000) },
			),
		).toMatchObject({ httpStatus: 401, code: 'SIGNATURE_STALE' });
		expect(
			await receiveCourierRequest(
				ledger,
				{ rawBody: body, headers: { ...headers, 'X-Receivables-Device': 'dev_unknown00' } },
				{ now },
			),
		).toMatchObject({ httpStatus: 401, code: 'DEVICE_UNKNOWN' });
		expect(
			await ledger.query(`SELECT 1 FROM courier_events WHERE event_id = 'evt-signed-1'`),
		).toHaveLength(0);
		const ok = await receiveCourierRequest(ledger, { rawBody: body, headers }, { now });
		expect(ok).toMatchObject({
			httpStatus: 200,
			code: 'OK',
			results: [{ ok: true, outcome: { deliveryStatus: 'absent' } }],
		});
		// The same request again (a lost answer): the first answer, marked repeated, nothing recorded twice.
		expect(await receiveCourierRequest(ledger, { rawBody: body, headers }, { now })).toMatchObject({
			httpStatus: 200,
			code: 'OK',
			repeated: true,
			results: [{ ok: true, outcome: { deliveryStatus: 'absent' } }],
		});
		expect(
			await ledger.query(`SELECT 1 FROM courier_events WHERE event_id = 'evt-signed-1'`),
		).toHaveLength(1);
		// Another body under the same delivery id is refused.
		const other = Buffer.from(
			JSON.stringify({
				events: [
					ev({
						eventId: 'evt-signed-2',
						type: 'absent',
						invoiceNumber: 'A-4',
						occurredAt: '2026-03-31T09:01:00Z',
					}),
				],
			}),
		);
		const otherHeaders = {
			...headers,
			'X-Receivables-Signature': signWebhookRequest({
				rawBody: other,
				secret: phone.key,
				deliveryId: 'dl-1',
				timestamp: ts,
			}),
		};
		expect(
			await receiveCourierRequest(ledger, { rawBody: other, headers: otherHeaders }, { now }),
		).toMatchObject({ httpStatus: 409, code: 'DELIVERY_REUSED' });
		// A lost phone: its key is revoked, and nothing it signs is taken any more.
		await revokeCourierDevice(ledger, { deviceId: phone.deviceId });
		expect(
			await receiveCourierRequest(
				ledger,
				{ rawBody: body, headers: sign(phone.key, 'dl-2') },
				{ now },
			),
		).toMatchObject({ httpStatus: 401, code: 'DEVICE_UNKNOWN' });
	});
	it('refuses events for a wave not handed over yet, or closed', async () => {
		await ledger.query(`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
			SELECT 'A-5', id, 'MAD', 1000, 1000, 1000, 1000, '2026-03-11', '2026-04-09', md5('A-5') FROM customers WHERE external_id = 'K1'`);
		await planWaves(ledger, {
			runDate: '2026-03-31',
			maxPerCourierPerDay: 3,
			startDate: '2026-03-30',
			couriers: ['C1'],
		});
		const [planned] = await recordCourierEvents(ledger, [ev({ invoiceNumber: 'A-5' })], { now });
		expect(planned).toMatchObject({ ok: false, code: 'EVENT_WAVE_NOT_RELEASED' });
		await ledger.query(`UPDATE waves SET status = 'closed' WHERE code = 'W20260331-Z1-01'`);
		const [closed] = await recordCourierEvents(ledger, [ev({ invoiceNumber: 'A-3' })], { now });
		expect(closed).toMatchObject({ ok: false, code: 'EVENT_WAVE_CLOSED' });
	});
});

describe('portal users and sessions', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await seedWave(ledger);
	});
	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it('logs in with a hashed secret, issues expiring sessions, refuses the same way for unknown and wrong', async () => {
		await expect(
			savePortalUser(ledger, { login: 'rep', name: 'Rep', level: 2, secret: 'long enough secret' }),
		).rejects.toMatchObject({ code: 'PORTAL_STAFF_MISSING' });
		await savePortalUser(ledger, {
			login: 'Rep',
			name: 'Rep',
			level: 2,
			staffCode: 'R1',
			secret: 'long enough secret',
		});
		const stored = await ledger.query<{ secret_hash: string }>(
			`SELECT secret_hash FROM portal_users`,
		);
		expect(stored[0].secret_hash).not.toContain('long enough');
		const wrong = await portalLogin(ledger, { login: 'rep', secret: 'wrong secret!!' }).catch(
			(e: Error) => e.message,
		);
		const unknown = await portalLogin(ledger, {
			login: 'nobody',
			secret: 'long enough secret',
		}).catch((e: Error) => e.message);
		expect(wrong).toBe(unknown);
		const { token, user } = await portalLogin(ledger, {
			login: 'REP',
			secret: 'long enough secret',
		});
		expect(await portalSession(ledger, { token })).toMatchObject({
			id: user.id,
			level: 2,
			staffCode: 'R1',
		});
		await expect(
			portalSession(ledger, { token, now: new Date(Date.now() + 31 * 60000) }),
		).rejects.toMatchObject({ code: 'PORTAL_SESSION_INVALID' });
		await expect(portalSession(ledger, { token: token.slice(0, -2) + 'AA' })).rejects.toMatchObject(
			{ code: 'PORTAL_SESSION_INVALID' },
		);
		// A new secret ends every session issued before.
		await savePortalUser(ledger, {
			login: 'rep',
			name: 'Rep',
			level: 2,
			staffCode: 'R1',
			secret: 'another long secret',
		});
		await expect(portalSession(ledger, { token })).rejects.toMatchObject({
			code: 'PORTAL_SESSION_INVALID',
		});
		const rows = await statusQuery(ledger, { user, filters: {} });
		expect(rows.map((r) => r.invoiceNumber).sort()).toEqual(['A-1', 'A-2', 'A-3', 'A-4']);
		expect(rows[0]).toMatchObject({
			customerName: 'Atlas',
			amount: '10.00',
			currency: 'MAD',
			outcome: 'entered',
		});
		await expect(invoiceStatus(ledger, { user, invoiceNumber: 'NOPE' })).rejects.toMatchObject({
			code: 'INVOICE_NOT_FOUND',
		});
	});
});

describe('courier accounts', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await seedWave(ledger);
	});
	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it('belong to a courier, log in to courier sessions only, and list only the courier’s own handed-over waves', async () => {
		await expect(
			saveCourierAccount(ledger, {
				login: 'r1',
				name: 'Rep',
				staffCode: 'R1',
				secret: 'long enough secret',
			}),
		).rejects.toMatchObject({ code: 'COURIER_STAFF_UNKNOWN' });
		await expect(
			saveCourierAccount(ledger, {
				login: 'x',
				name: 'X',
				staffCode: 'C1',
				secret: 'long enough secret',
			}),
		).rejects.toMatchObject({ code: 'PORTAL_LOGIN_INVALID' });
		const saved = await saveCourierAccount(ledger, {
			login: 'Moussa',
			name: 'Moussa',
			staffCode: 'C1',
			secret: 'courier one secret',
		});
		await saveCourierAccount(ledger, {
			login: 'awa',
			name: 'Awa',
			staffCode: 'C2',
			secret: 'courier two secret',
		});
		expect(saved).toMatchObject({ kind: 'courier', login: 'moussa', staffCode: 'C1' });
		expect(
			(
				await ledger.query<{ secret_hash: string }>(
					`SELECT secret_hash FROM courier_accounts WHERE login = 'moussa'`,
				)
			)[0].secret_hash,
		).toMatch(/^scrypt\$/);

		const wrong = await courierLogin(ledger, { login: 'moussa', secret: 'not the secret' }).catch(
			(e: Error) => e.message,
		);
		const unknown = await courierLogin(ledger, {
			login: 'nobody',
			secret: 'courier one secret',
		}).catch((e: Error) => e.message);
		expect(wrong).toBe(unknown);
		const { courier, token } = await courierLogin(ledger, {
			login: 'MOUSSA',
			secret: 'courier one secret',
		});
		expect(await courierSession(ledger, { token })).toMatchObject({
			id: courier.id,
			staffCode: 'C1',
		});
		// A courier is no portal user: not their login, not their session.
		await expect(
			portalLogin(ledger, { login: 'moussa', secret: 'courier one secret' }),
		).rejects.toMatchObject({ code: 'PORTAL_LOGIN_REFUSED' });
		await expect(portalSession(ledger, { token })).rejects.toMatchObject({
			code: 'PORTAL_SESSION_INVALID',
		});
		// ... and a portal session is no courier session.
		await savePortalUser(ledger, {
			login: 'rep',
			name: 'Rep',
			level: 2,
			staffCode: 'R1',
			secret: 'rep long secret',
		});
		const rep = await portalLogin(ledger, { login: 'rep', secret: 'rep long secret' });
		await expect(courierSession(ledger, { token: rep.token })).rejects.toMatchObject({
			code: 'COURIER_SESSION_INVALID',
		});

		expect((await courierDeliveries(ledger, courier)).map((d) => d.invoiceNumber).sort()).toEqual([
			'A-1',
			'A-2',
			'A-3',
			'A-4',
		]);
		const other = await courierLogin(ledger, { login: 'awa', secret: 'courier two secret' });
		expect(await courierDeliveries(ledger, other.courier)).toEqual([]);

		// A courier who leaves the role (or whose secret changes) is out at once.
		await ledger.query(`UPDATE staff SET roles = '{}' WHERE code = 'C2'`);
		await expect(courierSession(ledger, { token: other.token })).rejects.toMatchObject({
			code: 'COURIER_SESSION_INVALID',
		});
		await expect(
			courierLogin(ledger, { login: 'awa', secret: 'courier two secret' }),
		).rejects.toMatchObject({ code: 'COURIER_LOGIN_REFUSED' });
		await saveCourierAccount(ledger, {
			login: 'moussa',
			name: 'Moussa',
			staffCode: 'C1',
			secret: 'a new courier secret',
		});
		await expect(courierSession(ledger, { token })).rejects.toMatchObject({
			code: 'COURIER_SESSION_INVALID',
		});
	});
});
