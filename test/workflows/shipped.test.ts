import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../helpers/engine';

// Every shipped workflow is executed by an in-process test of its own: test/workflows/<workflow>.test.ts.
test('every workflow in workflows/ has its in-process test', () => {
	const shipped = readdirSync(path.join(PACKAGE_ROOT, 'workflows')).filter((f) =>
		f.endsWith('.json'),
	);
	const missing = shipped.filter(
		(file) => !existsSync(path.join(__dirname, file.replace(/\.json$/, '.test.ts'))),
	);
	expect(missing).toEqual([]);
});
