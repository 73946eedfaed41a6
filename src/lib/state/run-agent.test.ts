// An agent turn in one run: model calls set aside as they end, tool steps, the step limit; live and replayed alike.
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import { Run } from './run.svelte.ts';

const identity = (html: string) => html;

const turn: StreamEvent[] = [
  { type: 'open', status: 200, at: 100 },
  { type: 'reasoning', text: 'I should compute.', seq: 1, at: 150 },
  { type: 'content', text: 'Let me check.', seq: 2, at: 200 },
  { type: 'tool-call', index: 0, id: 'a', name: 'calculator', argsDelta: '{"expression":"6*7"}', seq: 3, at: 210 },
  { type: 'usage', promptTokens: 50, completionTokens: 12, cumulative: false, seq: 4, at: 220 },
  { type: 'call-end', finishReason: 'tool_calls', at: 230 },
  { type: 'tool-start', id: 'a', name: 'calculator', args: '{"expression":"6*7"}', at: 240 },
  { type: 'tool-result', id: 'a', state: 'done', text: '42', at: 290 },
  { type: 'call-start', at: 300 },
  { type: 'open', status: 200, at: 350 },
  { type: 'content', text: 'It is **42**.', seq: 1, at: 400 },
  { type: 'step-limit', limit: 2, at: 410 },
  { type: 'done', finishReason: 'stop', at: 420 },
];

describe('Run, for an agent turn', () => {
  it('sets each model call aside with its answer, reasoning, calls and numbers; the tools run between', () => {
    const run = new Run(identity, 0);
    for (const e of turn.slice(0, 7)) run.apply({ ...e });
    expect(run.status).toBe('tools');
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0]).toMatchObject({ answerText: 'Let me check.', reasoning: 'I should compute.', toolCalls: [{ id: 'a', name: 'calculator' }], from: 0, to: 230 });
    expect(run.calls[0]!.metrics.promptTokens).toBe(50);
    expect(run.toolSteps).toEqual([{ id: 'a', name: 'calculator', args: '{"expression":"6*7"}', state: 'running', result: null, call: 0, askedAt: 240, startedAt: 240, endedAt: null }]);
    expect(run.answerText).toBe('');
    for (const e of turn.slice(7)) run.apply({ ...e });
    expect(run.toolSteps[0]).toMatchObject({ state: 'done', result: '42', endedAt: 290 });
    expect(run.status).toBe('done');
    expect(run.answerText).toBe('It is **42**.');
    expect(run.reasoningText).toBe('');
    expect(run.stepLimit).toBe(2);
    // the last call's numbers count from when it was sent
    expect(run.metricsNow.ttfbMs).toBe(50);
  });

  it('replays from history to the same steps', () => {
    const live = new Run(identity, 0);
    for (const e of turn) live.apply({ ...e });
    const replayed = Run.replay(identity, live.eventsFrom(0).map((e) => ({ ...e })));
    expect(replayed.calls.map((c) => c.answerText)).toEqual(['Let me check.']);
    expect(replayed.toolSteps).toEqual(live.toolSteps);
    expect([replayed.status, replayed.answerText, replayed.stepLimit]).toEqual(['done', 'It is **42**.', 2]);
  });

  it('an approval asked and refused shows as refused, never as running', () => {
    const run = new Run(identity, 0);
    run.apply({ type: 'call-end', finishReason: 'tool_calls', at: 10 });
    run.apply({ type: 'tool-ask', id: 'b', name: 'javascript', args: '{}', at: 20 });
    expect(run.toolSteps[0]!.state).toBe('asking');
    run.apply({ type: 'tool-result', id: 'b', state: 'refused', text: 'declined', at: 30 });
    expect(run.toolSteps[0]).toMatchObject({ state: 'refused', startedAt: null, endedAt: 30 });
  });

  it('a tool cut off with its run (the page closed mid-call) shows as failed, not running, when replayed', () => {
    const replayed = Run.replay(identity, turn.slice(0, 7).map((e) => ({ ...e })));
    expect(replayed.status).toBe('interrupted');
    expect(replayed.toolSteps[0]).toMatchObject({ state: 'error', result: expect.stringMatching(/^Cut off/) });
  });
});
