import {
	checkWebhookSecret,
	parseSignatureHeader,
	signWebhookRequest,
	verifySignature,
} from './signature';

// Vectors computed independently with: printf '%s' '<t>.<delivery>.<body>' | openssl dgst -sha256 -hmac '<secret>'
const SECRET = 'whsec_0123456789abcdef';
const BODY = '{"invoices":[{"number":"FA-1"}]}';
const T = 1767225600; // 2026-01-01T00:00:00Z
const DELIVERY = 'dlv-0001';
const GOOD = '40b25f3e38e9406dcee4c53a2ab65d2c6bb19d6496fa0c996f4683956b604c70';
const STRIPE_BODY = '{"id":"evt_1","object":"event"}';
const STRIPE_GOOD = 'e2faa93b2fbbbeab1728776777a01482e4b71225d4497751dac40f5b3a1b3201';
const at = (seconds: number) => new Date(seconds * 1000);

describe('verifySignature', () => {
	const base = {
		rawBody: Buffer.from(BODY),
		secret: SECRET,
		deliveryId: DELIVERY,
		now: at(T + 10),
	};

	it('signs like the published vector', () => {
		expect(
			signWebhookRequest({ rawBody: BODY, secret: SECRET, deliveryId: DELIVERY, timestamp: T }),
		).toBe(`t=${T},v1=${GOOD}`);
		expect(
			signWebhookRequest({ rawBody: STRIPE_BODY, secret: SECRET, timestamp: T, scheme: 'stripe' }),
		).toBe(`t=${T},v1=${STRIPE_GOOD}`);
	});

	it('accepts a good signature, over the raw bytes', () => {
		expect(verifySignature({ ...base, header: `t=${T},v1=${GOOD}` })).toEqual({
			ok: true,
			timestamp: T,
		});
		expect(
			verifySignature({ ...base, rawBody: BODY, header: ` t=${T} , v1=${GOOD.toUpperCase()} ` }),
		).toEqual({ ok: true, timestamp: T });
		expect(
			verifySignature({
				rawBody: STRIPE_BODY,
				secret: SECRET,
				scheme: 'stripe',
				now: at(T),
				header: `t=${T},v1=${STRIPE_GOOD}`,
			}).ok,
		).toBe(true);
	});

	it('accepts any of several signatures and any of several secrets (secret rotation)', () => {
		const other = 'a'.repeat(64);
		expect(verifySignature({ ...base, header: `t=${T},v1=${other},v1=${GOOD},v0=zzz` }).ok).toBe(
			true,
		);
		expect(
			verifySignature({
				...base,
				secret: ['new-secret-0123456789', SECRET],
				header: `t=${T},v1=${GOOD}`,
			}).ok,
		).toBe(true);
	});

	it('refuses a bad signature: another secret, a changed body, a changed delivery id, re-serialised JSON', () => {
		const header = `t=${T},v1=${GOOD}`;
		expect(verifySignature({ ...base, secret: 'whsec_another_secret_000', header })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_MISMATCH',
		});
		expect(
			verifySignature({ ...base, rawBody: BODY.replace('FA-1', 'FA-2'), header }),
		).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' });
		expect(verifySignature({ ...base, deliveryId: 'dlv-0002', header })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_MISMATCH',
		});
		expect(
			verifySignature({ ...base, rawBody: JSON.stringify(JSON.parse(BODY), null, 1), header }),
		).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' });
		expect(verifySignature({ ...base, header: `t=${T + 1},v1=${GOOD}` })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_MISMATCH',
		});
		// The Stripe scheme signs no delivery id: a receivables signature is not a Stripe one.
		expect(verifySignature({ ...base, scheme: 'stripe', header })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_MISMATCH',
		});
	});

	it('refuses stale and future signatures beyond the tolerance', () => {
		const header = `t=${T},v1=${GOOD}`;
		expect(verifySignature({ ...base, header, now: at(T + 300) }).ok).toBe(true);
		expect(verifySignature({ ...base, header, now: at(T + 301) })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_STALE',
			message: { fr: 'La signature est trop ancienne.' },
		});
		expect(verifySignature({ ...base, header, now: at(T - 301) })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_FUTURE',
		});
		expect(verifySignature({ ...base, header, now: at(T + 3000), toleranceSeconds: 3600 }).ok).toBe(
			true,
		);
	});

	it('refuses missing and malformed headers, and a missing delivery id', () => {
		expect(verifySignature({ ...base, header: undefined })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_MISSING',
		});
		expect(verifySignature({ ...base, header: '  ' })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_MISSING',
		});
		for (const header of [
			GOOD,
			`t=${T}`,
			`v1=${GOOD}`,
			`t=abc,v1=${GOOD}`,
			`t=${T},v1=${GOOD.slice(2)}`,
			`t=${T},v1=${'g'.repeat(64)}`,
			`t=${T},t=${T},v1=${GOOD}`,
			'sha256=' + GOOD,
		]) {
			expect(verifySignature({ ...base, header })).toMatchObject({
				ok: false,
				code: 'SIGNATURE_MALFORMED',
			});
		}
		expect(
			verifySignature({ ...base, deliveryId: undefined, header: `t=${T},v1=${GOOD}` }),
		).toMatchObject({ ok: false, code: 'DELIVERY_ID_MISSING' });
		expect(
			verifySignature({ ...base, deliveryId: 'bad id with spaces', header: `t=${T},v1=${GOOD}` }),
		).toMatchObject({ ok: false, code: 'DELIVERY_ID_MISSING' });
		expect(verifySignature({ ...base, secret: '', header: `t=${T},v1=${GOOD}` })).toMatchObject({
			ok: false,
			code: 'WEBHOOK_SECRET_MISSING',
		});
	});

	it('parses the header', () => {
		expect(parseSignatureHeader(`t=${T},v1=${GOOD},v1=${'b'.repeat(64)}`)).toEqual({
			timestamp: T,
			signatures: [GOOD, 'b'.repeat(64)],
			v2: [],
		});
	});

	it('binds the purpose: a v2 signature for one webhook is refused by another, and v1 is refused where a purpose is named', () => {
		const base = { rawBody: BODY, secret: SECRET, deliveryId: DELIVERY, now: at(T) };
		const intake = signWebhookRequest({
			rawBody: BODY,
			secret: SECRET,
			deliveryId: DELIVERY,
			timestamp: T,
			purpose: 'intake',
		});
		expect(intake).toMatch(/^t=\d+,v2=[0-9a-f]{64}$/);
		expect(verifySignature({ ...base, header: intake, purpose: 'intake' })).toEqual({
			ok: true,
			timestamp: T,
		});
		expect(verifySignature({ ...base, header: intake, purpose: 'courier-events' })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_MISMATCH',
		});
		// A receiver without purpose (v1) does not take a v2 signature, and a receiver with one does not take v1.
		expect(verifySignature({ ...base, header: intake })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_MISMATCH',
		});
		expect(
			verifySignature({ ...base, header: `t=${T},v1=${GOOD}`, purpose: 'intake' }),
		).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' });
		expect(verifySignature({ ...base, header: intake, purpose: 'Bad Purpose' })).toMatchObject({
			ok: false,
			code: 'SIGNATURE_PURPOSE_INVALID',
		});
	});
});

describe('checkWebhookSecret', () => {
	it('accepts a long secret and says what is wrong with others', () => {
		expect(checkWebhookSecret(SECRET).ok).toBe(true);
		expect(checkWebhookSecret('short')).toMatchObject({
			ok: false,
			message: expect.stringMatching(/at least 16/),
		});
		expect(checkWebhookSecret(' whsec_0123456789abcdef')).toMatchObject({ ok: false });
		expect(checkWebhookSecret(undefined)).toMatchObject({ ok: false });
	});
});
