import { createHash, createHmac } from 'node:crypto';
import { closeEngine } from '../../../test/helpers/engine';
import { NODE, outputCounts, runNode } from '../../../test/helpers/nodes';

// Invoice Intake › Read Platform Flow Notification (AFNOR) as a node (n8n-core's engine): the standard platform
// API's webhook call (AFNOR XP Z12-013 Flow Service, `Flow` JSON, Afnor-Signature headers), checked and sorted.
describe('Invoice Intake › Read Platform Flow Notification (AFNOR)', () => {
	afterAll(async () => {
		await closeEngine();
	});

	const KEY = Buffer.alloc(32, 7);
	const flow = (over: Record<string, unknown> = {}) => ({
		flowId: 'f-212-0001',
		name: 'CDAR_FA-2026-0042.xml',
		processingRule: 'B2G',
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
	const call = (body: unknown, key: Buffer = KEY, tsOffset = 0) => {
		const raw = Buffer.from(JSON.stringify(body));
		const ts = String(Math.floor(Date.now() / 1000) + tsOffset);
		const fingerprint = createHash('sha256')
			.update(Buffer.concat([raw, Buffer.from(`@${ts}`)]))
			.digest();
		const signature = createHmac('sha256', key).update(fingerprint).digest('base64');
		return {
			json: { headers: { 'afnor-signature': signature, 'afnor-signature-timestamp': ts } },
			binary: {
				data: { data: raw.toString('base64'), mimeType: 'application/json', fileName: 'body' },
			},
		};
	};
	const credentials = {
		receivablesWebhookApi: { secret: KEY.toString('base64'), previousSecret: '' },
	};

	it('a signed lifecycle flow comes out on Fetch with the request that downloads its CDAR; other flows on Ignored; bad calls on Rejected', async () => {
		const run = await runNode(
			'invoiceIntake',
			{ operation: 'afnorFlowNotification' },
			{
				credentials,
				triggerItems: [
					call(flow()),
					call(flow({ flowType: 'CustomerInvoice', flowSyntax: 'CII' })),
					call(flow(), Buffer.alloc(32, 8)),
					call(flow(), KEY, -3600),
					call({ hello: 'world' }),
				] as never,
			},
		);
		// Fetch, Ignored, Rejected, Error
		expect(outputCounts(run)).toEqual([1, 1, 3, 0]);
		expect(run.nodeOutputs(NODE, 0)[0].json).toMatchObject({
			httpStatus: 200,
			flowId: 'f-212-0001',
			processingRule: 'B2G',
			method: 'GET',
			path: '/v1/flows/f-212-0001',
			query: { docType: 'Original' },
		});
		expect(run.nodeOutputs(NODE, 1)[0].json).toMatchObject({
			httpStatus: 200,
			flowType: 'CustomerInvoice',
			reason: expect.stringMatching(/not a lifecycle status/),
			reasonFr: expect.stringMatching(/cycle de vie/),
		});
		expect(run.nodeOutputs(NODE, 2).map((i) => i.json)).toEqual([
			expect.objectContaining({
				refused: true,
				httpStatus: 401,
				code: 'AFNOR_SIGNATURE_INVALID',
				errorFr: expect.any(String),
			}),
			expect.objectContaining({ refused: true, httpStatus: 401, code: 'AFNOR_SIGNATURE_STALE' }),
			expect.objectContaining({ refused: true, httpStatus: 400, code: 'AFNOR_FLOW_SHAPE' }),
		]);
		// no signing key and no signature in any item
		for (const output of [0, 1, 2])
			for (const item of run.nodeOutputs(NODE, output))
				expect(JSON.stringify(item.json)).not.toMatch(
					new RegExp(`${KEY.toString('base64')}|afnor-signature`, 'i'),
				);
	});

	it("from the Receivables Page Trigger (signature already checked there): the item's Flow JSON is sorted the same way, no key needed", async () => {
		const run = await runNode(
			'invoiceIntake',
			{ operation: 'afnorFlowNotification', notificationFrom: 'pageTrigger' },
			{
				credentials: { receivablesWebhookApi: { secret: '', previousSecret: '' } },
				triggerItems: [
					{ json: { flow: flow() } },
					{ json: { flow: flow({ flowDirection: 'Out' }) } },
					{ json: { flow: { flowId: 'f-1' } } },
					{ json: {} },
				] as never,
			},
		);
		expect(outputCounts(run)).toEqual([1, 1, 2, 0]);
		expect(run.nodeOutputs(NODE, 0)[0].json).toMatchObject({
			flowId: 'f-212-0001',
			method: 'GET',
			path: '/v1/flows/f-212-0001',
			query: { docType: 'Original' },
		});
		expect(run.nodeOutputs(NODE, 1)[0].json).toMatchObject({
			flowDirection: 'Out',
			reasonFr: expect.stringMatching(/sortant/),
		});
		expect(run.nodeOutputs(NODE, 2).map((i) => i.json)).toEqual([
			expect.objectContaining({
				refused: true,
				httpStatus: 400,
				code: 'AFNOR_FLOW_SHAPE',
				errorFr: expect.any(String),
			}),
			expect.objectContaining({ refused: true, httpStatus: 400, code: 'AFNOR_FLOW_SHAPE' }),
		]);
	});

	it('without a signing key every call is refused', async () => {
		const run = await runNode(
			'invoiceIntake',
			{ operation: 'afnorFlowNotification' },
			{
				credentials: { receivablesWebhookApi: { secret: '', previousSecret: '' } },
				triggerItems: [call(flow())] as never,
			},
		);
		expect(outputCounts(run)).toEqual([0, 0, 1, 0]);
		expect(run.nodeOutputs(NODE, 2)[0].json).toMatchObject({
			httpStatus: 401,
			code: 'AFNOR_SIGNATURE_NO_KEY',
		});
	});
});
