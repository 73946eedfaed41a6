// The engine for OpenAI-compatible servers: the `openai` client sends, our decoder and normalizer read the stream.
import type { StreamEvent } from '../stream/events.ts';
import { StreamNormalizer } from '../stream/normalize.ts';
import { SseDecoder } from '../stream/sse.ts';
import { mayThink, missingToolParserNote, thinkingKindOf, DIALECTS } from '../stream/dialects.ts';
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

let sdk: Promise<typeof import('openai')> | null = null;
/** The SDK is loaded once, on first need: not on a first visit, and ideally before the first send. A failed load is tried again next time. */
const loadSdk = () =>
  (sdk ??= import('openai').catch((err: unknown) => {
    sdk = null;
    throw err;
  }));

export class RemoteEngine implements Engine {
  /** The first send need not wait for the SDK (its time would count in that answer's time to first token). */
  prepare(): void {
    loadSdk().catch(() => {}); // the send tries again, and says so if it fails
  }

  // One generator from request to last event: a second one delegated to costs a promise per event,
  // which at thousands of events a second showed in the render benchmark's profile.
  async *stream(req: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const now = () => performance.now();
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort);
    try {
      const sdk = await this.#sdk();
      if (!('OpenAI' in sdk)) return yield sdk;
      // the answer's clock starts here, as the request goes out: loading the client is the page's time, not the server's
      yield { type: 'progress', progress: { phase: 'ready', fraction: 1, message: 'Sending the request.' }, at: now() };
      const response = await this.#request(sdk, req, signal, controller);
      if (!(response instanceof Response)) return yield response;
      yield { type: 'open', at: now(), status: response.status };
      if (!response.body) return yield droppedFailure('The response had no body.', now());

      const decoder = new SseDecoder();
      const closeOnly = DIALECTS[req.endpoint.dialect].inlineThink && thinkingKindOf(req.model) === 'always';
      const normalizer = new StreamNormalizer({
        thinkMode: closeOnly ? 'closing-only' : 'auto',
        noThinking: !mayThink(req.model, req.thinking),
        ...(req.tools?.length ? { textToolCallNote: missingToolParserNote(req.endpoint.dialect) } : {}),
      });
      const reader = response.body.getReader();
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
            return yield* normalizer.close(signal.aborted ? { type: 'stopped', at } : droppedFailure(describe(err), at));
          }
          const at = now();
          if (result.done) {
            for (const msg of decoder.end()) for (const event of normalizer.push(msg, at)) yield event;
            return yield* normalizer.end(at);
          }
          for (const msg of decoder.push(result.value)) {
            // one read can hold many messages: once stop is pressed, the rest of them are not shown
            if (signal.aborted) return yield* normalizer.close({ type: 'stopped', at: now() });
            // a plain loop: yield* over an array wraps it in an async iterator, a promise per event
            for (const event of normalizer.push(msg, at)) yield event;
          }
          if (normalizer.ended) return;
        }
      } finally {
        clearInterval(watchdog);
        reader.cancel().catch(() => {});
      }
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  /** The openai client's module, or why it could not be loaded. */
  async #sdk(): Promise<typeof import('openai') | StreamEvent> {
    try {
      return await loadSdk();
    } catch (err) {
      const message = 'The page could not load its OpenAI client. Reload the page: the connection may have dropped, or a new version of the app was published.';
      return { type: 'error', kind: 'network', message, detail: describe(err), at: performance.now() };
    }
  }

  /** Sends the request through the openai client: the response, or the failure as an event. */
  async #request(sdk: typeof import('openai'), req: ChatRequest, signal: AbortSignal, controller: AbortController): Promise<Response | StreamEvent> {
    const now = () => performance.now();
    const { OpenAI, APIError } = sdk;
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
    try {
      const body = requestBody(req) as unknown as Parameters<typeof client.chat.completions.create>[0];
      return await client.chat.completions.create(body, { signal: controller.signal }).asResponse();
    } catch (err) {
      if (signal.aborted) return { type: 'stopped', at: now() };
      if (err instanceof APIError && typeof err.status === 'number')
        return httpFailure(err.status, err.error ?? err.message, err.headers?.get('retry-after') ?? null, baseURL, req.model, now());
      return networkFailure(baseURL, await isReachable(baseURL), describe(err), now());
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
