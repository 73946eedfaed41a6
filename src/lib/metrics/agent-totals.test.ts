import { describe, expect, it } from 'vitest';
import { agentTotals } from './agent-totals.ts';
import type { MetricsSnapshot } from './metrics.ts';

const m = (over: Partial<MetricsSnapshot>): MetricsSnapshot => ({ promptTokens: null, outputTokens: null, totalMs: null, ...over }) as MetricsSnapshot;

describe('agent totals', () => {
  it('adds up the calls; tool time counts parallel calls once', () => {
    const calls = [m({ promptTokens: 100, outputTokens: { value: 20, source: 'server' }, totalMs: 800 }), m({ promptTokens: 150, outputTokens: { value: 30, source: 'server' }, totalMs: 1200 })];
    const tools = [
      { call: 0, startedAt: 1000, endedAt: 1300 },
      { call: 0, startedAt: 1010, endedAt: 1200 },
      { call: 1, startedAt: 3000, endedAt: 3050 },
    ];
    expect(agentTotals(calls, tools)).toEqual({ steps: 2, toolCalls: 3, promptTokens: 250, outputTokens: { value: 50, source: 'server' }, modelMs: 2000, toolMs: 350 });
  });

  it('shows no number a call did not report; an estimate anywhere makes the sum an estimate', () => {
    const calls = [m({ promptTokens: 100, outputTokens: { value: 20, source: 'server' } }), m({ outputTokens: { value: 7, source: 'chunks' } })];
    const totals = agentTotals(calls, [{ call: 0, startedAt: 5, endedAt: null }]);
    expect(totals).toMatchObject({ promptTokens: null, outputTokens: { value: 27, source: 'chunks' }, modelMs: null, toolMs: null, toolCalls: 1 });
  });
});
