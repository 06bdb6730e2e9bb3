const { rmSync } = require('node:fs');

module.exports = async () => {
	const pg = globalThis.__embeddedPg;
	if (!pg) return;
	await pg.stop();
	rmSync(pg.dir, { recursive: true, force: true });
};
