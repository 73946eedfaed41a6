// The small face of web-llm that the in-browser engine uses: the real one in a Web Worker, fakes in tests.
import type { InitReport } from './webllm-progress.ts';
import type { ModelRecordLike } from './webllm-catalog.ts';
import type { FromWorker, PortLike, ToWorker } from './webllm-protocol.ts';
import type { SamplingParams } from './types.ts';

/** An OpenAI-shaped chat request, as web-llm takes it: the standard sampling fields only. */
export interface BackendChatRequest extends Pick<SamplingParams, 'temperature' | 'top_p' | 'max_tokens' | 'seed' | 'stop' | 'presence_penalty'> {
  model: string;
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  stream: true;
  stream_options: { include_usage: true };
  extra_body?: { enable_thinking?: boolean };
}

export interface LlmBackend {
  /** Loads exactly these models (web-llm unloads what was there first). Rejects with the worker's string. */
  load(modelIds: string[], onProgress: (report: InitReport) => void): Promise<void>;
  /** Starts one answer; chunks are OpenAI `chat.completion.chunk` objects. */
  chat(request: BackendChatRequest): Promise<AsyncIterable<object> & { return?(): unknown }>;
  /** Stops every answer in progress in this engine (web-llm has one interrupt flag for all of them). */
  interrupt(): void;
  /** Ends the worker at once: the only way to stop a download midway. */
  terminate(): void;
}

export type BackendFactory = (modelList: ModelRecordLike[]) => LlmBackend;

/** A worker as the page sees it: messages, an `error` when it fails to start or crashes, and a way to end it. */
export interface WorkerLike extends PortLike {
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (e: { message?: string }) => void): void;
  terminate(): void;
}

type Ask = ToWorker extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

interface Call {
  resolve(value: unknown): void;
  reject(reason: string): void;
  onEvent?(m: FromWorker): void;
}

/** The page's end of the web-llm worker: requests by id, their events, and every pending one failed if the worker dies. */
export class WebLlmWorker {
  #worker: WorkerLike;
  #next = 1;
  #calls = new Map<number, Call>();
  #dead: string | null = null;

  constructor(worker: WorkerLike) {
    this.#worker = worker;
    worker.addEventListener('message', (e) => this.#receive(e.data as FromWorker));
    // an uncaught failure inside the worker (a wasm abort, a failed import) never answers the pending requests
    worker.addEventListener('error', (e) => this.#fail(`Worker error: ${e.message || 'the worker failed to start'}`));
  }

  /** Sends a request; the promise settles with its `result` or `error`, and `onEvent` gets what comes before. */
  request<T>(ask: Ask, onEvent?: (m: FromWorker) => void): { id: number; result: Promise<T> } {
    const id = this.#next++;
    const result = new Promise<T>((resolve, reject) => {
      if (this.#dead) return reject(this.#dead);
      this.#calls.set(id, { resolve: resolve as (v: unknown) => void, reject, onEvent });
      this.#worker.postMessage({ ...ask, id });
    });
    return { id, result };
  }

  /** A message that expects no answer (close a chat, interrupt). */
  tell(ask: Ask & { id?: number }): void {
    if (!this.#dead) this.#worker.postMessage({ id: 0, ...ask });
  }

  terminate(): void {
    this.#worker.terminate();
    this.#fail('The in-browser engine was stopped.');
  }

  #receive(m: FromWorker): void {
    const call = this.#calls.get(m.id);
    if (!call) return;
    if ('error' in m) {
      this.#calls.delete(m.id);
      call.reject(m.error);
    } else if ('result' in m) {
      this.#calls.delete(m.id);
      call.resolve(m.result);
    } else call.onEvent?.(m);
  }

  #fail(reason: string): void {
    this.#dead ??= reason;
    for (const call of this.#calls.values()) call.reject(reason);
    this.#calls.clear();
  }
}

let shared: WebLlmWorker | null = null;

/**
 * The page's one web-llm worker, started on first use: the catalog, the cache and the engine share it, so web-llm's
 * code is downloaded once. After `terminate` (a cancelled download, a lost device) the next use starts a fresh one.
 */
export function webLlmWorker(): WebLlmWorker {
  if (!shared) {
    const worker = new Worker(new URL('./webllm.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike;
    const connection = new WebLlmWorker(worker);
    worker.addEventListener('error', () => {
      if (shared === connection) shared = null;
    });
    shared = connection;
  }
  return shared;
}

/** The real backend: the shared worker, with this engine's model list. */
export const workerBackend: BackendFactory = (modelList) => {
  const connection = webLlmWorker();
  return backendOn(connection, modelList, () => {
    if (shared === connection) shared = null;
  });
};

/** The engine's calls over one worker connection (exported for tests, which hand in a fake worker). */
export function backendOn(worker: WebLlmWorker, modelList: ModelRecordLike[], onTerminate: () => void = () => {}): LlmBackend {
  return {
    async load(modelIds, onProgress) {
      await worker.request({ op: 'load', modelIds, modelList }, (m) => 'progress' in m && onProgress(m.progress)).result;
    },
    chat: (request) => chunkStream(worker, request),
    interrupt() {
      worker.tell({ op: 'interrupt' });
    },
    terminate() {
      worker.terminate();
      onTerminate();
    },
  };
}

/** One chat's chunks as an async iterator: they arrive as messages, and `return` tells the worker to stop. */
async function chunkStream(worker: WebLlmWorker, request: BackendChatRequest): Promise<AsyncIterableIterator<object>> {
  const queue: object[] = [];
  let end: { error: string } | { error?: undefined } | null = null;
  let closed = false;
  let wake = () => {};
  let started = () => {};
  const isStarted = new Promise<void>((r) => (started = r));
  const { id, result } = worker.request<null>({ op: 'chat', request }, (m) => {
    if ('started' in m) started();
    else if ('chunk' in m && !closed) {
      queue.push(m.chunk);
      wake();
    }
  });
  result.then(
    () => ((end = {}), wake()),
    (error: string) => ((end = { error }), wake()),
  );
  // a request web-llm refuses (no such model, context too long) fails here, before any chunk
  await Promise.race([isStarted, result]);
  const iterator: AsyncIterableIterator<object> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      for (;;) {
        if (queue.length) return { value: queue.shift()!, done: false };
        if (closed) return { value: undefined, done: true };
        if (end) {
          if (end.error !== undefined) throw end.error;
          return { value: undefined, done: true };
        }
        await new Promise<void>((r) => (wake = r));
      }
    },
    async return() {
      if (!closed && !end) worker.tell({ op: 'close', id });
      closed = true;
      queue.length = 0;
      wake();
      return { value: undefined, done: true };
    },
  };
  return iterator;
}
