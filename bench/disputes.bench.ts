/**
 * Dispute Classifier throughput on one core: every message of the labelled set (test/fixtures/disputes, ~600 FR/EN
 * replies with quoted reminders and signatures) classified again and again by classifyDispute, timed in CPU time
 * of this (single-threaded) process so that other processes on the machine do not count. Reference in the same
 * process: only reading the same texts (lower case, accents stripped, split into words), the floor any classifier
 * pays. Goal: ≥ 5,000 texts per second on one core. A second measure gives every message its own receivedAt instant,
 * as in a real mailbox.
 */
import { performance } from 'node:perf_hooks';
import { classifyDispute } from '../core';
import { loadSplit } from '../test/fixtures/disputes/dataset';
import type { BenchContext, BenchFn } from './lib/types';

function cpuSeconds(work: () => void): { cpu: number; wall: number } {
	const cpu0 = process.cpuUsage();
	const wall0 = performance.now();
	work();
	const used = process.cpuUsage(cpu0);
	return { cpu: (used.user + used.system) / 1e6, wall: (performance.now() - wall0) / 1000 };
}

const bench: BenchFn = async (ctx: BenchContext) => {
	const messages = [...loadSplit('train'), ...loadSplit('heldout')];
	const passes = Math.max(1, Math.round(20 * ctx.scale));
	const total = passes * messages.length;
	ctx.log(`${messages.length} messages × ${passes} passes = ${total} classifications`);

	// Warm-up: the lexicon, the model and the JIT (steady state, as in a long-running n8n process: ten passes let the
	// JIT optimise every path first).
	for (let r = 0; r < 10; r++)
		for (const m of messages) classifyDispute(m.text, { receivedAt: m.receivedAt });

	let sink = 0;
	const reading = cpuSeconds(() => {
		for (let r = 0; r < passes; r++) {
			for (const m of messages)
				sink += m.text
					.toLowerCase()
					.normalize('NFD')
					.replace(/[\u0300-\u036f]/g, '')
					.split(/[^a-z0-9]+/).length;
		}
	});
	const classify = cpuSeconds(() => {
		for (let r = 0; r < passes; r++) {
			for (const m of messages)
				sink += classifyDispute(m.text, { receivedAt: m.receivedAt }).confidence > 0 ? 1 : 0;
		}
	});
	// In a mailbox every message has its own time: the same texts again, each pass with other receivedAt instants
	// (computed before timing), so that nothing keyed by the message time is reused.
	const instants = Array.from({ length: passes }, (_, r) =>
		messages.map((m) =>
			new Date(Date.parse(m.receivedAt ?? '2026-03-09T10:00:00Z') + (r + 1) * 61_000)
				.toISOString()
				.replace('.000Z', 'Z'),
		),
	);
	const distinct = cpuSeconds(() => {
		for (let r = 0; r < passes; r++) {
			const at = instants[r];
			for (let i = 0; i < messages.length; i++)
				sink += classifyDispute(messages[i].text, { receivedAt: at[i] }).confidence > 0 ? 1 : 0;
		}
	});
	if (sink < 0) ctx.log('unreachable');

	// How fast this machine runs plain JavaScript: 300 million additions take about 0.15 s of CPU on a typical
	// current core. Divide by it to compare runs on different machines.
	const calibration = cpuSeconds(() => {
		let x = 0;
		for (let i = 0; i < 3e8; i++) x = (x + i * 7) | 0;
		sink += x & 1;
	});
	ctx.metric(
		'calibration: 3e8 integer additions (≈0.15 s on a typical core)',
		Math.round(calibration.cpu * 1000) / 1000,
		's CPU',
	);

	const perSecond = total / classify.cpu;
	ctx.metric('classifyDispute throughput, one core (CPU time)', Math.round(perSecond), 'texts/s');
	ctx.metric(
		'classifyDispute, wall clock (other processes included)',
		Math.round(total / classify.wall),
		'texts/s',
	);
	ctx.metric('mean time per text', Math.round((classify.cpu / total) * 1e6), 'µs');
	ctx.metric(
		'the same, every message with its own receivedAt instant (one core, CPU time)',
		Math.round(total / distinct.cpu),
		'texts/s',
	);
	ctx.ratio('throughput vs the 5,000 texts/s goal', perSecond / 5000, '≥ 1×');
	ctx.ratio('classifying vs only reading the same texts (time)', classify.cpu / reading.cpu);
};

export default bench;
