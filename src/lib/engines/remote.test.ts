// The remote engine against the simulated server: every dialect and every fault, over real HTTP on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsFor, startSim, type SimServer } from '../../../e2e/sim/server.ts';
import type { ServerDialectId } from '../stream/dialects.ts';
import type { StreamEvent } from '../stream/events.ts';
import { ToolCallAccumulator } from '../stream/tool-calls.ts';
import { RemoteEngine } from './remote.ts';
import { requestBody } from './request-body.ts';
import type { ChatRequest, ToolSpec } from './types.ts';

let sim: SimServer;
beforeAll(async () => {
  sim = await startSim({ ttftMs: 20, tps: 2000, reasoningTokens: 12, answerTokens: 30 });
});
afterAll(() => sim.close());

const WEATHER: ToolSpec = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

function request(dialect: ServerDialectId, knobs = '', over: Partial<ChatRequest> = {}): ChatRequest {
  const simDialect = dialect;
  return {
    endpoint: { baseURL: `${sim.url}/${[simDialect, knobs].filter(Boolean).join(',')}/v1`, dialect },
    model: modelsFor(simDialect)[0]!,
    messages: [{ role: 'user', content: 'Why is Qwen3-Next fast?' }],
    thinking: 'default',
    params: {},
    ...over,
  };
}

async function run(req: ChatRequest, signal = new AbortController().signal) {
  const events: StreamEvent[] = [];
  for await (const e of new RemoteEngine().stream(req, signal)) events.push(e);
  const tools = new ToolCallAccumulator();
  for (const e of events) if (e.type === 'tool-call') tools.push(e);
  const text = (type: 'reasoning' | 'content') => events.flatMap((e) => (e.type === type ? [e.text] : [])).join('');
  return { events, reasoning: text('reasoning'), content: text('content'), tools: tools.finish(), last: events.at(-1)!, usage: events.findLast((e) => e.type === 'usage') };
}

describe('remote engine × dialects', () => {
  for (const dialect of ['vllm', 'vllm-0.11', 'sglang', 'nim', 'llamacpp', 'ollama', 'raw'] as const) {
    it(`${dialect}: reasoning apart from the answer, usage, done`, async () => {
      const r = await run(request(dialect));
      // the answer's clock starts as the request goes out, then the server answers
      expect(r.events.slice(0, 2)).toMatchObject([{ type: 'progress', progress: { phase: 'ready' } }, { type: 'open', status: 200 }]);
      expect(r.reasoning).toMatch(/^The user asks: "Why is Qwen3-Next fast\?/);
      expect(r.content).toMatch(/^## Qwen3-Next-80B-A3B in brief\n\nQwen3-Next is a \*\*mixture-of-experts\*\* model/);
      expect(r.content).not.toContain('think>');
      expect(r.last).toMatchObject({ type: 'done', finishReason: 'stop' });
      expect(r.usage).toMatchObject({ completionTokens: 42 });
    });

    it(`${dialect}: parallel tool calls come out whole`, async () => {
      const r = await run(request(dialect, 'tools=2', { model: dialect === 'ollama' ? 'qwen3:8b' : modelsFor(dialect).at(-1)!, tools: [WEATHER] }));
      expect(r.tools.map((t) => [t.name, JSON.parse(t.arguments), t.invalid])).toEqual([
        ['get_weather', { city: 'Paris' }, undefined],
        ['get_weather', { city: 'Tokyo' }, undefined],
      ]);
      expect(r.tools.every((t) => t.id !== '')).toBe(true);
    });
  }

  it('vLLM: continuous usage gives exact per-chunk counts; MTP chunks hold several tokens', async () => {
    const r = await run(request('vllm', 'tpc=3'));
    const usages = r.events.filter((e) => e.type === 'usage');
    expect(usages.length).toBeGreaterThan(10);
    expect(usages.every((u) => u.type === 'usage' && u.cumulative)).toBe(true);
    expect(usages.at(-1)).toMatchObject({ completionTokens: 42 });
  });

  it('llama.cpp: timings arrive as engine stats', async () => {
    const r = await run(request('llamacpp'));
    expect(r.events.find((e) => e.type === 'engine-stats')).toMatchObject({ source: 'llamacpp', stats: { predicted_per_second: 2000, predicted_n: 42 } });
  });

  it('thinking off reaches a hybrid model as chat_template_kwargs, and as /no_think on Ollama', async () => {
    const r = await run(request('vllm', '', { model: 'Qwen/Qwen3-8B', thinking: 'off' }));
    expect(r.reasoning).toBe('');
    expect(r.content.length).toBeGreaterThan(0);
    const o = await run(request('ollama', '', { model: 'qwen3:8b', thinking: 'off' }));
    expect(o.reasoning).toBe('');
    expect(requestBody(request('ollama', '', { model: 'qwen3:8b', thinking: 'off' })).messages).toEqual([{ role: 'user', content: 'Why is Qwen3-Next fast? /no_think' }]);
  });

  it('raw thinking-off form: the empty think block does not hide the answer', async () => {
    const r = await run(request('raw', '', { model: 'Qwen/Qwen3-8B', thinking: 'off' }));
    expect(r.reasoning).toBe('');
    expect(r.content).toMatch(/^## Qwen3-Next/);
  });

  it('a strict CORS server still works: no SDK headers are sent', async () => {
    // node sends no preflight, so check the headers directly
    const seen: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(...new Headers(init?.headers).keys());
      return original(input, init);
    }) as typeof fetch;
    try {
      await run(request('vllm', 'cors=strict'));
    } finally {
      globalThis.fetch = original;
    }
    expect(seen.filter((h) => h.startsWith('x-stainless'))).toEqual([]);
    expect(seen).not.toContain('authorization');
  });
});

describe('remote engine × faults', () => {
  const cases: Array<[string, RegExp, object]> = [
    ['fault=401', /API key is missing or wrong for 127\.0\.0\.1:\d+ \(HTTP 401\)/, { kind: 'auth', status: 401 }],
    ['fault=403', /API key is missing or wrong/, { kind: 'auth', status: 403 }],
    ['fault=404', /does not know the model "Qwen\/Qwen3-Next-80B-A3B-Thinking"/, { kind: 'not-found', status: 404 }],
    ['fault=429,retry-after=7', /rate limiting requests \(HTTP 429\)\. Retry in 7 s\./, { kind: 'rate-limit', retryAfterS: 7 }],
    ['fault=500', /failed \(HTTP 500\): CUDA error: an illegal memory access/, { kind: 'server', status: 500 }],
    ['fault=503', /failed \(HTTP 503\): The server is overloaded/, { kind: 'server', status: 503 }],
  ];
  for (const [knobs, message, fields] of cases) {
    it(`${knobs}: a clear error, nothing else`, async () => {
      const r = await run(request('vllm', knobs));
      expect(r.events.map((e) => e.type)).toEqual(['progress', 'error']);
      expect(r.last).toMatchObject({ type: 'error', ...fields });
      expect(r.last.type === 'error' && r.last.message).toMatch(message);
    });
  }

  it('a key the server wants: without it 401, with it the answer', async () => {
    const without = await run(request('sglang', 'key=s3cret'));
    expect(without.last).toMatchObject({ type: 'error', kind: 'auth', status: 401 });
    const withKey = await run({ ...request('sglang', 'key=s3cret'), endpoint: { ...request('sglang', 'key=s3cret').endpoint, apiKey: 's3cret' } });
    expect(withKey.last).toMatchObject({ type: 'done' });
  });

  it('an error inside a 200 stream keeps the partial answer', async () => {
    const r = await run(request('sglang', 'fault=stream-error,after=20'));
    expect(r.reasoning.length).toBeGreaterThan(0);
    expect(r.last).toMatchObject({ type: 'error', kind: 'server' });
    expect(r.last.type === 'error' && r.last.message).toContain('CUDA out of memory');
  });

  it('a dropped connection keeps the partial answer', async () => {
    const r = await run(request('vllm', 'fault=drop,after=16'));
    expect(r.content.length).toBeGreaterThan(0);
    expect(r.last).toMatchObject({ type: 'error', kind: 'dropped' });
  });

  it('a stream that ends without finishing says so', async () => {
    const r = await run(request('llamacpp', 'fault=truncate,after=16'));
    expect(r.content.length).toBeGreaterThan(0);
    expect(r.last).toMatchObject({ type: 'error', kind: 'dropped', message: expect.stringMatching(/^The stream ended early/) });
  });

  it('a malformed chunk is skipped with a warning; the rest arrives', async () => {
    const r = await run(request('vllm', 'fault=malformed,after=16'));
    expect(r.events.some((e) => e.type === 'warning')).toBe(true);
    expect(r.last).toMatchObject({ type: 'done', finishReason: 'stop' });
    expect(r.usage).toMatchObject({ completionTokens: 42 });
  });

  it('a stalled server is given up on after the stall timeout, text kept', async () => {
    const started = performance.now();
    const r = await run({ ...request('vllm', 'fault=stall,after=16'), stallTimeoutMs: 300 });
    expect(r.last).toMatchObject({ type: 'error', kind: 'stalled' });
    expect(r.content.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('a slow-but-alive server (stall shorter than the timeout) finishes', async () => {
    const r = await run({ ...request('vllm', 'fault=stall,after=16,stall=200'), stallTimeoutMs: 2000 });
    expect(r.last).toMatchObject({ type: 'done' });
  });

  it('stop keeps what arrived and ends with stopped', async () => {
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    for await (const e of new RemoteEngine().stream(request('vllm', 'tps=100'), controller.signal)) {
      events.push(e);
      if (events.filter((x) => x.type === 'content').length === 3) controller.abort();
    }
    expect(events.at(-1)).toMatchObject({ type: 'stopped' });
    expect(events.filter((e) => e.type === 'content')).toHaveLength(3);
  });

  it('a server that is not there: a network error that says what to check', async () => {
    const closed = await startSim();
    const url = closed.url;
    await closed.close();
    const r = await run({ ...request('vllm'), endpoint: { baseURL: `${url}/v1`, dialect: 'vllm' } });
    expect(r.last).toMatchObject({ type: 'error', kind: 'network' });
    expect(r.last.type === 'error' && r.last.message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+\/v1\. Is the server running/);
  });
});
