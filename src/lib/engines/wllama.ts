// The CPU engine: llama.cpp in WebAssembly (wllama) in its own worker; it downloads, caches, loads, queues, streams, stops.
import type { LoadProgress, StreamEvent } from '../stream/events.ts';
import { StreamNormalizer } from '../stream/normalize.ts';
import { formatBytes } from './webllm-catalog.ts';
import { wllamaBackend, type CpuBackend, type CpuBackendFactory, type CpuChatRequest, type CpuLoaded } from './wllama-backend.ts';
import { cpuModelUrls, resolveCpuModel, type CpuCatalogEntry } from './wllama-catalog.ts';
import { cpuFailure } from './wllama-failures.ts';
import { cachedFiles, type CachesLike, type FileProgress } from './wllama-files.ts';
import type { ThreadPlan } from './wllama-threads.ts';
import type { ChatRequest, Engine } from './types.ts';
import { Conditions, follow, progressWhile, type SharedLoad } from './conditions.ts';

export interface WllamaOptions {
  catalog: CpuCatalogEntry[];
  /** read at each load: `&models-from=` is known after the engine is made */
  mirror: () => string | null;
  caches: () => CachesLike | undefined;
  threads: () => ThreadPlan;
  backend?: CpuBackendFactory;
  fetcher?: typeof fetch;
  /** a model is loaded: how many threads it got */
  onLoaded?: (model: string, loaded: CpuLoaded) => void;
  /** files were downloaded into the cache */
  onCached?: () => void;
  /** the engine's own decode speed at the end of an answer */
  onSpeed?: (model: string, tokensPerS: number, threads: number) => void;
}

interface Load extends SharedLoad {
  model: string;
  controller: AbortController;
}

const ABORTED = Symbol('aborted');
/** fewer tokens than this say little about the decode speed */
const MIN_TOKENS_FOR_SPEED = 8;

export class WllamaEngine implements Engine {
  #options: WllamaOptions;
  #backend: CpuBackend | null = null;
  #model: string | null = null;
  #threads = 1;
  #loading: Load | null = null;
  /** llama.cpp answers one request at a time here: the others wait their turn */
  #busy = false;
  #conditions = new Conditions();

  constructor(options: WllamaOptions) {
    this.#options = options;
  }

  async *stream(req: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const now = () => performance.now();
    const entry = resolveCpuModel(this.#options.catalog, req.model);
    if (!entry) {
      const names = this.#options.catalog.map((e) => e.family).join(', ');
      return yield { type: 'error', kind: 'not-found', message: `"${req.model}" is not one of the CPU models (${names}). Pick one in the panel setup.`, at: now() };
    }
    if (req.tools?.length) yield { type: 'warning', message: 'The CPU engine here does not take tools: the request was sent without them.', at: now() };
    const context = { model: entry.id, sizeText: formatBytes(entry.sizeBytes) };

    // loading reports arrive as callbacks; they are handed out as events while the load runs
    try {
      yield* progressWhile((report) => this.#ensure(entry, signal, report));
    } catch (err) {
      return yield err === ABORTED ? { type: 'stopped', at: now() } : cpuFailure(err, context, now());
    }
    // this answer holds the engine (claimed in #ensure) until it ends, whatever happens
    try {
      yield { type: 'progress', progress: { phase: 'ready', fraction: 1, message: 'Model ready.' }, at: now() };
      yield* this.#generate(req, entry, signal, context);
    } finally {
      this.#busy = false;
      this.#conditions.changed();
    }
  }

  async *#generate(req: ChatRequest, entry: CpuCatalogEntry, signal: AbortSignal, context: { model: string; sizeText: string }): AsyncGenerator<StreamEvent> {
    const now = () => performance.now();
    const normalizer = new StreamNormalizer({ thinkMode: 'auto' });
    const aborted = new Promise<typeof ABORTED>((resolve) => {
      if (signal.aborted) resolve(ABORTED);
      signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
    });
    try {
      const chunks = await Promise.race([this.#backend!.chat(chatRequest(req), signal), aborted]);
      if (chunks === ABORTED) return yield { type: 'stopped', at: now() };
      const iterator = chunks[Symbol.asyncIterator]();
      yield { type: 'open', at: now(), status: 200 };
      for (;;) {
        const next = await Promise.race([iterator.next(), aborted]);
        if (next === ABORTED) return yield* normalizer.close({ type: 'stopped', at: now() });
        if (next.done) return yield* normalizer.end(now());
        for (const event of normalizer.pushChunk(next.value, now())) {
          if (event.type === 'engine-stats') this.#noteSpeed(entry.id, event.stats);
          yield event;
        }
      }
    } catch (err) {
      if (signal.aborted) return yield* normalizer.close({ type: 'stopped', at: now() });
      const failure = cpuFailure(err, context, now());
      // a crashed llama.cpp is of no further use: the next answer loads the model afresh
      if (failure.kind === 'server' || failure.kind === 'out-of-memory') await this.#drop();
      yield* normalizer.close(failure);
    }
  }

  #noteSpeed(model: string, stats: Record<string, number>): void {
    const tps = stats.predicted_per_second;
    if (tps && tps > 0 && (stats.predicted_n ?? 0) >= MIN_TOKENS_FOR_SPEED) this.#options.onSpeed?.(model, tps, this.#threads);
  }

  /** Waits until `entry` is loaded and the engine free, loading it when nobody else needs the one loaded now. */
  async #ensure(entry: CpuCatalogEntry, signal: AbortSignal, report: (p: LoadProgress) => void): Promise<void> {
    for (;;) {
      if (signal.aborted) throw ABORTED;
      if (this.#loading) {
        await this.#join(this.#loading, signal, report);
        continue;
      }
      if (this.#busy) {
        report({ phase: 'queued', fraction: null, message: 'Queued: the CPU engine is answering in another panel; this panel starts when it finishes.' });
        await this.#conditions.until(() => !this.#busy && !this.#loading, signal, ABORTED);
        continue;
      }
      if (this.#model === entry.id && this.#backend) break;
      this.#start(entry);
    }
    this.#busy = true;
  }

  #start(entry: CpuCatalogEntry): void {
    const controller = new AbortController();
    const starting: LoadProgress = { phase: 'starting', fraction: null, message: `Starting ${entry.family} on this computer's CPU…` };
    const load: Load = { model: entry.id, controller, listeners: new Set(), waiters: 0, last: starting, promise: Promise.resolve() };
    const report = (p: LoadProgress) => {
      load.last = p;
      for (const l of load.listeners) l(p);
    };
    load.promise = (async () => {
      await this.#drop();
      const plan = this.#options.threads();
      const caches = this.#options.caches();
      if (!caches) throw new Error('This browser gives the page no Cache Storage (a private window may not): the model cannot be kept.');
      const started = performance.now();
      const files = await cachedFiles(cpuModelUrls(entry, this.#options.mirror()), caches, (p) => report(fileProgress(p, entry, started)), controller.signal, this.#options.fetcher);
      this.#options.onCached?.();
      controller.signal.throwIfAborted();
      report({ phase: 'starting', fraction: null, message: `Loading ${entry.family} into memory (${plan.threads === 1 ? '1 thread' : `${plan.threads} threads`})…` });
      const backend = await (this.#options.backend ?? wllamaBackend)();
      const stop = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(ABORTED), { once: true }));
      try {
        const loaded = await Promise.race([backend.load(files, { threads: plan.threads, contextTokens: entry.contextTokens }), stop]);
        this.#backend = backend;
        this.#model = entry.id;
        this.#threads = loaded.threads;
        this.#options.onLoaded?.(entry.id, loaded);
      } catch (err) {
        await backend.exit();
        throw err;
      }
    })();
    load.promise
      .catch(() => {})
      .finally(() => {
        if (this.#loading === load) this.#loading = null;
        this.#conditions.changed();
      });
    this.#loading = load;
  }

  /** Follows a load; when the last panel waiting for it gives up, the download (or the loading) is cancelled. */
  async #join(load: Load, signal: AbortSignal, report: (p: LoadProgress) => void): Promise<void> {
    try {
      await follow(load, signal, report, ABORTED, () => load.controller.abort(ABORTED));
    } catch (err) {
      // a load cancelled that way fails with the fetch's own error: it was a stop
      throw err === ABORTED || load.controller.signal.aborted ? ABORTED : err;
    }
  }

  /** Ends llama.cpp's worker: another model comes, or it crashed. */
  async #drop(): Promise<void> {
    const backend = this.#backend;
    this.#backend = null;
    this.#model = null;
    await backend?.exit();
  }
}

function fileProgress(p: FileProgress, entry: CpuCatalogEntry, started: number): LoadProgress {
  const total = p.total ?? (entry.sizeBytes || null);
  const fraction = total ? Math.min(1, p.loaded / total) : null;
  const elapsedS = (performance.now() - started) / 1000;
  if (p.fromCache) return { phase: 'reading-cache', fraction, loadedBytes: p.loaded, ...(total ? { totalBytes: total } : {}), elapsedS, message: 'Reading the model from the browser cache…' };
  const etaS = fraction && fraction > 0 && fraction < 1 && elapsedS >= 2 ? Math.round((elapsedS * (1 - fraction)) / fraction) : undefined;
  const left = etaS === undefined ? '' : etaS >= 90 ? ` · about ${Math.round(etaS / 60)} min left` : ` · about ${etaS} s left`;
  return { phase: 'fetching', fraction, loadedBytes: p.loaded, ...(total ? { totalBytes: total } : {}), elapsedS, etaS, message: `Downloading: ${formatBytes(p.loaded)}${total ? ` of ${formatBytes(total)}` : ''}${left}` };
}

function chatRequest(req: ChatRequest): CpuChatRequest {
  const { temperature, top_p, top_k, min_p, max_tokens, seed, stop, presence_penalty, repetition_penalty } = req.params;
  const messages = req.messages.flatMap((m) => (m.role === 'tool' ? [] : [{ role: m.role, content: m.content }]));
  const fields = { temperature, top_p, top_k, min_p, max_tokens, seed, penalty_present: presence_penalty, penalty_repeat: repetition_penalty };
  return {
    messages,
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    ...(stop?.length ? { stop } : {}),
    ...(req.thinking === 'default' ? {} : { chat_template_kwargs: { enable_thinking: req.thinking === 'on' } }),
  };
}
