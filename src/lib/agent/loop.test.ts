import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, Engine } from '../engines/types.ts';
import type { StreamEvent } from '../stream/events.ts';
import { builtinTools } from './builtins.ts';
import { calculate } from './calculator.ts';
import { agentLoop, type LoopOptions } from './loop.ts';
import type { AgentTool } from './tool.ts';

type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;
type Turn = Array<WithoutAt<StreamEvent>>;

/** A model that says, call after call, what its script says; it records every request. */
class ScriptedModel implements Engine {
  requests: ChatRequest[] = [];
  constructor(private turns: Turn[]) {}
  async *stream(req: ChatRequest): AsyncGenerator<StreamEvent> {
    this.requests.push(structuredClone(req));
    const turn = this.turns[this.requests.length - 1] ?? [{ type: 'content', text: 'no more script', seq: 1 }, { type: 'done', finishReason: 'stop' }];
    for (const e of turn) yield { ...e, at: performance.now() } as StreamEvent;
  }
}

const call = (index: number, name: string, args: string, id?: string): Turn[number] => ({ type: 'tool-call', index, id, name, argsDelta: args, seq: 1 });
const done = (finishReason = 'stop'): Turn[number] => ({ type: 'done', finishReason });
const text = (t: string): Turn[number] => ({ type: 'content', text: t, seq: 1 });

const tools = Object.values(builtinTools(async (code) => ({ ok: true, text: `ran ${code}` }), () => new Date('2026-01-02T03:04:05Z')));
const request: ChatRequest = { endpoint: { baseURL: 'http://x/v1', dialect: 'vllm' }, model: 'm', messages: [{ role: 'user', content: 'What is 6*7?' }], thinking: 'default', params: {} };

async function run(model: Engine, options: Partial<LoopOptions> = {}, signal = new AbortController().signal): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of agentLoop(model, request, { tools, maxSteps: 10, ...options }, signal)) out.push(e);
  return out;
}

const kinds = (events: StreamEvent[]) => events.map((e) => e.type);

describe('the agent loop', () => {
  // the calculator's library is large: loaded once here, not inside the first test's time limit
  beforeAll(() => calculate('1'), 60_000);

  it('runs the call, sends the result back as a tool message with its id, and ends with the answer', async () => {
    const model = new ScriptedModel([[call(0, 'calculator', '{"expression": "6*7"}', 'call_a'), done('tool_calls')], [text('It is 42.'), done()]]);
    const events = await run(model);
    expect(kinds(events)).toEqual(['tool-call', 'call-end', 'tool-start', 'tool-result', 'call-start', 'content', 'done']);
    expect(events.find((e) => e.type === 'tool-result')).toMatchObject({ id: 'call_a', state: 'done', text: '42' });
    const second = model.requests[1]!;
    expect(second.messages.slice(1)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'calculator', arguments: '{"expression": "6*7"}' } }] },
      { role: 'tool', tool_call_id: 'call_a', content: '42' },
    ]);
    // every call offers the tools, as OpenAI function tools
    expect(model.requests.map((r) => r.tools?.map((t) => t.function.name))).toEqual([
      ['calculator', 'javascript', 'current_time'],
      ['calculator', 'javascript', 'current_time'],
    ]);
  });

  it('runs parallel calls together and returns their results in the order of the calls', async () => {
    let release: () => void = () => {};
    const slow: AgentTool = { name: 'slow', description: '', parameters: { type: 'object' }, origin: 'built-in', run: () => new Promise((r) => (release = () => r({ ok: true, text: 'slow result' }))) };
    const fast: AgentTool = { name: 'fast', description: '', parameters: { type: 'object' }, origin: 'built-in', run: async () => { setTimeout(() => release(), 10); return { ok: true, text: 'fast result' }; } };
    const model = new ScriptedModel([[call(0, 'slow', '{}', 'a'), call(1, 'fast', '{}', 'b'), done('tool_calls')], [text('ok'), done()]]);
    const events = await run(model, { tools: [slow, fast] });
    // both start before either ends; the fast one ends first
    expect(events.filter((e) => e.type === 'tool-start' || e.type === 'tool-result').map((e) => `${e.type} ${'id' in e ? e.id : ''}`)).toEqual(['tool-start a', 'tool-start b', 'tool-result b', 'tool-result a']);
    expect(model.requests[1]!.messages.filter((m) => m.role === 'tool')).toEqual([
      { role: 'tool', tool_call_id: 'a', content: 'slow result' },
      { role: 'tool', tool_call_id: 'b', content: 'fast result' },
    ]);
  });

  it('sends invalid arguments and unknown tools back as errors the model can correct itself from', async () => {
    const model = new ScriptedModel([
      [call(0, 'calculator', '{"expression": 6', 'a'), call(1, 'calculator', '{"expr": "1"}', 'b'), call(2, 'weather', '{}', 'c'), done('tool_calls')],
      [text('sorry'), done()],
    ]);
    const events = await run(model);
    const results = events.filter((e) => e.type === 'tool-result');
    expect(results.map((e) => e.state)).toEqual(['error', 'error', 'error']);
    expect(results[0]!.text).toMatch(/not valid JSON/);
    expect(results[1]!.text).toMatch(/required property "expression"/);
    expect(results[2]!.text).toMatch(/no tool named "weather".*calculator, javascript, current_time/);
    // the errors still go back, one tool message per call
    expect(model.requests[1]!.messages.filter((m) => m.role === 'tool')).toHaveLength(3);
  });

  it('stops at the step limit, says so, and does not run the last calls', async () => {
    const again = [call(0, 'current_time', '{}', 'x'), done('tool_calls')];
    const model = new ScriptedModel([again, again, again]);
    const events = await run(model, { maxSteps: 2 });
    expect(model.requests).toHaveLength(2);
    expect(events.filter((e) => e.type === 'tool-start')).toHaveLength(1);
    expect(kinds(events).slice(-2)).toEqual(['step-limit', 'done']);
    // ids a model repeats are made unique within the turn
    expect(events.find((e) => e.type === 'tool-result')).toMatchObject({ text: expect.stringMatching(/2026 .*ISO 2026-01-02T03:04:05.000Z/) });
  });

  it('makes ids unique when a server sends none or repeats them, and keeps the reasoning of the turn for the next call', async () => {
    const model = new ScriptedModel([
      [{ type: 'reasoning', text: 'need time', seq: 1 }, call(0, 'current_time', '{}'), done('tool_calls')],
      [call(0, 'current_time', '{}'), done('tool_calls')],
      [text('done'), done()],
    ]);
    await run(model);
    const ids = model.requests[2]!.messages.flatMap((m) => (m.role === 'tool' ? [m.tool_call_id] : []));
    expect(ids).toEqual(['call_1_0', 'call_2_0']);
    expect(model.requests[1]!.messages[1]).toMatchObject({ role: 'assistant', reasoning: 'need time' });
  });

  it('passes an answer without calls through unchanged, and says a repeated note once per turn', async () => {
    const note: Turn[number] = { type: 'warning', message: 'no parser' };
    const model = new ScriptedModel([[note, call(0, 'current_time', '{}', 'a'), done('tool_calls')], [note, text('ok'), done()]]);
    const events = await run(model);
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(1);
    const plain = await run(new ScriptedModel([[text('hi'), done()]]));
    expect(kinds(plain)).toEqual(['content', 'done']);
  });

  it('stops the loop and the running tool when stopped', async () => {
    const controller = new AbortController();
    let aborted = false;
    const hang: AgentTool = {
      name: 'hang', description: '', parameters: { type: 'object' }, origin: 'built-in',
      run: (_args, signal) => new Promise((resolve) => {
        signal.addEventListener('abort', () => { aborted = true; resolve({ ok: false, text: 'stopped' }); });
        setTimeout(() => controller.abort(), 5);
      }),
    };
    const model = new ScriptedModel([[call(0, 'hang', '{}', 'a'), done('tool_calls')], [text('never'), done()]]);
    const events = await run(model, { tools: [hang] }, controller.signal);
    expect(aborted).toBe(true);
    expect(kinds(events).at(-1)).toBe('stopped');
    expect(model.requests).toHaveLength(1);
  });

  it('asks before each call when approval is on; a refusal goes back to the model', async () => {
    const asked: string[] = [];
    const model = new ScriptedModel([[call(0, 'calculator', '{"expression":"1+1"}', 'a'), call(1, 'current_time', '{}', 'b'), done('tool_calls')], [text('ok'), done()]]);
    const events = await run(model, { approve: async (c) => (asked.push(c.name), c.name === 'calculator') });
    expect(asked).toEqual(['calculator', 'current_time']);
    expect(Object.fromEntries(events.flatMap((e) => (e.type === 'tool-result' ? [[e.id, e.state]] : [])))).toEqual({ a: 'done', b: 'refused' });
    expect(events.filter((e) => e.type === 'tool-start').map((e) => 'id' in e && e.id)).toEqual(['a']);
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'b', content: expect.stringMatching(/declined/) });
  });
});
