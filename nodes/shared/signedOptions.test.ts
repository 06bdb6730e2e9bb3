import { InvoiceIntake } from '../InvoiceIntake/InvoiceIntake.node';
import { ReceivablesPageTrigger } from '../ReceivablesPageTrigger/ReceivablesPageTrigger.node';
import {
	createMissingCustomersOption,
	defaultCurrencyOption,
	maxBodyMbOption,
	paymentSentHoldDaysOption,
	sellerIdsOption,
	stripeZoneOption,
	toleranceSecondsOption,
} from './signedOptions';

// The trigger pages that replace Receive Signed Request and Receive Signed Statuses offer the same options, written
// once (nodes/shared/signedOptions.ts): same names, defaults and descriptions on both sides.
describe('signed options shared by the operations and the trigger pages', () => {
	const options = (
		properties: Array<{ name: string; options?: unknown }>,
		collection: string,
	): unknown[] => {
		const found = properties.filter((p) => p.name === collection);
		expect(found).toHaveLength(1);
		return found[0].options as unknown[];
	};
	const intake = new InvoiceIntake().description.properties;
	const trigger = new ReceivablesPageTrigger().description.properties;

	test('signed intake page = Receive Signed Request', () => {
		const shared = [
			createMissingCustomersOption,
			defaultCurrencyOption,
			maxBodyMbOption,
			toleranceSecondsOption,
			stripeZoneOption,
		];
		for (const side of [options(intake, 'signedOptions'), options(trigger, 'intakeOptions')])
			for (const option of shared) expect(side).toContain(option);
	});

	test('e-invoicing statuses page = Receive Signed Statuses', () => {
		const shared = [sellerIdsOption, paymentSentHoldDaysOption, toleranceSecondsOption];
		for (const side of [
			options(intake, 'signedStatusesOptions'),
			options(trigger, 'statusesOptions'),
		])
			for (const option of shared) expect(side).toContain(option);
	});
});
