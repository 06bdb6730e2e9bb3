import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { classifyBounce, SISIMAI_REASONS } from './bounce';

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures');

function table(file: string): Array<Record<string, string>> {
	const [header, ...rows] = readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map((line) => line.split('\t'));
	return rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i]])));
}

describe("classifyBounce on Sisimai's bounce collection", () => {
	const expected = table(path.join(FIXTURES, 'bounces', 'expected.tsv'));

	it.each(expected.map((row) => [row.file, Number(row.recipient_index), row]))(
		'%s recipient %d',
		async (file, index, row) => {
			const report = await classifyBounce(
				readFileSync(path.join(FIXTURES, 'bounces', file as string)),
			);
			const reason = SISIMAI_REASONS[row.expected_reason];
			const r = report.recipients[(index as number) - 1];
			expect(r).toBeDefined();
			expect(r.reason).toBe(reason);
			expect(r.hard).toBe(row.expected_hardbounce === 'true');
			// 5.0.9xx are Sisimai's own codes for bounces that carry no status: nothing to compare
			if (row.expected_dsn_status !== '-' && !/^5\.0\.9\d\d$/.test(row.expected_dsn_status))
				expect(r.status).toBe(row.expected_dsn_status);
			if (reason === 'auto_reply') expect(report.kind).toBe('auto_reply');
			else if (reason === 'delivered') expect(report.kind).toBe('delivered');
			else if (reason === 'complaint') expect(report.feedbackType).toBe(row.expected_feedback_type);
			else expect(report.kind).toBe('bounce');
			if (row.final_recipient_field_in_message !== '-' && reason !== 'delivered')
				expect(r.address).toBe(row.final_recipient_field_in_message.split(',')[0]);
		},
	);

	it('reads the DSN fixtures of mailparser', async () => {
		const dsn = await classifyBounce(
			readFileSync(path.join(FIXTURES, 'dsn', 'delivery-status.eml')),
		);
		expect(dsn.kind).toBe('bounce');
		expect(dsn.recipients[0]).toMatchObject({
			status: '5.1.1',
			hard: true,
			reason: 'user_unknown',
		});
		const inline = await classifyBounce(
			readFileSync(path.join(FIXTURES, 'dsn', 'issue-221-test-inline-dsn.eml'), 'utf8').replace(
				/\r?\n/g,
				'\r\n',
			),
		);
		expect(inline.subject).not.toBe('');
		expect(inline.recipients[0]).toMatchObject({
			address: 'bar@invalid.local',
			status: '5.1.1',
			hard: true,
		});
	});
});
