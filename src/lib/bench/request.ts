// One benchmark request over fetch: the body each server takes, the stream read through the app's own SSE decoder and normalizer.
import type { StreamEvent } from '../stream/events.ts';
import { StreamNormalizer } from '../stream/normalize.ts';
import { SseDecoder, type SseMessage } from '../stream/sse.ts';
import { droppedFailure, httpFailure } from '../engines/failures.ts';
import type { BenchApi, BenchEndpoint, BenchPrompt, RequestRecord } from './types.ts';

/** The body that asks for exactly `outputLen` tokens, in the words each server understands. */
export function benchBody(endpoint: BenchEndpoint, api: BenchApi, prompt: BenchPrompt): Record<string, unknown> {
  const body: Record<string, unknown> = { model: endpoint.model, max_tokens: prompt.outputLen, stream: true, stream_options: { include_usage: true } };
  if (api === 'chat') body.messages = prompt.messages;
  else body.prompt = prompt.messages.map((m) => m.content).join('');
  // vLLM takes both; SGLang and llama.cpp take ignore_eos; NIM and Ollama neither (a mismatch is then reported)
  if (endpoint.server === 'vllm') Object.assign(body, { ignore_eos: true, min_tokens: prompt.outputLen });
  else if (endpoint.server === 'sglang' || endpoint.server === 'llamacpp') body.ignore_eos = true;
  return body;
}

export function apiUrl(endpoint: BenchEndpoint, api: BenchApi): string {
  return `${endpoint.baseURL.replace(/\/+$/, '')}/${api === 'chat' ? 'chat/completions' : 'completions'}`;
}

type RawChunk = { choices?: Array<{ delta?: Record<string, unknown> | null; text?: unknown; finish_reason?: unknown }> | null };

/** Whether a server chunk carries generated text: counted as it arrives, before any display hold-back. */
function carriesTokens(chunk: RawChunk): boolean {
  const c = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
  if (!c) return false;
  if (typeof c.text === 'string') return c.text !== '';
  const d = c.delta;
  if (!d) return false;
  const nonEmpty = (v: unknown) => typeof v === 'string' && v !== '';
  return nonEmpty(d.content) || nonEmpty(d.reasoning) || nonEmpty(d.reasoning_content) || (Array.isArray(d.tool_calls) && d.tool_calls.length > 0);
}

/** The completions API says `text` where chat says `delta.content`: one shape for the normalizer. */
function asChatChunk(chunk: RawChunk): RawChunk {
  if (!Array.isArray(chunk.choices) || !chunk.choices.some((c) => typeof c.text === 'string')) return chunk;
  return { ...chunk, choices: chunk.choices.map((c) => ({ delta: { content: typeof c.text === 'string' ? c.text : '' }, finish_reason: c.finish_reason ?? null })) };
}

export interface SendOptions {
  endpoint: BenchEndpoint;
  api: BenchApi;
  prompt: BenchPrompt;
  dueAt: number;
  signal: AbortSignal;
  /** told of each chunk that carried tokens (for the live chart): how many tokens it is taken to hold */
  onTokens?: (at: number, tokens: number) => void;
  /** called just before the request leaves (the moment TTFT counts from) */
  onSent?: () => void;
  fetch?: typeof fetch;
  now?: () => number;
  /** keep the answer's text in `record.answer` (a multi-turn conversation sends it back) */
  keepAnswer?: boolean;
}

/** Sends one request and reads its stream to the end. Never throws: a failure is a record with its kind. */
export async function sendRequest(o: SendOptions): Promise<RequestRecord> {
  const now = o.now ?? (() => performance.now());
  const record: RequestRecord = {
    ok: false,
    dueAt: o.dueAt,
    sentAt: now(),
    endAt: 0,
    ttftMs: null,
    ttfaMs: null,
    e2elMs: 0,
    itlMs: [],
    inputLen: o.prompt.inputLen,
    expectedOutputLen: o.prompt.outputLen,
    outputTokens: 0,
    outputSource: 'chunks',
    promptTokens: null,
    chunks: 0,
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.endpoint.apiKey) headers.authorization = `Bearer ${o.endpoint.apiKey}`;
  const finish = (e: Extract<StreamEvent, { type: 'error' }> | null, at: number, cancelled = false): RequestRecord => {
    record.endAt = at;
    record.e2elMs = at - record.sentAt;
    if (cancelled) Object.assign(record, { ok: false, errorKind: 'cancelled', error: 'Cancelled before it finished.' });
    else if (e) Object.assign(record, { ok: false, errorKind: e.kind, error: e.message });
    else record.ok = true;
    return record;
  };

  o.onSent?.();
  record.sentAt = now();
  let response: Response;
  try {
    response = await (o.fetch ?? fetch)(apiUrl(o.endpoint, o.api), { method: 'POST', headers, body: JSON.stringify(benchBody(o.endpoint, o.api, o.prompt)), signal: o.signal });
  } catch (err) {
    const at = now();
    if (o.signal.aborted) return finish(null, at, true);
    return finish({ type: 'error', kind: 'network', message: `Could not reach ${o.endpoint.baseURL}: ${(err as Error).message}`, at }, at);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* a plain-text error body is shown as it is */
    }
    const at = now();
    return finish(httpFailure(response.status, body, response.headers.get('retry-after'), o.endpoint.baseURL, o.endpoint.model, at), at);
  }
  if (!response.body) return finish(droppedFailure('The response had no body.', now()), now());

  const decoder = new SseDecoder();
  const normalizer = new StreamNormalizer();
  const reader = response.body.getReader();
  let lastChunkAt: number | null = null;
  let usageTokens: number | null = null;
  let lastCumulative = 0;
  let ended: Extract<StreamEvent, { type: 'error' }> | null | undefined;

  // TTFT, ITL and chunks are read off the server's chunks as they arrive: the normalizer holds some text back for
  // display (a newline that may open a tag), which would merge two chunks' gaps into one
  const chunkArrived = (at: number): void => {
    record.chunks++;
    if (lastChunkAt === null) record.ttftMs = at - record.sentAt;
    else record.itlMs.push(at - lastChunkAt);
    lastChunkAt = at;
    o.onTokens?.(at, 1);
  };
  const take = (events: StreamEvent[]): void => {
    for (const e of events) {
      if (e.type === 'content' && o.keepAnswer) record.answer = (record.answer ?? '') + e.text;
      if (e.type === 'content' || e.type === 'tool-call') record.ttfaMs ??= e.at - record.sentAt;
      else if (e.type === 'usage') {
        usageTokens = e.completionTokens;
        record.promptTokens = e.promptTokens || null;
        // running totals (vLLM continuous stats, NIM) say how many tokens each chunk really held
        if (e.cumulative && e.completionTokens > lastCumulative) {
          o.onTokens?.(e.at, e.completionTokens - lastCumulative - 1);
          lastCumulative = e.completionTokens;
        }
      } else if (e.type === 'error') ended = e;
      else if (e.type === 'done') ended = null;
    }
  };
  const message = (msg: SseMessage, at: number): void => {
    const data = msg.data;
    if (msg.event === 'error' || msg.extra.error !== undefined || !data.startsWith('{')) return take(normalizer.push(msg, at));
    let chunk: RawChunk;
    try {
      chunk = JSON.parse(data) as RawChunk;
    } catch {
      return take(normalizer.push(msg, at)); // the normalizer says it was malformed
    }
    if (chunk === null || typeof chunk !== 'object') return take(normalizer.push(msg, at));
    if (carriesTokens(chunk)) chunkArrived(at);
    take(normalizer.pushChunk(o.api === 'chat' ? chunk : asChatChunk(chunk), at));
  };

  try {
    for (;;) {
      const { done, value } = await reader.read();
      const at = now();
      if (done) {
        for (const msg of decoder.end()) message(msg, at);
        take(normalizer.end(at));
        break;
      }
      for (const msg of decoder.push(value)) message(msg, at);
      if (normalizer.ended) break;
    }
  } catch (err) {
    const at = now();
    if (o.signal.aborted) return finish(null, at, true);
    take(normalizer.close(droppedFailure((err as Error).message, at)));
  } finally {
    reader.cancel().catch(() => {});
  }
  const at = now();
  if (usageTokens !== null) {
    record.outputTokens = usageTokens;
    record.outputSource = 'server';
  } else record.outputTokens = record.chunks;
  return finish(ended ?? null, lastChunkAt !== null && ended === null ? Math.max(lastChunkAt, at) : at);
}
