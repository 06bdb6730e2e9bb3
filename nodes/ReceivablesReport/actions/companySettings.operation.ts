import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	companyHistory,
	COMPANY_TEXT_FIELDS,
	loadCompany,
	saveCompany,
	type Ledger,
} from '../../../core';
import { eachItem, ledgerSetup, type Result } from '../../shared/operation';
import { text } from './common';

const OPERATION = 'companySettings';

/** The identity's fields as node parameters (the Parameters source), in the order of the form. */
const FIELDS: INodeProperties[] = [
	{
		displayName: 'Registered Name',
		name: 'legalName',
		type: 'string',
		default: '',
		description: 'Raison sociale, when it differs from the name customers know',
	},
	{ displayName: 'Legal Form', name: 'legalForm', type: 'string', default: '', placeholder: 'SAS' },
	{
		displayName: 'Share Capital',
		name: 'shareCapital',
		type: 'string',
		default: '',
		placeholder: '50 000 €',
	},
	{
		displayName: 'Address',
		name: 'addressLines',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: '1 place du Commerce\n69002 Lyon',
		description: 'One line per address line',
	},
	{
		displayName: 'Country',
		name: 'country',
		type: 'string',
		default: '',
		placeholder: 'FR',
		description:
			'ISO code (FR, MA, SN, CI…): the law of late-payment charges when the policy names none',
	},
	{
		displayName: 'SIREN',
		name: 'siren',
		type: 'string',
		default: '',
		placeholder: '123 456 789',
		description: '9 digits, checked (Luhn)',
	},
	{
		displayName: 'VAT Number',
		name: 'vatNumber',
		type: 'string',
		default: '',
		placeholder: 'FR32123456789',
		description: 'French numbers are checked against their key and the SIREN',
	},
	{
		displayName: 'Trade Register',
		name: 'rcs',
		type: 'string',
		default: '',
		placeholder: 'RCS Lyon 123 456 789',
		description: 'RCS (France), RC (Morocco), RCCM (OHADA countries)',
	},
	{
		displayName: 'ICE (Morocco)',
		name: 'ice',
		type: 'string',
		default: '',
		description: "Identifiant Commun de l'Entreprise, 15 digits",
	},
	{
		displayName: 'Contact E-Mail',
		name: 'email',
		type: 'string',
		default: '',
		placeholder: 'compta@example.com',
	},
	{ displayName: 'Phone', name: 'phone', type: 'string', default: '' },
	{ displayName: 'Website', name: 'website', type: 'string', default: '' },
	{
		displayName: 'Sender E-Mail',
		name: 'senderEmail',
		type: 'string',
		default: '',
		placeholder: 'relances@example.com',
		description:
			'From address of reminders when neither the policy nor the Send E-mail operation names one',
	},
	{
		displayName: 'Sender Name',
		name: 'senderName',
		type: 'string',
		default: '',
		placeholder: 'Service recouvrement',
		description: 'From display name of reminders',
	},
	{
		displayName: 'IBAN',
		name: 'iban',
		type: 'string',
		default: '',
		description: 'Checked (mod 97), printed at the foot of letters',
	},
	{ displayName: 'BIC', name: 'bic', type: 'string', default: '' },
	{ displayName: 'Bank', name: 'bankName', type: 'string', default: '' },
	{
		displayName: 'Legal Mentions',
		name: 'legalMentions',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Printed at the foot of letters and invoice copies',
	},
];

const properties: INodeProperties[] = [
	{
		displayName:
			"The company's own identity, set once: reminders are sent from its sender, letters carry its letterhead (logo, name, address, SIREN/VAT) and a footer with its legal mentions and bank details, invoice copies name it as issuer, manifests and reports show its name. Every save keeps the value it replaces, with its dates, in the ledger.",
		name: 'companyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Action',
		name: 'companyAction',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Read',
				value: 'read',
				description: 'Output the identity as saved (the logo as a file)',
				action: 'Read the company settings',
			},
			{
				name: 'Save',
				value: 'save',
				description: 'Check and save the identity; what is wrong goes to Rejected, nothing saved',
				action: 'Save the company settings',
			},
		],
		default: 'read',
	},
	{
		displayName: 'Fields From',
		name: 'companySource',
		type: 'options',
		options: [
			{
				name: 'Input Item',
				value: 'item',
				description:
					'Fields of the input item named as the identity: name, legalName, legalForm, shareCapital, addressLines, country, siren, vatNumber, rcs, ice, email, phone, website, senderEmail, senderName, iban, bic, bankName, legalMentions (what the Company settings form gives)',
			},
			{ name: 'Parameters Below', value: 'parameters' },
		],
		default: 'item',
		displayOptions: { show: { companyAction: ['save'] } },
	},
	{
		displayName: 'Company Name',
		name: 'companyName',
		type: 'string',
		default: '',
		placeholder: 'ACME',
		description: 'The name customers know, in every subject and letter',
		displayOptions: { show: { companyAction: ['save'], companySource: ['parameters'] } },
	},
	{
		displayName: 'Identity',
		name: 'companyFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: FIELDS,
		displayOptions: { show: { companyAction: ['save'], companySource: ['parameters'] } },
	},
	{
		displayName: 'Logo Field',
		name: 'logoProperty',
		type: 'string',
		default: 'logo',
		description:
			'Binary field of the input item holding the logo (PNG or JPEG, at most 512 KB). Absent or empty: the saved logo is kept.',
		displayOptions: { show: { companyAction: ['save'] } },
	},
	{
		displayName: 'Options',
		name: 'companyOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Clear Empty Fields',
				name: 'replace',
				type: 'boolean',
				default: false,
				description:
					'Whether fields left empty are cleared (by default they keep their saved value, so a form can change only the IBAN)',
				displayOptions: { show: { '/companyAction': ['save'] } },
			},
			{
				displayName: 'History Entries',
				name: 'history',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 500 },
				default: 0,
				description: 'Number of replaced versions to output in "history" (0: none)',
				displayOptions: { show: { '/companyAction': ['read'] } },
			},
			{
				displayName: 'Remove Logo',
				name: 'removeLogo',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/companyAction': ['save'] } },
			},
			{
				displayName: 'Saved By',
				name: 'actor',
				type: 'string',
				default: '',
				placeholder: '={{ $json.user?.email }}',
				description: "Who saves, kept in the history (the form gives the n8n user's e-mail)",
				displayOptions: { show: { '/companyAction': ['save'] } },
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: [OPERATION] } }, properties);

function identityOf(company: Record<string, unknown>): IDataObject {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { logoImage, ...rest } = company;
	return JSON.parse(JSON.stringify(rest)) as IDataObject;
}

/** Company Settings: Read outputs the identity (and its logo as a file); Save checks and saves it, with its history. */
export const operation = eachItem({
	outputs: [
		{
			name: 'Company',
			meaning:
				'The identity as saved (Read), or the saved identity with status created / updated / unchanged and the fields changed (Save)',
		},
		{
			name: 'Rejected',
			meaning:
				'Save only: the identity was not saved; error/errorFr name every wrong field and how to fix it',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, item, ledger: Ledger): Promise<Result | Result[]> {
		const action = text(this, 'companyAction', i, 'read');
		const o = (this.getNodeParameter('companyOptions', i, {}) ?? {}) as IDataObject;
		if (action === 'save') {
			const source = text(this, 'companySource', i, 'item');
			const input: Record<string, unknown> = {};
			if (source === 'parameters') {
				Object.assign(input, this.getNodeParameter('companyFields', i, {}) as IDataObject);
				input.name = text(this, 'companyName', i);
			} else
				for (const field of COMPANY_TEXT_FIELDS)
					if (item.json[field] !== undefined) input[field] = item.json[field];
			const property = text(this, 'logoProperty', i, 'logo');
			let logo: { data: Uint8Array; mimeType?: string } | null | undefined;
			if (o.removeLogo === true) logo = null;
			else if (property && item.binary?.[property]) {
				const data = await this.helpers.getBinaryDataBuffer(i, property);
				// an empty file field of a form sends an empty file: nothing to change
				if (data.length > 0) logo = { data, mimeType: item.binary[property].mimeType };
			}
			const saved = await saveCompany(ledger, input, {
				mode: o.replace === true ? 'replace' : 'merge',
				logo,
				actor: String(o.actor ?? '').trim() || undefined,
			});
			const name = saved.company.name;
			const message =
				saved.status === 'unchanged'
					? `The identity of ${name} is unchanged.`
					: `The identity of ${name} was ${saved.status === 'created' ? 'saved' : `updated (${saved.changed.join(', ')})`}.`;
			const messageFr =
				saved.status === 'unchanged'
					? `L'identité de ${name} est inchangée.`
					: `L'identité de ${name} a été ${saved.status === 'created' ? 'enregistrée' : `mise à jour (${saved.changed.join(', ')})`}.`;
			return {
				json: {
					status: saved.status,
					changed: saved.changed,
					message,
					messageFr,
					company: identityOf(saved.company as unknown as Record<string, unknown>),
				},
			};
		}
		const company = await loadCompany(ledger);
		const json: IDataObject = {
			...identityOf(company as unknown as Record<string, unknown>),
			configured: Boolean(company.name),
		};
		const [current] = await companyHistory(ledger, 0);
		if (current) {
			json.savedAt = current.validFrom;
			if (current.by) json.savedBy = current.by;
		}
		const entries = Number(o.history ?? 0);
		if (entries > 0)
			json.history = (await companyHistory(ledger, entries)).slice(1) as unknown as IDataObject[];
		const result: Result = { json };
		if (company.logoImage) {
			const extension = company.logoImage.mimeType === 'image/png' ? 'png' : 'jpg';
			result.binary = {
				logo: await this.helpers.prepareBinaryData(
					Buffer.from(company.logoImage.data),
					`logo.${extension}`,
					company.logoImage.mimeType,
				),
			};
		}
		return result;
	},
});
