import type { IExecuteFunctions } from 'n8n-workflow';

/** A parameter as a trimmed string ('' when empty or not given). */
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

/** Comma, semicolon or newline separated references, or an array (from an expression). */
export function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v ?? '').trim()).filter(Boolean);
	if (value === null || value === undefined) return [];
	return String(value)
		.split(/[,;\n]+/)
		.map((v) => v.trim())
		.filter(Boolean);
}

/** The dispute categories as options (Open Dispute); Confirm Label adds the other labels of the classifier. */
export const DISPUTE_CATEGORY_OPTIONS = [
	{ name: 'Administrative (Billing, Credit Notes, Matching)', value: 'administrative' },
	{ name: 'Commercial (Price, Offer Not Suited)', value: 'commercial' },
	{ name: 'Logistics (Delivery, Packaging)', value: 'logistics' },
	{ name: 'Other', value: 'other' },
	{ name: 'Technical (Malfunction, Service)', value: 'technical' },
];
