import type { Ledger } from '../../core';

/** Couriers, two zones in Morocco and Senegal, monthly customers with March 2026 invoices. */
export async function seedDistribution(ledger: Ledger): Promise<void> {
	await ledger.query(
		`INSERT INTO staff (code, name, roles) VALUES ('C1', 'Youssef', '{courier}'), ('C2', 'Awa', '{courier}'), ('R1', 'Rep', '{sales_rep}')`,
	);
	await ledger.query(`INSERT INTO customers (external_id, name, billing_cycle, zone, city, country, currency, address_lines, sales_rep_code) VALUES
		('K1', 'Atlas Distribution', 'monthly', 'CASA-NORD', 'Casablanca', 'MA', 'MAD', '{"12 rue Allal Ben Abdallah"}', 'R1'),
		('K2', 'Dakar Froid', 'monthly', 'PLATEAU', 'Dakar', 'SN', 'XOF', '{"Rue 10, Plateau"}', 'R1')`);
	for (const [n, c, cur, terms] of [
		['MA-1', 'K1', 'MAD', 'reception'],
		['MA-2', 'K1', 'MAD', null],
		['MA-3', 'K1', 'MAD', null],
		['SN-1', 'K2', 'XOF', null],
	] as const) {
		await ledger.query(
			`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, terms_days, terms_basis, content_hash)
			SELECT $1, id, $3, 120000, 120000, 120000, 120000, '2026-03-10', '2026-04-09', 30, $4, md5($1) FROM customers WHERE external_id = $2`,
			[n, c, cur, terms],
		);
	}
}
