// In-browser models for the screen: the device check, the catalog with sizes, the cache and storage, and the engine.
import { WebLlmEngine } from '../engines/webllm.ts';
import { downloadSize, memoryBudgetMB, qwenCatalog, withMirror, type CatalogEntry, type ModelRecordLike } from '../engines/webllm-catalog.ts';
import { probeDevice, type DeviceReport, type GpuLike } from '../engines/webllm-device.ts';
import { cachedModels } from '../engines/webllm-cache.ts';
import { webLlmWorker } from '../engines/webllm-backend.ts';
import { CpuModels } from './cpu-models.svelte.ts';

export interface StorageState {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

export class InBrowser {
  device = $state.raw<DeviceReport | null>(null);
  catalog = $state.raw<CatalogEntry[]>([]);
  /** why the catalog could not be read (the web-llm module failed to load) */
  catalogError = $state('');
  /** download size per model id: null is "unknown" (its manifest could not be reached) */
  sizes = $state.raw<Record<string, number | null>>({});
  /** bytes in the browser's cache per model id */
  cached = $state.raw<Record<string, number>>({});
  storage = $state.raw<StorageState>({ usage: null, quota: null, persisted: null });
  /** the last cache action's outcome, in words */
  cacheMessage = $state('');
  /** a mirror for weights and model libraries (developer setting `&models-from=`) */
  mirror: string | null = null;
  readonly engine: WebLlmEngine;
  /** the second in-browser engine: llama.cpp in WebAssembly, on the CPU */
  readonly cpu = new CpuModels();
  #device: Promise<DeviceReport> | null = null;
  #list: Promise<ModelRecordLike[]> | null = null;
  #sizing = false;

  constructor() {
    const nav = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { deviceMemory?: number });
    this.engine = new WebLlmEngine({
      modelList: () => this.modelList(),
      device: () => this.probe(),
      budgetMB: memoryBudgetMB(nav?.deviceMemory),
      sizeOf: (id) => this.sizes[id] ?? null,
    });
  }

  /** Checks WebGPU once per page: the answer does not change while the page lives. */
  probe(): Promise<DeviceReport> {
    this.#device ??= probeDevice(typeof navigator === 'undefined' ? undefined : (navigator as { gpu?: GpuLike }).gpu, typeof isSecureContext === 'undefined' || isSecureContext).then((d) => (this.device = d));
    return this.#device;
  }

  /**
   * web-llm's list, from its worker: the worker (and web-llm's 2 MB in it) starts now, not with the page, and the
   * answer that follows finds it running. A failed start can be retried.
   */
  modelList(): Promise<ModelRecordLike[]> {
    this.#list ??= webLlmWorker()
      .request<ModelRecordLike[]>({ op: 'list' })
      .result.then(
        (list) => withMirror(list, this.mirror),
        (err: unknown) => {
          this.#list = null;
          throw err instanceof Error ? err : new Error(String(err));
        },
      );
    return this.#list;
  }

  /** Everything the picker shows: device, catalog, sizes (in the background), what is cached. */
  async open(): Promise<void> {
    await this.probe();
    try {
      this.catalog = qwenCatalog(await this.modelList());
      this.catalogError = '';
    } catch (err) {
      this.catalogError = `Could not load the in-browser engine (${(err as Error).message}). Reload the page to try again.`;
      return;
    }
    void this.refreshCache();
    void this.#findSizes();
  }

  async #findSizes(): Promise<void> {
    if (this.#sizing) return;
    this.#sizing = true;
    // one family at a time is enough for a list a person reads; the answers come in as they arrive
    for (const entry of this.catalog) {
      if (entry.id in this.sizes) continue;
      const size = await downloadSize(entry.url);
      this.sizes = { ...this.sizes, [entry.id]: size };
    }
    this.#sizing = false;
  }

  async refreshCache(): Promise<void> {
    try {
      this.cached = await cachedModels(this.catalog, typeof caches === 'undefined' ? undefined : caches);
    } catch (err) {
      this.cacheMessage = `Could not read the browser's cache: ${(err as Error).message}`;
    }
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    const estimate = await storage?.estimate?.().catch(() => undefined);
    const persisted = await storage?.persisted?.().catch(() => null);
    this.storage = { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted: persisted ?? null };
  }

  async deleteModel(id: string): Promise<void> {
    try {
      const modelList = await this.modelList();
      await webLlmWorker().request({ op: 'delete', modelId: id, modelList }).result;
      this.cacheMessage = `Deleted ${id} from this browser.`;
    } catch (err) {
      this.cacheMessage = `Could not delete ${id}: ${(err as Error)?.message ?? err}`;
    }
    await this.refreshCache();
  }

  async deleteAll(): Promise<void> {
    for (const id of Object.keys(this.cached)) await this.deleteModel(id);
    this.cacheMessage = 'Deleted every in-browser model from this browser.';
  }

  /** Asks the browser not to evict the weights when disk runs low; it may say no without asking the person. */
  async persist(): Promise<void> {
    const granted = await navigator.storage?.persist?.().catch(() => false);
    this.cacheMessage = granted
      ? 'The browser will keep the models until you delete them.'
      : 'The browser did not grant persistent storage (Chrome grants it to sites you use often or have bookmarked); the models stay cached until disk runs low.';
    await this.refreshCache();
  }
}
