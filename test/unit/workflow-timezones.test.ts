/**
 * Every shipped workflow names its time zone (n8n otherwise falls back on GENERIC_TIMEZONE, America/New_York in a
 * plain n8n): $today, $now and the schedules then follow the company's zone, whatever the server's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IANAZone } from 'luxon';

const folder = path.join(__dirname, '..', '..', 'workflows');
const files = readdirSync(folder).filter((f) => f.endsWith('.json'));

describe('shipped workflows: explicit time zone', () => {
	test.each(files)(
		'%s sets settings.timezone to a real IANA zone (Europe/Paris by default)',
		(file) => {
			const text = readFileSync(path.join(folder, file), 'utf8');
			const workflow = JSON.parse(text) as { settings?: { timezone?: string } };
			const zone = workflow.settings?.timezone;
			expect(zone).toBe('Europe/Paris');
			expect(IANAZone.isValidZone(zone as string)).toBe(true);
		},
	);

	test('there are shipped workflows to check', () => {
		expect(files.length).toBeGreaterThan(10);
	});
});
