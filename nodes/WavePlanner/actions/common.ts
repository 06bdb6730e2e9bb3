export function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
	return String(value ?? '')
		.split(/[,;\n]/)
		.map((v) => v.trim())
		.filter(Boolean);
}
