// What web-llm keeps in the browser's Cache Storage, per model: bytes on disk, for the cache manager.
import type { CatalogEntry } from './webllm-catalog.ts';

/** The slice of `caches` we read, so tests hand in a fake. */
export interface CacheStorageLike {
  has(name: string): Promise<boolean>;
  open(name: string): Promise<{ keys(): Promise<ReadonlyArray<{ url: string }>>; match(url: string): Promise<ResponseLike | undefined> }>;
}

interface ResponseLike {
  headers: { get(name: string): string | null };
  blob(): Promise<{ size: number }>;
}

/** web-llm's cache for weight shards, tokenizer and tensor-cache manifest (its "webllm/model" scope). */
const MODEL_SCOPE = 'webllm/model';

/** Bytes cached per model id (models with nothing cached are left out). */
export async function cachedModels(catalog: CatalogEntry[], caches: CacheStorageLike | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  if (!caches || !(await caches.has(MODEL_SCOPE))) return out;
  const cache = await caches.open(MODEL_SCOPE);
  const keys = await cache.keys();
  for (const entry of catalog) {
    const base = entry.url.replace(/\/+$/, '') + '/';
    let bytes = 0;
    let files = 0;
    for (const key of keys) {
      if (!key.url.startsWith(base)) continue;
      files++;
      const res = await cache.match(key.url);
      if (!res) continue;
      // a weight shard's length is in its header; reading the body of a 30 MB shard just to count it is waste
      const length = Number(res.headers.get('content-length'));
      bytes += Number.isFinite(length) && length > 0 ? length : (await res.blob()).size;
    }
    if (files) out[entry.id] = bytes;
  }
  return out;
}
