// The multi-turn agent workload against the simulator: each turn resends the conversation, grown by the answer and a tool result.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSim, type SimServer } from '../../../e2e/sim/server.ts';
import { nextMessages } from './conversation.ts';
import { runSweep } from './sweep.ts';
import { DEFAULT_WORKLOAD, type BenchMessage, type BenchPrompt, type Workload } from './types.ts';

const TTFT = 300;
let sim: SimServer;
beforeAll(async () => {
  sim = await startSim({ ttftMs: TTFT, tps: 200, reasoningTokens: 0 });
});
afterAll(() => sim.close());

const model = 'Qwen/Qwen3-Next-80B-A3B-Instruct';
const TURNS = 3;
const workload: Workload = { ...DEFAULT_WORKLOAD, kind: 'multi-turn', concurrency: [2], numPrompts: 2, turns: TURNS, inputLen: 8, outputLen: 12, toolResultLen: 40, warmup: 0 };
/** Plain texts: the simulator counts words, and exact lengths are the tokenizer's test. */
const conversations = async (): Promise<BenchPrompt[]> =>
  Array.from({ length: 2 }, (_, c) => ({
    messages: [{ role: 'system', content: 'You are an agent with a search tool.' }, { role: 'user', content: `Conversation ${c}: find the fastest server.` }],
    inputLen: 8,
    outputLen: 12,
    followUps: Array.from({ length: TURNS - 1 }, (_, k) => ({
      toolResult: `result ${k} `.repeat(20),
      toolResultLen: 40,
      user: `Now check step ${k + 2}.`,
      userLen: 5,
      outputLen: 12,
    })),
  }));

it('resends the whole conversation each turn, answers and tool results in between, one conversation at a time per slot', async () => {
  const bodies: Array<{ messages: BenchMessage[] }> = [];
  const answers: string[] = [];
  const spy: typeof fetch = async (url, init) => {
    const body = JSON.parse(String(init!.body)) as { messages: BenchMessage[] };
    bodies.push(body);
    const res = await fetch(url, init);
    // read the stream twice: once for the runner, once here, to know the answer as it came back
    const [a, b] = res.body!.tee();
    void new Response(b).text().then((t) => {
      const text = t.split('\n').filter((l) => l.startsWith('data: {')).map((l) => (JSON.parse(l.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? '').join('');
      answers.push(text);
    });
    return new Response(a, { status: res.status, headers: res.headers });
  };
  const [r] = await runSweep({ endpoints: [{ baseURL: `${sim.url}/v1`, model, server: 'vllm' }], workload, prompts: conversations, fetch: spy, scrape: false });
  expect(r).toBeDefined();
  expect(r!.completed).toBe(2 * TURNS);
  expect(r!.failed).toBe(0);
  expect(r!.completed_conversations).toBe(2);
  expect(r!.num_prompts).toBe(2 * TURNS);
  // two conversations at once: never their six requests
  expect(r!.achieved_concurrency).toBe(2);

  // request N of a conversation: system + user, then 3 more (answer with its tool call, tool result, user) per earlier turn
  const counts = bodies.map((b) => b.messages.length).sort();
  expect(counts).toEqual([2, 2, 5, 5, 8, 8]);
  for (const b of bodies.filter((b) => b.messages.length === 8)) {
    expect(b.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user', 'assistant', 'tool', 'user']);
    const [, , first, tool1, , second, tool2] = b.messages as [BenchMessage, BenchMessage, Extract<BenchMessage, { role: 'assistant' }>, Extract<BenchMessage, { role: 'tool' }>, BenchMessage, Extract<BenchMessage, { role: 'assistant' }>, Extract<BenchMessage, { role: 'tool' }>];
    // the answers went back as the server streamed them
    expect(answers).toContain(first.content);
    expect(answers).toContain(second.content);
    expect(first.content.length).toBeGreaterThan(0);
    expect(first.tool_calls![0]!.id).toBe(tool1.tool_call_id);
    expect(second.tool_calls![0]!.id).toBe(tool2.tool_call_id);
    expect(tool1.content).toBe('result 0 '.repeat(20));
  }

  // by turn: the prompt grows by the answer, the tool result and the next message; TTFT is there for each
  const turns = r!.per_turn!;
  expect(turns.map((t) => t.turn)).toEqual([1, 2, 3]);
  expect(turns.map((t) => t.completed)).toEqual([2, 2, 2]);
  const prompt = turns.map((t) => t.mean_prompt_tokens!);
  expect(prompt[1]!).toBeGreaterThan(prompt[0]! + 40);
  expect(prompt[2]!).toBeGreaterThan(prompt[1]! + 40);
  expect(turns.map((t) => t.mean_input_len)).toEqual([8, 8 + 12 + 40 + 5, 8 + 2 * (12 + 40 + 5)]);
  for (const t of turns) {
    expect(t.mean_ttft_ms!).toBeGreaterThanOrEqual(TTFT * 0.97);
    expect(t.p99_ttft_ms).not.toBeNull();
  }
}, 60_000);

it('builds the next turn from the last: the answer with its tool call, the tool result, the next user message', () => {
  const sent: BenchMessage[] = [{ role: 'user', content: 'hello' }];
  const next = nextMessages(sent, 'an answer', 1, { toolResult: 'found', toolResultLen: 1, user: 'and then?', userLen: 3, outputLen: 4 });
  expect(next).toEqual([
    { role: 'user', content: 'hello' },
    { role: 'assistant', content: 'an answer', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"query":"step 1"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'found' },
    { role: 'user', content: 'and then?' },
  ]);
  expect(sent).toHaveLength(1);
});
