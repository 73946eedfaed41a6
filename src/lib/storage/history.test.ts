// A comparison read back from storage: every saved batch of every run, in order, however many there are.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import { openPlaygroundDB, type StoredRun } from './db.ts';
import { loadComparison, putComparison } from './history.ts';

const run = (panelKey: string): StoredRun => ({
  id: `c1/${panelKey}/0`,
  comparisonId: 'c1',
  panelKey,
  turn: 0,
  model: 'Qwen/Qwen3-8B',
  endpoint: { baseURL: 'http://gpu:8000/v1', dialect: 'vllm' },
  thinking: 'default',
  params: {},
  startedAt: 1,
  updatedAt: 2,
  // saved mid-stream: its text comes from the events
  status: 'answering',
  answer: '',
  reasoning: '',
  toolCalls: [],
  errorMessage: null,
  metrics: null,
  eventCount: 0,
});

describe('loadComparison', () => {
  it('reads a run saved in many batches (more than one read brings back) whole and in order', async () => {
    const db = await openPlaygroundDB('storage-history-1');
    const panels = ['p1', 'p2'].map((key) => ({ key, model: 'Qwen/Qwen3-8B', endpoint: { baseURL: 'http://gpu:8000/v1', dialect: 'vllm' as const }, thinking: 'default' as const, params: {} }));
    const comparison = { id: 'c1', title: '', createdAt: 1, updatedAt: 2, system: '', turns: ['q'], panels, settings: { stallTimeoutS: 120 } };
    await putComparison(db, { comparison, runs: [{ run: run('p1'), events: [] }, { run: run('p2'), events: [] }] });
    // 50 batches of 3 events each, as a stream saved twice a second writes them; written out of order
    const batches = (runId: string) => Array.from({ length: 50 }, (_, n) => ({ runId, n, events: [0, 1, 2].map((i): StreamEvent => ({ type: 'content', text: `${n}.${i} `, seq: n * 3 + i, at: n * 500 + i })) }));
    for (const id of ['c1/p2/0', 'c1/p1/0']) for (const batch of batches(id).reverse()) await db.put('events', batch);

    const loaded = await loadComparison(db, 'c1');
    const expected = batches('').flatMap((b) => b.events);
    expect(loaded!.runs.map((r) => r.run.panelKey)).toEqual(['p1', 'p2']);
    for (const { run: r, events } of loaded!.runs) {
      expect(events).toEqual(expected);
      expect(r.answer).toBe(expected.map((e) => (e.type === 'content' ? e.text : '')).join(''));
    }
    db.close();
  });

  it('gives a run saved mid-stream the text as it showed: an answer that became reasoning at a lone </think> is reasoning', async () => {
    const db = await openPlaygroundDB('storage-history-2');
    const panels = [{ key: 'p1', model: 'qwen', endpoint: { baseURL: 'http://gpu:8000/v1', dialect: 'raw' as const }, thinking: 'default' as const, params: {} }];
    const comparison = { id: 'c1', title: '', createdAt: 1, updatedAt: 2, system: '', turns: ['q'], panels, settings: { stallTimeoutS: 120 } };
    const events: StreamEvent[] = [
      { type: 'content', text: 'Two plus', seq: 1, at: 10 },
      { type: 'content', text: ' two.', seq: 2, at: 20 },
      { type: 'reclassify', to: 'reasoning', seq: 3, at: 30 },
      { type: 'reasoning', text: ' Four.', seq: 3, at: 30 },
      { type: 'content', text: '**4**', seq: 4, at: 40 },
    ];
    await putComparison(db, { comparison, runs: [{ run: run('p1'), events }] });
    const loaded = await loadComparison(db, 'c1');
    expect(loaded!.runs[0]!.run).toMatchObject({ reasoning: 'Two plus two. Four.', answer: '**4**' });
    db.close();
  });
});
