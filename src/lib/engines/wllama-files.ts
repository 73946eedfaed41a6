// The CPU engine's GGUF files in the browser's Cache Storage: download once with progress and Cancel, list, delete.

/** One cache, apart from web-llm's, so that each engine's models are listed and deleted on their own. */
export const GGUF_CACHE = 'qwen-playground/gguf';

/** The slice of `caches` used here, so tests hand in a fake. */
export interface CachesLike {
  open(name: string): Promise<CacheLike>;
  has(name: string): Promise<boolean>;
}

export interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
  delete(url: string): Promise<boolean>;
  keys(): Promise<ReadonlyArray<{ url: string }>>;
}

export interface FileProgress {
  /** bytes of every file so far (from the cache or the network) */
  loaded: number;
  /** the sum of the sizes the servers said, when every one has */
  total: number | null;
  fromCache: boolean;
}

/** A download that failed, with the HTTP status when there was one (for a sentence that says what to do). */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The model's files as Blobs, from the cache or downloaded into it first. Cache Storage keeps a file only once
 * it is whole: a download that fails or is cancelled leaves nothing behind.
 */
export async function cachedFiles(urls: string[], caches: CachesLike, onProgress: (p: FileProgress) => void, signal: AbortSignal, fetcher: typeof fetch = fetch): Promise<Blob[]> {
  const cache = await caches.open(GGUF_CACHE);
  const loaded = urls.map(() => 0);
  const totals: Array<number | null> = urls.map(() => null);
  let fromCache = true;
  // a report per network chunk would be thousands of progress events (each one saved with the answer): one per
  // percent or quarter second is enough for a bar and a time left
  let lastAt = -Infinity;
  let lastBytes = 0;
  const maybeReport = () => {
    const bytes = loaded.reduce((a, b) => a + b, 0);
    const total = totals.reduce<number>((a, b) => a + (b ?? 0), 0);
    if (performance.now() - lastAt < 250 && bytes - lastBytes < total / 100) return;
    lastAt = performance.now();
    lastBytes = bytes;
    report();
  };
  const report = () => onProgress({ loaded: loaded.reduce((a, b) => a + b, 0), total: totals.every((t) => t !== null) ? totals.reduce<number>((a, b) => a + b!, 0) : null, fromCache });
  const blobs: Blob[] = [];
  for (const [i, url] of urls.entries()) {
    signal.throwIfAborted();
    let hit = await cache.match(url);
    if (!hit) {
      fromCache = false;
      const res = await fetcher(url, { signal }).catch((err: unknown) => {
        if (signal.aborted) throw signal.reason;
        throw new DownloadError(`could not reach ${url} (${(err as Error).message})`, url);
      });
      if (!res.ok || !res.body) throw new DownloadError(`${url} answered HTTP ${res.status}`, url, res.status);
      const length = Number(res.headers.get('content-length'));
      totals[i] = Number.isFinite(length) && length > 0 ? length : null;
      const counted = res.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, out) {
            loaded[i]! += chunk.byteLength;
            maybeReport();
            out.enqueue(chunk);
          },
        }),
      );
      const headers = { 'content-type': 'application/octet-stream', ...(totals[i] ? { 'content-length': String(totals[i]) } : {}) };
      await cache.put(url, new Response(counted, { headers })).catch((err: unknown) => {
        if (signal.aborted) throw signal.reason;
        if ((err as { name?: string })?.name === 'QuotaExceededError') throw err;
        throw new DownloadError(`the download of ${url} broke off (${(err as Error).message})`, url);
      });
      hit = await cache.match(url);
      if (!hit) throw new DownloadError(`the browser did not keep ${url} in its cache`, url);
    }
    const blob = await hit.blob();
    loaded[i] = blob.size;
    totals[i] = blob.size;
    report();
    blobs.push(blob);
  }
  return blobs;
}

/** Bytes in the cache per model id, for the models whose every file is there (a model with some parts counts too). */
export async function cachedSizes(models: Array<{ id: string; urls: string[] }>, caches: CachesLike | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  if (!caches || !(await caches.has(GGUF_CACHE))) return out;
  const cache = await caches.open(GGUF_CACHE);
  for (const { id, urls } of models) {
    let bytes = 0;
    let files = 0;
    for (const url of urls) {
      const hit = await cache.match(url);
      if (!hit) continue;
      files++;
      const length = Number(hit.headers.get('content-length'));
      bytes += Number.isFinite(length) && length > 0 ? length : (await hit.blob()).size;
    }
    if (files) out[id] = bytes;
  }
  return out;
}

export async function deleteFiles(urls: string[], caches: CachesLike): Promise<void> {
  const cache = await caches.open(GGUF_CACHE);
  for (const url of urls) await cache.delete(url);
}
