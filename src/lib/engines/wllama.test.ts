// The CPU engine with a scripted llama.cpp and an in-memory Cache Storage: download, cache, stream, stop, queue, failures.
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import type { CpuBackend, CpuChatRequest } from './wllama-backend.ts';
import { CPU_CATALOG, cpuModelUrls, resolveCpuModel } from './wllama-catalog.ts';
import { GGUF_CACHE, type CacheLike, type CachesLike } from './wllama-files.ts';
import { planThreads, type ThreadPlan } from './wllama-threads.ts';
import type { ChatRequest } from './types.ts';
import { WllamaEngine } from './wllama.ts';

const chunk = (content: string, finish: string | null = null) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
const TIMINGS = { prompt_n: 20, prompt_ms: 10, prompt_per_second: 2000, predicted_n: 12, predicted_ms: 400, predicted_per_second: 30 };
const END = { object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 }, timings: TIMINGS };
const SCRIPT = [chunk('<think>'), chunk('a thought'), chunk('</think>\n\nHi'), chunk(' there'), chunk('', 'stop'), END];

class MemoryCaches implements CachesLike {
  stores = new Map<string, Map<string, Response>>();
  async has(name: string) {
    return this.stores.has(name);
  }
  async open(name: string): Promise<CacheLike> {
    const store = this.stores.get(name) ?? new Map<string, Response>();
    this.stores.set(name, store);
    return {
      match: async (url) => store.get(url)?.clone(),
      // like the browser, the entry exists only once its body has been read whole
      put: async (url, res) => void store.set(url, new Response(await res.arrayBuffer(), { headers: res.headers })),
      delete: async (url) => store.delete(url),
      keys: async () => [...store.keys()].map((url) => ({ url })),
    };
  }
}

/** A fake llama.cpp: loads at once, streams the script one chunk per tick, and throws on abort as wllama does. */
class FakeBackend implements CpuBackend {
  loads: Array<{ files: number; threads: number }> = [];
  requests: CpuChatRequest[] = [];
  exited = 0;
  loadError: Error | null = null;
  script: object[] = SCRIPT;
  gate: Promise<void> = Promise.resolve();
  async load(files: Blob[], options: { threads: number }) {
    this.loads.push({ files: files.length, threads: options.threads });
    if (this.loadError) throw this.loadError;
    return { threads: options.threads, multithread: options.threads > 1 };
  }
  async chat(request: CpuChatRequest, signal: AbortSignal) {
    this.requests.push(request);
    const self = this;
    return (async function* () {
      for (const c of self.script) {
        await self.gate;
        await new Promise((r) => setTimeout(r, 1));
        if (signal.aborted) throw Object.assign(new Error('Operation aborted'), { name: 'AbortError' });
        yield c;
      }
    })();
  }
  async exit() {
    this.exited++;
  }
}

/** A mirror that serves every file with `bytes` bytes, counting requests; `status` answers instead when set. */
function mirror(bytes = 3000, hold?: Promise<void>) {
  const state = { requests: 0, status: 200, breakOff: false };
  const fetcher = (async (url: string, init?: RequestInit) => {
    state.requests++;
    if (state.status !== 200) return new Response('no', { status: state.status });
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (hold) await hold;
        if (init?.signal?.aborted) return c.error(init.signal.reason);
        if (state.breakOff) return c.error(new TypeError('network error'));
        c.enqueue(new Uint8Array(bytes));
        c.close();
      },
    });
    return new Response(body, { headers: { 'content-length': String(bytes) } });
  }) as unknown as typeof fetch;
  return { state, fetcher };
}

function setup(opts: { plan?: ThreadPlan; hold?: Promise<void> } = {}) {
  const caches = new MemoryCaches();
  const backend = new FakeBackend();
  const { state, fetcher } = mirror(3000, opts.hold);
  const speeds: Array<[string, number, number]> = [];
  const engine = new WllamaEngine({
    catalog: CPU_CATALOG,
    mirror: () => 'http://mirror.test',
    caches: () => caches,
    threads: () => opts.plan ?? planThreads(true, 4),
    backend: async () => backend,
    fetcher,
    onSpeed: (m, tps, threads) => speeds.push([m, tps, threads]),
  });
  return { engine, backend, caches, state, speeds };
}

const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({ endpoint: { baseURL: 'wasm', dialect: 'wasm' }, model: 'Qwen3-0.6B', messages: [{ role: 'user', content: 'Hi' }], thinking: 'default', params: {}, ...over });

async function collect(stream: AsyncIterable<StreamEvent>, onEvent?: (e: StreamEvent) => void): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of stream) {
    out.push(e);
    onEvent?.(e);
  }
  return out;
}

const phases = (events: StreamEvent[]) => events.flatMap((e) => (e.type === 'progress' ? [e.progress.phase] : []));
const text = (events: StreamEvent[], type: 'content' | 'reasoning') => events.flatMap((e) => (e.type === type ? [e.text] : [])).join('');

describe('CPU catalog', () => {
  it("takes a family's default quantization, an id in any case, and nothing else", () => {
    expect(resolveCpuModel(CPU_CATALOG, 'Qwen3-0.6B')?.id).toBe('Qwen3-0.6B-Q8_0');
    expect(resolveCpuModel(CPU_CATALOG, 'qwen3-4b-q4_k_m')?.id).toBe('Qwen3-4B-Q4_K_M');
    expect(resolveCpuModel(CPU_CATALOG, 'Qwen3-8B')).toBeNull();
  });

  it("builds Hugging Face's paths, on a mirror too, and lists every part of a split file", () => {
    const entry = CPU_CATALOG[0]!;
    expect(cpuModelUrls(entry, null)).toEqual(['https://huggingface.co/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf']);
    expect(cpuModelUrls(entry, 'http://m.test/hf/')).toEqual(['http://m.test/hf/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf']);
    const split = { ...entry, file: 'Qwen3-4B-Q4_K_M-00001-of-00003.gguf', parts: 3 };
    expect(cpuModelUrls(split, null).map((u) => u.split('/').pop())).toEqual(['Qwen3-4B-Q4_K_M-00001-of-00003.gguf', 'Qwen3-4B-Q4_K_M-00002-of-00003.gguf', 'Qwen3-4B-Q4_K_M-00003-of-00003.gguf']);
  });
});

describe('CPU engine', () => {
  it('downloads into the cache, loads, splits <think> into reasoning, and reports usage and its own speed', async () => {
    const { engine, backend, caches, state, speeds } = setup();
    const events = await collect(engine.stream(request(), new AbortController().signal));
    expect(phases(events)).toEqual(expect.arrayContaining(['starting', 'fetching', 'ready']));
    expect(phases(events).at(-1)).toBe('ready');
    expect(state.requests).toBe(1);
    expect([...caches.stores.get(GGUF_CACHE)!.keys()]).toEqual(['http://mirror.test/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf']);
    expect(text(events, 'reasoning')).toBe('a thought');
    expect(text(events, 'content')).toBe('Hi there');
    expect(events).toContainEqual(expect.objectContaining({ type: 'usage', promptTokens: 20, completionTokens: 12 }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'engine-stats', source: 'llamacpp' }));
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
    expect(backend.loads).toEqual([{ files: 1, threads: 2 }]);
    expect(speeds).toEqual([['Qwen3-0.6B-Q8_0', 30, 2]]);
    // the fetching reports carry bytes out of the size the server said
    expect(events).toContainEqual(expect.objectContaining({ type: 'progress', progress: expect.objectContaining({ phase: 'fetching', loadedBytes: 3000, totalBytes: 3000 }) }));
  });

  it('answers the next request with the model loaded, and reads a reloaded page’s model from the cache', async () => {
    const first = setup();
    await collect(first.engine.stream(request(), new AbortController().signal));
    const again = await collect(first.engine.stream(request(), new AbortController().signal));
    expect(phases(again)).toEqual(['ready']);
    // a fresh engine (a reload) over the same cache, offline: the model comes from the cache
    const offline = (async () => {
      throw new Error('no network');
    }) as unknown as typeof fetch;
    const reloaded = new WllamaEngine({ catalog: CPU_CATALOG, mirror: () => 'http://mirror.test', caches: () => first.caches, threads: () => planThreads(false, 4), backend: async () => new FakeBackend(), fetcher: offline });
    const events = await collect(reloaded.stream(request(), new AbortController().signal));
    expect(phases(events)).toContain('reading-cache');
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });

  it('sends the thinking switch, the sampling fields in llama.cpp names, and no tool messages', async () => {
    const { engine, backend } = setup();
    const messages: ChatRequest['messages'] = [{ role: 'user', content: 'Hi' }, { role: 'tool', content: 'x', tool_call_id: '1' }];
    await collect(engine.stream(request({ thinking: 'off', messages, params: { temperature: 0.7, top_k: 20, max_tokens: 64, presence_penalty: 1, repetition_penalty: 1.1, stop: ['END'] } }), new AbortController().signal));
    expect(backend.requests[0]).toEqual({
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.7,
      top_k: 20,
      max_tokens: 64,
      penalty_present: 1,
      penalty_repeat: 1.1,
      stop: ['END'],
      chat_template_kwargs: { enable_thinking: false },
    });
  });

  it('stops midway and keeps what arrived; the next answer runs', async () => {
    const { engine, backend } = setup();
    let open = () => {};
    backend.gate = new Promise((r) => (open = r));
    const stop = new AbortController();
    const events = await collect(engine.stream(request(), stop.signal), (e) => {
      if (e.type === 'open') setTimeout(() => (stop.abort(), open()), 5);
    });
    expect(events.at(-1)).toMatchObject({ type: 'stopped' });
    backend.gate = Promise.resolve();
    const next = await collect(engine.stream(request(), new AbortController().signal));
    expect(next.at(-1)).toMatchObject({ type: 'done' });
  });

  it('queues a second panel while the first answers, and loads the model once for both', async () => {
    const { engine, backend } = setup();
    const [a, b] = await Promise.all([collect(engine.stream(request(), new AbortController().signal)), collect(engine.stream(request(), new AbortController().signal))]);
    expect(a.at(-1)).toMatchObject({ type: 'done' });
    expect(b.at(-1)).toMatchObject({ type: 'done' });
    expect(backend.loads).toHaveLength(1);
    expect([...phases(a), ...phases(b)]).toContain('queued');
  });

  it('Cancel during the download stops it and keeps nothing in the cache', async () => {
    let release = () => {};
    const { engine, caches, backend } = setup({ hold: new Promise((r) => (release = r)) });
    const stop = new AbortController();
    const events = await collect(engine.stream(request(), stop.signal), (e) => {
      if (e.type === 'progress' && e.progress.phase === 'starting') setTimeout(() => (stop.abort(), release()), 5);
    });
    expect(events.at(-1)).toMatchObject({ type: 'stopped' });
    expect([...(caches.stores.get(GGUF_CACHE)?.keys() ?? [])]).toEqual([]);
    expect(backend.loads).toHaveLength(0);
  });

  it('says what to do when the file is missing, the model unknown, or memory runs out; then loads afresh', async () => {
    const { engine, state, backend } = setup();
    state.status = 404;
    const missing = await collect(engine.stream(request(), new AbortController().signal));
    expect(missing.at(-1)).toMatchObject({ type: 'error', kind: 'not-found', message: expect.stringContaining('(HTTP 404). If a mirror is set (models-from)') });
    const unknown = await collect(engine.stream(request({ model: 'Qwen3-32B' }), new AbortController().signal));
    expect(unknown.at(-1)).toMatchObject({ type: 'error', kind: 'not-found', message: '"Qwen3-32B" is not one of the CPU models (Qwen3-0.6B, Qwen3-1.7B, Qwen3-4B). Pick one in the panel setup.' });
    state.status = 200;
    state.breakOff = true;
    const broken = await collect(engine.stream(request(), new AbortController().signal));
    expect(broken.at(-1)).toMatchObject({ type: 'error', kind: 'network', message: expect.stringContaining('Could not download Qwen3-0.6B-Q8_0: the connection failed') });
    state.breakOff = false;
    backend.loadError = new Error('failed to allocate buffer of size 2400000000');
    const oom = await collect(engine.stream(request({ model: 'Qwen3-4B' }), new AbortController().signal));
    expect(oom.at(-1)).toMatchObject({ type: 'error', kind: 'out-of-memory', message: expect.stringContaining('at most 4 GB') });
    expect(backend.exited).toBeGreaterThan(0);
    backend.loadError = null;
    const ok = await collect(engine.stream(request({ model: 'Qwen3-4B' }), new AbortController().signal));
    expect(ok.at(-1)).toMatchObject({ type: 'done' });
  });
});
