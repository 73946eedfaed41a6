// CPU models for the screen: the catalog, what is cached, threads and why, the speed measured here, and the engine.
import { WllamaEngine } from '../engines/wllama.ts';
import { CPU_CATALOG, cpuModelUrls, resolveCpuModel, type CpuCatalogEntry } from '../engines/wllama-catalog.ts';
import { cachedSizes, deleteFiles, type CachesLike } from '../engines/wllama-files.ts';
import { planThreads, readSpeeds, rememberSpeed, type KeyValueStore, type SpeedRecord, type ThreadPlan } from '../engines/wllama-threads.ts';
import type { CpuBackendFactory } from '../engines/wllama-backend.ts';

/** The endpoint name of CPU models, in links (`?panel=Qwen3-0.6B@wasm`) and in a panel's setup. */
export const CPU_ENDPOINT = 'wasm';

export class CpuModels {
  readonly catalog: CpuCatalogEntry[] = CPU_CATALOG;
  /** where GGUF files come from instead of huggingface.co (developer setting `&models-from=`) */
  mirror: string | null = null;
  /** threads a link asked for (developer setting `&cpu-threads=`), for the benchmark */
  threadsAsked: number | null = null;
  /** bytes in the browser's cache per model id */
  cached = $state.raw<Record<string, number>>({});
  /** decode speed measured here per model id, remembered across visits */
  speeds = $state.raw<Record<string, SpeedRecord>>({});
  /** the model loaded now and the threads it got */
  loaded = $state.raw<{ model: string; threads: number; multithread: boolean } | null>(null);
  /** the last cache action's outcome, in words */
  message = $state('');
  readonly engine: WllamaEngine;
  #store: KeyValueStore | undefined;
  #caches: () => CachesLike | undefined;

  constructor(backend?: CpuBackendFactory, store?: KeyValueStore, caches?: () => CachesLike | undefined) {
    this.#store = store ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
    this.#caches = caches ?? (() => (typeof globalThis.caches === 'undefined' ? undefined : globalThis.caches));
    this.speeds = readSpeeds(this.#store);
    this.engine = new WllamaEngine({
      catalog: this.catalog,
      mirror: () => this.mirror,
      caches: this.#caches,
      threads: () => this.plan,
      backend,
      onLoaded: (model, l) => (this.loaded = { model, threads: l.threads, multithread: l.multithread }),
      onCached: () => void this.refreshCache(),
      onSpeed: (model, tokensPerS, threads) => (this.speeds = rememberSpeed(this.#store, model, { tokensPerS, threads, at: Date.now() })),
    });
  }

  /** Threads for the next load, and why: known from the page alone, before anything downloads. */
  get plan(): ThreadPlan {
    const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
    return planThreads(isolated, typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency, this.threadsAsked);
  }

  resolve(asked: string): CpuCatalogEntry | null {
    return resolveCpuModel(this.catalog, asked);
  }

  /** The CPU model of the same family as an in-browser (WebGPU) one, else the default: "Qwen3-4B-q4f16_1-MLC" → Qwen3-4B. */
  sameFamily(model: string): CpuCatalogEntry {
    return this.catalog.find((e) => model.toLowerCase().startsWith(e.family.toLowerCase() + '-')) ?? this.resolve(model) ?? this.catalog[0]!;
  }

  urls(id: string): string[] {
    const entry = this.resolve(id);
    return entry ? cpuModelUrls(entry, this.mirror) : [];
  }

  async refreshCache(): Promise<void> {
    try {
      this.cached = await cachedSizes(
        this.catalog.map((e) => ({ id: e.id, urls: cpuModelUrls(e, this.mirror) })),
        this.#caches(),
      );
    } catch (err) {
      this.message = `Could not read the browser's cache: ${(err as Error).message}`;
    }
  }

  async deleteModel(id: string): Promise<void> {
    const caches = this.#caches();
    try {
      if (!caches) throw new Error('this browser gives the page no Cache Storage');
      await deleteFiles(this.urls(id), caches);
      this.message = `Deleted ${id} from this browser.`;
    } catch (err) {
      this.message = `Could not delete ${id}: ${(err as Error).message}`;
    }
    await this.refreshCache();
  }

  async deleteAll(): Promise<void> {
    for (const id of Object.keys(this.cached)) await this.deleteModel(id);
    this.message = 'Deleted every CPU model from this browser.';
  }
}
