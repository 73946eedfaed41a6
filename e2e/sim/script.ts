// What the simulated model says: a deterministic plan of reasoning, answer and tool calls for one request.
import type { SimOptions } from './options.ts';
import { argumentsFor, lastResults, pickTool, roundsSoFar, type ToolSpec } from './tool-loop.ts';
import { rng } from '../../src/lib/bench/arrivals.ts';

// the benchmark's seeded generator: the same seed gives the same run (the sim's other modules take it from here)
export { rng };

export interface ChatRequest {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown; continuous_usage_stats?: unknown } | null;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  ignore_eos?: unknown;
  chat_template_kwargs?: { enable_thinking?: unknown } | null;
  tools?: unknown;
  seed?: unknown;
}

interface Message {
  role: string;
  content: string;
}

export type Step =
  | { kind: 'reasoning'; text: string }
  | { kind: 'content'; text: string }
  | { kind: 'tool-start'; index: number; id: string; name: string; /** set when a server sends the whole call at once */ args?: string }
  | { kind: 'tool-args'; index: number; text: string };

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface Plan {
  thinks: boolean;
  /** a hybrid Qwen3 (thinking switchable); Thinking-2507 and Next-Thinking always think and open `<think>` in the template */
  hybrid: boolean;
  /** the thinking-off form of a hybrid model: the template adds an empty think block */
  thinkingOff: boolean;
  reasoning: string[];
  content: string[];
  toolCalls: ToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
}


/** The simulator's tokenizer: words with their leading space, single symbols, runs of newlines. */
export function tokenize(text: string): string[] {
  return text.match(/[^\S\n]*[\p{L}\p{N}_']+|[^\S\n]*[^\p{L}\p{N}_'\s]|\n+|[^\S\n]+/gu) ?? [];
}

export function messagesOf(request: ChatRequest): Message[] {
  if (!Array.isArray(request.messages)) return [];
  return request.messages.map((m: { role?: unknown; content?: unknown }) => ({
    role: String(m?.role ?? 'user'),
    content: textOf(m?.content),
  }));
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

/** Whether the model thinks: Thinking models always, Instruct never, hybrid Qwen3 unless switched off. */
export function modelThinks(model: string, request: ChatRequest, lastUser: string): { thinks: boolean; hybrid: boolean } {
  const name = model.toLowerCase();
  if (name.includes('thinking')) return { thinks: true, hybrid: false };
  if (name.includes('instruct')) return { thinks: false, hybrid: false };
  const flag = request.chat_template_kwargs?.enable_thinking;
  if (flag === false) return { thinks: false, hybrid: true };
  if (/\/no_think\s*$/.test(lastUser)) return { thinks: false, hybrid: true };
  return { thinks: true, hybrid: true };
}

const ANSWER = `## Qwen3-Next-80B-A3B in brief

Qwen3-Next is a **mixture-of-experts** model: 80B parameters in all, about *3B active* per token. It mixes \`Gated DeltaNet\` linear attention with gated attention, which keeps long contexts cheap.

### Why it is fast

1. Only 10 of 512 experts run for each token.
2. Multi-token prediction (MTP) drafts several tokens at once.
3. Hybrid attention keeps the KV cache small.

- [x] 262,144 tokens of native context
- [ ] Vision (not in this model)

| Variant | Thinks | Best for |
|---|---|---|
| Instruct | never | fast answers, tools |
| Thinking | always | math, code, planning |

\`\`\`python
def tokens_per_second(tokens: int, seconds: float) -> float:
    return (tokens - 1) / seconds if seconds > 0 else 0.0
\`\`\`

> Speed is a feature: 你好，世界 — measured, not guessed. 🚀

`;

const THOUGHTS = [
  'The user wants a clear answer, so let me think step by step.',
  'First, recall what the question is really about.',
  'Hmm, there are a few ways to read this; the simplest one is probably right.',
  'Let me check the numbers again before I answer.',
  'I should mention the trade-offs, not only the headline figure.',
  'Wait, the mixture-of-experts part matters here: only a few experts are active.',
  'A table would make the comparison easy to scan.',
  'Okay, I think I have enough to write the answer now.',
];

const CITIES = ['Paris', 'Tokyo', 'Hangzhou', 'San Francisco', 'Berlin', 'Nairobi'];

export function makePlan(request: ChatRequest, opts: SimOptions, model: string): Plan {
  const random = rng(opts.seed + (typeof request.seed === 'number' ? request.seed : 0));
  const messages = messagesOf(request);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const last = messages.at(-1);
  const { thinks, hybrid } = modelThinks(model, request, lastUser);
  const promptTokens = messages.reduce((n, m) => n + tokenize(m.content).length + 4, 3);

  const tools = Array.isArray(request.tools) ? (request.tools as ToolSpec[]) : [];
  // an agent: calls tools for `rounds` rounds of the turn, then answers from the results
  const callTools = tools.length > 0 && opts.toolCalls > 0 && roundsSoFar(request.messages) < opts.toolRounds;

  let reasoning = thinks ? thoughts(random, lastUser, opts.reasoningTokens) : [];
  let content: string[];
  let toolCalls: ToolCall[] = [];
  if (callTools) {
    content = [];
    toolCalls = Array.from({ length: opts.toolCalls }, (_, i) => toolCallFor(pickTool(tools, opts.useTool, i), i, random, lastUser));
  } else if (last?.role === 'tool') {
    content = tokenize(`Here is what the tool returned: ${lastResults(request.messages).join('; ')}\n\nSo the answer is ready.`);
  } else if (opts.echo) {
    content = tokenize(lastUser);
  } else {
    content = answerOfLength(opts.answerTokens);
  }
  if (opts.noAnswer) {
    // thinking: it stops before answering; not thinking: the reasoning parser takes the answer for reasoning
    if (!thinks) reasoning = content;
    content = [];
    toolCalls = [];
  }

  const maxTokens = numberOr(request.max_completion_tokens, numberOr(request.max_tokens, Infinity));
  if (request.ignore_eos === true && Number.isFinite(maxTokens) && toolCalls.length === 0) {
    content = answerOfLength(Math.max(0, maxTokens - reasoning.length));
  }
  let finishReason: Plan['finishReason'] = toolCalls.length ? 'tool_calls' : 'stop';
  const toolTokens = toolCalls.reduce((n, c) => n + toolArgPieces(c.arguments).length + 8, 0);
  if (reasoning.length + content.length + toolTokens > maxTokens) {
    finishReason = 'length';
    reasoning = reasoning.slice(0, maxTokens);
    content = content.slice(0, Math.max(0, maxTokens - reasoning.length));
    toolCalls = [];
  }
  const completionTokens = reasoning.length + content.length + (toolCalls.length ? toolTokens : 0);
  return {
    thinks,
    hybrid,
    thinkingOff: hybrid && !thinks,
    reasoning,
    content,
    toolCalls,
    finishReason,
    promptTokens,
    completionTokens,
    reasoningTokens: reasoning.length,
  };
}

/** The plan as a stream of steps: reasoning tokens, then answer tokens or tool-call pieces. */
export function stepsOf(plan: Plan): Step[] {
  const steps: Step[] = plan.reasoning.map((text) => ({ kind: 'reasoning', text }));
  for (const text of plan.content) steps.push({ kind: 'content', text });
  plan.toolCalls.forEach((call, index) => {
    steps.push({ kind: 'tool-start', index, id: call.id, name: call.name });
    for (const text of toolArgPieces(call.arguments)) steps.push({ kind: 'tool-args', index, text });
  });
  return steps;
}

/** Arguments stream as small fragments, the way tool parsers emit them. */
export function toolArgPieces(args: string): string[] {
  return args.match(/.{1,6}/gsu) ?? [];
}

function toolCallFor(tool: ToolSpec, i: number, random: () => number, prompt: string): ToolCall {
  const fn = tool.function ?? {};
  const args = argumentsFor(tool, i, prompt, (props, i) => {
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(props)) {
      if (schema.type === 'number' || schema.type === 'integer') out[key] = i + 1;
      else if (schema.type === 'boolean') out[key] = i % 2 === 0;
      else out[key] = key.includes('unit') ? 'celsius' : CITIES[i % CITIES.length];
    }
    return out;
  });
  const id = Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
  return { id, name: fn.name ?? 'get_weather', arguments: JSON.stringify(args) };
}

function thoughts(random: () => number, lastUser: string, count: number): string[] {
  const out: string[] = [];
  const topic = lastUser.trim().slice(0, 80);
  let text = topic ? `The user asks: "${topic}". ` : '';
  // paragraphs, as Qwen3's reasoning comes: a blank line every few thoughts
  while (tokenize(text).length < count) text += THOUGHTS[Math.floor(random() * THOUGHTS.length)] + (random() < 0.3 ? '\n\n' : ' ');
  for (const t of tokenize(text.trimEnd())) {
    if (out.length >= count) break;
    out.push(t);
  }
  return out;
}

/** The markdown answer, repeated as numbered parts or cut, to exactly `count` tokens (0: its natural length). */
export function answerOfLength(count: number): string[] {
  const base = tokenize(ANSWER.trimEnd());
  if (count <= 0) return base;
  const out: string[] = [];
  for (let part = 1; out.length < count; part++) {
    const section = part === 1 ? base : tokenize(`\n\n${ANSWER.replace('## Qwen3-Next-80B-A3B in brief', `## Part ${part}`).trimEnd()}`);
    for (const t of section) {
      if (out.length >= count) break;
      out.push(t);
    }
  }
  return out;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
