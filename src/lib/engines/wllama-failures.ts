// Failures of the CPU engine as sentences a person can act on: downloads, storage, memory, the context, crashes.
import type { StreamEvent } from '../stream/events.ts';
import { DownloadError } from './wllama-files.ts';

type Failure = Extract<StreamEvent, { type: 'error' }>;

export function cpuFailure(err: unknown, context: { model: string; sizeText: string }, at: number): Failure {
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const message = err instanceof Error ? err.message : String(err);
  const { model } = context;
  if (err instanceof DownloadError) {
    if (err.status === 404)
      return { type: 'error', kind: 'not-found', status: 404, message: `${model} is not at ${err.url} (HTTP 404). If a mirror is set (models-from), check that it has the file; else pick another model.`, detail, at };
    if (err.status)
      return { type: 'error', kind: err.status >= 500 ? 'server' : 'http', status: err.status, message: `The download of ${model} failed: the server answered HTTP ${err.status}. Send again in a moment.`, detail, at };
    return { type: 'error', kind: 'network', message: `Could not download ${model}: the connection failed. Check the network (or the mirror) and send again; what was already cached is kept.`, detail, at };
  }
  if ((err as { name?: string })?.name === 'QuotaExceededError' || /quota/i.test(message))
    return { type: 'error', kind: 'quota', message: `The browser has no room left to keep ${model} (${context.sizeText}). Delete models in Models, or free disk space, then send again.`, detail, at };
  if ((err as { type?: string })?.type === 'kv_cache_full' || /context|kv.?cache/i.test(message))
    return { type: 'error', kind: 'context', message: `The conversation no longer fits ${model}'s context on the CPU engine. Start a new comparison or shorten the history.`, detail, at };
  if (/memory|alloc|oom/i.test(message))
    return { type: 'error', kind: 'out-of-memory', message: `${model} needs more memory than this tab can give WebAssembly (at most 4 GB, weights included). Pick a smaller model, or close other tabs and send again.`, detail, at };
  if (/SIMD|exception handling|WebAssembly/i.test(message) && !/RuntimeError/.test(detail))
    return { type: 'error', kind: 'unsupported', message: `This browser's WebAssembly lacks what the CPU engine needs (${message}). Update the browser; remote models still work.`, detail, at };
  return { type: 'error', kind: 'server', message: `The CPU engine stopped while running ${model} (${message}). Send again to restart it.`, detail, at };
}
