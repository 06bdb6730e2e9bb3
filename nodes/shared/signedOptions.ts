import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_SIGNATURE_TOLERANCE_SECONDS, DEFAULT_ZONE } from '../../core';

/**
 * The options that the signed operations (Invoice Intake › Receive Signed Request / Receive Signed Statuses, and
 * Lifecycle Statuses for the seller and the hold) and the Receivables Page Trigger pages that replace them (signed
 * intake, e-invoicing statuses) share: written once here.
 */

export const toleranceSecondsOption: INodeProperties = {
	displayName: 'Time Tolerance (Seconds)',
	name: 'toleranceSeconds',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
	description: "How far the signature's timestamp may be from this server's clock",
};

export const paymentSentHoldDaysOption: INodeProperties = {
	displayName: 'Payment Sent Hold (Days)',
	name: 'paymentSentHoldDays',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 10,
	description: 'How long a "payment sent" (211) status holds dunning while the money travels',
};

export const sellerIdsOption: INodeProperties = {
	displayName: 'Company SIREN',
	name: 'sellerIds',
	type: 'string',
	default: '',
	description:
		"The company's SIREN (comma-separated if several): a status naming another seller is kept and reported, never applied",
};

export const stripeZoneOption: INodeProperties = {
	displayName: 'Time Zone',
	name: 'zone',
	type: 'string',
	default: DEFAULT_ZONE,
	description: 'Zone in which Stripe timestamps become calendar dates',
};

export const createMissingCustomersOption: INodeProperties = {
	displayName: 'Create Missing Customers',
	name: 'createMissingCustomers',
	type: 'boolean',
	default: false,
	description:
		"Whether an unknown customer code creates a customer (named after the invoice's customerName) instead of rejecting the invoice",
};

export const defaultCurrencyOption: INodeProperties = {
	displayName: 'Default Currency',
	name: 'defaultCurrency',
	type: 'string',
	default: 'EUR',
};

/** Signed intake: the largest request accepted, in MB (5 by default). */
export const DEFAULT_SIGNED_INTAKE_MAX_BODY_MB = 5;

export const maxBodyMbOption: INodeProperties = {
	displayName: 'Maximum Body Size (MB)',
	name: 'maxBodyMb',
	type: 'number',
	typeOptions: { minValue: 0.01 },
	default: DEFAULT_SIGNED_INTAKE_MAX_BODY_MB,
	description:
		'Larger requests are refused with 413 before their signature is checked or their content parsed',
};
