import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseInvoiceDocument } from '../parse/document';
import { checkInvoice } from './check';
import { INTAKE_RULES } from './rules';

/**
 * The EN 16931 rule-level unit tests (VEFA testSet files): each <test> holds a deliberately incomplete
 * invoice fragment and says whether the named business rule must fire. Our anomaly codes carry the EN 16931
 * rules they correspond to (`en16931` in the rule table); for every covered rule, the fragments that must
 * fire are flagged by one of those codes and the fragments that must pass are not.
 */
const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'einvoices');

interface UnitTest {
	file: string;
	n: number;
	rule: string;
	mustFire: boolean;
}

function unitTests(): UnitTest[] {
	const [header, ...lines] = readFileSync(path.join(FIXTURES, 'INDEX.tsv'), 'utf8')
		.trimEnd()
		.split('\n')
		.map((l) => l.split('\t'));
	return lines
		.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])))
		.filter((r) => r.local_path.includes('#test'))
		.map((r) => {
			const [file, test] = r.local_path.split('#test');
			return {
				file,
				n: Number(test),
				rule: r.note.match(/rule (BR-[A-Z0-9-]+) expected/)?.[1] ?? '',
				mustFire: r.expected_valid === 'no',
			};
		});
}

/** The invoice fragment of the n-th <test> of a testSet file, as a standalone document. */
function fragment(file: string, n: number): string {
	const text = readFileSync(path.join(FIXTURES, file), 'utf8');
	const tests = text.split(/<test[\s>]/).slice(1);
	const body = tests[n - 1];
	const match = body.match(/<(Invoice|CreditNote|rsm:CrossIndustryInvoice)[\s>][\s\S]*<\/\1>/);
	if (!match) throw new Error(`no invoice in ${file} test ${n}`);
	return `<?xml version="1.0" encoding="UTF-8"?>\n${match[0]}`;
}

const tests = unitTests();
const codesFor = (rule: string): string[] =>
	INTAKE_RULES.filter((r) => r.en16931?.includes(rule)).map((r) => r.code);

describe('EN 16931 unit tests', () => {
	it('every rule of the unit tests is covered by an anomaly code', () => {
		const rules = [...new Set(tests.map((t) => t.rule))].sort();
		expect(rules.filter((r) => codesFor(r).length === 0)).toEqual([]);
		expect(tests.filter((t) => t.mustFire).length).toBeGreaterThanOrEqual(40);
	});

	it.each(tests.map((t) => [`${t.file}#test${t.n}`, t]))('%s', async (_name, t) => {
		const test = t as UnitTest;
		const { invoices } = await parseInvoiceDocument(fragment(test.file, test.n));
		const fired = checkInvoice(invoices[0], { frenchRules: 'never' }).map((a) => a.code);
		const expected = codesFor(test.rule);
		if (test.mustFire) expect(fired.filter((c) => expected.includes(c))).not.toEqual([]);
		else expect(fired.filter((c) => expected.includes(c))).toEqual([]);
	});
});
