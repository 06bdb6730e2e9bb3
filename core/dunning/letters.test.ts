import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { installDefaultPolicies } from './policy';
import { planReminders } from './plan';
import { confirmLetters, produceLetters, type ProducedLetter } from './letters';
import { releaseExpiredClaims } from './send';
import { pdfText } from '../../test/helpers/pdf';

const COMPANY = {
	name: 'ACME SAS',
	legalName: 'ACME SAS au capital de 10 000 €',
	addressLines: ['1 place du Commerce', '69002 Lyon'],
	siren: '123456789',
	iban: 'FR76 3000 6000 0112 3456 7890 189',
	email: 'compta@acme.example',
};

async function collect(generator: AsyncGenerator<ProducedLetter>): Promise<ProducedLetter[]> {
	const out: ProducedLetter[] = [];
	for await (const letter of generator) out.push(letter);
	return out;
}

describe('letters', () => {
	let ledger: Ledger;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
	});

	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it('prints reminders for customers without e-mail, names in any script included, once', async () => {
		const names = [
			'Ωμέγα Εμπορική ΑΕ',
			'ООО «Горбунов и партнёры»',
			'Công ty Nguyễn Thị Hằng',
			'Société Générale d’Électricité Œuvre',
		];
		for (const [i, name] of names.entries()) {
			const c = await addCustomer(ledger, {
				externalId: `P${i}`,
				name,
				emails: [],
				addressLines: ['Rue 1', 'Bâtiment B'],
				postalCode: '75011',
				city: 'Paris',
			});
			await addInvoice(ledger, {
				customerId: c,
				number: `P-${i}`,
				dueDate: '2025-10-14',
				amount: 987654n,
			});
		}
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' });
		expect(plan.due.map((m) => m.channel)).toEqual(['letter', 'letter', 'letter', 'letter']);
		const letters = await collect(
			produceLetters(ledger, plan.due, { company: COMPANY, place: 'Lyon' }),
		);
		expect(letters.map((l) => l.outcome.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
		expect(letters[0].fileName).toBe('level1-P0-2025-10-20.pdf');
		for (const [i, letter] of letters.entries()) {
			const text = pdfText(letter.pdf as Uint8Array);
			expect(text).toContain(names[i]);
			expect(text).toContain('Lyon, le 20 octobre 2025');
			expect(text).toContain(
				`Facture P-${i} du 2 janvier 2025, échue le 14 octobre 2025 : 9 876,54 € restant dû`,
			);
			expect(text).toContain('75011 Paris');
			expect(text).toContain('SIREN 123 456 789');
		}
		// rendered, not sent: the step that writes or prints them confirms
		const rows = await ledger.query<{ channel: string; status: string }>(
			"SELECT channel, status FROM reminders WHERE stage = 'level1'",
		);
		expect(rows.every((r) => r.channel === 'letter' && r.status === 'rendered')).toBe(true);
		const confirmed = await confirmLetters(
			ledger,
			letters.map((l) => ({
				letter: l.outcome.messageId as string,
				destination: `/letters/${l.fileName}`,
			})),
		);
		expect(confirmed.map((c) => [c.status, c.invoiceNumbers])).toEqual(
			[0, 1, 2, 3].map((i) => ['confirmed', [`P-${i}`]]),
		);
		expect(
			(await confirmLetters(ledger, [{ letter: letters[0].outcome.messageId as string }])).map(
				(c) => c.status,
			),
		).toEqual(['already_confirmed']);
		expect((await confirmLetters(ledger, [{ letter: 'letter:nope' }]))[0]).toMatchObject({
			status: 'unknown',
		});
		const sent = await ledger.query<{ status: string }>(
			"SELECT status FROM reminders WHERE stage = 'level1'",
		);
		expect(sent.every((r) => r.status === 'sent')).toBe(true);
		const history = await ledger.query<{
			kind: string;
			channel: string;
			content_hash: string | null;
		}>("SELECT kind, channel, content_hash FROM history WHERE channel = 'letter' ORDER BY id");
		expect(history.map((h) => h.kind)).toEqual([
			...Array(4).fill('letter_rendered'),
			...Array(4).fill('reminder_sent'),
		]);
		expect(history[0].content_hash).toMatch(/^[0-9a-f]{64}$/);
		const again = await collect(produceLetters(ledger, plan.due, { company: COMPANY }));
		expect(again.map((l) => l.outcome.status)).toEqual([
			'skipped',
			'skipped',
			'skipped',
			'skipped',
		]);
		expect(again.every((l) => l.pdf === undefined)).toBe(true);
	}, 60_000);

	it('renders again a letter never confirmed once its lease expired, and only then', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'LOSTLETTER',
			emails: [],
			addressLines: ['Rue 2'],
			postalCode: '69001',
			city: 'Lyon',
		});
		const inv = await addInvoice(ledger, { customerId: c, number: 'LL-1', dueDate: '2025-10-14' });
		const plan = await planReminders(ledger, {
			stage: 'level1',
			asOf: '2025-10-20',
			invoiceIds: [inv],
		});
		const [first] = await collect(produceLetters(ledger, plan.due, { company: COMPANY }));
		expect(first.pdf).toBeDefined();
		// the write failed: no confirmation. Within the lease, nothing is rendered twice
		const replan = await planReminders(ledger, {
			stage: 'level1',
			asOf: '2025-10-20',
			invoiceIds: [inv],
		});
		expect(replan.held.map((h) => h.detail)).toEqual(['stage level1 is already rendered']);
		expect(
			(await collect(produceLetters(ledger, plan.due, { company: COMPANY }))).map(
				(l) => l.outcome.status,
			),
		).toEqual(['skipped']);
		// after the lease: released, planned and rendered again, same file name
		await ledger.query(
			"UPDATE reminders SET handed_over_at = now() - interval '1 hour' WHERE invoice_id = $1",
			[inv],
		);
		expect(await releaseExpiredClaims(ledger, 30)).toEqual({ released: 1, uncertain: 0 });
		const again = await planReminders(ledger, {
			stage: 'level1',
			asOf: '2025-10-20',
			invoiceIds: [inv],
		});
		const [second] = await collect(produceLetters(ledger, again.due, { company: COMPANY }));
		expect(second.pdf).toBeDefined();
		expect(second.fileName).toBe(first.fileName);
		expect(
			(await confirmLetters(ledger, [{ letter: second.outcome.messageId as string }]))[0].status,
		).toBe('confirmed');
		const row = await ledger.query<{ status: string; attempts: number }>(
			'SELECT status, attempts FROM reminders WHERE invoice_id = $1',
			[inv],
		);
		expect(row[0]).toEqual({ status: 'sent', attempts: 2 });
	}, 30_000);

	it('prints formal notices with the late-payment charges', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'FN1',
			name: 'Retard & Cie',
			language: 'fr',
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'FN-1',
			dueDate: '2025-08-01',
			amount: 1000000n,
		});
		const plan = await planReminders(ledger, { stage: 'formal_notice', asOf: '2025-09-15' });
		const mine = plan.due.filter((m) => m.customer.externalId === 'FN1');
		expect(mine[0].channel).toBe('letter');
		const [letter] = await collect(produceLetters(ledger, mine, { company: COMPANY }));
		const text = pdfText(letter.pdf as Uint8Array);
		expect(text).toContain('Mise en demeure de payer – Retard & Cie');
		// 10 000 € × 12,15 % × 45 / 365 = 149,79 €
		expect(text).toContain('Pénalités de retard au taux annuel de 12,15 %');
		expect(text).toContain('149,79 €');
		expect(text).toContain('(article D441-5) : 40,00 €');
		expect(text).toContain('Total : 10 189,79 €');
	}, 30_000);

	it('prints each half-year with its days and rate when the delay spans two, so the customer can recompute', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'FN2',
			name: 'Deux Semestres SA',
			language: 'fr',
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'FN-2',
			dueDate: '2025-06-01',
			amount: 1000000n,
		});
		const plan = await planReminders(ledger, { stage: 'formal_notice', asOf: '2025-07-16' });
		const [letter] = await collect(
			produceLetters(
				ledger,
				plan.due.filter((m) => m.customer.externalId === 'FN2'),
				{ company: COMPANY },
			),
		);
		// What a person copies from the page, on one line.
		const text = pdfText(letter.pdf as Uint8Array).replace(/[\s\u00a0\u202f]+/g, ' ');
		// 45 days late: 29 days (2–30 June) in H1 2025 at 3.15 % + 10 = 13.15 %, 16 days (1–16 July) in H2 2025 at
		// 2.15 % + 10 = 12.15 %: 10 000 × (29 × 0.1315 + 16 × 0.1215) / 365 = 10 000 × 5.7575 / 365 = 157.739… → 157.74
		expect(text).toContain(
			'10 000,00 € × (29 j du 2 juin 2025 au 30 juin 2025 à 13,15 % + 16 j du 1 juillet 2025 au 16 juillet 2025 à 12,15 %) / 365 = 157,74 €',
		);
		// 10 000,00 + 157,74 + 40,00 = 10 197,74
		expect(text).toContain('Total : 10 197,74 €');
	}, 30_000);
});
