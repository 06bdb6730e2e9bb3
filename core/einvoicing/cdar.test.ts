import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCashedStatus, parseCdar } from './cdar';
import { lifecycleStatus } from './statuses';

// The 212 "Encaissée" message the package emits is checked with the official artefacts (test/fixtures/cdar, NOTICE):
// the CDAR D22B XSD through xmllint, and the BR-FR-CDV Schematron (XSLT 2.0) through Saxon-HE.
const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'cdar');
const XSD = path.join(FIXTURES, 'xsd', 'CrossDomainAcknowledgementAndResponse_100pD22B.xsd');
const SCHEMATRON = path.join(FIXTURES, 'schematron', 'BR-FR-CDV-Schematron-CDAR.xslt');
const SAXON = ['/usr/share/java/Saxon-HE.jar', '/usr/share/java/Saxon-HE-9.9.1.5.jar'].find((p) => existsSync(p));
const tools = spawnSync('xmllint', ['--version']).status === 0 && SAXON !== undefined && spawnSync('java', ['-version']).status === 0;
if (!tools && process.env.CI) throw new Error('xmllint (libxml2-utils), java and Saxon-HE (libsaxonhe-java) are needed to validate CDAR messages: .ci/run installs them.');
const itValidates = tools ? it : it.skip;
if (!tools) console.warn('CDAR validation tests skipped locally: install libxml2-utils and libsaxonhe-java (Debian) to run them.');

let dir: string;
beforeAll(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'cdar-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(xml: string): { xsd: string; failed: string[] } {
	const file = path.join(dir, `m-${Math.random().toString(36).slice(2)}.xml`);
	writeFileSync(file, xml);
	const lint = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
	const svrl = execFileSync('java', ['-jar', SAXON!, `-s:${file}`, `-xsl:${SCHEMATRON}`], { encoding: 'utf8', maxBuffer: 20 * 1024 * 1024 });
	const failed = [...svrl.matchAll(/<svrl:failed-assert[^>]*?flag="fatal"[\s\S]*?<svrl:text>([\s\S]*?)<\/svrl:text>/g)].map((m) => m[1].replace(/\s+/g, ' ').trim());
	return { xsd: lint.status === 0 ? 'valid' : lint.stderr, failed };
}

const cashed = {
	messageId: 'ENC-F-2026-0012-1',
	issuedAt: '2026-11-30T09:15:00Z',
	sellerSiren: '552100554',
	sellerName: 'Démo Créances & Fils',
	invoiceNumber: 'F-2026-0012',
	invoiceIssueDate: '2026-10-01',
	receivedOn: '2026-11-29',
	currency: 'EUR',
	received: [{ amountMinor: 100000n, vatRate: '20' }, { amountMinor: 5275n, vatRate: '5.5' }],
};

describe('the 212 "Encaissée" status the package emits', () => {
	itValidates('is valid against the CDAR D22B XSD and the BR-FR-CDV Schematron', () => {
		expect(validate(buildCashedStatus(cashed))).toEqual({ xsd: 'valid', failed: [] });
	});

	itValidates('the validators do catch a faulty message (a 212 without its amount block)', () => {
		const broken = buildCashedStatus(cashed).replace(/<ram:SpecifiedDocumentCharacteristic>.*?<\/ram:SpecifiedDocumentCharacteristic>/g, '');
		expect(validate(broken).failed.join(' ')).toContain('BR-FR-CDV-14');
	});

	it('reads back as the status it says: invoice, date, amounts per VAT rate', () => {
		const [event] = parseCdar(buildCashedStatus(cashed));
		expect(event).toMatchObject({ messageId: 'ENC-F-2026-0012-1', issuedAt: '2026-11-30T09:15:00Z', statusCode: '212', invoiceNumber: 'F-2026-0012', invoiceIssueDate: '2026-10-01', sellerId: '552100554', senderRole: 'SE' });
		expect(event.amounts).toEqual([{ type: 'MEN', amountMinor: 100000n, currency: 'EUR', vatRate: '20' }, { type: 'MEN', amountMinor: 5275n, currency: 'EUR', vatRate: '5.5' }]);
		expect(lifecycleStatus(event.statusCode)).toMatchObject({ fr: 'Encaissée', mandatory: true, effect: 'cashed' });
	});

	it('refuses what is not a CDAR message, an unknown status, a message without id', () => {
		expect(() => parseCdar('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')).toThrow(expect.objectContaining({ code: 'CDAR_NOT_CDAR' }));
		expect(() => parseCdar(buildCashedStatus(cashed).replace('<ram:ProcessConditionCode>212', '<ram:ProcessConditionCode>999'))).toThrow(expect.objectContaining({ code: 'CDAR_UNKNOWN_STATUS' }));
		expect(() => parseCdar(buildCashedStatus(cashed).replace(/<ram:ID>ENC[^<]*<\/ram:ID>/, ''))).toThrow(expect.objectContaining({ code: 'CDAR_MISSING_FIELD' }));
		expect(() => buildCashedStatus({ ...cashed, sellerSiren: '1234' })).toThrow(expect.objectContaining({ code: 'CDAR_BAD_SIREN' }));
	});
});
