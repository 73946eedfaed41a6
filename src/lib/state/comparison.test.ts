// The page state with a scripted engine: shared turns, each panel's own history, regenerate, stop, failures.
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { loadHighlighter } from '../markdown/highlight.ts';
import { Comparison } from './comparison.svelte.ts';
import { OpenStreams } from './open-streams.ts';
import { ScriptedEngine } from './scripted-engine.test-support.ts';
import type { ChatRequest, Engine } from '../engines/types.ts';
import type { StreamEvent } from '../stream/events.ts';
import { qwenToolMessages } from '../agent/qwen-format.ts';
import { Run } from './run.svelte.ts';

const identity = (html: string) => html;

function setup() {
  const engine = new ScriptedEngine();
  const c = new Comparison(identity, engine);
  const endpoint = { baseURL: 'http://h/v1', dialect: 'vllm' as const };
  const a = c.addPanel({ endpoint, model: 'A', thinking: 'default', params: {} });
  const b = c.addPanel({ endpoint, model: 'B', thinking: 'off', params: { temperature: 0.6 } });
  return { engine, c, a, b };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('Comparison', () => {
  it('sends one turn to every panel; each keeps its own answers in its history', async () => {
    const { engine, c, a, b } = setup();
    c.system = 'Be brief.';
    c.send('one');
    await settle();
    c.send('two');
    await settle();
    expect(a.runs.map((r) => r?.answerText)).toEqual(['A: one', 'A: two']);
    expect(b.runs.map((r) => r?.answerText)).toEqual(['B: one', 'B: two']);
    const second = engine.requests.filter((r) => r.model === 'B')[1]!;
    expect(second.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'B: one' },
      { role: 'user', content: 'two' },
    ]);
    expect(second).toMatchObject({ thinking: 'off', params: { temperature: 0.6 } });
  });

  it('refuses to send while a panel is busy, and an empty prompt', async () => {
    const { engine, c } = setup();
    let release!: () => void;
    engine.hold = new Promise((r) => (release = r));
    c.send('   ');
    c.send('first');
    c.send('second');
    expect(c.turns).toEqual(['first']);
    release();
    await settle();
    expect(c.busy).toBe(false);
  });

  it('regenerate replaces only that panel’s last run', async () => {
    const { c, a, b } = setup();
    c.send('q');
    await settle();
    const [runA, runB] = [a.runs[0], b.runs[0]];
    c.regenerate(a);
    await settle();
    expect(a.runs).toHaveLength(1);
    expect(a.runs[0]).not.toBe(runA);
    expect(b.runs[0]).toBe(runB);
  });

  it('stop ends a run as stopped and keeps what arrived', async () => {
    const { engine, c, a } = setup();
    let release!: () => void;
    engine.hold = new Promise((r) => (release = r));
    c.send('q');
    await settle();
    c.stopAll();
    release();
    await settle();
    expect(a.runs[0]!.status).toBe('stopped');
    expect(a.runs[0]!.answerText).toBe('A: ');
  });

  it('an engine that throws fails its own panel only, with a message', async () => {
    const { engine, c, a, b } = setup();
    engine.fail.add('A');
    c.send('q');
    await settle();
    expect(a.runs[0]!.status).toBe('error');
    expect(a.runs[0]!.error?.message).toBe('Something went wrong in the app: engine exploded');
    expect(b.runs[0]!.status).toBe('done');
  });

  it('a key typed where an answer failed for want of one goes to every panel on that endpoint, and those that failed ask again', async () => {
    const { engine, c, a, b } = setup();
    const other = c.addPanel({ endpoint: { baseURL: 'http://other/v1', dialect: 'vllm' }, model: 'C', thinking: 'default', params: {} });
    engine.key = 's3cret';
    c.send('q');
    await vi.waitFor(() => expect([a, b, other].map((p) => p.latest?.error?.kind)).toEqual(['auth', 'auth', 'auth']), { interval: 5 });
    c.useKey('http://h/v1/', 's3cret'); // a trailing slash is the same endpoint
    await vi.waitFor(() => expect(c.busy).toBe(false), { interval: 5 });
    expect([a, b].map((p) => [p.setup.endpoint.apiKey, p.latest?.status, p.latest?.answerText])).toEqual([
      ['s3cret', 'done', 'A: q'],
      ['s3cret', 'done', 'B: q'],
    ]);
    // another server keeps its own key, and its failure stays on screen
    expect(other.setup.endpoint.apiKey).toBeUndefined();
    expect(other.latest?.error?.kind).toBe('auth');
    expect(engine.requests.filter((r) => r.model === 'C')).toHaveLength(1);
  });

  it('a key given to a panel that answered asks nothing again', async () => {
    const { engine, c, a } = setup();
    c.send('q');
    await vi.waitFor(() => expect(a.latest?.status).toBe('done'), { interval: 5 });
    const before = engine.requests.length;
    c.useKey('http://h/v1', 'new');
    await settle();
    expect(a.setup.endpoint.apiKey).toBe('new');
    expect(engine.requests.length).toBe(before);
  });

  it('editLastTurn gives the prompt back and drops every panel’s answer to it', async () => {
    const { c, a, b } = setup();
    c.send('one');
    await settle();
    c.send('two');
    await settle();
    expect(c.editLastTurn()).toBe('two');
    expect(c.turns).toEqual(['one']);
    expect([a.runs.length, b.runs.length]).toEqual([1, 1]);
  });

  it('a panel added after some turns answers under the turn it was there for', async () => {
    const { c } = setup();
    c.send('one');
    await settle();
    const late = c.addPanel({ endpoint: { baseURL: 'http://h/v1', dialect: 'vllm' }, model: 'C', thinking: 'default', params: {} });
    c.send('two');
    await settle();
    expect(late.runs.length).toBe(2);
    expect(late.runs[0]).toBeUndefined();
    expect(late.runs[1]?.answerText).toBe('C: two');
  });

  it('a request sent behind 6 open streams to its server says in its run that it waited in the browser; one to another server does not', async () => {
    const streams = new OpenStreams(null);
    const elsewhere = Array.from({ length: 6 }, () => streams.open('http://h:8000/v1')); // e.g. another tab's
    const c = new Comparison(identity, new ScriptedEngine(), undefined, undefined, streams);
    const behind = c.addPanel({ endpoint: { baseURL: 'http://h:8000/v1', dialect: 'vllm' }, model: 'A', thinking: 'default', params: {} });
    const free = c.addPanel({ endpoint: { baseURL: 'http://other:8000/v1', dialect: 'vllm' }, model: 'B', thinking: 'default', params: {} });
    c.send('q');
    await settle();
    expect(behind.latest!.warnings).toEqual([expect.stringMatching(/^Sent while 6 other requests to http:\/\/h:8000 were open/)]);
    expect(behind.latest!.eventsFrom(0).find((e) => e.type === 'warning')).toBeDefined(); // saved and replayed with the run
    expect(free.latest!.warnings).toEqual([]);
    expect(streams.total('http://h:8000')).toBe(6); // the run ended: its stream no longer counts
    elsewhere.forEach((s) => s.close());
  });
});

describe('Comparison.warmUp', () => {
  it('in the idle moments after the page loads, with nothing typed: the markdown path, then every language of the highlighter', async () => {
    const idle: IdleRequestCallback[] = [];
    vi.stubGlobal('requestIdleCallback', (cb: IdleRequestCallback) => idle.push(cb));
    try {
      const hljs = await loadHighlighter();
      const compiled = () => hljs.listLanguages().filter((name) => (hljs.getLanguage(name) as { isCompiled?: boolean }).isCompiled);
      expect(compiled()).toEqual([]);
      new Comparison(identity, new ScriptedEngine()).warmUp();
      // long idle periods, one after another, with a task between them for the highlighter's loading to land
      for (let i = 0; i < 500 && idle.length; i++) {
        idle.shift()!({ timeRemaining: () => 50, didTimeout: false });
        await new Promise((r) => setTimeout(r));
      }
      expect(idle).toEqual([]);
      expect(compiled()).toEqual(hljs.listLanguages());
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

/** Answers the first turn as an agent loop does (a call, a tool result, an answer), later turns plainly. */
class AgentTurnEngine implements Engine {
  requests: ChatRequest[] = [];
  async *stream(req: ChatRequest): AsyncGenerator<StreamEvent> {
    this.requests.push(req);
    const at = performance.now();
    if (req.messages.filter((m) => m.role === 'user').length > 1) {
      yield { type: 'open', status: 200, at };
      yield { type: 'content', text: 'Still 42.', seq: 1, at };
      return yield { type: 'done', finishReason: 'stop', at };
    }
    const args = '{"expression":"6*7"}';
    yield* [
      { type: 'open', status: 200, at },
      { type: 'reasoning', text: 'I should compute.', seq: 1, at },
      { type: 'content', text: 'Let me check.', seq: 2, at },
      { type: 'tool-call', index: 0, id: '', name: 'calculator', argsDelta: args, seq: 3, at },
      { type: 'call-end', finishReason: 'tool_calls', at },
      { type: 'tool-start', id: 'call_1_0', name: 'calculator', args, at },
      { type: 'tool-result', id: 'call_1_0', state: 'done', text: '42', at },
      { type: 'call-start', at },
      { type: 'open', status: 200, at },
      { type: 'reasoning', text: 'Now answer.', seq: 1, at },
      { type: 'content', text: 'It is **42**.', seq: 2, at },
      { type: 'done', finishReason: 'stop', at },
    ] satisfies StreamEvent[];
  }
}

describe('Comparison, after an agent turn', () => {
  it('the next turn carries the earlier tool calls and results by id, without the earlier reasoning; replayed alike', async () => {
    const engine = new AgentTurnEngine();
    const c = new Comparison(identity, engine);
    const panel = c.addPanel({ endpoint: { baseURL: 'http://h/v1', dialect: 'vllm' }, model: 'A', thinking: 'default', params: {} });
    c.send('one');
    await settle();
    c.send('two');
    await settle();
    expect(panel.runs[1]?.answerText).toBe('Still 42.');
    const expected = [
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_1_0', type: 'function', function: { name: 'calculator', arguments: '{"expression":"6*7"}' } }] },
      { role: 'tool', tool_call_id: 'call_1_0', content: '42' },
      { role: 'assistant', content: 'It is **42**.' },
      { role: 'user', content: 'two' },
    ];
    expect(engine.requests[1]!.messages).toEqual(expected);
    // in-browser Qwen3 reads the same turn in its own format, with no reasoning of the earlier turn
    expect(qwenToolMessages(engine.requests[1]!.messages, undefined)).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'Let me check.\n<tool_call>\n{"name": "calculator", "arguments": {"expression":"6*7"}}\n</tool_call>' },
      { role: 'user', content: '<tool_response>\n42\n</tool_response>' },
      { role: 'assistant', content: 'It is **42**.' },
      { role: 'user', content: 'two' },
    ]);
    // the steps are saved as events: a turn replayed from history builds the same messages
    panel.runs[0] = Run.replay(identity, panel.runs[0]!.eventsFrom(0).map((e) => ({ ...e })));
    expect(c.history(panel, 1)).toEqual(expected);
  });
});
