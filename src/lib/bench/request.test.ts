// One request on recorded streams: the body each server gets, the completions API, usage against chunks, failures.
import { describe, expect, it } from 'vitest';
import { benchBody, sendRequest } from './request.ts';
import type { BenchEndpoint, BenchPrompt } from './types.ts';

const prompt: BenchPrompt = { messages: [{ role: 'user', content: 'hello' }], inputLen: 1, outputLen: 3 };
const endpoint = (server: BenchEndpoint['server']): BenchEndpoint => ({ baseURL: 'http://127.0.0.1:9/v1', model: 'm', server });

/** A fetch that answers with these SSE lines, each in its own read, `gapMs` apart on a fake clock. */
function recorded(lines: string[], clock: { t: number }, gapMs = 10, status = 200): { fetch: typeof fetch; bodies: unknown[]; urls: string[] } {
  const bodies: unknown[] = [];
  const urls: string[] = [];
  const f = (async (url: string, init: RequestInit) => {
    bodies.push(JSON.parse(String(init.body)));
    urls.push(url);
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i === lines.length) return c.close();
        clock.t += gapMs;
        c.enqueue(new TextEncoder().encode(lines[i++]! + '\n\n'));
      },
    }, { highWaterMark: 0 }); // a read pulls one line: the clock moves when the client reads
    return new Response(status === 200 ? body : '{"error":{"message":"slow down"}}', { status, headers: { 'retry-after': '3' } });
  }) as typeof fetch;
  return { fetch: f, bodies, urls };
}

describe('sendRequest', () => {
  it('asks each server for an exact length in the words it takes', () => {
    expect(benchBody(endpoint('vllm'), 'chat', prompt)).toMatchObject({ max_tokens: 3, ignore_eos: true, min_tokens: 3, stream_options: { include_usage: true }, messages: prompt.messages });
    expect(benchBody(endpoint('sglang'), 'chat', prompt)).toMatchObject({ ignore_eos: true });
    expect(benchBody(endpoint('sglang'), 'chat', prompt)).not.toHaveProperty('min_tokens');
    expect(benchBody(endpoint('ollama'), 'chat', prompt)).not.toHaveProperty('ignore_eos');
    expect(benchBody(endpoint('vllm'), 'completions', prompt)).toMatchObject({ prompt: 'hello' });
  });

  it('reads the completions API: text chunks, usage, TTFT and ITL on its clock', async () => {
    const clock = { t: 0 };
    const lines = ['{"choices":[{"text":"a"}]}', '{"choices":[{"text":"b"}]}', '{"choices":[{"text":"c","finish_reason":"length"}]}', '{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":3}}', '[DONE]'].map((l) => `data: ${l}`);
    const { fetch, urls } = recorded(lines, clock);
    const r = await sendRequest({ endpoint: endpoint('vllm'), api: 'completions', prompt, dueAt: 0, signal: new AbortController().signal, fetch, now: () => clock.t });
    expect(urls[0]).toBe('http://127.0.0.1:9/v1/completions');
    expect(r).toMatchObject({ ok: true, ttftMs: 10, chunks: 3, outputTokens: 3, outputSource: 'server', e2elMs: 50, itlMs: [10, 10] });
  });

  it('counts from chunks, marked as such, when the server sends no usage', async () => {
    const clock = { t: 0 };
    const lines = ['data: {"choices":[{"delta":{"content":"a"}}]}', 'data: {"choices":[{"delta":{"content":"b"},"finish_reason":"stop"}]}', 'data: [DONE]'];
    const r = await sendRequest({ endpoint: endpoint('ollama'), api: 'chat', prompt, dueAt: 0, signal: new AbortController().signal, fetch: recorded(lines, clock).fetch, now: () => clock.t });
    expect(r).toMatchObject({ ok: true, outputTokens: 2, outputSource: 'chunks' });
  });

  it('times a reasoning model: first token and first answer token apart', async () => {
    const clock = { t: 0 };
    const lines = ['data: {"choices":[{"delta":{"reasoning_content":"hm"}}]}', 'data: {"choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}', 'data: [DONE]'];
    const r = await sendRequest({ endpoint: endpoint('sglang'), api: 'chat', prompt, dueAt: 0, signal: new AbortController().signal, fetch: recorded(lines, clock).fetch, now: () => clock.t });
    expect(r.ttftMs).toBe(10);
    expect(r.ttfaMs).toBe(20);
  });

  it('turns a 429 and a stream that ends early into failures by kind', async () => {
    const clock = { t: 0 };
    const limited = await sendRequest({ endpoint: endpoint('vllm'), api: 'chat', prompt, dueAt: 0, signal: new AbortController().signal, fetch: recorded([], clock, 10, 429).fetch, now: () => clock.t });
    expect(limited).toMatchObject({ ok: false, errorKind: 'rate-limit' });
    expect(limited.error).toMatch(/Retry in 3 s/);
    const cut = await sendRequest({ endpoint: endpoint('vllm'), api: 'chat', prompt, dueAt: 0, signal: new AbortController().signal, fetch: recorded(['data: {"choices":[{"delta":{"content":"a"}}]}'], clock).fetch, now: () => clock.t });
    expect(cut).toMatchObject({ ok: false, errorKind: 'dropped', chunks: 1 });
  });
});
