// The company's identity in what customers receive: e-mail sender, subjects, letters (letterhead with the logo,
// footer with legal mentions and bank details), invoice copies (issuer) and courier manifests.
import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtpSink';
import { pdfImages, pdfText } from '../../test/helpers/pdf';
import { solidPng } from '../../test/helpers/png';
import { installDefaultPolicies } from '../dunning/policy';
import { planReminders } from '../dunning/plan';
import { produceLetters, renderInvoiceCopy, type ProducedLetter } from '../dunning/letters';
import { sendReminderEmails } from '../dunning/send';
import { invoiceCopyOfLedgerInvoice } from '../documents/invoiceCopy';
import { loadManifest, renderManifestPdf } from '../distribution/manifest';
import { planWaves } from '../distribution/waves';
import { frenchVatKey } from './identity';
import { loadCompany, saveCompany } from './store';

const VAT = `FR${frenchVatKey('552100554')}552100554`;
const IDENTITY = {
	name: 'ACME',
	legalName: 'ACME Industrie',
	legalForm: 'SAS',
	shareCapital: '50 000 €',
	addressLines: '1 place du Commerce\n69002 Lyon',
	siren: '552100554',
	vatNumber: VAT,
	rcs: 'RCS Lyon 552 100 554',
	email: 'contact@acme.example',
	phone: '04 72 00 00 00',
	senderEmail: 'relances@acme.example',
	senderName: 'Service recouvrement ACME',
	iban: 'FR7630006000011234567890189',
	bic: 'BNPAFRPP',
	legalMentions:
		'Pénalités de retard au taux de trois fois le taux d’intérêt légal ; indemnité forfaitaire de 40 €.',
};

async function collect(generator: AsyncGenerator<ProducedLetter>): Promise<ProducedLetter[]> {
	const out: ProducedLetter[] = [];
	for await (const letter of generator) out.push(letter);
	return out;
}

describe('the company identity in documents and messages', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		sink = await startSmtpSink();
	});
	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
	});

	it('with no company set yet, the pre-due subject does not start with a dash', async () => {
		const c = await addCustomer(ledger, { externalId: 'NONAME', emails: ['ap@noname.example'] });
		await addInvoice(ledger, {
			customerId: c,
			number: 'PD-1',
			dueDate: '2025-10-25',
			amount: 120000n,
		});
		const plan = await planReminders(ledger, {
			stage: 'pre_due',
			asOf: '2025-10-20',
			invoiceIds: undefined,
		});
		const mine = plan.due.filter((m) => m.customer.externalId === 'NONAME');
		const before = sink.received.length;
		const result = await sendReminderEmails(ledger, mine, {
			smtp: sink.config,
			from: { address: 'ar@x.example' },
			company: await loadCompany(ledger),
		});
		expect(result.outcomes.map((o) => o.status)).toEqual(['sent']);
		const [mail] = (await sink.parsed()).slice(before);
		expect(mail.subject).toBe('Échéance prochaine de 1\u202f200,00\u00a0€');
	});

	it('e-mails come from the company sender and name it in the subject; letters carry the letterhead, logo, legal mentions and bank details', async () => {
		const logo = solidPng(300, 100);
		await saveCompany(ledger, IDENTITY, {
			logo: { data: logo, mimeType: 'image/png' },
			actor: 'test',
		});
		const company = await loadCompany(ledger);
		const withMail = await addCustomer(ledger, { externalId: 'MAIL', emails: ['ap@mail.example'] });
		await addInvoice(ledger, {
			customerId: withMail,
			number: 'PD-2',
			dueDate: '2025-10-25',
			amount: 50000n,
		});
		const pre = (await planReminders(ledger, { stage: 'pre_due', asOf: '2025-10-20' })).due.filter(
			(m) => m.customer.externalId === 'MAIL',
		);
		const before = sink.received.length;
		// neither the node nor the policy names a sender: the company's is used
		await sendReminderEmails(ledger, pre, { smtp: sink.config, company });
		const [mail] = (await sink.parsed()).slice(before);
		expect(mail.from?.value[0]).toEqual({
			name: 'Service recouvrement ACME',
			address: 'relances@acme.example',
		});
		expect(mail.subject).toBe('ACME – échéance prochaine de 500,00\u00a0€');

		const byPost = await addCustomer(ledger, {
			externalId: 'POST',
			name: 'Boulangerie Martin',
			emails: [],
			addressLines: ['3 rue Neuve'],
			postalCode: '75011',
			city: 'Paris',
		});
		await addInvoice(ledger, {
			customerId: byPost,
			number: 'L-1',
			dueDate: '2025-10-10',
			amount: 98765n,
		});
		const plan = (await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' })).due.filter(
			(m) => m.customer.externalId === 'POST',
		);
		const [letter] = await collect(produceLetters(ledger, plan, { company, place: 'Lyon' }));
		const text = pdfText(letter.pdf as Uint8Array);
		expect(text).toContain('ACME Industrie SAS');
		expect(text).toContain('1 place du Commerce');
		expect(text).toContain('69002 Lyon');
		expect(text).toContain(
			`SAS au capital de 50 000 € · SIREN 552 100 554 · RCS Lyon 552 100 554 · TVA ${VAT}`,
		);
		expect(text).toContain('Tél. 04 72 00 00 00 · contact@acme.example');
		expect(text).toContain('Pénalités de retard au taux de trois fois');
		expect(text).toContain(
			'Coordonnées bancaires : IBAN FR76 3000 6000 0112 3456 7890 189 · BIC BNPAFRPP',
		);
		expect(text).toContain('Boulangerie Martin');
		const images = pdfImages(letter.pdf as Uint8Array);
		expect(images).toEqual([expect.objectContaining({ page: 1, width: 300, height: 100 })]);

		// the copy of an invoice names its issuer, with the logo
		const copy = await renderInvoiceCopy(ledger, plan[0].invoices[0], plan[0], company);
		const copyText = pdfText(copy.content);
		expect(copyText).toContain(`Émetteur : ACME Industrie SAS, SIREN 552 100 554, TVA ${VAT}`);
		expect(copyText).toContain('Copie de la facture L-1 (duplicata)');
		expect(copyText).toContain('IBAN FR76 3000 6000 0112 3456 7890 189');
		expect(copyText).toContain('Référence de virement à indiquer : RF30 L1');
		expect(pdfImages(copy.content)).toHaveLength(1);
		// without a logo: no image, the rest the same
		const plain = await invoiceCopyOfLedgerInvoice(
			ledger,
			plan[0].invoices[0].id,
			await loadCompany(ledger, {}, { logo: false }),
		);
		expect(pdfImages(plain.content)).toEqual([]);
		expect(pdfText(plain.content)).toContain('Émetteur : ACME Industrie SAS');
	});

	it('courier manifests are headed with the company name and their cover sheets carry its letterhead', async () => {
		await ledger.query(
			`INSERT INTO staff (code, name, roles) VALUES ('CR1', 'Moussa Diop', '{courier}') ON CONFLICT DO NOTHING`,
		);
		await ledger.query(`INSERT INTO customers (external_id, name, billing_cycle, zone, city, postal_code, country, currency, address_lines) VALUES
			('W1', 'Ténéré Énergie', 'monthly', 'PLATEAU', 'Dakar', '10200', 'SN', 'XOF', '{"Rue 12, Médina"}')`);
		await ledger.query(`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
			SELECT 'W-0001', id, 'XOF', 1500000, 1500000, 1500000, 1500000, '2026-03-10', '2026-04-09', md5('W-0001') FROM customers WHERE external_id = 'W1'`);
		await planWaves(ledger, {
			runDate: '2026-03-31',
			maxPerCourierPerDay: 100,
			startDate: '2026-03-30',
		});
		const [wave] = await ledger.query<{ code: string }>('SELECT code FROM waves LIMIT 1');
		const data = await loadManifest(ledger, wave.code);
		const pdf = await renderManifestPdf(data, {
			qrSecret: 'manifest-company-secret-0123456789',
			language: 'fr',
			company: await loadCompany(ledger),
		});
		const text = pdfText(pdf);
		expect(text).toContain(`ACME — Bordereau de tournée ${wave.code}`);
		expect(text).toContain('ACME Industrie SAS');
		expect(text).toContain('Ténéré Énergie');
	});
});
