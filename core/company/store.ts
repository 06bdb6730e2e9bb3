import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import {
	checkCompany,
	COMPANY_TEXT_FIELDS,
	companyJson,
	type CompanyInfo,
	type CompanyLogoRef,
	type CompanyProblem,
} from './identity';
import { checkLogo } from './logo';

/**
 * The identity lives in the ledger's settings (key "company"). Each save keeps the value it replaces in
 * settings_history with the dates it was in force and who replaced it, so that what a letter said on a given day can
 * be traced; the logo's bytes are kept in company_logos under their hash (never in an item, never in the settings).
 */
export const COMPANY_SETTING = 'company';

/**
 * Reads the company from the ledger's settings, completed by `fallback` (non-empty values win), with its logo's bytes
 * (unless `logo: false`, for a use that needs only the name).
 */
export async function loadCompany(
	ledger: Ledger,
	fallback: Partial<CompanyInfo> = {},
	options: { logo?: boolean } = {},
): Promise<CompanyInfo> {
	const rows = await ledger.query<{ value: Partial<CompanyInfo> }>(
		'SELECT value FROM settings WHERE key = $1',
		[COMPANY_SETTING],
	);
	const stored = rows[0]?.value ?? {};
	const defined = Object.fromEntries(
		Object.entries(fallback).filter(([, v]) => v !== undefined && v !== ''),
	);
	const company = { name: '', ...stored, ...defined } as CompanyInfo;
	if (!company.name && company.legalName) company.name = company.legalName;
	if (options.logo !== false && company.logo?.sha256 && !company.logoImage) {
		const image = await loadCompanyLogo(ledger, company.logo);
		if (image) company.logoImage = image;
	}
	return company;
}

/** The bytes of a stored logo (undefined when the ledger does not hold them). */
export async function loadCompanyLogo(
	ledger: Ledger,
	logo: CompanyLogoRef,
): Promise<CompanyInfo['logoImage']> {
	const rows = await ledger.query<{ mime_type: 'image/png' | 'image/jpeg'; data: Buffer }>(
		'SELECT mime_type, data FROM company_logos WHERE sha256 = $1',
		[logo.sha256],
	);
	if (!rows[0]) return undefined;
	return {
		mimeType: rows[0].mime_type,
		data: new Uint8Array(rows[0].data),
		width: logo.width,
		height: logo.height,
	};
}

export interface SaveCompanyOptions {
	/**
	 * merge (default): fields left empty keep their stored value (a form that changes only the IBAN);
	 * replace: the identity is exactly what is given (empty fields are cleared).
	 */
	mode?: 'merge' | 'replace';
	/** A new logo (PNG or JPEG bytes); null removes the logo; undefined keeps the stored one. */
	logo?: { data: Uint8Array; mimeType?: string } | null;
	/** Who saves (kept in the history): a user's e-mail, a workflow name. */
	actor?: string;
}

export interface SavedCompany {
	status: 'created' | 'updated' | 'unchanged';
	company: CompanyInfo;
	/** The fields whose value changed (logo included). */
	changed: string[];
	/** When the replaced value had been saved (ISO), kept in the history with it. */
	previousSavedAt?: string;
}

function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object')
		return `{${Object.keys(value)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
			.join(',')}}`;
	return JSON.stringify(value);
}

/** The error for an identity that cannot be saved: every problem, in English and French, nothing written. */
export function companyInvalidError(problems: CompanyProblem[]): ReceivablesError {
	return new ReceivablesError(
		'COMPANY_INVALID',
		`The company identity was not saved: ${problems.map((p) => p.message).join(' ')}`,
		{
			hint: 'Correct the fields named and save again; nothing was changed.',
			details: {
				messageFr: `L'identité de la société n'a pas été enregistrée : ${problems.map((p) => p.messageFr).join(' ')}`,
				hintFr: "Corrigez les champs indiqués et enregistrez à nouveau ; rien n'a été modifié.",
				problems: problems.map((p) => ({ ...p })),
			},
		},
	);
}

/**
 * Checks and saves the company's identity (settings key "company"). Invalid input throws COMPANY_INVALID listing
 * every problem and writes nothing; a save that changes nothing is "unchanged" and adds no history.
 */
export async function saveCompany(
	ledger: Ledger,
	input: Record<string, unknown>,
	options: SaveCompanyOptions = {},
): Promise<SavedCompany> {
	const problems: CompanyProblem[] = [];
	let logo: CompanyLogoRef | undefined;
	if (options.logo) {
		const checked = await checkLogo(options.logo.data, options.logo.mimeType);
		if (checked.problem) problems.push(checked.problem);
		logo = checked.logo;
	}
	return await ledger.transaction(async (client) => {
		const current = await client.query<{ value: Record<string, unknown>; updated_at: Date }>(
			'SELECT value, updated_at FROM settings WHERE key = $1 FOR UPDATE',
			[COMPANY_SETTING],
		);
		const previous = current.rows[0]?.value;
		const given = Object.fromEntries(
			COMPANY_TEXT_FIELDS.map((f) => [f, input[f]]).filter(
				([, v]) => v !== undefined && v !== null && String(v).trim() !== '',
			),
		);
		const merged: Record<string, unknown> =
			options.mode === 'replace' ? given : { ...(previous ?? {}), ...given };
		const checked = checkCompany(merged);
		problems.push(...checked.problems);
		if (problems.length) throw companyInvalidError(problems);
		const next: CompanyInfo = { ...checked.company };
		// settings the identity does not own (set by other tools) are kept as they are
		for (const [key, value] of Object.entries(previous ?? {})) {
			if (
				!(COMPANY_TEXT_FIELDS as readonly string[]).includes(key) &&
				key !== 'logo' &&
				key !== 'logoImage'
			)
				(next as unknown as Record<string, unknown>)[key] = value;
		}
		const previousLogo = previous?.logo as CompanyLogoRef | undefined;
		if (options.logo === null) delete next.logo;
		else if (logo) next.logo = logo;
		else if (previousLogo) next.logo = previousLogo;
		const value = companyJson(next);
		const keys = new Set([...Object.keys(previous ?? {}), ...Object.keys(value)]);
		const changed = [...keys]
			.filter((k) => canonical((previous ?? {})[k]) !== canonical(value[k]))
			.sort();
		const previousSavedAt = current.rows[0]?.updated_at?.toISOString();
		if (previous && changed.length === 0)
			return { status: 'unchanged', company: next, changed, previousSavedAt };
		if (logo) {
			await client.query(
				'INSERT INTO company_logos (sha256, mime_type, data) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING',
				[logo.sha256, logo.mimeType, Buffer.from(options.logo?.data ?? [])],
			);
		}
		if (previous) {
			await client.query(
				'INSERT INTO settings_history (key, value, valid_from, replaced_by, changed) VALUES ($1, $2, $3, $4, $5)',
				[
					COMPANY_SETTING,
					JSON.stringify(previous),
					current.rows[0].updated_at,
					options.actor ?? null,
					changed,
				],
			);
		}
		await client.query(
			`INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, now(), $3)
			ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
			[COMPANY_SETTING, JSON.stringify(value), options.actor ?? null],
		);
		return { status: previous ? 'updated' : 'created', company: next, changed, previousSavedAt };
	});
}

export interface CompanyVersion {
	/** The identity as it was (no logo bytes). */
	value: Record<string, unknown>;
	/** When it was saved. */
	validFrom: string;
	/** When it was replaced (absent for the current one). */
	replacedAt?: string;
	/** Who replaced it (or who saved the current one). */
	by?: string;
	/** The fields the replacement changed. */
	changed?: string[];
}

/** The current identity first, then the replaced ones, newest first. */
export async function companyHistory(ledger: Ledger, limit = 50): Promise<CompanyVersion[]> {
	const current = await ledger.query<{
		value: Record<string, unknown>;
		updated_at: Date;
		updated_by: string | null;
	}>('SELECT value, updated_at, updated_by FROM settings WHERE key = $1', [COMPANY_SETTING]);
	const past = await ledger.query<{
		value: Record<string, unknown>;
		valid_from: Date;
		replaced_at: Date;
		replaced_by: string | null;
		changed: string[] | null;
	}>(
		'SELECT value, valid_from, replaced_at, replaced_by, changed FROM settings_history WHERE key = $1 ORDER BY replaced_at DESC, id DESC LIMIT $2',
		[COMPANY_SETTING, limit],
	);
	return [
		...current.map((r) => ({
			value: r.value,
			validFrom: r.updated_at.toISOString(),
			...(r.updated_by ? { by: r.updated_by } : {}),
		})),
		...past.map((r) => ({
			value: r.value,
			validFrom: r.valid_from.toISOString(),
			replacedAt: r.replaced_at.toISOString(),
			...(r.replaced_by ? { by: r.replaced_by } : {}),
			changed: r.changed ?? [],
		})),
	];
}

/** The company's name as the settings give it ('' when none is set), for pages and reports that show only the name. */
export async function loadCompanyName(ledger: Ledger): Promise<string> {
	const company = await loadCompany(ledger, {}, { logo: false });
	return (company.name || company.legalName || '').trim();
}
