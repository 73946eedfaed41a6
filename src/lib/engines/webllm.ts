// The in-browser engine: one web-llm worker shared by every in-browser panel; it loads, queues, streams and stops.
import type { LoadProgress, StreamEvent } from '../stream/events.ts';
import { StreamNormalizer } from '../stream/normalize.ts';
import { workerBackend, type BackendChatRequest, type BackendFactory, type LlmBackend } from './webllm-backend.ts';
import { fitsTogether, qwenCatalog, resolveModel, type CatalogEntry, type ModelRecordLike } from './webllm-catalog.ts';
import type { DeviceReport } from './webllm-device.ts';
import { webLlmFailure } from './webllm-failures.ts';
import { readProgress } from './webllm-progress.ts';
import type { ChatRequest, Engine } from './types.ts';
import { qwenToolMessages } from '../agent/qwen-format.ts';
import { Conditions, follow, progressWhile, type SharedLoad } from './conditions.ts';

export interface WebLlmOptions {
  /** web-llm's model list (with any mirror applied); read when the first in-browser model is asked for */
  modelList: () => Promise<ModelRecordLike[]>;
  device: () => Promise<DeviceReport>;
  /** GPU memory that models loaded together may use */
  budgetMB: number;
  /** download sizes found so far, for "120 MB of 1.2 GB" */
  sizeOf?: (id: string) => number | null;
  backend?: BackendFactory;
}

interface Load extends SharedLoad {
  ids: string[];
}

const ABORTED = Symbol('aborted');

export class WebLlmEngine implements Engine {
  #options: WebLlmOptions;
  #backend: LlmBackend | null = null;
  #loaded: string[] = [];
  #loading: Load | null = null;
  /** models of the answers being generated now, one entry per answer */
  #active: string[] = [];
  /** models asked for by panels that wait: loaded together when they fit */
  #wants: string[] = [];
  #conditions = new Conditions();

  constructor(options: WebLlmOptions) {
    this.#options = options;
  }

  async *stream(req: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const now = () => performance.now();
    const device = await this.#options.device();
    if (!device.ok) return yield { type: 'error', kind: 'unsupported', message: device.message, detail: device.detail, at: now() };
    let catalog: CatalogEntry[];
    try {
      catalog = qwenCatalog(await this.#options.modelList());
    } catch (err) {
      return yield webLlmFailure(err, { model: req.model }, now());
    }
    const resolved = resolveModel(catalog, req.model, device.f16);
    if (!resolved) {
      const names = [...new Set(catalog.map((e) => e.family))].join(', ');
      return yield { type: 'error', kind: 'not-found', message: `"${req.model}" is not one of the in-browser models (${names}). Pick one in the panel setup.`, at: now() };
    }
    const { entry } = resolved;
    if (resolved.switched) yield { type: 'warning', message: `This GPU has no shader-f16, so ${entry.id} runs instead of ${req.model}.`, at: now() };
    const context = { model: entry.id, modelURL: entry.url, vramMB: entry.vramMB ?? undefined };

    // loading reports arrive as callbacks; they are handed out as events while the load runs
    try {
      yield* progressWhile((report) => this.#ensure(entry.id, catalog, signal, report));
    } catch (err) {
      return yield err === ABORTED ? { type: 'stopped', at: now() } : webLlmFailure(err, context, now());
    }
    // from here this answer counts as active (claimed inside #ensure): released whatever happens
    try {
      yield { type: 'progress', progress: { phase: 'ready', fraction: 1, message: 'Model ready.' }, at: now() };
      yield* this.#generate(req, entry, signal, context);
    } finally {
      this.#active.splice(this.#active.indexOf(entry.id), 1);
      this.#conditions.changed();
    }
  }

  async *#generate(req: ChatRequest, entry: CatalogEntry, signal: AbortSignal, context: { model: string }): AsyncGenerator<StreamEvent> {
    const now = () => performance.now();
    const normalizer = new StreamNormalizer({ thinkMode: 'auto' });
    const backend = this.#backend!;
    let iterator: AsyncIterator<object> | null = null;
    const aborted = new Promise<typeof ABORTED>((resolve) => {
      if (signal.aborted) resolve(ABORTED);
      signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
    });
    try {
      const chunks = await Promise.race([backend.chat(chatRequest(req, entry.id)), aborted]);
      if (chunks === ABORTED) return yield { type: 'stopped', at: now() };
      iterator = chunks[Symbol.asyncIterator]();
      yield { type: 'open', at: now(), status: 200 };
      for (;;) {
        const next = await Promise.race([iterator.next(), aborted]);
        if (next === ABORTED) {
          // web-llm's interrupt flag stops every answer in the worker: only raise it when this is the only one
          if (this.#active.length === 1) backend.interrupt();
          return yield* normalizer.close({ type: 'stopped', at: now() });
        }
        if (next.done) return yield* normalizer.end(now());
        yield* normalizer.pushChunk(next.value, now());
      }
    } catch (err) {
      const failure = webLlmFailure(err, context, now());
      // a lost device, or a worker that died, leaves the worker useless: the next answer starts a fresh one
      const workerDied = typeof err === 'string' && err.startsWith('Worker error:');
      if ((failure.kind === 'device-lost' || failure.kind === 'out-of-memory' || workerDied) && this.#active.length === 1) this.#reset();
      yield* normalizer.close(failure);
    } finally {
      // closing the worker-side generator releases the model's lock for the next answer
      void Promise.resolve(iterator?.return?.()).catch(() => {});
    }
  }

  /** Waits until `model` is loaded and free, loading it (with other waiting models that fit) when the engine is idle. */
  async #ensure(model: string, catalog: CatalogEntry[], signal: AbortSignal, report: (p: LoadProgress) => void): Promise<void> {
    this.#wants.push(model);
    try {
      for (;;) {
        if (signal.aborted) throw ABORTED;
        if (this.#loading) {
          await this.#join(this.#loading, signal, report);
          continue;
        }
        if (this.#loaded.includes(model)) {
          if (!this.#active.includes(model)) break;
          report({ phase: 'queued', fraction: null, message: `Queued: ${short(model)} is answering in another panel; this panel starts when it finishes.` });
          await this.#conditions.until(() => !this.#active.includes(model) || !this.#loaded.includes(model), signal, ABORTED);
          continue;
        }
        if (this.#active.length) {
          const busy = [...new Set(this.#active)].map(short).join(' and ');
          report({ phase: 'queued', fraction: null, message: `Queued: ${busy} is answering in another panel, and both models do not fit in GPU memory together. This panel starts when it finishes.` });
          await this.#conditions.until(() => this.#active.length === 0, signal, ABORTED);
          continue;
        }
        // panels sent at the same moment ask within one tick: wait for them so fitting models load together
        await new Promise((r) => setTimeout(r, 0));
        if (this.#loading || this.#loaded.includes(model) || this.#active.length) continue;
        this.#start(this.#plan(model, catalog));
      }
      this.#active.push(model);
    } finally {
      this.#wants.splice(this.#wants.indexOf(model), 1);
    }
  }

  #plan(model: string, catalog: CatalogEntry[]): string[] {
    const ids = [model];
    for (const want of this.#wants) if (!ids.includes(want) && fitsTogether(catalog, [...ids, want], this.#options.budgetMB)) ids.push(want);
    return ids;
  }

  #start(ids: string[]): void {
    const list = this.#options.modelList();
    // the load has begun before web-llm reports anything (the worker, the model's config): it counts from here
    const starting: LoadProgress = { phase: 'starting', fraction: null, message: `Starting ${ids.map(short).join(' and ')} in this browser…` };
    const load: Load = { ids, listeners: new Set(), waiters: 0, promise: Promise.resolve(), last: starting };
    const size = ids.length === 1 ? (this.#options.sizeOf?.(ids[0]!) ?? null) : null;
    load.promise = (async () => {
      this.#backend ??= (this.#options.backend ?? workerBackend)(await list);
      this.#loaded = [];
      await this.#backend.load(ids, (r) => {
        const p = readProgress(r, size);
        if (p.phase === 'ready') return;
        load.last = p;
        for (const l of load.listeners) l(p);
      });
      this.#loaded = ids;
    })();
    load.promise
      .catch(() => {
        if (this.#loading === load) this.#reset();
      })
      .finally(() => {
        if (this.#loading === load) this.#loading = null;
        this.#conditions.changed();
      });
    this.#loading = load;
  }

  /** Follows a load in progress; when the last panel waiting for it gives up, the download is cancelled. */
  #join(load: Load, signal: AbortSignal, report: (p: LoadProgress) => void): Promise<void> {
    return follow(load, signal, report, ABORTED, () => {
      if (this.#loading === load) this.#reset();
    });
  }

  /** Drops the worker (a cancelled download, a lost device): the next answer starts a fresh one. */
  #reset(): void {
    this.#backend?.terminate();
    this.#backend = null;
    this.#loaded = [];
    this.#loading = null;
    this.#conditions.changed();
  }
}

function chatRequest(req: ChatRequest, model: string): BackendChatRequest {
  const { temperature, top_p, max_tokens, seed, stop, presence_penalty } = req.params;
  // web-llm refuses `tools` for Qwen3 and has no `tool` role: the prompt carries Qwen3's own tool format, and the
  // normalizer reads the `<tool_call>` blocks back out of the stream
  const messages = qwenToolMessages(req.messages, req.tools);
  return {
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(req.thinking === 'default' ? {} : { extra_body: { enable_thinking: req.thinking === 'on' } }),
    ...defined({ temperature, top_p, max_tokens, seed, presence_penalty }),
    ...(stop?.length ? { stop } : {}),
  };
}

function defined<T extends Record<string, number | undefined>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function short(id: string): string {
  return id.replace(/-MLC$/, '');
}
