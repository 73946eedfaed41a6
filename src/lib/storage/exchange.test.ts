// The export file round-trips, a wrong file is refused with its reason, and the Markdown reads side by side.
import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../metrics/metrics.ts';
import { EXPORT_FORMAT, exportJSON, exportMarkdown, ImportError, parseExport, withId } from './exchange.ts';
import type { LoadedComparison } from './history.ts';
import type { StoredRun } from './db.ts';

const run = (panelKey: string, model: string, answer: string, extra: Partial<StoredRun> = {}): StoredRun => ({
  id: `c1/${panelKey}/0`,
  comparisonId: 'c1',
  panelKey,
  turn: 0,
  model,
  endpoint: { baseURL: 'http://gpu:8000/v1', dialect: 'vllm' },
  thinking: 'default',
  params: {},
  startedAt: 1,
  updatedAt: 2,
  status: 'done',
  answer,
  reasoning: '',
  toolCalls: [],
  errorMessage: null,
  metrics: null,
  eventCount: 1,
  ...extra,
});

const loaded: LoadedComparison = {
  comparison: {
    id: 'c1',
    title: '',
    createdAt: 1,
    updatedAt: 2,
    system: 'Be brief.',
    turns: ['Why | how?'],
    panels: [
      { key: 'p1', model: 'Qwen/Qwen3-Next-80B-A3B-Thinking', endpoint: { baseURL: 'http://gpu:8000/v1', dialect: 'vllm' }, thinking: 'default', params: {} },
      { key: 'p2', model: 'Qwen/Qwen3-8B', endpoint: { baseURL: 'http://gpu:8001/v1', dialect: 'sglang' }, thinking: 'off', params: { temperature: 0.7 } },
    ],
    settings: { stallTimeoutS: 120 },
  },
  runs: [
    { run: run('p1', 'Qwen/Qwen3-Next-80B-A3B-Thinking', '**Sparse** experts.', { reasoning: 'The user asks why.' }), events: [{ type: 'content', text: '**Sparse** experts.', at: 12.5, seq: 1 }] },
    { run: run('p2', 'Qwen/Qwen3-8B', '', { status: 'error', errorMessage: 'The key is missing or wrong for gpu:8001.' }), events: [] },
  ],
};

describe('export and import', () => {
  it('JSON round-trips exactly', () => {
    expect(parseExport(exportJSON(loaded))).toEqual(loaded);
    expect(JSON.parse(exportJSON(loaded, new Date('2026-11-22T00:00:00Z')))).toMatchObject({ format: EXPORT_FORMAT, version: 1, exportedAt: '2026-11-22T00:00:00.000Z' });
  });

  it('a key or headers written into a file by hand are dropped on import', () => {
    const file = JSON.parse(exportJSON(loaded));
    file.comparison.panels[0].endpoint.apiKey = 'sk-secret';
    file.comparison.panels[0].endpoint.headers = { Authorization: 'Bearer sk-secret' };
    file.runs[0].run.endpoint.apiKey = 'sk-secret';
    expect(JSON.stringify(parseExport(JSON.stringify(file)))).not.toContain('sk-secret');
  });

  it.each([
    ['not json', /not JSON/],
    ['{"format":"something-else"}', /not a Qwen Playground export/],
    [`{"format":"${EXPORT_FORMAT}","version":99}`, /version 99; this app reads up to version 1/],
    [`{"format":"${EXPORT_FORMAT}","version":1,"comparison":{"id":"x"}}`, /no readable comparison/],
    [`{"format":"${EXPORT_FORMAT}","version":1,"comparison":{"id":"x","turns":[],"panels":[{"key":"p"}]}}`, /lacks its model or endpoint/],
    [`{"format":"${EXPORT_FORMAT}","version":1,"comparison":{"id":"x","turns":[],"panels":[]},"runs":[{"run":{}}]}`, /run in the export is incomplete/],
  ])('refuses %s with a reason', (text, reason) => {
    expect(() => parseExport(text)).toThrow(ImportError);
    expect(() => parseExport(text)).toThrow(reason);
  });

  it('withId moves every run under the new id', () => {
    const copy = withId(loaded, 'c2', 'Copy');
    expect(copy.comparison).toMatchObject({ id: 'c2', title: 'Copy' });
    expect(copy.runs.map((r) => [r.run.id, r.run.comparisonId])).toEqual([
      ['c2/p1/0', 'c2'],
      ['c2/p2/0', 'c2'],
    ]);
    expect(loaded.comparison.id).toBe('c1');
  });

  it('Markdown puts the numbers side by side, then each answer', () => {
    const md = exportMarkdown(loaded, 'Why MoE', new Date('2026-11-22T00:00:00Z'));
    expect(md).toContain('# Why MoE\n\n_Exported from Qwen Playground on 2026-11-22 · 2 models_');
    expect(md).toContain('> Be brief.');
    expect(md).toContain('| | Qwen/Qwen3-Next-80B-A3B-Thinking | Qwen/Qwen3-8B |');
    expect(md).toContain('| Status | done | error |');
    expect(md).toContain('> Why | how?'); // the prompt as a quote; in table cells a | is escaped
    expect(md).toContain('<summary>Reasoning</summary>\n\n```text\nThe user asks why.\n```');
    expect(md).toContain('### Qwen/Qwen3-Next-80B-A3B-Thinking\n\n<details>');
    expect(md).toContain('**Sparse** experts.');
    expect(md).toContain('**Error:** The key is missing or wrong for gpu:8001.');
    // nothing loaded in this browser, so no row for it
    expect(md).not.toContain('Model load');
  });

  it('Markdown shows an agent turn step by step: each call, its tools with arguments, results and time, then the answer', () => {
    const events = [
      { type: 'reasoning', text: 'Need math.', seq: 1, at: 10 },
      { type: 'tool-call', index: 0, id: 'a', name: 'calculator', argsDelta: '{"expression":"6*7"}', seq: 2, at: 20 },
      { type: 'call-end', finishReason: 'tool_calls', at: 30 },
      { type: 'tool-start', id: 'a', name: 'calculator', args: '{"expression":"6*7"}', at: 40 },
      { type: 'tool-result', id: 'a', state: 'done', text: '42', at: 90 },
      { type: 'call-start', at: 100 },
      { type: 'content', text: 'It is 42.', seq: 1, at: 150 },
      { type: 'done', finishReason: 'stop', at: 160 },
    ] as const;
    const agent: LoadedComparison = { ...loaded, runs: [{ run: run('p1', 'Qwen/Qwen3-Next-80B-A3B-Thinking', 'It is 42.'), events: events.map((e) => ({ ...e })) }] };
    const md = exportMarkdown(agent, 'Agent');
    expect(md).toContain(
      '#### Step 1\n\n<details><summary>Reasoning</summary>\n\n```text\nNeed math.\n```\n\n</details>\n\nTool `calculator` (done, 0.05 s):\n\n```json\n{"expression":"6*7"}\n```\n\nResult:\n\n```text\n42\n```\n\n#### Step 2 (the answer)\n\nIt is 42.',
    );
  });

  it('Markdown gives an in-browser model its load time, beside the servers that had none', () => {
    const withLoad: LoadedComparison = { ...loaded, runs: [{ run: run('p1', 'Qwen3-1.7B-q4f32_1-MLC', 'Hi', { loadMs: 23_400 }), events: [] }, { run: run('p2', 'Qwen/Qwen3-8B', 'Hi'), events: [] }] };
    expect(exportMarkdown(withLoad, 'Load')).toContain('| Model load | 23.40 s | – |');
  });

  it('Markdown gives a load that failed its time, and no answer time, since no answer was asked for', () => {
    const ended = (totalMs: number) => ({ totalMs }) as MetricsSnapshot;
    const failed: LoadedComparison = {
      ...loaded,
      runs: [
        { run: run('p1', 'Qwen3-1.7B-q4f32_1-MLC', '', { status: 'error', loadMs: 1_800, metrics: ended(0) }), events: [] },
        { run: run('p2', 'Qwen/Qwen3-8B', 'Hi', { metrics: ended(0) }), events: [] },
      ],
    };
    const md = exportMarkdown(failed, 'Load');
    expect(md).toContain('| Model load | 1.80 s | – |');
    expect(md).toContain('| Total | – | 0.00 s |');
    expect(md).not.toContain('| Queued |');
  });

  it('Markdown gives the time queued behind another in-browser answer a row of its own', () => {
    const queued: LoadedComparison = { ...loaded, runs: [{ run: run('p1', 'Qwen3-4B-q4f32_1-MLC', 'Hi', { queuedMs: 3_000, loadMs: 6_000 }), events: [] }, { run: run('p2', 'Qwen/Qwen3-8B', 'Hi'), events: [] }] };
    const md = exportMarkdown(queued, 'Queued');
    expect(md).toContain('| Queued | 3.00 s | – |\n| Model load | 6.00 s | – |');
  });
});
