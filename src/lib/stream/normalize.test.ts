// Recorded streams of each server, fed whole, one byte at a time and in random reads: same events every time.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from './events.ts';
import { StreamNormalizer, type NormalizerOptions } from './normalize.ts';
import { SseDecoder } from './sse.ts';
import { ToolCallAccumulator } from './tool-calls.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}.sse`, import.meta.url)));

/** Splits the bytes into reads and runs decoder and normalizer, with the clock held at 0. */
function replay(bytes: Uint8Array, sizes: (i: number) => number, options?: NormalizerOptions): StreamEvent[] {
  const decoder = new SseDecoder();
  const normalizer = new StreamNormalizer(options);
  const events: StreamEvent[] = [];
  for (let i = 0, n = 0; i < bytes.length; n++) {
    const size = Math.max(1, sizes(n));
    for (const msg of decoder.push(bytes.subarray(i, i + size))) events.push(...normalizer.push(msg, 0));
    i += size;
  }
  for (const msg of decoder.end()) events.push(...normalizer.push(msg, 0));
  events.push(...normalizer.end(0));
  return events;
}

interface Summary {
  reasoning: string;
  content: string;
  tools: Array<{ id: string; name: string; arguments: string; invalid?: string }>;
  usage: { prompt: number; completion: number; reasoning?: number; cumulative: boolean } | null;
  stats: Record<string, number> | null;
  end: string;
  warnings: number;
}

function summarize(events: StreamEvent[]): Summary {
  const tools = new ToolCallAccumulator();
  const s: Summary = { reasoning: '', content: '', tools: [], usage: null, stats: null, end: 'none', warnings: 0 };
  for (const e of events) {
    if (e.type === 'reasoning') s.reasoning += e.text;
    else if (e.type === 'content') s.content += e.text;
    else if (e.type === 'reclassify' && e.to === 'reasoning') [s.reasoning, s.content] = [s.reasoning + s.content, ''];
    else if (e.type === 'reclassify') [s.reasoning, s.content] = ['', s.content + s.reasoning];
    else if (e.type === 'tool-call') tools.push(e);
    else if (e.type === 'usage') s.usage = { prompt: e.promptTokens, completion: e.completionTokens, ...(e.reasoningTokens ? { reasoning: e.reasoningTokens } : {}), cumulative: e.cumulative };
    else if (e.type === 'engine-stats') s.stats = e.stats;
    else if (e.type === 'warning') s.warnings++;
    else if (e.type === 'done') s.end = `done:${e.finishReason}`;
    else if (e.type === 'error') s.end = `error:${e.kind}:${e.message}`;
  }
  s.tools = tools.finish().map(({ id, name, arguments: a, invalid }) => ({ id, name, arguments: a, ...(invalid ? { invalid } : {}) }));
  return s;
}

const CASES: Array<{ name: string; options?: NormalizerOptions; expect: Partial<Summary> }> = [
  {
    name: 'vllm-thinking',
    expect: { reasoning: 'Let me think.', content: 'Héllo 你好 🚀!', usage: { prompt: 12, completion: 8, cumulative: true }, end: 'done:stop', warnings: 0 },
  },
  { name: 'vllm-0.11-both-fields', expect: { reasoning: 'Hmm.', content: 'Yes.', usage: { prompt: 9, completion: 3, cumulative: false }, end: 'done:stop' } },
  {
    name: 'vllm-tools-parallel',
    expect: {
      content: '',
      tools: [
        { id: 'chatcmpl-tool-3f2a0000000000000000000000000000', name: 'get_weather', arguments: '{"city": "Paris"}' },
        { id: 'chatcmpl-tool-9b1c0000000000000000000000000000', name: 'get_weather', arguments: '{"city": "Tokyo"}' },
      ],
      end: 'done:tool_calls',
    },
  },
  {
    name: 'sglang-tools',
    expect: {
      reasoning: 'Need weather.',
      tools: [{ id: 'call_0123456789abcdef01234567', name: 'get_weather', arguments: '{"city": "Paris"}' }],
      usage: { prompt: 30, completion: 22, reasoning: 4, cumulative: false },
      end: 'done:tool_calls',
    },
  },
  {
    name: 'nim-cumulative',
    expect: { reasoning: 'Plan: compare. Done.', content: 'A is faster.', usage: { prompt: 20, completion: 11, cumulative: true }, end: 'done:stop' },
  },
  {
    name: 'llamacpp-crlf-timings',
    expect: {
      reasoning: 'Short.',
      content: 'Done.',
      usage: { prompt: 10, completion: 4, cumulative: false },
      stats: { cache_n: 0, prompt_n: 10, prompt_ms: 20.5, prompt_per_token_ms: 2.05, prompt_per_second: 487.8, predicted_n: 4, predicted_ms: 50, predicted_per_token_ms: 12.5, predicted_per_second: 80 },
      end: 'done:stop',
    },
  },
  {
    name: 'ollama-tool-whole',
    expect: { reasoning: 'User wants weather.', content: '', tools: [{ id: 'call_abc123xy', name: 'get_weather', arguments: '{"city":"Paris"}' }], end: 'done:tool_calls' },
  },
  {
    name: 'webllm-usage-extra',
    expect: {
      reasoning: 'Small model, short thought.',
      content: 'Hi!',
      usage: { prompt: 14, completion: 12, cumulative: false },
      stats: { e2e_latency_s: 0.61, prefill_tokens_per_s: 350.2, decode_tokens_per_s: 41.7, time_to_first_token_s: 0.04, time_per_output_token_s: 0.024 },
      end: 'done:stop',
    },
  },
  { name: 'raw-think-pair', expect: { reasoning: 'I should greet.', content: 'Hello there.', end: 'done:stop' } },
  { name: 'raw-close-only', options: { thinkMode: 'closing-only' }, expect: { reasoning: 'Two plus two is four.', content: '**4**', end: 'done:stop' } },
  {
    name: 'raw-thinking-off-tool-text',
    expect: { reasoning: '', content: 'Checking.', tools: [{ id: 'text-call-0', name: 'get_weather', arguments: '{"city":"Paris"}' }], end: 'done:stop' },
  },
  // thinking was off: the reasoning parser's reasoning is the answer
  { name: 'vllm-answer-in-reasoning', options: { noThinking: true }, expect: { reasoning: '', content: 'Paris is the capital of France.', end: 'done:stop', warnings: 1 } },
  // the same stream where the model may think: it stopped before answering, and its reasoning stays reasoning
  { name: 'vllm-answer-in-reasoning', expect: { reasoning: 'Paris is the capital of France.', content: '', end: 'done:stop', warnings: 0 } },
  { name: 'vllm-reasoning-length', expect: { reasoning: 'Let me count the letters one by one', content: '', end: 'done:length', warnings: 0 } },
  { name: 'vllm-reasoning-length', options: { noThinking: true }, expect: { reasoning: '', content: 'Let me count the letters one by one', end: 'done:length', warnings: 1 } },
  // a Thinking model served as `qwen` by a server without a reasoning parser: the lone </think> splits it, whatever the name
  {
    name: 'raw-lone-close-alias',
    expect: { reasoning: 'Okay, the user wants 2+2.\r\nThat is 4.', content: '**4** (see </think> docs)', usage: { prompt: 15, completion: 18, cumulative: false }, end: 'done:stop', warnings: 0 },
  },
  { name: 'vllm-literal-close-in-answer', expect: { reasoning: 'Explain the tags.', content: 'Close it with </think>, as written.', end: 'done:stop' } },
  {
    name: 'vllm-stream-error',
    expect: { content: 'Partial', end: 'error:server:The server failed while answering: CUDA out of memory. Tried to allocate 2.00 GiB' },
  },
  { name: 'llamacpp-old-error-line', expect: { content: 'Some', end: 'error:server:The server failed while answering: failed to decode the batch' } },
  {
    name: 'dropped-midstream',
    expect: { content: 'Half an answer <thi', end: 'error:dropped:The stream ended early: the server closed the connection before it finished. The text so far is kept.' },
  },
  { name: 'malformed-line', expect: { content: 'One two.', end: 'done:stop', warnings: 2 } },
];

describe('stream normalizer on recorded streams', () => {
  for (const c of CASES) {
    it(`${c.name}${c.options ? ` ${JSON.stringify(c.options)}` : ''}: right events, whatever the network reads`, () => {
      const bytes = fixture(c.name);
      const whole = replay(bytes, () => bytes.length, c.options);
      expect(summarize(whole)).toMatchObject(c.expect);
      // one byte at a time: UTF-8 characters, CRLF pairs, `data:` prefixes and tags all cut
      expect(replay(bytes, () => 1, c.options)).toEqual(whole);
      let seed = 7;
      const random = () => ((seed = (seed * 48271) % 2147483647) % 23) + 1;
      expect(replay(bytes, random, c.options)).toEqual(whole);
    });
  }

  it('says once, when asked to, that tool calls came as raw <tool_call> text', () => {
    const normalizer = new StreamNormalizer({ textToolCallNote: 'no parser' });
    const chunk = (content: string) => ({ choices: [{ delta: { content } }] });
    const events = [
      ...normalizer.pushChunk(chunk('<tool_call>\n{"name": "a", "arguments": {}}\n</tool_call>\n<tool_call>\n{"name": "b", "arguments": {}}\n</tool_call>'), 0),
      ...normalizer.pushChunk({ choices: [{ delta: {}, finish_reason: 'stop' }] }, 0),
      ...normalizer.end(0),
    ];
    expect(events.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && e.message)).toEqual(['no parser']);
    expect(events.filter((e) => e.type === 'tool-call').map((e) => e.type === 'tool-call' && e.name)).toEqual(['a', 'b']);
  });

  it('reads a tool call that a server without a tool parser left in the reasoning', () => {
    const normalizer = new StreamNormalizer({ textToolCallNote: 'no parser' });
    const events = [
      ...normalizer.pushChunk({ choices: [{ delta: { reasoning_content: '<tool_call>\n{"name": "calc", "arguments": {"x": 1}}\n</tool_call>' } }] }, 0),
      ...normalizer.pushChunk({ choices: [{ delta: {}, finish_reason: 'stop' }] }, 0),
      ...normalizer.end(0),
    ];
    const calls = events.filter((e) => e.type === 'tool-call');
    expect(calls).toMatchObject([{ name: 'calc', argsDelta: '{"x":1}' }]);
    expect(events.filter((e) => e.type === 'content')).toEqual([]);
    expect(events.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && e.message)).toEqual(['no parser']);
  });

  it('groups the events of one server chunk under one seq', () => {
    const events = replay(fixture('nim-cumulative'), () => 9999);
    const text = events.filter((e) => e.type === 'content' || e.type === 'reasoning');
    const last = text.at(-1);
    const mixed = text.filter((e) => last && 'seq' in last && e.seq === last.seq);
    expect(mixed.map((e) => e.type).sort()).toEqual(['content', 'reasoning']);
  });

  it('after a 50k-character trace in content, a lone </think> cut across messages moves it all to reasoning, each message answered at once', () => {
    const normalizer = new StreamNormalizer();
    const message = (content: string, finish: string | null = null) => ({ event: null, extra: {}, data: JSON.stringify({ choices: [{ delta: { content }, finish_reason: finish }] }) });
    const sentence = 'Let me check the numbers once more.\r\n';
    let trace = '';
    let shown = '';
    while (trace.length < 50_000) {
      trace += sentence;
      for (const e of normalizer.push(message(sentence), 0)) if (e.type === 'content') shown += e.text;
      // nothing piles up: all but the line end held for a possible tag is out
      expect(trace.length - shown.length).toBeLessThanOrEqual(2);
    }
    const events = [...normalizer.push(message('</thi'), 1), ...normalizer.push(message('nk>\r\n\r\nThe answer.', 'stop'), 2), ...normalizer.end(3)];
    expect(events.map((e) => e.type)).toEqual(['reclassify', 'content', 'done']);
    expect(events[0]).toMatchObject({ to: 'reasoning', at: 2 });
    expect(summarize(events).content).toBe('The answer.');
    expect(shown).toBe(trace.trimEnd());
  });

  it('reports invalid tool-call arguments with a clear message', () => {
    const acc = new ToolCallAccumulator();
    acc.push({ index: 0, id: 'x', name: 'search', argsDelta: '{"q": "qwen' });
    expect(acc.finish()[0]?.invalid).toMatch(/^The arguments of search are not valid JSON/);
  });
});
