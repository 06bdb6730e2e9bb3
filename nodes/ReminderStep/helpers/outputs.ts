/** The outputs of each operation (the node's outputs follow the chosen operation, as n8n's Switch node does). */
export function outputNames(operation: string | undefined): string[] {
	switch (operation) {
		case 'plan':
			return ['Due', 'Held'];
		case 'sendEmail':
			return ['Sent', 'Letters', 'Not Sent', 'Call Tasks'];
		case 'renderLetter':
			return ['Letters', 'Not Produced'];
		case 'savePolicy':
			return ['Saved', 'Rejected'];
		case 'processBounce':
			return ['Bounces', 'Other Messages'];
		case 'reconcile':
			return ['Decided', 'To Review'];
		case 'decideReminder':
			return ['Decided', 'Not Decided'];
		case 'confirmLetters':
			return ['Confirmed', 'Not Confirmed'];
		default:
			return ['Done'];
	}
}
