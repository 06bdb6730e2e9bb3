import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AfnorFlowError, readAfnorFlowNotification, verifyAfnorSignature } from './afnor';

/**
 * The AFNOR XP Z12-013 Flow Service webhook (OpenAPI "AFNOR Flow Service" 1.3.0 of fnfempe/France_RFE): the callback
 * body is the `Flow` schema; the signature is HMAC-SHA-256 over SHA-256(payload "@" epoch seconds), base64.
 */

// A callback body in the shape of the OpenAPI `Flow` schema (CoreFlowInfo + FullFlowInfoExtension + FlowExtension).
const flow = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
	flowId: 'a1b2c3d4-0000-4000-8000-000000000212',
	trackingId: 'TRK-77',
	name: 'CDAR_FA-2026-0042_212.xml',
	processingRule: 'B2B',
	flowSyntax: 'CDAR',
	flowProfile: 'CIUS',
	submittedAt: '2026-12-07T09:15:00Z',
	updatedAt: '2026-12-07T09:15:02Z',
	flowType: 'CustomerInvoiceLC',
	processingRuleSource: 'Computed',
	flowDirection: 'In',
	acknowledgement: { status: 'Ok' },
	...over,
});

const SPEC = JSON.parse(
	readFileSync(
		path.join(
			__dirname,
			'..',
			'..',
			'test',
			'fixtures',
			'afnor',
			'AFNOR-Flow_Service-1.3.0-swagger.json',
		),
		'utf8',
	),
) as {
	components: {
		schemas: Record<
			string,
			{
				required?: string[];
				enum?: string[];
				allOf?: Array<{ $ref?: string }>;
				properties?: Record<string, { $ref?: string }>;
			}
		>;
	};
};
const schema = (name: string) => SPEC.components.schemas[name];
/** The required properties of a schema, through its allOf parts. */
const requiredOf = (name: string): string[] => [
	...(schema(name).required ?? []),
	...(schema(name).allOf ?? []).flatMap((p) =>
		p.$ref ? requiredOf(p.$ref.split('/').pop()!) : [],
	),
];

describe('AFNOR Flow Service notifications', () => {
	it('the example callback body has the shape of the published Flow schema', () => {
		const body = flow();
		expect(requiredOf('Flow').sort()).toEqual(
			expect.arrayContaining([
				'flowId',
				'flowSyntax',
				'flowType',
				'flowDirection',
				'acknowledgement',
				'updatedAt',
				'submittedAt',
			]),
		);
		for (const key of requiredOf('Flow'))
			expect([key, body[key]]).toEqual([key, expect.anything()]);
		for (const [key, enumName] of [
			['flowType', 'FlowType'],
			['flowSyntax', 'FlowSyntax'],
			['flowDirection', 'FlowDirection'],
			['processingRule', 'ProcessingRule'],
			['flowProfile', 'FlowProfile'],
		] as const) {
			expect(schema(enumName).enum).toContain(body[key]);
		}
		expect(schema('FlowAckStatus').enum?.sort()).toEqual(['Error', 'Ok', 'Pending']);
		expect(requiredOf('Acknowledgement')).toEqual(['status']);
	});

	it('an incoming lifecycle flow in CDAR, acknowledged Ok, is fetched from the platform', () => {
		const n = readAfnorFlowNotification(flow());
		expect(n).toMatchObject({
			action: 'fetch_status',
			flowId: 'a1b2c3d4-0000-4000-8000-000000000212',
			flowType: 'CustomerInvoiceLC',
			ackStatus: 'Ok',
			updatedAt: '2026-12-07T09:15:02Z',
			trackingId: 'TRK-77',
			processingRule: 'B2B',
			fetch: {
				method: 'GET',
				path: '/v1/flows/a1b2c3d4-0000-4000-8000-000000000212',
				query: { docType: 'Original' },
			},
		});
		expect(readAfnorFlowNotification(flow({ flowId: 'id/with space' })).fetch?.path).toBe(
			'/v1/flows/id%2Fwith%20space',
		);
	});

	it('other flows are ignored with the reason, in French and English', () => {
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{ flowType: 'SupplierInvoiceLC' }, /SupplierInvoiceLC/],
			[{ flowType: 'CustomerInvoice', flowSyntax: 'CII' }, /CustomerInvoice /],
			[{ flowDirection: 'Out' }, /outgoing/],
			[{ flowSyntax: 'UBL' }, /UBL/],
			[{ acknowledgement: { status: 'Pending' } }, /Pending/],
			[
				{
					acknowledgement: {
						status: 'Error',
						details: [
							{
								level: 'Error',
								item: 'file',
								reasonCode: 'INVALID_SCHEMA',
								reasonMessage: 'schema',
							},
						],
					},
				},
				/refused/,
			],
		];
		for (const [over, why] of cases) {
			const n = readAfnorFlowNotification(flow(over));
			expect(n.action).toBe('ignore');
			expect(n.fetch).toBeUndefined();
			expect(n.reason?.en).toMatch(why);
			expect(n.reason?.fr).not.toEqual(n.reason?.en);
		}
		expect(
			readAfnorFlowNotification(
				flow({
					acknowledgement: {
						status: 'Error',
						details: [
							{
								level: 'Error',
								item: 'file',
								reasonCode: 'INVALID_SCHEMA',
								reasonMessage: 'schema',
							},
						],
					},
				}),
			).ackDetails,
		).toEqual([
			{ level: 'Error', item: 'file', reasonCode: 'INVALID_SCHEMA', reasonMessage: 'schema' },
		]);
	});

	it('a body that is not a Flow is refused with a code and French and English words', () => {
		const bad: unknown[] = [
			null,
			[],
			'text',
			flow({ flowId: '' }),
			flow({ flowType: undefined }),
			flow({ flowSyntax: 3 }),
			flow({ flowDirection: 'Sideways' }),
			flow({ acknowledgement: { status: 'Done' } }),
			flow({ updatedAt: 'yesterday', submittedAt: undefined }),
		];
		for (const body of bad) {
			let error: unknown;
			try {
				readAfnorFlowNotification(body);
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(AfnorFlowError);
			expect((error as AfnorFlowError).code).toBe('AFNOR_FLOW_SHAPE');
			expect((error as AfnorFlowError).said.fr).not.toEqual((error as AfnorFlowError).said.en);
		}
		// submittedAt stands in for updatedAt
		expect(readAfnorFlowNotification(flow({ updatedAt: undefined })).updatedAt).toBe(
			'2026-12-07T09:15:00Z',
		);
	});

	describe('signature (Afnor-Signature, Afnor-Signature-Timestamp)', () => {
		const key = Buffer.from('0f'.repeat(32), 'hex');
		const payload = JSON.stringify(flow());
		const now = new Date('2026-12-07T09:15:05Z');
		const ts = String(Math.floor(now.getTime() / 1000));
		const fingerprint = createHash('sha256').update(`${payload}@${ts}`).digest();
		const sign = (print: Buffer | string, k: Buffer = key): string =>
			createHmac('sha256', k).update(print).digest('base64');

		it('accepts the HMAC of the fingerprint (as bytes or as hexadecimal) with the signing key', () => {
			expect(
				verifyAfnorSignature(payload, { signature: sign(fingerprint), timestamp: ts }, key, {
					now,
				}),
			).toEqual({ ok: true });
			expect(
				verifyAfnorSignature(
					Buffer.from(payload),
					{ signature: sign(fingerprint.toString('hex')), timestamp: Number(ts) },
					key,
					{ now },
				),
			).toEqual({ ok: true });
		});

		it('refuses another payload, key or timestamp, a stale call and missing headers', () => {
			expect(
				verifyAfnorSignature(`${payload} `, { signature: sign(fingerprint), timestamp: ts }, key, {
					now,
				}),
			).toMatchObject({ ok: false, code: 'AFNOR_SIGNATURE_INVALID' });
			expect(
				verifyAfnorSignature(
					payload,
					{ signature: sign(fingerprint, Buffer.alloc(32, 1)), timestamp: ts },
					key,
					{ now },
				),
			).toMatchObject({ ok: false, code: 'AFNOR_SIGNATURE_INVALID' });
			expect(
				verifyAfnorSignature(
					payload,
					{ signature: sign(fingerprint), timestamp: String(Number(ts) + 1) },
					key,
					{ now },
				),
			).toMatchObject({ ok: false, code: 'AFNOR_SIGNATURE_INVALID' });
			const later = new Date(now.getTime() + 301_000);
			expect(
				verifyAfnorSignature(payload, { signature: sign(fingerprint), timestamp: ts }, key, {
					now: later,
				}),
			).toMatchObject({ ok: false, code: 'AFNOR_SIGNATURE_STALE' });
			expect(verifyAfnorSignature(payload, { timestamp: ts }, key, { now })).toMatchObject({
				ok: false,
				code: 'AFNOR_SIGNATURE_MISSING',
			});
			expect(
				verifyAfnorSignature(payload, { signature: sign(fingerprint), timestamp: '12e9' }, key, {
					now,
				}),
			).toMatchObject({ ok: false, code: 'AFNOR_SIGNATURE_MISSING' });
			expect(
				verifyAfnorSignature(payload, { signature: 'not base64 at all', timestamp: ts }, key, {
					now,
				}),
			).toMatchObject({ ok: false, code: 'AFNOR_SIGNATURE_INVALID' });
		});
	});
});
