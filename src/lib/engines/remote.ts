// The engine for OpenAI-compatible servers: the `openai` client sends, our decoder and normalizer read the stream.
import type { StreamEvent } from '../stream/events.ts';
import { StreamNormalizer } from '../stream/normalize.ts';
import { SseDecoder } from '../stream/sse.ts';
import { thinkingKindOf, DIALECTS } from '../stream/dialects.ts';
import { droppedFailure, httpFailure, isReachable, networkFailure, stallFailure } from './failures.ts';
import { requestBody } from './request-body.ts';
import type { ChatRequest, Engine } from './types.ts';

const DEFAULT_STALL_MS = 120_000;

/**
 * The SDK adds `x-stainless-*` headers that a server with a strict CORS list refuses at the preflight;
 * they carry nothing a server needs, so they never leave the page.
 */
export const fetchWithoutSdkHeaders: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  for (const name of [...headers.keys()]) if (name.startsWith('x-stainless-')) headers.delete(name);
  return globalThis.fetch(input, { ...init, headers });
};

export class RemoteEngine implements Engine {
  async *stream(req: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const now = () => performance.now();
    const { OpenAI, APIError } = await import('openai');
    const { baseURL, apiKey, headers } = req.endpoint;
    const client = new OpenAI({
      baseURL,
      apiKey: apiKey || 'no-key',
      dangerouslyAllowBrowser: true,
      // a playground shows a 429 or a 503 as it is, with its Retry-After, instead of retrying behind the person's back
      maxRetries: 0,
      fetch: fetchWithoutSdkHeaders,
      defaultHeaders: { ...headers, ...(apiKey ? {} : { Authorization: null }) },
    });
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort);
    try {
      let response: Response;
      try {
        const body = requestBody(req) as unknown as Parameters<typeof client.chat.completions.create>[0];
        response = await client.chat.completions.create(body, { signal: controller.signal }).asResponse();
      } catch (err) {
        if (signal.aborted) return yield { type: 'stopped', at: now() };
        if (err instanceof APIError && typeof err.status === 'number')
          return yield httpFailure(err.status, err.error ?? err.message, err.headers?.get('retry-after') ?? null, baseURL, req.model, now());
        return yield networkFailure(baseURL, await isReachable(baseURL), describe(err), now());
      }
      yield { type: 'open', at: now(), status: response.status };
      if (!response.body) return yield droppedFailure('The response had no body.', now());
      yield* this.#read(response.body, req, signal, controller);
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  async *#read(body: ReadableStream<Uint8Array>, req: ChatRequest, signal: AbortSignal, controller: AbortController): AsyncGenerator<StreamEvent> {
    const now = () => performance.now();
    const decoder = new SseDecoder();
    const closeOnly = DIALECTS[req.endpoint.dialect].inlineThink && thinkingKindOf(req.model) === 'always';
    const normalizer = new StreamNormalizer({ thinkMode: closeOnly ? 'closing-only' : 'auto' });
    const reader = body.getReader();
    const stallMs = req.stallTimeoutMs ?? DEFAULT_STALL_MS;
    // one watchdog per stream, not a timer and a race per read: at thousands of reads a second those cost
    // more than parsing the JSON (measured with npm run bench:render)
    let lastByteAt = now();
    let stalled = false;
    const watchdog = setInterval(
      () => {
        if (now() - lastByteAt < stallMs) return;
        stalled = true;
        controller.abort(); // the pending read rejects
      },
      Math.max(50, Math.min(1000, stallMs / 4)),
    );
    try {
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
          lastByteAt = now();
        } catch (err) {
          const at = now();
          if (stalled) return yield* normalizer.close(stallFailure(Math.round(stallMs / 1000), at));
          yield* normalizer.close(signal.aborted ? { type: 'stopped', at } : droppedFailure(describe(err), at));
          return;
        }
        if (result.done) {
          const at = now();
          for (const msg of decoder.end()) yield* normalizer.push(msg, at);
          yield* normalizer.end(at);
          return;
        }
        const at = now();
        for (const msg of decoder.push(result.value)) {
          // one read can hold many messages: once stop is pressed, the rest of them are not shown
          if (signal.aborted) return yield* normalizer.close({ type: 'stopped', at: now() });
          yield* normalizer.push(msg, at);
        }
        if (normalizer.ended) return;
      }
    } finally {
      clearInterval(watchdog);
      reader.cancel().catch(() => {});
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
