import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
	applyLifecycleStatuses,
	parseCdar,
	storeInvoices,
	storePayments,
	upsertCustomers,
	type Ledger,
} from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import {
	closeEngine,
	loadWorkflow,
	PACKAGE_ROOT,
	runWorkflow,
	type WorkflowJson,
} from '../helpers/engine';

// The platform is a real HTTP server on loopback: it takes the first status, refuses the second once (503), then
// takes it. What it did not take stays owed and is sent again, with the same message id.
describe('workflow: E-invoicing — cashed (212) statuses to the platform, confirmed once taken', () => {
	let ledger: Ledger;
	let credentials: Record<string, Record<string, string | number>>;
	let server: Server;
	const received: Array<{ messageId: string; invoiceNumber: string; answered: number }> = [];
	let refuseOnce = new Set<string>(['CS-2']);

	function workflow(): WorkflowJson {
		const wf = loadWorkflow(
			path.join(PACKAGE_ROOT, 'workflows', 'einvoicing-cashed-statuses.json'),
		);
		const send = wf.nodes.find((n) => n.name === 'Send to the platform')!;
		send.parameters = {
			...send.parameters,
			url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/lifecycle`,
		};
		return wf;
	}

	beforeAll(async () => {
		server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const [event] = parseCdar(Buffer.concat(chunks));
				const refuse = refuseOnce.has(event.invoiceNumber);
				refuseOnce.delete(event.invoiceNumber);
				received.push({
					messageId: event.messageId,
					invoiceNumber: event.invoiceNumber,
					answered: refuse ? 503 : 200,
				});
				res
					.writeHead(refuse ? 503 : 200, { 'content-type': 'application/json' })
					.end(JSON.stringify({ ok: !refuse }));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		ledger = await createTestLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
		await ledger.query(
			`INSERT INTO settings (key, value) VALUES ('company', '{"name": "Démo SA", "siren": "552100554"}') ON CONFLICT (key) DO UPDATE SET value = settings.value || EXCLUDED.value`,
		);
		await upsertCustomers(ledger, [{ externalId: 'CS', name: 'Client Plateforme' }]);
		const invoice = (number: string) => ({
			docType: 'invoice' as const,
			number,
			customerExternalId: 'CS',
			currency: 'EUR',
			totalExclMinor: 100000n,
			totalTaxMinor: 20000n,
			totalInclMinor: 120000n,
			payableMinor: 120000n,
			issueDate: '2026-09-10',
			dueDate: '2026-10-10',
		});
		await storeInvoices(ledger, [invoice('CS-1'), invoice('CS-2')]);
		await applyLifecycleStatuses(
			ledger,
			['CS-1', 'CS-2'].map((n) => ({
				messageId: `S-${n}`,
				issuedAt: '2026-09-11T08:00:00Z',
				statusCode: '203',
				invoiceNumber: n,
				amounts: [],
			})),
		);
		await storePayments(
			ledger,
			['CS-1', 'CS-2'].map((n) => ({
				externalRef: `VIR-${n}`,
				amountMinor: 120000n,
				currency: 'EUR',
				receivedOn: '2026-10-05',
				invoiceNumbers: [n],
				customerExternalId: 'CS',
			})),
		);
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
		await new Promise((resolve) => server.close(resolve));
	});

	test('sends each receipt, confirms what the platform took, sends the rest again the next day with the same message id', async () => {
		const first = await runWorkflow(workflow(), { credentials });
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');
		expect(first.json('Cashed Statuses Owed').map((j) => j.invoiceNumber)).toEqual([
			'CS-1',
			'CS-2',
		]);
		expect(first.json('Confirm sent')).toEqual([expect.objectContaining({ confirmed: true })]);
		expect(first.json('Not accepted: sent again tomorrow')).toHaveLength(1);
		const second = await runWorkflow(workflow(), { credentials });
		expect(second.json('Cashed Statuses Owed').map((j) => j.invoiceNumber)).toEqual(['CS-2']);
		expect(second.json('Confirm sent')).toEqual([expect.objectContaining({ confirmed: true })]);
		const third = await runWorkflow(workflow(), { credentials });
		expect(third.json('Cashed Statuses Owed')).toEqual([]);
		expect(received.map((r) => [r.invoiceNumber, r.answered])).toEqual([
			['CS-1', 200],
			['CS-2', 503],
			['CS-2', 200],
		]);
		expect(received[1].messageId).toBe(received[2].messageId);
	});
});
