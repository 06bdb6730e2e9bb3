import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	imapMailboxSource,
	mailCatcherSource,
	reconcileReminders,
	type MailRecordSource,
} from '../../../core';
import { IMAP_CREDENTIAL, imapOptionsFromCredential } from '../../shared/transport/imap';
import { getLedger } from '../../shared/transport/ledger';
import { batch } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Decides the reminders whose outcome is unknown (the connection was lost between handing the message to the mail server and its answer). Each is looked up by its Message-ID in the delivery reports already read by Process Bounce and in the mail server records below (the Sent or BCC archive mailbox, the mail catcher): found means sent. The others go to the To Review output: check them, then use Decide Uncertain Reminder (sent, or to resend).',
		name: 'reconcileNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Read the Sent Mailbox (IMAP)',
		name: 'readSentMailbox',
		type: 'boolean',
		default: false,
		description:
			'Whether to look in the mailbox of the Receivables IMAP credential, where the mail server keeps a copy of what it accepted (Sent folder, or an archive mailbox receiving a BCC of every reminder)',
	},
	{
		displayName: 'Mail Catcher URL',
		name: 'mailCatcherUrl',
		type: 'string',
		default: '',
		placeholder: 'http://127.0.0.1:8025',
		description:
			'The local mail catcher of the demo (npm start), read through its API. Empty: not used.',
	},
	{
		displayName: 'Missing From the Record Means Not Sent',
		name: 'missingMeansNotSent',
		type: 'boolean',
		default: false,
		description:
			'Whether a message that no record holds is marked to resend (the next run sends it again). Only for a record that keeps every accepted message; otherwise leave off and decide by hand.',
	},
	{
		displayName: 'Settle Time (Minutes)',
		name: 'settleMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 10,
		displayOptions: { show: { missingMeansNotSent: [true] } },
		description:
			'A message handed over more recently is left for the next run (the server may still be writing it)',
	},
];

const displayOptions = { show: { operation: ['reconcile'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [
		{
			name: 'Decided',
			meaning:
				'An uncertain reminder now decided: found in a delivery report or the mail server record (sent), or missing long enough (not sent)',
		},
		{
			name: 'To Review',
			meaning:
				'An uncertain reminder nobody can decide automatically: check it, then use Decide Uncertain Reminder',
		},
	],
	async batch() {
		const ledger = await getLedger(this);
		const sources: MailRecordSource[] = [];
		if (this.getNodeParameter('readSentMailbox', 0, false) as boolean)
			sources.push(
				imapMailboxSource(imapOptionsFromCredential(await this.getCredentials(IMAP_CREDENTIAL))),
			);
		const catcher = String(this.getNodeParameter('mailCatcherUrl', 0, '') ?? '').trim();
		if (catcher) sources.push(mailCatcherSource(catcher));
		const missingMeansNotSent = this.getNodeParameter('missingMeansNotSent', 0, false) as boolean;
		const outcomes = await reconcileReminders(ledger, {
			sources,
			missingMeansNotSent,
			settleMinutes: missingMeansNotSent
				? Number(this.getNodeParameter('settleMinutes', 0, 10))
				: undefined,
		});
		return outcomes.map((outcome) => ({
			json: { ...outcome } as unknown as IDataObject,
			output: outcome.decision === 'review' ? 'To Review' : 'Decided',
		}));
	},
});
