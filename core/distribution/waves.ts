import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { formatAmount, roundHalfAwayFromZero } from '../money';
import { parseCalendarDate } from '../time';
import { addBusinessDays, nextBusinessDayOrSame } from './calendar';
import { cycleInvoices, type CycleInvoice } from './cycles';

export interface WaveRates {
	/** Per invoice handed out, in minor units of the wave's currency. */
	courierMinor?: bigint;
	printingMinor?: bigint;
	postageMinor?: bigint;
}

export interface PlanWavesInput {
	runDate: string;
	/** Most invoices one courier carries in one day (one wave per courier and day). */
	maxPerCourierPerDay: number;
	/** First handover day (default: the run date); waves go on the next business days of their country. */
	startDate?: string;
	/** Group by customers.zone (falling back to the city) or by city. */
	groupBy?: 'zone' | 'city';
	/** Only these couriers (staff codes); default every active staff member with the courier role. */
	couriers?: string[];
	customers?: string[];
	onlyRunDay?: boolean;
	rates?: WaveRates;
	/** Plan without writing (preview). */
	dryRun?: boolean;
}

export interface PlannedWave {
	code: string;
	id?: string;
	cycleKey: string;
	zone: string;
	city: string | null;
	country: string;
	courierCode: string;
	plannedOn: string;
	currency: string;
	invoices: Array<
		Pick<
			CycleInvoice,
			'invoiceId' | 'number' | 'customerExternalId' | 'customerName' | 'amountMinor'
		>
	>;
}

/** Invoices of a zone no courier serves: left unplanned (for the next run), never given to another zone's courier. */
export interface UnservedZone {
	cycleKey: string;
	country: string;
	zone: string;
	city: string | null;
	currency: string;
	invoiceCount: number;
	invoiceNumbers: string[];
}

export interface PlanWavesResult {
	waves: PlannedWave[];
	invoiceCount: number;
	invalidCycles: Array<{ rule: string; customers: number }>;
	/** Zones with invoices to hand out and no courier serving them. */
	unserved: UnservedZone[];
	/** Billing cycles with a cut on the run date (customers' rules); none: no cycle ends that day. */
	cyclesEnding: string[];
}

/** A courier and the areas they serve ("MA", "MA:Casablanca"); none declared: every area. */
export interface CourierArea {
	code: string;
	serves: string[];
}

function fold(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.trim()
		.toLowerCase();
}

/**
 * Whether a courier serves a place: an area "CC" serves the whole country CC; "CC:Name" serves the zone or city
 * called Name in country CC (accents and case ignored). A courier with no area declared serves everywhere.
 */
export function courierServes(
	courier: CourierArea,
	place: { country: string; zone?: string | null; city?: string | null },
): boolean {
	if (courier.serves.length === 0) return true;
	const country = fold(place.country);
	const names = [place.zone, place.city]
		.filter((x): x is string => !!x && x.trim().length > 0)
		.map(fold);
	return courier.serves.some((area) => {
		const [c, ...rest] = area.split(':');
		if (fold(c) !== country) return false;
		if (rest.length === 0) return true;
		return names.includes(fold(rest.join(':')));
	});
}

/** Checks and normalises a list of areas ("MA", "MA:Casablanca"), refusing what is not one. */
export function parseCourierAreas(areas: string[]): string[] {
	const out: string[] = [];
	for (const raw of areas) {
		const area = raw.trim();
		if (!area) continue;
		const [country, ...rest] = area.split(':');
		const name = rest.join(':').trim();
		if (!/^[A-Za-z]{2}$/.test(country.trim()) || (rest.length > 0 && !name)) {
			throw new ReceivablesError(
				'COURIER_AREA_INVALID',
				`"${area}" is not an area: write a country code (MA) or a country code and a zone or city (MA:Casablanca) / « ${area} » n'est pas une zone : code pays (MA) ou code pays et zone ou ville (MA:Casablanca).`,
				{
					hint: 'Use ISO country codes of two letters, e.g. MA, SN, CI, FR, followed by ":" and the zone or city when the courier serves only part of the country.',
				},
			);
		}
		const normal = rest.length
			? `${country.trim().toUpperCase()}:${name}`
			: country.trim().toUpperCase();
		if (!out.includes(normal)) out.push(normal);
	}
	return out;
}

/** Sets the areas a courier serves (replacing the previous list); an empty list: every area. */
export async function setCourierAreas(
	ledger: Ledger,
	code: string,
	areas: string[],
): Promise<{ code: string; serves: string[] }> {
	const serves = parseCourierAreas(areas);
	const rows = await ledger.query<{ code: string; serves: string[] }>(
		`UPDATE staff SET serves = $2, updated_at = now() WHERE code = $1 AND 'courier' = ANY(roles) RETURNING code, serves`,
		[code, serves],
	);
	if (!rows[0]) {
		throw new ReceivablesError(
			'COURIER_UNKNOWN',
			`No courier "${code}" in the staff list / Aucun coursier « ${code} » dans le personnel.`,
			{ hint: "Use the staff code of a staff member with the role 'courier'." },
		);
	}
	return rows[0];
}

function slug(text: string): string {
	return (
		text
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.toUpperCase()
			.replace(/[^A-Z0-9]+/g, '-')
			.replace(/^-|-$/g, '')
			.slice(0, 24) || 'NA'
	);
}

/**
 * Plans the waves of a cycle run: the run's invoices grouped by zone (or city), cut into waves of at most
 * `maxPerCourierPerDay`, each given to a courier on a business day of its country (one wave per courier and
 * day, counting waves already planned). Writes waves and deliveries in one transaction.
 */
export async function planWaves(ledger: Ledger, input: PlanWavesInput): Promise<PlanWavesResult> {
	const max = input.maxPerCourierPerDay;
	if (!Number.isInteger(max) || max < 1 || max > 100000) {
		throw new ReceivablesError(
			'WAVE_MAX_INVALID',
			`The maximum per courier and day must be a whole number from 1, not ${String(max)} / Le maximum par coursier et par jour doit être un entier ≥ 1.`,
			{ hint: 'Set maxPerCourierPerDay, e.g. 40.' },
		);
	}
	const runDate = parseCalendarDate(input.runDate);
	if (!runDate)
		throw new ReceivablesError(
			'CYCLE_DATE_INVALID',
			`The run date "${input.runDate}" is not a date.`,
			{ hint: 'Write it as YYYY-MM-DD.' },
		);
	const startDate = input.startDate ? parseCalendarDate(input.startDate) : runDate;
	if (!startDate)
		throw new ReceivablesError(
			'WAVE_START_INVALID',
			`The first handover day "${input.startDate}" is not a date.`,
			{ hint: 'Write it as YYYY-MM-DD.' },
		);
	const rates = input.rates ?? {};
	for (const [k, v] of Object.entries(rates)) {
		if (v !== undefined && (typeof v !== 'bigint' || v < 0n))
			throw new ReceivablesError(
				'WAVE_RATE_INVALID',
				`The ${k} rate must be a non-negative amount.`,
				{ hint: 'Give rates in minor units (bigint).' },
			);
	}
	const plan = async (client: PoolClient): Promise<PlanWavesResult> => {
		await client.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':plan-waves'))`);
		const couriers = await client.query<{ code: string; serves: string[] }>(
			`SELECT code, serves FROM staff WHERE active AND 'courier' = ANY(roles) AND ($1::text[] IS NULL OR code = ANY($1)) ORDER BY code`,
			[input.couriers?.length ? input.couriers : null],
		);
		if (couriers.rows.length === 0) {
			throw new ReceivablesError(
				'NO_COURIER',
				'No active courier to give the waves to / Aucun coursier actif pour les tournées.',
				{
					hint: "Add staff with the role 'courier' (staff.roles) or check the courier codes given.",
				},
			);
		}
		if (input.couriers?.length && couriers.rows.length !== new Set(input.couriers).size) {
			const known = new Set(couriers.rows.map((r) => r.code));
			const unknown = input.couriers.filter((c) => !known.has(c));
			throw new ReceivablesError(
				'COURIER_UNKNOWN',
				`Unknown or inactive courier(s): ${unknown.join(', ')} / Coursier(s) inconnu(s) ou inactif(s).`,
				{ hint: "Use staff codes of active staff with the role 'courier'." },
			);
		}
		const { invoices, invalidCycles, periods } = await cycleInvoices(client, {
			runDate,
			customers: input.customers,
			onlyRunDay: input.onlyRunDay,
		});
		const unserved: UnservedZone[] = [];
		const groups = new Map<string, CycleInvoice[]>();
		for (const inv of invoices) {
			const place = input.groupBy === 'city' ? (inv.city ?? inv.zone) : (inv.zone ?? inv.city);
			const key = `${inv.cycleKey}|${inv.country}|${place ?? ''}|${inv.currency}`;
			const list = groups.get(key);
			if (list) list.push(inv);
			else groups.set(key, [inv]);
		}
		const load = await client.query<{ courier_code: string; planned_on: string; n: string }>(
			`SELECT w.courier_code, to_char(w.planned_on, 'YYYY-MM-DD') AS planned_on, count(d.id) AS n FROM waves w LEFT JOIN deliveries d ON d.wave_id = w.id
			WHERE w.planned_on >= $1 AND w.courier_code IS NOT NULL GROUP BY 1, 2`,
			[startDate],
		);
		const busy = new Map<string, number>();
		for (const r of load.rows) busy.set(`${r.courier_code}|${r.planned_on}`, Number(r.n));
		const waves: PlannedWave[] = [];
		const dayByCountry = new Map<string, string>();
		const sequence = new Map<string, number>();
		for (const [key, list] of groups) {
			const [cycleKey, country, place, currency] = key.split('|');
			const cities = [...new Set(list.map((inv) => inv.city).filter((c): c is string => !!c))];
			const serving = couriers.rows
				.filter(
					(c) =>
						courierServes(c, { country, zone: place }) ||
						cities.some((city) => courierServes(c, { country, city })),
				)
				.map((c) => c.code);
			if (serving.length === 0) {
				unserved.push({
					cycleKey,
					country,
					zone: place,
					city: list[0].city,
					currency,
					invoiceCount: list.length,
					invoiceNumbers: list.map((inv) => inv.number),
				});
				continue;
			}
			for (let i = 0; i < list.length; i += max) {
				const chunk = list.slice(i, i + max);
				let day =
					dayByCountry.get(`${country}|${place}`) ?? nextBusinessDayOrSame(country, startDate);
				let courier: string | undefined;
				for (let guard = 0; guard < 3660 && !courier; guard++) {
					courier = serving.find((c) => (busy.get(`${c}|${day}`) ?? 0) === 0);
					if (!courier) day = addBusinessDays(country, day, 1);
				}
				if (!courier)
					throw new ReceivablesError('WAVE_NO_DAY', 'No courier is free in the next ten years.', {
						hint: 'Add couriers.',
					});
				busy.set(`${courier}|${day}`, chunk.length);
				dayByCountry.set(`${country}|${place}`, day);
				const prefix = `W${cycleKey.split('@')[1].replace(/-/g, '')}-${slug(place || 'NA')}`;
				let n = sequence.get(prefix);
				if (n === undefined) {
					const existing = await client.query<{ n: string }>(
						`SELECT count(*) AS n FROM waves WHERE code LIKE $1`,
						[`${prefix}-%`],
					);
					n = Number(existing.rows[0].n);
				}
				n++;
				sequence.set(prefix, n);
				waves.push({
					code: `${prefix}-${String(n).padStart(2, '0')}`,
					cycleKey,
					zone: place || '',
					city: chunk[0].city,
					country,
					courierCode: courier,
					plannedOn: day,
					currency,
					invoices: chunk.map((c) => ({
						invoiceId: c.invoiceId,
						number: c.number,
						customerExternalId: c.customerExternalId,
						customerName: c.customerName,
						amountMinor: c.amountMinor,
					})),
				});
			}
		}
		if (!input.dryRun) {
			for (const wave of waves) {
				const row = await client.query<{ id: string }>(
					`INSERT INTO waves (code, billing_cycle, cycle_key, zone, city, country, courier_code, planned_on, currency, courier_rate_minor, printing_rate_minor, postage_rate_minor)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
					[
						wave.code,
						wave.cycleKey.split('@')[0],
						wave.cycleKey,
						wave.zone || null,
						wave.city,
						wave.country,
						wave.courierCode,
						wave.plannedOn,
						wave.currency,
						String(rates.courierMinor ?? 0n),
						String(rates.printingMinor ?? 0n),
						String(rates.postageMinor ?? 0n),
					],
				);
				wave.id = row.rows[0].id;
				await client.query(
					`INSERT INTO deliveries (wave_id, invoice_id, customer_id, position)
					SELECT $1, i.id, i.customer_id, p.pos FROM unnest($2::bigint[]) WITH ORDINALITY AS p(id, pos) JOIN invoices i ON i.id = p.id`,
					[wave.id, wave.invoices.map((x) => x.invoiceId)],
				);
				await client.query(
					`INSERT INTO history (invoice_id, customer_id, kind, actor, summary, payload)
					SELECT i.id, i.customer_id, 'wave_planned', 'wave-planner', $2, jsonb_build_object('wave', $3::text, 'courier', $4::text, 'plannedOn', $5::text)
					FROM invoices i WHERE i.id = ANY($1::bigint[])`,
					[
						wave.invoices.map((x) => x.invoiceId),
						`Planned in wave ${wave.code} / Prévue dans la tournée ${wave.code}`,
						wave.code,
						wave.courierCode,
						wave.plannedOn,
					],
				);
			}
		}
		return {
			waves,
			invoiceCount: invoices.length,
			invalidCycles,
			unserved,
			cyclesEnding: [...new Set(periods.map((p) => p.rule))],
		};
	};
	return await ledger.transaction(plan);
}

async function lockWave(
	client: PoolClient,
	code: string,
): Promise<{ id: string; status: string; code: string }> {
	const wave = await client.query<{ id: string; status: string; code: string }>(
		`SELECT id, status, code FROM waves WHERE code = $1 FOR UPDATE`,
		[code],
	);
	if (!wave.rows[0])
		throw new ReceivablesError(
			'WAVE_UNKNOWN',
			`Unknown wave "${code}" / Tournée inconnue « ${code} ».`,
			{ hint: 'Use a wave code returned by Plan Waves.' },
		);
	return wave.rows[0];
}

/**
 * Marks invoices of a planned wave as entered (edited, printed, put in their envelope and captured), all of
 * them or the numbers given. Unknown numbers are refused and nothing changes.
 */
export async function markInvoicesEntered(
	ledger: Ledger,
	input: { waveCode: string; invoiceNumbers?: string[] },
): Promise<{ waveCode: string; entered: number; pending: number }> {
	return await ledger.transaction(async (client) => {
		const wave = await lockWave(client, input.waveCode);
		if (wave.status !== 'planned')
			throw new ReceivablesError(
				'WAVE_NOT_PLANNED',
				`Wave ${wave.code} is already ${wave.status} / La tournée ${wave.code} est déjà ${wave.status === 'released' ? 'remise' : 'close'}.`,
				{ hint: 'Only a planned wave can change.' },
			);
		const numbers = input.invoiceNumbers?.length ? [...new Set(input.invoiceNumbers)] : null;
		if (numbers) {
			const known = await client.query<{ number: string }>(
				`SELECT i.number FROM deliveries d JOIN invoices i ON i.id = d.invoice_id WHERE d.wave_id = $1 AND i.number = ANY($2)`,
				[wave.id, numbers],
			);
			const found = new Set(known.rows.map((r) => r.number));
			const missing = numbers.filter((n) => !found.has(n));
			if (missing.length) {
				throw new ReceivablesError(
					'WAVE_INVOICE_UNKNOWN',
					`Not in wave ${wave.code}: ${missing.join(', ')} / Absente(s) de la tournée ${wave.code} : ${missing.join(', ')}.`,
					{ hint: 'Check the invoice numbers against the wave manifest.', details: { missing } },
				);
			}
		}
		const updated = await client.query(
			`UPDATE deliveries d SET status = 'entered', entered_at = now() FROM invoices i
			WHERE d.wave_id = $1 AND d.status = 'pending' AND i.id = d.invoice_id AND ($2::text[] IS NULL OR i.number = ANY($2))`,
			[wave.id, numbers],
		);
		const pending = await client.query<{ n: string }>(
			`SELECT count(*) AS n FROM deliveries WHERE wave_id = $1 AND status = 'pending'`,
			[wave.id],
		);
		return {
			waveCode: wave.code,
			entered: updated.rowCount ?? 0,
			pending: Number(pending.rows[0].n),
		};
	});
}

export interface ReleaseResult {
	waveCode: string;
	courierCode: string | null;
	invoices: number;
	releasedAt: string;
}

/**
 * Hands a wave over to its courier. Refused, with the list of what is missing, while any invoice of the wave
 * has not been entered (checked here under a row lock, and again by a trigger in the ledger).
 */
export async function releaseWave(
	ledger: Ledger,
	input: {
		waveCode: string;
		/** When the wave left (default now): couriers' events dated before it are refused. */ releasedAt?: Date;
	},
): Promise<ReleaseResult> {
	return await ledger.transaction(async (client) => {
		const wave = await lockWave(client, input.waveCode);
		if (wave.status !== 'planned')
			throw new ReceivablesError(
				'WAVE_NOT_PLANNED',
				`Wave ${wave.code} is already ${wave.status} / La tournée ${wave.code} est déjà ${wave.status === 'released' ? 'remise' : 'close'}.`,
				{ hint: 'A wave is released once.' },
			);
		const missing = await client.query<{ number: string; name: string }>(
			`SELECT i.number, c.name FROM deliveries d JOIN invoices i ON i.id = d.invoice_id JOIN customers c ON c.id = d.customer_id
			WHERE d.wave_id = $1 AND d.status = 'pending' ORDER BY i.number FOR UPDATE OF d`,
			[wave.id],
		);
		if (missing.rows.length) {
			const list = missing.rows
				.slice(0, 50)
				.map((r) => `${r.number} (${r.name})`)
				.join(', ');
			throw new ReceivablesError(
				'WAVE_NOT_COMPLETE',
				`Wave ${wave.code} cannot be handed over: ${missing.rows.length} invoice(s) not entered yet: ${list}${missing.rows.length > 50 ? ', …' : ''} / La tournée ${wave.code} ne peut pas être remise : ${missing.rows.length} facture(s) non saisie(s).`,
				{
					hint: 'Enter the missing invoices (Mark Entered), then release the wave again.',
					details: { missing: missing.rows.map((r) => r.number) },
				},
			);
		}
		const updated = await client.query<{ courier_code: string | null; released_at: Date }>(
			`UPDATE waves SET status = 'released', released_at = coalesce($2::timestamptz, now()) WHERE id = $1 RETURNING courier_code, released_at`,
			[wave.id, input.releasedAt ?? null],
		);
		const count = await client.query<{ n: string }>(
			`SELECT count(*) AS n FROM deliveries WHERE wave_id = $1`,
			[wave.id],
		);
		await client.query(
			`INSERT INTO history (invoice_id, customer_id, kind, actor, summary, payload)
			SELECT d.invoice_id, d.customer_id, 'wave_released', 'wave-planner', $2, jsonb_build_object('wave', $3::text)
			FROM deliveries d WHERE d.wave_id = $1`,
			[
				wave.id,
				`Handed over to the courier in wave ${wave.code} / Remise au coursier (tournée ${wave.code})`,
				wave.code,
			],
		);
		return {
			waveCode: wave.code,
			courierCode: updated.rows[0].courier_code,
			invoices: Number(count.rows[0].n),
			releasedAt: updated.rows[0].released_at.toISOString(),
		};
	});
}

export interface WaveCostRow {
	key: string;
	currency: string;
	invoices: number;
	delivered: number;
	courier: string;
	printing: string;
	postage: string;
	total: string;
	/** Total cost divided by the invoices delivered (null when none is delivered yet). */
	perDelivered: string | null;
}

/**
 * Cost of distribution per wave, zone or month (of the wave's handover day): every invoice of a wave costs its
 * printing and postage, every invoice handed out its courier rate; the cost per delivered invoice is the total
 * divided by the invoices actually delivered.
 */
export async function waveCosts(
	ledger: Ledger,
	input: { groupBy: 'wave' | 'zone' | 'month'; from?: string; to?: string },
): Promise<WaveCostRow[]> {
	const from = input.from ? parseCalendarDate(input.from) : '1900-01-01';
	const to = input.to ? parseCalendarDate(input.to) : '2199-12-31';
	if (!from || !to)
		throw new ReceivablesError(
			'COST_PERIOD_INVALID',
			'The cost period dates are not dates / Les dates de la période ne sont pas des dates.',
			{ hint: 'Write them as YYYY-MM-DD.' },
		);
	const keyExpr =
		input.groupBy === 'wave'
			? 'w.code'
			: input.groupBy === 'zone'
				? "coalesce(w.zone, w.city, '')"
				: "to_char(w.planned_on, 'YYYY-MM')";
	if (!['wave', 'zone', 'month'].includes(input.groupBy))
		throw new ReceivablesError('COST_GROUP_INVALID', `Unknown grouping ${String(input.groupBy)}.`, {
			hint: 'Use wave, zone or month.',
		});
	const rows = await ledger.query<{
		key: string;
		currency: string;
		invoices: string;
		delivered: string;
		courier: string;
		printing: string;
		postage: string;
	}>(
		`SELECT ${keyExpr} AS key, coalesce(w.currency, 'EUR') AS currency, count(d.id) AS invoices,
			count(d.id) FILTER (WHERE d.status = 'delivered') AS delivered,
			coalesce(sum(w.courier_rate_minor), 0)::text AS courier,
			coalesce(sum(w.printing_rate_minor), 0)::text AS printing,
			coalesce(sum(w.postage_rate_minor), 0)::text AS postage
		FROM waves w JOIN deliveries d ON d.wave_id = w.id
		WHERE w.planned_on BETWEEN $1 AND $2
		GROUP BY 1, 2 ORDER BY 1, 2`,
		[from, to],
	);
	return rows.map((r) => {
		const total = BigInt(r.courier) + BigInt(r.printing) + BigInt(r.postage);
		const delivered = Number(r.delivered);
		return {
			key: r.key,
			currency: r.currency,
			invoices: Number(r.invoices),
			delivered,
			courier: formatAmount(BigInt(r.courier), r.currency),
			printing: formatAmount(BigInt(r.printing), r.currency),
			postage: formatAmount(BigInt(r.postage), r.currency),
			total: formatAmount(total, r.currency),
			perDelivered:
				delivered > 0
					? formatAmount(roundHalfAwayFromZero(total, BigInt(delivered)), r.currency)
					: null,
		};
	});
}
