// The in-browser engine with a scripted web-llm: thinking split, engine stats, stop, failures, queueing.
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import type { BackendChatRequest, LlmBackend } from './webllm-backend.ts';
import type { ModelRecordLike } from './webllm-catalog.ts';
import type { DeviceReport } from './webllm-device.ts';
import type { ChatRequest } from './types.ts';
import { WebLlmEngine } from './webllm.ts';

const record = (id: string, vram: number): ModelRecordLike => ({ model: `https://huggingface.co/mlc-ai/${id}`, model_id: id, model_lib: `https://raw.githubusercontent.com/x/${id}.wasm`, vram_required_MB: vram });
const LIST = [record('Qwen3-0.6B-q4f16_1-MLC', 1403), record('Qwen3-0.6B-q4f32_1-MLC', 1925), record('Qwen3-4B-q4f16_1-MLC', 3432), record('Qwen3-4B-q4f32_1-MLC', 4328)];
const GPU: DeviceReport = { ok: true, f16: true, gpu: 'test', maxBufferMB: 1024, note: '' };

const chunk = (content: string, finish: string | null = null) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: finish }] });
const USAGE = { object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 9, completion_tokens: 5, extra: { prefill_tokens_per_s: 300, decode_tokens_per_s: 40, time_to_first_token_s: 0.05, time_per_output_token_s: 0.025 } } };
const THINKING = [chunk('<think>'), chunk('\nshort thought\n'), chunk('</think>\n\nHi'), chunk(' there'), chunk('', 'stop'), USAGE];

/** A fake web-llm: loads after `loadMs`, streams the script one chunk per tick, and records what it was asked. */
class FakeBackend implements LlmBackend {
  loads: string[][] = [];
  requests: BackendChatRequest[] = [];
  interrupts = 0;
  terminated = false;
  loadError: string | null = null;
  chatError: string | null = null;
  midStreamError: string | null = null;
  script: object[] = THINKING;
  /** chunks wait for this before each is handed out (lets a test hold an answer open) */
  gate: Promise<void> = Promise.resolve();
  constructor(readonly loadMs = 5) {}
  async load(ids: string[], onProgress: (r: { progress: number; timeElapsed: number; text: string }) => void) {
    this.loads.push(ids);
    onProgress({ progress: 0.5, timeElapsed: 3, text: 'Fetching param cache[1/2]: 300MB fetched. 50% completed, 3 secs elapsed. It can take a while.' });
    await new Promise((r) => setTimeout(r, this.loadMs));
    if (this.loadError) throw this.loadError;
    onProgress({ progress: 1, timeElapsed: 4, text: 'Finish loading on WebGPU - test' });
  }
  async chat(request: BackendChatRequest) {
    this.requests.push(request);
    if (this.chatError) throw this.chatError;
    const self = this;
    return (async function* () {
      for (const [i, c] of self.script.entries()) {
        await self.gate;
        await new Promise((r) => setTimeout(r, 1));
        if (self.midStreamError && i === 2) throw self.midStreamError;
        yield c;
      }
    })();
  }
  interrupt() {
    this.interrupts++;
  }
  terminate() {
    this.terminated = true;
  }
}

function engine(backend = new FakeBackend(), device: DeviceReport = GPU, budgetMB = 4000) {
  const backends: FakeBackend[] = [];
  const e = new WebLlmEngine({
    modelList: async () => LIST,
    device: async () => device,
    budgetMB,
    backend: () => (backends.push(backend), backend),
  });
  return { e, backend, backends };
}

const req = (model: string, thinking: ChatRequest['thinking'] = 'default'): ChatRequest => ({ endpoint: { baseURL: 'webllm', dialect: 'webllm' }, model, messages: [{ role: 'user', content: 'hi' }], thinking, params: { temperature: 0.6 } });

async function collect(stream: AsyncIterable<StreamEvent>, onEvent?: (e: StreamEvent) => void): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of stream) {
    out.push(e);
    onEvent?.(e);
  }
  return out;
}

const text = (events: StreamEvent[], type: 'reasoning' | 'content') => events.flatMap((e) => (e.type === type ? [e.text] : [])).join('');
const last = (events: StreamEvent[]) => events.at(-1)!;

describe('WebLlmEngine', () => {
  it('loads the model with progress, splits <think> out as reasoning and reports usage.extra as engine stats', async () => {
    const { e, backend } = engine();
    const events = await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC', 'off'), new AbortController().signal));
    expect(backend.loads).toEqual([['Qwen3-0.6B-q4f16_1-MLC']]);
    const progress = events.flatMap((x) => (x.type === 'progress' ? [x.progress] : []));
    // the load counts from its start, before web-llm's first report
    expect(progress[0]).toMatchObject({ phase: 'starting', fraction: null, message: 'Starting Qwen3-0.6B-q4f16_1 in this browser…' });
    expect(progress[1]).toMatchObject({ phase: 'fetching', fraction: 0.5, loadedBytes: 300 * 2 ** 20 });
    expect(progress.at(-1)!.phase).toBe('ready');
    expect(text(events, 'reasoning')).toBe('short thought');
    expect(text(events, 'content')).toBe('Hi there');
    expect(events.find((x) => x.type === 'engine-stats')).toMatchObject({ source: 'webllm', stats: { decode_tokens_per_s: 40, time_to_first_token_s: 0.05 } });
    expect(events.find((x) => x.type === 'usage')).toMatchObject({ promptTokens: 9, completionTokens: 5 });
    expect(last(events)).toMatchObject({ type: 'done', finishReason: 'stop' });
    expect(backend.requests[0]).toMatchObject({ model: 'Qwen3-0.6B-q4f16_1-MLC', stream: true, stream_options: { include_usage: true }, extra_body: { enable_thinking: false }, temperature: 0.6 });
  });

  it('loads once for answers that follow each other, and leaves enable_thinking out by default', async () => {
    const { e, backend } = engine();
    await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal));
    const second = await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal));
    expect(backend.loads).toHaveLength(1);
    // a model already loaded has no load to report: only the moment it is ready
    expect(second.flatMap((x) => (x.type === 'progress' ? [x.progress.phase] : []))).toEqual(['ready']);
    expect(backend.requests[1]!.extra_body).toBeUndefined();
  });

  it('stop keeps the text so far, ends as stopped and interrupts web-llm', async () => {
    const { e, backend } = engine();
    let open!: () => void;
    const controller = new AbortController();
    const events = await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), controller.signal), (x) => {
      if (x.type === 'content' && x.text === 'Hi') {
        backend.gate = new Promise((r) => (open = r));
        controller.abort();
      }
    });
    open();
    expect(text(events, 'content')).toBe('Hi');
    expect(text(events, 'reasoning')).toBe('short thought');
    expect(last(events).type).toBe('stopped');
    expect(backend.interrupts).toBe(1);
    // the engine is free again: a new answer works
    const again = await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal));
    expect(last(again).type).toBe('done');
  });

  it('cancelling a download ends the worker, and the next answer starts a fresh one', async () => {
    const { e, backends } = engine(new FakeBackend(10_000));
    const controller = new AbortController();
    const events = await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), controller.signal), (x) => x.type === 'progress' && controller.abort());
    expect(last(events).type).toBe('stopped');
    expect(backends[0]!.terminated).toBe(true);
  });

  it.each([
    ['Error: The WebGPU device was lost while loading the model. This issue often occurs due to running out of memory (OOM).', 'device-lost', /GPU stopped.*smaller model/],
    ['RangeError: Array buffer allocation failed', 'out-of-memory', /Not enough GPU memory for Qwen3-4B-q4f16_1-MLC \(it needs about 3\.4 GB\)/],
    ["Error: Invalid ShaderModule: error while parsing WGSL", 'shader', /compile the model's shaders/],
    ['TypeError: Failed to fetch', 'network', /Could not download Qwen3-4B-q4f16_1-MLC from huggingface\.co/],
    ["QuotaExceededError: Failed to execute 'add' on 'Cache'", 'quota', /no room left/],
    ['Error: This model requires WebGPU extension shader-f16, which is not enabled in this browser.', 'unsupported', /q4f32_1 variant/],
  ])('a load failure "%s" says what to do (%s), and the panel can send again', async (raw, kind, message) => {
    const backend = new FakeBackend();
    backend.loadError = raw;
    const { e } = engine(backend);
    const events = await collect(e.stream(req('Qwen3-4B-q4f16_1-MLC'), new AbortController().signal));
    expect(last(events)).toMatchObject({ type: 'error', kind, detail: raw });
    expect((last(events) as { message: string }).message).toMatch(message);
    backend.loadError = null;
    expect(last(await collect(e.stream(req('Qwen3-4B-q4f16_1-MLC'), new AbortController().signal))).type).toBe('done');
  });

  it('a failure while answering keeps the text so far', async () => {
    const backend = new FakeBackend();
    backend.midStreamError = 'Error: Device was lost. This can happen due to insufficient memory';
    const { e } = engine(backend);
    const events = await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal));
    // the reasoning held back for a possible tag is released, not lost
    expect(text(events, 'reasoning')).toBe('short thought\n');
    expect(last(events)).toMatchObject({ type: 'error', kind: 'device-lost' });
    expect(backend.terminated).toBe(true);
  });

  it('a worker that died while answering is replaced: the next answer loads the model in a fresh one', async () => {
    const backend = new FakeBackend();
    backend.midStreamError = 'Worker error: Uncaught RuntimeError: unreachable';
    const { e, backends } = engine(backend);
    expect(last(await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal)))).toMatchObject({ type: 'error' });
    expect(backend.terminated).toBe(true);
    backend.midStreamError = null;
    expect(last(await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal))).type).toBe('done');
    expect(backends).toHaveLength(2);
    expect(backend.loads).toHaveLength(2);
  });

  it('without WebGPU it says so in one sentence and loads nothing', async () => {
    const { e, backend } = engine(new FakeBackend(), { ok: false, reason: 'no-webgpu', message: 'This browser has no WebGPU.' });
    const events = await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal));
    expect(events).toEqual([expect.objectContaining({ type: 'error', kind: 'unsupported', message: 'This browser has no WebGPU.' })]);
    expect(backend.loads).toEqual([]);
  });

  it('without shader-f16 runs the q4f32_1 variant and says so', async () => {
    const { e, backend } = engine(new FakeBackend(), { ...GPU, f16: false } as DeviceReport);
    const events = await collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal));
    expect(backend.loads).toEqual([['Qwen3-0.6B-q4f32_1-MLC']]);
    expect(events.find((x) => x.type === 'warning')).toMatchObject({ message: expect.stringContaining('Qwen3-0.6B-q4f32_1-MLC runs instead') });
  });

  it('an unknown model names the ones there are', async () => {
    const { e } = engine();
    const events = await collect(e.stream(req('Llama-3-8B'), new AbortController().signal));
    expect(last(events)).toMatchObject({ type: 'error', kind: 'not-found', message: expect.stringContaining('Qwen3-0.6B, Qwen3-4B') });
  });

  it('two panels whose models fit together load both at once and answer side by side', async () => {
    const { e, backend } = engine(new FakeBackend(), GPU, 6000);
    const [a, b] = await Promise.all([collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal)), collect(e.stream(req('Qwen3-4B-q4f16_1-MLC'), new AbortController().signal))]);
    expect(backend.loads).toEqual([['Qwen3-0.6B-q4f16_1-MLC', 'Qwen3-4B-q4f16_1-MLC']]);
    expect([last(a).type, last(b).type]).toEqual(['done', 'done']);
    expect(a.some((x) => x.type === 'progress' && x.progress.phase === 'queued')).toBe(false);
  });

  it('a second model that does not fit waits, says "queued", and loads when the first answer ends', async () => {
    const { e, backend } = engine(new FakeBackend(), GPU, 4000);
    const [a, b] = await Promise.all([collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal)), collect(e.stream(req('Qwen3-4B-q4f16_1-MLC'), new AbortController().signal))]);
    expect(backend.loads).toEqual([['Qwen3-0.6B-q4f16_1-MLC'], ['Qwen3-4B-q4f16_1-MLC']]);
    const queued = b.find((x) => x.type === 'progress' && x.progress.phase === 'queued');
    expect(queued).toMatchObject({ progress: { message: expect.stringMatching(/^Queued: Qwen3-0.6B-q4f16_1 is answering in another panel/) } });
    // the second answer started only after the first had ended
    const aEnd = last(a).at;
    const bOpen = b.find((x) => x.type === 'open')!.at;
    expect(bOpen).toBeGreaterThanOrEqual(aEnd);
    expect([last(a).type, last(b).type]).toEqual(['done', 'done']);
  });

  it('stopping a queued panel leaves the other answering', async () => {
    const { e } = engine(new FakeBackend(), GPU, 4000);
    const stopB = new AbortController();
    const [a, b] = await Promise.all([
      collect(e.stream(req('Qwen3-0.6B-q4f16_1-MLC'), new AbortController().signal)),
      collect(e.stream(req('Qwen3-4B-q4f16_1-MLC'), stopB.signal), (x) => x.type === 'progress' && x.progress.phase === 'queued' && stopB.abort()),
    ]);
    expect(last(a).type).toBe('done');
    expect(last(b).type).toBe('stopped');
  });
});

describe('in-browser tool use in Qwen3 format', () => {
  it('round-trips an agent turn: tools in the system message, <tool_call> read across chunks, results in a user turn', async () => {
    const { agentLoop } = await import('../agent/loop.ts');
    const calls = [
      // the call is split mid-tag and mid-JSON, as tokens come
      [chunk('<think>\nI need the time.\n</think>\n\n'), chunk('<tool_'), chunk('call>\n{"name": "current_time", "argu'), chunk('ments": {}}\n</tool_call>'), chunk('', 'stop'), USAGE],
      [chunk('<think>\nGot it.\n</think>\n\nIt is noon.'), chunk('', 'stop'), USAGE],
    ];
    class Scripted extends FakeBackend {
      override async chat(request: BackendChatRequest) {
        this.script = calls[this.requests.length]!;
        return super.chat(request);
      }
    }
    const { e, backend } = engine(new Scripted());
    const clock = { name: 'current_time', description: 'the time', parameters: { type: 'object', properties: {} }, origin: 'built-in', run: async () => ({ ok: true, text: 'noon' }) };
    const request: ChatRequest = { ...req('Qwen3-0.6B-q4f16_1-MLC'), messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'old question' }, { role: 'assistant', content: 'old answer' }, { role: 'user', content: 'What time is it?' }] };
    const events = await collect(agentLoop(e, request, { tools: [clock], maxSteps: 5 }, new AbortController().signal));

    expect(events.filter((x) => x.type === 'tool-result')).toMatchObject([{ state: 'done', text: 'noon' }]);
    expect(events.filter((x) => x.type === 'warning')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'done' });
    const [first, second] = backend.requests;
    expect(first!.messages[0]!.content).toBe(
      'Be brief.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
        '{"type":"function","function":{"name":"current_time","description":"the time","parameters":{"type":"object","properties":{}}}}\n</tools>\n\n' +
        'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>',
    );
    expect('tools' in first!).toBe(false);
    expect(second!.messages.slice(1)).toEqual([
      { role: 'user', content: 'old question' },
      { role: 'assistant', content: 'old answer' },
      { role: 'user', content: 'What time is it?' },
      // this turn's reasoning is kept for the next call
      { role: 'assistant', content: '<think>\nI need the time.\n</think>\n\n<tool_call>\n{"name": "current_time", "arguments": {}}\n</tool_call>' },
      { role: 'user', content: '<tool_response>\nnoon\n</tool_response>' },
    ]);
  });
});
