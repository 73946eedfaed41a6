// The models the CPU engine (llama.cpp in WebAssembly) runs: Qwen's own GGUF builds, their files, sizes and mirrors.

export interface CpuCatalogEntry {
  /** e.g. "Qwen3-0.6B-Q8_0": the family and the quantization */
  id: string;
  family: string;
  quant: string;
  /** the Hugging Face repository, e.g. "Qwen/Qwen3-0.6B-GGUF" */
  repo: string;
  /** the GGUF file, or its first part when split (`-00001-of-0000N.gguf`) */
  file: string;
  /** how many parts the file is split into (gguf-split); 1 for a single file */
  parts: number;
  /** download size as listed by Hugging Face: shown before the download, replaced by what the server says */
  sizeBytes: number;
  /** context the engine allocates: memory in WebAssembly is at most 4 GB, weights included */
  contextTokens: number;
}

/**
 * Qwen publishes Q8_0 for the small Qwen3 models and Q4_K_M (with others) from 4B up; the first entry of a
 * family is its default. Sizes in bytes: 4B's is Hugging Face's `x-linked-size`; the others are the listings'
 * rounded figures (639 MB, 2.17 GB). The download shows the size the server sends.
 */
export const CPU_CATALOG: CpuCatalogEntry[] = [
  { id: 'Qwen3-0.6B-Q8_0', family: 'Qwen3-0.6B', quant: 'Q8_0', repo: 'Qwen/Qwen3-0.6B-GGUF', file: 'Qwen3-0.6B-Q8_0.gguf', parts: 1, sizeBytes: 639_000_000, contextTokens: 4096 },
  { id: 'Qwen3-1.7B-Q8_0', family: 'Qwen3-1.7B', quant: 'Q8_0', repo: 'Qwen/Qwen3-1.7B-GGUF', file: 'Qwen3-1.7B-Q8_0.gguf', parts: 1, sizeBytes: 2_170_000_000, contextTokens: 4096 },
  { id: 'Qwen3-4B-Q4_K_M', family: 'Qwen3-4B', quant: 'Q4_K_M', repo: 'Qwen/Qwen3-4B-GGUF', file: 'Qwen3-4B-Q4_K_M.gguf', parts: 1, sizeBytes: 2_497_280_256, contextTokens: 2048 },
];

/** The entry for what a link or a panel asked for: an id, or a family name taking its default quantization. */
export function resolveCpuModel(catalog: CpuCatalogEntry[], asked: string): CpuCatalogEntry | null {
  const name = asked.trim().toLowerCase();
  if (!name) return catalog[0] ?? null;
  return catalog.find((e) => e.id.toLowerCase() === name) ?? catalog.find((e) => e.family.toLowerCase() === name) ?? null;
}

const HF = 'https://huggingface.co';

/**
 * The URLs of a model's files, with Hugging Face's paths (`<base>/<repo>/resolve/main/<file>`) on
 * huggingface.co or on a mirror (`&models-from=`). A split file lists every part.
 */
export function cpuModelUrls(entry: CpuCatalogEntry, mirror: string | null): string[] {
  const base = (mirror ?? HF).replace(/\/+$/, '');
  const files = entry.parts <= 1 ? [entry.file] : Array.from({ length: entry.parts }, (_, i) => entry.file.replace(/-00001-of-(\d{5})\.gguf$/, `-${String(i + 1).padStart(5, '0')}-of-$1.gguf`));
  return files.map((f) => `${base}/${entry.repo}/resolve/main/${f}`);
}
