// Recorded streams that end with no answer, or whose answer turns out to be reasoning: the numbers each one earns.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import { StreamNormalizer, type NormalizerOptions } from '../stream/normalize.ts';
import { SseDecoder } from '../stream/sse.ts';
import { RunMetrics } from './metrics.ts';

/** The fixture's messages at 1100, 1200, 1300… (the request left at 1000); the events, and metrics as of each message. */
function play(name: string, options?: NormalizerOptions): { events: StreamEvent[]; metrics: RunMetrics; at: (i: number) => number } {
  const bytes = new Uint8Array(readFileSync(new URL(`../stream/fixtures/${name}.sse`, import.meta.url)));
  const decoder = new SseDecoder();
  const normalizer = new StreamNormalizer(options);
  const metrics = new RunMetrics(1000);
  const at = (i: number) => 1100 + 100 * i;
  const events: StreamEvent[] = [];
  const messages = [...decoder.push(bytes), ...decoder.end()];
  messages.forEach((msg, i) => events.push(...normalizer.push(msg, at(i))));
  events.push(...normalizer.end(at(messages.length)));
  for (const e of events) metrics.push(e);
  return { events, metrics, at };
}

describe('reasoning that never became an answer', () => {
  it('a model that may think and stopped at the token limit: no first answer, thinking or answering time', () => {
    const { metrics } = play('vllm-reasoning-length');
    const s = metrics.snapshot();
    expect(s.ttftMs).toBe(200); // the first reasoning, message 1
    expect(s.ttfaMs).toBeNull();
    expect(s.thinkingMs).toBeNull();
    expect(s.answeringMs).toBeNull();
    expect(s.totalMs).toBe(600); // [DONE], message 5
    expect(s.reasoningTokens).toEqual({ value: 3, source: 'chunks' });
  });

  it('while it streams, its thinking time runs with the reasoning', () => {
    const { events } = play('vllm-reasoning-length');
    const live = new RunMetrics(1000);
    for (const e of events.filter((e) => e.type !== 'done')) live.push(e);
    expect(live.snapshot().thinkingMs).toBe(200); // reasoning in messages 1 to 3: 1400 - 1200
  });

  it('thinking off: the reasoning was the answer from its first token, so first answer = first token and thinking 0', () => {
    const { events, metrics } = play('vllm-answer-in-reasoning', { noThinking: true });
    expect(events.filter((e) => e.type === 'reclassify')).toMatchObject([{ to: 'answer' }]);
    const s = metrics.snapshot();
    expect(s.ttftMs).toBe(200);
    expect(s.ttfaMs).toBe(200);
    expect(s.thinkingMs).toBe(0);
    expect(s.answeringMs).toBe(100); // 1300 - 1200
    expect(s.reasoningTokens).toBeNull();
    expect(s.outputTokens).toEqual({ value: 2, source: 'chunks' });
  });

  it('thinking off and cut at the token limit: still the answer, from its first token', () => {
    const s = play('vllm-reasoning-length', { noThinking: true }).metrics.snapshot();
    expect([s.ttftMs, s.ttfaMs, s.thinkingMs, s.answeringMs]).toEqual([200, 200, 0, 200]);
  });
});

describe('a closing tag with no opening tag', () => {
  it('moves the answer so far to the reasoning in the message the tag completes, and re-splits the times there', () => {
    const { events, metrics } = play('raw-lone-close-alias');
    // messages: 0 role, 1 "Okay, the user", 2 " wants 2+2.\r\nThat is 4.", 3 "\r\n</thi", 4 "nk>\r\n\r\n", 5 "**4**", 6 the rest
    const move = events.find((e) => e.type === 'reclassify');
    expect(move).toMatchObject({ to: 'reasoning', at: 1500 });
    const before = events.slice(0, events.indexOf(move!));
    expect(before.filter((e) => e.type === 'content').map((e) => (e as { text: string }).text)).toEqual(['Okay, the user', ' wants 2+2.\r\nThat is 4.']);
    for (const e of events) if (e.type === 'content' || e.type === 'reasoning') expect(e.text).not.toMatch(/^\s*<\/think>|<\/thi$/);
    const s = metrics.snapshot();
    expect(s.ttftMs).toBe(200);
    expect(s.ttfaMs).toBe(600); // "**4**"
    expect(s.thinkingMs).toBe(400); // 1600 - 1200
    expect(s.answeringMs).toBe(100); // 1700 - 1600
    expect(s.reasoningTokens).toEqual({ value: 2, source: 'chunks' });
    expect(s.outputTokens).toEqual({ value: 18, source: 'server' });
  });

  it('after the tag, before the answer, the run reads as thinking: no first answer time yet', () => {
    const { events } = play('raw-lone-close-alias');
    const live = new RunMetrics(1000);
    for (const e of events.filter((e) => e.at <= 1500)) live.push(e);
    const s = live.snapshot();
    expect([s.ttftMs, s.ttfaMs, s.answeringMs, s.thinkingMs]).toEqual([200, null, null, 100]);
  });
});
