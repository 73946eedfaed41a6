// The page and the web-llm worker over their messages, with a scripted web-llm: catalog, load, chat, stop, failures.
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import { backendOn, WebLlmWorker, type BackendChatRequest, type WorkerLike } from './webllm-backend.ts';
import type { ModelRecordLike } from './webllm-catalog.ts';
import { webLlmFailure } from './webllm-failures.ts';
import type { PortLike } from './webllm-protocol.ts';
import { serveWebLlm, type WebLlmModule } from './webllm-worker-handler.ts';
import { WebLlmEngine } from './webllm.ts';

const LIST: ModelRecordLike[] = [{ model: 'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC', model_id: 'Qwen3-0.6B-q4f16_1-MLC', model_lib: 'https://x/lib.wasm', vram_required_MB: 1403 }];
const chunk = (content: string, finish: string | null = null) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
const REQUEST: BackendChatRequest = { model: 'Qwen3-0.6B-q4f16_1-MLC', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } };

/** A scripted web-llm, as the worker sees it, recording what it was asked. */
function fakeWebLlm() {
  const log: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  const state = {
    log,
    script: [chunk('Hello'), chunk(' there'), chunk('', 'stop')] as object[],
    /** chunks after the first wait until `release()` */
    hold() {
      gate = new Promise<void>((r) => (open = r));
    },
    release: () => open(),
  };
  const engine = {
    setInitProgressCallback: () => log.push('progress-callback'),
    setAppConfig: (c: { model_list: ModelRecordLike[] }) => log.push(`app-config ${c.model_list.length}`),
    reload: async (ids: string | string[]) => void log.push(`reload ${ids}`),
    interruptGenerate: () => log.push('interrupt'),
    chat: {
      completions: {
        create: async (req: BackendChatRequest) => {
          if (req.model === 'refused') throw new Error('Model not loaded before calling chatCompletion');
          log.push(`chat ${req.model}`);
          return (async function* () {
            try {
              for (const [i, c] of state.script.entries()) {
                if (i > 0) await gate;
                yield c;
              }
            } finally {
              log.push('generator closed'); // web-llm frees the model for the next answer here
            }
          })();
        },
      },
    },
  };
  const module = {
    prebuiltAppConfig: { model_list: LIST, useIndexedDBCache: false },
    CreateMLCEngine: async (ids: string | string[], config: { initProgressCallback: (r: object) => void; appConfig: { model_list: ModelRecordLike[] } }) => {
      log.push(`create ${ids} from ${config.appConfig.model_list[0]?.model}`);
      if (ids === 'unreachable') throw new TypeError('Failed to fetch');
      config.initProgressCallback({ progress: 0.5, timeElapsed: 1, text: 'Fetching param cache[1/2]: 300MB fetched.' });
      config.initProgressCallback({ progress: 1, timeElapsed: 2, text: 'Finish loading on WebGPU - test' });
      return engine;
    },
    deleteModelAllInfoInCache: async (id: string, config: { model_list: ModelRecordLike[] }) => void log.push(`delete ${id} from ${config.model_list[0]?.model}`),
  } as unknown as WebLlmModule;
  return { module, state };
}

/** A worker and the page joined by messages that are cloned and delivered later, as the browser does. */
function connect(module: WebLlmModule) {
  const toPage: ((e: { data: unknown }) => void)[] = [];
  const toWorker: ((e: { data: unknown }) => void)[] = [];
  const onError: ((e: { message?: string }) => void)[] = [];
  const sent: unknown[] = [];
  const deliver = (listeners: ((e: { data: unknown }) => void)[], data: unknown) => setTimeout(() => listeners.forEach((l) => l({ data: structuredClone(data) })), 0);
  const scope: PortLike = { postMessage: (data) => deliver(toPage, data), addEventListener: (_t, l) => toWorker.push(l) };
  let terminated = false;
  const worker: WorkerLike = {
    postMessage: (data) => (sent.push(data), terminated || deliver(toWorker, data)),
    addEventListener: ((type: string, l: never) => (type === 'message' ? toPage : onError).push(l)) as WorkerLike['addEventListener'],
    terminate: () => void (terminated = true),
  };
  serveWebLlm(scope, module);
  return { page: new WebLlmWorker(worker), sent, crash: (message: string) => onError.forEach((l) => l({ message })) };
}

async function drain(chunks: AsyncIterable<object>): Promise<object[]> {
  const out: object[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe('the page and the web-llm worker', () => {
  it('lists the catalog and deletes a model with the list the page hands in (a mirror applied)', async () => {
    const { module, state } = fakeWebLlm();
    const { page } = connect(module);
    expect(await page.request({ op: 'list' }).result).toEqual(LIST);
    const mirrored = [{ ...LIST[0]!, model: 'http://mirror/mlc-ai/Qwen3-0.6B-q4f16_1-MLC' }];
    await page.request({ op: 'delete', modelId: 'Qwen3-0.6B-q4f16_1-MLC', modelList: mirrored }).result;
    expect(state.log).toEqual(['delete Qwen3-0.6B-q4f16_1-MLC from http://mirror/mlc-ai/Qwen3-0.6B-q4f16_1-MLC']);
  });

  it('loads with its progress reports in order, then reloads the same engine for the next models', async () => {
    const { module, state } = fakeWebLlm();
    const backend = backendOn(connect(module).page, LIST);
    const reports: string[] = [];
    await backend.load(['Qwen3-0.6B-q4f16_1-MLC'], (r) => reports.push(`${r.progress} ${r.text}`));
    expect(reports).toEqual(['0.5 Fetching param cache[1/2]: 300MB fetched.', '1 Finish loading on WebGPU - test']);
    await backend.load(['a', 'b'], () => {});
    expect(state.log).toEqual(['create Qwen3-0.6B-q4f16_1-MLC from https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC', 'progress-callback', 'app-config 1', 'reload a,b']);
  });

  it('a failed load rejects with web-llm\'s text, which reads as a sentence with a next step', async () => {
    const { module } = fakeWebLlm();
    const backend = backendOn(connect(module).page, LIST);
    const err = await backend.load(['unreachable'], () => {}).catch((e: unknown) => e);
    expect(err).toBe('TypeError: Failed to fetch');
    expect(webLlmFailure(err, { model: 'Qwen3-0.6B-q4f16_1-MLC', modelURL: 'https://huggingface.co/x' }, 0)).toMatchObject({ kind: 'network', message: expect.stringMatching(/^Could not download Qwen3-0\.6B-q4f16_1-MLC from huggingface\.co/) });
  });

  it('streams a chat\'s chunks in order and ends; a chat web-llm refuses fails before any chunk', async () => {
    const { module, state } = fakeWebLlm();
    const backend = backendOn(connect(module).page, LIST);
    await backend.load(['Qwen3-0.6B-q4f16_1-MLC'], () => {});
    expect(await drain(await backend.chat(REQUEST))).toEqual(state.script);
    expect(state.log.at(-1)).toBe('generator closed');
    await expect(backend.chat({ ...REQUEST, model: 'refused' })).rejects.toBe('Error: Model not loaded before calling chatCompletion');
  });

  it('closing a chat midway tells the worker, whose generator closes: no chunk after, and the model is free', async () => {
    const { module, state } = fakeWebLlm();
    const { page, sent } = connect(module);
    const backend = backendOn(page, LIST);
    await backend.load(['Qwen3-0.6B-q4f16_1-MLC'], () => {});
    state.hold();
    const chunks = await backend.chat(REQUEST);
    const iterator = chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(state.script[0]);
    backend.interrupt();
    await iterator.return!();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    await new Promise((r) => setTimeout(r, 0)); // after the messages, delivered one task later each, have arrived
    expect(state.log.at(-1)).toBe('interrupt'); // the generator still waits for its next chunk
    state.release();
    await expect.poll(() => state.log.at(-1)).toBe('generator closed');
    expect(state.log).toContain('interrupt');
    expect(sent.map((m) => (m as { op: string }).op)).toEqual(['load', 'chat', 'interrupt', 'close']);
  });

  it('a worker that crashes or is ended fails what was pending with a sentence, and nothing hangs', async () => {
    const { module } = fakeWebLlm();
    const crashed = connect(module);
    const list = crashed.page.request({ op: 'list' }).result;
    crashed.crash('Uncaught RuntimeError: unreachable');
    await expect(list).rejects.toBe('Worker error: Uncaught RuntimeError: unreachable');
    await expect(crashed.page.request({ op: 'list' }).result).rejects.toBe('Worker error: Uncaught RuntimeError: unreachable');

    const ended = connect(module);
    const backend = backendOn(ended.page, LIST);
    const load = backend.load(['Qwen3-0.6B-q4f16_1-MLC'], () => {});
    backend.terminate();
    await expect(load).rejects.toBe('The in-browser engine was stopped.');
  });

  it('the in-browser engine answers through the worker, its thinking and answer split as before', async () => {
    const { module, state } = fakeWebLlm();
    state.script = [chunk('<think>'), chunk('a thought'), chunk('</think>\n\nHello'), chunk('', 'stop')];
    const { page } = connect(module);
    const engine = new WebLlmEngine({
      modelList: async () => LIST,
      device: async () => ({ ok: true, f16: true, gpu: 'test', maxBufferMB: 1024, note: '' }),
      budgetMB: 4000,
      backend: (list) => backendOn(page, list),
    });
    const events: StreamEvent[] = [];
    const request = { endpoint: { baseURL: 'webllm', dialect: 'webllm' as const }, model: 'Qwen3-0.6B', messages: [{ role: 'user' as const, content: 'hi' }], thinking: 'default' as const, params: {} };
    for await (const e of engine.stream(request, new AbortController().signal)) events.push(e);
    const text = (type: string) => events.flatMap((e) => (e.type === type ? [(e as { text: string }).text] : [])).join('');
    expect(text('reasoning')).toBe('a thought');
    expect(text('content')).toBe('Hello');
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
  });
});
