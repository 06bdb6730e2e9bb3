import type { IExecuteFunctions } from 'n8n-workflow';

export function text(
	context: IExecuteFunctions,
	name: string,
	item: number,
	fallback = '',
): string {
	const value = context.getNodeParameter(name, item, fallback) as unknown;
	if (value === null || value === undefined) return '';
	return (typeof value === 'string' ? value : String(value)).trim();
}

/** Comma, semicolon or newline separated values, or an array (from an expression). */
export function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v ?? '').trim()).filter(Boolean);
	if (value === null || value === undefined) return [];
	return String(value)
		.split(/[,;\n]+/)
		.map((v) => v.trim())
		.filter(Boolean);
}
