// The Qwen models of web-llm's prebuilt list: memory need, download size, the variant a GPU can run, mirrors.

/** The fields of web-llm's ModelRecord that we read (kept here so this module never imports web-llm). */
export interface ModelRecordLike {
  model: string;
  model_id: string;
  model_lib: string;
  vram_required_MB?: number;
  required_features?: string[];
  overrides?: { context_window_size?: number };
}

export interface CatalogEntry {
  id: string;
  /** e.g. "Qwen3-4B": the same model in every quantization */
  family: string;
  quant: 'q4f16_1' | 'q4f32_1';
  vramMB: number | null;
  contextWindow: number | null;
  /** the weights' base URL (Hugging Face, or a mirror) */
  url: string;
}

const QUANTS = ['q4f16_1', 'q4f32_1'] as const;
const ID = /^(Qwen\d[\w.]*-[\d.]+B)(?:-\w+)?-(q4f16_1|q4f32_1)-MLC$/;

/** Qwen3 (and newer Qwen) 4-bit entries, smallest first; other models and quantizations are left out. */
export function qwenCatalog(list: ModelRecordLike[]): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  for (const r of list) {
    const m = ID.exec(r.model_id);
    if (!m) continue;
    out.push({
      id: r.model_id,
      family: m[1]!,
      quant: m[2] as CatalogEntry['quant'],
      vramMB: r.vram_required_MB ?? null,
      contextWindow: r.overrides?.context_window_size ?? null,
      url: r.model,
    });
  }
  return out.sort((a, b) => generation(a.family) - generation(b.family) || params(a.family) - params(b.family) || QUANTS.indexOf(a.quant) - QUANTS.indexOf(b.quant));
}

function generation(family: string): number {
  return Number(/^Qwen([\d.]+)/.exec(family)?.[1] ?? 0);
}

function params(family: string): number {
  return Number(/-([\d.]+)B$/.exec(family)?.[1] ?? 0);
}

/**
 * The id to run for what the person asked: a full id, or a family ("Qwen3-4B") from a link. Without
 * shader-f16 the q4f32_1 sibling is taken, since web-llm's Qwen3 records do not ask for the feature and
 * the f16 shaders would fail later, after the download.
 */
export function resolveModel(catalog: CatalogEntry[], asked: string, f16: boolean): { entry: CatalogEntry; switched: boolean } | null {
  const exact = catalog.find((e) => e.id.toLowerCase() === asked.toLowerCase());
  const family = exact?.family ?? catalog.find((e) => e.family.toLowerCase() === asked.toLowerCase())?.family;
  if (!family) return null;
  const wanted = exact?.quant ?? (f16 ? 'q4f16_1' : 'q4f32_1');
  const quant = wanted === 'q4f16_1' && !f16 ? 'q4f32_1' : wanted;
  const entry = catalog.find((e) => e.family === family && e.quant === quant) ?? exact;
  return entry ? { entry, switched: !!exact && entry.id !== exact.id } : null;
}

/** Models that fit one GPU together, by web-llm's own estimates. */
export function fitsTogether(catalog: CatalogEntry[], ids: string[], budgetMB: number): boolean {
  let sum = 0;
  for (const id of ids) sum += catalog.find((e) => e.id === id)?.vramMB ?? Infinity;
  return sum <= budgetMB;
}

/**
 * A guess at the GPU memory this machine can give a tab: WebGPU does not say. Half of the device memory
 * that the browser reports (Chrome caps it at 8 GB), or 4 GB when it does not report it.
 */
export function memoryBudgetMB(deviceMemoryGB: number | undefined): number {
  return ((deviceMemoryGB && deviceMemoryGB > 0 ? deviceMemoryGB : 8) * 1024) / 2;
}

const HF = 'https://huggingface.co/';
const LIBS = 'https://raw.githubusercontent.com/';

/**
 * Points weights and model libraries at a mirror with the same paths (`<mirror>/mlc-ai/<model>/resolve/main/…`,
 * `<mirror>/mlc-ai/binary-mlc-llm-libs/…`): for a machine without access to Hugging Face, and for tests.
 */
export function withMirror<T extends ModelRecordLike>(list: T[], mirror: string | null): T[] {
  if (!mirror) return list;
  const base = mirror.replace(/\/+$/, '') + '/';
  return list.map((r) => ({ ...r, model: r.model.replace(HF, base), model_lib: r.model_lib.replace(LIBS, base) }));
}

/** The weights' size: the sum of the shard sizes in the model's tensor-cache manifest. */
export function sumTensorCache(manifest: unknown): number | null {
  const records = (manifest as { records?: Array<{ nbytes?: unknown }> } | null)?.records;
  if (!Array.isArray(records) || !records.length) return null;
  let total = 0;
  for (const r of records) {
    if (typeof r?.nbytes !== 'number') return null;
    total += r.nbytes;
  }
  return total;
}

/** Asks the model's manifest for its download size; null ("unknown") when it cannot be reached in time. */
export async function downloadSize(modelURL: string, fetcher: typeof fetch = fetch, timeoutMs = 8000): Promise<number | null> {
  const base = modelURL.replace(/\/+$/, '') + (/\/resolve\/main$/.test(modelURL.replace(/\/+$/, '')) ? '/' : '/resolve/main/');
  for (const name of ['tensor-cache.json', 'ndarray-cache.json']) {
    try {
      const res = await fetcher(base + name, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) continue;
      const size = sumTensorCache(await res.json());
      if (size !== null) return size;
    } catch {
      return null;
    }
  }
  return null;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return 'unknown';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}
