import type { INodePropertyOptions } from 'n8n-workflow';

/** How dispute figures can be grouped: the Dispute Classifier's Analyse and the Receivables Report's Dispute Analysis. */
export const DISPUTE_GROUP_BY_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Category', value: 'category' },
	{ name: 'Customer', value: 'customer' },
	{ name: 'Owner', value: 'owner' },
	{ name: 'Resolution', value: 'resolution' },
	{ name: 'Root Cause', value: 'root_cause' },
	{ name: 'Sales Rep', value: 'sales_rep' },
	{ name: 'Subcategory', value: 'subcategory' },
];
